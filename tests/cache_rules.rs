//! The response cache's HTTP rules against the fault server, whose `/count/<key>` route counts
//! requests: a count that does not move proves a response came from the cache.
//!
//! Every test here shares one process-wide cache (created once, 10 MiB, never deleted) and
//! uses its own keys, so they may run in parallel.
mod cache_support;
mod common;
use cache_support::*;
use common::{block_on, opts, testbed, text};
use ohos_http::{create_http, Event, EventType, HttpResponseCache};
use parking_lot::Mutex;
use std::sync::{mpsc, Arc};
use std::time::Duration;

fn cache() -> HttpResponseCache {
    cache_in("cache-rules")
}

#[test]
fn fresh_hit_is_served_without_a_network_request() {
    testbed!();
    cache();
    let k = key("fresh");
    let url = count_url(&k, "cc=max-age=3600");
    let first = get(&url, "{}");
    assert_eq!((first.response_code, first.from_cache), (200, false));
    assert_eq!(text(&first), format!("body-{k}-1"));
    let second = get(&url, "{}");
    assert_eq!(hits(&k), 1, "the second request must not reach the server");
    assert_eq!((second.response_code, second.from_cache), (200, true));
    assert_eq!(text(&second), format!("body-{k}-1"));
    assert_eq!(second.header["x-count"], "1");
    assert!(second.header.contains_key("age"), "a cached response carries its Age");
    assert!(second.http_version.is_empty(), "no network request was made");
}

#[test]
fn a_hit_fires_headers_receive() {
    testbed!();
    cache();
    let k = key("hit-headers");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url, "{}");
    let http = create_http();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    http.on(EventType::HeadersReceive, move |e| {
        if let Event::HeadersReceive(h) = e {
            s.lock().push(h.get("x-count").cloned());
        }
    });
    let r = http.request(&url, None).unwrap();
    assert!(r.from_cache);
    assert_eq!(*seen.lock(), vec![Some(serde_json::json!("1"))]);
}

#[test]
fn stale_entry_is_revalidated_and_a_304_serves_the_stored_body_as_200() {
    testbed!();
    cache();
    let k = key("etag");
    let url = count_url(&k, "cc=max-age=0&etag=v1&ct=text/plain");
    let first = get(&url, "{}");
    assert_eq!(text(&first), format!("body-{k}-1"));
    let second = get(&url, "{}");
    assert_eq!(hits(&k), 2, "a stale entry is revalidated");
    assert_eq!(second.response_code, 200, "the 304 is not handed to the caller");
    assert!(second.from_cache);
    assert_eq!(text(&second), format!("body-{k}-1"), "the stored body");
    assert_eq!(second.header["x-count"], "2", "the 304's fields update the stored ones");
    assert_eq!(second.header["content-type"], "text/plain");
    assert!(!second.http_version.is_empty(), "a network request was made");
    let third = get(&url, "{}");
    assert_eq!((hits(&k), text(&third).as_str(), third.response_code), (3, format!("body-{k}-1").as_str(), 200));
}

#[test]
fn last_modified_revalidation_uses_if_modified_since() {
    testbed!();
    cache();
    let k = key("lm");
    let url = count_url(&k, "cc=no-cache&lm=Sun,%2006%20Nov%201994%2008:49:37%20GMT");
    get(&url, "{}");
    let second = get(&url, "{}");
    assert_eq!(hits(&k), 2, "no-cache: always revalidated");
    assert_eq!((second.response_code, second.from_cache), (200, true));
    assert_eq!(text(&second), format!("body-{k}-1"));
}

#[test]
fn heuristic_freshness_from_last_modified() {
    testbed!();
    cache();
    let k = key("heuristic");
    // 10 % of the time since 1994: fresh for years
    let url = count_url(&k, "lm=Sun,%2006%20Nov%201994%2008:49:37%20GMT");
    get(&url, "{}");
    let second = get(&url, "{}");
    assert_eq!(hits(&k), 1);
    assert!(second.from_cache);
}

