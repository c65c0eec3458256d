//! `Collector`: the curl callbacks of one transfer, on the reactor thread. It is made of small
//! parts, one job each: the body ([`body`]), the progress throttle ([`progress`]), the idle
//! clock ([`idle`]), the done guard ([`guard`]); response headers are collected by
//! `response::headers::RawHeaders`. Every callback catches panics: a panic fails this transfer
//! with 2300999, never the reactor.
mod body;
mod guard;
mod idle;
mod progress;

pub(crate) use body::BodySink;
pub(crate) use guard::DoneGuard;
pub(crate) use idle::{Idle, IdleClock};

use super::mime::Mime;
use super::shared::{InFlight, TransferShared};
use super::sticky::StickyOptions;
use super::upload::Upload;
use super::Msg;
use crate::error::HttpError;
use crate::plan::Chain;
use crate::response::headers::{HeaderLine, RawHeaders};
use crate::url::Target;
use curl::easy::{Handler, ReadError, SeekResult, WriteError};
use progress::ProgressThrottle;
use std::io::SeekFrom;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// The most bytes of header fields and trailers one hop may receive (libcurl 8's own bound,
/// `MAX_HTTP_RESP_HEADER_SIZE`; libcurl 7.88 bounds only each line).
pub(crate) const MAX_HEADER_BYTES: usize = 300 * 1024;

/// `CURLE_TOO_LARGE` (libcurl 8.6): a value or data field grew larger than allowed.
const CURLE_TOO_LARGE: u32 = 100;

/// The handler of one transfer's easy handle.
pub(crate) struct Collector {
    /// State shared with the consumer.
    pub shared: Arc<TransferShared>,
    /// The sink and the promise of one `Done`.
    pub guard: DoneGuard,
    /// The current hop's body.
    pub body: BodySink,
    headers: RawHeaders,
    /// Whether `Msg::Headers` was sent for the final response.
    pub headers_sent: bool,
    /// When the current response's header block ended.
    pub header_done_at: Option<Instant>,
    /// When the request's first hop was added to the multi handle.
    pub first_start: Option<Instant>,
    /// When the last body chunk arrived.
    pub body_done_at: Option<Instant>,
    /// The current hop is a redirect the library follows: its body is dropped, its headers are
    /// not the response's.
    following: bool,
    /// The final response's header block has ended: further header lines are trailers.
    in_trailers: bool,
    /// Bytes of header and trailer lines of the current hop (bounded by [`MAX_HEADER_BYTES`]).
    header_bytes: usize,
    /// Body bytes of the current hop taken from libcurl, decoded: what `dataReceive` delivers
    /// and `dataReceiveProgress` reports.
    received: u64,
    upload: Option<Upload>,
    progress: ProgressThrottle,
    /// `readTimeout`.
    pub idle: IdleClock,
    /// The connection's socket, for the idle clock's look at the kernel's byte counts.
    pub socket: crate::transfer::socket::ConnSocket,
    /// The request's way through redirects (`None` for a handle waiting in the pool).
    pub chain: Option<Chain>,
    /// The target whose URL handle libcurl uses (`CURLOPT_CURLU`): it must live as long as
    /// the transfer.
    pub url: Option<Target>,
    /// The multipart form (`CURLOPT_MIMEPOST`), when the request sends one.
    pub form: Option<Mime>,
    /// Resources that must live as long as the easy handle (a private DNS cache).
    pub keep_alive: Vec<Box<dyn Send>>,
    /// The options only some requests set, as this one set them (`sticky.rs`): a handle it
    /// leaves in the pool serves the next request with the same ones without a reset. `None`:
    /// the next request gets it reset.
    pub sticky: Option<StickyOptions>,
    /// Counts this transfer among its runtime's unfinished ones (`None` in the pool).
    pub in_flight: Option<InFlight>,
}

impl Collector {
    /// A collector for a transfer; `max_limit` applies to whole bodies.
    pub(crate) fn new(shared: Arc<TransferShared>, guard: DoneGuard, stream: bool, max_limit: u64) -> Self {
        Collector {
            shared,
            guard,
            body: BodySink::new(stream, max_limit),
            headers: RawHeaders::default(),
            headers_sent: false,
            header_done_at: None,
            first_start: None,
            body_done_at: None,
            following: false,
            in_trailers: false,
            header_bytes: 0,
            received: 0,
            upload: None,
            progress: ProgressThrottle::default(),
            idle: IdleClock::new(None),
            socket: Default::default(),
            chain: None,
            url: None,
            form: None,
            keep_alive: Vec::new(),
            sticky: None,
            in_flight: None,
        }
    }

    /// Body bytes of the current hop received so far (decoded).
    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    /// Size of the request body of the current hop, when it sends one.
    pub(crate) fn upload_len(&self) -> Option<u64> {
        self.upload.as_ref().map(Upload::len)
    }

    /// Sets (or, with `None`, drops) the request body read through the read callback.
    pub(crate) fn set_upload(&mut self, upload: Option<Upload>) {
        self.upload = upload;
    }

