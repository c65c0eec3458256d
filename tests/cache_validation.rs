//! Validation and updates (RFC 9111 §3.2, §4.1, §4.3, §4.4; RFC 9110 §9.3.3) against the fault
//! server's `/script/<key>` route: what a `304` or a `HEAD` response updates, what the caller
//! gets, which entries `Vary` selects, and what unsafe methods invalidate. The route's log
//! shows what the cache sent.
//!
//! Every test here shares one process-wide cache and uses its own keys, so they may run in
//! parallel.
mod cache_support;
mod common;
use cache_support::*;
use common::{testbed, text};
use ohos_http::create_http;
use serde_json::json;

fn cache() {
    common::require_testbed();
    cache_in("cache-validation");
}

/// A stored response that is stale at once (Age beyond max-age), with these extra fields.
fn stale(extra: serde_json::Value) -> serde_json::Value {
    let mut headers = vec![json!(["Cache-Control", "max-age=1"]), json!(["Age", "5"])];
    headers.extend(extra.as_array().unwrap().iter().cloned());
    json!({ "headers": headers })
}

#[test]
fn a_304_updates_the_stored_fields_but_not_those_of_the_body() {
    testbed!();
    cache();
    let k = key("update");
    script(
        &k,
        json!([
            stale(json!([["ETag", "\"e1\""], ["Test-Header", "A"], ["X-Kept", "k"], ["Content-Type", "text/plain"]])),
            {"status": 304, "headers": [["ETag", "\"e1\""], ["Test-Header", "B"], ["Cache-Control", "max-age=3600"],
                ["Content-Length", "99"], ["Content-Encoding", "gzip"]]}
        ]),
    );
    let url = script_url(&k);
    let body = text(&get(&url, "{}"));
    let r = get(&url, "{}");
    // RFC 9111 §4.3.3: the caller, who sent no conditional request, gets the stored response
    assert_eq!((r.response_code, r.from_cache, text(&r)), (200, true, body.clone()));
    assert_eq!(script_log(&k)[1].header("if-none-match"), Some("\"e1\""));
    // §3.2: the 304's fields replace the stored ones, except those describing the stored body
    assert_eq!(r.header["test-header"], "B");
    assert_eq!(r.header["x-kept"], "k");
    assert_eq!(r.header["content-length"], body.len().to_string());
    assert!(r.header.get("content-encoding").is_none());
    // and the stored response is fresh again with them
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, script_hits(&k)), (true, 2));
    assert_eq!((r.header["test-header"].as_str(), text(&r)), (Some("B"), body));
}

#[test]
fn a_304_without_validators_validates_the_response_asked_about() {
    testbed!();
    cache();
    let k = key("bare-304");
    script(&k, json!([stale(json!([["Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"]])), {"status": 304}]));
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, "{}");
    assert_eq!((r.response_code, r.from_cache, text(&r)), (200, true, format!("{k}-1")));
    assert_eq!(script_log(&k)[1].header("if-modified-since"), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
}

