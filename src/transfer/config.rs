//! Options -> `CURLOPT_*`: builds and configures a transfer's easy handle on the caller's
//! thread, so every option error is reported before anything reaches the reactor.
use super::handler::Collector;
use super::upload::Upload;
use crate::error::HttpError;
use crate::options::{ExtraData, HttpProtocol, HttpRequestOptions, RequestMethod, UsingProxy};
use curl::easy::{Easy2, HttpVersion, List, SslVersion};
use serde_json::Value;
use std::time::Duration;

/// libcurl's CURLOPT_STREAM_WEIGHT (curl-sys has no constant for it).
const CURLOPT_STREAM_WEIGHT: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_LONG + 239;
/// Download buffer per transfer (CURLOPT_BUFFERSIZE): the bench measured 512 KiB near twice
/// the throughput of curl's 16 KiB on bulk bodies; small enough for many
/// transfers at once.
pub(crate) const RECEIVE_BUFFER: usize = 512 * 1024;
/// Redirects followed at most.
const MAX_REDIRECTS: u32 = 30;

/// The content codings the linked libcurl decodes, listed as `CURLOPT_ACCEPT_ENCODING ""`
/// would list them (libcurl's own order: deflate, gzip, br, zstd; "identity" when it has none).
/// Set as the option (decoding on) and also sent as our own `Accept-Encoding` header: libcurl
/// then skips formatting the header itself, which its `curl_maprintf` made the single
/// costliest step of a small request on the reactor (~4.7k of ~100k instructions).
static ACCEPT_ENCODING: once_cell::sync::Lazy<std::ffi::CString> = once_cell::sync::Lazy::new(|| {
    let v = curl::Version::get();
    let codings: Vec<&str> = [
        (v.feature_libz(), "deflate"),
        (v.feature_libz(), "gzip"),
        (v.feature_brotli(), "br"),
        (v.feature_zstd(), "zstd"),
    ]
    .into_iter()
    .filter_map(|(has, name)| has.then_some(name))
    .collect();
    let list = if codings.is_empty() { "identity".to_string() } else { codings.join(", ") };
    std::ffi::CString::new(list).unwrap_or_default()
});

/// The `Accept-Encoding` request header line for `ACCEPT_ENCODING`.
static ACCEPT_ENCODING_HEADER: once_cell::sync::Lazy<String> =
    once_cell::sync::Lazy::new(|| format!("Accept-Encoding: {}", ACCEPT_ENCODING.to_str().unwrap_or("identity")));

/// A configured easy handle, ready for the reactor.
pub(crate) struct Prepared {
    /// The easy handle with its collector.
    pub easy: Easy2<Collector>,
    /// Admission priority in [1, 1000].
    pub priority: u32,
}

/// Maps a curl setopt failure to an error naming the option.
fn setopt(field: &str) -> impl Fn(curl::Error) -> HttpError + '_ {
    move |e| {
        if e.code() == curl_sys::CURLE_OUT_OF_MEMORY {
            HttpError::from_curl(27, Some(field))
        } else {
            HttpError::from_curl(e.code(), Some(&format!("setting {field}: {e}")))
        }
    }
}

