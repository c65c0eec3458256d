//! The request as the cache sees it ([`RequestInfo`]), the stored responses it may use
//! ([`candidates`], [`selection`]) and the answer the cache gives from one ([`Reply`],
//! [`answer`]): shared by the layer that decides (`layer.rs`) and the watch that acts at a
//! transfer's end (`watch.rs`).
use super::directives::RequestDirectives;
use super::fields::RequestFields;
use super::range::{ContentRange, RangeSpec};
use super::store::{Entry, Store};
use crate::error::HttpError;
use crate::events::{DataReceiveProgressInfo, EventType};
use crate::options::RequestMethod;
use crate::plan::{HopPlan, RequestPlan, SecurityContext};
use crate::response::headers::HeaderBlock;
use crate::response::PerformanceTiming;
use crate::transfer::{Finished, Msg, TransferShared};
use crate::url::Target;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Size of the `dataReceive` chunks of a body served from the cache.
const CHUNK: usize = 64 * 1024;

/// Request fields that make a request conditional (the application validates by itself).
const CONDITIONAL: &[&str] = &["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"];

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
    pub(super) fn new(plan: &RequestPlan, hop: &HopPlan, target: Target) -> RequestInfo {
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
    pub(super) fn gateway_timeout() -> Reply {
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
