//! The three threading models, listeners (many, once, off), the thread each runs on, panics in
//! listeners, destroy() and cancellation.
mod common;
mod local;
use common::*;
use ohos_http::{create_http, Event, EventType, HttpRequest};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("").to_string()
}

#[test]
fn blocking_listeners_run_on_the_calling_thread() {
    testbed!();
    let http = create_http();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    http.on(EventType::HeadersReceive, move |e| {
        assert!(matches!(e, Event::HeadersReceive(h) if h.contains_key("content-type")));
        s.lock().push(std::thread::current().id());
    });
    http.request(&format!("{HTTPBIN}/get"), None).unwrap();
    assert_eq!(*seen.lock(), vec![std::thread::current().id()]);
}

#[test]
fn callback_runs_on_the_dispatcher_thread_never_the_reactor() {
    testbed!();
    let http = create_http();
    let names = Arc::new(Mutex::new(Vec::new()));
    let n = names.clone();
    http.on(EventType::HeadersReceive, move |_| n.lock().push(thread_name()));
    let (tx, rx) = mpsc::channel();
    http.request_with_callback(&format!("{HTTPBIN}/get"), None, move |r| {
        tx.send((r.map(|r| r.response_code), thread_name())).unwrap();
    });
    let (code, name) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(code.unwrap(), 200);
    assert_eq!(name, "ohos-http-dispatch");
    assert_eq!(*names.lock(), vec!["ohos-http-dispatch".to_string()]);
}

#[test]
fn callback_reports_option_errors_too() {
    testbed!();
    let (tx, rx) = mpsc::channel();
    create_http().request_with_callback("http://127.0.0.1:1/", Some(opts(r#"{"priority":0}"#)), move |r| {
        tx.send(r.map(|_| ()).unwrap_err().code()).unwrap();
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 401);
}

#[test]
fn async_works_without_any_runtime_and_on_many_at_once() {
    testbed!();
    let http = create_http();
    let r = block_on(http.request_async(&format!("{HTTPBIN}/get"), None)).unwrap();
    assert_eq!(r.response_code, 200);
    // many futures at once on one HttpRequest
    let futs: Vec<_> = (0..20).map(|i| http.request_async(&format!("{FAULT}/echo?i={i}"), None)).collect();
    for (i, f) in futs.into_iter().enumerate() {
        let r = block_on(f).unwrap();
        assert_eq!(json(&r)["query"]["i"], i.to_string());
    }
    let e = block_on(http.request_async("http://127.0.0.1:1/", None)).unwrap_err();
    assert_eq!(e.code(), 2_300_007);
}

#[test]
fn many_listeners_once_and_off_by_id_or_type() {
    testbed!();
    let http = create_http();
    let hits = Arc::new(AtomicUsize::new(0));
    let add = |n: usize| {
        let h = hits.clone();
        move |_: &Event| {
            h.fetch_add(n, Ordering::SeqCst);
        }
    };
    let a = http.on(EventType::HeadersReceive, add(1));
    http.on(EventType::HeadersReceive, add(10));
    http.once(EventType::HeadersReceive, add(100));
    http.on(EventType::HeaderReceive, add(1000)); // the deprecated alias gets the same headers
    let url = format!("{HTTPBIN}/get");
    http.request(&url, None).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1111);
    http.request(&url, None).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2122, "once fired only once");
    http.off(EventType::HeadersReceive, Some(a));
    http.request(&url, None).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 3132);
    http.off(EventType::HeadersReceive, None);
    http.off(EventType::HeaderReceive, None);
    http.request(&url, None).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 3132);
}

#[test]
fn a_panicking_listener_fails_only_its_request_with_2300999() {
    testbed!();
    let http = create_http();
    let id = http.on(EventType::HeadersReceive, |_| panic!("listener bug"));
    let e = http.request(&format!("{HTTPBIN}/get"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_999, "{e}");
    assert!(e.message().contains("listener bug"), "{e}");
    http.off(EventType::HeadersReceive, Some(id));
    assert_eq!(http.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
    // and on the dispatcher: the dispatcher survives
    http.on(EventType::HeadersReceive, |_| panic!("again"));
    let (tx, rx) = mpsc::channel();
    http.request_with_callback(&format!("{HTTPBIN}/get"), None, move |r| tx.send(r.unwrap_err().code()).unwrap());
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 2_300_999);
    let other = create_http();
    let (tx, rx) = mpsc::channel();
    other.request_with_callback(&format!("{HTTPBIN}/get"), None, move |r| tx.send(r.unwrap().response_code).unwrap());
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 200);
}

