//! `ResponseFuture`: the `Future` of `request_async` and `request_in_stream_async`. Works with
//! any executor (no runtime dependency); dropping it before completion cancels the transfer.
use super::Runtime;
use crate::error::HttpError;
use crate::transfer::TransferShared;
use parking_lot::Mutex;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

struct Slot<T> {
    value: Option<Result<T, HttpError>>,
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

/// A request's result, as a `Future`. Resolves on any executor; dropping it before it resolves
/// cancels the transfer.
#[must_use = "futures do nothing useful unless awaited; dropping it cancels the request"]
pub struct ResponseFuture<T> {
    slot: Arc<Mutex<Slot<T>>>,
    transfer: Option<(Runtime, Arc<TransferShared>)>,
}

impl<T> ResponseFuture<T> {
    /// A pending future and its completer.
    pub(crate) fn pair() -> (ResponseFuture<T>, Completer<T>) {
        let slot = Arc::new(Mutex::new(Slot { value: None, waker: None, done: false }));
        (ResponseFuture { slot: slot.clone(), transfer: None }, Completer(slot))
    }

    /// Remembers which transfer to cancel if the future is dropped early.
    pub(crate) fn set_transfer(&mut self, runtime: Runtime, transfer: Arc<TransferShared>) {
        self.transfer = Some((runtime, transfer));
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, HttpError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.lock();
        match slot.value.take() {
            Some(v) => Poll::Ready(v),
            None if slot.done => Poll::Ready(Err(HttpError::internal("the future was polled after it resolved"))),
            None => {
                if !slot.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    slot.waker = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
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
    }
}
