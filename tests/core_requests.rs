//! The core of the library against a server inside the test process (no testbed needed:
//! plain `cargo test` runs this): the three threading models, redirects, errors,
//! cancellation, priority admission, and runtimes of their own (isolation, shutdown).
//! Ordering comes from barriers (the server's `/hold` route), never from sleeps.
mod common;
mod local;
use common::block_on;
use local::LocalServer;
use ohos_http::{create_http, HttpRequestOptions, ReactorConfig, RequestMethod, ResponseResult, Runtime};
use std::sync::mpsc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn server() -> LocalServer {
    LocalServer::start()
}

fn bytes_of(r: &ohos_http::HttpResponse) -> Vec<u8> {
    r.result.to_bytes()
}

#[test]
fn blocking_callback_and_async_get_the_same_body() {
    let s = server();
    let url = s.url("/bytes/5000");
    let want: Vec<u8> = (0..5000).map(|k| (k % 256) as u8).collect();
    let http = create_http();
    let o = HttpRequestOptions { expect_data_type: Some(ohos_http::HttpDataType::ArrayBuffer), ..Default::default() };
    let r = http.request(&url, Some(o.clone())).unwrap();
    assert_eq!((r.response_code, bytes_of(&r)), (200, want.clone()));
    let (tx, rx) = mpsc::channel();
    http.request_with_callback(&url, Some(o.clone()), move |r| tx.send(r.map(|r| bytes_of(&r))).unwrap());
    assert_eq!(rx.recv_timeout(WAIT).unwrap().unwrap(), want);
    let r = block_on(http.request_async(&url, Some(o))).unwrap();
    assert_eq!(bytes_of(&r), want);
    assert!(r.is_success() && r.status() == 200);
}

#[test]
fn a_post_sends_its_body_as_json_by_default() {
    let s = server();
    let o = HttpRequestOptions::from_json(r#"{"method":"POST","extraData":{"a":1}}"#).unwrap();
    let r = create_http().request(&s.url("/echo"), Some(o)).unwrap();
    let echo: serde_json::Value = serde_json::from_str(&r.result.as_text().unwrap()).unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], r#"{"a":1}"#);
    assert_eq!(echo["headers"]["content-type"], "application/json");
}

