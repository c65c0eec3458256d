//! The consumer side of a transfer: runs listeners in order and turns the final message into
//! the caller's result. Runs on the calling thread (blocking calls) or on the dispatcher
//! thread (callback and async calls), never on the reactor.
use super::Runtime;
use crate::error::HttpError;
use crate::events::Event;
use crate::options::HttpDataType;
use crate::response::{type_result, HttpResponse};
use crate::transfer::{Collector, Finished, Msg, TransferShared, Watch};
use curl::easy::Easy2;
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// Consumes one transfer's messages.
pub(crate) struct Consumer {
    runtime: Runtime,
    shared: Arc<TransferShared>,
    stream: bool,
    /// A listener panicked: the transfer was cancelled and fails with this.
    failure: Option<HttpError>,
    /// What watches this transfer (the response cache).
    cache: Option<Box<dyn Watch>>,
}

impl Consumer {
    /// A consumer for the transfer behind `shared`, which the response cache may watch.
    pub(crate) fn new(
        runtime: Runtime,
        shared: Arc<TransferShared>,
        stream: bool,
        cache: Option<Box<dyn Watch>>,
    ) -> Self {
        Consumer { runtime, shared, stream, failure: None, cache }
    }

    /// Acts on one message; returns the outcome when the transfer is over.
    pub(crate) fn handle(&mut self, msg: Msg) -> Option<Result<Finished, HttpError>> {
        match msg {
            Msg::Headers(block) => {
                if !self.shared.core.is_destroyed() {
                    let map = block.into_map();
                    self.emit(|l| l.emit_headers(&map));
                }
            }
            Msg::Data(chunk) => {
                if let Some(cache) = self.cache.as_mut() {
                    cache.on_data(&chunk);
                }
                let len = chunk.len();
                let event = Event::DataReceive(chunk);
                self.emit(|l| l.emit(&event));
                if let Event::DataReceive(buf) = event {
                    self.shared.recycle(buf);
                }
                if self.shared.consumed(len) {
                    self.runtime.unpause(self.shared.id);
                }
            }
            Msg::RecvProgress(p) => self.emit(|l| l.emit(&Event::DataReceiveProgress(p))),
            Msg::SendProgress(p) => self.emit(|l| l.emit(&Event::DataSendProgress(p))),
            Msg::Redirect(easy) => {
                // the next hop is planned here, off the reactor, and submitted again
                if let Err(e) = follow_redirect(&self.runtime, easy) {
                    return Some(self.finish(Err(e)));
                }
            }
            Msg::Done(result) => match self.cache.take() {
                // the cache stores or revalidates, then says how the transfer ends
                Some(cache) => {
                    let mut produced = Vec::new();
                    cache.on_done(*result, &mut |m| produced.push(m));
                    for m in produced {
                        if let Some(done) = self.handle(m) {
                            return Some(done);
                        }
                    }
                }
                None => return Some(self.finish(*result)),
            },
        }
        None
    }

    fn finish(&mut self, result: Result<Finished, HttpError>) -> Result<Finished, HttpError> {
        let mut fin = match result {
            Err(e) => return Err(self.failure.take().unwrap_or(e)),
            Ok(fin) => fin,
        };
        crate::reactor::metrics::picked_up(self.shared.id);
        if !fin.headers_sent && self.shared.core.listeners.wants_headers() {
            let map = fin.headers.map();
            self.emit(|l| l.emit_headers(map));
        }
        if let Some(p) = fin.final_recv.take() {
            self.emit(|l| l.emit(&Event::DataReceiveProgress(p)));
        }
        if let Some(p) = fin.final_send.take() {
            self.emit(|l| l.emit(&Event::DataSendProgress(p)));
        }
        if self.stream {
            self.emit(|l| l.emit(&Event::DataEnd));
        }
        match self.failure.take() {
            Some(f) => Err(f),
            None => Ok(fin),
        }
    }

    /// Runs listeners unless the request was destroyed or a listener already failed; a
    /// panicking listener fails only this transfer (2300999) and cancels it.
    fn emit(&mut self, f: impl FnOnce(&crate::events::Listeners)) {
        if self.failure.is_some() || self.shared.core.is_destroyed() {
            return;
        }
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| f(&self.shared.core.listeners))) {
            let what = crate::error::panic_message(&payload);
            self.failure = Some(HttpError::internal(format!("a listener panicked: {what}")));
            self.runtime.cancel(&self.shared);
        }
    }
}

/// Plans a transfer's next hop after a redirect (off the reactor) and submits it; on an error
/// the transfer is over (its handle already went back to the pool) and the error is its end.
pub(crate) fn follow_redirect(runtime: &Runtime, easy: Box<Easy2<Collector>>) -> Result<(), HttpError> {
    crate::transfer::redirect::next(easy, runtime.inner().handles()).and_then(|p| runtime.submit(p))
}

/// Builds the caller's `HttpResponse` from a finished transfer.
pub(crate) fn into_response(fin: Finished, expect: Option<HttpDataType>, started: Instant) -> HttpResponse {
    let mut header = fin.headers.into_map();
    if !header.contains_key("status-line") && fin.status != 0 {
        // a response the cache made: its status, on the version it was fetched with
        let version = if fin.http_version.is_empty() { "1.1" } else { fin.http_version.as_str() };
        header.insert("status-line".into(), Value::String(format!("HTTP/{version} {}", fin.status)));
    }
    let content_type = header.get("content-type").and_then(Value::as_str);
    let (result, result_type) = type_result(fin.body, expect, content_type);
    let since = |t: Option<Instant>| t.map_or(0.0, |t| t.saturating_duration_since(started).as_secs_f64() * 1000.0);
    let mut timing = fin.timing;
    // curl's phases count from the first hop's start; the spec's, from the call: a request
    // that waited (for the reactor, for admission, for DNS on a resolver thread) waited
    // before every one of them
    // before every one of them. And each phase ends no earlier than the one before it (on a
    // reused connection curl reports its lookup a few µs after its connect).
    let queued = since(fin.first_start);
    let mut previous = 0.0f64;
    let tls = timing.tls_timing > 0.0;
    for (phase, counts) in [
        (&mut timing.dns_timing, true),
        (&mut timing.tcp_timing, true),
        (&mut timing.tls_timing, tls),
        (&mut timing.first_send_timing, true),
        (&mut timing.first_receive_timing, true),
        (&mut timing.total_finish_timing, true),
    ] {
        if counts {
            *phase = (*phase + queued).max(previous);
            previous = *phase;
        }
    }
    timing.response_header_timing = since(fin.header_done_at);
    timing.response_body_timing = since(fin.body_done_at.or(fin.header_done_at));
    timing.total_timing = since(Some(Instant::now()));
    HttpResponse {
        result,
        result_type,
        response_code: fin.status,
        header,
        cookies: fin.cookies,
        performance_timing: timing,
        http_version: fin.http_version,
        from_cache: fin.from_cache,
    }
}
