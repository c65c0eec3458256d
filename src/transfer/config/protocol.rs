//! `usingProtocol` -> `CURLOPT_HTTP_VERSION`, HTTP/2 multiplexing (`PIPEWAIT`), and the
//! HTTP/2 stream weight from `priority`.
use super::{chain, own, set_long, user, SetOpt};
use crate::error::HttpError;
use crate::options::{HttpProtocol, HttpRequestOptions};
use crate::sys;
use crate::transfer::Collector;
use crate::url::Target;
use curl::easy::{Easy2, HttpVersion};

/// The HTTP version of a hop (it depends on the hop's scheme).
pub(crate) struct Version<'a>(pub &'a Target);

impl SetOpt for Version<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let protocol = chain(easy)?.plan.options.using_protocol;
        let https = self.0.is_https();
        if protocol == Some(HttpProtocol::Http3) && !https {
            // the spec: "valid only for HTTPS URLs. For HTTP URLs, the request fails" (libcurl
            // with HTTP/3 fails the same way: CURLE_URL_MALFORMAT)
            return Err(HttpError::from_curl(
                3,
                Some(&format!("HTTP/3 requested for non-HTTPS URL {:?} (usingProtocol HTTP3)", self.0.as_str())),
            ));
        }
        if let Some(p) = protocol {
            easy.http_version(http_version(p, https)).map_err(user("usingProtocol"))?;
        }
        let multiplex = may_multiplex(protocol, https) && crate::sys::linked().http2;
        easy.pipewait(multiplex).map_err(own("PIPEWAIT"))
    }
}

/// usingProtocol -> CURLOPT_HTTP_VERSION. HTTP/2 over plain HTTP uses prior knowledge (h2c);
/// HTTP/3 (https only: an http hop fails, see `Version`) falls back to HTTP/2 or 1.1 by ALPN
/// when the linked libcurl lacks HTTP/3. Which version was used is the response's `http_version`.
fn http_version(p: HttpProtocol, https: bool) -> HttpVersion {
    match p {
        HttpProtocol::Http1_1 => HttpVersion::V11,
        HttpProtocol::Http2 if !https => HttpVersion::V2PriorKnowledge,
        HttpProtocol::Http2 => HttpVersion::V2TLS,
        HttpProtocol::Http3 if crate::sys::linked().http3 && https => HttpVersion::V3,
        HttpProtocol::Http3 => HttpVersion::V2TLS,
    }
}

/// Whether a transfer may multiplex on an HTTP/2 connection: https (ALPN) unless HTTP/1.1 is
/// forced, or h2c with prior knowledge. Such transfers wait for a connection being set up to
/// the same host to say whether it multiplexes (`PIPEWAIT`) instead of opening their own, so
/// many concurrent requests to one h2 server share one connection.
fn may_multiplex(p: Option<HttpProtocol>, https: bool) -> bool {
    match p {
        Some(HttpProtocol::Http1_1) => false,
        Some(HttpProtocol::Http2) => true,
        _ => https,
    }
}

/// The HTTP/2 stream weight [1, 256] from `priority` [1, 1000] (libcurl ignores it for HTTP/1).
pub(crate) struct StreamWeight<'a>(pub &'a HttpRequestOptions);

impl SetOpt for StreamWeight<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let priority = self.0.priority_or_default();
        let weight = 1 + (priority.saturating_sub(1) as i64 * 255) / 999;
        set_long(easy, sys::CURLOPT_STREAM_WEIGHT, weight as libc::c_long).map_err(own("STREAM_WEIGHT"))
    }
}