    /// A new hop begins: the response state of the last one is dropped, the body is read from
    /// its start again.
    pub(crate) fn next_hop(&mut self) {
        self.headers = RawHeaders::default();
        self.headers_sent = false;
        self.header_done_at = None;
        self.body_done_at = None;
        self.following = false;
        self.in_trailers = false;
        self.header_bytes = 0;
        self.received = 0;
        self.progress = ProgressThrottle::default();
        if let Some(u) = self.upload.as_mut() {
            u.seek(SeekFrom::Start(0));
        }
    }

    /// The hop was just added to the multi handle.
    pub(crate) fn started(&mut self, now: Instant) {
        self.idle.start(now);
        self.first_start.get_or_insert(now);
        if let Some(chain) = self.chain.as_mut() {
            chain.started(now);
        }
    }

    /// The redirect the current hop ended with, if the library follows it: status and
    /// `Location`.
    pub(crate) fn redirect(&self) -> Option<(u32, &[u8])> {
        self.headers.location().filter(|_| self.following).map(|l| (self.headers.status(), l))
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
            self.guard.send(Msg::Headers(block));
        }
    }

    /// The progress events due (a listener wants them, values changed). Upload counts are
    /// curl's; download counts are the decoded body bytes taken so far, of the announced
    /// length when the body is not content-encoded (else of 0: unknown, as for a chunked
    /// body): so the figures always agree with the bytes `dataReceive` delivers, also for a
    /// compressed body, where curl would count wire bytes.
    pub(crate) fn progress_changes(
        &mut self,
        (ultotal, ulnow): (u64, u64),
    ) -> (Option<crate::events::DataReceiveProgressInfo>, Option<crate::events::DataSendProgressInfo>) {
        let total = self.headers.plain_length().unwrap_or(0);
        let counts = (total, self.received, ultotal, ulnow);
        self.progress.changes(&self.shared.core.listeners, !self.following, counts)
    }

    /// Fails the transfer with `err` (its consumer gets it as the `Done`).
    pub(crate) fn fail(&mut self, err: HttpError) {
        self.guard.done(Err(err));
    }

    /// Runs a callback body, turning a panic into this transfer's failure.
    fn guarded<T>(&mut self, on_panic: T, f: impl FnOnce(&mut Self) -> T) -> T {
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(v) => v,
            Err(payload) => {
                let what = crate::error::panic_message(&payload);
                self.guard.failure = Some(HttpError::internal(format!("panic in a curl callback: {what}")));
                on_panic
            }
        }
    }

    fn on_write(&mut self, data: &[u8]) -> Result<usize, WriteError> {
        let now = Instant::now();
        self.idle.active(now);
        if self.following {
            return Ok(data.len());
        }
        self.send_headers_once();
        self.body_done_at = Some(now);
        let announced = self.headers.plain_length();
        let Collector { body, shared, guard, .. } = self;
        let written = body.write(data, shared, |m| guard.send(m), announced);
        if let Ok(n) = written {
            self.received += n as u64;
        }
        written
    }

    fn on_header(&mut self, line: &[u8]) -> bool {
        let now = Instant::now();
        self.idle.active(now);
        // Header fields and trailers of a hop count against one bound: a flood of lines (each
        // within libcurl's own per-line cap) must not grow memory without end.
        self.header_bytes += line.len();
        if self.header_bytes > MAX_HEADER_BYTES {
            self.guard.failure = Some(HttpError::from_curl(
                CURLE_TOO_LARGE,
                Some("the response's header fields and trailers are larger than 300 KiB"),
            ));
            return false;
        }
        if self.in_trailers {
            // Trailers come after the body: never part of the response's header map (a server
            // must not be able to set `content-type` or `set-cookie` there after the fact).
            return true;
        }
        match self.headers.feed(line) {
            HeaderLine::Status(_) => self.header_done_at = None,
            HeaderLine::End => {
                self.header_done_at = Some(now);
                let status = self.headers.status();
                // A redirect to follow: every 3xx with a Location but 304 (see `plan::redirect`).
                self.following = (300..400).contains(&status) && status != 304 && self.headers.location().is_some();
                self.in_trailers = status >= 200;
            }
            HeaderLine::Field => {}
        }
        true
    }

    fn on_progress(&mut self, dlnow: f64, ultotal: f64, ulnow: f64) -> bool {
        self.idle.counts(dlnow as u64, ulnow as u64);
        let (recv, send) = self.progress_changes((ultotal as u64, ulnow as u64));
        if let Some(p) = recv {
            self.guard.send(Msg::RecvProgress(p));
        }
        if let Some(p) = send {
            self.guard.send(Msg::SendProgress(p));
        }
        true
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

    fn progress(&mut self, _dltotal: f64, dlnow: f64, ultotal: f64, ulnow: f64) -> bool {
        self.guarded(false, |c| c.on_progress(dlnow, ultotal, ulnow))
    }
}
