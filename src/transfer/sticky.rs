//! The options only some requests set, as a request set them: what decides whether a pooled
//! handle can serve the next request without `curl_easy_reset` (`pool.rs`).
//!
//! Every other option of `config::build` and `config::per_hop` is set on every transfer, to
//! its value for that request. These are not: a request without `caPath` leaves CAINFO
//! alone, one without a range leaves RANGE. So a handle keeps its options only for a request
//! whose sticky options equal its last request's: each of them is then either unset in both
//! or set again to the same value. An option added to only some requests must be added here,
//! or be set on every transfer.
//!
//! The DNS options (`dnsServers`, DoH, a pinned answer) and a multipart form are not set on
//! every transfer either, but a handle that had them is never kept: its share or its form
//! goes with it.
use crate::options::{ClientCert, HttpProtocol};
use crate::plan::RequestPlan;

/// `caPath`, `clientCert`, the byte range and `usingProtocol` of one request. All `None` for
/// most requests, which then need no allocation here.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct StickyOptions {
    /// `caPath` as given.
    pub ca_path: Option<String>,
    /// `clientCert` as given.
    pub client_cert: Option<ClientCert>,
    /// The range header's value (`resumeFrom`/`resumeTo`).
    pub range: Option<String>,
    /// `usingProtocol`.
    pub using_protocol: Option<HttpProtocol>,
}

impl StickyOptions {
    /// The sticky options of `plan`; `None` for a request whose handle is always reset before
    /// it (one with `dnsOverHttps`: its private DNS cache keeps its handle out of the pool
    /// after it anyway).
    pub(crate) fn of(plan: &RequestPlan) -> Option<StickyOptions> {
        if plan.doh.is_some() {
            return None;
        }
        let o = &plan.options;
        Some(StickyOptions {
            ca_path: o.ca_path.clone(),
            client_cert: o.client_cert.clone(),
            range: o.range(),
            using_protocol: o.using_protocol,
        })
    }
}
