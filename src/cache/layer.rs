//! The cache as a layer of the request pipeline. [`decide`] runs after the request is planned
//! (target, policy, security context) and before its transfer is built: it answers from the
//! cache (through the sink, no transfer), or lets the request go to the network with the
//! conditional fields of a stored response and a [`CacheWatch`] (`watch.rs`) that the consumer
//! feeds and that acts on the response at its end. All of it runs on the consumer's thread,
//! never on the reactor.
use super::background;
use super::exchange::{answer, candidates, selection, Reply, RequestInfo};
use super::policy::{self, Use};
use super::store::Entry;
use super::watch::{Mode, StoreMode};
use super::STATE;
use crate::options::RequestMethod;
use crate::plan::{HopPlan, RequestPlan};
use crate::transfer::{Msg, TransferShared};
use std::sync::Arc;
use std::time::SystemTime;

pub(crate) use super::background::Revalidation;
pub(crate) use super::watch::{CacheWatch, RetryGuard};

/// What the pipeline does next.
pub(crate) enum Decision {
    /// The cache answers with these messages; no transfer. A stale answer may come with the
    /// revalidation to start in the background (`stale-while-revalidate`): the pipeline starts
    /// it, the caller never waits for it.
    Answered { msgs: Vec<Msg>, revalidate: Option<Box<Revalidation>> },
    /// Go to the network, sending these extra request fields (a stored response's validators,
    /// or the `Range` and `If-Range` that complete a stored part); the consumer hands the
    /// transfer's messages to the watch, when there is one.
    Network { validators: Vec<(String, String)>, watch: Option<Box<CacheWatch>> },
}

impl Decision {
    fn network(watch: Option<CacheWatch>) -> Decision {
        Decision::Network { validators: Vec::new(), watch: watch.map(Box::new) }
    }

    fn answer(shared: &TransferShared, req: &RequestInfo, reply: Reply) -> Decision {
        let mut msgs = Vec::new();
        answer(&mut |m| msgs.push(m), shared, req, reply);
        Decision::Answered { msgs, revalidate: None }
    }
}

/// Consults the cache for a request about to start (its first hop planned).
pub(crate) fn decide(plan: &Arc<RequestPlan>, hop: &HopPlan, shared: &Arc<TransferShared>) -> Decision {
    let capacity = match STATE.lock().store.as_ref() {
        Some(store) => store.capacity(),
        None => return Decision::network(None),
    };
    let req = RequestInfo::new(plan, hop, hop.target.clone());
    if let Some(pending) = background::take(req.url()) {
        // the cache's own background revalidation of one stale entry: never answered here
        let validators = policy::validators(&pending.entry.headers);
        let mode = StoreMode {
            stale: Some((pending.id, pending.entry)),
            validated: !validators.is_empty(),
            _background: Some(pending.token),
            ..StoreMode::default()
        };
        let watch = CacheWatch::new(plan, shared, req, Mode::Store(mode), capacity);
        return Decision::Network { validators, watch: Some(Box::new(watch)) };
    }
    match req.method {
        RequestMethod::Get | RequestMethod::Head => {}
        RequestMethod::Post | RequestMethod::Put | RequestMethod::Delete | RequestMethod::Connect => {
            return Decision::network(Some(CacheWatch::new(plan, shared, req, Mode::Invalidate, capacity)));
        }
        RequestMethod::Options | RequestMethod::Trace => return Decision::network(None),
    }
    let only_if_cached = req.directives.only_if_cached && plan.options.using_cache_or_default();
    if req.directives.no_store || (req.ranged && (req.range.is_none() || req.method != RequestMethod::Get)) {
        // nothing of it is stored or used (no-store), or a range form the cache does not answer
        if only_if_cached {
            return Decision::answer(shared, &req, Reply::gateway_timeout());
        }
        return Decision::network(None);
    }
    let mut mode = StoreMode::default();
    let mut validators = Vec::new();
    if plan.options.using_cache_or_default() && !req.conditional {
        let completing_allowed = !req.stream && !shared.core.listeners.wants_headers();
        match lookup(&req, completing_allowed, SystemTime::now()) {
            Found::Answer(entry, selection) => {
                let reply = Reply::from_entry(&entry, &req, selection, SystemTime::now());
                return Decision::answer(shared, &req, reply);
            }
            Found::AnswerStale(id, entry) => {
                let reply = Reply::from_entry(&entry, &req, None, SystemTime::now());
                let revalidate = background::prepare(plan, req.url(), id, entry, capacity).map(Box::new);
                let Decision::Answered { msgs, .. } = Decision::answer(shared, &req, reply) else { unreachable!() };
                return Decision::Answered { msgs, revalidate };
            }
            _ if only_if_cached => return Decision::answer(shared, &req, Reply::gateway_timeout()),
            Found::Validate(id, entry) => {
                validators = policy::validators(&entry.headers);
                mode.validated = !validators.is_empty();
                mode.stale = Some((id, entry));
            }
            Found::Complete(id, part) => {
                let (Some(p), Some(validator)) = (part.part, policy::strong_validator(&part.headers)) else {
                    return Decision::network(None);
                };
                validators = vec![("Range".into(), format!("bytes={}-", p.last + 1)), ("If-Range".into(), validator)];
                mode.completing = Some((id, part));
            }
            Found::None => {}
        }
    }
    let watch = CacheWatch::new(plan, shared, req, Mode::Store(mode), capacity);
    Decision::Network { validators, watch: Some(Box::new(watch)) }
}