#[test]
fn expires_decides_without_max_age() {
    testbed!();
    cache();
    let k = key("expires-future");
    let url = count_url(&k, "expires=Fri,%2001%20Jan%202100%2000:00:00%20GMT");
    get(&url, "{}");
    assert!(get(&url, "{}").from_cache);
    assert_eq!(hits(&k), 1);
    let k = key("expires-past");
    let url = count_url(&k, "expires=Thu,%2001%20Jan%201970%2000:00:00%20GMT");
    get(&url, "{}");
    assert!(!get(&url, "{}").from_cache);
    assert_eq!(hits(&k), 2);
    // max-age wins over Expires
    let k = key("expires-maxage");
    let url = count_url(&k, "cc=max-age=3600&expires=Thu,%2001%20Jan%201970%2000:00:00%20GMT");
    get(&url, "{}");
    assert!(get(&url, "{}").from_cache);
    assert_eq!(hits(&k), 1);
}

#[test]
fn vary_keeps_one_entry_per_varying_request_value() {
    testbed!();
    cache();
    let k = key("vary");
    let url = count_url(&k, "cc=max-age=3600&vary=Accept-Language");
    let en = r#"{"header":{"Accept-Language":"en"}}"#;
    let fr = r#"{"header":{"Accept-Language":"fr"}}"#;
    assert_eq!(text(&get(&url, en)), format!("body-{k}-1"));
    let r = get(&url, fr);
    assert_eq!((text(&r), r.from_cache), (format!("body-{k}-2"), false), "another language is another entry");
    let r = get(&url, en);
    assert_eq!((text(&r), r.from_cache), (format!("body-{k}-1"), true));
    let r = get(&url, fr);
    assert_eq!((text(&r), r.from_cache), (format!("body-{k}-2"), true));
    let r = get(&url, "{}");
    assert_eq!((text(&r), r.from_cache), (format!("body-{k}-3"), false), "no Accept-Language is a value too");
    assert_eq!(hits(&k), 3);
}

#[test]
fn vary_star_is_never_reused() {
    testbed!();
    cache();
    let k = key("vary-star");
    let url = count_url(&k, "cc=max-age=3600&vary=*");
    get(&url, "{}");
    assert!(!get(&url, "{}").from_cache);
    assert_eq!(hits(&k), 2);
}

#[test]
fn no_store_is_never_stored() {
    testbed!();
    cache();
    let k = key("no-store");
    let url = count_url(&k, "cc=no-store,%20max-age=3600&etag=v1");
    for n in 1..=3 {
        let r = get(&url, "{}");
        assert_eq!((r.response_code, r.from_cache, text(&r)), (200, false, format!("body-{k}-{n}")));
    }
    assert_eq!(hits(&k), 3);
    // a request's no-store keeps it out as well
    let k = key("req-no-store");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url, r#"{"header":{"Cache-Control":"no-store"}}"#);
    assert!(!get(&url, "{}").from_cache);
    assert_eq!(hits(&k), 2);
}

#[test]
fn private_responses_are_stored_by_this_private_cache() {
    testbed!();
    cache();
    let k = key("private");
    let url = count_url(&k, "cc=private,%20max-age=3600");
    get(&url, "{}");
    assert!(get(&url, "{}").from_cache);
    // s-maxage is for shared caches only: without max-age nothing makes it fresh
    let k2 = key("s-maxage");
    let url = count_url(&k2, "cc=s-maxage=3600");
    get(&url, "{}");
    assert!(!get(&url, "{}").from_cache);
    assert_eq!((hits(&k), hits(&k2)), (1, 2));
}

