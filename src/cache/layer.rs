//! The cache as a layer of the request pipeline. [`decide`] runs after the request is planned
//! (target, policy, security context) and before its transfer is built: it answers from the
//! cache (through the sink, no transfer), or lets the request go to the network with the
//! conditional fields of a stored response and a [`Watch`] that the consumer feeds: it copies a
//! stream body, and at the end stores the response, turns a `304` into the stored response it
//! validates, completes a stored part, serves a stale response instead of an error when
//! `stale-if-error` allows, or invalidates after an unsafe method. All of it runs on the
//! consumer's thread, never on the reactor.
use super::background;
use super::directives::RequestDirectives;
use super::fields::{self, RequestFields};
use super::policy::{self, Match, Use};
use super::range::{self, ContentRange, RangeSpec};
use super::store::{Entry, Store, Stored};
use super::STATE;
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, EventType};
use crate::options::RequestMethod;
use crate::plan::{HopPlan, RequestPlan, SecurityContext};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
use crate::runtime::scheduler;
use crate::target::Target;
use crate::transfer::collector::DoneGuard;
use crate::transfer::{Finished, Msg, Sink, TransferShared};
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Size of the `dataReceive` chunks of a body served from the cache.
const CHUNK: usize = 64 * 1024;

/// Request fields that make a request conditional (the application validates by itself).
const CONDITIONAL: &[&str] = &["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"];

/// libcurl codes of a transfer that got no usable response from the origin: what a proxy would
/// answer with a 502 or 504, the "errors" of `stale-if-error` (RFC 5861 §4).
const NETWORK_ERRORS: &[u32] = &[5, 6, 7, 16, 18, 28, 35, 52, 55, 56, 92, 95];

/// What the pipeline does next.
pub(crate) enum Decision {
    /// The cache answers with these messages; no transfer.
    Answered(Vec<Msg>),
    /// Go to the network, sending these extra request fields (a stored response's validators,
    /// or the `Range` and `If-Range` that complete a stored part); the consumer hands the
    /// transfer's messages to the watch, when there is one.
    Network { validators: Vec<(String, String)>, watch: Option<Box<Watch>> },
}

impl Decision {
    fn network(watch: Option<Watch>) -> Decision {
        Decision::Network { validators: Vec::new(), watch: watch.map(Box::new) }
    }

    fn answer(shared: &TransferShared, req: &RequestInfo, reply: Reply) -> Decision {
        let mut msgs = Vec::new();
        answer(&mut |m| msgs.push(m), shared, req, reply);
        Decision::Answered(msgs)
    }
}

/// The request as the cache sees it.
struct RequestInfo {
    method: RequestMethod,
    target: Target,
    fields: RequestFields,
    directives: RequestDirectives,
    authorization: Option<String>,
    security: SecurityContext,
    request_time: SystemTime,
    stream: bool,
    max_limit: u64,
    /// It asks for a range (a `Range` field or `resumeFrom`/`resumeTo`).
    ranged: bool,
    /// That range, when it is one the cache answers (a single byte range).
    range: Option<RangeSpec>,
    /// It carries conditional fields of its own.
    conditional: bool,
}

impl RequestInfo {
    fn new(plan: &RequestPlan, hop: &HopPlan, target: Target) -> RequestInfo {
        let options = &plan.options;
        let fields = RequestFields::from_options(options.header.as_ref());
        let directives =
            RequestDirectives::new(fields.get("cache-control").as_deref(), fields.get("pragma").as_deref());
        let (option_range, field_range) = (options.range(), fields.get("range"));
        let range = match (&option_range, &field_range) {
            (Some(r), None) => RangeSpec::from_option(r),
            (None, Some(r)) => RangeSpec::parse(r),
            _ => None,
        };
        RequestInfo {
            method: options.method(),
            ranged: option_range.is_some() || field_range.is_some(),
            range,
            conditional: CONDITIONAL.iter().any(|n| fields.has(n)),
            authorization: fields.get("authorization"),
            directives,
            fields,
            target,
            security: plan.security(hop),
            request_time: SystemTime::now(),
            stream: plan.stream,
            max_limit: options.max_limit_bytes(),
        }
    }

    /// The request URL, the key of its entries.
    fn url(&self) -> &str {
        self.target.as_str()
    }

