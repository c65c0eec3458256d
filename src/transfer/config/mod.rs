//! Options -> `CURLOPT_*`, on the caller's thread (or the consumer's, for a redirect hop), so
//! every option error is reported before anything reaches the reactor.
//!
//! One module per concern, each a [`SetOpt`]: [`fixed`] (what every transfer gets),
//! [`method`] (method and body), [`headers`], [`timeouts`], [`protocol`] (HTTP version,
//! multiplexing, stream weight), [`tls`] (CA, client certificate, pins), [`proxy`], [`url`]
//! (the target's `CURLU`), [`limits`] (range, `maxLimit`, DoH). [`build`] applies all of them
//! for a request's first hop; [`next_hop`] the ones that change from hop to hop.
//!
//! Every setopt result is checked (`transfer::setopt`): libcurl refusing a value the caller
//! gave is a 401 naming the option; any other failure is 2300000 + its code.
mod dns;
mod fixed;
mod headers;
mod limits;
mod method;
mod protocol;
mod proxy;
mod timeouts;
mod tls;
mod url;

use super::collector::{Collector, DoneGuard};
use super::pool::{HandlePool, Taken};
pub(crate) use super::setopt::{check, own, set_long, set_str, user};
use super::sticky::StickyOptions;
use super::TransferShared;
use crate::dns::Lookup;
use crate::error::HttpError;
use crate::plan::{Chain, HopPlan, RequestPlan};
use curl::easy::Easy2;
pub(crate) use dns::pin as pin_answer;
use std::sync::Arc;

/// A configured easy handle, ready for the scheduler.
pub(crate) struct Prepared {
    /// The easy handle with its collector.
    pub easy: Easy2<Collector>,
    /// Admission priority in [1, 1000].
    pub priority: u32,
    /// A `dnsServers` lookup that must be pinned before the transfer starts.
    pub lookup: Option<Lookup>,
}

/// One concern's options applied to a transfer's easy handle.
pub(crate) trait SetOpt {
    /// Sets this concern's `CURLOPT_*` on `easy`.
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError>;
}

/// Builds the transfer of a request's first hop. `extra_headers`: fields the response cache
/// adds (the validators of a stored response).
pub(crate) fn build(
    plan: &Arc<RequestPlan>,
    hop: HopPlan,
    shared: Arc<TransferShared>,
    guard: DoneGuard,
    extra_headers: &[(String, String)],
    pool: &HandlePool,
) -> Result<Box<Prepared>, HttpError> {
    let opts = &plan.options;
    let mut collector = Collector::new(shared, guard, plan.stream, opts.max_limit_bytes());
    collector.chain = Some(Chain::new(plan.clone(), &hop.target)?);
    collector.sticky = StickyOptions::of(plan);
    let Taken { mut easy, options_kept } = pool.easy_for(collector)?;
    if options_kept {
        fixed::cookie_engine(&mut easy)?;
    } else {
        fixed::Fixed.set_opt(&mut easy)?;
    }
    method::Body(plan).set_opt(&mut easy)?;
    timeouts::Timeouts(opts).set_opt(&mut easy)?;
    tls::Trust(opts).set_opt(&mut easy)?;
    limits::Limits(plan).set_opt(&mut easy)?;
    protocol::StreamWeight(opts).set_opt(&mut easy)?;
    per_hop(&mut easy, &hop, extra_headers)?;
    let lookup = dns::configure(&hop.dns, &mut easy)?;
    Ok(Box::new(Prepared { easy, priority: opts.priority_or_default(), lookup }))
}

/// Reconfigures a transfer for its next hop (a redirect), already planned into its chain;
/// returns the lookup the hop needs first, if any.
pub(crate) fn next_hop(easy: &mut Easy2<Collector>, hop: &HopPlan) -> Result<Option<Lookup>, HttpError> {
    easy.get_mut().next_hop();
    per_hop(easy, hop, &[])?;
    dns::configure(&hop.dns, easy)
}

/// The options that may change from one hop to the next.
fn per_hop(easy: &mut Easy2<Collector>, hop: &HopPlan, extra_headers: &[(String, String)]) -> Result<(), HttpError> {
    url::Url(&hop.target).set_opt(easy)?;
    method::Method.set_opt(easy)?;
    headers::Headers(extra_headers).set_opt(easy)?;
    protocol::Version(&hop.target).set_opt(easy)?;
    tls::Pins(hop.pins.as_deref()).set_opt(easy)?;
    proxy::Proxy(&hop.proxy).set_opt(easy)
}

/// The chain of a transfer being configured (always there: `build` puts it in).
fn chain(easy: &Easy2<Collector>) -> Result<&Chain, HttpError> {
    easy.get_ref().chain.as_ref().ok_or_else(|| HttpError::internal("a transfer without its request plan"))
}
