//! `HttpRequest`: one request task (`createHttp()`): whole-body and stream requests in three
//! threading models, listeners, and `destroy()`. `start` is the request pipeline: plan
//! (`plan`), cache (`cache::layer`), transfer (`transfer::config`), scheduler.
use crate::cache::layer::Decision;
use crate::error::{HttpError, INTERNAL_ERROR};
use crate::events::{Event, EventType, ListenerId};
use crate::options::HttpRequestOptions;
use crate::response::HttpResponse;
use crate::runtime::consumer::{into_response, Consumer};
use crate::runtime::parked::{self, ParkedSender};
use crate::runtime::{ResponseFuture, Runtime};
use crate::task::RequestCore;
use crate::transfer::collector::DoneGuard;
use crate::transfer::{Finished, Msg, Sink, TransferShared, Watch};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

static NEXT_TRANSFER: AtomicU64 = AtomicU64::new(1);

impl Runtime {
    /// A request task on this runtime (`createHttp()`).
    pub fn create_http(&self) -> HttpRequest {
        HttpRequest::on_runtime(Ok(self.clone()))
    }
}

/// How a whole-body request's outcome becomes its `HttpResponse`, timed from now (the call).
fn responder(options: &Option<HttpRequestOptions>) -> impl FnOnce(Finished) -> HttpResponse + Send + 'static {
    let started = Instant::now();
    let expect = options.as_ref().and_then(|o| o.expect_data_type);
    move |fin| into_response(fin, expect, started)
}

/// One HTTP request task, as returned by `create_http()`. `Send + Sync`: share it by reference
/// or in an `Arc`. Several requests may run on it at once; they share its listeners.
///
/// Dropping it without `destroy()` lets its running transfers finish normally (their
/// callbacks still run); nothing leaks.
pub struct HttpRequest {
    core: Arc<RequestCore>,
    /// Where its transfers run (an error when the default runtime could not start).
    runtime: Result<Runtime, HttpError>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest").field("id", &self.core.id).field("destroyed", &self.core.is_destroyed()).finish()
    }
}

impl Default for HttpRequest {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpRequest {
    /// A new request task on the process-wide default runtime (same as `create_http()`).
    pub fn new() -> Self {
        HttpRequest::on_runtime(Runtime::global())
    }

    /// A new request task on `runtime` (see [`Runtime::create_http`]).
    pub(crate) fn on_runtime(runtime: Result<Runtime, HttpError>) -> Self {
        HttpRequest { core: Arc::new(RequestCore::new()), runtime }
    }

    /// Sends a request and blocks until the whole response has arrived. Listeners run on this
    /// thread, in order: headersReceive, progress events, then this call returns.
    ///
    /// `Err` only for a failure ([`HttpError::code`]: 401, 2300000 + CURLcode, …); an HTTP 4xx
    /// or 5xx is an `Ok` response. The body is kept up to `maxLimit` (5 MiB by default).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), ohos_http::HttpError> {
    /// let http = ohos_http::create_http();
    /// let resp = http.request("http://127.0.0.1:18080/get", None)?;
    /// println!("HTTP {} {:?}", resp.response_code, resp.header.get("content-type"));
    /// println!("{}", resp.result.as_text().unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub fn request(&self, url: &str, options: Option<HttpRequestOptions>) -> Result<HttpResponse, HttpError> {
        let respond = responder(&options);
        self.run_blocking(url, options, false).map(respond)
    }

    /// Sends a request; `callback` receives the response on a dispatcher thread (never the
    /// reactor). Listeners run on a dispatcher thread too. Returns at once; `callback` gets
    /// the error too when the request cannot start (a bad option, say).
    ///
    /// ```no_run
    /// let http = ohos_http::create_http();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// http.request_with_callback("http://127.0.0.1:18080/get", None, move |result| {
    ///     match result {
    ///         Ok(resp) => println!("HTTP {}", resp.response_code),
    ///         Err(e) => println!("error {}: {}", e.code(), e.message()),
    ///     }
    ///     let _ = tx.send(());
    /// });
    /// rx.recv().unwrap(); // the callback has run
    /// ```
    pub fn request_with_callback<F>(&self, url: &str, options: Option<HttpRequestOptions>, callback: F)
    where
        F: FnOnce(Result<HttpResponse, HttpError>) + Send + 'static,
    {
        let respond = responder(&options);
        self.run_with_callback(url, options, false, move |r| callback(r.map(respond)));
    }