    /// The values of `names` (and `host`) in this request, for the entry's key.
    fn fields_for(&self, names: &[String]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for name in names.iter().map(String::as_str).chain(["host"]) {
            if out.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Some(v) = self.fields.get(name) {
                out.push((name.to_string(), v));
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
pub(crate) fn decide(plan: &Arc<RequestPlan>, hop: &HopPlan, shared: &Arc<TransferShared>) -> Decision {
    let capacity = match STATE.lock().store.as_ref() {
        Some(store) => store.capacity(),
        None => return Decision::network(None),
    };
    let Ok(target) = hop.target.try_clone() else { return Decision::network(None) };
    let req = RequestInfo::new(plan, hop, target);
    if let Some(pending) = background::take(req.url()) {
        // the cache's own background revalidation of one stale entry: never answered here
        let validators = policy::validators(&pending.entry.headers);
        let mode = StoreMode {
            stale: Some((pending.id, pending.entry)),
            validated: !validators.is_empty(),
            _background: Some(pending.token),
            ..StoreMode::default()
        };
        let watch = Watch::new(plan, shared, req, Mode::Store(mode), capacity);
        return Decision::Network { validators, watch: Some(Box::new(watch)) };
    }
    match req.method {
        RequestMethod::Get | RequestMethod::Head => {}
        RequestMethod::Post | RequestMethod::Put | RequestMethod::Delete | RequestMethod::Connect => {
            return Decision::network(Some(Watch::new(plan, shared, req, Mode::Invalidate, capacity)));
        }
        RequestMethod::Options | RequestMethod::Trace => return Decision::network(None),
    }
    let only_if_cached = req.directives.only_if_cached && plan.options.using_cache_or_default();
    if req.directives.no_store || (req.ranged && (req.range.is_none() || req.method != RequestMethod::Get)) {
        // nothing of it is stored or used (no-store), or a range form the cache does not answer
        if only_if_cached {
            return Decision::answer(shared, &req, Reply::gateway_timeout());
        }
        return Decision::network(None);
    }
    let mut mode = StoreMode::default();
    let mut validators = Vec::new();
    if plan.options.using_cache_or_default() && !req.conditional {
        let completing_allowed = !req.stream && !shared.core.listeners.wants_headers();
        match lookup(&req, completing_allowed, SystemTime::now()) {
            Found::Answer(entry, selection) => {
                let reply = Reply::from_entry(&entry, &req, selection, SystemTime::now());
                return Decision::answer(shared, &req, reply);
            }
            Found::AnswerStale(id, entry) => {
                let reply = Reply::from_entry(&entry, &req, None, SystemTime::now());
                background::start(plan, req.url(), id, entry, capacity);
                return Decision::answer(shared, &req, reply);
            }
            _ if only_if_cached => return Decision::answer(shared, &req, Reply::gateway_timeout()),
            Found::Validate(id, entry) => {
                validators = policy::validators(&entry.headers);
                mode.validated = !validators.is_empty();
                mode.stale = Some((id, entry));
            }
            Found::Complete(id, part) => {
                let (Some(p), Some(validator)) = (part.part, policy::strong_validator(&part.headers)) else {
                    return Decision::network(None);
                };
                validators = vec![("Range".into(), format!("bytes={}-", p.last + 1)), ("If-Range".into(), validator)];
                mode.completing = Some((id, part));
            }
            Found::None => {}
        }
    }
    let watch = Watch::new(plan, shared, req, Mode::Store(mode), capacity);
    Decision::Network { validators, watch: Some(Box::new(watch)) }
}

/// What the store has for a request.
enum Found {
    /// Answer with this entry (the requested bytes of it, for a range).
    Answer(Arc<Entry>, Option<(u64, u64)>),
    /// Answer with this stale entry and revalidate it in the background.
    AnswerStale(u64, Arc<Entry>),
    /// Validate this entry first (or fetch the response again when it has no validator).
    Validate(u64, Arc<Entry>),
    /// This first part of the response is stored: ask for the rest.
    Complete(u64, Arc<Entry>),
    None,
}

/// The stored responses that could answer `req` (its method, or a GET's for a HEAD; its URL,
/// credentials, security context, and the fields its `Vary` lists), most recent first (by
/// `Date`, RFC 9111 §4.1; the most recently used first among equals).
fn candidates(store: &Store, req: &RequestInfo, method: &str) -> Vec<(u64, Arc<Entry>)> {
    let methods: &[&str] = if method == "HEAD" { &["GET", "HEAD"] } else { &["GET"] };
    let mut found: Vec<(u64, Arc<Entry>)> = methods
        .iter()
        .flat_map(|m| store.find(m, req.url()))
        .filter(|(_, e)| req.served_by(e) && e.selected_by(&req.fields))
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.1.rules.date));
    found
}

/// The bytes `spec` selects of an entry, when it holds all of them.
fn selection(entry: &Entry, spec: RangeSpec) -> Option<(u64, u64)> {
    match &entry.part {
        None => spec.resolve(entry.body.len() as u64),
        Some(part) => part.select(spec),
    }
}

/// What the store holds for `req`, and whether it can be used now (RFC 9111 §4).
fn lookup(req: &RequestInfo, completing_allowed: bool, now: SystemTime) -> Found {
    let mut state = STATE.lock();
    let Some(store) = state.store.as_mut() else { return Found::None };
    let candidates = candidates(store, req, req.method.as_str());
    let found = match req.range {
        Some(spec) => candidates.iter().filter(|(_, e)| e.method == "GET" && e.identity()).find_map(|(id, e)| {
            let selected = selection(e, spec)?;
            Some(match e.rules.evaluate(&req.directives, now) {
                Use::Fresh | Use::StaleAllowed => (Some(*id), Found::Answer(e.clone(), Some(selected))),
                _ => (None, Found::Validate(*id, e.clone())),
            })
        }),
        None => match candidates.iter().find(|(_, e)| e.is_complete()) {
            Some((id, e)) => Some(match e.rules.evaluate(&req.directives, now) {
                Use::Fresh | Use::StaleAllowed => (Some(*id), Found::Answer(e.clone(), None)),
                Use::StaleWhileRevalidate if req.method == RequestMethod::Get && !req.directives.only_if_cached => {
                    (Some(*id), Found::AnswerStale(*id, e.clone()))
                }
                _ => (None, Found::Validate(*id, e.clone())),
            }),
            None if completing_allowed && req.method == RequestMethod::Get => candidates
                .iter()
                .find(|(_, e)| {
                    e.part.is_some_and(|p| p.first == 0 && p.length.is_some())
                        && e.identity()
                        && policy::strong_validator(&e.headers).is_some()
                })
                .map(|(id, e)| (None, Found::Complete(*id, e.clone()))),
            None => None,
        },
    };
    let Some((used, found)) = found else { return Found::None };
    if let Some(id) = used {
        store.touch(id);
    }
    found
}

/// The stored fields as served: `age` is the current age (RFC 9111 §5.1).
fn served_headers(entry: &Entry, now: SystemTime) -> Map<String, Value> {
    let mut headers = entry.headers.clone();
    headers.insert("age".into(), Value::String(entry.rules.age(now).as_secs().to_string()));
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
    /// The stored response (or the `selection` of its bytes, as a `206`, RFC 9110 §15.3.7);
    /// headers only for a HEAD.
    fn from_entry(entry: &Entry, req: &RequestInfo, selection: Option<(u64, u64)>, now: SystemTime) -> Reply {
        let mut headers = served_headers(entry, now);
        let (status, body) = match selection {
            Some((first, last)) => {
                let offset = entry.part.map_or(0, |p| p.first);
                let bytes = entry.body[(first - offset) as usize..=(last - offset) as usize].to_vec();
                let range = ContentRange { first, last, length: entry.full_length() };
                headers.insert("content-range".into(), Value::String(range.text()));
                headers.insert("content-length".into(), Value::String(bytes.len().to_string()));
                (206, Arc::new(bytes))
            }
            None => (entry.status, entry.body.clone()),
        };
        Reply {
            status,
            headers,
            body: if req.method == RequestMethod::Head { Arc::new(Vec::new()) } else { body },
            cookies: entry.cookies.clone(),
            timing: PerformanceTiming::default(),
            header_done_at: None,
            http_version: String::new(),
            headers_sent: false,
        }
    }

    /// The transfer's timing and protocol: a network request was made for this answer.
    fn after(mut self, fin: Finished) -> Reply {
        self.timing = fin.timing;
        self.header_done_at = fin.header_done_at;
        self.http_version = fin.http_version;
        self.headers_sent = fin.headers_sent;
        if self.cookies.is_empty() || !fin.cookies.is_empty() {
            self.cookies = fin.cookies;
        }
        self
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
    /// An unsafe method: a non-error response invalidates; a POST response may be stored for
    /// later GETs.
    Invalidate,
    /// A GET or HEAD: store the response, or act on a `304`, a part or an error.
    Store(StoreMode),
}

/// The stored responses a GET or HEAD that went to the network relates to.
#[derive(Default)]
struct StoreMode {
    /// The stored response it would have used: validated with `validators` when `validated`;
    /// served instead of an error when `stale-if-error` allows.
    stale: Option<(u64, Arc<Entry>)>,
    /// The request carries `stale`'s validators (a `304` then answers from it).
    validated: bool,
    /// The stored first part it asked the rest of (`Range` + `If-Range`).
    completing: Option<(u64, Arc<Entry>)>,
    /// Set for the cache's own background revalidation: held until it ends, it keeps a second
    /// one of the same entry from starting.
    _background: Option<background::Token>,
}

/// Where a watch may start one more request for its consumer (the pipeline attaches the
/// transfer's sink): when a `304` turns out not to validate what was stored, the caller, who
/// asked for no conditional request, gets the full response of an unconditional one.
#[derive(Clone, Default)]
pub(crate) struct RetrySlot(Arc<Mutex<Option<Sink>>>);

impl RetrySlot {
    /// Attaches the request's sink until the returned guard is dropped, or for good after
    /// [`RetryGuard::keep`] (call that once the transfer is submitted: until then nothing
    /// would ever end the sink's hold on the watch).
    pub(crate) fn attach(&self, sink: &Sink) -> RetryGuard {
        *self.0.lock() = Some(sink.clone());
        RetryGuard(Some(self.clone()))
    }

    fn take(&self) -> Option<Sink> {
        self.0.lock().take()
    }
}

/// Detaches the sink again unless kept (an early error return of the pipeline).
pub(crate) struct RetryGuard(Option<RetrySlot>);

impl RetryGuard {
    /// The transfer is on its way: its `Done` will end the watch, and with it this hold.
    pub(crate) fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for RetryGuard {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            slot.take();
        }
    }
}

/// What the end of a transfer that went to the network needs; the consumer feeds it.
pub(crate) struct Watch {
    plan: Arc<RequestPlan>,
    shared: Arc<TransferShared>,
    req: RequestInfo,
    mode: Mode,
    /// Stream mode: a copy of the body so far; `None` once it outgrew the cache.
    tee: Option<Vec<u8>>,
    /// The cache size when the request started: larger bodies are not kept.
    limit: usize,
    /// Stream mode: some of the body already went to the caller (no other body can follow).
    streamed: bool,
    retry: RetrySlot,
}

impl Watch {
    fn new(plan: &Arc<RequestPlan>, shared: &Arc<TransferShared>, req: RequestInfo, mode: Mode, limit: u64) -> Watch {
        let keeps_body = matches!(mode, Mode::Store(_)) || req.method == RequestMethod::Post;
        Watch {
            plan: plan.clone(),
            shared: shared.clone(),
            tee: (keeps_body && req.stream).then(Vec::new),
            req,
            mode,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            streamed: false,
            retry: RetrySlot::default(),
        }
    }

    /// The slot the pipeline attaches the transfer's sink to (see [`RetrySlot`]).
    pub(crate) fn retry_slot(&self) -> RetrySlot {
        self.retry.clone()
    }

    /// A stream chunk passed by (copied while the body still fits the cache).
    pub(crate) fn on_data(&mut self, chunk: &[u8]) {
        self.streamed |= !chunk.is_empty();
        if let Some(buf) = self.tee.as_mut() {
            if buf.len() + chunk.len() <= self.limit {
                buf.extend_from_slice(chunk);
            } else {
                self.tee = None;
            }
        }
    }

    /// The transfer ended: stores, revalidates or invalidates, then emits the final messages
    /// (the transfer's own `Done`, or the stored response it confirmed); or starts the
    /// unconditional request whose `Done` will end it.
    pub(crate) fn on_done(self, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg)) {
        self.finish(result, emit)
    }
}

impl Watch {
    fn finish(mut self, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg)) {
        let mode = std::mem::replace(&mut self.mode, Mode::Invalidate);
        let mut fin = match result {
            Ok(fin) => fin,
            Err(e) => {
                let network = e.curl_code().is_some_and(|c| NETWORK_ERRORS.contains(&c));
                if let (true, Mode::Store(m)) = (network, &mode) {
                    if let Some(reply) = self.stale_on_error(m) {
                        return answer(emit, &self.shared, &self.req, reply);
                    }
                }
                return emit(Msg::Done(Box::new(Err(e))));
            }
        };
        fin.headers.map();
        let response_time = SystemTime::now();
        match mode {
            Mode::Invalidate => {
                self.invalidated(&fin, response_time);
                emit(Msg::Done(Box::new(Ok(fin))))
            }
            Mode::Store(m) => self.finish_store(m, fin, response_time, emit),
        }
    }