#[test]
fn request_directives_no_cache_max_age_min_fresh_max_stale() {
    testbed!();
    cache();
    let k = key("req-directives");
    let url = count_url(&k, "cc=max-age=3600&etag=v1");
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"Cache-Control":"no-cache"}}"#);
    assert_eq!((hits(&k), r.from_cache, r.response_code), (2, true, 200), "no-cache revalidates (304)");
    let r = get(&url, r#"{"header":{"Pragma":"no-cache"}}"#);
    assert_eq!((hits(&k), r.from_cache), (3, true), "Pragma: no-cache too");
    std::thread::sleep(Duration::from_millis(1100));
    let r = get(&url, r#"{"header":{"Cache-Control":"max-age=0"}}"#);
    assert_eq!((hits(&k), r.from_cache), (4, true), "older than max-age=0: revalidated");
    let r = get(&url, r#"{"header":{"Cache-Control":"min-fresh=7200"}}"#);
    assert_eq!((hits(&k), r.from_cache), (5, true), "not fresh for another 2 h: revalidated");
    let r = get(&url, r#"{"header":{"Cache-Control":"max-age=600, min-fresh=60"}}"#);
    assert_eq!((hits(&k), r.from_cache), (5, true), "satisfied without a request");
    assert_eq!(text(&r), format!("body-{k}-1"));

    // max-stale: a stale entry without validators is usable only when the request allows it
    let k = key("max-stale");
    let url = count_url(&k, "cc=max-age=0");
    get(&url, "{}");
    std::thread::sleep(Duration::from_millis(1100));
    let r = get(&url, r#"{"header":{"Cache-Control":"max-stale"}}"#);
    assert_eq!((hits(&k), r.from_cache, text(&r)), (1, true, format!("body-{k}-1")));
    let r = get(&url, r#"{"header":{"Cache-Control":"max-stale=3600"}}"#);
    assert_eq!((hits(&k), r.from_cache), (1, true));
    let r = get(&url, "{}");
    assert_eq!((hits(&k), r.from_cache), (2, false));
    // must-revalidate forbids serving it stale
    let k = key("must-revalidate");
    let url = count_url(&k, "cc=max-age=0,%20must-revalidate");
    get(&url, "{}");
    std::thread::sleep(Duration::from_millis(1100));
    let r = get(&url, r#"{"header":{"Cache-Control":"max-stale"}}"#);
    assert_eq!((hits(&k), r.from_cache), (2, false));
}

#[test]
fn only_if_cached_answers_504_when_nothing_usable_is_stored() {
    testbed!();
    cache();
    let k = key("only-if-cached");
    let url = count_url(&k, "cc=max-age=3600");
    let oic = r#"{"header":{"Cache-Control":"only-if-cached"}}"#;
    let r = get(&url, oic);
    assert_eq!((r.response_code, r.from_cache), (504, true));
    assert_eq!(hits(&k), 0, "no network request");
    get(&url, "{}");
    let r = get(&url, oic);
    assert_eq!((r.response_code, r.from_cache, text(&r)), (200, true, format!("body-{k}-1")));
    // stale: 504 unless max-stale allows it
    let k = key("only-if-cached-stale");
    let url = count_url(&k, "cc=max-age=0&etag=v1");
    get(&url, "{}");
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(get(&url, oic).response_code, 504);
    let r = get(&url, r#"{"header":{"Cache-Control":"only-if-cached, max-stale"}}"#);
    assert_eq!((r.response_code, r.from_cache), (200, true));
    assert_eq!(hits(&k), 1);
}

#[test]
fn using_cache_false_bypasses_reads_but_still_stores() {
    testbed!();
    cache();
    let k = key("using-cache-false");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url, "{}");
    let r = get(&url, r#"{"usingCache":false}"#);
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-2")));
    assert_eq!(hits(&k), 2);
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (true, format!("body-{k}-2")), "its response replaced the entry");
    assert_eq!(hits(&k), 2);
}

#[test]
fn authorization_is_part_of_the_key() {
    testbed!();
    cache();
    let k = key("auth");
    let url = count_url(&k, "cc=max-age=3600");
    let a = r#"{"header":{"Authorization":"Bearer a"}}"#;
    let b = r#"{"header":{"Authorization":"Bearer b"}}"#;
    assert_eq!(text(&get(&url, a)), format!("body-{k}-1"));
    let r = get(&url, b);
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-2")));
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-3")), "never served without credentials");
    assert_eq!(text(&get(&url, a)), format!("body-{k}-1"));
    assert_eq!(text(&get(&url, b)), format!("body-{k}-2"));
    assert_eq!(hits(&k), 3);
}

#[test]
fn unsafe_methods_invalidate_the_url() {
    testbed!();
    cache();
    let k = key("invalidate");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url, "{}");
    assert!(get(&url, "{}").from_cache);
    let post = get(&url, r#"{"method":"POST","extraData":"x"}"#);
    assert!(!post.from_cache);
    assert_eq!(hits(&k), 2);
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-3")), "the POST removed the entry");
    assert!(get(&url, "{}").from_cache);
    get(&url, r#"{"method":"DELETE"}"#);
    assert!(!get(&url, "{}").from_cache);
    assert_eq!(hits(&k), 5);
}

#[test]
fn a_redirected_response_is_not_stored_under_the_first_url() {
    testbed!();
    cache();
    let k = key("redirect");
    let target = format!("/count/{k}?cc=max-age=3600");
    let url = format!("{FAULT}/status/302?location={}", target.replace('?', "%3F").replace('=', "%3D"));
    let r = get(&url, "{}");
    assert_eq!((r.response_code, text(&r)), (200, format!("body-{k}-1")));
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-2")));
}

#[test]
fn application_conditionals_and_multiple_ranges_pass_by() {
    testbed!();
    cache();
    let k = key("pass-by");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"If-None-Match":"\"nope\""}}"#);
    assert!(!r.from_cache, "the application validates by itself");
    let r = get(&url, r#"{"header":{"Range":"bytes=0-1,3-4"}}"#);
    assert!(!r.from_cache, "several ranges are the origin's to answer");
    let r = get(&url, r#"{"header":{"Range":"bytes=0-3"}}"#);
    assert_eq!((r.response_code, r.from_cache, text(&r)), (206, true, "body".to_string()), "one range is served");
    assert_eq!(hits(&k), 3);
}

#[test]
fn max_limit_applies_to_cached_bodies() {
    testbed!();
    cache();
    let k = key("maxlimit");
    let url = count_url(&k, "cc=max-age=3600&size=1000");
    get(&url, "{}");
    let e = create_http().request(&url, Some(opts(r#"{"maxLimit":100}"#))).unwrap_err();
    assert_eq!(e.code(), 2_300_063);
    assert_eq!(hits(&k), 1);
}

#[test]
fn head_responses_are_their_own_entries() {
    testbed!();
    cache();
    let k = key("head");
    let url = count_url(&k, "cc=max-age=3600");
    let r = get(&url, r#"{"method":"HEAD"}"#);
    assert_eq!((r.response_code, r.from_cache), (200, false));
    assert!(get(&url, r#"{"method":"HEAD"}"#).from_cache);
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-2")), "a HEAD entry has no body for a GET");
}

/// Runs a stream request and records its events.
fn stream(url: &str) -> (u32, Vec<String>, Vec<u8>) {
    let http = create_http();
    let events = Arc::new(Mutex::new(Vec::new()));
    let body = Arc::new(Mutex::new(Vec::new()));
    let (e1, e2, e3, b) = (events.clone(), events.clone(), events.clone(), body.clone());
    http.on(EventType::HeadersReceive, move |e| {
        if let Event::HeadersReceive(h) = e {
            e1.lock().push(format!("headers x-count={}", h.get("x-count").and_then(|v| v.as_str()).unwrap_or("")));
        }
    });
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(chunk) = e {
            b.lock().extend_from_slice(chunk);
            if e2.lock().last().map(String::as_str) != Some("data") {
                e2.lock().push("data".into());
            }
        }
    });
    http.on(EventType::DataEnd, move |_| e3.lock().push("end".into()));
    let code = http.request_in_stream(url, None).unwrap();
    let events = events.lock().clone();
    let body = body.lock().clone();
    (code, events, body)
}

#[test]
fn stream_responses_are_stored_with_their_body_and_served_with_events() {
    testbed!();
    cache();
    let k = key("stream");
    let url = count_url(&k, "cc=max-age=3600");
    let (code, events, body) = stream(&url);
    assert_eq!((code, events), (200, vec!["headers x-count=1".to_string(), "data".into(), "end".into()]));
    assert_eq!(body, format!("body-{k}-1").into_bytes());
    let (code, events, body) = stream(&url);
    assert_eq!(hits(&k), 1, "served from the cache");
    assert_eq!((code, events), (200, vec!["headers x-count=1".to_string(), "data".into(), "end".into()]));
    assert_eq!(body, format!("body-{k}-1").into_bytes(), "the stored body, not an empty one");
    // and the whole-body form reads the entry the stream stored
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (true, format!("body-{k}-1")));
}

#[test]
fn stream_revalidation_304_delivers_the_stored_body() {
    testbed!();
    cache();
    let k = key("stream-304");
    let url = count_url(&k, "cc=max-age=0&etag=v1");
    stream(&url);
    let (code, events, body) = stream(&url);
    assert_eq!(hits(&k), 2);
    assert_eq!((code, events), (200, vec!["headers x-count=2".to_string(), "data".into(), "end".into()]));
    assert_eq!(body, format!("body-{k}-1").into_bytes());
}

#[test]
fn large_stream_bodies_arrive_whole_from_the_cache() {
    testbed!();
    cache();
    let k = key("stream-large");
    let url = count_url(&k, "cc=max-age=3600&size=300000");
    let (_, _, first) = stream(&url);
    let (code, _, second) = stream(&url);
    assert_eq!((code, hits(&k)), (200, 1));
    assert_eq!(first.len(), 300_000);
    assert_eq!(second, first);
}

#[test]
fn callback_and_async_requests_are_served_too() {
    testbed!();
    cache();
    let k = key("threading");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url, "{}");
    let (tx, rx) = mpsc::channel();
    create_http().request_with_callback(&url, None, move |r| tx.send(r.map(|r| (r.from_cache, text(&r)))).unwrap());
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap(), (true, format!("body-{k}-1")));
    let r = block_on(create_http().request_async(&url, None)).unwrap();
    assert!(r.from_cache);
    let code = block_on(create_http().request_in_stream_async(&url, None)).unwrap();
    assert_eq!((code, hits(&k)), (200, 1));
}

#[test]
fn concurrent_requests_to_one_url_keep_the_store_consistent() {
    testbed!();
    let cache = cache();
    let fresh = key("concurrent-fresh");
    let stale = key("concurrent-stale");
    let fresh_url = count_url(&fresh, "cc=max-age=3600");
    let stale_url = count_url(&stale, "cc=max-age=0&etag=v1");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (fresh_url, stale_url) = (fresh_url.clone(), stale_url.clone());
            let cache = cache.clone();
            std::thread::spawn(move || {
                let http = create_http();
                let mut bodies = Vec::new();
                for i in 0..10 {
                    let url = if (t + i) % 2 == 0 { &fresh_url } else { &stale_url };
                    let stream = i % 3 == 0;
                    if stream {
                        assert_eq!(http.request_in_stream(url, None).unwrap(), 200);
                    } else {
                        let r = http.request(url, None).unwrap();
                        assert_eq!(r.response_code, 200);
                        bodies.push((url.clone(), text(&r)));
                    }
                    if i == 5 {
                        cache.flush().unwrap();
                    }
                }
                bodies
            })
        })
        .collect();
    for t in threads {
        for (url, body) in t.join().unwrap() {
            let k = if url == fresh_url { &fresh } else { &stale };
            let n: u32 = body.rsplit('-').next().unwrap().parse().unwrap_or_else(|_| panic!("body {body}"));
            assert!(body.starts_with(&format!("body-{k}-")) && n >= 1, "{body}");
        }
    }
    // afterwards each URL has one usable entry
    let before = (hits(&fresh), hits(&stale));
    assert!(get(&fresh_url, "{}").from_cache);
    let r = get(&stale_url, "{}");
    assert_eq!((r.response_code, r.from_cache), (200, true));
    assert_eq!((hits(&fresh), hits(&stale)), (before.0, before.1 + 1));
    assert!(before.0 < 80, "the fresh URL was mostly served from the cache ({} requests)", before.0);
}

#[test]
fn flush_callback_and_async_forms() {
    testbed!();
    let cache = cache();
    let (tx, rx) = mpsc::channel();
    cache.flush_with_callback(move |r| tx.send((r, std::thread::current().name().map(str::to_string))).unwrap());
    let (r, thread) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    r.unwrap();
    assert_eq!(thread.as_deref(), Some("ohos-http-dispatch"));
    block_on(cache.flush_async()).unwrap();
    let dir = ohos_http::cache_directory().unwrap();
    assert!(dir.join("response-cache.bin").is_file());
}