/// Configures `collector`'s easy handle for `url` with `opts` (already validated).
pub(crate) fn prepare(url: &str, opts: HttpRequestOptions, mut collector: Collector) -> Result<Prepared, HttpError> {
    if url.contains('\0') {
        return Err(HttpError::parameter("url must not contain NUL bytes"));
    }
    let method = opts.method();
    let url = request_url(url, &opts);
    let body: Option<Vec<u8>> = match (&opts.extra_data, method.has_body()) {
        (Some(extra), true) => Some(extra.to_bytes()),
        (None, true) => Some(Vec::new()),
        (_, false) => None,
    };
    let stream = collector.stream;
    if !stream {
        collector.set_max_limit(opts.max_limit_bytes());
    }
    let multipart = crate::transfer::config::is_multipart(&opts);
    if let Some(b) = body.filter(|_| !multipart) {
        collector.set_upload(Upload::new(b));
    }
    let mut easy = super::pool::easy_for(collector);

    easy.url(&url).map_err(setopt("url"))?;
    easy.signal(false).map_err(setopt("NOSIGNAL"))?;
    // SAFETY: a string option on a valid easy handle; libcurl copies the string.
    let rc =
        unsafe { curl_sys::curl_easy_setopt(easy.raw(), curl_sys::CURLOPT_ACCEPT_ENCODING, ACCEPT_ENCODING.as_ptr()) };
    if rc != curl_sys::CURLE_OK {
        return Err(setopt("ACCEPT_ENCODING")(curl::Error::new(rc)));
    }
    easy.follow_location(true).map_err(setopt("FOLLOWLOCATION"))?;
    easy.max_redirections(MAX_REDIRECTS).map_err(setopt("MAXREDIRS"))?;
    easy.cookie_file("").map_err(setopt("COOKIEFILE"))?;
    easy.progress(true).map_err(setopt("NOPROGRESS"))?;
    // libcurl 7.88 refuses a new size once a reused handle has its buffer (43); that buffer
    // already has this size, every handle getting the same one.
    let _ = easy.buffer_size(RECEIVE_BUFFER);
    easy.ssl_verify_peer(true).map_err(setopt("SSL_VERIFYPEER"))?;
    easy.ssl_verify_host(true).map_err(setopt("SSL_VERIFYHOST"))?;
    easy.ssl_version(SslVersion::Tlsv12).map_err(setopt("SSLVERSION"))?;

    match method {
        RequestMethod::Get => {}
        RequestMethod::Head => easy.nobody(true).map_err(setopt("method"))?,
        RequestMethod::Post => {}
        other => easy.custom_request(other.as_str()).map_err(setopt("method"))?,
    }
    if let Some(size) = easy.get_ref().upload_len() {
        easy.post(true).map_err(setopt("method"))?;
        easy.post_field_size(size).map_err(setopt("extraData"))?;
    } else if method == RequestMethod::Post && !multipart {
        easy.post(true).map_err(setopt("method"))?;
        easy.post_field_size(0).map_err(setopt("extraData"))?;
    }

    easy.http_headers(header_list(&opts, method, multipart)?).map_err(setopt("header"))?;
    if multipart {
        let parts = opts.multi_form_data_list.as_deref().unwrap_or_default();
        let mime = super::mime::attach(easy.raw(), parts)?;
        easy.get_mut().keep_alive.push(Box::new(mime));
    }

    let read_timeout = opts.read_timeout_ms();
    if read_timeout > 0 {
        // readTimeout is inactivity, enforced by the reactor to the millisecond
        // (src/reactor/event_loop.rs): no byte received or sent for that long.
        easy.get_mut().read_timeout = Some(Duration::from_millis(read_timeout));
    }
    let connect_timeout = opts.connect_timeout_ms();
    if connect_timeout > 0 {
        easy.connect_timeout(Duration::from_millis(connect_timeout)).map_err(setopt("connectTimeout"))?;
    }

    if let Some(p) = opts.using_protocol {
        easy.http_version(http_version(p, &url)).map_err(setopt("usingProtocol"))?;
    }
    if may_multiplex(opts.using_protocol, &url) && curl::Version::get().feature_http2() {
        easy.pipewait(true).map_err(setopt("PIPEWAIT"))?;
    }

    configure_proxy(&mut easy, &opts, &url)?;
    configure_tls(&mut easy, &opts)?;

    if let Some(range) = opts.range() {
        easy.range(&range).map_err(setopt("resumeFrom/resumeTo"))?;
    }
    if !stream {
        easy.max_filesize(opts.max_limit_bytes()).map_err(setopt("maxLimit"))?;
    }
    if let Some(doh) = &opts.dns_over_https {
        easy.doh_url(Some(doh)).map_err(setopt("dnsOverHttps"))?;
    }

    let priority = opts.priority_or_default();
    // HTTP/2 stream weight [1, 256] from priority [1, 1000]; ignored by libcurl for HTTP/1.
    let weight = 1 + (priority.saturating_sub(1) as i64 * 255) / 999;
    // SAFETY: a long option on a valid easy handle.
    unsafe { curl_sys::curl_easy_setopt(easy.raw(), CURLOPT_STREAM_WEIGHT, weight as libc::c_long) };

    Ok(Prepared { easy, priority })
}

