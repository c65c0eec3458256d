//! Backpressure: a slow dataReceive listener pauses the transfer, so memory stays bounded
//! while other transfers keep running. The only test of its binary, so the peak RSS is its
//! own.
mod common;
use common::*;
use ohos_http::{create_http, Event, EventType};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn slow_listener_keeps_memory_bounded_and_other_transfers_run() {
    testbed!();
    const SIZE: u64 = 256 << 20;
    let http = Arc::new(create_http());
    let received = Arc::new(AtomicU64::new(0));
    let chunks = Arc::new(AtomicUsize::new(0));
    let (r, c) = (received.clone(), chunks.clone());
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(d) = e {
            r.fetch_add(d.len() as u64, Ordering::SeqCst);
            // a slow consumer: ~80 MB/s, far slower than curl can read from loopback
            if c.fetch_add(1, Ordering::SeqCst) % 256 == 255 {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    });
    let h = http.clone();
    let started = Instant::now();
    let stream = std::thread::spawn(move || h.request_in_stream(&format!("{FAULT}/bytes?size={SIZE}"), None));

    // meanwhile, other transfers complete promptly: once the stream runs
    let other = create_http();
    while received.load(Ordering::SeqCst) == 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "the stream never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..20 {
        let t = Instant::now();
        assert_eq!(other.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "a request was stalled by the slow stream: {:?}", t.elapsed());
    }
    let still_streaming = received.load(Ordering::SeqCst) < SIZE;

    assert_eq!(stream.join().unwrap().unwrap(), 200);
    assert_eq!(received.load(Ordering::SeqCst), SIZE);
    assert!(still_streaming, "the stream ended before the other requests: the listener was not slow");
    assert!(started.elapsed() > Duration::from_secs(1));
    let peak = peak_rss();
    assert!(peak < 64 << 20, "peak RSS {} MiB: the stream was not paused", peak >> 20);
}
