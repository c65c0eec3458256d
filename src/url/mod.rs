//! The one model of where a request goes: a URL parsed by libcurl's own URL API (`CURLU`).
//!
//! Every part of the library that needs to know about a URL reads a [`Target`]: validation,
//! the network policy, `dnsServers`, the proxy exclusion list, the response cache and the
//! `CURLOPT_*` mapping. The transfer gets a copy of the same handle (`CURLOPT_CURLU`), which
//! libcurl uses as it is, so the parse that is checked is the parse that is used. There is no
//! other URL parser in the crate.
//!
//! Rules on top of libcurl's parse:
//! * Only `http` and `https` (any case). Any other scheme (`file`, `ftp`, `gopher`, `dict`,
//!   `telnet`, …) is 2300001 (`CURLE_UNSUPPORTED_PROTOCOL`), for the first URL and for every
//!   redirect, before any I/O.
//! * A URL without a scheme (`example.com/x`, `localhost:8080`) is taken as `http://`: libcurl
//!   would guess the scheme from the host name (`ftp.…`, `dict.…`, …); this library never
//!   guesses another protocol.
//! * The fragment is dropped (it is never sent, and it is not part of a cache key).
//! * A URL libcurl rejects is 2300003 ("Invalid URL format or missing URL"), with libcurl's
//!   reason; a URL with a NUL character is 401 (it cannot reach libcurl whole).
mod proxy;
mod recent;

pub(crate) use proxy::{proxy_redacted, proxy_with_credentials, ProxySpec};

use crate::error::HttpError;
use crate::sys;
use std::ffi::{CStr, CString};
use std::ptr::NonNull;
use std::sync::Arc;

/// An owned libcurl URL handle.
pub(crate) struct CurlUrl(NonNull<sys::Curlu>);

// SAFETY: a CURLU is plain heap data with no thread affinity; it is changed only through
// `&mut self`, and reads (`curl_url_get`, `curl_url_dup`) only read it.
unsafe impl Send for CurlUrl {}
// SAFETY: see above; shared references only ever read the handle.
unsafe impl Sync for CurlUrl {}

impl Drop for CurlUrl {
    fn drop(&mut self) {
        // SAFETY: created by curl_url/curl_url_dup and freed once, here.
        unsafe { sys::curl_url_cleanup(self.0.as_ptr()) }
    }
}

impl CurlUrl {
    /// An empty handle.
    pub(crate) fn new() -> Result<CurlUrl, HttpError> {
        // SAFETY: a plain constructor call.
        NonNull::new(unsafe { sys::curl_url() }).map(CurlUrl).ok_or_else(out_of_memory)
    }

    /// A copy of this handle.
    pub(crate) fn dup(&self) -> Result<CurlUrl, HttpError> {
        // SAFETY: a valid handle, only read.
        NonNull::new(unsafe { sys::curl_url_dup(self.0.as_ptr()) }).map(CurlUrl).ok_or_else(out_of_memory)
    }

    /// Sets one part (`None` clears it).
    pub(crate) fn set(&mut self, part: sys::CurlUpart, value: Option<&CStr>, flags: u32) -> Result<(), sys::CurlUcode> {
        let ptr = value.map_or(std::ptr::null(), CStr::as_ptr);
        // SAFETY: a valid handle and NULL or a NUL-terminated string, which curl copies.
        match unsafe { sys::curl_url_set(self.0.as_ptr(), part, ptr, flags) } {
            0 => Ok(()),
            uc => Err(uc),
        }
    }

    /// Reads one part.
    pub(crate) fn get(&self, part: sys::CurlUpart, flags: u32) -> Result<String, sys::CurlUcode> {
        let mut out: *mut libc::c_char = std::ptr::null_mut();
        // SAFETY: a valid handle and a valid out-pointer; on success curl hands over a
        // NUL-terminated string that we copy and free with curl_free.
        unsafe {
            let uc = sys::curl_url_get(self.0.as_ptr(), part, &mut out, flags);
            if uc != 0 {
                return Err(uc);
            }
            if out.is_null() {
                return Err(sys::CURLUE_OUT_OF_MEMORY);
            }
            let text = CStr::from_ptr(out).to_string_lossy().into_owned();
            curl_sys::curl_free(out.cast());
            Ok(text)
        }
    }

    /// The raw handle, for `CURLOPT_CURLU`.
    pub(crate) fn as_ptr(&self) -> *mut sys::Curlu {
        self.0.as_ptr()
    }
}

/// The two schemes a request may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    /// `http`: cleartext.
    Http,
    /// `https`: TLS.
    Https,
}