    fn finish_store(mut self, m: StoreMode, fin: Finished, response_time: SystemTime, emit: &mut dyn FnMut(Msg)) {
        if fin.redirect_count > 0 {
            // the response of another URL (the redirect itself is not seen here)
            return emit(Msg::Done(Box::new(Ok(fin))));
        }
        // (not once the error's own fields went to a headers listener, or its body to the caller)
        let headers_seen = fin.headers_sent && self.shared.core.listeners.wants_headers();
        if matches!(fin.status, 500 | 502 | 503 | 504) && !headers_seen {
            if let Some(reply) = self.stale_on_error(&m) {
                return answer(emit, &self.shared, &self.req, reply.after(fin));
            }
        }
        if fin.status == 304 {
            return self.not_modified(m, fin, response_time, emit);
        }
        if let Some((id, part)) = &m.completing {
            if fin.status == 206 {
                return self.completed(*id, part, fin, response_time, emit);
            }
        }
        if self.req.method == RequestMethod::Head && fin.status == 200 {
            self.update_from_head(fin.headers.parsed_map(), response_time);
        }
        let body = match self.tee.take() {
            Some(tee) => Some(tee),
            None if !self.req.stream && fin.body.len() <= self.limit => Some(fin.body.clone()),
            None => None,
        };
        if let Some(body) = body {
            self.store_response(&fin, body, response_time);
        }
        emit(Msg::Done(Box::new(Ok(fin))))
    }

