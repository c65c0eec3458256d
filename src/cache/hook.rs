//! Where the cache meets a request: [`intercept`] runs in `HttpRequest::start()` before the
//! transfer is prepared. It answers from the cache (calling the sink itself, no transfer), or
//! lets the transfer go to the network with a sink that watches its messages: it adds the
//! conditional fields for a stale entry, copies a stream body, and on `Done` stores the
//! response, turns a matching 304 into the stored response, or invalidates after an unsafe
//! method.
use super::policy::{self, field};
use super::store::Entry;
use super::STATE;
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, EventType};
use crate::options::{HttpRequestOptions, RequestMethod};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
use crate::transfer::config::request_url;
use crate::transfer::{Finished, Msg, Sink, TransferShared};
use http_cache_semantics::BeforeRequest;
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Size of the `dataReceive` chunks of a body served from the cache.
const CHUNK: usize = 64 * 1024;

/// Request fields that make a request conditional (the application validates by itself).
const CONDITIONAL: &[&str] = &["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"];

/// What `start()` does next.
pub(crate) enum Intercept {
    /// The cache answered through the sink; no transfer.
    Answered,
    /// Run the transfer with this sink.
    Network(Sink),
}

/// The request as the cache sees it.
struct RequestInfo {
    method: &'static str,
    url: String,
    parts: http::request::Parts,
    authorization: Option<String>,
    request_time: SystemTime,
    stream: bool,
    max_limit: u64,
}

impl RequestInfo {
    /// The values of `names` (and `host`) in this request, for the entry's key.
    fn fields(&self, names: &[String]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for name in names.iter().map(String::as_str).chain(["host"]) {
            if out.iter().any(|(n, _)| n == name) {
                continue;
            }
            let values: Vec<&str> = self.parts.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
            if !values.is_empty() {
                out.push((name.to_string(), values.join(", ")));
            }
        }
        out
    }
}

/// Consults the cache for a request about to start. `options` gets the conditional fields
/// when a stale entry is revalidated.
pub(crate) fn intercept(
    url: &str,
    options: &mut HttpRequestOptions,
    stream: bool,
    shared: &Arc<TransferShared>,
    sink: Sink,
) -> Intercept {
    let capacity = match STATE.lock().store.as_ref() {
        Some(store) => store.capacity(),
        None => return Intercept::Network(sink),
    };
    let method = options.method();
    let url = request_url(url, options);
    let headers = options.header.as_ref().map(policy::header_map).unwrap_or_default();
    let Some(parts) = policy::request_parts(method.as_str(), &url, headers) else {
        return Intercept::Network(sink);
    };
    let req = RequestInfo {
        method: method.as_str(),
        authorization: parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string),
        url,
        parts,
        request_time: SystemTime::now(),
        stream,
        max_limit: options.max_limit_bytes(),
    };
    match method {
        RequestMethod::Get | RequestMethod::Head => {}
        RequestMethod::Post | RequestMethod::Put | RequestMethod::Delete | RequestMethod::Connect => {
            return Intercept::Network(watch(sink, shared, req, Mode::Invalidate, 0));
        }
        RequestMethod::Options | RequestMethod::Trace => return Intercept::Network(sink),
    }
    if options.range().is_some() || req.parts.headers.contains_key(http::header::RANGE) {
        return Intercept::Network(sink);
    }
    let conditional = CONDITIONAL.iter().any(|n| req.parts.headers.contains_key(*n));
    let mut revalidating = None;
    if options.using_cache_or_default() && !conditional {
        let only_if_cached = policy::request_directive(&req.parts.headers, "only-if-cached");
        match lookup(&req) {
            Found::Fresh(entry) => {
                let headers = served_headers(&entry, SystemTime::now());
                let reply = Reply::from_entry(&entry, headers);
                answer(&mut |m| sink(m), shared, &req, reply);
                return Intercept::Answered;
            }
            Found::Stale(..) | Found::None if only_if_cached => {
                answer(&mut |m| sink(m), shared, &req, Reply::gateway_timeout());
                return Intercept::Answered;
            }
            Found::Stale(id, entry, validators) => {
                if !validators.is_empty() {
                    let header = options.header.get_or_insert_with(Map::new);
                    for (name, value) in validators {
                        header.insert(name, Value::String(value));
                    }
                    revalidating = Some((id, entry));
                }
            }
            Found::None => {}
        }
    }
    Intercept::Network(watch(sink, shared, req, Mode::Store { revalidating }, capacity))
}

