//! A gigabyte through one stream request: no maxLimit in stream mode, every byte delivered.
//! A binary of its own, so it never inflates another test's peak RSS.
mod common;
use common::*;
use ohos_http::{create_http, Event, EventType};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[test]
fn a_gigabyte_streams_without_max_limit() {
    testbed!();
    const SIZE: u64 = 1 << 30;
    let http = create_http();
    let received = Arc::new(AtomicU64::new(0));
    let r = received.clone();
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(d) = e {
            r.fetch_add(d.len() as u64, Ordering::Relaxed);
        }
    });
    assert_eq!(http.request_in_stream(&format!("{FAULT}/bytes?size={SIZE}"), None).unwrap(), 200);
    assert_eq!(received.load(Ordering::SeqCst), SIZE);
}