/// A parsed request URL: the libcurl handle and the parts every check reads. It is never
/// changed once parsed, so copies share it (a clone is a reference count): the plan, the
/// redirect chain, the cache and the transfer (`CURLOPT_CURLU`, which libcurl only reads and
/// copies for itself when the transfer starts) all hold the same parse.
#[derive(Clone)]
pub(crate) struct Target(Arc<Parsed>);

struct Parsed {
    url: CurlUrl,
    scheme: Scheme,
    host: String,
    port: u16,
    text: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.text)
    }
}

impl Target {
    /// Parses a request URL (see the module docs for the rules). A text this thread parsed
    /// recently is taken from its [`recent`] parses instead of being parsed again.
    pub(crate) fn parse(url: &str) -> Result<Target, HttpError> {
        recent::get_or_parse(url, || {
            let text = c_string(url, "url")?;
            let handle = parse_as_curl(&text, &["http", "https"]).map_err(|uc| url_error(uc, url))?;
            Target::from_handle(handle, url)
        })
    }

    /// This URL with `query` appended to its query (joined with `&`, as given: the caller
    /// encodes it). The result must still be a URL libcurl accepts.
    pub(crate) fn with_query(&self, query: &str) -> Result<Target, HttpError> {
        let mut handle = self.0.url.dup()?;
        let q = c_string(query, "extraData")?;
        handle.set(sys::CURLUPART_QUERY, Some(&q), sys::CURLU_APPENDQUERY).map_err(|uc| url_error(uc, query))?;
        let text = handle.get(sys::CURLUPART_URL, 0).map_err(|uc| url_error(uc, query))?;
        // Parsed once more from its text: a query libcurl would refuse in a URL (a space, a
        // control character) is refused here as it would be there.
        Target::parse(&text)
    }

    /// Where a redirect's `Location` (or any reference in a response) leads from this URL,
    /// resolved by libcurl exactly as it follows a redirect (`CURLU_URLENCODE |
    /// CURLU_ALLOW_SPACE`, relative references against this URL).
    pub(crate) fn join(&self, reference: &[u8]) -> Result<Target, HttpError> {
        let shown = String::from_utf8_lossy(reference);
        let text = CString::new(reference).map_err(|_| {
            HttpError::from_curl(3, Some(&format!("the redirect target {shown:?} contains a NUL byte")))
        })?;
        let mut handle = self.0.url.dup()?;
        handle
            .set(sys::CURLUPART_URL, Some(&text), sys::CURLU_URLENCODE | sys::CURLU_ALLOW_SPACE)
            .map_err(|uc| url_error(uc, &shown))?;
        Target::from_handle(handle, &shown)
    }

    /// Reads the parts of a parsed handle, refusing every scheme but http and https.
    fn from_handle(mut handle: CurlUrl, shown: &str) -> Result<Target, HttpError> {
        let scheme = match handle.get(sys::CURLUPART_SCHEME, 0).map_err(|uc| url_error(uc, shown))?.as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => return Err(unsupported_scheme(other)),
        };
        handle.set(sys::CURLUPART_FRAGMENT, None, 0).map_err(|uc| url_error(uc, shown))?;
        let host_flags = if sys::linked().version_num >= sys::VERSION_PUNYCODE { sys::CURLU_PUNYCODE } else { 0 };
        let host = handle.get(sys::CURLUPART_HOST, host_flags).map_err(|uc| url_error(uc, shown))?;
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&host).to_ascii_lowercase();
        if host.is_empty() {
            return Err(HttpError::from_curl(3, Some(&format!("{shown:?} has no host name"))));
        }
        let port = handle
            .get(sys::CURLUPART_PORT, sys::CURLU_DEFAULT_PORT)
            .map_err(|uc| url_error(uc, shown))?
            .parse()
            .map_err(|_| HttpError::from_curl(3, Some(&format!("{shown:?} has a bad port number"))))?;
        let text = handle.get(sys::CURLUPART_URL, 0).map_err(|uc| url_error(uc, shown))?;
        Ok(Target(Arc::new(Parsed { url: handle, scheme, host, port, text })))
    }

    /// http or https.
    pub(crate) fn scheme(&self) -> Scheme {
        self.0.scheme
    }

    /// True for https.
    pub(crate) fn is_https(&self) -> bool {
        self.0.scheme == Scheme::Https
    }

    /// The host libcurl connects to: lower case, IDN names in punycode (libcurl ≥ 7.88), IPv6
    /// literals without brackets.
    pub(crate) fn host(&self) -> &str {
        &self.0.host
    }

    /// The port libcurl connects to (the scheme's default when the URL names none).
    pub(crate) fn port(&self) -> u16 {
        self.0.port
    }

    /// The whole URL as libcurl writes it (normalized, without fragment).
    pub(crate) fn as_str(&self) -> &str {
        &self.0.text
    }

    /// Same scheme, host and port (RFC 6454 origin).
    pub(crate) fn same_origin(&self, other: &Target) -> bool {
        self.0.scheme == other.0.scheme && self.0.host == other.0.host && self.0.port == other.0.port
    }

    /// The libcurl handle, for `CURLOPT_CURLU`: valid as long as this target (or a clone of
    /// it) lives, and never changed.
    pub(crate) fn curl_handle(&self) -> *mut sys::Curlu {
        self.0.url.as_ptr()
    }

    /// True when both are the same parse (not merely equal text).
    #[cfg(test)]
    fn same_parse(&self, other: &Target) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Parses `text` exactly as libcurl parses `CURLOPT_URL` and `CURLOPT_PROXY`
