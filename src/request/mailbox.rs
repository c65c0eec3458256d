//! The message queue of a blocking call: the transfer pushes, the calling thread waits.
//! A mutex and a condition variable (no spinning or yielding while waiting, and no wake-up
//! call when the caller is not waiting), closed when the transfer's sink is dropped.
use crate::transfer::{Msg, Sink};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Default)]
struct State {
    queue: VecDeque<Msg>,
    closed: bool,
}

/// Messages of one transfer for a blocking caller.
#[derive(Default)]
pub(crate) struct Mailbox {
    state: Mutex<State>,
    ready: Condvar,
}

/// The sending side; dropping it closes the mailbox.
struct Sender(Arc<Mailbox>);

impl Drop for Sender {
    fn drop(&mut self) {
        self.0.state.lock().closed = true;
        self.0.ready.notify_one();
    }
}

impl Mailbox {
    /// A new mailbox.
    pub(crate) fn new() -> Arc<Mailbox> {
        Arc::new(Mailbox::default())
    }

    /// The transfer's sink into this mailbox.
    pub(crate) fn sink(self: &Arc<Self>) -> Sink {
        let sender = Sender(self.clone());
        Box::new(move |msg| {
            sender.0.state.lock().queue.push_back(msg);
            sender.0.ready.notify_one();
        })
    }

    /// The next message; `None` once the sink is gone and everything was read.
    pub(crate) fn recv(&self) -> Option<Msg> {
        let mut state = self.state.lock();
        loop {
            if let Some(msg) = state.queue.pop_front() {
                return Some(msg);
            }
            if state.closed {
                return None;
            }
            self.ready.wait(&mut state);
        }
    }
}
