//! Easy handles are reused from one request to the next, and a handle that served a plain
//! request serves the next plain one without `curl_easy_reset` (`transfer/pool.rs`). Nothing
//! one request set may reach the next: each pair below runs back to back on a runtime of its
//! own, so the second request gets the first one's handle (the pool hands out the handle put
//! back last), many times over.
mod common;
use common::*;
use ohos_http::{Event, EventType, HttpRequest, ReactorConfig, Runtime};
use parking_lot::Mutex;
use std::sync::Arc;

const ROUNDS: usize = 10;

/// A request object on a new runtime: its handle pool and connections are its own.
fn private() -> HttpRequest {
    Runtime::new(ReactorConfig::default()).unwrap().create_http()
}

#[test]
fn a_limit_a_method_or_a_field_stays_with_its_request() {
    testbed!();
    let http = private();
    for _ in 0..ROUNDS {
        // maxLimit: a plain option, set again to the next request's value (the 5 MiB default)
        let e = http.request(&format!("{FAULT}/bytes?size=2000"), Some(opts(r#"{"maxLimit":1000}"#))).unwrap_err();
        assert_eq!(e.code(), 2_300_063, "{e}");
        let r = http.request(&format!("{FAULT}/bytes?size=2000"), Some(opts(r#"{"expectDataType":2}"#))).unwrap();
        assert_eq!(r.result.to_bytes().len(), 2000, "the last request's maxLimit stayed");

        // a POST with a body and a field, then a plain GET
        let post = r#"{"method":"POST","extraData":"sent once","header":{"x-only-once":"1"}}"#;
        let r = http.request(&format!("{HTTPBIN}/anything"), Some(opts(post))).unwrap();
        let body = json(&r);
        assert_eq!((&body["method"], &body["data"]), (&"POST".into(), &"sent once".into()), "{body}");
        assert_eq!(body["headers"]["X-Only-Once"], "1", "{body}");
        let r = http.request(&format!("{HTTPBIN}/anything"), None).unwrap();
        let body = json(&r);
        assert_eq!(body["method"], "GET", "{body}");
        assert_eq!(body["data"], "", "{body}");
        assert!(body["headers"].get("X-Only-Once").is_none(), "a field of the last request was sent: {body}");

        // HEAD, then a GET that has a body
        let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"method":"HEAD"}"#))).unwrap();
        assert!(r.result.to_bytes().is_empty());
        let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"expectDataType":2}"#))).unwrap();
        assert_eq!(r.result.to_bytes().len(), 1024, "HEAD stayed");
    }
}

#[test]
fn a_stream_after_a_limited_request_has_no_limit() {
    testbed!();
    let http = private();
    let received = Arc::new(Mutex::new(0usize));
    let r = received.clone();
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(chunk) = e {
            *r.lock() += chunk.len();
        }
    });
    for _ in 0..ROUNDS {
        let e = http.request(&format!("{FAULT}/bytes?size=4000"), Some(opts(r#"{"maxLimit":1000}"#))).unwrap_err();
        assert_eq!(e.code(), 2_300_063, "{e}");
        *received.lock() = 0;
        let code = http.request_in_stream(&format!("{FAULT}/bytes?size=4000"), None).unwrap();
        assert_eq!(code, 200);
        assert_eq!(*received.lock(), 4000, "the stream got the last request's maxLimit");
    }
}

#[test]
fn a_range_or_a_version_is_not_left_for_a_plain_request() {
    testbed!();
    for _ in 0..ROUNDS {
        // a new runtime each round: no connection is there yet to be reused
        let http = private();
        let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"resumeFrom":100,"resumeTo":199}"#))).unwrap();
        assert_eq!((r.response_code, r.result.to_bytes().len()), (206, 100));
        let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"expectDataType":2}"#))).unwrap();
        assert_eq!((r.response_code, r.result.to_bytes().len()), (200, 1024), "the range stayed");

        let r = http.request(&format!("{HTTPBIN_V6}/get"), Some(opts(r#"{"usingProtocol":1}"#))).unwrap();
        assert_eq!(r.http_version, "2", "HTTP2 over http: h2c by prior knowledge");
        // another host (libcurl would reuse the h2 connection to the same one)
        let r = http.request(&format!("{HTTPBIN}/get"), None).unwrap();
        assert_eq!(r.http_version, "1.1", "the last request's usingProtocol stayed");
    }
}

#[test]
fn a_ca_is_kept_for_a_request_with_the_same_one_only() {
    testbed!();
    let with_ca = opts(&format!(r#"{{"caPath":{:?}}}"#, ca()));
    for _ in 0..ROUNDS {
        let http = private();
        // twice with the test CA: the second keeps the first one's options
        for _ in 0..2 {
            let r = http.request(&format!("{NGINX_TLS}/1k.bin"), Some(with_ca.clone())).unwrap();
            assert_eq!((r.response_code, r.http_version.as_str()), (200, "2"));
        }
        // without caPath the system store must judge the server (which it does not know)
        let e = http.request(&format!("{NGINX_TLS}/1k.bin"), None).unwrap_err();
        assert_eq!(e.code(), 2_300_060, "the last request's caPath stayed: {e}");
        // and a range asked twice, then another, then none
        for (range, len) in [
            (r#"{"resumeFrom":100,"resumeTo":199}"#, 100),
            (r#"{"resumeFrom":100,"resumeTo":199}"#, 100),
            (r#"{"resumeFrom":0,"resumeTo":9}"#, 10),
        ] {
            let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(range))).unwrap();
            assert_eq!((r.response_code, r.result.to_bytes().len()), (206, len), "{range}");
        }
        let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"expectDataType":2}"#))).unwrap();
        assert_eq!((r.response_code, r.result.to_bytes().len()), (200, 1024), "the range stayed");
    }
}
