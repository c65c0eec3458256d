//! The rules of RFC 9111 for a private cache, with RFC 5861 (`stale-while-revalidate`,
//! `stale-if-error`) and RFC 8246 (`immutable`): which responses may be stored (§3), what is
//! stored of them (§3.1), how long they are fresh (§4.2.1, §4.2.2), how old they are (§4.2.3),
//! when a stored response may answer a request (§4.2, §5.2.1), how a `304` or a `HEAD`
//! response updates stored ones (§3.2, §4.3.4, §4.3.5), and which request fields the stored
//! response's `Vary` selects and how they compare (§4.1).
use super::date;
use super::directives::{Directives, RequestDirectives, Scope, Seconds};
use super::fields::{self, first, strong_match, values, weak_match, MAX_DELTA_SECONDS};
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime};

/// Status codes defined as heuristically cacheable (RFC 9110 §15.1).
const HEURISTICALLY_CACHEABLE: &[u32] = &[200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501];

/// Hop-by-hop fields (RFC 9110 §7.6.1): removed before storage.
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

/// Fields about the proxy a response came through, never stored (RFC 9111 §3.1).
const PROXY_FIELDS: &[&str] = &["proxy-authenticate", "proxy-authentication-info", "proxy-authorization"];

/// Fields that describe the stored body as received (decoded, assembled): a `304` or a `HEAD`
/// response never replaces them (RFC 9111 §3.2).
const BODY_FIELDS: &[&str] = &["content-length", "content-encoding", "transfer-encoding", "content-range"];

/// Whether the cache understands the caching requirements of `status` (the final codes RFC 9110
/// defines, 206 included: ranges are supported), which `must-understand` asks for (§5.2.2.3).
pub(crate) fn understood(status: u32) -> bool {
    matches!(status, 200..=206 | 300..=304 | 307 | 308 | 400..=417 | 421 | 422 | 426 | 500..=505)
}

