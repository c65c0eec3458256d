//! The two thread hand-offs of a transfer, for the benchmark only, behind one hook: the rest of
//! the library calls [`submitted`], [`added`], [`perform_started`]/[`perform_done`],
//! [`handed_over`] and [`picked_up`], which do nothing unless the cargo feature `metrics` is
//! on (off by default: the calls compile to nothing) and recording is enabled.
//!
//! * Wake-up: from a submit on the caller's thread to the transfer's `curl_multi_add_handle`
//!   on the reactor thread ([`submit_to_add_histogram`]).
//! * Hand-back: from the reactor sending a finished transfer's outcome to the transfer's
//!   consumer (the blocked caller or the dispatcher) picking it up
//!   ([`done_to_consumer_histogram`]).
//! * The reactor's `curl_multi_perform` rounds ([`perform_round_histogram`]): a submit that
//!   arrives while a round runs waits for its end, so at many transfers in flight the wake-up
//!   is about half a round.
//!
//! All three are histograms of 1 µs buckets (0..[`BUCKETS`] µs, the last bucket holding
//! everything slower). Recording is off until [`enable`]`(true)`; while off, a hook costs one
//! relaxed atomic load. A transfer that waits in the admission queue because
//! `max_active_transfers` are running counts its queueing time too: measure with fewer
//! transfers in flight than the cap.
#![cfg_attr(not(feature = "metrics"), allow(dead_code, unused_variables))]
use std::time::Instant;

/// Number of 1 µs buckets; the last one collects every latency of `BUCKETS - 1` µs or more.
pub const BUCKETS: usize = 1001;

#[cfg(feature = "metrics")]
mod record {
    use super::BUCKETS;
    use once_cell::sync::Lazy;
    use parking_lot::Mutex;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::Instant;

    pub(super) static ENABLED: AtomicBool = AtomicBool::new(false);
    pub(super) static WAKEUP: [AtomicU64; BUCKETS] = [const { AtomicU64::new(0) }; BUCKETS];
    pub(super) static HANDBACK: [AtomicU64; BUCKETS] = [const { AtomicU64::new(0) }; BUCKETS];
    pub(super) static PERFORM: [AtomicU64; BUCKETS] = [const { AtomicU64::new(0) }; BUCKETS];
    /// When each transfer was submitted / handed back, by transfer id, until it is recorded.
    pub(super) static SUBMITTED: Lazy<Mutex<HashMap<u64, Instant>>> = Lazy::new(|| Mutex::new(HashMap::new()));
    pub(super) static HANDED: Lazy<Mutex<HashMap<u64, Instant>>> = Lazy::new(|| Mutex::new(HashMap::new()));

    pub(super) fn on() -> bool {
        ENABLED.load(Ordering::Relaxed)
    }

    pub(super) fn add(histogram: &[AtomicU64; BUCKETS], at: Instant) {
        let us = at.elapsed().as_micros().min((BUCKETS - 1) as u128) as usize;
        histogram[us].fetch_add(1, Ordering::Relaxed);
    }
}

/// Starts (`true`) or stops (`false`) recording the three histograms.
#[cfg(feature = "metrics")]
pub fn enable(on: bool) {
    record::ENABLED.store(on, std::sync::atomic::Ordering::SeqCst);
}

/// Clears the three histograms.
#[cfg(feature = "metrics")]
pub fn reset() {
    use std::sync::atomic::Ordering;
    for b in record::WAKEUP.iter().chain(record::HANDBACK.iter()).chain(record::PERFORM.iter()) {
        b.store(0, Ordering::Relaxed);
    }
}

#[cfg(feature = "metrics")]
fn snapshot(h: &[std::sync::atomic::AtomicU64; BUCKETS]) -> Vec<u64> {
    h.iter().map(|b| b.load(std::sync::atomic::Ordering::Relaxed)).collect()
}

/// The wake-up histogram: element `i` counts transfers added `i` µs (rounded down) after their
/// submit; the last element counts every one at `BUCKETS - 1` µs or later.
#[cfg(feature = "metrics")]
pub fn submit_to_add_histogram() -> Vec<u64> {
    snapshot(&record::WAKEUP)
}

/// The hand-back histogram: element `i` counts finished transfers their consumer picked up
/// `i` µs (rounded down) after the reactor handed them over; the last element as above.
#[cfg(feature = "metrics")]
pub fn done_to_consumer_histogram() -> Vec<u64> {
    snapshot(&record::HANDBACK)
}

/// The perform-round histogram: element `i` counts `curl_multi_perform` calls of the reactor
/// that took `i` µs (rounded down); the last element as above.
#[cfg(feature = "metrics")]
pub fn perform_round_histogram() -> Vec<u64> {
    snapshot(&record::PERFORM)
}

/// Hook: transfer `id` was submitted to the reactor (caller's thread).
#[inline]
pub(crate) fn submitted(id: u64) {
    #[cfg(feature = "metrics")]
    if record::on() {
        record::SUBMITTED.lock().insert(id, Instant::now());
    }
}

/// Hook: transfer `id` was added to the multi handle (reactor).
#[inline]
pub(crate) fn added(id: u64) {
    #[cfg(feature = "metrics")]
    if let Some(at) = record::on().then(|| record::SUBMITTED.lock().remove(&id)).flatten() {
        record::add(&record::WAKEUP, at);
    }
}

/// Hook: a `curl_multi_perform` round starts (reactor); pass the result to [`perform_done`].
#[inline]
pub(crate) fn perform_started() -> Option<Instant> {
    #[cfg(feature = "metrics")]
    if record::on() {
        return Some(Instant::now());
    }
    None
}

/// Hook: the round started at `at` is over.
#[inline]
pub(crate) fn perform_done(at: Option<Instant>) {
    #[cfg(feature = "metrics")]
    if let Some(at) = at {
        record::add(&record::PERFORM, at);
    }
}

/// Hook: the reactor hands transfer `id`'s outcome to its consumer.
#[inline]
pub(crate) fn handed_over(id: u64) {
    #[cfg(feature = "metrics")]
    if record::on() {
        record::HANDED.lock().insert(id, Instant::now());
    }
}

/// Hook: the consumer of transfer `id` picked its outcome up.
#[inline]
pub(crate) fn picked_up(id: u64) {
    #[cfg(feature = "metrics")]
    if let Some(at) = record::on().then(|| record::HANDED.lock().remove(&id)).flatten() {
        record::add(&record::HANDBACK, at);
    }
}
