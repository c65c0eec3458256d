//! Following redirects: the library follows them itself (libcurl's `FOLLOWLOCATION` is off),
//! so that every hop is planned and checked as a request of its own before the library
//! connects to it. What a hop does is what libcurl does when it follows, except where noted:
//!
//! * Which responses: every 3xx with a `Location` except 304, at most [`MAX_REDIRECTS`] of them
//!   (one more is 2300047, curl's `CURLE_TOO_MANY_REDIRECTS`). Their bodies are read and
//!   dropped; their headers never reach the caller.
//! * Where: the first `Location` field, resolved by libcurl against the hop's URL
//!   ([`Target::join`]); a scheme other than http and https is 2300001.
//! * The method: 303 turns every method but HEAD into GET, 301 and 302 turn POST into GET
//!   (the body is dropped then); 307 and 308 keep the method and send the body again. (libcurl
//!   7.88 with a custom method keeps sending that method name, without the body, after a
//!   303; this is RFC 9110 §15.4 as browsers do it.)
//! * Headers: `Authorization`, `Cookie` and `Host` set by the caller are sent only to the first
//!   hop's origin (scheme, host and port), as libcurl does. When the body is dropped, so are
//!   the fields that describe it (`Content-Type`, `Content-Length`, `Content-Encoding`,
//!   `Content-Language`, `Content-Location`, as the Fetch standard says). Cookies set by the
//!   server travel in libcurl's cookie engine, which the hops share.
//! * Timing: the phases of all hops add up (as in libcurl); `redirectTiming` is the time from
//!   the first hop's start to the last hop's start.
use super::{HopPlan, RequestPlan};
use crate::error::HttpError;
use crate::options::RequestMethod;
use crate::url::{Scheme, Target};
use std::sync::Arc;
use std::time::Instant;

/// Redirects followed at most (the reference's `maxRedirects` default).
pub(crate) const MAX_REDIRECTS: u32 = 30;

/// The curl-measured phases of the hops before the current one, added up (ms).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct HopTimes {
    /// Name lookup.
    pub dns: f64,
    /// TCP connect.
    pub tcp: f64,
    /// TLS handshake.
    pub tls: f64,
    /// Until the request was sent.
    pub first_send: f64,
    /// Until the first response byte.
    pub first_receive: f64,
}

impl std::ops::AddAssign for HopTimes {
    fn add_assign(&mut self, o: HopTimes) {
        self.dns += o.dns;
        self.tcp += o.tcp;
        self.tls += o.tls;
        self.first_send += o.first_send;
        self.first_receive += o.first_receive;
    }
}

/// A request's way through its redirects; it travels with the transfer.
#[derive(Debug)]
pub(crate) struct Chain {
    /// The request's plan.
    pub plan: Arc<RequestPlan>,
    /// The current hop's URL (the base of its `Location`).
    pub current: Target,
    origin: (Scheme, String, u16),
    /// The method in force.
    pub method: RequestMethod,
    /// Whether the body is still sent (a 303 or a POST redirected by 301/302 drops it).
    pub body: bool,
    /// Redirects followed so far.
    pub count: u32,
    /// The phases of the hops before the current one.
    pub earlier: HopTimes,
    /// When the first hop started (was added to the multi handle).
    pub first_start: Option<Instant>,
    /// When the current hop started.
    pub start: Option<Instant>,
}

impl Chain {
    /// The chain of a request whose first hop goes to `first`.
    pub(crate) fn new(plan: Arc<RequestPlan>, first: &Target) -> Result<Chain, HttpError> {
        let method = plan.options.method();
        let origin = (first.scheme(), first.host().to_string(), first.port());
        let current = first.clone();
        Ok(Chain {
            plan,
            current,
            origin,
            method,
            body: method.has_body(),
            count: 0,
            earlier: HopTimes::default(),
            first_start: None,
            start: None,
        })
    }

    /// Whether the current hop goes to the first hop's origin.
    pub(crate) fn at_origin(&self) -> bool {
        (self.current.scheme(), self.current.host(), self.current.port())
            == (self.origin.0, self.origin.1.as_str(), self.origin.2)
    }

    /// A hop started now.
    pub(crate) fn started(&mut self, now: Instant) {
        self.first_start.get_or_insert(now);
        self.start = Some(now);
    }