    /// A stale response to serve instead of an error, when `stale-if-error` allows it and no
    /// part of another body reached the caller yet.
    fn stale_on_error(&self, m: &StoreMode) -> Option<Reply> {
        let (_, entry) = m.stale.as_ref().filter(|_| !self.streamed)?;
        let now = SystemTime::now();
        if !entry.rules.stale_if_error(&self.req.directives, now) {
            return None;
        }
        let selected = match self.req.range {
            Some(spec) => Some(selection(entry, spec)?),
            None if entry.is_complete() => None,
            None => return None,
        };
        Some(Reply::from_entry(entry, &self.req, selected, now))
    }

    /// A `304` (RFC 9111 §4.3.3, §4.3.4). For the cache's own revalidation of `m.stale`: when
    /// its validator designates that response (or it carries none), the stored responses it
    /// selects are freshened and the caller gets the stored one; when it names another version
    /// the stored one is not validated, so it is dropped and the caller gets the response of
    /// an unconditional request. For the application's own conditional request it updates what
    /// it selects and is handed over as it is.
    fn not_modified(mut self, m: StoreMode, fin: Finished, response_time: SystemTime, emit: &mut dyn FnMut(Msg)) {
        let newer = fin.headers.parsed_map().clone();
        let Some((id, entry)) = m.stale.filter(|_| m.validated) else {
            self.freshen(&newer, None, response_time);
            return emit(Msg::Done(Box::new(Ok(fin))));
        };
        let designated = policy::validator_match(&entry.headers, &newer) != Match::Different;
        if designated {
            if let Some(validated) = self.freshen(&newer, Some((id, &entry)), response_time) {
                let selected = match self.req.range {
                    Some(spec) => selection(&validated, spec),
                    None => None,
                };
                if self.req.range.is_none() || selected.is_some() {
                    let reply = Reply::from_entry(&validated, &self.req, selected, SystemTime::now()).after(fin);
                    return answer(emit, &self.shared, &self.req, reply);
                }
            }
        } else {
            self.freshen(&newer, None, response_time);
            if let Some(store) = STATE.lock().store.as_mut() {
                store.remove(id);
            }
        }
        if !self.retry(emit) {
            emit(Msg::Done(Box::new(Ok(fin))))
        }
    }