/// (`CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME`), except that a scheme libcurl *guessed*
/// from the host name (`ftp.…`, `dict.…`, …: the text had none) becomes http unless it is in
/// `expected`. Whether the scheme was guessed is asked of libcurl too: the text parsed without
/// guessing must give the same scheme.
pub(crate) fn parse_as_curl(text: &CStr, expected: &[&str]) -> Result<CurlUrl, sys::CurlUcode> {
    let mut handle = CurlUrl::new().map_err(|_| sys::CURLUE_OUT_OF_MEMORY)?;
    handle.set(sys::CURLUPART_URL, Some(text), sys::CURLU_GUESS_SCHEME | sys::CURLU_NON_SUPPORT_SCHEME)?;
    let scheme = handle.get(sys::CURLUPART_SCHEME, 0)?;
    if !expected.contains(&scheme.as_str()) {
        let mut plain = CurlUrl::new().map_err(|_| sys::CURLUE_OUT_OF_MEMORY)?;
        let given = plain.set(sys::CURLUPART_URL, Some(text), sys::CURLU_NON_SUPPORT_SCHEME).is_ok()
            && plain.get(sys::CURLUPART_SCHEME, 0).is_ok_and(|s| s == scheme);
        if !given {
            handle.set(sys::CURLUPART_SCHEME, Some(c"http"), 0)?;
        }
    }
    Ok(handle)
}

/// Parses a URL that must be https (the `dnsOverHttps` server); anything else is a 401 naming
/// `field`. Returns the normalized text libcurl is then given.
pub(crate) fn https_url(url: &str, field: &str) -> Result<Target, HttpError> {
    let bad = || HttpError::parameter(format!("{field} must be an https:// URL, got {url:?}"));
    let text = CString::new(url).map_err(|_| bad())?;
    let mut handle = CurlUrl::new()?;
    handle.set(sys::CURLUPART_URL, Some(&text), sys::CURLU_NON_SUPPORT_SCHEME).map_err(|_| bad())?;
    match Target::from_handle(handle, url) {
        Ok(t) if t.is_https() => Ok(t),
        _ => Err(bad()),
    }
}

/// A C string for libcurl; a NUL inside is a 401 naming `field`.
pub(crate) fn c_string(s: &str, field: &str) -> Result<CString, HttpError> {
    CString::new(s).map_err(|_| HttpError::parameter(format!("{field} must not contain NUL characters")))
}

fn out_of_memory() -> HttpError {
    HttpError::from_curl(27, Some("libcurl could not allocate a URL handle"))
}

/// 2300001 for a scheme other than http and https.
fn unsupported_scheme(scheme: &str) -> HttpError {
    HttpError::from_curl(1, Some(&format!("{scheme}:// is not supported: only http:// and https:// URLs are")))
}

/// A `CURLUcode` as curl turns it into a `CURLcode` (`Curl_uc_to_curlcode`), with its reason.
fn url_error(uc: sys::CurlUcode, shown: &str) -> HttpError {
    match uc {
        sys::CURLUE_OUT_OF_MEMORY => HttpError::from_curl(27, None),
        sys::CURLUE_UNSUPPORTED_SCHEME => HttpError::from_curl(1, Some(&format!("{shown:?}: unsupported scheme"))),
        other => HttpError::from_curl(3, Some(&format!("{shown:?}: {}", url_error_text(other)))),
    }
}