#[test]
fn redirects_are_followed_and_other_schemes_refused() {
    let s = server();
    let http = create_http();
    let r = http.request(&s.url("/status/302?location=/bytes/10"), None).unwrap();
    assert_eq!((r.response_code, r.result.to_bytes().len()), (200, 10));
    assert!(!r.header.contains_key("location"), "the redirect's headers leaked");
    // 303 turns a POST into a GET without its body
    let o = HttpRequestOptions { method: Some(RequestMethod::Post), ..Default::default() };
    let r = http.request(&s.url("/status/303?location=/echo"), Some(o)).unwrap();
    let echo: serde_json::Value = serde_json::from_str(&r.result.as_text().unwrap()).unwrap();
    assert_eq!((echo["method"].as_str(), echo["body"].as_str()), (Some("GET"), Some("")));
    let e = http.request(&s.url("/status/302?location=file:///etc/passwd"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_001, "{e}");
}

#[test]
fn statuses_are_responses_and_failures_are_curl_codes() {
    let s = server();
    let http = create_http();
    let r = http.request(&s.url("/nowhere"), None).unwrap();
    assert!(r.is_client_error() && r.status() == 404);
    assert!(matches!(r.result, ResponseResult::String(_)));
    let e = http.request("http://127.0.0.1:1/", None).unwrap_err();
    assert_eq!(e.code(), 2_300_007, "{e}");
    assert_eq!(e.kind(), ohos_http::ErrorKind::Connect);
}

#[test]
fn destroy_and_a_dropped_future_cancel_at_once() {
    let s = server();
    let http = create_http();
    let (tx, rx) = mpsc::channel();
    http.request_with_callback(&s.url("/hold/destroyed"), None, move |r| tx.send(r.map(|r| r.response_code)).unwrap());
    assert!(s.wait_arrival("destroyed", WAIT), "the request never arrived");
    http.destroy();
    assert_eq!(rx.recv_timeout(WAIT).unwrap().unwrap_err().code(), 2_300_042);
    assert_eq!(http.request(&s.url("/bytes/1"), None).unwrap_err().code(), 2_300_999);
    s.release("destroyed");
}

#[test]
fn waiting_transfers_start_by_priority_in_a_runtime_of_their_own() {
    // One transfer at a time: the first one holds the slot until the test releases it, so the
    // other five wait in the admission queue, then start highest priority first.
    let s = server();
    let rt = Runtime::new(ReactorConfig { max_active_transfers: 1, ..Default::default() }).unwrap();
    let http = rt.create_http();
    let (tx, rx) = mpsc::channel();
    let t = tx.clone();
    http.request_with_callback(&s.url("/hold/slot"), None, move |r| {
        t.send(("slot", r.unwrap().response_code)).unwrap()
    });
    assert!(s.wait_arrival("slot", WAIT));
    for (name, priority) in [("low1", 1), ("low2", 1), ("high1", 1000), ("mid", 500), ("high2", 1000)] {
        let t = tx.clone();
        let o = HttpRequestOptions { priority: Some(priority), ..Default::default() };
        http.request_with_callback(&s.url(&format!("/bytes/1?n={name}")), Some(o), move |r| {
            t.send((name, r.unwrap().response_code)).unwrap()
        });
    }
    s.release("slot");
    let order: Vec<&str> = (0..6).map(|_| rx.recv_timeout(WAIT).unwrap().0).collect();
    assert_eq!(order, ["slot", "high1", "high2", "mid", "low1", "low2"]);
    rt.shutdown();
}

/// The spec's performanceTiming: every field counts from the call, so the fields are ordered.
fn assert_timing_in_order(t: &ohos_http::PerformanceTiming) {
    const CLOCKS: f64 = 2.0; // curl's clock and the library's are read apart: 2 ms of slack
    let chain = [t.dns_timing, t.tcp_timing, t.first_send_timing, t.first_receive_timing, t.total_finish_timing];
    assert!(chain.windows(2).all(|w| w[0] <= w[1]), "curl's phases out of order: {t:?}");
    assert!(t.first_receive_timing <= t.response_header_timing + CLOCKS, "{t:?}");
    assert!(t.response_header_timing <= t.response_body_timing, "{t:?}");
    assert!(t.response_header_timing <= t.total_finish_timing + CLOCKS, "{t:?}");
    assert!(t.total_finish_timing <= t.total_timing + CLOCKS, "{t:?}");
    assert!(t.response_body_timing <= t.total_timing, "{t:?}");
}

#[test]
fn performance_timing_counts_from_the_call_for_queued_and_first_requests() {
    let s = server();
    let rt = Runtime::new(ReactorConfig { max_active_transfers: 1, ..Default::default() }).unwrap();
    let http = rt.create_http();
    let (tx, rx) = mpsc::channel();
    let t = tx.clone();
    // the runtime's first request holds the only slot
    http.request_with_callback(&s.url("/hold/timing"), None, move |r| t.send(r.unwrap().performance_timing).unwrap());
    assert!(s.wait_arrival("timing", WAIT));
    // this one waits in the admission queue for 300 ms before its transfer starts
    http.request_with_callback(&s.url("/bytes/10"), None, move |r| tx.send(r.unwrap().performance_timing).unwrap());
    std::thread::sleep(Duration::from_millis(300));
    s.release("timing");
    let first = rx.recv_timeout(WAIT).unwrap();
    let queued = rx.recv_timeout(WAIT).unwrap();
    assert_timing_in_order(&first);
    assert_timing_in_order(&queued);
    // the wait counts in every phase: nothing can have happened before it ended
    assert!(queued.dns_timing >= 290.0, "{queued:?}");
    assert!(queued.total_finish_timing >= 290.0 && queued.response_header_timing >= 290.0, "{queued:?}");
    rt.shutdown();
}

#[test]
fn a_runtime_shut_down_fails_what_it_holds_and_refuses_new_requests() {
    let s = server();
    let rt = Runtime::new(ReactorConfig::default()).unwrap();
    let http = rt.create_http();
    let fut = http.request_async(&s.url("/hold/shutdown"), None);
    assert!(s.wait_arrival("shutdown", WAIT));
    rt.shutdown();
    let e = block_on(fut).unwrap_err();
    assert_eq!(e.code(), 2_300_042, "{e}");
    assert!(e.message().contains("shut down"), "{e}");
    assert_eq!(http.request(&s.url("/bytes/1"), None).unwrap_err().code(), 2_300_999);
    // the default runtime is another one, untouched
    assert_eq!(create_http().request(&s.url("/bytes/1"), None).unwrap().response_code, 200);
    s.release("shutdown");
}

#[test]
fn a_runtime_dropped_with_its_requests_joins_its_threads() {
    let s = server();
    let rt = Runtime::new(ReactorConfig::default()).unwrap();
    let http = rt.create_http();
    let (tx, rx) = mpsc::channel();
    // the OS id of this runtime's dispatcher thread, read in a callback
    // SAFETY: gettid has no preconditions.
    http.request_with_callback(&s.url("/bytes/1"), None, move |_| tx.send(unsafe { libc::gettid() }).unwrap());
    let dispatcher = rx.recv_timeout(WAIT).unwrap();
    let task = format!("/proc/self/task/{dispatcher}");
    assert!(std::path::Path::new(&task).exists());
    drop(http);
    drop(rt);
    // Dropping the last handle stops the runtime: its threads end (joined by the thread that
    // dropped the last handle; the callback's own handle may be the last, dropped on the
    // dispatcher itself, which then ends right after).
    let started = std::time::Instant::now();
    while std::path::Path::new(&task).exists() {
        assert!(started.elapsed() < Duration::from_secs(10), "the dispatcher thread still runs");
        std::thread::sleep(Duration::from_millis(5));
    }
}
