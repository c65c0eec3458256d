//! `readTimeout` as inactivity: the longest time in which no byte is received or sent (header
//! bytes count; the reactor enforces it to the millisecond, `reactor/event_loop.rs`).
use std::time::{Duration, Instant};

/// One transfer's inactivity clock.
pub(crate) struct IdleClock {
    /// The longest time without any byte moving; `None`: no read timeout.
    pub timeout: Option<Duration>,
    last_activity: Instant,
    /// Bytes received and sent at the last progress callback.
    last_counts: (u64, u64),
}

impl IdleClock {
    /// A clock for `timeout`.
    pub(crate) fn new(timeout: Option<Duration>) -> Self {
        IdleClock { timeout, last_activity: Instant::now(), last_counts: (0, 0) }
    }

    /// A hop was just added to the multi handle.
    pub(crate) fn start(&mut self, now: Instant) {
        self.last_activity = now;
        self.last_counts = (0, 0);
    }

    /// Something moved (a header line or body bytes arrived).
    pub(crate) fn active(&mut self, now: Instant) {
        self.last_activity = now;
    }

    /// curl's byte counts at a progress callback: a change is activity.
    pub(crate) fn counts(&mut self, received: u64, sent: u64) {
        if (received, sent) != self.last_counts {
            self.last_counts = (received, sent);
            self.last_activity = Instant::now();
        }
    }

    /// When the transfer times out; a transfer the consumer paused (backpressure) is not idle:
    /// its clock restarts.
    pub(crate) fn deadline(&mut self, now: Instant, paused: bool) -> Option<Instant> {
        let timeout = self.timeout?;
        if paused {
            self.last_activity = now;
        }
        // a timeout too large for the clock never comes
        self.last_activity.checked_add(timeout)
    }
}
