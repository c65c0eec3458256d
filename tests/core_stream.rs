//! Streams against a server inside the test process (no testbed needed): the events of a
//! stream request in their order, the body intact, progress, the callback form.
mod common;
mod local;
use local::LocalServer;
use ohos_http::{create_http, Event, EventType};
use parking_lot::Mutex;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// What the listeners saw.
struct Seen {
    /// The events in order ("headers", "data", "end").
    order: Arc<Mutex<Vec<&'static str>>>,
    /// The body.
    body: Arc<Mutex<Vec<u8>>>,
    /// The last progress (received, total).
    progress: Arc<Mutex<(u64, u64)>>,
}

/// Listeners on `http` that record what they see.
fn record(http: &ohos_http::HttpRequest) -> Seen {
    let order = Arc::new(Mutex::new(Vec::new()));
    let body = Arc::new(Mutex::new(Vec::new()));
    let progress = Arc::new(Mutex::new((0, 0)));
    let o = order.clone();
    http.on(EventType::HeadersReceive, move |_| o.lock().push("headers"));
    let (o, b) = (order.clone(), body.clone());
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(chunk) = e {
            b.lock().extend_from_slice(chunk);
            let mut o = o.lock();
            if o.last() != Some(&"data") {
                o.push("data");
            }
        }
    });
    let p = progress.clone();
    http.on(EventType::DataReceiveProgress, move |e| {
        if let Event::DataReceiveProgress(info) = e {
            let mut p = p.lock();
            assert!(info.receive_size >= p.0, "progress went back: {info:?} after {p:?}");
            *p = (info.receive_size, info.total_size);
        }
    });
    let o = order.clone();
    http.on(EventType::DataEnd, move |_| o.lock().push("end"));
    Seen { order, body, progress }
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|k| (k % 256) as u8).collect()
}

#[test]
fn a_stream_delivers_headers_then_the_body_then_data_end() {
    let s = LocalServer::start();
    for (path, n, total) in [("/chunked/1048576", 1 << 20, 0), ("/bytes/300000", 300_000, 300_000)] {
        let http = create_http();
        let Seen { order, body, progress } = record(&http);
        let code = http.request_in_stream(&s.url(path), None).unwrap();
        assert_eq!(code, 200);
        assert_eq!(*order.lock(), ["headers", "data", "end"], "{path}");
        assert!(*body.lock() == pattern(n), "{path}: the body differs");
        assert_eq!(*progress.lock(), (n as u64, total), "{path}: the last progress is the whole body");
    }
}

#[test]
fn the_callback_form_completes_after_every_event() {
    let s = LocalServer::start();
    let http = create_http();
    let Seen { order, body, .. } = record(&http);
    let (tx, rx) = mpsc::channel();
    let o = order.clone();
    http.request_in_stream_with_callback(&s.url("/chunked/100000"), None, move |r| {
        o.lock().push("done");
        tx.send(r).unwrap();
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(20)).unwrap().unwrap(), 200);
    assert_eq!(*order.lock(), ["headers", "data", "end", "done"]);
    assert_eq!(body.lock().len(), 100_000);
}