    /// Updates the stored responses a `304` selects (§4.3.4): `asked`, the one the cache's
    /// conditional request was for; every one with the same strong validator; else (for a
    /// `304` nobody here asked for) the most recent one with the same weak validator, or the
    /// only stored response when neither it nor the `304` has a validator. Each keeps its body
    /// and takes the `304`'s fields (§3.2). Returns `asked` as updated, with the fields the
    /// `304` brought in full (a qualified `no-cache`'s fields included: they were just
    /// validated; the stored copy leaves them out).
    fn freshen(
        &self,
        newer: &Map<String, Value>,
        asked: Option<(u64, &Arc<Entry>)>,
        response_time: SystemTime,
    ) -> Option<Entry> {
        let mut state = STATE.lock();
        let store = state.store.as_mut()?;
        let matches: Vec<(u64, Arc<Entry>, Match)> = candidates(store, &self.req, self.req.method.as_str())
            .into_iter()
            .map(|(id, e)| {
                let m = policy::validator_match(&e.headers, newer);
                (id, e, m)
            })
            .collect();
        let mut selected: Vec<(u64, Arc<Entry>)> = asked.map(|(id, e)| (id, e.clone())).into_iter().collect();
        for (id, e, m) in &matches {
            if *m == Match::Strong && !selected.iter().any(|s| s.0 == *id) {
                selected.push((*id, e.clone()));
            }
        }
        if asked.is_none() && selected.is_empty() {
            if let Some((id, e, _)) = matches.iter().find(|m| m.2 == Match::Weak) {
                selected.push((*id, e.clone()));
            } else if let [(id, e, Match::Unvalidated)] = matches.as_slice() {
                if !policy::has_validator(&e.headers) {
                    selected.push((*id, e.clone()));
                }
            }
        }
        let mut answer = None;
        for (id, old) in selected {
            let mut merged = policy::merge_update(&old.headers, newer);
            policy::normalize_age(&mut merged, self.req.request_time, response_time);
            store.remove(id);
            let stored =
                self.entry_like(&old, policy::stored_fields(&merged, response_time), old.body.clone(), response_time);
            if let Some(e) = stored.filter(|e| policy::storable(e.status, &e.headers, e.part.is_some())) {
                if e.size() <= store.capacity() {
                    store.insert(Arc::new(e));
                }
            }
            if asked.is_some_and(|(a, _)| a == id) {
                answer = self.entry_like(&old, merged, old.body.clone(), response_time);
            }
        }
        answer
    }

