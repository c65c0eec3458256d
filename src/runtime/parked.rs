//! A channel whose receiver waits parked, without crossbeam's spin and yields before it
//! sleeps: for a consumer whose next message comes a full request later, that spin is pure
//! cost (the blocking caller and the dispatcher: ~20-40 µs of CPU per request at one request
//! at a time, measured). The receiving thread is named when the sender is made; every send
//! unparks it, and so does dropping the sender, so a parked receiver never misses the
//! channel's disconnection. A spurious wake-up (allowed by `park`) just looks again.
//!
//! After the last message ([`ParkedSender::send_last`]) the receiver waits for nothing more,
//! so dropping the sender then wakes nobody. Otherwise that second unpark reached a blocking
//! caller already parked for its next request (a spurious wake-up, two futex calls and two
//! context switches), or left it a token that made its next park return at once.
use crossbeam_channel::{Receiver, RecvError, SendError, Sender, TryRecvError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::Thread;

/// The sending side; `receiver` is the thread that calls [`recv`] on the other end.
pub(crate) struct ParkedSender<T> {
    tx: Sender<T>,
    receiver: Thread,
    /// The last message was sent: dropping needs no wake-up.
    last_sent: AtomicBool,
}

impl<T> ParkedSender<T> {
    /// Wraps `tx`, whose receiver is used by `receiver` only.
    pub(crate) fn new(tx: Sender<T>, receiver: Thread) -> Self {
        ParkedSender { tx, receiver, last_sent: AtomicBool::new(false) }
    }

    /// Sends `value` and wakes the receiving thread if it is parked.
    pub(crate) fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.tx.send(value)?;
        self.receiver.unpark();
        Ok(())
    }

    /// Sends the message after which the receiver stops receiving, and wakes it.
    pub(crate) fn send_last(&self, value: T) -> Result<(), SendError<T>> {
        self.last_sent.store(true, Ordering::Relaxed);
        self.send(value)
    }
}

impl<T> Drop for ParkedSender<T> {
    fn drop(&mut self) {
        if !self.last_sent.load(Ordering::Relaxed) {
            self.receiver.unpark();
        }
    }
}

/// The next message, parking this thread while the channel is empty; `Err` once it is empty
/// and every sender is gone.
pub(crate) fn recv<T>(rx: &Receiver<T>) -> Result<T, RecvError> {
    loop {
        match rx.try_recv() {
            Ok(value) => return Ok(value),
            Err(TryRecvError::Empty) => std::thread::park(),
            Err(TryRecvError::Disconnected) => return Err(RecvError),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};
    use std::time::{Duration, Instant};

    /// Whether the receiver is unparked when the sender is dropped after `last` was used for
    /// the one message. The receiver first clears the token the send itself may have left.
    fn unparked_by_drop(last: bool) -> bool {
        let (tx, rx) = crossbeam_channel::unbounded::<u8>();
        let barrier = Arc::new(Barrier::new(2));
        let b = barrier.clone();
        let receiver = std::thread::spawn(move || {
            assert_eq!(recv(&rx), Ok(1));
            std::thread::park_timeout(Duration::ZERO); // the send's own token, if any
            b.wait(); // 1: the send's token is gone
            b.wait(); // 2: the sender is dropped
            let start = Instant::now();
            std::thread::park_timeout(Duration::from_millis(300));
            start.elapsed() < Duration::from_millis(250)
        });
        let sender = ParkedSender::new(tx, receiver.thread().clone());
        if last {
            sender.send_last(1).unwrap();
        } else {
            sender.send(1).unwrap();
        }
        barrier.wait();
        drop(sender);
        barrier.wait();
        receiver.join().unwrap()
    }

    #[test]
    fn dropping_the_sender_wakes_the_receiver_unless_the_last_message_was_sent() {
        assert!(unparked_by_drop(false), "a receiver waiting for more must see the disconnection");
        assert!(!unparked_by_drop(true), "the receiver got its last message: no wake-up");
    }
}