#[test]
fn a_304_naming_another_version_updates_nothing_and_the_caller_gets_a_full_response() {
    testbed!();
    cache();
    // RFC 9111 §4.3.4: no stored response has the 304's strong validator, so none is updated;
    // the caller asked for no conditional request, so a bare 304 is no answer for it
    let k = key("other-etag");
    script(
        &k,
        json!([
            stale(json!([["ETag", "\"v1\""]])),
            {"status": 304, "headers": [["ETag", "\"v2\""], ["Cache-Control", "max-age=3600"]]},
            {"headers": [["ETag", "\"v2\""], ["Cache-Control", "max-age=3600"]], "body": "two"}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, "{}");
    assert_eq!((r.response_code, text(&r), r.from_cache), (200, "two".to_string(), false));
    let log = script_log(&k);
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(log[2].header("if-none-match"), None, "then unconditionally");
    // the stored v1 was dropped, not freshened by the 304
    let r = get(&url, r#"{"header":{"Cache-Control":"only-if-cached"}}"#);
    assert_eq!(r.response_code, 504);
    // stream requests get the full response too
    let k = key("other-etag-stream");
    script(
        &k,
        json!([stale(json!([["ETag", "\"v1\""]])), {"status": 304, "headers": [["ETag", "\"v2\""]]}, {"body": "two"}]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let http = create_http();
    let body = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
    let b = body.clone();
    http.on(ohos_http::EventType::DataReceive, move |e| {
        if let ohos_http::Event::DataReceive(chunk) = e {
            b.lock().extend_from_slice(chunk);
        }
    });
    assert_eq!(http.request_in_stream(&url, None).unwrap(), 200);
    assert_eq!(body.lock().as_slice(), b"two");
    assert_eq!(script_hits(&k), 3);
}

#[test]
fn a_304_updates_the_stored_responses_the_request_could_have_chosen() {
    testbed!();
    cache();
    // RFC 9111 §4.3.4: the candidates are those that could have been chosen for the request
    // (§4: URL, method, Vary); among them, every one with the 304's strong validator
    let k = key("variants");
    let variant = stale(json!([["Vary", "Foo"], ["ETag", "\"same\""]]));
    let not_modified = json!({"status": 304, "headers": [["ETag", "\"same\""], ["Cache-Control", "max-age=3600"]]});
    script(&k, json!([variant.clone(), variant, not_modified.clone(), not_modified]));
    let url = script_url(&k);
    let one = r#"{"header":{"Foo":"1"}}"#;
    let two = r#"{"header":{"Foo":"2"}}"#;
    get(&url, one);
    get(&url, two);
    let r = get(&url, one);
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, format!("{k}-1"), 3));
    let r = get(&url, two);
    assert_eq!(
        (r.from_cache, text(&r), script_hits(&k)),
        (true, format!("{k}-2"), 4),
        "another variant: validated itself"
    );
    assert!(get(&url, one).from_cache && get(&url, two).from_cache);
    // a HEAD may be answered by the stored GET response, so a 304 to a HEAD freshens it
    let k = key("head-304");
    script(
        &k,
        json!([stale(json!([["ETag", "\"g1\""]])), {"status": 304, "headers": [["ETag", "\"g1\""], ["Cache-Control", "max-age=3600"]]}]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"method":"HEAD"}"#);
    assert_eq!((r.response_code, r.from_cache, text(&r)), (200, true, String::new()));
    assert_eq!(script_log(&k)[1].method, "HEAD");
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, format!("{k}-1"), 2));
}

#[test]
fn the_applications_own_conditional_request_gets_its_304_and_freshens_the_store() {
    testbed!();
    cache();
    let k = key("own-304");
    script(
        &k,
        json!([
            stale(json!([["ETag", "\"o1\""]])),
            {"status": 304, "headers": [["ETag", "\"o1\""], ["Cache-Control", "max-age=3600"]]}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"If-None-Match":"\"o1\""}}"#);
    assert_eq!((r.response_code, r.from_cache), (304, false), "the application asked for it");
    let r = get(&url, "{}");
    assert_eq!((r.response_code, r.from_cache, script_hits(&k)), (200, true, 2), "the 304 freshened the entry");
    // a 304 without validators selects the only stored response when that has none either
    let k = key("own-304-bare");
    script(&k, json!([stale(json!([])), {"status": 304, "headers": [["Cache-Control", "max-age=3600"]]}]));
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"If-Modified-Since":"Sun, 06 Nov 1994 08:49:37 GMT"}}"#);
    assert_eq!(r.response_code, 304);
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, format!("{k}-1"), 2));
}