    /// An entry for the same request as `old` (method, URL, credentials, selecting fields) with
    /// other fields, body or time.
    fn entry_like(
        &self,
        old: &Entry,
        headers: Map<String, Value>,
        body: Arc<Vec<u8>>,
        response_time: SystemTime,
    ) -> Option<Entry> {
        Entry::new(Stored {
            method: old.method.clone(),
            url: old.url.clone(),
            status: old.status,
            request_fields: old.request_fields.clone(),
            authorization: old.authorization.clone(),
            security: old.security.clone(),
            headers,
            body,
            cookies: old.cookies.clone(),
            http_version: old.http_version.clone(),
            response_time,
        })
    }

    /// A `200` to a HEAD updates the stored GET responses it could have been chosen for
    /// (§4.3.5): those whose validators and length agree with it take its fields; the others
    /// are stale now, and are dropped.
    fn update_from_head(&self, head: &Map<String, Value>, response_time: SystemTime) {
        let mut state = STATE.lock();
        let Some(store) = state.store.as_mut() else { return };
        for (id, old) in candidates(store, &self.req, "GET") {
            if old.method != "GET" || !old.is_complete() {
                continue;
            }
            let same = |name: &str, same: fn(&str, &str) -> bool| match fields::first(head, name) {
                None => true,
                Some(v) => fields::first(&old.headers, name).is_some_and(|s| same(s, v)),
            };
            let length_agrees = match fields::first(head, "content-length") {
                None => true,
                Some(l) => fields::first(&old.headers, "content-length")
                    .map_or(l.trim() == old.body.len().to_string(), |s| s.trim() == l.trim()),
            };
            store.remove(id);
            if !(same("etag", |a, b| fields::trim_ows(a) == fields::trim_ows(b))
                && same("last-modified", policy::same_date)
                && length_agrees)
            {
                continue;
            }
            let mut merged = policy::merge_update(&old.headers, head);
            policy::normalize_age(&mut merged, self.req.request_time, response_time);
            let updated =
                self.entry_like(&old, policy::stored_fields(&merged, response_time), old.body.clone(), response_time);
            if let Some(e) = updated.filter(|e| policy::storable(e.status, &e.headers, false)) {
                if e.size() <= store.capacity() {
                    store.insert(Arc::new(e));
                }
            }
        }
    }

