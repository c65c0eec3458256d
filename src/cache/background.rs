//! `stale-while-revalidate` (RFC 5861 §3): the caller gets the stale response at once, and the
//! cache revalidates it with a request of its own that the caller never waits for.
//!
//! That request is an ordinary one: a private `HttpRequest` (no listeners) started with
//! `request_with_callback`, the caller's options (same fields, TLS settings, proxy, timeouts:
//! the same security context, so its response lands in the same entry), whole-body, its result
//! dropped. It runs on the reactor like any transfer and is consumed on the dispatcher thread,
//! where its `CacheWatch` merges the result into the store with the code that handles any
//! revalidation: a `304` updates the entry, a `200` replaces it.
//!
//! It must never be answered from the cache itself, so the cache marks it before starting it:
//! `start` leaves a [`Pending`] for the next `decide` on this thread (`request_with_callback`
//! plans the request and calls `decide` before it returns), which `decide` takes and turns
//! into a conditional request for exactly that entry. At most one background revalidation per
//! entry runs at a time.
use super::store::Entry;
use crate::options::MAX_MAX_LIMIT;
use crate::plan::RequestPlan;
use parking_lot::Mutex;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// The revalidation `start` is starting on this thread, for its `decide` to take.
    static NEXT: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// Entries being revalidated in the background (their ids).
static IN_FLIGHT: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Marks one entry as being revalidated until dropped (with the request's `CacheWatch`).
#[derive(Debug)]
pub(crate) struct Token(u64);

impl Drop for Token {
    fn drop(&mut self) {
        IN_FLIGHT.lock().retain(|id| *id != self.0);
    }
}

/// A background revalidation about to be planned.
pub(crate) struct Pending {
    url: String,
    /// The entry's id in the store.
    pub id: u64,
    /// The stale entry.
    pub entry: Arc<Entry>,
    /// Held by the request's `CacheWatch` until it ends.
    pub token: Token,
}

/// The background revalidation being started on this thread, when `url` is its URL.
pub(crate) fn take(url: &str) -> Option<Pending> {
    NEXT.with(|next| {
        let mut next = next.borrow_mut();
        if next.as_ref()?.url == url {
            next.take()
        } else {
            None
        }
    })
}

/// Starts revalidating entry `id` (stored for `url`) in the background, unless that is
/// running already. `plan` is the caller's request; `capacity` the cache size (the most the
/// response may hold to be stored).
pub(crate) fn start(plan: &RequestPlan, url: &str, id: u64, entry: Arc<Entry>, capacity: u64) {
    {
        let mut in_flight = IN_FLIGHT.lock();
        if in_flight.contains(&id) {
            return;
        }
        in_flight.push(id);
    }
    let token = Token(id);
    let mut options = plan.options.clone();
    // a GET's extraData is its query, which `url` already has
    options.extra_data = None;
    options.max_limit = Some(capacity.clamp(1, MAX_MAX_LIMIT));
    options.using_cache = Some(true);
    NEXT.with(|next| *next.borrow_mut() = Some(Pending { url: url.to_string(), id, entry, token }));
    crate::create_http().request_with_callback(url, Some(options), |_| {});
    // still here when the request failed before `decide` saw it: dropping it ends the mark
    NEXT.with(|next| next.borrow_mut().take());
}