/// The response's `Cache-Control` directives.
pub(crate) fn directives(headers: &Map<String, Value>) -> Directives {
    Directives::parse(values(headers, "cache-control"))
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Whether a final response may be stored by a private cache, as far as the response says
/// (RFC 9111 §3; the request's side, method and `no-store`, is the caller's): a status the
/// cache can store (any final one, 304 never, 206 only as a checked partial: `partial_ok`),
/// no `no-store` (unless `must-understand` with an understood status, §5.2.2.3), no `Vary: *`,
/// and a reason to keep it: `public`, `private`, `max-age`, `Expires`, or a heuristically
/// cacheable status.
pub(crate) fn storable(status: u32, headers: &Map<String, Value>, partial_ok: bool) -> bool {
    if !(200..=599).contains(&status) || status == 304 || (status == 206 && !partial_ok) {
        return false;
    }
    let cc = directives(headers);
    let must_understand = cc.has("must-understand");
    if must_understand && !understood(status) {
        return false;
    }
    if cc.has("no-store") && !must_understand {
        return false;
    }
    if vary_names(headers).iter().any(|n| n == "*") {
        return false;
    }
    cc.has("public")
        || cc.has("private")
        || cc.has("max-age")
        || headers.contains_key("expires")
        || HEURISTICALLY_CACHEABLE.contains(&status)
}

/// Whether the response has explicit freshness (`max-age` or `Expires`, §4.2.1; `s-maxage` is
/// for shared caches).
pub(crate) fn has_explicit_freshness(headers: &Map<String, Value>) -> bool {
    directives(headers).has("max-age") || headers.contains_key("expires")
}

/// The freshness lifetime (§4.2.1) for a private cache: `max-age` (its first occurrence; an
/// invalid value means stale), else `Expires - Date` (an invalid `Expires` means already
/// expired), else the heuristic of §4.2.2: 10 % of `Date - Last-Modified`, for heuristically
/// cacheable statuses and responses marked `public` or `private` only, and never for a
/// `Last-Modified` after the `Date`. `date` is the response's `Date`, or when it received the
/// response if that is missing or invalid.
fn freshness_lifetime(status: u32, headers: &Map<String, Value>, cc: &Directives, date: SystemTime) -> Duration {
    match cc.seconds("max-age") {
        Seconds::Valid(n) => return secs(n),
        Seconds::Invalid => return Duration::ZERO,
        Seconds::Absent => {}
    }
    if let Some(expires) = first(headers, "expires") {
        return date::parse_time(expires).and_then(|t| t.duration_since(date).ok()).unwrap_or_default();
    }
    let heuristic = HEURISTICALLY_CACHEABLE.contains(&status) || cc.has("public") || cc.has("private");
    match first(headers, "last-modified").and_then(date::parse_time) {
        Some(lm) if heuristic => date.duration_since(lm).map(|d| d / 10).unwrap_or_default(),
        _ => Duration::ZERO,
    }
}

/// The response's `Date`, or `received` when it is missing or invalid.
pub(crate) fn date_or(headers: &Map<String, Value>, received: SystemTime) -> SystemTime {
    first(headers, "date").and_then(date::parse_time).unwrap_or(received)
}

/// The `Age` value (§5.1): the first member of the first line (a repeated `Age` arrives joined,
/// "7200, 0"); a value that is not delta-seconds (`abc`, `-1`, `1.5`) is ignored, never read
/// as a smaller age from a later member.
pub(crate) fn age_value(headers: &Map<String, Value>) -> u64 {
    first(headers, "age").and_then(|v| fields::list(v).first().copied()).and_then(fields::delta_seconds).unwrap_or(0)
}

/// Replaces `age` with the corrected initial age of §4.2.3,
/// `max(response_time - Date, Age + (response_time - request_time))` in whole seconds, so that
/// `age + time since response_time` is the current age from then on.
pub(crate) fn normalize_age(headers: &mut Map<String, Value>, request_time: SystemTime, response_time: SystemTime) {
    let date = date_or(headers, response_time);
    let apparent_age = response_time.duration_since(date).unwrap_or_default();
    let response_delay = response_time.duration_since(request_time).unwrap_or_default();
    let corrected_age_value = secs(age_value(headers)) + response_delay;
    let initial = apparent_age.max(corrected_age_value).min(secs(MAX_DELTA_SECONDS));
    headers.insert("age".into(), Value::String(initial.as_secs().to_string()));
}

/// What may answer a request from a stored response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// Fresh enough for the request: answer with it.
    Fresh,
    /// Stale, and the request's `max-stale` accepts it: answer with it.
    StaleAllowed,
    /// Stale within its `stale-while-revalidate` window: answer with it and revalidate in the
    /// background.
    StaleWhileRevalidate,
    /// It must be validated (or fetched again) first.
    Validate,
}

/// The freshness rules of one stored response, derived from its stored fields.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// Freshness lifetime.
    pub lifetime: Duration,
    /// Corrected initial age (the stored `age`).
    initial_age: Duration,
    /// When the response was received.
    response_time: SystemTime,
    /// Its `Date` (or `response_time`): which of two stored responses is the more recent.
    pub date: SystemTime,
    /// Unqualified `no-cache`: validated before every use (§5.2.2.4).
    pub no_cache: bool,
    /// `must-revalidate`: never used stale (§5.2.2.2).
    pub must_revalidate: bool,
    /// `immutable`: not revalidated while fresh (RFC 8246).
    pub immutable: bool,
    /// `stale-while-revalidate` window (RFC 5861 §3).
    stale_while_revalidate: Option<Duration>,
    /// `stale-if-error` window (RFC 5861 §4).
    stale_if_error: Option<Duration>,
}

