//! Trailers (issue 13): trailer fields count against the response's header limit (300 KiB
//! for a response's header and trailer section together), and never reach the response's
//! `header` map. The only test of its binary that bounds the peak RSS, which is process-wide.
mod common;
use common::{opts, peak_rss, testbed, text, FAULT};
use ohos_http::create_http;
use std::time::{Duration, Instant};

#[test]
fn a_trailer_flood_fails_with_too_large_in_bounded_memory() {
    testbed!();
    // 3 M trailer lines (~30 MB on the wire) after a small chunked body
    let started = Instant::now();
    let e = create_http()
        .request(&format!("{FAULT}/trailers?count=3000000&size=5"), Some(opts(r#"{"readTimeout":20000}"#)))
        .unwrap_err();
    assert_eq!(e.code(), 2_300_100, "{e}");
    assert!(e.to_string().contains("300 KiB"), "the message says which limit: {e}");
    assert!(started.elapsed() < Duration::from_secs(15), "failed after {:?}", started.elapsed());
    let peak = peak_rss();
    assert!(peak < 150 << 20, "peak RSS {} MB", peak >> 20);
}

#[test]
fn trailer_fields_never_spoof_response_headers() {
    testbed!();
    let r = create_http().request(&format!("{FAULT}/trailers?count=20&spoof=1"), Some(opts("{}"))).unwrap();
    assert_eq!((r.response_code, text(&r).as_str()), (200, "body"));
    assert_eq!(r.header.get("content-type").and_then(|v| v.as_str()), Some("text/plain"));
    for spoofed in ["set-cookie", "x-trailer", "x-t"] {
        assert!(!r.header.contains_key(spoofed), "a trailer field reached the header map: {spoofed}");
    }
    assert!(r.cookies.is_empty(), "a trailer's Set-Cookie reached cookies: {:?}", r.cookies);
}