enum Found {
    Fresh(Arc<Entry>),
    /// The entry's id, the entry, and the conditional fields to send.
    Stale(u64, Arc<Entry>, Vec<(String, String)>),
    None,
}

/// The most recently used stored response that matches the request (method, URL, Vary'd
/// fields, Authorization), and whether it can be used as it is.
fn lookup(req: &RequestInfo) -> Found {
    let mut state = STATE.lock();
    let Some(store) = state.store.as_mut() else { return Found::None };
    let now = SystemTime::now();
    for (id, entry) in store.find(req.method, &req.url) {
        if entry.authorization != req.authorization {
            continue;
        }
        match entry.policy.before_request(&req.parts, now) {
            BeforeRequest::Fresh(_) => {
                store.touch(id);
                return Found::Fresh(entry);
            }
            BeforeRequest::Stale { request, matches: true } => {
                store.touch(id);
                let validators = ["if-none-match", "if-modified-since"]
                    .iter()
                    .filter_map(|n| Some((n.to_string(), request.headers.get(*n)?.to_str().ok()?.to_string())))
                    .collect();
                return Found::Stale(id, entry, validators);
            }
            BeforeRequest::Stale { matches: false, .. } => {}
        }
    }
    Found::None
}

/// The stored fields as served: `age` is the current age (RFC 9111 §5.1).
fn served_headers(entry: &Entry, now: SystemTime) -> Map<String, Value> {
    let mut headers = entry.headers.clone();
    headers.insert("age".into(), Value::String(entry.policy.age(now).as_secs().to_string()));
    headers
}

/// A response produced by the cache.
struct Reply {
    status: u32,
    headers: Map<String, Value>,
    body: Arc<Vec<u8>>,
    cookies: String,
    timing: PerformanceTiming,
    header_done_at: Option<Instant>,
    http_version: String,
    headers_sent: bool,
}

impl Reply {
    fn from_entry(entry: &Entry, headers: Map<String, Value>) -> Reply {
        Reply {
            status: entry.status,
            headers,
            body: entry.body.clone(),
            cookies: entry.cookies.clone(),
            timing: PerformanceTiming::default(),
            header_done_at: None,
            http_version: String::new(),
            headers_sent: false,
        }
    }

    /// `only-if-cached` and nothing usable stored (RFC 9111 §5.2.1.7).
    fn gateway_timeout() -> Reply {
        Reply {
            status: 504,
            headers: Map::new(),
            body: Arc::new(Vec::new()),
            cookies: String::new(),
            timing: PerformanceTiming::default(),
            header_done_at: None,
            http_version: String::new(),
            headers_sent: false,
        }
    }
}

/// Sends a cache-made response through the sink in the order a transfer would: headers (when
/// a listener wants them), the body as `Data` chunks in stream mode, one progress report, and
/// `Done` with `from_cache`.
fn answer(sink: &mut dyn FnMut(Msg), shared: &TransferShared, req: &RequestInfo, reply: Reply) {
    if !req.stream && reply.body.len() as u64 > req.max_limit {
        sink(Msg::Done(Box::new(Err(HttpError::from_curl(63, Some("the response body is larger than maxLimit"))))));
        return;
    }
    let now = Instant::now();
    let listeners = &shared.core.listeners;
    if !reply.headers_sent && listeners.wants_headers() {
        sink(Msg::Headers(HeaderBlock::parsed(reply.headers.clone())));
    }
    if req.stream {
        for chunk in reply.body.chunks(CHUNK) {
            shared.queued_more(chunk.len());
            sink(Msg::Data(chunk.to_vec()));
        }
        if !reply.body.is_empty() && listeners.wants(EventType::DataReceiveProgress) {
            let len = reply.body.len() as u64;
            sink(Msg::RecvProgress(DataReceiveProgressInfo { receive_size: len, total_size: len }));
        }
    }
    let body = if req.stream { Vec::new() } else { reply.body.as_ref().clone() };
    sink(Msg::Done(Box::new(Ok(Finished {
        status: reply.status,
        headers: HeaderBlock::parsed(reply.headers),
        body,
        cookies: reply.cookies,
        timing: reply.timing,
        header_done_at: Some(reply.header_done_at.unwrap_or(now)),
        body_done_at: Some(now),
        redirect_count: 0,
        http_version: reply.http_version,
        headers_sent: true,
        from_cache: true,
        final_recv: None,
        final_send: None,
        #[cfg(feature = "metrics")]
        handed_over: None,
    }))));
}

