//! RFC 9111 decisions for a private cache.
//!
//! `http-cache-semantics` (as a private cache: `shared: false`) decides storability, freshness
//! (max-age, Expires, heuristic from Last-Modified, no-cache, must-revalidate), the request
//! directives (no-cache, max-age, min-fresh, max-stale, Pragma), Vary matching and which
//! validators a revalidation sends. The rules it does not cover, or gets wrong, are here:
//!
//! * Age: the crate computes a response's age as `Age + time resident`, without the apparent
//!   age (`response_time - Date`) and the response delay of RFC 9111 §4.2.3. Before a response
//!   is handed to the crate its `age` field is replaced by the corrected initial age
//!   ([`normalize_age`]), so the crate's sum is the RFC's `current_age`.
//! * Directive names: the crate matches `Cache-Control` directives case-sensitively; RFC 9111
//!   §5.2 says they are case-insensitive, so they are lower-cased first ([`header_map`]).
//!   Delta-seconds above 2^31 are capped at 2^31 (§1.2.2) instead of being read as 0.
//! * 304 handling: crate version 2.1.0 compares the stored Last-Modified with the new one read
//!   from the *new* response (fixed in 2.1.1, which needs a newer Rust than this crate's
//!   rust-version), so the selection of §4.3.4 ([`selects`]) and the header update
//!   ([`merge_not_modified`]) are done here.
//! * `only-if-cached` (§5.2.1.7) is not in the crate ([`request_directive`]).
//! * `immutable` does not extend freshness (the crate's 24 h default is turned off).
use crate::options::header_text;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http_cache_semantics::{CacheOptions, CachePolicy};
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

/// The largest delta-seconds value (RFC 9111 §1.2.2): larger ones mean this.
const MAX_DELTA_SECONDS: u64 = 1 << 31;

/// Fields that describe the stored body and are therefore never replaced by a 304's fields.
const BODY_FIELDS: &[&str] = &["content-length", "content-encoding", "transfer-encoding", "content-range"];

/// Hop-by-hop fields: not stored (RFC 9111 §3.1 with RFC 9110 §7.6.1).
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

/// The crate's options for a private (single-user) cache.
pub(crate) fn cache_options() -> CacheOptions {
    CacheOptions {
        shared: false,
        cache_heuristic: 0.1,
        immutable_min_time_to_live: Duration::ZERO,
        ignore_cargo_cult: false,
    }
}

