//! Dropping an `HttpRequest` without `destroy()`: its transfers finish and report, and no
//! threads or transfers leak. Its own test binary, so the thread count is this test's alone.
mod common;
use common::*;
use ohos_http::{create_http, EventType};
use std::sync::mpsc;
use std::time::Duration;

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
fn dropping_an_http_request_lets_its_transfers_finish_and_leaks_nothing() {
    testbed!();
    // warm up the library's threads (reactor, dispatcher)
    create_http().request(&format!("{HTTPBIN}/get"), None).unwrap();
    let (tx, rx) = mpsc::channel();
    for i in 0..50 {
        let http = create_http();
        let tx = tx.clone();
        http.on(EventType::HeadersReceive, |_| {});
        http.request_with_callback(&format!("{FAULT}/delay?ms=200&i={i}"), None, move |r| {
            tx.send(r.map(|r| r.response_code).map_err(|e| e.code())).unwrap()
        });
        drop(http); // no destroy(): the transfer still completes and reports
    }
    for _ in 0..50 {
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), Ok(200));
    }
    let before = thread_count();
    for _ in 0..200 {
        let http = create_http();
        http.request(&format!("{HTTPBIN}/get"), None).unwrap();
    }
    assert!(thread_count() <= before, "threads grew from {before} to {}", thread_count());
}
