//! The admission queue: transfers waiting for a slot under the concurrency cap, highest
//! priority first, first-in first-out among equals.
use crate::transfer::config::Prepared;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Waiting {
    priority: u32,
    seq: u64,
    prepared: Box<Prepared>,
}

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Waiting {}
impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiting {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority.cmp(&other.priority).then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Transfers waiting to be added to the multi handle.
#[derive(Default)]
pub(crate) struct AdmissionQueue {
    heap: BinaryHeap<Waiting>,
    seq: u64,
}

impl AdmissionQueue {
    /// Queues a transfer.
    pub(crate) fn push(&mut self, prepared: Box<Prepared>) {
        self.seq += 1;
        self.heap.push(Waiting { priority: prepared.priority, seq: self.seq, prepared });
    }

    /// The next transfer to admit.
    pub(crate) fn pop(&mut self) -> Option<Box<Prepared>> {
        self.heap.pop().map(|w| w.prepared)
    }

    /// True when nothing waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Removes and returns the waiting transfers for which `pred` holds.
    pub(crate) fn take_where(&mut self, mut pred: impl FnMut(&Prepared) -> bool) -> Vec<Prepared> {
        if self.heap.is_empty() {
            return Vec::new();
        }
        let (taken, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.heap).into_iter().partition(|w| pred(&w.prepared));
        self.heap = kept.into();
        taken.into_iter().map(|w| *w.prepared).collect()
    }
}
