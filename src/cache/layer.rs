//! The cache as a layer of the request pipeline. [`decide`] runs after the request is planned
//! (target, policy, security context) and before its transfer is built: it answers from the
//! cache (through the sink, no transfer), or lets the request go to the network with the
//! conditional fields of a stored response and a [`CacheWatch`] (`watch.rs`) that the consumer
//! feeds and that acts on the response at its end. All of it runs on the consumer's thread,
//! never on the reactor.
use super::background;
use super::directives::RequestDirectives;
use super::fields::RequestFields;
use super::policy::{self, Use};
use super::range::{ContentRange, RangeSpec};
use super::store::{Entry, Store};
use super::watch::{Mode, StoreMode};
use super::STATE;
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, EventType};
use crate::options::RequestMethod;
use crate::plan::{HopPlan, RequestPlan, SecurityContext};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
use crate::target::Target;
use crate::transfer::{Finished, Msg, TransferShared};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

pub(crate) use super::watch::{CacheWatch, RetryGuard};

/// Size of the `dataReceive` chunks of a body served from the cache.
const CHUNK: usize = 64 * 1024;

/// Request fields that make a request conditional (the application validates by itself).
const CONDITIONAL: &[&str] = &["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"];

/// What the pipeline does next.
pub(crate) enum Decision {
    /// The cache answers with these messages; no transfer.
    Answered(Vec<Msg>),
    /// Go to the network, sending these extra request fields (a stored response's validators,
    /// or the `Range` and `If-Range` that complete a stored part); the consumer hands the
    /// transfer's messages to the watch, when there is one.
    Network { validators: Vec<(String, String)>, watch: Option<Box<CacheWatch>> },
}

impl Decision {
    fn network(watch: Option<CacheWatch>) -> Decision {
        Decision::Network { validators: Vec::new(), watch: watch.map(Box::new) }
    }

    fn answer(shared: &TransferShared, req: &RequestInfo, reply: Reply) -> Decision {
        let mut msgs = Vec::new();
        answer(&mut |m| msgs.push(m), shared, req, reply);
        Decision::Answered(msgs)
    }
}

/// The request as the cache sees it.
pub(super) struct RequestInfo {
    pub(super) method: RequestMethod,
    pub(super) target: Target,
    pub(super) fields: RequestFields,
    pub(super) directives: RequestDirectives,
    pub(super) authorization: Option<String>,
    pub(super) security: SecurityContext,
    pub(super) request_time: SystemTime,
    pub(super) stream: bool,
    pub(super) max_limit: u64,
    /// It asks for a range (a `Range` field or `resumeFrom`/`resumeTo`).
    pub(super) ranged: bool,
    /// That range, when it is one the cache answers (a single byte range).
    pub(super) range: Option<RangeSpec>,
    /// It carries conditional fields of its own.
    pub(super) conditional: bool,
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
    pub(super) fn url(&self) -> &str {
        self.target.as_str()
    }

    /// The values of `names` (and `host`) in this request, for the entry's key.
    pub(super) fn fields_for(&self, names: &[String]) -> Vec<(String, String)> {
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
    pub(super) fn served_by(&self, entry: &Entry) -> bool {
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
        let watch = CacheWatch::new(plan, shared, req, Mode::Store(mode), capacity);
        return Decision::Network { validators, watch: Some(Box::new(watch)) };
    }
    match req.method {
        RequestMethod::Get | RequestMethod::Head => {}
        RequestMethod::Post | RequestMethod::Put | RequestMethod::Delete | RequestMethod::Connect => {
            return Decision::network(Some(CacheWatch::new(plan, shared, req, Mode::Invalidate, capacity)));
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
    let watch = CacheWatch::new(plan, shared, req, Mode::Store(mode), capacity);
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
pub(super) fn candidates(store: &Store, req: &RequestInfo, method: &str) -> Vec<(u64, Arc<Entry>)> {
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
pub(super) fn selection(entry: &Entry, spec: RangeSpec) -> Option<(u64, u64)> {
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
pub(super) struct Reply {
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
    pub(super) fn from_entry(
        entry: &Entry,
        req: &RequestInfo,
        selection: Option<(u64, u64)>,
        now: SystemTime,
    ) -> Reply {
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
    pub(super) fn after(mut self, fin: Finished) -> Reply {
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
pub(super) fn answer(sink: &mut dyn FnMut(Msg), shared: &TransferShared, req: &RequestInfo, reply: Reply) {
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
