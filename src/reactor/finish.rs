//! The final message of a transfer that leaves the multi handle.
use crate::error::{HttpError, CANCELLED};
use crate::transfer::Collector;
use curl::easy::Easy2;

/// A transfer curl completed with `result`: resolved here, its outcome goes to the consumer.
pub(crate) fn completed(easy: Easy2<Collector>, result: Result<(), curl::Error>) {
    crate::transfer::completion::complete(easy, result);
}

/// Sends the final message of a transfer that received and sent nothing for its readTimeout.
pub(crate) fn timed_out(mut easy: Easy2<Collector>) {
    let c = easy.get_mut();
    let ms = c.read_timeout.map_or(0, |t| t.as_millis());
    c.send_done(Err(HttpError::from_curl(28, Some(&format!("no data received or sent for {ms} ms (readTimeout)")))));
}

/// Sends the final message of a transfer cancelled by `destroy()` or its consumer.
pub(crate) fn cancelled(mut easy: Easy2<Collector>) {
    let c = easy.get_mut();
    let err = c.failure.take().unwrap_or_else(|| {
        HttpError::new(CANCELLED, "Request aborted: the HttpRequest was destroyed (curl: aborted by callback)")
    });
    c.send_done(Err(err));
}
