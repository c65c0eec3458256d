//! `Collector`: the curl callbacks of one transfer. Runs on the reactor thread; every callback
//! catches panics (a panic fails this transfer with 2300999, never the reactor).
use super::message::{Msg, Sink};
use super::shared::TransferShared;
use super::upload::Upload;
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, DataSendProgressInfo, EventType};
use crate::response::headers::{HeaderLine, RawHeaders};
use curl::easy::{Handler, ReadError, SeekResult, WriteError};
use std::io::SeekFrom;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The handler of one transfer's easy handle.
pub(crate) struct Collector {
    /// State shared with the consumer.
    pub shared: Arc<TransferShared>,
    sink: Sink,
    /// Stream mode: the body goes out as `Msg::Data`, nothing is kept.
    pub stream: bool,
    /// Whole mode: the body so far.
    pub body: Vec<u8>,
    /// Whole mode: the most bytes kept (`maxLimit`).
    max_limit: Option<u64>,
    /// The body went over `max_limit` (reported as 2300063).
    pub exceeded: bool,
    headers: RawHeaders,
    /// Whether `Msg::Headers` was sent for the final response.
    pub headers_sent: bool,
    /// When the current response's header block ended.
    pub header_done_at: Option<Instant>,
    /// When the last body chunk arrived.
    pub body_done_at: Option<Instant>,
    upload: Option<Upload>,
    last_recv: (u64, u64),
    last_send: (u64, u64),
    /// A failure found in a callback (a panic): overrides curl's code.
    pub failure: Option<HttpError>,
    /// Resources that must live as long as the easy handle (e.g. a curl_mime).
    pub keep_alive: Vec<Box<dyn Send>>,
    /// Checks each redirect curl is about to follow (the network policy); an error fails the
    /// transfer with it before curl connects to the new target.
    pub redirect_guard: Option<crate::policy::RedirectGuard>,
    done_sent: bool,
    /// readTimeout: the longest time without any byte received or sent.
    pub read_timeout: Option<Duration>,
    /// When a byte last moved (or the transfer started, or was last seen paused).
    last_activity: Instant,
    /// Bytes received and sent at the last progress callback.
    last_counts: (u64, u64),
    /// Set once the transfer is handed to the reactor; before that, errors are returned to
    /// the caller directly and dropping the collector sends nothing.
    armed: bool,
}

impl Collector {
    /// A collector for a transfer.
    pub(crate) fn new(shared: Arc<TransferShared>, sink: Sink, stream: bool) -> Self {
        Collector {
            shared,
            sink,
            stream,
            body: Vec::new(),
            max_limit: None,
            exceeded: false,
            headers: RawHeaders::default(),
            headers_sent: false,
            header_done_at: None,
            body_done_at: None,
            upload: None,
            last_recv: (0, 0),
            last_send: (0, 0),
            failure: None,
            keep_alive: Vec::new(),
            redirect_guard: None,
            done_sent: false,
            read_timeout: None,
            last_activity: Instant::now(),
            last_counts: (0, 0),
            armed: false,
        }
    }

    /// Keeps at most `limit` body bytes (whole mode); more fails the transfer with 2300063.
    pub(crate) fn set_max_limit(&mut self, limit: u64) {
        self.max_limit = Some(limit);
    }

    /// Size of the request body, when there is one.
    pub(crate) fn upload_len(&self) -> Option<u64> {
        self.upload.as_ref().map(Upload::len)
    }

    /// Sets the request body read through the read callback.
    pub(crate) fn set_upload(&mut self, upload: Upload) {
        self.upload = Some(upload);
    }

    /// Arms the drop guard: from now on the consumer is owed one `Done`.
    pub(crate) fn arm(&mut self) {
        self.armed = true;
    }

    /// Disarms the drop guard (the caller reports the error itself).
    pub(crate) fn disarm(&mut self) {
        self.armed = false;
    }

    /// Takes the sink out (for the completion message, sent after the handle went back to the
    /// pool) and marks the transfer as reported.
    pub(crate) fn take_sink_for_completion(&mut self) -> Sink {
        self.done_sent = true;
        std::mem::replace(&mut self.sink, Box::new(|_| {}))
    }

    /// Sends the final message (once).
    pub(crate) fn send_done(&mut self, outcome: Result<super::Finished, HttpError>) {
        if !self.done_sent {
            self.done_sent = true;
            self.send(Msg::Done(Box::new(outcome)));
        }
    }

    /// Sends a message to the consumer.
    pub(crate) fn send(&self, msg: Msg) {
        (self.sink)(msg)
    }

    /// The final response's headers collected so far.
    pub(crate) fn headers(&mut self) -> &mut RawHeaders {
        &mut self.headers
    }

    /// Sends the final headers once, if a listener wants them.
    fn send_headers_once(&mut self) {
        if self.headers_sent {
            return;
        }
        self.headers_sent = true;
        if self.shared.core.listeners.wants_headers() {
            let block = self.headers.block();
            self.send(Msg::Headers(block));
        }
    }

    /// Sends progress events whose values changed (called from curl's progress callback and
    /// once more at the end with the final counts).
    pub(crate) fn report_progress(&mut self, dltotal: u64, dlnow: u64, ultotal: u64, ulnow: u64) {
        let (recv, send) = self.progress_changes(dltotal, dlnow, ultotal, ulnow);
        if let Some(p) = recv {
            self.send(Msg::RecvProgress(p));
        }
        if let Some(p) = send {
            self.send(Msg::SendProgress(p));
        }
    }