/// libcurl's description of a `CURLUcode` (`curl_url_strerror`, which needs 7.80).
fn url_error_text(uc: sys::CurlUcode) -> &'static str {
    match uc {
        3 => "malformed input",
        4 => "port number was not a decimal number between 0 and 65535",
        5 => "unsupported URL scheme",
        14 => "no host part in the URL",
        19 => "bad file:// URL",
        20 => "bad fragment",
        21 => "bad hostname",
        22 => "bad IPv6 address",
        23 => "bad login part",
        24 => "bad password",
        25 => "bad path",
        26 => "bad query",
        27 => "bad scheme",
        28 => "unsupported number of slashes following scheme",
        29 => "bad user",
        30 => "libcurl lacks IDN support",
        _ => "libcurl refused the URL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (Scheme, String, u16, String) {
        let t = Target::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        (t.scheme(), t.host().to_string(), t.port(), t.as_str().to_string())
    }

    #[test]
    fn http_and_https_only() {
        assert_eq!(
            parts("HTTP://Example.COM/a?b#frag"),
            (Scheme::Http, "example.com".into(), 80, "http://Example.COM/a?b".into())
        );
        assert_eq!(parts("https://[::1]:18443/"), (Scheme::Https, "::1".into(), 18443, "https://[::1]:18443/".into()));
        assert_eq!(parts("https://u:p@h/").2, 443);
        for url in [
            "file:///etc/passwd",
            "ftp://h/x",
            "gopher://127.0.0.1:1/_GET",
            "dict://h/x",
            "telnet://h",
            "FILE:///x",
            "ldap:/h",
        ] {
            let e = Target::parse(url).unwrap_err();
            assert_eq!(e.code(), 2_300_001, "{url}: {e}");
        }
        // no scheme in libcurl's sense (none before "//"): a host "data" with a bad port
        assert_eq!(Target::parse("data:text/plain,x").unwrap_err().code(), 2_300_003);
    }

    #[test]
    fn no_scheme_is_http_never_a_guess() {
        assert_eq!(parts("example.com/x").0, Scheme::Http);
        assert_eq!(
            parts("dict.localhost:18090/raw"),
            (Scheme::Http, "dict.localhost".into(), 18090, "http://dict.localhost:18090/raw".into())
        );
        assert_eq!(parts("ftp.example.com").3, "http://ftp.example.com/");
        assert_eq!(parts("localhost:8080").2, 8080);
    }

    #[test]
    fn what_curl_parses_is_what_is_checked() {
        // one slash: curl reads a host after it, so does the target
        assert_eq!(parts("http:/127.0.0.1:18080/get").1, "127.0.0.1");
        assert_eq!(
            parts("https:/localhost:18443/get"),
            (Scheme::Https, "localhost".into(), 18443, "https://localhost:18443/get".into())
        );
        for bad in ["", "http://", "http://h:99999/", "http://a b/", "http://[::1/"] {
            assert_eq!(Target::parse(bad).unwrap_err().code(), 2_300_003, "{bad:?}");
        }
        assert_eq!(Target::parse("http://h/\0").unwrap_err().code(), 401);
    }

    #[test]
    fn queries_and_references() {
        let t = Target::parse("http://h/p?z=1#f").unwrap();
        assert_eq!(t.with_query("q=2").unwrap().as_str(), "http://h/p?z=1&q=2");
        assert_eq!(Target::parse("http://h/p?").unwrap().with_query("q=2").unwrap().as_str(), "http://h/p?q=2");
        assert_eq!(t.with_query("a b").unwrap_err().code(), 2_300_003);
        assert_eq!(t.join(b"/next?x").unwrap().as_str(), "http://h/next?x");
        assert_eq!(t.join(b"//other:81/x").unwrap().as_str(), "http://other:81/x");
        assert_eq!(t.join(b"rel a").unwrap().as_str(), "http://h/rel%20a");
        assert_eq!(t.join(b"http:/127.0.0.1:1/get").unwrap().host(), "127.0.0.1");
        for loc in [&b"file:///etc/passwd"[..], b"ftp://h/", b"gopher://h/", b"dict://h/x"] {
            assert_eq!(t.join(loc).unwrap_err().code(), 2_300_001);
        }
        let other = t.join(b"https://h/").unwrap();
        assert!(!t.same_origin(&other));
        assert!(t.same_origin(&t.join(b"/x").unwrap()));
    }

    #[test]
    fn https_urls() {
        assert_eq!(https_url("HTTPS://1.1.1.1/dns-query", "dnsOverHttps").unwrap().host(), "1.1.1.1");
        for bad in ["", "http://h/", "dns.google", "https://", "ftp://x", "https://a b/"] {
            assert_eq!(https_url(bad, "dnsOverHttps").unwrap_err().code(), 401, "{bad:?}");
        }
    }
}
