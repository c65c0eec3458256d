//! Serving stale responses (RFC 5861 `stale-while-revalidate` and `stale-if-error`; RFC 9111
//! §4.2.4, §5.2.2.2) against the fault server's `/script/<key>` route, which can answer slowly,
//! with a 5xx or not at all, and logs every request it got (so a background revalidation is
//! seen even though no caller waited for it).
//!
//! Every test here shares one process-wide cache and uses its own keys, so they may run in
//! parallel.
mod cache_support;
mod common;
use cache_support::*;
use common::{testbed, text};
use ohos_http::{create_http, HttpResponse};
use serde_json::json;
use std::time::{Duration, Instant};

fn cache() {
    common::require_testbed();
    cache_in("cache-stale");
}

/// Waits until the cache alone (`only-if-cached`: no network) answers `url` with a response
/// for which `done` holds; panics after 10 s.
fn wait_for_stored(url: &str, done: impl Fn(&HttpResponse) -> bool) -> HttpResponse {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = get(url, r#"{"header":{"Cache-Control":"only-if-cached"}}"#);
        if r.response_code == 200 && done(&r) {
            return r;
        }
        assert!(Instant::now() < deadline, "the background revalidation never updated the entry");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn stale_while_revalidate_answers_at_once_and_revalidates_in_the_background() {
    testbed!();
    cache();
    let k = key("swr");
    script(
        &k,
        json!([
            {"headers": [["Cache-Control", "max-age=1, stale-while-revalidate=60"], ["ETag", "\"w1\""], ["Age", "5"]]},
            {"delay_ms": 1500, "headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"w2\""]]}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let started = Instant::now();
    let r = get(&url, "{}");
    let latency = started.elapsed();
    // the caller gets the stale response without waiting for the origin (1.5 s)
    assert_eq!((r.response_code, r.from_cache, text(&r)), (200, true, format!("{k}-1")));
    assert!(latency < Duration::from_millis(1000), "the caller waited {latency:?}");
    assert!(r.http_version.is_empty(), "no network request of its own");
    // the background request is a real one, conditional on the stored ETag
    let deadline = Instant::now() + Duration::from_secs(5);
    while script_hits(&k) < 2 {
        assert!(Instant::now() < deadline, "no background revalidation reached the server");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(script_log(&k)[1].header("if-none-match"), Some("\"w1\""));
    // its 200 replaced the entry: the next request gets the new response, from the cache
    let r = wait_for_stored(&url, |r| text(r) == format!("{k}-2"));
    assert_eq!(r.header["etag"], "\"w2\"");
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, format!("{k}-2"), 2));
}

#[test]
fn a_304_to_the_background_revalidation_freshens_the_entry() {
    testbed!();
    cache();
    let k = key("swr-304");
    script(
        &k,
        json!([
            {"headers": [["Cache-Control", "max-age=1, stale-while-revalidate=60"], ["ETag", "\"b1\""], ["Age", "5"], ["X", "old"]]},
            {"status": 304, "headers": [["ETag", "\"b1\""], ["Cache-Control", "max-age=3600"], ["X", "new"]]}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, r.header["x"].as_str()), (true, Some("old")), "served stale");
    let r = wait_for_stored(&url, |r| r.header["x"] == "new");
    assert_eq!(text(&r), format!("{k}-1"), "the stored body, freshened");
    assert_eq!(script_hits(&k), 2);
}

#[test]
fn one_background_revalidation_per_entry_and_none_after_the_window() {
    testbed!();
    cache();
    let k = key("swr-once");
    script(
        &k,
        json!([
            {"headers": [["Cache-Control", "max-age=1, stale-while-revalidate=60"], ["ETag", "\"o1\""], ["Age", "5"]]},
            {"delay_ms": 1000, "status": 304, "headers": [["ETag", "\"o1\""], ["Cache-Control", "max-age=3600"]]}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    for _ in 0..5 {
        assert!(get(&url, "{}").from_cache);
    }
    wait_for_stored(&url, |r| r.header["cache-control"] == "max-age=3600");
    assert_eq!(script_hits(&k), 2, "five stale answers, one revalidation");
    // beyond the window the stale response is validated before it is used
    let k = key("swr-window");
    script(
        &k,
        json!([
            {"headers": [["Cache-Control", "max-age=1, stale-while-revalidate=2"], ["ETag", "\"x1\""], ["Age", "10"]]},
            {"headers": [["Cache-Control", "max-age=3600"]], "body": "fresh"}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (false, "fresh".to_string(), 2));
    // and must-revalidate forbids serving it stale at all (RFC 9111 §5.2.2.2)
    let k = key("swr-must");
    script(
        &k,
        json!([
            {"headers": [["Cache-Control", "max-age=1, must-revalidate, stale-while-revalidate=60"], ["Age", "5"]]},
            {"body": "validated"}
        ]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    assert_eq!(text(&get(&url, "{}")), "validated");
}

#[test]
fn stale_if_error_answers_instead_of_a_5xx_or_a_dropped_connection() {
    testbed!();
    cache();
    let stored = |cc: &str| json!({"headers": [["Cache-Control", cc], ["Age", "5"]], "body": "stored"});
    // RFC 5861 §4: a 500, 502, 503 or 504, or no response at all, within the window
    for (name, error) in [("sie-503", json!({"status": 503})), ("sie-close", json!({"disconnect": true}))] {
        let k = key(name);
        script(&k, json!([stored("max-age=1, stale-if-error=60"), error]));
        let url = script_url(&k);
        get(&url, "{}");
        let r = get(&url, "{}");
        assert_eq!((r.response_code, r.from_cache, text(&r)), (200, true, "stored".to_string()), "{name}");
        assert_eq!(script_hits(&k), 2, "{name}: the origin was asked first");
    }
    // the request's own stale-if-error counts too
    let k = key("sie-request");
    script(&k, json!([stored("max-age=1"), {"status": 500}]));
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"Cache-Control":"stale-if-error=60"}}"#);
    assert_eq!((r.response_code, text(&r)), (200, "stored".to_string()));
    // outside the window, without the directive, or with must-revalidate: the error stands
    for (name, cc) in [
        ("sie-expired", "max-age=1, stale-if-error=1"),
        ("sie-none", "max-age=1"),
        ("sie-must", "max-age=1, must-revalidate, stale-if-error=60"),
    ] {
        let k = key(name);
        script(&k, json!([stored(cc), {"status": 503}]));
        let url = script_url(&k);
        get(&url, "{}");
        let r = get(&url, "{}");
        assert_eq!((r.response_code, r.from_cache), (503, false), "{name}");
    }
    let k = key("sie-none-close");
    script(&k, json!([stored("max-age=1"), {"disconnect": true}]));
    let url = script_url(&k);
    get(&url, "{}");
    let e = create_http().request(&url, None).unwrap_err();
    assert_eq!(e.code(), 2_300_052, "no stale answer without the origin's or the caller's permission");
}

/// A stream request: (status, body delivered through dataReceive).
fn stream(url: &str) -> (u32, Vec<u8>) {
    let http = create_http();
    let body = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
    let b = body.clone();
    http.on(ohos_http::EventType::DataReceive, move |e| {
        if let ohos_http::Event::DataReceive(chunk) = e {
            b.lock().extend_from_slice(chunk);
        }
    });
    let status = http.request_in_stream(url, None).unwrap();
    let body = body.lock().clone();
    (status, body)
}

#[test]
fn stale_if_error_never_mixes_two_bodies_in_a_stream() {
    testbed!();
    cache();
    let stored =
        json!({"headers": [["Cache-Control", "max-age=1, stale-if-error=60"], ["Age", "5"]], "body": "stored"});
    // the error's body already went to the caller: it stands
    let k = key("sie-stream-body");
    script(&k, json!([stored, {"status": 503, "body": "error page"}]));
    let url = script_url(&k);
    stream(&url);
    assert_eq!(stream(&url), (503, b"error page".to_vec()));
    // a bodiless error is replaced by the stale response
    let k = key("sie-stream-empty");
    script(&k, json!([stored, {"status": 503, "body": ""}]));
    let url = script_url(&k);
    stream(&url);
    assert_eq!(stream(&url), (200, b"stored".to_vec()));
    assert_eq!(script_hits(&k), 2);
}
