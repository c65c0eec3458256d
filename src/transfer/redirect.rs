//! The next hop of a transfer that ended with a redirect, on the consumer's thread (never the
//! reactor): the chain plans it (`plan::redirect`: target, policy, pins, proxy, DNS, method),
//! then the handle is reconfigured for it.
use super::config::{self, Prepared};
use super::pool::HandlePool;
use super::{completion, Collector};
use crate::error::HttpError;
use curl::easy::Easy2;

/// The transfer, ready for its next hop; on an error the transfer is finished with it (its
/// handle goes back to the pool, the consumer gets the error as its `Done`).
pub(crate) fn next(mut easy: Box<Easy2<Collector>>, pool: &HandlePool) -> Result<Box<Prepared>, HttpError> {
    match plan_next(&mut easy) {
        Ok(lookup) => {
            let priority = easy.get_ref().chain.as_ref().map_or(1, |c| c.plan.options.priority_or_default());
            Ok(Box::new(Prepared { easy: *easy, priority, lookup }))
        }
        Err(e) => {
            easy.get_mut().guard.disarm();
            pool.recycle(*easy);
            Err(e)
        }
    }
}

fn plan_next(easy: &mut Easy2<Collector>) -> Result<Option<crate::dns::Lookup>, HttpError> {
    let times = completion::hop_times(easy);
    let c = easy.get_mut();
    let (status, location) = c
        .redirect()
        .map(|(s, l)| (s, l.to_vec()))
        .ok_or_else(|| HttpError::internal("a redirect without a Location"))?;
    let chain = c.chain.as_mut().ok_or_else(|| HttpError::internal("a transfer without its request plan"))?;
    let hop = chain.follow(status, &location, times)?;
    config::next_hop(easy, &hop)
}