/// The URL the request goes to: `extraData` appended to the query for GET-like methods.
pub(crate) fn request_url(url: &str, opts: &HttpRequestOptions) -> String {
    match &opts.extra_data {
        Some(extra) if !opts.method().has_body() => with_query(url, extra),
        _ => url.to_string(),
    }
}

/// True when the request is a multipart form (content-type multipart/form-data and parts).
pub(crate) fn is_multipart(opts: &HttpRequestOptions) -> bool {
    opts.multi_form_data_list.is_some()
        && header_value(opts, "content-type")
            .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data")))
}

/// Appends extraData to the URL's query (before any fragment): a string as given, an object
/// as percent-encoded `k=v&…`; bytes are not part of a query.
fn with_query(url: &str, extra: &ExtraData) -> String {
    let query = match extra {
        ExtraData::String(s) => s.trim_start_matches(['?', '&']).to_string(),
        ExtraData::Object(Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                format!("{}={}", percent_encode(k), percent_encode(&v))
            })
            .collect::<Vec<_>>()
            .join("&"),
        ExtraData::Object(Value::String(s)) => s.clone(),
        ExtraData::Object(_) | ExtraData::ArrayBuffer(_) => String::new(),
    };
    if query.is_empty() {
        return url.to_string();
    }
    let (base, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let sep = match base.find('?') {
        Some(i) if i + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
        None => "?",
    };
    format!("{base}{sep}{query}{fragment}")
}

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte becomes %XX.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A request header's value as a string (case-insensitive name lookup).
fn header_value(opts: &HttpRequestOptions, name: &str) -> Option<String> {
    let (_, v) = opts.header.as_ref()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
    header_value_text(v)
}

/// A header value as text: strings as they are, numbers and booleans as JSON prints them.
fn header_value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The header list: the user's headers, a default content type for bodies, and no
/// `Expect: 100-continue` wait.
fn header_list(opts: &HttpRequestOptions, method: RequestMethod, multipart: bool) -> Result<List, HttpError> {
    let mut list = List::new();
    let mut has_content_type = false;
    let mut has_expect = false;
    let mut has_accept_encoding = false;
    for (name, value) in opts.header.iter().flatten() {
        let text = header_value_text(value)
            .ok_or_else(|| HttpError::parameter(format!("header.{name} must be a string, number or boolean")))?;
        let is_content_type = name.eq_ignore_ascii_case("content-type");
        if multipart && is_content_type {
            // curl writes the multipart content type itself, with its boundary
            continue;
        }
        has_content_type |= is_content_type;
        has_expect |= name.eq_ignore_ascii_case("expect");
        has_accept_encoding |= name.eq_ignore_ascii_case("accept-encoding");
        let line = if text.is_empty() { format!("{name};") } else { format!("{name}: {text}") };
        list.append(&line).map_err(setopt("header"))?;
    }
    if method.has_body() && !has_content_type && !multipart {
        list.append("Content-Type: application/json").map_err(setopt("header"))?;
    }
    if !has_expect {
        list.append("Expect:").map_err(setopt("header"))?;
    }
    if !has_accept_encoding {
        // what libcurl would send for ACCEPT_ENCODING, without its per-request formatting
        list.append(&ACCEPT_ENCODING_HEADER).map_err(setopt("header"))?;
    }
    Ok(list)
}

