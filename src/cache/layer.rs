//! The cache as a layer of the request pipeline. [`decide`] runs after the request is planned
//! (target, policy, security context) and before its transfer is built: it answers from the
//! cache (through the sink, no transfer), or lets the request go to the network with the
//! conditional fields of a stale entry and a [`Watch`] that the consumer feeds: it copies a
//! stream body, and at the end stores the response, turns a matching 304 into the stored
//! response, or invalidates after an unsafe method. All of it runs on the consumer's thread,
//! never on the reactor.
use super::policy::{self, field};
use super::store::{Entry, Stored};
use super::STATE;
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, EventType};
use crate::options::RequestMethod;
use crate::plan::{HopPlan, RequestPlan, SecurityContext};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
use crate::target::Target;
use crate::transfer::{Finished, Msg, TransferShared, Watch};
use http_cache_semantics::BeforeRequest;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Size of the `dataReceive` chunks of a body served from the cache.
const CHUNK: usize = 64 * 1024;

/// Request fields that make a request conditional (the application validates by itself).
const CONDITIONAL: &[&str] = &["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"];

/// What the pipeline does next.
pub(crate) enum Decision {
    /// The cache answers with these messages; no transfer.
    Answered(Vec<Msg>),
    /// Go to the network, sending these extra request fields (a stale entry's validators);
    /// the consumer hands the transfer's messages to the watch, when there is one.
    Network { validators: Vec<(String, String)>, watch: Option<Box<CacheWatch>> },
}

impl Decision {
    fn network(watch: Option<Box<CacheWatch>>) -> Decision {
        Decision::Network { validators: Vec::new(), watch }
    }

    fn answer(shared: &TransferShared, req: &RequestInfo, reply: Reply) -> Decision {
        let mut msgs = Vec::new();
        answer(&mut |m| msgs.push(m), shared, req, reply);
        Decision::Answered(msgs)
    }
}

/// The request as the cache sees it.
struct RequestInfo {
    method: &'static str,
    target: Target,
    parts: http::request::Parts,
    authorization: Option<String>,
    security: SecurityContext,
    request_time: SystemTime,
    stream: bool,
    max_limit: u64,
}

impl RequestInfo {
    /// The request URL, the key of its entries.
    fn url(&self) -> &str {
        self.target.as_str()
    }

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

    /// Whether `entry` may answer this request: same credentials, same security context.
    fn served_by(&self, entry: &Entry) -> bool {
        entry.serves(&self.authorization, &self.security)
    }
}

/// Consults the cache for a request about to start (its first hop planned).
pub(crate) fn decide(plan: &RequestPlan, hop: &HopPlan, shared: &Arc<TransferShared>) -> Decision {
    let capacity = match STATE.lock().store.as_ref() {
        Some(store) => store.capacity(),
        None => return Decision::network(None),
    };
    let options = &plan.options;
    let method = options.method();
    let headers = options.header.as_ref().map(policy::header_map).unwrap_or_default();
    let (Some(parts), Ok(target)) = (policy::request_parts(method.as_str(), headers), hop.target.try_clone()) else {
        return Decision::network(None);
    };
    let req = RequestInfo {
        method: method.as_str(),
        authorization: parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string),
        target,
        parts,
        security: plan.security(hop),
        request_time: SystemTime::now(),
        stream: plan.stream,
        max_limit: options.max_limit_bytes(),
    };
    match method {
        RequestMethod::Get | RequestMethod::Head => {}
        RequestMethod::Post | RequestMethod::Put | RequestMethod::Delete | RequestMethod::Connect => {
            return Decision::network(Some(Box::new(CacheWatch::new(shared, req, Mode::Invalidate, 0))));
        }
        RequestMethod::Options | RequestMethod::Trace => return Decision::network(None),
    }
    if options.range().is_some() || req.parts.headers.contains_key(http::header::RANGE) {
        return Decision::network(None);
    }
    let conditional = CONDITIONAL.iter().any(|n| req.parts.headers.contains_key(*n));
    let mut revalidating = None;
    let mut validators = Vec::new();
    if options.using_cache_or_default() && !conditional {
        let only_if_cached = policy::request_directive(&req.parts.headers, "only-if-cached");
        match lookup(&req) {
            Found::Fresh(entry) => {
                let headers = served_headers(&entry, SystemTime::now());
                let reply = Reply::from_entry(&entry, headers);
                return Decision::answer(shared, &req, reply);
            }
            Found::Stale(..) | Found::None if only_if_cached => {
                return Decision::answer(shared, &req, Reply::gateway_timeout());
            }
            Found::Stale(id, entry, stale_validators) => {
                if !stale_validators.is_empty() {
                    validators = stale_validators;
                    revalidating = Some((id, entry));
                }
            }
            Found::None => {}
        }
    }
    let watch = CacheWatch::new(shared, req, Mode::Store { revalidating }, capacity);
    Decision::Network { validators, watch: Some(Box::new(watch)) }
}