/// What the watching sink does at the end.
enum Mode {
    /// An unsafe method: a non-error response removes the URL's entries.
    Invalidate,
    /// A GET or HEAD: store the response; a 304 for `revalidating` answers from it.
    Store { revalidating: Option<(u64, Arc<Entry>)> },
}

/// The sink wrapper: passes messages on, copies stream data, and hands the end of the
/// transfer to the consumer as deferred work (so storing never runs on the reactor).
struct Watch {
    inner: Sink,
    work: Mutex<Option<DoneWork>>,
}

/// What the end of a watched transfer needs; runs on the consumer's thread.
struct DoneWork {
    shared: Arc<TransferShared>,
    req: RequestInfo,
    mode: Mode,
    /// Stream mode: a copy of the body so far; `None` once it outgrew the cache.
    tee: Option<Vec<u8>>,
    /// The cache size when the request started: larger bodies are not kept.
    limit: usize,
}

/// Wraps `sink` in a sink that watches the transfer for the cache.
fn watch(inner: Sink, shared: &Arc<TransferShared>, req: RequestInfo, mode: Mode, limit: u64) -> Sink {
    let tee = matches!(mode, Mode::Store { .. }) && req.stream;
    let work = DoneWork {
        shared: shared.clone(),
        req,
        mode,
        tee: tee.then(Vec::new),
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    };
    let w = Watch { inner, work: Mutex::new(Some(work)) };
    Box::new(move |msg| w.on_msg(msg))
}

impl Watch {
    fn on_msg(&self, msg: Msg) {
        match msg {
            Msg::Data(chunk) => {
                if let Some(work) = self.work.lock().as_mut() {
                    if let Some(buf) = work.tee.as_mut() {
                        if buf.len() + chunk.len() <= work.limit {
                            buf.extend_from_slice(&chunk);
                        } else {
                            work.tee = None;
                        }
                    }
                }
                (self.inner)(Msg::Data(chunk))
            }
            Msg::Done(result) => match self.work.lock().take() {
                Some(work) => (self.inner)(Msg::Deferred(Box::new(move |emit| work.on_done(*result, emit)))),
                None => (self.inner)(Msg::Done(result)),
            },
            other => (self.inner)(other),
        }
    }
}