/// `Cache-Control` with lower-cased directive names and capped delta-seconds.
fn normalize_cache_control(value: &str) -> String {
    value
        .split(',')
        .map(|part| {
            let part = part.trim();
            match part.split_once('=') {
                Some((name, arg)) => {
                    let arg = arg.trim();
                    let arg = match arg.parse::<u128>() {
                        Ok(n) if n > MAX_DELTA_SECONDS as u128 => MAX_DELTA_SECONDS.to_string(),
                        _ => arg.to_string(),
                    };
                    format!("{}={arg}", name.trim().to_ascii_lowercase())
                }
                None => part.to_ascii_lowercase(),
            }
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds one field to a `HeaderMap`, skipping names or values `http` cannot represent.
fn append(map: &mut HeaderMap, name: &str, value: &str) {
    let Ok(name) = HeaderName::from_bytes(name.trim().as_bytes()) else { return };
    let value = if name == http::header::CACHE_CONTROL || name == http::header::PRAGMA {
        normalize_cache_control(value)
    } else {
        value.to_string()
    };
    if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
        map.append(name, value);
    }
}

/// A `HeaderMap` from a JSON header map (request options or response headers): arrays (such
/// as `set-cookie`) become repeated fields.
pub(crate) fn header_map(fields: &Map<String, Value>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in fields {
        match value {
            Value::Array(items) => items.iter().filter_map(header_text).for_each(|v| append(&mut map, name, &v)),
            other => {
                if let Some(v) = header_text(other) {
                    append(&mut map, name, &v)
                }
            }
        }
    }
    map
}

/// A `HeaderMap` from name/value pairs.
pub(crate) fn header_pairs(pairs: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        append(&mut map, name, value);
    }
    map
}

/// Request parts for the crate; `None` when `http` cannot represent the method. The URL is
/// not the crate's business: the store finds entries by URL (the target's text) before the
/// crate sees a request, so every request has the same placeholder path here and no second
/// URL parser is involved.
pub(crate) fn request_parts(method: &str, headers: HeaderMap) -> Option<http::request::Parts> {
    let (mut parts, ()) = http::Request::builder().method(method).uri("/").body(()).ok()?.into_parts();
    parts.headers = headers;
    Some(parts)
}

/// The crate's policy for a stored response. `headers` must already carry the corrected
/// initial age (see [`normalize_age`]).
pub(crate) fn build_policy(
    method: &str,
    status: u32,
    request_headers: HeaderMap,
    headers: &Map<String, Value>,
    response_time: SystemTime,
) -> Option<CachePolicy> {
    let req = request_parts(method, request_headers)?;
    let status = http::StatusCode::from_u16(u16::try_from(status).ok()?).ok()?;
    let (mut res, ()) = http::Response::builder().status(status).body(()).ok()?.into_parts();
    res.headers = header_map(headers);
    Some(CachePolicy::new_options(&req, &res, response_time, cache_options()))
}

/// A field's value as text (the first element of an array).
pub(crate) fn field<'a>(headers: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    match headers.get(name)? {
        Value::String(s) => Some(s.as_str()),
        Value::Array(a) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

/// An HTTP date (IMF-fixdate, the form RFC 9110 requires senders to use).
pub(crate) fn http_date(text: &str) -> Option<SystemTime> {
    let t = OffsetDateTime::parse(text.trim(), &Rfc2822).ok()?;
    let secs = u64::try_from(t.unix_timestamp()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Replaces the `age` field by the corrected initial age of RFC 9111 §4.2.3:
/// `max(response_time - Date, Age + (response_time - request_time))`, in whole seconds.
/// From then on `age + time since response_time` is the response's current age.
pub(crate) fn normalize_age(headers: &mut Map<String, Value>, request_time: SystemTime, response_time: SystemTime) {
    let age_value = field(headers, "age").and_then(|a| a.trim().parse::<u64>().ok()).unwrap_or(0);
    let date = field(headers, "date").and_then(http_date).unwrap_or(response_time);
    let apparent_age = response_time.duration_since(date).unwrap_or_default();
    let response_delay = response_time.duration_since(request_time).unwrap_or_default();
    let corrected_age_value = Duration::from_secs(age_value.min(MAX_DELTA_SECONDS)) + response_delay;
    let initial = apparent_age.max(corrected_age_value);
    headers.insert("age".into(), Value::String(initial.as_secs().to_string()));
}

/// Removes the hop-by-hop fields (and those `Connection` names) before storage.
pub(crate) fn strip_hop_by_hop(headers: &mut Map<String, Value>) {
    let listed: Vec<String> = field(headers, "connection")
        .map(|c| c.split(',').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()).collect())
        .unwrap_or_default();
    for name in HOP_BY_HOP.iter().copied().chain(listed.iter().map(String::as_str)) {
        headers.remove(name);
    }
}

/// The lower-cased field names of a response's `Vary` ("*" included as is).
pub(crate) fn vary_names(headers: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = match headers.get("vary") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(v) => header_text(v).into_iter().collect(),
        None => Vec::new(),
    }
    .iter()
    .flat_map(|v| v.split(',').map(|n| n.trim().to_ascii_lowercase()).collect::<Vec<_>>())
    .filter(|n| !n.is_empty())
    .collect();
    names.sort();
    names.dedup();
    names
}

/// True when the request's `Cache-Control` has the argument-less `directive`
/// (`only-if-cached`, which the crate does not handle, or `no-store`, which it checks only on
/// the request a policy is built from: stored policies keep just the Vary'd fields).
pub(crate) fn request_directive(request_headers: &HeaderMap, directive: &str) -> bool {
    request_headers
        .get_all(http::header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|d| d.trim().eq_ignore_ascii_case(directive))
}

fn strip_weak(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// Whether a 304 received for a revalidation of `stored` applies to it (RFC 9111 §4.3.4): a
/// strong ETag in the 304 must equal the stored one; a weak one must match it weakly; without
/// an ETag, a Last-Modified in the 304 must equal the stored one. A 304 with no validator at
/// all answers the conditional request made for this one stored response, so it applies (the
/// RFC's "only one stored response" case, as browsers handle it).
pub(crate) fn selects(stored: &Map<String, Value>, not_modified: &Map<String, Value>) -> bool {
    let stored_etag = field(stored, "etag").map(str::trim);
    if let Some(new) = field(not_modified, "etag").map(str::trim) {
        return match stored_etag {
            Some(old) if new.starts_with("W/") => strip_weak(old) == strip_weak(new),
            Some(old) => old == new,
            None => false,
        };
    }
    if let Some(new) = field(not_modified, "last-modified") {
        return field(stored, "last-modified").is_some_and(|old| old.trim() == new.trim());
    }
    true
}

/// The stored fields updated by a 304 (RFC 9111 §4.3.4): every field the 304 carries replaces
/// the stored one, except the fields that describe the stored body and hop-by-hop fields.
/// `age` is the 304's own (or none); the caller normalizes it.
pub(crate) fn merge_not_modified(stored: &Map<String, Value>, not_modified: &Map<String, Value>) -> Map<String, Value> {
    let mut merged = stored.clone();
    merged.remove("age");
    for (name, value) in not_modified {
        if BODY_FIELDS.contains(&name.as_str()) || HOP_BY_HOP.contains(&name.as_str()) {
            continue;
        }
        merged.insert(name.clone(), value.clone());
    }
    strip_hop_by_hop(&mut merged);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn dates_parse() {
        let t = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(), 784111777);
        assert!(http_date("0").is_none());
    }

    #[test]
    fn corrected_initial_age() {
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(784111777);
        let mut h = map(json!({"date": "Sun, 06 Nov 1994 08:49:37 GMT", "age": "5"}));
        // received 100 s after the Date (apparent age 100), request sent 2 s before
        normalize_age(&mut h, date + Duration::from_secs(98), date + Duration::from_secs(100));
        assert_eq!(h["age"], "100");
        let mut h = map(json!({"date": "Sun, 06 Nov 1994 08:49:37 GMT", "age": "50"}));
        normalize_age(&mut h, date, date + Duration::from_secs(3));
        assert_eq!(h["age"], "53", "Age + response delay wins over a small apparent age");
        let mut h = map(json!({}));
        normalize_age(&mut h, date, date);
        assert_eq!(h["age"], "0", "no Date: the response time stands in for it");
    }

    #[test]
    fn cache_control_normalized() {
        assert_eq!(normalize_cache_control("Max-Age=60, No-Cache"), "max-age=60, no-cache");
        assert_eq!(normalize_cache_control("max-age=99999999999999"), "max-age=2147483648");
        let hm = header_map(&map(json!({"Cache-Control": "MAX-AGE=5", "set-cookie": ["a=1", "b=2"], "x": 3})));
        assert_eq!(hm["cache-control"], "max-age=5");
        assert_eq!(hm.get_all("set-cookie").iter().count(), 2);
        assert_eq!(hm["x"], "3");
    }

    #[test]
    fn freshness_through_the_crate() {
        let now = SystemTime::now();
        let fresh = |h: Value| {
            let mut h = map(h);
            normalize_age(&mut h, now, now);
            let p = build_policy("GET", 200, HeaderMap::new(), &h, now).unwrap();
            (p.is_storable(), !p.is_stale(now + Duration::from_secs(1)))
        };
        assert_eq!(fresh(json!({"cache-control": "max-age=60"})), (true, true));
        assert_eq!(fresh(json!({"Cache-Control": "Max-Age=60"})), (true, true), "case-insensitive directives");
        assert_eq!(fresh(json!({"cache-control": "no-store"})), (false, false));
        assert_eq!(fresh(json!({"cache-control": "private, max-age=60"})), (true, true), "private cache");
        assert_eq!(fresh(json!({"cache-control": "s-maxage=60"})), (true, false), "s-maxage is for shared caches");
        assert_eq!(fresh(json!({"cache-control": "no-cache, max-age=60"})), (true, false));
        assert_eq!(fresh(json!({"cache-control": "immutable"})), (true, false), "immutable does not add freshness");
        // heuristic: 10 % of (Date - Last-Modified) = 10 days here
        let date = httpdate(now);
        let lm = httpdate(now - Duration::from_secs(100 * 86400));
        assert_eq!(fresh(json!({"date": date, "last-modified": lm})), (true, true));
        // an age beyond the lifetime is stale
        assert_eq!(fresh(json!({"cache-control": "max-age=60", "age": "100"})), (true, false));
        // Expires relative to Date
        let exp = httpdate(now + Duration::from_secs(3600));
        assert_eq!(fresh(json!({"date": date, "expires": exp})), (true, true));
        assert_eq!(fresh(json!({"date": date, "expires": "0"})), (true, false));
    }

    fn httpdate(t: SystemTime) -> String {
        let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
        let dt = OffsetDateTime::from_unix_timestamp(secs).unwrap();
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            DAYS[dt.weekday().number_days_from_monday() as usize],
            dt.day(),
            MONTHS[dt.month() as usize - 1],
            dt.year(),
            dt.hour(),
            dt.minute(),
            dt.second()
        )
    }

    #[test]
    fn not_modified_selection() {
        let stored = map(json!({"etag": "\"v1\"", "last-modified": "Sun, 06 Nov 1994 08:49:37 GMT"}));
        assert!(selects(&stored, &map(json!({"etag": "\"v1\""}))));
        assert!(!selects(&stored, &map(json!({"etag": "\"v2\""}))));
        assert!(selects(&stored, &map(json!({"etag": "W/\"v1\""}))), "weak comparison for a weak 304 tag");
        let weak = map(json!({"etag": "W/\"v1\""}));
        assert!(!selects(&weak, &map(json!({"etag": "\"v1\""}))), "a strong tag needs the same strong tag");
        assert!(selects(&stored, &map(json!({"last-modified": "Sun, 06 Nov 1994 08:49:37 GMT"}))));
        assert!(!selects(&stored, &map(json!({"last-modified": "Mon, 07 Nov 1994 08:49:37 GMT"}))));
        assert!(selects(&stored, &map(json!({"date": "x"}))), "no validator: the one entry asked about");
    }

    #[test]
    fn not_modified_merge() {
        let stored = map(
            json!({"etag": "\"v1\"", "content-length": "10", "x-a": "old", "age": "7", "cache-control": "max-age=0"}),
        );
        let nm = map(
            json!({"etag": "\"v1\"", "content-length": "0", "x-a": "new", "cache-control": "max-age=60", "connection": "close"}),
        );
        let m = merge_not_modified(&stored, &nm);
        assert_eq!(m["content-length"], "10");
        assert_eq!(m["x-a"], "new");
        assert_eq!(m["cache-control"], "max-age=60");
        assert!(m.get("age").is_none() && m.get("connection").is_none());
    }

    #[test]
    fn vary_and_request_directives() {
        assert_eq!(vary_names(&map(json!({"vary": "Accept-Language, accept"}))), vec!["accept", "accept-language"]);
        assert!(vary_names(&map(json!({}))).is_empty());
        let h = header_pairs(&[("Cache-Control".into(), "max-stale, Only-If-Cached".into())]);
        assert!(request_directive(&h, "only-if-cached"));
        assert!(!request_directive(&h, "no-store"));
    }
}