    /// `request_with_callback`, but an error found before the request starts (a bad option,
    /// the network policy, a refused URL) is returned here and `callback` is not called; after
    /// `Ok` it is called exactly once (the C ABI's contract).
    pub(crate) fn try_request_with_callback<F>(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        callback: F,
    ) -> Result<(), HttpError>
    where
        F: FnOnce(Result<HttpResponse, HttpError>) + Send + 'static,
    {
        let respond = responder(&options);
        let done = move |r: Result<Finished, HttpError>| callback(r.map(respond));
        self.try_with_callback(url, options, false, done).map(drop).map_err(|(e, _)| e)
    }

    /// `request_in_stream_with_callback` with errors before the start returned, as
    /// [`try_request_with_callback`](Self::try_request_with_callback).
    pub(crate) fn try_request_in_stream_with_callback<F>(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        callback: F,
    ) -> Result<(), HttpError>
    where
        F: FnOnce(Result<u32, HttpError>) + Send + 'static,
    {
        let done = move |r: Result<Finished, HttpError>| callback(r.map(|fin| fin.status));
        self.try_with_callback(url, options, true, done).map(drop).map_err(|(e, _)| e)
    }

    /// Sends a request; the `Future` resolves with the response on any executor (the library
    /// needs no runtime: tokio, async-std, `futures::executor::block_on` all work). The request
    /// starts at once, not at the first poll. Dropping the future before it resolves cancels
    /// the transfer.
    ///
    /// ```no_run
    /// use ohos_http::{HttpError, HttpRequest, HttpRequestOptions};
    ///
    /// async fn post(http: &HttpRequest) -> Result<u32, HttpError> {
    ///     let options = HttpRequestOptions::from_json(r#"{"method":"POST","extraData":"hello"}"#)?;
    ///     let resp = http.request_async("http://127.0.0.1:18080/post", Some(options)).await?;
    ///     Ok(resp.response_code)
    /// }
    /// ```
    pub fn request_async(&self, url: &str, options: Option<HttpRequestOptions>) -> ResponseFuture<HttpResponse> {
        let respond = responder(&options);
        self.future(url, options, false, respond)
    }

    /// Sends a request whose body arrives only through `DataReceive` events (no `maxLimit`),
    /// and blocks until it ends; returns the response code. Listeners run on this thread:
    /// headersReceive, dataReceive and progress in arrival order, then dataEnd.
    ///
    /// ```no_run
    /// use ohos_http::{create_http, Event, EventType};
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    /// # fn main() -> Result<(), ohos_http::HttpError> {
    /// let http = create_http();
    /// let bytes = Arc::new(AtomicU64::new(0));
    /// let counter = bytes.clone();
    /// http.on(EventType::DataReceive, move |e| {
    ///     if let Event::DataReceive(chunk) = e {
    ///         counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    ///     }
    /// });
    /// let code = http.request_in_stream("http://127.0.0.1:18081/1m.bin", None)?;
    /// println!("HTTP {code}, {} bytes", bytes.load(Ordering::Relaxed));
    /// # Ok(()) }
    /// ```
    pub fn request_in_stream(&self, url: &str, options: Option<HttpRequestOptions>) -> Result<u32, HttpError> {
        self.run_blocking(url, options, true).map(|fin| fin.status)
    }

    /// Stream request; `callback` receives the response code on a dispatcher thread, after
    /// every event of the transfer.
    pub fn request_in_stream_with_callback<F>(&self, url: &str, options: Option<HttpRequestOptions>, callback: F)
    where
        F: FnOnce(Result<u32, HttpError>) + Send + 'static,
    {
        self.run_with_callback(url, options, true, move |r| callback(r.map(|fin| fin.status)));
    }

    /// Stream request as a `Future` resolving with the response code.
    pub fn request_in_stream_async(&self, url: &str, options: Option<HttpRequestOptions>) -> ResponseFuture<u32> {
        self.future(url, options, true, |fin| fin.status)
    }

