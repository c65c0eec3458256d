//! State shared between a transfer on the reactor and its consumer.
use crate::task::RequestCore;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Bytes of stream data queued for the consumer above which the transfer pauses.
pub(crate) const PAUSE_ABOVE: usize = 4 << 20;
/// Queued bytes at or below which a paused transfer is resumed.
pub(crate) const RESUME_AT: usize = 1 << 20;
/// Download buffer (CURLOPT_BUFFERSIZE) of a transfer that expects a large body: a stream, or
/// a whole body allowed to be larger than the default `maxLimit` (5 MiB). The bench measured
/// 512 KiB near twice the throughput of curl's 16 KiB on bulk bodies.
pub(crate) const RECEIVE_BUFFER: usize = 512 * 1024;

/// Download buffer of a whole body of at most the default `maxLimit`. libcurl allocates its
/// buffer when a transfer starts and frees it when it ends. From 128 KiB (glibc's mmap
/// threshold) up, that memory went back to the kernel between transfers and every request
/// faulted it in again: at W2 (1 KiB bodies, 64 in flight) 0.87 page faults per request with
/// 512 KiB, 0.03 with 64 KiB, and 24 % less CPU (`perf stat`). 64 KiB still reads a 5 MiB
/// body in 80 callbacks.
pub(crate) const BODY_RECEIVE_BUFFER: usize = 64 * 1024;
const _: () = assert!(BODY_RECEIVE_BUFFER < 128 * 1024, "under glibc's mmap threshold");

/// The buffer of a transfer that starts while more than [`MANY_IN_FLIGHT`] others of its
/// runtime are unfinished: libcurl's own default. Each transfer then gets a small share of
/// the bandwidth anyway, and 10,000 buffers of 512 KiB made every request of W7 (10,000 in
/// flight) cost ~1.8x the CPU of the same raw loop with 16 KiB buffers
/// (`curl-multi-buf512k` against `curl-multi` in BENCHMARKS.md).
pub(crate) const SMALL_RECEIVE_BUFFER: usize = 16 * 1024;

/// Unfinished transfers of a runtime above which new ones get [`SMALL_RECEIVE_BUFFER`]
/// (4x the default cap on transfers running at once).
pub(crate) const MANY_IN_FLIGHT: usize = 256;

/// The receive buffer of a transfer that starts while `others` of its runtime are unfinished;
/// `large_body`: it expects one (see [`RECEIVE_BUFFER`]).
pub(crate) fn receive_buffer(large_body: bool, others: usize) -> usize {
    if others > MANY_IN_FLIGHT {
        SMALL_RECEIVE_BUFFER
    } else if large_body {
        RECEIVE_BUFFER
    } else {
        BODY_RECEIVE_BUFFER
    }
}