/// usingProtocol -> CURLOPT_HTTP_VERSION. HTTP/2 over plain HTTP uses prior knowledge (h2c);
/// HTTP/3 falls back to HTTP/2 (over TLS; 1.1 over plain HTTP) when the linked libcurl lacks
/// HTTP/3. Which version was used is the response's `http_version`.
fn http_version(p: HttpProtocol, url: &str) -> HttpVersion {
    let plain = url_scheme(url) == "http";
    match p {
        HttpProtocol::Http1_1 => HttpVersion::V11,
        HttpProtocol::Http2 if plain => HttpVersion::V2PriorKnowledge,
        HttpProtocol::Http2 => HttpVersion::V2TLS,
        HttpProtocol::Http3 if curl::Version::get().feature_http3() && !plain => HttpVersion::V3,
        HttpProtocol::Http3 => HttpVersion::V2TLS,
    }
}

/// Whether a transfer may multiplex on an HTTP/2 connection: https (ALPN) unless HTTP/1.1 is
/// forced, or h2c with prior knowledge. Such transfers wait for a connection being set up to
/// the same host to say whether it multiplexes (`PIPEWAIT`) instead of opening their own, so
/// many concurrent requests to one h2 server share one connection.
fn may_multiplex(p: Option<HttpProtocol>, url: &str) -> bool {
    match p {
        Some(HttpProtocol::Http1_1) => false,
        Some(HttpProtocol::Http2) => true,
        _ => url_scheme(url) == "https",
    }
}

/// usingProxy: false/absent -> no proxy even if the environment names one (`PROXY ""`);
/// true -> libcurl reads the environment (`http_proxy` for http URLs, `https_proxy` or
/// `HTTPS_PROXY` for https, `all_proxy`/`ALL_PROXY` for both, `no_proxy`/`NO_PROXY` to bypass;
/// curl ignores upper-case `HTTP_PROXY`); an explicit proxy -> that proxy (a plain forward
/// proxy for http URLs, a CONNECT tunnel for https) unless the URL's host matches the
/// exclusion list. Credentials come from the host in URL form (`user:pass@host` or
/// `http://user:pass@host`, percent-encoded where needed) and go to `PROXYUSERNAME` and
/// `PROXYPASSWORD`, never into the proxy URL curl logs.
fn configure_proxy(easy: &mut Easy2<Collector>, opts: &HttpRequestOptions, url: &str) -> Result<(), HttpError> {
    match (&opts.using_proxy, effective_proxy(url, opts)) {
        (Some(UsingProxy::Bool(true)), _) => Ok(()),
        (_, None) => easy.proxy("").map_err(setopt("usingProxy")),
        (_, Some(proxy)) => {
            easy.proxy(&proxy.curl_url()).map_err(setopt("usingProxy"))?;
            if let Some((user, pass)) = &proxy.credentials {
                easy.proxy_username(user).map_err(setopt("usingProxy.host (user name)"))?;
                easy.proxy_password(pass).map_err(setopt("usingProxy.host (password)"))?;
            }
            Ok(())
        }
    }
}

/// An explicit proxy as curl gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProxySpec {
    /// Scheme prefix as given ("http://", "https://", "socks5h://", …) or empty (HTTP).
    pub scheme: String,
    /// Host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
    /// User name and password from the host's userinfo, percent-decoded.
    pub credentials: Option<(String, String)>,
}

impl ProxySpec {
    /// `CURLOPT_PROXY`: scheme, host (IPv6 in brackets) and port, without credentials.
    pub(crate) fn curl_url(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{}{host}:{}", self.scheme, self.port)
    }
}