    /// A transfer consumed on the dispatcher, as a future of `finish(…)`; dropping the future
    /// cancels the transfer.
    fn future<T: Send + 'static>(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        stream: bool,
        finish: impl FnOnce(Finished) -> T + Send + 'static,
    ) -> ResponseFuture<T> {
        if self.core.listeners.none() {
            return self.direct_future(url, options, stream, Box::new(finish));
        }
        let (mut fut, completer) = ResponseFuture::pair();
        let started = self.run_with_callback(url, options, stream, move |r| completer.complete(r.map(finish)));
        if let (Some(shared), Ok(runtime)) = (started, &self.runtime) {
            fut.set_transfer(runtime.clone(), shared);
        }
        fut
    }

    /// A transfer consumed by its future when it is polled (no listener to run on the
    /// dispatcher): see `runtime/future.rs`.
    fn direct_future<T: Send + 'static>(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        stream: bool,
        finish: Box<dyn FnOnce(Finished) -> T + Send>,
    ) -> ResponseFuture<T> {
        let mut fut = ResponseFuture::pending();
        match self.start(url, options, stream, |consumer, runtime| Ok(fut.attach(consumer, runtime, finish))) {
            Ok(shared) => {
                if let Ok(runtime) = &self.runtime {
                    fut.set_transfer(runtime.clone(), shared);
                }
            }
            Err(e) => fut.fail(e),
        }
        fut
    }

    /// Cancels every running transfer of this request at once (their completions fail with
    /// 2300042, "aborted by callback"), stops all listeners, and makes later requests on it
    /// fail with 2300999. Calling it again does nothing. Safe from inside a listener.
    pub fn destroy(&self) {
        if self.core.mark_destroyed() {
            if let Ok(runtime) = &self.runtime {
                runtime.cancel_owner(self.core.id);
            }
            self.core.listeners.clear();
        }
    }

    /// True after `destroy()`.
    pub fn is_destroyed(&self) -> bool {
        self.core.is_destroyed()
    }

    /// Adds a listener for `event`; many listeners per type are allowed, called in the order
    /// they were added. The returned id removes just this one with [`off`](Self::off). A
    /// listener may call `on`, `off`, `destroy()` or start a request (no lock is held).
    ///
    /// ```no_run
    /// use ohos_http::{create_http, Event, EventType};
    ///
    /// let http = create_http();
    /// let id = http.on(EventType::HeadersReceive, |e| {
    ///     if let Event::HeadersReceive(headers) = e {
    ///         println!("{} header fields", headers.len()); // the final response's, keys lower-case
    ///     }
    /// });
    /// http.on(EventType::DataSendProgress, |e| println!("{e:?}"));
    /// let _ = http.request("http://127.0.0.1:18080/get", None);
    /// http.off(EventType::HeadersReceive, Some(id)); // or None: every listener of the type
    /// ```
    pub fn on<F>(&self, event: EventType, listener: F) -> ListenerId
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        self.core.listeners.add(event, false, Arc::new(listener))
    }

    /// Adds a listener that is removed after its first call.
    pub fn once<F>(&self, event: EventType, listener: F) -> ListenerId
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        self.core.listeners.add(event, true, Arc::new(listener))
    }

    /// Removes one listener (`Some(id)`) or all listeners of the type (`None`).
    pub fn off(&self, event: EventType, listener: Option<ListenerId>) {
        self.core.listeners.remove(event, listener)
    }

    /// Runs a transfer and consumes its messages on this thread.
    fn run_blocking(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        stream: bool,
    ) -> Result<Finished, HttpError> {
        // Whole-body requests wait parked (`parked.rs`): their one reply comes a full request
        // later (A/B, one request at a time: 6-8 % more requests per second). Streams keep
        // crossbeam's wait: its short spin catches back-to-back chunks (parking cost ~12 ms
        // more CPU per 100 MiB).
        let (tx, rx) = crossbeam_channel::unbounded::<Msg>();
        let sink: Sink = if stream {
            Arc::new(move |m| {
                let _ = tx.send(m);
            })
        } else {
            let tx = ParkedSender::new(tx, std::thread::current());
            Arc::new(move |m| {
                let _ = if matches!(m, Msg::Done(_)) { tx.send_last(m) } else { tx.send(m) };
            })
        };
        let mut consumer = None;
        self.start(url, options, stream, |c, _| {
            consumer = Some(c);
            Ok(sink)
        })?;
        let mut consumer = consumer.ok_or_else(|| HttpError::internal("the request started without its consumer"))?;
        loop {
            let msg = if stream { rx.recv() } else { parked::recv(&rx) };
            let msg = msg.map_err(|_| HttpError::internal("the transfer ended without a result"))?;
            if let Some(result) = consumer.handle(msg) {
                return result;
            }
        }
    }

    /// Runs a transfer consumed on the dispatcher; `done` gets the outcome there (also for
    /// errors found before the transfer started). Returns the transfer when it started.
    fn run_with_callback<D>(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        stream: bool,
        done: D,
    ) -> Option<Arc<TransferShared>>
    where
        D: FnOnce(Result<Finished, HttpError>) + Send + 'static,
    {
        match self.try_with_callback(url, options, stream, done) {
            Ok(shared) => Some(shared),
            Err((e, Some(done))) => {
                match &self.runtime {
                    Ok(runtime) => runtime.inner().dispatcher().call_later(move || done(Err(e))),
                    // no runtime, no dispatcher: report here
                    Err(_) => done(Err(e)),
                }
                None
            }
            Err((_, None)) => None,
        }
    }

    /// Starts a transfer consumed on the dispatcher, where `done` gets its outcome. An error
    /// before the start comes back with `done` (never called then).
    fn try_with_callback<D>(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        stream: bool,
        done: D,
    ) -> Result<Arc<TransferShared>, (HttpError, Option<D>)>
    where
        D: FnOnce(Result<Finished, HttpError>) + Send + 'static,
    {
        let done = Arc::new(parking_lot::Mutex::new(Some(done)));
        let on_done = done.clone();
        let started = self.start(url, options, stream, |consumer, runtime| {
            Ok(runtime.inner().dispatcher().sink(
                consumer,
                Box::new(move |r| {
                    if let Some(f) = on_done.lock().take() {
                        f(r)
                    }
                }),
            ))
        });
        started.map_err(|e| (e, done.lock().take()))
    }

    /// The request pipeline: plans the request (options, target, policy, pins, proxy, DNS),
    /// lets the response cache answer or watch it, builds its transfer and submits it.
    /// `sink_for` gets the transfer's consumer and returns where its messages go. An error
    /// here is the caller's to report; after `Ok` the consumer gets exactly one `Done`.
    fn start(
        &self,
        url: &str,
        options: Option<HttpRequestOptions>,
        stream: bool,
        sink_for: impl FnOnce(Consumer, &Runtime) -> Result<Sink, HttpError>,
    ) -> Result<Arc<TransferShared>, HttpError> {
        if self.core.is_destroyed() {
            return Err(HttpError::new(INTERNAL_ERROR, "Unknown error: the HttpRequest was destroyed"));
        }
        let runtime = self.runtime.as_ref().map_err(Clone::clone)?;
        if runtime.is_shut_down() {
            return Err(HttpError::new(INTERNAL_ERROR, "Unknown error: the runtime has been shut down"));
        }
        let (plan, hop) = crate::plan::plan(url, options.unwrap_or_default(), stream)?;
        let id = NEXT_TRANSFER.fetch_add(1, Ordering::Relaxed);
        let shared = TransferShared::new(id, self.core.clone());
        let (answer, validators, watch) = match crate::cache::layer::decide(&plan, &hop, &shared) {
            Decision::Answered { msgs, revalidate } => (Some((msgs, revalidate)), Vec::new(), None),
            Decision::Network { validators, watch } => (None, validators, watch),
        };
        // a watch may have to start the request again on the same consumer (a 304 that names
        // another version): it gets the sink once there is one
        let retry = watch.as_ref().map(|w| w.retry_slot());
        let sink = sink_for(
            Consumer::new(runtime.clone(), shared.clone(), stream, watch.map(|w| w as Box<dyn Watch>)),
            runtime,
        )?;
        if let Some((msgs, revalidate)) = answer {
            msgs.into_iter().for_each(|m| sink(m));
            if let Some(revalidation) = revalidate {
                // stale-while-revalidate: a request of the cache's own, on this runtime
                revalidation
                    .run(|url, options| runtime.create_http().request_with_callback(url, Some(options), ignore));
            }
            return Ok(shared);
        }
        let retry = retry.map(|slot| slot.attach(&sink, runtime));
        let pool = runtime.inner().handles();
        let prepared =
            crate::transfer::config::build(&plan, hop, shared.clone(), DoneGuard::new(sink), &validators, pool)?;
        runtime.submit(prepared)?;
        retry.into_iter().for_each(crate::cache::layer::RetryGuard::keep);
        Ok(shared)
    }
}

/// The completion of a request whose result nobody needs (the cache's background
/// revalidation: its watch stores what it brings). A named function, not a closure: `start`
/// is generic over its caller's completion, and a closure made inside it would instantiate it
/// again without end.
fn ignore(_: Result<HttpResponse, HttpError>) {}