    /// `redirectTiming`: from the first hop's start to the current one's (ms).
    pub(crate) fn redirect_ms(&self) -> f64 {
        match (self.first_start, self.start) {
            (Some(first), Some(now)) => now.saturating_duration_since(first).as_secs_f64() * 1000.0,
            _ => 0.0,
        }
    }

    /// Plans the hop a `status` response with `location` leads to, and moves the chain on to
    /// it: the target, the policy and the hop's pins, proxy and DNS, the method.
    pub(crate) fn follow(&mut self, status: u32, location: &[u8], times: HopTimes) -> Result<HopPlan, HttpError> {
        if self.count >= MAX_REDIRECTS {
            return Err(HttpError::from_curl(47, Some(&format!("Maximum ({MAX_REDIRECTS}) redirects followed"))));
        }
        let hop = self.plan.hop(self.current.join(location)?)?;
        let (method, body) = method_after(status, self.method, self.body);
        self.method = method;
        self.body = body;
        self.count += 1;
        self.earlier += times;
        self.current = hop.target.clone();
        Ok(hop)
    }
}

/// The method and whether the body is still sent after a redirect with `status`.
fn method_after(status: u32, method: RequestMethod, body: bool) -> (RequestMethod, bool) {
    match (status, method) {
        (303, RequestMethod::Head) => (RequestMethod::Head, false),
        (303, _) => (RequestMethod::Get, false),
        (301 | 302, RequestMethod::Post) => (RequestMethod::Get, false),
        _ => (method, body),
    }
}

/// Fields that describe a request body.
const BODY_FIELDS: &[&str] =
    &["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/// Whether a caller's request header `name` is sent on the current hop of `chain`.
pub(crate) fn header_kept(chain: &Chain, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if !chain.at_origin() && matches!(lower.as_str(), "authorization" | "cookie" | "host") {
        return false;
    }
    chain.body || !chain.plan.options.method().has_body() || !BODY_FIELDS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::HttpRequestOptions;

    fn chain(method: RequestMethod) -> Chain {
        let options = HttpRequestOptions { method: Some(method), ..Default::default() };
        let plan = Arc::new(RequestPlan { options, stream: false, policy: None, doh: None });
        Chain::new(plan, &Target::parse("http://a.example/start").unwrap()).unwrap()
    }

    #[test]
    fn methods() {
        use RequestMethod::*;
        assert_eq!(method_after(303, Post, true), (Get, false));
        assert_eq!(method_after(303, Put, true), (Get, false));
        assert_eq!(method_after(303, Head, false), (Head, false));
        assert_eq!(method_after(302, Post, true), (Get, false));
        assert_eq!(method_after(301, Post, true), (Get, false));
        assert_eq!(method_after(302, Put, true), (Put, true));
        assert_eq!(method_after(307, Post, true), (Post, true));
        assert_eq!(method_after(308, Delete, false), (Delete, false));
    }

    #[test]
    fn hops_and_headers() {
        let mut c = chain(RequestMethod::Post);
        assert!(header_kept(&c, "Authorization") && header_kept(&c, "Content-Type"));
        c.follow(307, b"/again", HopTimes::default()).unwrap();
        assert_eq!((c.method, c.body, c.count), (RequestMethod::Post, true, 1));
        assert!(c.at_origin() && header_kept(&c, "Content-Type"));
        c.follow(302, b"http://b.example/x", HopTimes { dns: 1.0, ..Default::default() }).unwrap();
        assert_eq!((c.method, c.body, c.current.as_str()), (RequestMethod::Get, false, "http://b.example/x"));
        assert!(!header_kept(&c, "authorization") && !header_kept(&c, "Cookie") && !header_kept(&c, "HOST"));
        assert!(!header_kept(&c, "content-type") && header_kept(&c, "accept"));
        c.follow(301, b"http://a.example/back", HopTimes { dns: 2.0, ..Default::default() }).unwrap();
        assert!(c.at_origin() && header_kept(&c, "Authorization"));
        assert_eq!(c.earlier.dns, 3.0);
        assert_eq!(c.follow(302, b"ftp://a.example/", HopTimes::default()).unwrap_err().code(), 2_300_001);
        c.count = MAX_REDIRECTS;
        assert_eq!(c.follow(302, b"/x", HopTimes::default()).unwrap_err().code(), 2_300_047);
    }
}