impl Rules {
    /// The rules for a stored response (`headers` as stored: `age` is the corrected initial age).
    pub(crate) fn new(status: u32, headers: &Map<String, Value>, response_time: SystemTime) -> Rules {
        let cc = directives(headers);
        let date = date_or(headers, response_time);
        Rules {
            lifetime: freshness_lifetime(status, headers, &cc, date),
            initial_age: secs(age_value(headers)),
            response_time,
            date,
            no_cache: cc.scope("no-cache") == Scope::All,
            must_revalidate: cc.has("must-revalidate"),
            immutable: cc.has("immutable"),
            stale_while_revalidate: cc.seconds("stale-while-revalidate").valid().map(secs),
            stale_if_error: cc.seconds("stale-if-error").valid().map(secs),
        }
    }

    /// The current age (§4.2.3): corrected initial age plus the time since it was received.
    pub(crate) fn age(&self, now: SystemTime) -> Duration {
        self.initial_age + now.duration_since(self.response_time).unwrap_or_default()
    }

    /// How long it has been stale (zero while fresh).
    fn staleness(&self, now: SystemTime) -> Duration {
        self.age(now).saturating_sub(self.lifetime)
    }

    /// Whether it is fresh (§4.2).
    pub(crate) fn is_fresh(&self, now: SystemTime) -> bool {
        self.age(now) < self.lifetime
    }

    /// Whether it may answer `req` now, and how (§4.2, §5.2.1; RFC 5861 §3; RFC 8246).
    ///
    /// `no-cache` on either side means validation. A fresh response answers unless the
    /// request's `max-age` finds it too old (not for an `immutable` one: a reload does not
    /// revalidate it, a forced `no-cache` does) or its `min-fresh` finds it expiring too soon. A
    /// stale one is validated when it says `must-revalidate` or the request's `max-age` or
    /// `min-fresh` rules it out; else it answers when the request's `max-stale` accepts its
    /// staleness, or within its `stale-while-revalidate` window while a background request
    /// revalidates it.
    pub(crate) fn evaluate(&self, req: &RequestDirectives, now: SystemTime) -> Use {
        if req.no_cache || self.no_cache {
            return Use::Validate;
        }
        let age = self.age(now);
        if self.is_fresh(now) {
            if !self.immutable && req.max_age.is_some_and(|m| age > secs(m)) {
                return Use::Validate;
            }
            if req.min_fresh.is_some_and(|m| self.lifetime.saturating_sub(age) < secs(m)) {
                return Use::Validate;
            }
            return Use::Fresh;
        }
        if self.must_revalidate || req.min_fresh.is_some() || req.max_age.is_some_and(|m| age > secs(m)) {
            return Use::Validate;
        }
        let staleness = self.staleness(now);
        match req.max_stale {
            Some(None) => return Use::StaleAllowed,
            Some(Some(m)) if staleness <= secs(m) => return Use::StaleAllowed,
            _ => {}
        }
        match self.stale_while_revalidate {
            Some(window) if staleness <= window => Use::StaleWhileRevalidate,
            _ => Use::Validate,
        }
    }

    /// Whether it may answer instead of an error (a 500, 502, 503 or 504, or no response at
    /// all) within the response's or the request's `stale-if-error` window (RFC 5861 §4):
    /// never when it must be validated by its own rules (`no-cache`, `must-revalidate`) or the
    /// request's (`no-cache`).
    pub(crate) fn stale_if_error(&self, req: &RequestDirectives, now: SystemTime) -> bool {
        if self.no_cache || self.must_revalidate || req.no_cache {
            return false;
        }
        let window = self.stale_if_error.max(req.stale_if_error.map(secs));
        window.is_some_and(|w| self.staleness(now) <= w)
    }
}

