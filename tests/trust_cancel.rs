//! The trust boundary, part 5: cancellation has one owner. `destroy()` or dropping a future
//! at any moment (during a `dnsServers` lookup, between two redirect hops, while running)
//! means the transfer never starts, or is removed at once. A slow DNS server holds each
//! transfer in its lookup; the fault server's counter proves no request ever reached it.
mod cache_support;
mod common;
mod net_common;
use cache_support::{hits, key};
use common::*;
use net_common::*;
use ohos_http::create_http;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

/// How long the slow DNS server takes to answer.
const LOOKUP: Duration = Duration::from_millis(1500);

fn slow_dns() -> FakeDns {
    FakeDns::start(FakeMode::Slow(LOOKUP), IpAddr::V4(Ipv4Addr::LOCALHOST))
}

fn with_servers(dns: &FakeDns) -> ohos_http::HttpRequestOptions {
    opts(&format!(r#"{{"dnsServers":["{}"]}}"#, dns.addr))
}

/// A URL on the fault server through a name only the slow DNS server resolves.
fn counted(k: &str) -> String {
    format!("http://cancel.test.example:18090/count/{k}")
}

/// Waits past the lookup (and then some), so a transfer that was going to start has.
fn after_the_lookup() {
    std::thread::sleep(LOOKUP + Duration::from_millis(1000));
}

#[test]
fn a_future_dropped_during_its_lookup_never_starts() {
    testbed!();
    let dns = slow_dns();
    let k = key("drop-lookup");
    let fut = create_http().request_async(&counted(&k), Some(with_servers(&dns)));
    std::thread::sleep(Duration::from_millis(200));
    assert!(dns.udp_queries.load(std::sync::atomic::Ordering::SeqCst) > 0, "the lookup has started");
    drop(fut);
    after_the_lookup();
    assert_eq!(hits(&k), 0, "the transfer started after its future was dropped");
}

#[test]
fn destroy_during_a_lookup_fails_the_request_at_once_and_it_never_starts() {
    testbed!();
    let dns = slow_dns();
    let http = std::sync::Arc::new(create_http());
    // callback form: the completion comes at once, not when the lookup ends
    let k = key("destroy-lookup");
    let (tx, rx) = std::sync::mpsc::channel();
    http.request_with_callback(&counted(&k), Some(with_servers(&dns)), move |r| {
        let _ = tx.send((Instant::now(), r.map(|r| r.response_code)));
    });
    // blocking form on another thread of the same HttpRequest
    let k2 = key("destroy-lookup-blocking");
    let (h, url2, o) = (http.clone(), counted(&k2), with_servers(&dns));
    let blocking = std::thread::spawn(move || {
        let r = h.request(&url2, Some(o));
        (Instant::now(), r.map(|r| r.response_code))
    });
    std::thread::sleep(Duration::from_millis(200));
    let destroyed = Instant::now();
    http.destroy();
    let (at, result) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(result.unwrap_err().code(), 2_300_042);
    assert!(at.duration_since(destroyed) < Duration::from_millis(1000), "waited for the lookup: {:?}", at - destroyed);
    let (at, result) = blocking.join().unwrap();
    assert_eq!(result.unwrap_err().code(), 2_300_042);
    assert!(at.duration_since(destroyed) < Duration::from_millis(1000), "waited for the lookup: {:?}", at - destroyed);
    after_the_lookup();
    assert_eq!((hits(&k), hits(&k2)), (0, 0), "a destroyed request's transfer started");
}

#[test]
fn a_future_dropped_between_two_hops_never_reaches_the_second() {
    testbed!();
    // The first hop (an IP literal, no lookup) redirects to a name the slow server resolves:
    // the future is dropped while the second hop waits for its lookup.
    let dns = slow_dns();
    let k = key("drop-between-hops");
    let first = format!("{FAULT}/status/302?location={}", counted(&k));
    let fut = create_http().request_async(&first, Some(with_servers(&dns)));
    let started = Instant::now();
    while dns.udp_queries.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the second hop's lookup never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(fut);
    after_the_lookup();
    assert_eq!(hits(&k), 0, "the second hop started after the future was dropped");
}

#[test]
fn a_dropped_future_of_a_running_transfer_is_removed_at_once() {
    testbed!();
    // A server of this test's own that reads the request and never answers: when the future
    // is dropped the library must close the connection (the server reads end-of-file).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hang", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = tx.send("connected");
        while let Ok(n) = std::io::Read::read(&mut conn, &mut buf) {
            if n == 0 {
                let _ = tx.send("closed");
                return;
            }
        }
    });
    let fut = create_http().request_async(&url, None);
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("connected"));
    drop(fut);
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok("closed"), "the transfer kept running after the drop");
}