/// The explicit proxy the request for `url` goes through: `None` for `usingProxy` false,
/// absent or true (environment), and when the URL's host is in the exclusion list.
pub(crate) fn effective_proxy(url: &str, opts: &HttpRequestOptions) -> Option<ProxySpec> {
    let Some(UsingProxy::Proxy(p)) = &opts.using_proxy else { return None };
    let host = url_host(url).unwrap_or_default();
    if p.exclusion_list.iter().any(|pat| host_matches(pat, &host)) {
        return None;
    }
    let (scheme, rest) = match p.host.find("://") {
        Some(i) => (p.host[..i + 3].to_string(), &p.host[i + 3..]),
        None => (String::new(), p.host.as_str()),
    };
    let rest = rest.trim_end_matches('/');
    let (credentials, hostpart) = match rest.rsplit_once('@') {
        Some((userinfo, h)) => {
            let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            (Some((percent_decode(user), percent_decode(pass))), h)
        }
        None => (None, rest),
    };
    let host = hostpart.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(hostpart).to_string();
    Some(ProxySpec { scheme, host, port: p.port, credentials })
}

/// Decodes `%XX` escapes (invalid ones stay as they are).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The scheme of a URL, lower-cased; "http" when there is none (curl's guess for a bare host).
pub(crate) fn url_scheme(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, _)) if !scheme.is_empty() && !scheme.contains(['/', '?', '#']) => scheme.to_ascii_lowercase(),
        _ => "http".to_string(),
    }
}

/// The port a URL connects to: explicit, or the scheme's default (80 for http, 443 for https).
pub(crate) fn url_port(url: &str) -> Option<u16> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let port = if let Some(stripped) = hostport.strip_prefix('[') {
        stripped.split_once(']')?.1.strip_prefix(':')
    } else {
        hostport.split_once(':').map(|(_, p)| p)
    };
    match port.filter(|p| !p.is_empty()) {
        Some(p) => p.parse().ok(),
        None => match url_scheme(url).as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        },
    }
}

/// The host of a URL (lower-cased, without brackets, port or credentials).
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(stripped) = hostport.strip_prefix('[') {
        stripped.split(']').next()?
    } else {
        hostport.split(':').next()?
    };
    Some(host.to_ascii_lowercase())
}

/// Exclusion-list matching as the reference does it: `*` alone matches every host; otherwise a
/// case-insensitive full match where `*` stands for any run of characters.
pub(crate) fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    fn matches(p: &[u8], h: &[u8]) -> bool {
        match p.split_first() {
            None => h.is_empty(),
            Some((b'*', rest)) => (0..=h.len()).any(|i| matches(rest, &h[i..])),
            Some((c, rest)) => h.first() == Some(c) && matches(rest, &h[1..]),
        }
    }
    matches(pattern.as_bytes(), host.as_bytes())
}