#[test]
fn destroy_cancels_in_flight_transfers_at_once() {
    testbed!();
    // four requests held by a server of this test's own until they are all in flight
    let server = local::LocalServer::start();
    let http = Arc::new(create_http());
    let (tx, rx) = mpsc::channel();
    for i in 0..3 {
        let tx = tx.clone();
        http.request_with_callback(&server.url(&format!("/hold/cb{i}")), None, move |r| {
            tx.send(r.unwrap_err()).unwrap()
        });
    }
    let h = http.clone();
    let url = server.url("/hold/blocking");
    let blocking = std::thread::spawn(move || h.request(&url, None));
    for key in ["cb0", "cb1", "cb2", "blocking"] {
        assert!(server.wait_arrival(key, Duration::from_secs(20)), "{key} never arrived");
    }
    let t = Instant::now();
    http.destroy();
    for _ in 0..3 {
        let e = rx.recv_timeout(Duration::from_secs(5)).expect("cancelled at once, not at a timeout");
        assert_eq!(e.code(), 2_300_042, "{e}");
    }
    assert_eq!(blocking.join().unwrap().unwrap_err().code(), 2_300_042);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // later calls fail as documented
    let e = http.request(&format!("{HTTPBIN}/get"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_999);
    assert!(http.is_destroyed());
    http.destroy(); // again: nothing happens
}

#[test]
fn destroy_from_inside_a_listener_works_and_silences_later_events() {
    testbed!();
    let http = Arc::new(create_http());
    let h = http.clone();
    let after = Arc::new(AtomicUsize::new(0));
    let a = after.clone();
    http.on(EventType::HeadersReceive, move |_| h.destroy());
    http.on(EventType::DataReceive, move |_| {
        a.fetch_add(1, Ordering::SeqCst);
    });
    let e = http.request_in_stream(&format!("{FAULT}/trickle?chunks=20&interval_ms=50&size=10"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_042);
    assert_eq!(after.load(Ordering::SeqCst), 0, "no listener runs after destroy()");
}

#[test]
fn a_listener_may_start_a_new_request_or_call_off() {
    testbed!();
    let http = Arc::new(create_http());
    let h = http.clone();
    let inner = Arc::new(Mutex::new(None));
    let i = inner.clone();
    http.once(EventType::HeadersReceive, move |_| {
        // a nested blocking request from a listener of a blocking request
        *i.lock() = Some(h.request(&format!("{HTTPBIN}/status/201"), None).map(|r| r.response_code));
        h.off(EventType::HeadersReceive, None);
    });
    assert_eq!(http.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
    assert_eq!(inner.lock().take().unwrap().unwrap(), 201);
    // from the dispatcher thread: a nested callback request
    let (tx, rx) = mpsc::channel();
    let h = http.clone();
    http.once(EventType::HeadersReceive, move |_| {
        let tx = tx.clone();
        h.request_with_callback(&format!("{HTTPBIN}/status/202"), None, move |r| {
            tx.send(r.unwrap().response_code).unwrap()
        });
    });
    http.request_with_callback(&format!("{HTTPBIN}/get"), None, |_| {});
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 202);
}

#[test]
fn dropping_a_future_cancels_its_transfer() {
    testbed!();
    let http = create_http();
    let chunks = Arc::new(AtomicUsize::new(0));
    let c = chunks.clone();
    http.on(EventType::DataReceive, move |_| {
        c.fetch_add(1, Ordering::SeqCst);
    });
    let fut = http.request_in_stream_async(&format!("{FAULT}/trickle?chunks=100&interval_ms=30&size=10"), None);
    let t = Instant::now();
    while chunks.load(Ordering::SeqCst) < 3 {
        assert!(t.elapsed() < Duration::from_secs(10), "the stream never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(fut);
    std::thread::sleep(Duration::from_millis(100));
    let at_drop = chunks.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(chunks.load(Ordering::SeqCst), at_drop, "chunks kept arriving after the future was dropped");
    assert!(at_drop < 50);
}

#[test]
fn http_request_is_send_and_sync_and_shared_across_threads() {
    testbed!();
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<HttpRequest>();
    let http = Arc::new(create_http());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let h = http.clone();
            std::thread::spawn(move || h.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code)
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
}