enum Found {
    Fresh(Arc<Entry>),
    /// The entry's id, the entry, and the conditional fields to send.
    Stale(u64, Arc<Entry>, Vec<(String, String)>),
    None,
}

/// The most recently used stored response that matches the request (method, URL, Vary'd
/// fields, Authorization, security context), and whether it can be used as it is.
fn lookup(req: &RequestInfo) -> Found {
    let mut state = STATE.lock();
    let Some(store) = state.store.as_mut() else { return Found::None };
    let now = SystemTime::now();
    for (id, entry) in store.find(req.method, req.url()) {
        if !req.served_by(&entry) {
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
        first_start: None,
        header_done_at: Some(reply.header_done_at.unwrap_or(now)),
        body_done_at: Some(now),
        redirect_count: 0,
        http_version: reply.http_version,
        headers_sent: true,
        from_cache: true,
        final_recv: None,
        final_send: None,
    }))));
}

/// What the watching sink does at the end.
enum Mode {
    /// An unsafe method: a non-error response removes the URL's entries.
    Invalidate,
    /// A GET or HEAD: store the response; a 304 for `revalidating` answers from it.
    Store { revalidating: Option<(u64, Arc<Entry>)> },
}

/// What the end of a transfer that went to the network needs; the consumer feeds it.
pub(crate) struct CacheWatch {
    shared: Arc<TransferShared>,
    req: RequestInfo,
    mode: Mode,
    /// Stream mode: a copy of the body so far; `None` once it outgrew the cache.
    tee: Option<Vec<u8>>,
    /// The cache size when the request started: larger bodies are not kept.
    limit: usize,
}

impl CacheWatch {
    fn new(shared: &Arc<TransferShared>, req: RequestInfo, mode: Mode, limit: u64) -> CacheWatch {
        let tee = matches!(mode, Mode::Store { .. }) && req.stream;
        CacheWatch {
            shared: shared.clone(),
            req,
            mode,
            tee: tee.then(Vec::new),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        }
    }
}

impl Watch for CacheWatch {
    /// A stream chunk passed by (copied while the body still fits the cache).
    fn on_data(&mut self, chunk: &[u8]) {
        if let Some(buf) = self.tee.as_mut() {
            if buf.len() + chunk.len() <= self.limit {
                buf.extend_from_slice(chunk);
            } else {
                self.tee = None;
            }
        }
    }

    /// The transfer ended: stores, revalidates or invalidates, then emits the final messages
    /// (the transfer's own `Done`, or the stored response a 304 confirmed).
    fn on_done(self: Box<Self>, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg)) {
        (*self).finish(result, emit)
    }
}

impl CacheWatch {
    fn finish(mut self, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg)) {
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
                    invalidate(&self.req.target, fin.headers.parsed_map());
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
        let Some(entry) = Entry::new(Stored {
            method: self.req.method.to_string(),
            url: self.req.url().to_string(),
            status: fin.status,
            request_fields: self.req.fields(&vary),
            authorization: self.req.authorization.clone(),
            security: self.req.security.clone(),
            headers,
            body: Arc::new(body),
            cookies: fin.cookies.clone(),
            http_version: fin.http_version.clone(),
            response_time,
        }) else {
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
        for (id, old) in store.find(self.req.method, self.req.url()) {
            if !self.req.served_by(&old) {
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
        let updated = Entry::new(Stored {
            method: entry.method.clone(),
            url: entry.url.clone(),
            status: entry.status,
            request_fields: self.req.fields(&vary),
            authorization: entry.authorization.clone(),
            security: entry.security.clone(),
            headers,
            body: entry.body.clone(),
            cookies: if fin.cookies.is_empty() { entry.cookies.clone() } else { fin.cookies.clone() },
            http_version: fin.http_version.clone(),
            response_time,
        });
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

/// Removes the entries of the request URL and of the same-origin `Location` /
/// `Content-Location` (RFC 9111 §4.4), resolved against it by libcurl.
fn invalidate(target: &Target, headers: &Map<String, Value>) {
    let mut targets = vec![target.as_str().to_string()];
    for name in ["location", "content-location"] {
        if let Some(other) = field(headers, name).and_then(|v| target.join(v.trim().as_bytes()).ok()) {
            if other.same_origin(target) {
                targets.push(other.as_str().to_string());
            }
        }
    }
    if let Some(store) = STATE.lock().store.as_mut() {
        for t in &targets {
            store.remove_url(t);
        }
    }
}