/// caPath, clientCert and certificatePinning. Verification is always on.
fn configure_tls(easy: &mut Easy2<Collector>, opts: &HttpRequestOptions) -> Result<(), HttpError> {
    if let Some(ca) = &opts.ca_path {
        if std::path::Path::new(ca).is_dir() {
            easy.capath(ca).map_err(setopt("caPath"))?;
            // a directory replaces the system bundle too
            // SAFETY: a NULL string option resets CAINFO on a valid handle.
            unsafe {
                curl_sys::curl_easy_setopt(easy.raw(), curl_sys::CURLOPT_CAINFO, std::ptr::null::<libc::c_char>())
            };
        } else {
            // A file (a missing one fails with 2300077) replaces the system bundle, and the
            // default CA directory of the build (if any) is dropped too.
            easy.cainfo(ca).map_err(setopt("caPath"))?;
            // SAFETY: a NULL string option resets CAPATH on a valid handle.
            unsafe {
                curl_sys::curl_easy_setopt(easy.raw(), curl_sys::CURLOPT_CAPATH, std::ptr::null::<libc::c_char>())
            };
        }
    }
    if let Some(cert) = &opts.client_cert {
        let kind = cert.cert_type.unwrap_or(crate::options::CertType::Pem);
        easy.ssl_cert(&cert.cert_path).map_err(setopt("clientCert.certPath"))?;
        easy.ssl_cert_type(kind.as_str()).map_err(setopt("clientCert.certType"))?;
        if !cert.key_path.is_empty() {
            easy.ssl_key(&cert.key_path).map_err(setopt("clientCert.keyPath"))?;
            if kind != crate::options::CertType::P12 {
                easy.ssl_key_type(kind.as_str()).map_err(setopt("clientCert.certType"))?;
            }
        }
        if let Some(pw) = cert.key_password.as_deref().filter(|p| !p.is_empty()) {
            easy.key_password(pw).map_err(setopt("clientCert.keyPassword"))?;
        }
    }
    if let Some(pins) = opts.certificate_pinning.as_ref().filter(|p| !p.is_empty()) {
        let value = pins.iter().map(|p| format!("sha256//{}", p.public_key_hash)).collect::<Vec<_>>().join(";");
        easy.pinned_public_key(&value).map_err(setopt("certificatePinning"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_building() {
        let obj = ExtraData::Object(serde_json::json!({"a": "x y", "n": 5, "b": true}));
        assert_eq!(with_query("http://h/p", &obj), "http://h/p?a=x%20y&b=true&n=5");
        assert_eq!(with_query("http://h/p?z=1#f", &ExtraData::String("q=2".into())), "http://h/p?z=1&q=2#f");
        assert_eq!(with_query("http://h/p?", &ExtraData::String("q=2".into())), "http://h/p?q=2");
        assert_eq!(with_query("http://h/p", &ExtraData::ArrayBuffer(vec![1])), "http://h/p");
    }

    #[test]
    fn hosts_and_exclusions() {
        assert_eq!(url_host("http://User:pw@Example.COM:80/x").as_deref(), Some("example.com"));
        assert_eq!(url_host("https://[::1]:18443/").as_deref(), Some("::1"));
        assert!(host_matches("*.example.com", "a.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(host_matches("localhost", "LOCALHOST".to_ascii_lowercase().as_str()));
        assert!(host_matches("*", "anything"));
        assert!(!host_matches("example.com", "example.com.evil"));
    }

    #[test]
    fn schemes_and_ports() {
        assert_eq!(url_scheme("HTTPS://h/"), "https");
        assert_eq!(url_scheme("h/x?u=http://y"), "http");
        assert_eq!(url_port("http://h/"), Some(80));
        assert_eq!(url_port("https://u:p@h:8443/x"), Some(8443));
        assert_eq!(url_port("https://[::1]/"), Some(443));
        assert_eq!(url_port("http://[::1]:18080/"), Some(18080));
        assert_eq!(url_port("ftp://h/"), None);
    }

    #[test]
    fn explicit_proxies() {
        use crate::options::HttpProxy;
        let with = |host: &str, exclusions: &[&str]| HttpRequestOptions {
            using_proxy: Some(UsingProxy::Proxy(HttpProxy {
                host: host.into(),
                port: 3128,
                exclusion_list: exclusions.iter().map(|s| s.to_string()).collect(),
            })),
            ..Default::default()
        };
        let p = effective_proxy("http://a.example/", &with("127.0.0.1", &[])).unwrap();
        assert_eq!((p.curl_url().as_str(), p.credentials), ("127.0.0.1:3128", None));
        let p = effective_proxy("http://a.example/", &with("::1", &[])).unwrap();
        assert_eq!(p.curl_url(), "[::1]:3128");
        let p = effective_proxy("http://a.example/", &with("http://us%40r:p%3Ass@[::1]/", &[])).unwrap();
        assert_eq!(p.curl_url(), "http://[::1]:3128");
        assert_eq!(p.credentials, Some(("us@r".into(), "p:ss".into())));
        let p = effective_proxy("http://a.example/", &with("user:pass@proxy.example", &[])).unwrap();
        assert_eq!((p.host.as_str(), p.credentials.unwrap().1.as_str()), ("proxy.example", "pass"));
        assert!(effective_proxy("http://a.example/", &with("p", &["*.example"])).is_none());
        assert!(effective_proxy("http://a.example/", &with("p", &["b.example"])).is_some());
        assert!(effective_proxy("http://a.example/", &HttpRequestOptions::default()).is_none());
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
