//! Reactor wake-up latency, for the benchmark only (cargo feature `metrics`, off by default).
//!
//! Measures the time from `Reactor::submit` on the caller's thread to the transfer's
//! `curl_multi_add_handle` on the reactor thread, in a histogram of 1 µs buckets
//! (0..[`BUCKETS`] µs, the last bucket holding everything slower). Recording is off until
//! [`enable`]`(true)`; while off, a submit costs one relaxed atomic load. While on, each
//! transfer costs two `Instant::now()` calls and two relaxed atomic adds.
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

/// Starts (`true`) or stops (`false`) recording submit -> add latencies.
pub fn enable(on: bool) {
    ENABLED.store(on, Ordering::SeqCst);
}

/// Clears the histogram.
pub fn reset() {
    for b in HISTOGRAM.iter() {
        b.store(0, Ordering::Relaxed);
    }
}

/// The histogram: element `i` counts transfers added `i` µs (rounded down) after their submit;
/// the last element counts every one at `BUCKETS - 1` µs or later.
pub fn submit_to_add_histogram() -> Vec<u64> {
    HISTOGRAM.iter().map(|b| b.load(Ordering::Relaxed)).collect()
}

/// The submit time of a transfer, when recording is on (taken on the submitting thread).
pub(crate) fn stamp() -> Option<Instant> {
    ENABLED.load(Ordering::Relaxed).then(Instant::now)
}

/// Records one transfer added to the multi handle now, submitted at `at`.
pub(crate) fn record(at: Instant) {
    let us = at.elapsed().as_micros().min((BUCKETS - 1) as u128) as usize;
    HISTOGRAM[us].fetch_add(1, Ordering::Relaxed);
}
