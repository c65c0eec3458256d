//! Byte ranges (RFC 9111 §3.3, §3.4, §4.3.5; RFC 9110 §14, §15.3.7) against the fault server's
//! `/script/<key>` route, which answers a single `Range` of its body with a `206` when scripted
//! to and logs the `Range` and `If-Range` the cache sent.
//!
//! Every test here shares one process-wide cache and uses its own keys, so they may run in
//! parallel.
mod cache_support;
mod common;
use cache_support::*;
use common::{testbed, text};
use ohos_http::HttpResponse;
use serde_json::json;

fn cache() {
    common::require_testbed();
    cache_in("cache-partial");
}

fn range(url: &str, range: &str) -> HttpResponse {
    get(url, &json!({ "header": { "Range": range } }).to_string())
}

#[test]
fn a_single_range_is_served_from_a_stored_whole_response() {
    testbed!();
    cache();
    let k = key("whole");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"], ["A", "1"]], "body": "0123456789A"}]));
    let url = script_url(&k);
    get(&url, "{}");
    for (asked, bytes, content_range) in [
        ("bytes=0-1", "01", "bytes 0-1/11"),
        ("bytes=1-", "123456789A", "bytes 1-10/11"),
        ("bytes=-1", "A", "bytes 10-10/11"),
        ("bytes=5-100", "56789A", "bytes 5-10/11"),
    ] {
        let r = range(&url, asked);
        assert_eq!((r.response_code, r.from_cache, text(&r)), (206, true, bytes.to_string()), "{asked}");
        assert_eq!(r.header["content-range"], content_range);
        assert_eq!(r.header["content-length"], bytes.len().to_string());
        assert_eq!(r.header["a"], "1", "the stored fields");
    }
    // resumeFrom / resumeTo ask for a range too
    let r = get(&url, r#"{"resumeFrom":5,"resumeTo":6}"#);
    assert_eq!((r.response_code, text(&r)), (206, "56".to_string()));
    assert_eq!(script_hits(&k), 1);
    // a range beyond the end is the origin's to answer (416)
    let r = range(&url, "bytes=20-");
    assert_eq!((r.from_cache, script_hits(&k)), (false, 2));
}

#[test]
fn partial_responses_are_stored_combined_and_completed() {
    testbed!();
    cache();
    let k = key("parts");
    script(
        &k,
        json!([{"range": true, "headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"p1\""]], "body": "0123456789"}]),
    );
    let url = script_url(&k);
    // RFC 9111 §3.3: a part answers the ranges wholly within it
    let r = range(&url, "bytes=2-5");
    assert_eq!((r.response_code, r.from_cache, text(&r)), (206, false, "2345".to_string()));
    let r = range(&url, "bytes=3-4");
    assert_eq!((r.response_code, r.from_cache, text(&r)), (206, true, "34".to_string()));
    assert_eq!(r.header["content-range"], "bytes 3-4/10");
    let r = range(&url, "bytes=0-3");
    assert_eq!((r.from_cache, text(&r)), (false, "0123".to_string()), "not wholly within the part");
    // §3.4: parts with the same strong validator combine (0-3 and 2-5: 0-5)
    let r = range(&url, "bytes=1-5");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, "12345".to_string(), 2));
    // a whole-body GET asks for the rest only, if it is still the same representation
    let r = get(&url, "{}");
    assert_eq!((r.response_code, text(&r)), (200, "0123456789".to_string()));
    assert!(r.from_cache, "the first six bytes came from the cache");
    assert!(r.header.get("content-range").is_none());
    assert_eq!(r.header["content-length"], "10");
    let log = script_log(&k);
    assert_eq!(log.len(), 3);
    assert_eq!((log[2].header("range"), log[2].header("if-range")), (Some("bytes=6-"), Some("\"p1\"")));
    // and the combined whole is stored
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, "0123456789".to_string(), 3));
}

#[test]
fn a_changed_representation_is_not_combined() {
    testbed!();
    cache();
    let k = key("changed");
    script(
        &k,
        json!([
            {"range": true, "headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"a\""]], "body": "abcdefghij"},
            {"headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"b\""]], "body": "ABCDEFGHIJ"}
        ]),
    );
    let url = script_url(&k);
    assert_eq!(text(&range(&url, "bytes=0-4")), "abcde");
    // If-Range failed at the origin: it sent the whole new representation, which is stored
    let r = get(&url, "{}");
    assert_eq!((r.response_code, r.from_cache, text(&r)), (200, false, "ABCDEFGHIJ".to_string()));
    assert_eq!(script_log(&k)[1].header("if-range"), Some("\"a\""));
    let r = range(&url, "bytes=0-4");
    assert_eq!((r.from_cache, text(&r), script_hits(&k)), (true, "ABCDE".to_string(), 2), "the old part is gone");
}

#[test]
fn a_part_whose_content_range_does_not_match_its_body_is_not_stored() {
    testbed!();
    cache();
    // Content-Range says 6 bytes, the body has 5
    let k = key("bad-part");
    script(
        &k,
        json!([{"status": 206, "headers": [["Cache-Control", "max-age=3600"], ["Content-Range", "bytes 4-9/10"]], "body": "01234"}]),
    );
    let url = script_url(&k);
    range(&url, "bytes=-6");
    let r = range(&url, "bytes=-6");
    assert_eq!((r.from_cache, script_hits(&k)), (false, 2));
    // a stored whole response with a content coding has no byte ranges of its own here (its
    // body is stored decoded)
    let k = key("coded");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"], ["Content-Encoding", "identity, identity"]]}]));
    let url = script_url(&k);
    get(&url, "{}");
    assert!(range(&url, "bytes=0-1").from_cache, "identity is no coding");
}

#[test]
fn a_206_that_is_not_the_rest_drops_the_part_and_the_caller_gets_the_whole_response() {
    testbed!();
    cache();
    // an origin that ignores If-Range and sends a part of its new representation
    let k = key("not-the-rest");
    script(
        &k,
        json!([
            {"range": true, "headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"a\""]], "body": "abcdefghij"},
            {"status": 206, "headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"b\""],
                ["Content-Range", "bytes 5-9/10"]], "body": "FGHIJ"},
            {"headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"b\""]], "body": "ABCDEFGHIJ"}
        ]),
    );
    let url = script_url(&k);
    range(&url, "bytes=0-4");
    let r = get(&url, "{}");
    assert_eq!((r.response_code, text(&r)), (200, "ABCDEFGHIJ".to_string()), "never abcdeFGHIJ");
    let log = script_log(&k);
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].header("if-range"), Some("\"a\""));
    assert_eq!((log[2].header("range"), log[2].header("if-range")), (None, None), "then unconditionally");
    let r = range(&url, "bytes=0-1");
    assert!(!r.from_cache, "the part of \"a\" was dropped");
    // a 416 answers the cache's Range (the representation shrank), not the caller's request
    let k = key("shrank");
    script(
        &k,
        json!([
            {"range": true, "headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"a\""]], "body": "abcdefghij"},
            {"status": 416, "headers": [["Content-Range", "bytes */3"]], "body": ""},
            {"headers": [["Cache-Control", "max-age=3600"], ["ETag", "\"c\""]], "body": "xyz"}
        ]),
    );
    let url = script_url(&k);
    range(&url, "bytes=0-4");
    let r = get(&url, "{}");
    assert_eq!((r.response_code, text(&r), script_hits(&k)), (200, "xyz".to_string(), 3));
}
