//! What every transfer gets: no signals, automatic decoding, only http and https, libcurl's
//! redirect following off (the library follows, `plan::redirect`), the cookie engine, the
//! progress callback, TLS verification always on, TLS 1.2 at least.
use super::{own, set_long, set_str, SetOpt};
use crate::error::HttpError;
use crate::sys;
use crate::transfer::Collector;
use curl::easy::{Easy2, SslVersion};
use once_cell::sync::Lazy;
use std::ffi::CString;

/// The content codings the linked libcurl decodes, listed as `CURLOPT_ACCEPT_ENCODING ""`
/// would list them (libcurl's own order: deflate, gzip, br, zstd; "identity" when it has none).
/// Set as the option (decoding on) and also sent as our own `Accept-Encoding` header
/// (`headers.rs`): libcurl then skips formatting the header itself, which its `curl_maprintf`
/// made the single costliest step of a small request on the reactor (~4.7k of ~100k
/// instructions).
pub(crate) static ACCEPT_ENCODING: Lazy<CString> = Lazy::new(|| {
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
    CString::new(list).unwrap_or_default()
});

/// The schemes a transfer may use, first URL and redirects alike.
const PROTOCOLS: &std::ffi::CStr = c"http,https";

/// The options every transfer gets.
pub(crate) struct Fixed;

impl SetOpt for Fixed {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        easy.signal(false).map_err(own("NOSIGNAL"))?;
        set_str(easy, curl_sys::CURLOPT_ACCEPT_ENCODING, Some(&ACCEPT_ENCODING)).map_err(own("ACCEPT_ENCODING"))?;
        restrict_protocols(easy)?;
        easy.follow_location(false).map_err(own("FOLLOWLOCATION"))?;
        cookie_engine(easy)?;
        easy.progress(true).map_err(own("NOPROGRESS"))?;
        easy.ssl_verify_peer(true).map_err(own("SSL_VERIFYPEER"))?;
        easy.ssl_verify_host(true).map_err(own("SSL_VERIFYHOST"))?;
        easy.ssl_version(SslVersion::Tlsv12).map_err(own("SSLVERSION"))
    }
}

/// The cookie engine on, with an empty jar (`COOKIEFILE ""`); the handle pool turned it off
/// and erased the last transfer's cookies.
pub(crate) fn cookie_engine(easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
    easy.cookie_file("").map_err(own("COOKIEFILE"))
}

/// `CURLOPT_PROTOCOLS_STR` and `CURLOPT_REDIR_PROTOCOLS_STR` = "http,https" (the bitmask
/// options on a libcurl older than 7.85). The target is checked before this anyway
/// (`url/`); this is libcurl's own guard on top.
fn restrict_protocols(easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
    if sys::linked().version_num >= sys::VERSION_PROTOCOLS_STR {
        set_str(easy, sys::CURLOPT_PROTOCOLS_STR, Some(PROTOCOLS)).map_err(own("PROTOCOLS_STR"))?;
        set_str(easy, sys::CURLOPT_REDIR_PROTOCOLS_STR, Some(PROTOCOLS)).map_err(own("REDIR_PROTOCOLS_STR"))
    } else {
        let mask = (curl_sys::CURLPROTO_HTTP | curl_sys::CURLPROTO_HTTPS) as libc::c_long;
        set_long(easy, curl_sys::CURLOPT_PROTOCOLS, mask).map_err(own("PROTOCOLS"))?;
        set_long(easy, sys::CURLOPT_REDIR_PROTOCOLS, mask).map_err(own("REDIR_PROTOCOLS"))
    }
}