#[test]
fn head_is_answered_from_a_stored_get_and_a_head_200_updates_it() {
    testbed!();
    cache();
    // RFC 9110 §9.3.2: a stored GET response answers HEAD (fields only)
    let k = key("head-from-get");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"], ["X", "1"]], "body": "abc"}]));
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"method":"HEAD"}"#);
    assert_eq!((r.response_code, r.from_cache, text(&r), script_hits(&k)), (200, true, String::new(), 1));
    assert_eq!((r.header["x"].as_str(), r.header["content-length"].as_str()), (Some("1"), Some("3")));
    // RFC 9111 §4.3.5: a 200 to HEAD whose validators agree freshens the stored GET response
    let k = key("head-update");
    script(
        &k,
        json!([
            stale(json!([["ETag", "\"h1\""], ["X", "1"]])),
            {"headers": [["ETag", "\"h1\""], ["X", "2"], ["Cache-Control", "max-age=3600"]]}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"method":"HEAD"}"#);
    assert_eq!((r.response_code, r.from_cache), (200, false));
    let log = script_log(&k);
    assert_eq!((log[1].method.as_str(), log[1].header("if-none-match")), ("HEAD", Some("\"h1\"")));
    let r = get(&url, "{}");
    assert_eq!(
        (r.from_cache, text(&r), r.header["x"].as_str(), script_hits(&k)),
        (true, format!("{k}-1"), Some("2"), 2)
    );
    // one whose validator disagrees makes it stale: the next GET goes to the server
    let k = key("head-other");
    script(
        &k,
        json!([
            {"headers": [["ETag", "\"a\""], ["Cache-Control", "max-age=3600"]]},
            {"headers": [["ETag", "\"b\""], ["Cache-Control", "max-age=3600"]]}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    get(&url, r#"{"method":"HEAD","header":{"Cache-Control":"no-cache"}}"#);
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, script_hits(&k)), (false, 3));
    // so does one whose Content-Length disagrees
    let k = key("head-length");
    script(
        &k,
        json!([
            {"headers": [["ETag", "\"a\""], ["Cache-Control", "max-age=3600"]], "body": "abc"},
            {"headers": [["ETag", "\"a\""], ["Cache-Control", "max-age=3600"], ["Content-Length", "99"]]},
            {"headers": [["ETag", "\"a\""], ["Cache-Control", "max-age=3600"]], "body": "abc"}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    get(&url, r#"{"method":"HEAD","header":{"Cache-Control":"no-cache"}}"#);
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, script_hits(&k)), (false, 3));
}

#[test]
fn unsafe_methods_invalidate_location_and_content_location_on_the_same_origin() {
    testbed!();
    cache();
    // RFC 9111 §4.4
    let (a, b, c, p) = (key("loc"), key("cloc"), key("other-origin"), key("poster"));
    for k in [&a, &b, &c] {
        script(k, json!([{"headers": [["Cache-Control", "max-age=3600"]]}]));
        get(&script_url(k), "{}");
        assert!(get(&script_url(k), "{}").from_cache);
    }
    let other_origin = script_url(&c).replace("127.0.0.1", "localhost");
    script(
        &p,
        json!([
            {"status": 500, "headers": [["Location", format!("/script/{a}")]]},
            {"status": 201, "headers": [["Location", format!("/script/{a}")], ["Content-Location", format!("/script/{b}")]]},
            {"status": 200, "headers": [["Location", other_origin]]}
        ]),
    );
    let post = || get(&script_url(&p), r#"{"method":"POST","extraData":"x"}"#);
    post();
    assert!(get(&script_url(&a), "{}").from_cache, "an error response invalidates nothing");
    post();
    assert!(!get(&script_url(&a), "{}").from_cache, "Location invalidated");
    assert!(!get(&script_url(&b), "{}").from_cache, "Content-Location invalidated");
    get(&script_url(&p), r#"{"method":"PUT","extraData":"x"}"#);
    assert!(get(&script_url(&c), "{}").from_cache, "another origin is left alone");
}

#[test]
fn a_post_response_with_content_location_answers_a_later_get() {
    testbed!();
    cache();
    // RFC 9110 §9.3.3 with RFC 9111 §4.4: explicit freshness and Content-Location = the URL
    let k = key("post-reuse");
    script(
        &k,
        json!([{"headers": [["Cache-Control", "max-age=3600"], ["Content-Location", format!("/script/{k}")]], "body": "posted"}]),
    );
    let url = script_url(&k);
    let r = get(&url, r#"{"method":"POST","extraData":"x"}"#);
    assert_eq!(text(&r), "posted");
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, "posted".to_string(), 1));
    // without Content-Location (or without explicit freshness) it is not reused
    let k = key("post-no-cl");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"]]}]));
    let url = script_url(&k);
    get(&url, r#"{"method":"POST","extraData":"x"}"#);
    assert!(!get(&url, "{}").from_cache);
}

#[test]
fn vary_matches_normalized_values_where_the_grammar_allows() {
    testbed!();
    cache();
    // RFC 9111 §4.1
    let k = key("vary-norm");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"], ["Vary", "Accept-Language, Foo"]]}]));
    let url = script_url(&k);
    let with = |al: &str, foo: &str| get(&url, &json!({"header": {"Accept-Language": al, "Foo": foo}}).to_string());
    assert!(!with("en, fr", "1, 2").from_cache);
    for same in [("en,fr", "1, 2"), ("fr, en", "1, 2"), ("EN , Fr", " 1, 2 "), ("en;q=1.0, fr;q=1", "1, 2")] {
        assert!(with(same.0, same.1).from_cache, "{same:?}");
    }
    assert!(!with("fr;q=0.5, en", "1, 2").from_cache, "other weights are another request");
    assert!(!with("en, fr", "1,2").from_cache, "an unknown field's commas may matter");
    // lines of one field combine: "Foo" and "foo" are two lines of the same field
    let r = get(&url, r#"{"header":{"Accept-Language":"en, fr","Foo":"1","foo":"2"}}"#);
    assert!(r.from_cache);
    assert_eq!(script_hits(&k), 3);
}

#[test]
fn different_query_strings_are_different_entries() {
    testbed!();
    cache();
    let k = key("query");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"]]}]));
    let url = script_url(&k);
    get(&format!("{url}?a=1"), "{}");
    assert!(!get(&format!("{url}?a=2"), "{}").from_cache);
    assert!(get(&format!("{url}?a=1"), "{}").from_cache);
    assert!(get(&url, r#"{"extraData":"a=1"}"#).from_cache, "extraData builds the same URL");
}