impl DoneWork {
    fn on_done(mut self, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg)) {
        let mut fin = match result {
            Ok(fin) => fin,
            Err(e) => return emit(Msg::Done(Box::new(Err(e)))),
        };
        fin.headers.map();
        let response_time = SystemTime::now();
        // curl followed a redirect: the response is not the request URL's own.
        let redirected = fin.redirect_count > 0;
        match &self.mode {
            Mode::Invalidate => {
                if (200..400).contains(&fin.status) {
                    invalidate(&self.req.url, fin.headers.parsed_map());
                }
            }
            Mode::Store { revalidating } => {
                if fin.status == 304 {
                    if let (Some((id, entry)), false) = (revalidating, redirected) {
                        if policy::selects(&entry.headers, fin.headers.parsed_map()) {
                            let (id, entry) = (*id, entry.clone());
                            return self.not_modified(id, &entry, fin, response_time, emit);
                        }
                        // the origin has another version than the one stored
                        if let Some(store) = STATE.lock().store.as_mut() {
                            store.remove(*id);
                        }
                    }
                } else if !redirected {
                    let body = if self.req.stream {
                        self.tee.take()
                    } else {
                        (fin.body.len() <= self.limit).then(|| fin.body.clone())
                    };
                    if let Some(body) = body {
                        self.store(&fin, body, response_time);
                    }
                }
            }
        }
        emit(Msg::Done(Box::new(Ok(fin))))
    }

    /// Stores a network response when it is storable.
    fn store(&self, fin: &Finished, body: Vec<u8>, response_time: SystemTime) {
        let mut headers = fin.headers.parsed_map().clone();
        policy::strip_hop_by_hop(&mut headers);
        policy::normalize_age(&mut headers, self.req.request_time, response_time);
        let vary = policy::vary_names(&headers);
        if vary.iter().any(|v| v == "*") || policy::request_directive(&self.req.parts.headers, "no-store") {
            return;
        }
        let Some(entry) = Entry::new(
            self.req.method.to_string(),
            self.req.url.clone(),
            fin.status,
            self.req.fields(&vary),
            self.req.authorization.clone(),
            headers,
            Arc::new(body),
            fin.cookies.clone(),
            fin.http_version.clone(),
            response_time,
        ) else {
            return;
        };
        if !entry.policy.is_storable() {
            return;
        }
        let mut state = STATE.lock();
        if let Some(store) = state.store.as_mut() {
            if entry.size() <= store.capacity() {
                self.remove_superseded(store);
                store.insert(Arc::new(entry));
            }
        }
    }

    /// Removes the stored responses this request would have selected (a new response
    /// replaces them).
    fn remove_superseded(&self, store: &mut super::store::Store) {
        let now = SystemTime::now();
        for (id, old) in store.find(self.req.method, &self.req.url) {
            if old.authorization != self.req.authorization {
                continue;
            }
            let selected = match old.policy.before_request(&self.req.parts, now) {
                BeforeRequest::Fresh(_) => true,
                BeforeRequest::Stale { matches, .. } => matches,
            };
            if selected {
                store.remove(id);
            }
        }
    }

    /// A 304 that validates `entry`: update the stored fields, answer with the stored body.
    fn not_modified(
        &self,
        id: u64,
        entry: &Arc<Entry>,
        fin: Finished,
        response_time: SystemTime,
        emit: &mut dyn FnMut(Msg),
    ) {
        let mut headers = policy::merge_not_modified(&entry.headers, fin.headers.parsed_map());
        policy::normalize_age(&mut headers, self.req.request_time, response_time);
        let vary = policy::vary_names(&headers);
        let updated = Entry::new(
            entry.method.clone(),
            entry.url.clone(),
            entry.status,
            self.req.fields(&vary),
            entry.authorization.clone(),
            headers,
            entry.body.clone(),
            if fin.cookies.is_empty() { entry.cookies.clone() } else { fin.cookies.clone() },
            fin.http_version.clone(),
            response_time,
        );
        let Some(updated) = updated.map(Arc::new) else {
            return emit(Msg::Done(Box::new(Ok(fin))));
        };
        {
            let mut state = STATE.lock();
            if let Some(store) = state.store.as_mut() {
                // also an entry a concurrent revalidation of the same one stored meanwhile
                store.remove(id);
                self.remove_superseded(store);
                if updated.policy.is_storable() && !vary.iter().any(|v| v == "*") {
                    store.insert(updated.clone());
                }
            }
        }
        let reply = Reply {
            status: updated.status,
            headers: served_headers(&updated, SystemTime::now()),
            body: updated.body.clone(),
            cookies: updated.cookies.clone(),
            timing: fin.timing,
            header_done_at: fin.header_done_at,
            http_version: fin.http_version,
            headers_sent: fin.headers_sent,
        };
        answer(emit, &self.shared, &self.req, reply);
    }
}

/// Removes the entries of `url` and of the same-origin `Location` / `Content-Location`
/// (RFC 9111 §4.4).
fn invalidate(url: &str, headers: &Map<String, Value>) {
    let mut targets = vec![url.to_string()];
    for name in ["location", "content-location"] {
        if let Some(target) = field(headers, name).and_then(|v| same_origin(url, v.trim())) {
            targets.push(target);
        }
    }
    if let Some(store) = STATE.lock().store.as_mut() {
        for t in &targets {
            store.remove_url(t);
        }
    }
}

/// `scheme://authority` of an absolute URL, lower-cased.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// `reference` as an absolute URL when it is on `base`'s origin (absolute, or a path
/// starting with `/`).
fn same_origin(base: &str, reference: &str) -> Option<String> {
    let base_origin = origin(base)?;
    if reference.contains("://") {
        (origin(reference)? == base_origin).then(|| reference.to_string())
    } else if reference.starts_with('/') && !reference.starts_with("//") {
        Some(format!("{base_origin}{reference}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(same_origin("http://H:1/a?x", "/b").as_deref(), Some("http://h:1/b"));
        assert_eq!(same_origin("http://h:1/a", "http://h:1/c").as_deref(), Some("http://h:1/c"));
        assert_eq!(same_origin("http://h:1/a", "http://other/c"), None);
        assert_eq!(same_origin("http://h:1/a", "//h:1/c"), None);
        assert_eq!(same_origin("http://h:1/a", "rel"), None);
    }
}
