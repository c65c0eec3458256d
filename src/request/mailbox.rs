//! Wait queues between threads: a mutex and a condition variable, so a waiting thread parks
//! at once (no spinning or yielding) and a sender only makes a wake-up call when someone
//! waits. `Mailbox` is one blocking call's queue, closed when the transfer's sink is dropped;
//! the dispatcher thread waits on a `WaitQueue` too.
use crate::transfer::{Msg, Sink};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::Arc;

struct State<T> {
    queue: VecDeque<T>,
    closed: bool,
}

/// A multi-producer, single-consumer queue whose consumer blocks while it is empty.
pub(crate) struct WaitQueue<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
}

impl<T> Default for WaitQueue<T> {
    fn default() -> Self {
        WaitQueue { state: Mutex::new(State { queue: VecDeque::new(), closed: false }), ready: Condvar::new() }
    }
}

impl<T> WaitQueue<T> {
    /// Appends an item and wakes the consumer if it waits.
    pub(crate) fn push(&self, item: T) {
        self.state.lock().queue.push_back(item);
        self.ready.notify_one();
    }

    /// No more items will come: the consumer gets `None` once the queue is empty.
    pub(crate) fn close(&self) {
        self.state.lock().closed = true;
        self.ready.notify_one();
    }

    /// The next item, waiting for one; `None` once closed and empty.
    pub(crate) fn recv(&self) -> Option<T> {
        let mut state = self.state.lock();
        loop {
            if let Some(item) = state.queue.pop_front() {
                return Some(item);
            }
            if state.closed {
                return None;
            }
            self.ready.wait(&mut state);
        }
    }
}

/// Messages of one transfer for a blocking caller.
pub(crate) type Mailbox = WaitQueue<Msg>;

/// The sending side of a mailbox; dropping it closes the mailbox.
struct Sender(Arc<Mailbox>);

impl Drop for Sender {
    fn drop(&mut self) {
        self.0.close();
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
        Box::new(move |msg| sender.0.push(msg))
    }
}