    /// The `206` answering the `Range` + `If-Range` that asked for the rest of a stored first
    /// part: when it is that rest (the same strong validator, §3.4), the parts combine into the
    /// whole response, stored and answered as a `200` with the new part's fields. Anything
    /// else does not complete the part (dropped); the caller then gets an unconditional
    /// request's response.
    fn completed(mut self, id: u64, part: &Entry, fin: Finished, response_time: SystemTime, emit: &mut dyn FnMut(Msg)) {
        let newer = fin.headers.parsed_map();
        let whole = fields::first(newer, "content-range")
            .and_then(ContentRange::parse)
            .filter(|r| r.len() == fin.body.len() as u64 && policy::same_strong_validator(&part.headers, newer))
            .and_then(|r| range::combine((part.part?, &part.body), (r, &fin.body)))
            .filter(|(r, _)| r.first == 0 && r.length == Some(r.last + 1));
        if let Some(store) = STATE.lock().store.as_mut() {
            store.remove(id);
        }
        let Some((_, bytes)) = whole else {
            if !self.retry(emit) {
                emit(Msg::Done(Box::new(Ok(fin))));
            }
            return;
        };
        let mut headers = policy::stored_fields(newer, response_time);
        headers.remove("content-range");
        headers.insert("content-length".into(), Value::String(bytes.len().to_string()));
        policy::normalize_age(&mut headers, self.req.request_time, response_time);
        let entry = Entry::new(Stored {
            method: "GET".into(),
            url: self.req.url().to_string(),
            status: 200,
            request_fields: self.req.fields_for(&policy::vary_names(&headers)),
            authorization: self.req.authorization.clone(),
            security: self.req.security.clone(),
            headers,
            body: Arc::new(bytes),
            cookies: fin.cookies.clone(),
            http_version: fin.http_version.clone(),
            response_time,
        });
        let Some(entry) = entry.map(Arc::new) else { return emit(Msg::Done(Box::new(Ok(fin)))) };
        if policy::storable(200, &entry.headers, false) {
            self.insert(entry.clone());
        }
        let reply = Reply::from_entry(&entry, &self.req, None, SystemTime::now()).after(fin);
        answer(emit, &self.shared, &self.req, reply)
    }

    /// Stores a network response to a GET or HEAD when it may be stored: a whole response, or
    /// a part (a `206` to this request's single range, with one `Content-Range` that matches
    /// its body and no content coding) that is combined with the stored parts it touches.
    fn store_response(&self, fin: &Finished, body: Vec<u8>, response_time: SystemTime) {
        let headers = fin.headers.parsed_map();
        let partial = fin.status == 206;
        if partial && (self.req.range.is_none() || self.req.method != RequestMethod::Get) {
            return;
        }
        if !policy::storable(fin.status, headers, partial) {
            return;
        }
        let method = self.req.method.as_str();
        let Some(entry) = self.new_entry(method, fin, headers, body, response_time) else { return };
        if partial && !entry.identity() {
            return;
        }
        self.insert(Arc::new(entry));
    }

    /// The entry for a response to this request.
    fn new_entry(
        &self,
        method: &str,
        fin: &Finished,
        headers: &Map<String, Value>,
        body: Vec<u8>,
        response_time: SystemTime,
    ) -> Option<Entry> {
        let mut stored = policy::stored_fields(headers, response_time);
        policy::normalize_age(&mut stored, self.req.request_time, response_time);
        Entry::new(Stored {
            method: method.to_string(),
            url: self.req.url().to_string(),
            status: fin.status,
            request_fields: self.req.fields_for(&policy::vary_names(&stored)),
            authorization: self.req.authorization.clone(),
            security: self.req.security.clone(),
            headers: stored,
            body: Arc::new(body),
            cookies: fin.cookies.clone(),
            http_version: fin.http_version.clone(),
            response_time,
        })
    }

