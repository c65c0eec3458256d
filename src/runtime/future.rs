//! `ResponseFuture`: the `Future` of `request_async` and `request_in_stream_async`. Works with
//! any executor (no runtime dependency); dropping it before completion cancels the transfer.
//!
//! Two ways to complete it:
//! * **Direct** (a request whose `HttpRequest` has no listener when it starts): the transfer's
//!   messages go straight into the future's inbox, one wake of its task per batch, and the
//!   future consumes them when it is polled, on the executor's thread: the response is built
//!   there, and no dispatcher thread is involved (one thread hand-off per request instead of
//!   two; measured in BENCHMARKS.md). Only a redirect goes through the dispatcher, which plans
//!   and submits the next hop, so a transfer never waits for its future to be polled (but for
//!   a stream's backpressure: chunks wait in the inbox until the future takes them). A
//!   listener added while such a request runs is called on the thread that polls the future.
//! * **Completed** (listeners exist, so they run on the dispatcher as for callbacks): the
//!   dispatcher's completion fills the future's slot through a [`Completer`].
use super::consumer::{follow_redirect, Consumer};
use super::Runtime;
use crate::error::HttpError;
use crate::transfer::{Finished, Msg, Sink, TransferShared};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

struct Slot<T> {
    value: Option<Result<T, HttpError>>,
    /// A direct future's messages not yet consumed.
    inbox: VecDeque<Msg>,
    waker: Option<Waker>,
    done: bool,
}

/// The completing side of a `ResponseFuture`.
pub(crate) struct Completer<T>(Arc<Mutex<Slot<T>>>);

impl<T> Completer<T> {
    /// Completes the future and wakes its task.
    pub(crate) fn complete(self, value: Result<T, HttpError>) {
        let waker = {
            let mut slot = self.0.lock();
            slot.value = Some(value);
            slot.done = true;
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// Puts a message in a direct future's inbox; the first since the last poll wakes the task
/// (the poll takes them all).
fn deliver<T>(slot: &Mutex<Slot<T>>, msg: Msg) {
    let waker = {
        let mut s = slot.lock();
        s.inbox.push_back(msg);
        s.waker.take()
    };
    if let Some(w) = waker {
        w.wake();
    }
}

/// What a direct future consumes its messages with.
struct Direct<T> {
    consumer: Consumer,
    finish: Box<dyn FnOnce(Finished) -> T + Send>,
}

/// A request's result, as a `Future`. Resolves on any executor; dropping it before it resolves
/// cancels the transfer.
#[must_use = "futures do nothing useful unless awaited; dropping it cancels the request"]
pub struct ResponseFuture<T> {
    slot: Arc<Mutex<Slot<T>>>,
    transfer: Option<(Runtime, Arc<TransferShared>)>,
    /// Set for a direct future once its transfer has a consumer (only ever reached through
    /// `&mut self`: the mutex keeps the future `Sync`, as a `Consumer` is not).
    direct: Mutex<Option<Direct<T>>>,
}

impl<T> ResponseFuture<T> {
    /// A pending future: a direct one once [`attach`](Self::attach) gives it its transfer's
    /// consumer (see the module's doc).
    pub(crate) fn pending() -> ResponseFuture<T> {
        let slot = Arc::new(Mutex::new(Slot { value: None, inbox: VecDeque::new(), waker: None, done: false }));
        ResponseFuture { slot, transfer: None, direct: Mutex::new(None) }
    }

    /// A pending future and its completer.
    pub(crate) fn pair() -> (ResponseFuture<T>, Completer<T>) {
        let fut = Self::pending();
        let completer = Completer(fut.slot.clone());
        (fut, completer)
    }

    /// Makes this future the consumer of a transfer on `runtime`, `finish` turning its outcome
    /// into the future's value; returns the sink for the transfer's messages.
    pub(crate) fn attach(
        &mut self,
        consumer: Consumer,
        runtime: &Runtime,
        finish: Box<dyn FnOnce(Finished) -> T + Send>,
    ) -> Sink
    where
        T: Send + 'static,
    {
        *self.direct.get_mut() = Some(Direct { consumer, finish });
        let slot = self.slot.clone();
        let runtime = runtime.clone();
        Arc::new(move |msg| match msg {
            // the next hop is planned and submitted on the dispatcher (never the reactor), so
            // that the transfer goes on whether or not its future is being polled
            Msg::Redirect(easy) => {
                let (slot, rt) = (slot.clone(), runtime.clone());
                runtime.inner().dispatcher().call_later(move || {
                    if let Err(e) = follow_redirect(&rt, easy) {
                        deliver(&slot, Msg::Done(Box::new(Err(e))));
                    }
                });
            }
            msg => deliver(&slot, msg),
        })
    }

    /// Resolves it now with an error (the request could not start).
    pub(crate) fn fail(&mut self, e: HttpError) {
        *self.direct.get_mut() = None;
        let mut slot = self.slot.lock();
        slot.value = Some(Err(e));
        slot.done = true;
    }

    /// Remembers which transfer to cancel if the future is dropped early.
    pub(crate) fn set_transfer(&mut self, runtime: Runtime, transfer: Arc<TransferShared>) {
        self.transfer = Some((runtime, transfer));
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, HttpError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            let msgs = {
                let mut slot = this.slot.lock();
                if let Some(v) = slot.value.take() {
                    slot.done = true;
                    return Poll::Ready(v);
                }
                if slot.done {
                    return Poll::Ready(Err(HttpError::internal("the future was polled after it resolved")));
                }
                if slot.inbox.is_empty() {
                    if !slot.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                        slot.waker = Some(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
                std::mem::take(&mut slot.inbox)
            };
            // consumed outside the lock: a redirect submits the next hop from here
            if let Some(ready) = this.consume(msgs) {
                this.slot.lock().done = true;
                return Poll::Ready(ready);
            }
        }
    }
}

impl<T> ResponseFuture<T> {
    /// Feeds a direct future's consumer; the future's value once the transfer is over.
    fn consume(&mut self, msgs: VecDeque<Msg>) -> Option<Result<T, HttpError>> {
        let direct = self.direct.get_mut();
        let d = direct.as_mut()?;
        for msg in msgs {
            let handled = catch_unwind(AssertUnwindSafe(|| d.consumer.handle(msg)));
            let outcome = match handled {
                Ok(None) => continue,
                Ok(Some(outcome)) => outcome,
                Err(payload) => Err(HttpError::internal(format!(
                    "consuming the transfer panicked: {}",
                    crate::error::panic_message(&payload)
                ))),
            };
            let Direct { finish, .. } = direct.take()?;
            return Some(outcome.map(finish));
        }
        None
    }
}

impl<T> Drop for ResponseFuture<T> {
    fn drop(&mut self) {
        if let Some((runtime, transfer)) = self.transfer.take() {
            if !self.slot.lock().done {
                // wherever it is (resolving, between hops, queued, running): it ends now
                runtime.cancel(&transfer);
            }
        }
        // messages nobody will take (a stream's chunks) are freed now, not with the transfer
        self.slot.lock().inbox.clear();
    }
}
