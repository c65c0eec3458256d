//! A channel whose receiver waits parked, without crossbeam's spin and yields before it
//! sleeps: for a consumer whose next message comes a full request later, that spin is pure
//! cost (the blocking caller and the dispatcher: ~20-40 µs of CPU per request at one request
//! at a time, measured). The receiving thread is named when the sender is made; every send
//! unparks it, and so does dropping the sender, so a parked receiver never misses the
//! channel's disconnection. A spurious wake-up (allowed by `park`) just looks again.
use crossbeam_channel::{Receiver, RecvError, SendError, Sender, TryRecvError};
use std::thread::Thread;

/// The sending side; `receiver` is the thread that calls [`recv`] on the other end.
pub(crate) struct ParkedSender<T> {
    tx: Sender<T>,
    receiver: Thread,
}

impl<T> ParkedSender<T> {
    /// Wraps `tx`, whose receiver is used by `receiver` only.
    pub(crate) fn new(tx: Sender<T>, receiver: Thread) -> Self {
        ParkedSender { tx, receiver }
    }

    /// Sends `value` and wakes the receiving thread if it is parked.
    pub(crate) fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.tx.send(value)?;
        self.receiver.unpark();
        Ok(())
    }
}

impl<T> Drop for ParkedSender<T> {
    fn drop(&mut self) {
        self.receiver.unpark();
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
