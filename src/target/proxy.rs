//! A proxy as libcurl parses `CURLOPT_PROXY`: an optional scheme (`http`, the default;
//! `https`; `socks4`, `socks4a`, `socks5`, `socks5h`), optional percent-encoded credentials,
//! a host and a port, read by libcurl's URL API like every other URL of the crate. Credentials
//! are taken out of the URL: they go to `CURLOPT_PROXYUSERNAME`/`PROXYPASSWORD`.
use super::{c_string, parse_as_curl, CurlUrl};
use crate::sys;
use std::ffi::CString;

/// Schemes libcurl accepts for a proxy (`parse_proxy`).
pub(crate) const PROXY_SCHEMES: &[&str] = &["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// Parses a proxy string as libcurl parses `CURLOPT_PROXY` (a bare IPv6 literal such as `::1`
/// is a host, not a scheme and a port); the error says why, for a message.
pub(crate) fn parse_proxy(text: &str) -> Result<CurlUrl, String> {
    let bracketed;
    let text = match text.parse::<std::net::Ipv6Addr>() {
        Ok(_) => {
            bracketed = format!("[{text}]");
            bracketed.as_str()
        }
        Err(_) => text,
    };
    let c = c_string(text, "").map_err(|_| "must not contain NUL characters".to_string())?;
    parse_as_curl(&c, PROXY_SCHEMES).map_err(|_| format!("is not a valid proxy address: {text:?}"))
}

/// The proxy string `text` with `user` and `password` as its credentials, percent-encoded by
/// libcurl (`CURLU_URLENCODE`), e.g. `"http://us%40r:p%3Ass@proxy/"`.
pub(crate) fn proxy_with_credentials(text: &str, user: &str, password: &str) -> Result<String, String> {
    let mut h = parse_proxy(text)?;
    let nul = |what: &str| format!("{what} must not contain NUL characters");
    let user = CString::new(user).map_err(|_| nul("the user name"))?;
    let password = CString::new(password).map_err(|_| nul("the password"))?;
    h.set(sys::CURLUPART_USER, Some(&user), sys::CURLU_URLENCODE)
        .and(h.set(sys::CURLUPART_PASSWORD, Some(&password), sys::CURLU_URLENCODE))
        .and_then(|()| h.get(sys::CURLUPART_URL, 0))
        .map_err(|_| format!("cannot carry credentials: {text:?}"))
}

/// A proxy string for display: its password, if any, replaced by `***`.
pub(crate) fn proxy_redacted(text: &str) -> String {
    match parse_proxy(text) {
        Ok(mut h) if h.get(sys::CURLUPART_PASSWORD, 0).is_ok() => h
            .set(sys::CURLUPART_PASSWORD, Some(c"***"), 0)
            .and_then(|()| h.get(sys::CURLUPART_URL, 0))
            .unwrap_or_else(|_| "<proxy with credentials>".into()),
        _ => text.to_string(),
    }
}

/// A proxy as libcurl gets it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ProxySpec {
    /// `CURLOPT_PROXY`: scheme, host and port, no credentials (libcurl's own text).
    pub url: String,
    /// The host (lower case, IPv6 without brackets): what the policy checks and DNS resolves.
    pub host: String,
    /// The port.
    pub port: u16,
    /// User name and password, percent-decoded.
    pub credentials: Option<(String, String)>,
}

impl ProxySpec {
    /// Parses a proxy string (see the module docs); the error says why, for a message.
    pub(crate) fn parse(text: &str, port: Option<u16>) -> Result<ProxySpec, String> {
        let mut h = parse_proxy(text)?;
        let scheme = h.get(sys::CURLUPART_SCHEME, 0).map_err(|_| format!("is not a valid proxy address: {text:?}"))?;
        if !PROXY_SCHEMES.contains(&scheme.as_str()) {
            return Err(format!(
                "has an unsupported proxy scheme {scheme}:// (http, https, socks4, socks4a, socks5, socks5h)"
            ));
        }
        let decoded = |part, missing| match h.get(part, sys::CURLU_URLDECODE) {
            Ok(v) => Ok(Some(v)),
            Err(uc) if uc == missing => Ok(None),
            Err(_) => Err("has credentials that do not decode to text (a %00?)".to_string()),
        };
        let user = decoded(sys::CURLUPART_USER, sys::CURLUE_NO_USER)?;
        let password = decoded(sys::CURLUPART_PASSWORD, sys::CURLUE_NO_PASSWORD)?;
        if user.iter().chain(password.iter()).any(|s| s.contains('\0')) {
            return Err("has credentials with a NUL character".into());
        }
        let credentials =
            (user.is_some() || password.is_some()).then(|| (user.unwrap_or_default(), password.unwrap_or_default()));
        let port = match port {
            Some(p) => p,
            None => match h.get(sys::CURLUPART_PORT, 0) {
                Ok(p) => p.parse().map_err(|_| format!("has a bad port: {text:?}"))?,
                Err(sys::CURLUE_NO_PORT) if scheme == "https" => 443,
                Err(sys::CURLUE_NO_PORT) => 1080,
                Err(_) => return Err(format!("has a bad port: {text:?}")),
            },
        };
        let port_text = c_string(&port.to_string(), "").map_err(|e| e.message().to_string())?;
        let host = h.get(sys::CURLUPART_HOST, 0).map_err(|_| format!("has no host: {text:?}"))?;
        let cleared = h.set(sys::CURLUPART_USER, None, 0).and(h.set(sys::CURLUPART_PASSWORD, None, 0));
        cleared.and(h.set(sys::CURLUPART_PORT, Some(&port_text), 0)).map_err(|_| "cannot be used".to_string())?;
        let url = h.get(sys::CURLUPART_URL, 0).map_err(|_| "cannot be used".to_string())?;
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&host).to_ascii_lowercase();
        Ok(ProxySpec { url, host, port, credentials })
    }
}