/// The fields of a response as stored (§3.1): without hop-by-hop fields and those its
/// `Connection` names, without the proxy's authentication fields, without the fields a
/// qualified `no-cache` names (they may not be reused without validation, §5.2.2.4), and with
/// a `Date` when it had none (RFC 9110 §6.6.1).
pub(crate) fn stored_fields(headers: &Map<String, Value>, response_time: SystemTime) -> Map<String, Value> {
    let mut stored = headers.clone();
    let listed: Vec<String> =
        values(headers, "connection").into_iter().flat_map(fields::list).map(|n| n.to_ascii_lowercase()).collect();
    for name in HOP_BY_HOP.iter().chain(PROXY_FIELDS).copied().chain(listed.iter().map(String::as_str)) {
        stored.remove(name);
    }
    if let Scope::Fields(names) = directives(headers).scope("no-cache") {
        for name in names {
            stored.remove(&name);
        }
    }
    if !stored.contains_key("date") {
        stored.insert("date".into(), Value::String(date::format(response_time)));
    }
    stored
}

/// The stored fields updated with a newer response's (a `304`, or a `200` to `HEAD`; §3.2):
/// each field it carries replaces the stored one, except those that describe the stored body
/// and those never stored. `age` is the newer response's (or none); the caller normalizes it.
pub(crate) fn merge_update(stored: &Map<String, Value>, newer: &Map<String, Value>) -> Map<String, Value> {
    let mut merged = stored.clone();
    merged.remove("age");
    for (name, value) in newer {
        let n = name.as_str();
        if BODY_FIELDS.contains(&n) || HOP_BY_HOP.contains(&n) || PROXY_FIELDS.contains(&n) {
            continue;
        }
        merged.insert(name.clone(), value.clone());
    }
    merged
}

/// How a `304` (or a `HEAD` response) relates to a stored response by validators (§4.3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Match {
    /// The same strong validator (strong entity tag, or a strong `Last-Modified`).
    Strong,
    /// The same weak validator.
    Weak,
    /// It names another version, or the stored response lacks the validator it carries.
    Different,
    /// It carries no validator.
    Unvalidated,
}

/// Whether a `Last-Modified` is a strong validator: at least a second before the `Date`
/// (RFC 9110 §8.8.2.2).
fn strong_last_modified(headers: &Map<String, Value>) -> bool {
    match (first(headers, "last-modified").and_then(date::parse), first(headers, "date").and_then(date::parse)) {
        (Some(lm), Some(d)) => lm < d,
        _ => false,
    }
}

/// Whether two HTTP-dates name the same second (texts that are not dates: the same text).
pub(crate) fn same_date(a: &str, b: &str) -> bool {
    match (date::parse(a), date::parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => fields::trim_ows(a) == fields::trim_ows(b),
    }
}

/// Compares the validators of `newer` (a `304`) with those of a stored response: its `ETag`
/// if it has one, else its `Last-Modified`.
pub(crate) fn validator_match(stored: &Map<String, Value>, newer: &Map<String, Value>) -> Match {
    if let Some(new) = first(newer, "etag") {
        return match first(stored, "etag") {
            Some(old) if strong_match(old, new) => Match::Strong,
            Some(old) if weak_match(old, new) => Match::Weak,
            _ => Match::Different,
        };
    }
    if let Some(new) = first(newer, "last-modified") {
        return match first(stored, "last-modified") {
            Some(old) if same_date(old, new) && strong_last_modified(stored) => Match::Strong,
            Some(old) if same_date(old, new) => Match::Weak,
            _ => Match::Different,
        };
    }
    Match::Unvalidated
}

/// Whether a stored response has a validator (`ETag` or `Last-Modified`).
pub(crate) fn has_validator(headers: &Map<String, Value>) -> bool {
    headers.contains_key("etag") || headers.contains_key("last-modified")
}

/// A strong validator of a stored response, for `If-Range` (RFC 9110 §13.1.5): its strong
/// `ETag`, else a strong `Last-Modified`.
pub(crate) fn strong_validator(headers: &Map<String, Value>) -> Option<String> {
    match first(headers, "etag") {
        Some(tag) => fields::entity_tag(tag).filter(|t| !t.weak).map(|t| t.opaque.to_string()),
        None => first(headers, "last-modified").filter(|_| strong_last_modified(headers)).map(str::to_string),
    }
}

