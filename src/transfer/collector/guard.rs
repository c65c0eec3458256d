//! The promise every transfer keeps: its consumer gets exactly one `Done`, whatever happens
//! to it (completed, failed in a callback, cancelled, dropped on a path that never completed
//! it: a failed `curl_multi_add_handle`, a reactor that unwinds).
use crate::error::HttpError;
use crate::transfer::{Finished, Msg, Sink};

/// The sink of a transfer and whether it still owes its consumer a `Done`.
pub(crate) struct DoneGuard {
    sink: Sink,
    /// Set once the transfer is handed to the scheduler; before that, errors are returned to
    /// the caller directly and dropping sends nothing.
    armed: bool,
    sent: bool,
    /// A failure found in a callback (a panic, a redirect the policy refuses): it overrides
    /// curl's code.
    pub failure: Option<HttpError>,
}

impl DoneGuard {
    /// A guard sending to `sink`, not armed yet.
    pub(crate) fn new(sink: Sink) -> Self {
        DoneGuard { sink, armed: false, sent: false, failure: None }
    }

    /// From now on the consumer is owed one `Done`.
    pub(crate) fn arm(&mut self) {
        self.armed = true;
    }

    /// The caller reports the outcome itself (the transfer never reached the scheduler, or
    /// its consumer already has its result).
    pub(crate) fn disarm(&mut self) {
        self.armed = false;
    }

    /// Sends a message to the consumer.
    pub(crate) fn send(&self, msg: Msg) {
        (self.sink)(msg)
    }

    /// The sink (for a message that carries the transfer itself).
    pub(crate) fn sink(&self) -> Sink {
        self.sink.clone()
    }

    /// Marks the `Done` as sent and returns the sink to send it with (after the handle went
    /// back to the pool).
    pub(crate) fn take_for_done(&mut self) -> Sink {
        self.sent = true;
        self.sink.clone()
    }

    /// Sends the final message, once; a failure found in a callback wins over `outcome`.
    pub(crate) fn done(&mut self, outcome: Result<Finished, HttpError>) {
        if !self.sent {
            self.sent = true;
            let outcome = match self.failure.take() {
                Some(f) => Err(f),
                None => outcome,
            };
            self.send(Msg::Done(Box::new(outcome)));
        }
    }
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        if self.armed && !self.sent {
            self.done(Err(HttpError::internal("the transfer ended without a result")));
        }
    }
}
