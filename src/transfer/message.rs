//! What a transfer sends to its consumer (the calling thread or the dispatcher).
use super::Collector;
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, DataSendProgressInfo};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
use curl::easy::Easy2;
use std::sync::Arc;
use std::time::Instant;

/// One message from a transfer, in the order the consumer must act on them.
pub(crate) enum Msg {
    /// The final response's headers (sent at the first body byte, when a listener wants them).
    Headers(HeaderBlock),
    /// A body chunk (stream mode).
    Data(Vec<u8>),
    /// Download progress (when a listener wants it and the values changed).
    RecvProgress(DataReceiveProgressInfo),
    /// Upload progress (when a listener wants it and the values changed).
    SendProgress(DataSendProgressInfo),
    /// A hop ended with a redirect: the consumer plans the next hop (off the reactor) and
    /// submits the transfer again. The handle still owes its consumer one `Done`.
    Redirect(Box<Easy2<Collector>>),
    /// The end: the finished transfer or its error.
    Done(Box<Result<Finished, HttpError>>),
}

/// A transfer that completed at the HTTP level (any status code).
pub(crate) struct Finished {
    /// Final status code.
    pub status: u32,
    /// Final response's headers.
    pub headers: HeaderBlock,
    /// The body (empty in stream mode).
    pub body: Vec<u8>,
    /// curl's cookie list, lines joined with "\r\n".
    pub cookies: String,
    /// The curl-measured phases (the three wall-clock fields are filled by the consumer).
    pub timing: PerformanceTiming,
    /// When the first hop was added to the multi handle (the curl-measured phases count from
    /// there; `None` for a response that no transfer made).
    pub first_start: Option<Instant>,
    /// When the final headers were complete.
    pub header_done_at: Option<Instant>,
    /// When the last body byte arrived.
    pub body_done_at: Option<Instant>,
    /// How many redirects were followed to reach this response.
    pub redirect_count: u32,
    /// "1.0", "1.1", "2", "3".
    pub http_version: String,
    /// Whether `Msg::Headers` was already sent.
    pub headers_sent: bool,
    /// Whether this came from the response cache.
    pub from_cache: bool,
    /// Last download progress, when it differs from the last one sent.
    pub final_recv: Option<DataReceiveProgressInfo>,
    /// Last upload progress, when it differs from the last one sent.
    pub final_send: Option<DataSendProgressInfo>,
}

/// Where a transfer's messages go (shared: a redirect hands the transfer, sink and all, to
/// the consumer and back).
pub(crate) type Sink = Arc<dyn Fn(Msg) + Send + Sync>;

/// Something that watches a transfer's messages on its consumer's thread, never the reactor
/// (the response cache: it copies a stream body and stores the response at the end).
pub(crate) trait Watch: Send {
    /// A stream chunk passed by.
    fn on_data(&mut self, chunk: &[u8]);
    /// The transfer ended with `result`: emits the messages that end it for the consumer (its
    /// own `Done`, or what replaces it, such as the stored response a 304 confirmed).
    fn on_done(self: Box<Self>, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg));
}
