//! The request header list of a hop: the caller's fields (those `plan::redirect` keeps on
//! this hop), a default `Content-Type: application/json` for a body, the response cache's
//! validators, no `Expect: 100-continue` wait, our own `Accept-Encoding` line (see
//! `fixed::ACCEPT_ENCODING`) and a default `User-Agent` ([`USER_AGENT`]) unless the caller
//! sets one (many servers refuse requests without one).
use super::method::is_multipart;
use super::{chain, user, SetOpt};
use crate::error::HttpError;
use crate::options::header_text;
use crate::plan::header_kept;
use crate::transfer::Collector;
use curl::easy::{Easy2, List};
use once_cell::sync::Lazy;

/// The `Accept-Encoding` request header line for `fixed::ACCEPT_ENCODING`.
static ACCEPT_ENCODING_HEADER: Lazy<String> =
    Lazy::new(|| format!("Accept-Encoding: {}", super::fixed::ACCEPT_ENCODING.to_str().unwrap_or("identity")));

/// The `User-Agent` a request sends when its `header` has none:
/// `ohos-http/<version> libcurl/<version>`.
pub(crate) static USER_AGENT: Lazy<String> =
    Lazy::new(|| format!("ohos-http/{} libcurl/{}", env!("CARGO_PKG_VERSION"), curl::Version::get().version()));

/// The `User-Agent` request header line for [`USER_AGENT`].
static USER_AGENT_HEADER: Lazy<String> = Lazy::new(|| format!("User-Agent: {}", *USER_AGENT));

/// The header list of a hop, with these extra fields (the cache's validators).
pub(crate) struct Headers<'a>(pub &'a [(String, String)]);

impl SetOpt for Headers<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let list = {
            let chain = chain(easy)?;
            let opts = &chain.plan.options;
            let multipart = is_multipart(opts);
            let mut list = List::new();
            let mut has_content_type = false;
            let mut has_expect = false;
            let mut has_accept_encoding = false;
            let mut has_user_agent = false;
            for (name, value) in opts.header.iter().flatten() {
                if !header_kept(chain, name) {
                    continue;
                }
                let text = header_text(value).ok_or_else(|| {
                    HttpError::parameter(format!("header.{name} must be a string, number or boolean"))
                })?;
                let is_content_type = name.eq_ignore_ascii_case("content-type");
                if multipart && is_content_type {
                    // curl writes the multipart content type itself, with its boundary
                    continue;
                }
                has_content_type |= is_content_type;
                has_expect |= name.eq_ignore_ascii_case("expect");
                has_accept_encoding |= name.eq_ignore_ascii_case("accept-encoding");
                has_user_agent |= name.eq_ignore_ascii_case("user-agent");
                let line = if text.is_empty() { format!("{name};") } else { format!("{name}: {text}") };
                list.append(&line).map_err(user("header"))?;
            }
            for (name, value) in self.0 {
                list.append(&format!("{name}: {value}")).map_err(user("header"))?;
            }
            if chain.body && chain.method.has_body() && !has_content_type && !multipart {
                list.append("Content-Type: application/json").map_err(user("header"))?;
            }
            if !has_expect {
                list.append("Expect:").map_err(user("header"))?;
            }
            if !has_accept_encoding {
                list.append(&ACCEPT_ENCODING_HEADER).map_err(user("header"))?;
            }
            if !has_user_agent {
                list.append(&USER_AGENT_HEADER).map_err(user("header"))?;
            }
            list
        };
        easy.http_headers(list).map_err(user("header"))
    }
}