/// Whether two responses share the same strong validator (§3.4: only such parts combine).
pub(crate) fn same_strong_validator(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    match (strong_validator(a), strong_validator(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The conditional fields that validate a stored response (§4.3.1): `If-None-Match` with its
/// `ETag`, `If-Modified-Since` with its `Last-Modified` (when that is a date).
pub(crate) fn validators(headers: &Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(etag) = first(headers, "etag") {
        out.push(("If-None-Match".to_string(), etag.to_string()));
    }
    if let Some(lm) = first(headers, "last-modified").filter(|lm| date::parse(lm).is_some()) {
        out.push(("If-Modified-Since".to_string(), lm.to_string()));
    }
    out
}

/// The lower-case field names a response's `Vary` lists (sorted, once each; "*" as is).
pub(crate) fn vary_names(headers: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> =
        values(headers, "vary").into_iter().flat_map(fields::list).map(|n| n.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

/// Request fields whose value is a list of members whose order carries no meaning (each
/// member's weight is its `q` parameter) and whose members are case-insensitive except for
/// `Accept`'s parameter values (RFC 9110 §12.5).
const WEIGHTED_LISTS: &[&str] = &["accept-charset", "accept-encoding", "accept-language", "te"];

/// Request fields that are lists (RFC 9110 §5.6.1) but not weighted: whitespace around their
/// commas is not significant.
const PLAIN_LISTS: &[&str] = &["cache-control", "pragma", "if-match", "if-none-match", "prefer", "via", "upgrade"];

/// A request field's value normalized for `Vary` matching (§4.1) where the field's grammar
/// allows it: lines are combined and outer whitespace removed for every field; list members
/// are trimmed for list-based fields; the weighted lists (`Accept`, `Accept-Language`,
/// `Accept-Encoding`, `Accept-Charset`, `TE`) are also case-normalized, their `q` weights
/// written one way, and their members ordered by weight (ties by text), since their order
/// carries no meaning. Unknown fields are compared as they are otherwise: their syntax, and
/// so whether a space after a comma matters, is not known.
pub(crate) fn normalize_field(name: &str, value: &str) -> String {
    let value = fields::trim_ows(value);
    if name == "accept" || WEIGHTED_LISTS.contains(&name) {
        let mut members: Vec<(u16, String)> =
            fields::list(value).into_iter().map(|m| weighted_member(m, name == "accept")).collect();
        members.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        return members
            .into_iter()
            .map(|(q, m)| if q == 1000 { m } else { format!("{m};q={}", qvalue_text(q)) })
            .collect::<Vec<_>>()
            .join(", ");
    }
    if PLAIN_LISTS.contains(&name) {
        return fields::list(value).join(", ");
    }
    value.to_string()
}

/// A member of a weighted list: its text without the `q` parameter (parameters trimmed,
/// names lower-cased; the whole member lower-cased except `Accept`'s parameter values) and its
/// weight in thousandths (1000 when absent or invalid: invalid weights are not ours to judge).
fn weighted_member(member: &str, accept: bool) -> (u16, String) {
    let mut parts = member.split(';').map(fields::trim_ows);
    let head = parts.next().unwrap_or_default().to_ascii_lowercase();
    let mut q = 1000;
    let mut params = Vec::new();
    for p in parts.filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').map_or((p, ""), |(k, v)| (fields::trim_ows(k), fields::trim_ows(v)));
        let k = k.to_ascii_lowercase();
        if k == "q" {
            q = qvalue(v).unwrap_or(1000);
            continue;
        }
        let v = if accept { v.to_string() } else { v.to_ascii_lowercase() };
        params.push(if v.is_empty() { k } else { format!("{k}={v}") });
    }
    let text = std::iter::once(head).chain(params).collect::<Vec<_>>().join(";");
    (q, text)
}

/// A `qvalue` (RFC 9110 §12.4.2) in thousandths.
fn qvalue(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_value: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

fn qvalue_text(q: u16) -> String {
    let text = format!("0.{q:03}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn rules(status: u32, h: Value) -> Rules {
        let now = SystemTime::now();
        let mut h = stored_fields(&map(h), now);
        normalize_age(&mut h, now, now);
        Rules::new(status, &h, now)
    }

    fn lifetime(h: Value) -> u64 {
        rules(200, h).lifetime.as_secs()
    }

    #[test]
    fn corrected_initial_age() {
        let date = SystemTime::UNIX_EPOCH + secs(784_111_777);
        let mut h = map(json!({"date": "Sun, 06 Nov 1994 08:49:37 GMT", "age": "5"}));
        normalize_age(&mut h, date + secs(98), date + secs(100));
        assert_eq!(h["age"], "100", "apparent age wins");
        let mut h = map(json!({"date": "Sun, 06 Nov 1994 08:49:37 GMT", "age": "50"}));
        normalize_age(&mut h, date, date + secs(3));
        assert_eq!(h["age"], "53", "Age + response delay wins over a small apparent age");
        let mut h = map(json!({"age": "7200, 0"}));
        normalize_age(&mut h, date, date);
        assert_eq!(h["age"], "7200", "the first value counts");
        for ignored in ["abc", "-7200", "7200.0", "0x10"] {
            let mut h = map(json!({ "age": ignored }));
            normalize_age(&mut h, date, date);
            assert_eq!(h["age"], "0", "{ignored}");
        }
        let mut h = map(json!({"age": "99999999999"}));
        normalize_age(&mut h, date, date);
        assert_eq!(h["age"], (1u64 << 31).to_string());
    }

    #[test]
    fn lifetimes() {
        let now = SystemTime::now();
        let at = |offset: i64| date::format(date::to_time(date::unix_seconds(now) + offset));
        assert_eq!(lifetime(json!({"cache-control": "max-age=60"})), 60);
        assert_eq!(lifetime(json!({"cache-control": "max-age=60", "expires": at(-100)})), 60, "max-age wins");
        assert_eq!(lifetime(json!({"cache-control": "max-age=-1", "expires": at(100)})), 0, "invalid max-age");
        assert_eq!(lifetime(json!({"cache-control": "s-maxage=60"})), 0, "private cache");
        assert_eq!(lifetime(json!({"date": at(0), "expires": at(3600)})), 3600);
        assert_eq!(lifetime(json!({"date": at(400), "expires": at(300)})), 0, "Expires before Date");
        assert_eq!(lifetime(json!({"expires": "0"})), 0);
        let without_date = lifetime(json!({"date": "foo", "expires": at(100)}));
        assert!((99..=100).contains(&without_date), "invalid Date: the time received ({without_date})");
        let asctime = "Sun Nov  6 08:49:37 2094";
        assert!(lifetime(json!({ "expires": asctime })) > 3600, "asctime Expires");
        assert_eq!(lifetime(json!({"date": at(0), "last-modified": at(-100_000)})), 10_000, "10 % heuristic");
        assert_eq!(lifetime(json!({"date": at(0), "last-modified": at(100)})), 0, "Last-Modified in the future");
        assert_eq!(rules(599, json!({"date": at(0), "last-modified": at(-1000)})).lifetime.as_secs(), 0);
        let public = rules(599, json!({"date": at(0), "last-modified": at(-1000), "cache-control": "public"}));
        assert_eq!(public.lifetime.as_secs(), 100);
    }

    #[test]
    fn storability() {
        let s = |status, h: Value| storable(status, &map(h), false);
        assert!(s(200, json!({})), "heuristically cacheable");
        assert!(!s(201, json!({})));
        for status in [299, 400, 499, 500, 502, 503, 504, 599] {
            assert!(s(status, json!({"cache-control": "max-age=60"})), "{status}");
            assert!(!s(status, json!({})), "{status}");
        }
        assert!(!s(304, json!({"cache-control": "max-age=60"})));
        assert!(!s(206, json!({"cache-control": "max-age=60"})), "206 only as a checked partial");
        assert!(storable(206, &map(json!({})), true));
        assert!(!s(200, json!({"cache-control": "No-Store, max-age=60"})));
        assert!(s(200, json!({"cache-control": "max-age=60, no-store, must-understand"})));
        assert!(!s(599, json!({"cache-control": "max-age=60, no-store, must-understand"})));
        assert!(s(599, json!({"cache-control": "public"})));
        assert!(s(599, json!({"cache-control": "private"})));
        assert!(!s(200, json!({"vary": "Foo, *"})));
        assert!(s(200, json!({"cache-control": "private, max-age=60"})));
    }

    #[test]
    fn uses() {
        let now = SystemTime::now();
        let req = |cc: &str| RequestDirectives::new(Some(cc), None);
        let none = RequestDirectives::default();
        let fresh = rules(200, json!({"cache-control": "max-age=100", "age": "10"}));
        assert_eq!(fresh.evaluate(&none, now), Use::Fresh);
        assert_eq!(fresh.evaluate(&req("max-age=5"), now), Use::Validate);
        assert_eq!(fresh.evaluate(&req("min-fresh=95"), now), Use::Validate);
        assert_eq!(fresh.evaluate(&req("no-cache"), now), Use::Validate);
        let immutable = rules(200, json!({"cache-control": "max-age=100, immutable", "age": "10"}));
        assert_eq!(immutable.evaluate(&req("max-age=0"), now), Use::Fresh, "a reload keeps it");
        assert_eq!(immutable.evaluate(&req("no-cache"), now), Use::Validate, "a forced reload does not");
        let stale = rules(200, json!({"cache-control": "max-age=10, stale-while-revalidate=20", "age": "15"}));
        assert_eq!(stale.evaluate(&none, now), Use::StaleWhileRevalidate);
        assert_eq!(stale.evaluate(&req("max-stale=10"), now), Use::StaleAllowed);
        assert_eq!(stale.evaluate(&req("max-stale=1"), now), Use::StaleWhileRevalidate);
        assert_eq!(stale.evaluate(&req("max-age=1"), now), Use::Validate);
        let too_stale = rules(200, json!({"cache-control": "max-age=10, stale-while-revalidate=2", "age": "15"}));
        assert_eq!(too_stale.evaluate(&none, now), Use::Validate);
        let must = rules(200, json!({"cache-control": "max-age=10, must-revalidate, stale-if-error=60", "age": "15"}));
        assert_eq!(must.evaluate(&req("max-stale"), now), Use::Validate);
        assert!(!must.stale_if_error(&none, now));
        let sie = rules(200, json!({"cache-control": "max-age=10, stale-if-error=60", "age": "15"}));
        assert!(sie.stale_if_error(&none, now));
        assert!(!sie.stale_if_error(&req("no-cache"), now));
        let sie_short = rules(200, json!({"cache-control": "max-age=10, stale-if-error=1", "age": "15"}));
        assert!(!sie_short.stale_if_error(&none, now));
        assert!(sie_short.stale_if_error(&req("stale-if-error=100"), now), "the request may widen it");
        let no_cache = rules(200, json!({"cache-control": "max-age=100, no-cache"}));
        assert_eq!(no_cache.evaluate(&none, now), Use::Validate);
        let qualified = rules(200, json!({"cache-control": "max-age=100, no-cache=\"a\""}));
        assert_eq!(qualified.evaluate(&none, now), Use::Fresh, "qualified no-cache names fields only");
    }

    #[test]
    fn stored_fields_leave_out_what_must_not_be_stored() {
        let h = map(json!({
            "connection": "a, B", "a": "1", "b": "2", "c": "3", "keep-alive": "x", "te": "x",
            "proxy-authenticate": "x", "proxy-authentication-info": "x", "proxy-authorization": "x",
            "cache-control": "no-cache=\"d\", max-age=60", "d": "4", "transfer-encoding": "chunked",
            "upgrade": "h2c", "proxy-connection": "x", "set-cookie": ["s=1"]
        }));
        let s = stored_fields(&h, SystemTime::UNIX_EPOCH);
        let mut names: Vec<&str> = s.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, vec!["c", "cache-control", "date", "set-cookie"]);
        assert_eq!(s["date"], "Thu, 01 Jan 1970 00:00:00 GMT", "a missing Date is added");
        let dated = stored_fields(&map(json!({"date": "kept"})), SystemTime::UNIX_EPOCH);
        assert_eq!(dated["date"], "kept");
    }

    #[test]
    fn updates_and_matches() {
        let stored = map(json!({"etag": "\"v1\"", "content-length": "10", "x-a": "old", "age": "7",
            "cache-control": "max-age=0", "date": "Sun, 06 Nov 1994 08:49:37 GMT",
            "last-modified": "Sat, 05 Nov 1994 08:49:37 GMT"}));
        let nm = map(json!({"etag": "\"v1\"", "content-length": "0", "x-a": "new", "cache-control": "max-age=60",
            "connection": "close", "proxy-authenticate": "x"}));
        let m = merge_update(&stored, &nm);
        assert_eq!((m["content-length"].as_str(), m["x-a"].as_str()), (Some("10"), Some("new")));
        assert_eq!(m["cache-control"], "max-age=60");
        assert!(m.get("age").is_none() && m.get("connection").is_none() && m.get("proxy-authenticate").is_none());
        let v = |h: Value| validator_match(&stored, &map(h));
        assert_eq!(v(json!({"etag": "\"v1\""})), Match::Strong);
        assert_eq!(v(json!({"etag": "W/\"v1\""})), Match::Weak);
        assert_eq!(v(json!({"etag": "\"v2\""})), Match::Different);
        assert_eq!(v(json!({"last-modified": "Sat, 05 Nov 1994 08:49:37 GMT"})), Match::Strong);
        assert_eq!(v(json!({"last-modified": "Saturday, 05-Nov-94 08:49:37 GMT"})), Match::Strong, "same date");
        assert_eq!(v(json!({"last-modified": "Mon, 07 Nov 1994 08:49:37 GMT"})), Match::Different);
        assert_eq!(v(json!({"date": "x"})), Match::Unvalidated);
        assert_eq!(strong_validator(&stored).as_deref(), Some("\"v1\""));
        assert_eq!(strong_validator(&map(json!({"etag": "W/\"v1\""}))), None);
        assert_eq!(validators(&stored).len(), 2);
    }

    #[test]
    fn vary_normalization() {
        let n = normalize_field;
        assert_eq!(n("accept-language", "en, fr"), n("accept-language", "en,fr"));
        assert_eq!(n("accept-language", "en, de"), n("accept-language", "de, en"));
        assert_eq!(n("accept-language", "eN, De"), n("accept-language", " en ,   de"));
        assert_eq!(n("accept-language", "fr;q=0.5, de"), n("accept-language", "de;q=1.0, fr; Q=0.50"));
        assert_ne!(n("accept-language", "fr;q=0.5, de"), n("accept-language", "fr, de;q=0.5"));
        assert_eq!(n("accept", "Text/HTML;Level=1, */*;q=0.1"), "text/html;level=1, */*;q=0.1");
        assert_ne!(n("accept", "text/html;level=A"), n("accept", "text/html;level=a"), "parameter values keep case");
        assert_eq!(n("cache-control", "a,b"), n("cache-control", "a , b"));
        assert_eq!(n("foo", " 1, 2 "), "1, 2", "unknown fields: outer whitespace only");
        assert_ne!(n("foo", "1,2"), n("foo", "1, 2"));
        assert_eq!(
            vary_names(&map(json!({"vary": "Accept-Language, accept, , *"}))),
            vec!["*", "accept", "accept-language"]
        );
    }
}
