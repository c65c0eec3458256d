//! Async requests whose `HttpRequest` has no listener complete without the dispatcher: the
//! future consumes its transfer's messages when polled. These tests hold what that must not
//! change: the transfer goes on (redirects included) while nobody polls, a listener added
//! meanwhile is still called, and a future completes while every dispatcher thread is busy.
mod cache_support;
mod common;
use cache_support::{count_url, hits, key};
use common::*;
use ohos_http::{create_http, EventType};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

#[test]
fn an_unpolled_future_follows_its_redirects() {
    testbed!();
    let k = key("direct-redirect");
    let first = format!("{FAULT}/status/302?location={}", count_url(&k, ""));
    let fut = create_http().request_async(&first, None);
    // never polled yet: the redirect is still followed, the second hop reaches the server
    let started = Instant::now();
    while hits(&k) == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the second hop never ran while the future was idle");
        std::thread::sleep(Duration::from_millis(20));
    }
    let resp = block_on(fut).unwrap();
    assert_eq!(resp.response_code, 200);
    assert_eq!(hits(&k), 1);
}

#[test]
fn a_redirect_it_must_not_follow_fails_the_future() {
    testbed!();
    // the next hop is refused while it is planned (on the dispatcher): the future gets that error
    let url = format!("{FAULT}/status/302?location=file:///etc/hostname");
    let e = block_on(create_http().request_async(&url, None)).unwrap_err();
    assert_eq!(e.code(), 2_300_001, "{e}");
    let url = format!("{FAULT}/status/302?location=ftp://127.0.0.1:1/x");
    let e = block_on(create_http().request_async(&url, None)).unwrap_err();
    assert_eq!(e.code(), 2_300_001, "{e}");
}

#[test]
fn a_listener_added_while_it_runs_is_called() {
    testbed!();
    let http = create_http();
    let fut = http.request_async(&format!("{FAULT}/trickle?chunks=5&interval_ms=100&size=10"), None);
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    http.on(EventType::HeadersReceive, move |_| {
        c.fetch_add(1, Ordering::SeqCst);
    });
    let resp = block_on(fut).unwrap();
    assert_eq!(resp.response_code, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the listener added after the start was not called");
}

#[test]
fn a_future_completes_while_a_callback_waits_for_it() {
    testbed!();
    // the callback holds the dispatcher thread until the async request's result is in
    let http = Arc::new(create_http());
    let (tx, rx) = mpsc::channel();
    let h = http.clone();
    http.request_with_callback(&format!("{NGINX}/1k.bin"), None, move |first| {
        let second = block_on(h.request_async(&format!("{NGINX}/1k.bin"), None));
        let _ = tx.send((first.map(|r| r.response_code), second.map(|r| r.response_code)));
    });
    let (first, second) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!((first.unwrap(), second.unwrap()), (200, 200));
}

#[test]
fn an_error_before_the_start_resolves_the_future_at_once() {
    testbed!();
    let e = block_on(create_http().request_async("file:///etc/hostname", None)).unwrap_err();
    assert_eq!(e.code(), 2_300_001, "{e}");
    let e = block_on(
        create_http().request_async(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"header":{"x-bad":"a\u0001b"}}"#))),
    );
    assert_eq!(e.unwrap_err().code(), 401);
}
