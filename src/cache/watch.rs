//! What a request that went to the network does at its end ([`CacheWatch`], fed by the consumer):
//! it copies a stream body, and at the end stores the response (combining parts), turns a
//! `304` into the stored response it validates (or re-requests when the `304` names another
//! version), completes a stored part, freshens stored GETs after a HEAD, serves a stale
//! response instead of an error when `stale-if-error` allows, or invalidates after an unsafe
//! method. All of it on the consumer's thread, never on the reactor.
use super::background;
use super::exchange::{answer, candidates, selection, Reply, RequestInfo};
use super::fields;
use super::policy::{self, Match};
use super::range::{self, ContentRange};
use super::store::{Entry, Stored};
use super::STATE;
use crate::error::HttpError;
use crate::options::RequestMethod;
use crate::plan::RequestPlan;
use crate::runtime::Runtime;
use crate::transfer::collector::DoneGuard;
use crate::transfer::{Finished, Msg, Sink, TransferShared};
use crate::url::Target;
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::SystemTime;

/// libcurl codes of a transfer that got no usable response from the origin: what a proxy would
/// answer with a 502 or 504, the "errors" of `stale-if-error` (RFC 5861 §4).
const NETWORK_ERRORS: &[u32] = &[5, 6, 7, 16, 18, 28, 35, 52, 55, 56, 92, 95];

/// What the watching sink does at the end.
pub(super) enum Mode {
    /// An unsafe method: a non-error response invalidates; a POST response may be stored for
    /// later GETs.
    Invalidate,
    /// A GET or HEAD: store the response, or act on a `304`, a part or an error.
    Store(StoreMode),
}

/// The stored responses a GET or HEAD that went to the network relates to.
#[derive(Default)]
pub(super) struct StoreMode {
    /// The stored response it would have used: validated with `validators` when `validated`;
    /// served instead of an error when `stale-if-error` allows.
    pub(super) stale: Option<(u64, Arc<Entry>)>,
    /// The request carries `stale`'s validators (a `304` then answers from it).
    pub(super) validated: bool,
    /// The stored first part it asked the rest of (`Range` + `If-Range`).
    pub(super) completing: Option<(u64, Arc<Entry>)>,
    /// Set for the cache's own background revalidation: held until it ends, it keeps a second
    /// one of the same entry from starting.
    pub(super) _background: Option<background::Token>,
}

/// Where a watch may start one more request for its consumer (the pipeline attaches the
/// transfer's sink): when a `304` turns out not to validate what was stored, the caller, who
/// asked for no conditional request, gets the full response of an unconditional one.
#[derive(Clone, Default)]
pub(crate) struct RetrySlot(Arc<Mutex<Option<(Sink, Runtime)>>>);

impl RetrySlot {
    /// Attaches the request's sink until the returned guard is dropped, or for good after
    /// [`RetryGuard::keep`] (call that once the transfer is submitted: until then nothing
    /// would ever end the sink's hold on the watch).
    pub(crate) fn attach(&self, sink: &Sink, runtime: &Runtime) -> RetryGuard {
        *self.0.lock() = Some((sink.clone(), runtime.clone()));
        RetryGuard(Some(self.clone()))
    }

    fn take(&self) -> Option<(Sink, Runtime)> {
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
pub(crate) struct CacheWatch {
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

impl CacheWatch {
    pub(super) fn new(
        plan: &Arc<RequestPlan>,
        shared: &Arc<TransferShared>,
        req: RequestInfo,
        mode: Mode,
        limit: u64,
    ) -> CacheWatch {
        let keeps_body = matches!(mode, Mode::Store(_)) || req.method == RequestMethod::Post;
        CacheWatch {
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
}

impl crate::transfer::Watch for CacheWatch {
    /// A stream chunk passed by (copied while the body still fits the cache).
    fn on_data(&mut self, chunk: &[u8]) {
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
    fn on_done(self: Box<Self>, result: Result<Finished, HttpError>, emit: &mut dyn FnMut(Msg)) {
        (*self).finish(result, emit)
    }
}

impl CacheWatch {
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
        if let Some((id, part)) = &m.completing {
            match fin.status {
                206 => return self.completed(*id, part, fin, response_time, emit),
                // answers to the cache's Range, not to the caller's request
                304 | 416 => return self.not_completed(*id, fin, emit),
                _ => {}
            }
        }
        if fin.status == 304 {
            return self.not_modified(m, fin, response_time, emit);
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
    fn completed(self, id: u64, part: &Entry, fin: Finished, response_time: SystemTime, emit: &mut dyn FnMut(Msg)) {
        let newer = fin.headers.parsed_map();
        let whole = fields::first(newer, "content-range")
            .and_then(ContentRange::parse)
            .filter(|r| r.len() == fin.body.len() as u64 && policy::same_strong_validator(&part.headers, newer))
            .and_then(|r| range::combine((part.part?, &part.body), (r, &fin.body)))
            .filter(|(r, _)| r.first == 0 && r.length == Some(r.last + 1));
        let Some((_, bytes)) = whole else { return self.not_completed(id, fin, emit) };
        if let Some(store) = STATE.lock().store.as_mut() {
            store.remove(id);
        }
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

    /// The answer to the `Range` + `If-Range` for the rest of stored part `id` is no such rest:
    /// the part is dropped and the caller gets an unconditional request's response.
    fn not_completed(mut self, id: u64, fin: Finished, emit: &mut dyn FnMut(Msg)) {
        if let Some(store) = STATE.lock().store.as_mut() {
            store.remove(id);
        }
        if !self.retry(emit) {
            emit(Msg::Done(Box::new(Ok(fin))));
        }
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
        let Some((sink, runtime)) = self.retry.take() else { return false };
        let started = self
            .plan
            .hop(self.req.target.clone())
            .and_then(|hop| {
                let pool = runtime.inner().handles();
                crate::transfer::config::build(&self.plan, hop, self.shared.clone(), DoneGuard::new(sink), &[], pool)
            })
            .and_then(|prepared| runtime.submit(prepared));
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