    /// The progress events due for these counts (values changed and a listener wants them).
    pub(crate) fn progress_changes(
        &mut self,
        dltotal: u64,
        dlnow: u64,
        ultotal: u64,
        ulnow: u64,
    ) -> (Option<DataReceiveProgressInfo>, Option<DataSendProgressInfo>) {
        let listeners = &self.shared.core.listeners;
        let mut recv = None;
        let mut send = None;
        if (dlnow, dltotal) != self.last_recv && dlnow > 0 && listeners.wants(EventType::DataReceiveProgress) {
            self.last_recv = (dlnow, dltotal);
            recv = Some(DataReceiveProgressInfo { receive_size: dlnow, total_size: dltotal });
        }
        if (ulnow, ultotal) != self.last_send && ultotal > 0 && listeners.wants(EventType::DataSendProgress) {
            self.last_send = (ulnow, ultotal);
            send = Some(DataSendProgressInfo { send_size: ulnow, total_size: ultotal });
        }
        (recv, send)
    }

    /// Runs a callback body, turning a panic into this transfer's failure.
    fn guarded<T>(&mut self, on_panic: T, f: impl FnOnce(&mut Self) -> T) -> T {
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(v) => v,
            Err(payload) => {
                let what = crate::panic_message(&payload);
                self.failure = Some(HttpError::internal(format!("panic in a curl callback: {what}")));
                on_panic
            }
        }
    }

    /// Starts the inactivity clock (the transfer was just added to the multi handle).
    pub(crate) fn start_clock(&mut self, now: Instant) {
        self.last_activity = now;
    }

    /// When this transfer times out for inactivity, if it has a readTimeout. A transfer the
    /// consumer paused (backpressure) is not idle: its clock restarts.
    pub(crate) fn idle_deadline(&mut self, now: Instant) -> Option<Instant> {
        let timeout = self.read_timeout?;
        if self.shared.paused.load(std::sync::atomic::Ordering::Relaxed) {
            self.last_activity = now;
        }
        Some(self.last_activity + timeout)
    }

    fn on_write(&mut self, data: &[u8]) -> Result<usize, WriteError> {
        self.send_headers_once();
        let now = Instant::now();
        self.body_done_at = Some(now);
        self.last_activity = now;
        if self.stream {
            if !self.shared.admit(data.len()) {
                return Err(WriteError::Pause);
            }
            self.shared.queued_more(data.len());
            self.send(Msg::Data(self.shared.chunk(data)));
            return Ok(data.len());
        }
        if let Some(limit) = self.max_limit {
            if self.body.len() as u64 + data.len() as u64 > limit {
                self.exceeded = true;
                return Ok(0);
            }
        }
        if self.body.is_empty() {
            self.reserve_for_content_length();
        }
        self.body.extend_from_slice(data);
        Ok(data.len())
    }

    /// Reserves the whole body at once when the length is announced (no reallocation copies).
    fn reserve_for_content_length(&mut self) {
        if let Some(len) = self.headers.plain_length() {
            let cap = self.max_limit.map_or(len, |l| len.min(l));
            self.body.reserve(cap.min(usize::MAX as u64) as usize);
        }
    }

    fn on_header(&mut self, line: &[u8]) -> bool {
        let now = Instant::now();
        self.last_activity = now;
        match self.headers.feed(line) {
            HeaderLine::Status(_) => self.header_done_at = None,
            HeaderLine::End => {
                self.header_done_at = Some(now);
                return self.check_redirect();
            }
            HeaderLine::Field => {}
        }
        true
    }

    /// At the end of a 3xx header block with a `Location` (a redirect curl will follow):
    /// lets the redirect guard check the target; false (abort) when it refuses.
    fn check_redirect(&mut self) -> bool {
        let status = self.headers.status();
        if !(300..400).contains(&status) || status == 304 {
            return true;
        }
        let (Some(guard), Some(location)) = (self.redirect_guard.as_mut(), self.headers.location()) else {
            return true;
        };
        match guard.follow(location) {
            Ok(()) => true,
            Err(e) => {
                self.failure = Some(e);
                false
            }
        }
    }
}

impl Drop for Collector {
    /// Every consumer gets exactly one `Done`, even when a transfer is dropped on a path that
    /// never completed it (a failed `curl_multi_add_handle`, a reactor that unwinds).
    fn drop(&mut self) {
        if self.armed && !self.done_sent {
            let err = self.failure.take().unwrap_or_else(|| HttpError::internal("the transfer ended without a result"));
            self.send_done(Err(err));
        }
    }
}

impl Handler for Collector {
    fn write(&mut self, data: &[u8]) -> Result<usize, WriteError> {
        self.guarded(Ok(0), |c| c.on_write(data))
    }

    fn header(&mut self, data: &[u8]) -> bool {
        self.guarded(false, |c| c.on_header(data))
    }

    fn read(&mut self, data: &mut [u8]) -> Result<usize, ReadError> {
        self.guarded(Err(ReadError::Abort), |c| Ok(c.upload.as_mut().map_or(0, |u| u.read(data))))
    }

    fn seek(&mut self, whence: SeekFrom) -> SeekResult {
        self.guarded(SeekResult::Fail, |c| match c.upload.as_mut().map(|u| u.seek(whence)) {
            Some(true) => SeekResult::Ok,
            Some(false) => SeekResult::Fail,
            None => SeekResult::CantSeek,
        })
    }

    fn progress(&mut self, dltotal: f64, dlnow: f64, ultotal: f64, ulnow: f64) -> bool {
        self.guarded(false, |c| {
            let counts = (dlnow as u64, ulnow as u64);
            if counts != c.last_counts {
                c.last_counts = counts;
                c.last_activity = Instant::now();
            }
            c.report_progress(dltotal as u64, dlnow as u64, ultotal as u64, ulnow as u64);
            true
        })
    }
}
