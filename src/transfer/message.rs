//! What a transfer sends to its consumer (the calling thread or the dispatcher).
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, DataSendProgressInfo};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
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
    /// The end: the finished transfer or its error.
    Done(Box<Result<Finished, HttpError>>),
    /// Work that produces the final messages, run by the consumer rather than the thread that
    /// sent it (the response cache uses it to keep its copying and locking off the reactor).
    Deferred(Deferred),
}

/// A deferred step: called with an `emit` function for the messages it produces.
pub(crate) type Deferred = Box<dyn FnOnce(&mut dyn FnMut(Msg)) + Send>;

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
    /// When the final headers were complete.
    pub header_done_at: Option<Instant>,
    /// When the last body byte arrived.
    pub body_done_at: Option<Instant>,
    /// How many redirects curl followed to reach this response.
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
    /// When the reactor handed it to the consumer (feature `metrics`, while recording).
    #[cfg(feature = "metrics")]
    pub handed_over: Option<Instant>,
}

/// Where a transfer's messages go.
pub(crate) type Sink = Box<dyn Fn(Msg) + Send>;
