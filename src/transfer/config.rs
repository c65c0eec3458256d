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
/// Download buffer per transfer: large enough for bulk throughput, small enough for many
/// transfers at once.
const RECEIVE_BUFFER: usize = 256 * 1024;
/// Redirects followed at most.
const MAX_REDIRECTS: u32 = 30;

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
    let mut easy = Easy2::new(collector);

    easy.url(&url).map_err(setopt("url"))?;
    easy.signal(false).map_err(setopt("NOSIGNAL"))?;
    easy.accept_encoding("").map_err(setopt("ACCEPT_ENCODING"))?;
    easy.follow_location(true).map_err(setopt("FOLLOWLOCATION"))?;
    easy.max_redirections(MAX_REDIRECTS).map_err(setopt("MAXREDIRS"))?;
    easy.cookie_file("").map_err(setopt("COOKIEFILE"))?;
    easy.progress(true).map_err(setopt("NOPROGRESS"))?;
    easy.buffer_size(RECEIVE_BUFFER).map_err(setopt("BUFFERSIZE"))?;
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
        // readTimeout is inactivity: fail when less than 1 byte/s moves for that long.
        easy.low_speed_limit(1).map_err(setopt("readTimeout"))?;
        easy.low_speed_time(Duration::from_secs(read_timeout.div_ceil(1000))).map_err(setopt("readTimeout"))?;
    }
    let connect_timeout = opts.connect_timeout_ms();
    if connect_timeout > 0 {
        easy.connect_timeout(Duration::from_millis(connect_timeout)).map_err(setopt("connectTimeout"))?;
    }

    if let Some(p) = opts.using_protocol {
        easy.http_version(http_version(p, &url)).map_err(setopt("usingProtocol"))?;
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
        let line = if text.is_empty() { format!("{name};") } else { format!("{name}: {text}") };
        list.append(&line).map_err(setopt("header"))?;
    }
    if method.has_body() && !has_content_type && !multipart {
        list.append("Content-Type: application/json").map_err(setopt("header"))?;
    }
    if !has_expect {
        list.append("Expect:").map_err(setopt("header"))?;
    }
    Ok(list)
}

/// usingProtocol -> CURLOPT_HTTP_VERSION. HTTP/2 over plain HTTP uses prior knowledge (h2c);
/// HTTP/3 falls back to HTTP/2 when the linked libcurl lacks HTTP/3.
fn http_version(p: HttpProtocol, url: &str) -> HttpVersion {
    let plain = url.len() >= 7 && url[..7].eq_ignore_ascii_case("http://");
    match p {
        HttpProtocol::Http1_1 => HttpVersion::V11,
        HttpProtocol::Http2 if plain => HttpVersion::V2PriorKnowledge,
        HttpProtocol::Http2 => HttpVersion::V2TLS,
        HttpProtocol::Http3 if curl::Version::get().feature_http3() => HttpVersion::V3,
        HttpProtocol::Http3 => HttpVersion::V2TLS,
    }
}

/// usingProxy: false/absent -> no proxy even if the environment names one; true -> the
/// environment (http_proxy, https_proxy, all_proxy, no_proxy); a proxy -> that proxy unless
/// the URL's host matches the exclusion list.
fn configure_proxy(easy: &mut Easy2<Collector>, opts: &HttpRequestOptions, url: &str) -> Result<(), HttpError> {
    match &opts.using_proxy {
        None | Some(UsingProxy::Bool(false)) => easy.proxy("").map_err(setopt("usingProxy")),
        Some(UsingProxy::Bool(true)) => Ok(()),
        Some(UsingProxy::Proxy(p)) => {
            let host = url_host(url).unwrap_or_default();
            if p.exclusion_list.iter().any(|pat| host_matches(pat, &host)) {
                return easy.proxy("").map_err(setopt("usingProxy"));
            }
            let proxy_host = if p.host.contains(':') && !p.host.starts_with('[') && !p.host.contains("://") {
                format!("[{}]", p.host)
            } else {
                p.host.clone()
            };
            easy.proxy(&format!("{proxy_host}:{}", p.port)).map_err(setopt("usingProxy"))
        }
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
            easy.cainfo(ca).map_err(setopt("caPath"))?;
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
}
