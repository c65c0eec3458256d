//! The two thread hand-offs of a transfer, for the benchmark only (cargo feature `metrics`, off
//! by default).
//!
//! * Wake-up: from `Reactor::submit` on the caller's thread to the transfer's
//!   `curl_multi_add_handle` on the reactor thread ([`submit_to_add_histogram`]).
//! * Hand-back: from the reactor sending a finished transfer's outcome to the transfer's
//!   consumer (the blocked caller or the dispatcher) picking it up
//!   ([`done_to_consumer_histogram`]).
//! * The reactor's `curl_multi_perform` rounds ([`perform_round_histogram`]): a submit that
//!   arrives while a round runs waits for its end, so at many transfers in flight the wake-up
//!   is about half a round.
//!
//! All three are histograms of 1 µs buckets (0..[`BUCKETS`] µs, the last bucket holding everything
//! slower). Recording is off until [`enable`]`(true)`; while off, a stamp costs one relaxed
//! atomic load. While on, each hand-off costs two `Instant::now()` calls and a relaxed atomic
//! add.
//!
//! A transfer that waits in the admission queue because `max_active_transfers` are running
//! counts its queueing time too: measure with fewer transfers in flight than the cap.
//! Without the `metrics` feature this module is not compiled and nothing is recorded.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// Number of 1 µs buckets; the last one collects every latency of `BUCKETS - 1` µs or more.
pub const BUCKETS: usize = 1001;

static ENABLED: AtomicBool = AtomicBool::new(false);
static HISTOGRAM: [AtomicU64; BUCKETS] = [const { AtomicU64::new(0) }; BUCKETS];
static HANDBACK: [AtomicU64; BUCKETS] = [const { AtomicU64::new(0) }; BUCKETS];
static PERFORM: [AtomicU64; BUCKETS] = [const { AtomicU64::new(0) }; BUCKETS];

/// Starts (`true`) or stops (`false`) recording the three histograms.
pub fn enable(on: bool) {
    ENABLED.store(on, Ordering::SeqCst);
}

/// Clears the three histograms.
pub fn reset() {
    for b in HISTOGRAM.iter().chain(HANDBACK.iter()).chain(PERFORM.iter()) {
        b.store(0, Ordering::Relaxed);
    }
}

/// The histogram: element `i` counts transfers added `i` µs (rounded down) after their submit;
/// the last element counts every one at `BUCKETS - 1` µs or later.
pub fn submit_to_add_histogram() -> Vec<u64> {
    HISTOGRAM.iter().map(|b| b.load(Ordering::Relaxed)).collect()
}

/// The hand-back histogram: element `i` counts finished transfers their consumer picked up
/// `i` µs (rounded down) after the reactor handed them over; the last element as above.
pub fn done_to_consumer_histogram() -> Vec<u64> {
    HANDBACK.iter().map(|b| b.load(Ordering::Relaxed)).collect()
}

/// The perform-round histogram: element `i` counts `curl_multi_perform` calls of the reactor
/// that took `i` µs (rounded down); the last element as above.
pub fn perform_round_histogram() -> Vec<u64> {
    PERFORM.iter().map(|b| b.load(Ordering::Relaxed)).collect()
}

/// Now, when recording is on (a submit or a hand-back time, taken on the sending thread).
pub(crate) fn stamp() -> Option<Instant> {
    ENABLED.load(Ordering::Relaxed).then(Instant::now)
}

fn add(histogram: &[AtomicU64; BUCKETS], at: Instant) {
    let us = at.elapsed().as_micros().min((BUCKETS - 1) as u128) as usize;
    histogram[us].fetch_add(1, Ordering::Relaxed);
}

/// Records one transfer added to the multi handle now, submitted at `at`.
pub(crate) fn record(at: Instant) {
    add(&HISTOGRAM, at);
}

/// Records one `curl_multi_perform` call that started at `at` and just returned.
pub(crate) fn record_perform(at: Instant) {
    add(&PERFORM, at);
}

/// Records one finished transfer picked up by its consumer now, handed over at `at`.
pub(crate) fn record_handback(at: Instant) {
    add(&HANDBACK, at);
}