    /// Inserts an entry: a whole response replaces the stored responses this request would
    /// have selected; a part is first combined with the stored parts of the same
    /// representation it touches (§3.4), and becomes a whole `200` when they complete it.
    fn insert(&self, entry: Arc<Entry>) {
        let mut state = STATE.lock();
        let Some(store) = state.store.as_mut() else { return };
        let mut entry = entry;
        while let Some(part) = entry.part {
            let joined = candidates(store, &self.req, "GET").into_iter().find_map(|(id, old)| {
                let old_part = old.part?;
                if !policy::same_strong_validator(&old.headers, &entry.headers) {
                    return None;
                }
                range::combine((old_part, &old.body), (part, &entry.body)).map(|c| (id, c))
            });
            let Some((id, (range, bytes))) = joined else { break };
            store.remove(id);
            let mut headers = entry.headers.clone();
            let complete = range.first == 0 && range.length == Some(range.last + 1);
            if complete {
                headers.remove("content-range");
            } else {
                headers.insert("content-range".into(), Value::String(range.text()));
            }
            headers.insert("content-length".into(), Value::String(bytes.len().to_string()));
            let Some(combined) = Entry::new(Stored {
                method: entry.method.clone(),
                url: entry.url.clone(),
                status: if complete { 200 } else { 206 },
                request_fields: entry.request_fields.clone(),
                authorization: entry.authorization.clone(),
                security: entry.security.clone(),
                headers,
                body: Arc::new(bytes),
                cookies: entry.cookies.clone(),
                http_version: entry.http_version.clone(),
                response_time: entry.response_time,
            }) else {
                return;
            };
            entry = Arc::new(combined);
        }
        if entry.size() > store.capacity() {
            return;
        }
        if entry.is_complete() {
            for (id, old) in store.find(&entry.method, &entry.url) {
                if self.req.served_by(&old) && old.selected_by(&self.req.fields) {
                    store.remove(id);
                }
            }
        }
        store.insert(entry);
    }

    /// After an unsafe method: a non-error response invalidates the URL and the same-origin
    /// `Location` and `Content-Location` (§4.4); a POST response with explicit freshness
    /// whose `Content-Location` is the request URL is stored for later GETs (RFC 9110 §9.3.3).
    fn invalidated(&mut self, fin: &Finished, response_time: SystemTime) {
        let headers = fin.headers.parsed_map();
        if (200..400).contains(&fin.status) {
            invalidate(&self.req.target, headers);
        }
        let same_url = fields::first(headers, "content-location")
            .and_then(|cl| self.req.target.join(cl.trim().as_bytes()).ok())
            .is_some_and(|t| t.as_str() == self.req.url());
        let reusable = self.req.method == RequestMethod::Post
            && fin.redirect_count == 0
            && same_url
            && !self.req.directives.no_store
            && policy::has_explicit_freshness(headers)
            && policy::storable(fin.status, headers, false);
        if !reusable {
            return;
        }
        let body = match self.tee.take() {
            Some(tee) => tee,
            None if !self.req.stream && fin.body.len() <= self.limit => fin.body.clone(),
            None => return,
        };
        if let Some(entry) = self.new_entry("GET", fin, headers, body, response_time) {
            self.insert(Arc::new(entry));
        }
    }

    /// Starts the same request again without the cache's conditional fields, its messages
    /// going to the same consumer (which then ends with its `Done`); false when no sink is
    /// attached.
    fn retry(&mut self, emit: &mut dyn FnMut(Msg)) -> bool {
        let Some(sink) = self.retry.take() else { return false };
        let started = self
            .req
            .target
            .try_clone()
            .and_then(|t| self.plan.hop(t))
            .and_then(|hop| {
                crate::transfer::config::build(&self.plan, hop, self.shared.clone(), DoneGuard::new(sink), &[])
            })
            .and_then(scheduler::submit);
        if let Err(e) = started {
            emit(Msg::Done(Box::new(Err(e))));
        }
        true
    }
}

/// Removes the entries of the request URL and of the same-origin `Location` /
/// `Content-Location` (RFC 9111 §4.4), resolved against it by libcurl.
fn invalidate(target: &Target, headers: &Map<String, Value>) {
    let mut targets = vec![target.as_str().to_string()];
    for name in ["location", "content-location"] {
        if let Some(other) = fields::first(headers, name).and_then(|v| target.join(v.trim().as_bytes()).ok()) {
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