/// What the store has for a request.
enum Found {
    /// Answer with this entry (the requested bytes of it, for a range).
    Answer(Arc<Entry>, Option<(u64, u64)>),
    /// Answer with this stale entry and revalidate it in the background.
    AnswerStale(u64, Arc<Entry>),
    /// Validate this entry first (or fetch the response again when it has no validator).
    Validate(u64, Arc<Entry>),
    /// This first part of the response is stored: ask for the rest.
    Complete(u64, Arc<Entry>),
    None,
}

/// What the store holds for `req`, and whether it can be used now (RFC 9111 §4).
fn lookup(req: &RequestInfo, completing_allowed: bool, now: SystemTime) -> Found {
    let mut state = STATE.lock();
    let Some(store) = state.store.as_mut() else { return Found::None };
    let candidates = candidates(store, req, req.method.as_str());
    let found = match req.range {
        Some(spec) => candidates.iter().filter(|(_, e)| e.method == "GET" && e.identity()).find_map(|(id, e)| {
            let selected = selection(e, spec)?;
            Some(match e.rules.evaluate(&req.directives, now) {
                Use::Fresh | Use::StaleAllowed => (Some(*id), Found::Answer(e.clone(), Some(selected))),
                _ => (None, Found::Validate(*id, e.clone())),
            })
        }),
        None => match candidates.iter().find(|(_, e)| e.is_complete()) {
            Some((id, e)) => Some(match e.rules.evaluate(&req.directives, now) {
                Use::Fresh | Use::StaleAllowed => (Some(*id), Found::Answer(e.clone(), None)),
                Use::StaleWhileRevalidate if req.method == RequestMethod::Get && !req.directives.only_if_cached => {
                    (Some(*id), Found::AnswerStale(*id, e.clone()))
                }
                _ => (None, Found::Validate(*id, e.clone())),
            }),
            None if completing_allowed && req.method == RequestMethod::Get => candidates
                .iter()
                .find(|(_, e)| {
                    e.part.is_some_and(|p| p.first == 0 && p.length.is_some())
                        && e.identity()
                        && policy::strong_validator(&e.headers).is_some()
                })
                .map(|(id, e)| (None, Found::Complete(*id, e.clone()))),
            None => None,
        },
    };
    let Some((used, found)) = found else { return Found::None };
    if let Some(id) = used {
        store.touch(id);
    }
    found
}
