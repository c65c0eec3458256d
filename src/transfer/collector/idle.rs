//! `readTimeout` as inactivity: the longest time in which no byte is received or sent, header
//! bytes included (the reactor enforces it to the millisecond, `reactor/event_loop.rs`).
//!
//! Activity is seen from curl's callbacks (header lines, body bytes, progress counts). Those
//! miss a header dripped byte by byte (libcurl passes headers on line by line, and counts
//! only body bytes as progress), so when the callbacks were quiet for half the timeout the
//! clock also takes the kernel's byte count of the connection (`transfer::socket`), and at the
//! deadline asks again: bytes that moved in between are activity too.
use std::time::{Duration, Instant};

/// One transfer's inactivity clock.
pub(crate) struct IdleClock {
    /// The longest time without any byte moving; `None`: no read timeout.
    pub timeout: Option<Duration>,
    last_activity: Instant,
    /// Bytes received and sent at the last progress callback.
    last_counts: (u64, u64),
    /// The connection's byte count, and when it was taken (since the last activity).
    probe: Option<(Instant, Option<u64>)>,
}

/// What the reactor does about a transfer's clock now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Idle {
    /// Nothing moved for the whole timeout: fail it (2300028).
    Expired,
    /// Look again then.
    At(Instant),
}

impl IdleClock {
    /// A clock for `timeout`.
    pub(crate) fn new(timeout: Option<Duration>) -> Self {
        IdleClock { timeout, last_activity: Instant::now(), last_counts: (0, 0), probe: None }
    }

    /// A hop was just added to the multi handle.
    pub(crate) fn start(&mut self, now: Instant) {
        self.last_activity = now;
        self.last_counts = (0, 0);
        self.probe = None;
    }

    /// The earliest time `check` can do anything but wait (halfway through the timeout since
    /// the last activity); `None` without a read timeout. The reactor looks at no clock before
    /// the earliest of these.
    pub(crate) fn first_look(&self) -> Option<Instant> {
        let timeout = self.timeout?;
        Some(self.last_activity.checked_add(timeout / 2).unwrap_or_else(|| far_future(self.last_activity)))
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

    /// Where the clock stands at `now`; `None` without a read timeout. A transfer the consumer
    /// paused (backpressure) is not idle: its clock restarts. `socket_bytes` gives the
    /// connection's byte count (asked at most twice per timeout).
    pub(crate) fn check(
        &mut self,
        now: Instant,
        paused: bool,
        socket_bytes: impl FnOnce() -> Option<u64>,
    ) -> Option<Idle> {
        let timeout = self.timeout?;
        if paused {
            self.last_activity = now;
        }
        // a timeout too large for the clock never comes
        let Some(deadline) = self.last_activity.checked_add(timeout) else { return Some(Idle::At(far_future(now))) };
        let halfway = self.last_activity + timeout / 2;
        let probe = self.probe.filter(|(taken, _)| *taken >= self.last_activity);
        Some(match probe {
            None if now < halfway => Idle::At(halfway),
            None => {
                self.probe = Some((now, socket_bytes()));
                Idle::At(deadline)
            }
            Some(_) if now < deadline => Idle::At(deadline),
            Some((_, before)) => {
                let after = socket_bytes();
                if after.is_some() && after != before {
                    // bytes moved that the callbacks did not show: active now
                    self.last_activity = now;
                    self.probe = None;
                    Idle::At(now + timeout / 2)
                } else {
                    Idle::Expired
                }
            }
        })
    }
}

fn far_future(now: Instant) -> Instant {
    now + Duration::from_secs(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_expires_at_the_deadline_and_moving_bytes_keep_it_alive() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut clock = IdleClock::new(Some(Duration::from_millis(1000)));
        clock.start(t0);
        assert_eq!(clock.first_look(), Some(ms(500)), "nothing to do before halfway");
        assert_eq!(clock.check(ms(100), false, || panic!("not asked before halfway")), Some(Idle::At(ms(500))));
        assert_eq!(clock.check(ms(500), false, || Some(10)), Some(Idle::At(ms(1000))));
        // bytes moved between the probe and the deadline: alive
        assert_eq!(clock.check(ms(1000), false, || Some(11)), Some(Idle::At(ms(1500))));
        assert_eq!(clock.check(ms(1500), false, || Some(11)), Some(Idle::At(ms(2000))));
        // nothing since: expired
        assert_eq!(clock.check(ms(2000), false, || Some(11)), Some(Idle::Expired));
        // no connection at all: nothing to go by but the callbacks
        let mut clock = IdleClock::new(Some(Duration::from_millis(1000)));
        clock.start(t0);
        clock.check(ms(600), false, || None);
        assert_eq!(clock.check(ms(1000), false, || None), Some(Idle::Expired));
        // callbacks' activity makes an old probe stale
        let mut clock = IdleClock::new(Some(Duration::from_millis(1000)));
        clock.start(t0);
        clock.check(ms(600), false, || Some(1));
        clock.active(ms(700));
        assert_eq!(clock.check(ms(1000), false, || panic!("not asked before halfway")), Some(Idle::At(ms(1200))));
        assert_eq!(IdleClock::new(None).check(ms(0), false, || None), None);
        assert_eq!(IdleClock::new(None).first_look(), None);
    }
}