/// One transfer counted as unfinished in its runtime's handle pool, until it is dropped.
pub(crate) struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    /// Counts one more transfer in `count`; returns it with the number there was before.
    pub(crate) fn enter(count: &Arc<AtomicUsize>) -> (InFlight, usize) {
        let before = count.fetch_add(1, Ordering::Relaxed);
        (InFlight(count.clone()), before)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Shared by the `Collector` (reactor) and the consumer of one transfer.
pub(crate) struct TransferShared {
    /// Transfer id (unique in the process).
    pub id: u64,
    /// The `HttpRequest` that started it (listeners, destroyed flag).
    pub core: Arc<RequestCore>,
    /// Stream bytes sent to the consumer and not yet handled.
    pub queued: AtomicUsize,
    /// Set when the write callback paused the transfer.
    pub paused: AtomicBool,
    /// Set when its future was dropped: wherever the transfer is (resolving, between two
    /// hops, queued, running), it never starts again.
    cancelled: AtomicBool,
    /// Stream chunk buffers the consumer is done with, for the next chunks (no fresh
    /// allocation and page faults per chunk).
    spare: Mutex<Vec<Vec<u8>>>,
}

/// Capacity of spare chunk buffers kept per transfer: enough for every chunk that can be
/// queued before the transfer pauses, plus one receive buffer's worth, so a fast stream
/// allocates no new buffer in its steady state (a fresh 512 KiB buffer grows the heap and page-faults on every byte: the bench saw
/// ~5% of a streamed download's reactor time in page faults with only 4 spares).
const SPARE_BYTES: usize = PAUSE_ABOVE + RECEIVE_BUFFER;

impl TransferShared {
    /// New shared state for transfer `id` of `core`.
    pub(crate) fn new(id: u64, core: Arc<RequestCore>) -> Arc<Self> {
        Arc::new(TransferShared {
            id,
            core,
            queued: AtomicUsize::new(0),
            paused: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            spare: Mutex::new(Vec::new()),
        })
    }

    /// Marks the transfer cancelled (its future was dropped).
    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether it must not start (again): cancelled, or its `HttpRequest` destroyed.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst) || self.core.is_destroyed()
    }

    /// Reactor side: may `len` more bytes be queued? If not, marks the transfer paused.
    /// (Paired with `consumed`: both sides use SeqCst so one of them always sees the other.)
    pub(crate) fn admit(&self, len: usize) -> bool {
        if self.queued.load(Ordering::SeqCst) + len <= PAUSE_ABOVE {
            return true;
        }
        self.paused.store(true, Ordering::SeqCst);
        // re-check: the consumer may have drained meanwhile without seeing the flag
        self.queued.load(Ordering::SeqCst) + len <= PAUSE_ABOVE
    }

    /// Reactor side: `len` bytes were queued.
    pub(crate) fn queued_more(&self, len: usize) {
        self.queued.fetch_add(len, Ordering::SeqCst);
    }

    /// Reactor side: a buffer holding a copy of `data` (a recycled one when there is one).
    pub(crate) fn chunk(&self, data: &[u8]) -> Vec<u8> {
        let mut buf = {
            let mut spare = self.spare.lock();
            // one that fits without growing, else any (it grows once and is kept)
            let pick = spare.iter().position(|b| b.capacity() >= data.len()).or(spare.len().checked_sub(1));
            pick.map(|i| spare.swap_remove(i)).unwrap_or_default()
        };
        buf.clear();
        buf.extend_from_slice(data);
        buf
    }

    /// Consumer side: gives a chunk's buffer back for reuse.
    pub(crate) fn recycle(&self, buf: Vec<u8>) {
        let mut spare = self.spare.lock();
        let kept: usize = spare.iter().map(Vec::capacity).sum();
        if kept + buf.capacity() <= SPARE_BYTES {
            spare.push(buf);
        }
    }

    /// Consumer side: `len` bytes were handled; true when the transfer must be unpaused.
    pub(crate) fn consumed(&self, len: usize) -> bool {
        let left = self.queued.fetch_sub(len, Ordering::SeqCst) - len;
        left <= RESUME_AT && self.paused.swap(false, Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::DEFAULT_MAX_LIMIT;
    use crate::transfer::collector::BodySink;

    #[test]
    fn the_receive_buffer_follows_the_body_expected_and_the_load() {
        let size = |sink: BodySink, others| receive_buffer(sink.may_be_large(), others);
        assert_eq!(size(BodySink::new(false, DEFAULT_MAX_LIMIT), 0), BODY_RECEIVE_BUFFER);
        assert_eq!(size(BodySink::new(false, 1024), 0), BODY_RECEIVE_BUFFER);
        assert_eq!(size(BodySink::new(false, DEFAULT_MAX_LIMIT + 1), 0), RECEIVE_BUFFER);
        assert_eq!(size(BodySink::new(true, 0), MANY_IN_FLIGHT), RECEIVE_BUFFER);
        assert_eq!(size(BodySink::new(true, 0), MANY_IN_FLIGHT + 1), SMALL_RECEIVE_BUFFER);
        assert_eq!(size(BodySink::new(false, 1024), MANY_IN_FLIGHT + 1), SMALL_RECEIVE_BUFFER);
    }
}
