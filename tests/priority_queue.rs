//! Admission by priority: when the concurrency cap is full, waiting transfers start highest
//! priority first, FIFO among equals. Its own test binary, since it changes the global cap.
mod common;
use common::*;
use ohos_http::{configure, create_http, ReactorConfig};
use parking_lot::Mutex;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

#[test]
fn waiting_transfers_start_by_priority() {
    require_testbed();
    configure(ReactorConfig { max_active_transfers: 1, ..ReactorConfig::default() }).unwrap();
    let http = create_http();
    let order = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    // fill the single slot with a slow transfer
    let t = tx.clone();
    http.request_with_callback(&format!("{FAULT}/delay?ms=1000"), None, move |r| {
        t.send(r.unwrap().response_code).unwrap()
    });
    std::thread::sleep(Duration::from_millis(200));
    for (name, priority) in [("low1", 1), ("low2", 1), ("high1", 1000), ("mid", 500), ("high2", 1000)] {
        let (o, t) = (order.clone(), tx.clone());
        let options = opts(&format!(r#"{{"priority":{priority}}}"#));
        http.request_with_callback(&format!("{FAULT}/echo?n={name}"), Some(options), move |r| {
            o.lock().push(name);
            t.send(r.unwrap().response_code).unwrap();
        });
    }
    for _ in 0..6 {
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 200);
    }
    assert_eq!(*order.lock(), vec!["high1", "high2", "mid", "low1", "low2"]);
    configure(ReactorConfig::default()).unwrap();
    let e = configure(ReactorConfig { max_active_transfers: 0, ..ReactorConfig::default() }).unwrap_err();
    assert_eq!(e.code(), 401);
}
