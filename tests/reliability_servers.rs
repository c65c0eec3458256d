//! Hostile and stalling servers (issue 13): a DNS server that drips its TCP answer, transfers
//! that stall (a silent server, a TLS handshake that never ends, a slow DNS server) beside
//! unrelated ones, and response headers that arrive a byte at a time. Each test asserts the
//! outcome (code) and a time bound with a generous margin; the machine is small and noisy.
mod common;
mod local;
mod net_common;
use common::{opts, testbed, FAULT};
use local::LocalServer;
use net_common::{FakeDns, FakeMode};
use ohos_http::{create_http, HttpRequest};
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LOCAL4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A TCP server on loopback that accepts connections, reads what comes and never answers:
/// a silent HTTP server, or a TLS server whose handshake never ends. Lives until the process
/// ends.
fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut conn = conn;
                let mut buf = [0u8; 4096];
                while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    port
}

/// Median and maximum of `n` sequential blocking GETs of `url`.
fn latencies(http: &HttpRequest, url: &str, n: usize) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            let r = http.request(url, None).expect("an unrelated GET");
            assert_eq!(r.response_code, 200);
            started.elapsed()
        })
        .collect();
    times.sort();
    (times[n / 2], times[n - 1])
}

#[test]
fn a_dns_server_dripping_its_tcp_answer_cannot_stretch_a_lookup_or_starve_the_pool() {
    // UDP answers are truncated, so the lookup moves to TCP, where the answer comes a byte
    // every 300 ms (~60 bytes: 18 s if each read had its own timeout). The lookup has one
    // deadline, 2 s per server.
    let drip = FakeDns::start(FakeMode::DripTcp(Duration::from_millis(300)), LOCAL4);
    let answering = FakeDns::start(FakeMode::Answer, LOCAL4);
    let server = LocalServer::start();
    let port = server.base.rsplit(':').next().unwrap().to_string();
    let http = create_http();
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    const SLOW: usize = 12; // more lookups than the resolver pool keeps threads for
    for i in 0..SLOW {
        let tx = tx.clone();
        let o = opts(&format!(r#"{{"dnsServers":["{}"]}}"#, drip.addr));
        http.request_with_callback(&format!("http://drip{i}.test:{port}/bytes/10"), Some(o), move |r| {
            tx.send((r.map(|r| r.response_code).map_err(|e| e.code()), Instant::now())).unwrap()
        });
    }
    // while those wait on the dripping server, a lookup through a healthy one is prompt
    std::thread::sleep(Duration::from_millis(300));
    let healthy = Instant::now();
    let o = opts(&format!(r#"{{"dnsServers":["{}"]}}"#, answering.addr));
    let r = http.request(&format!("http://healthy.test:{port}/bytes/10"), Some(o)).unwrap();
    assert_eq!(r.response_code, 200);
    assert!(healthy.elapsed() < Duration::from_millis(1500), "a healthy lookup waited {:?}", healthy.elapsed());
    for _ in 0..SLOW {
        let (outcome, at) = rx.recv_timeout(Duration::from_secs(30)).expect("every dripped lookup ends");
        assert_eq!(outcome, Err(2_300_006), "a lookup that got no answer in time cannot resolve the host");
        let took = at - started;
        assert!(took < Duration::from_secs(8), "a dripped lookup took {took:?} (deadline 2 s)");
    }
    assert!(drip.tcp_queries.load(Ordering::SeqCst) >= SLOW, "the lookups went to TCP");
}

#[test]
fn a_stalled_transfer_never_delays_an_unrelated_one() {
    let server = LocalServer::start();
    let url = server.url("/bytes/100");
    let http = create_http();
    latencies(&http, &url, 5); // warm: a connection in the pool
    let (base_p50, _) = latencies(&http, &url, 30);

    // stalls of every kind, held open for the whole measurement
    let silent = silent_server();
    let slow_dns = FakeDns::start(FakeMode::Slow(Duration::from_secs(20)), LOCAL4);
    let stalled = create_http();
    let (tx, rx) = mpsc::channel();
    let long = r#""connectTimeout":60000,"readTimeout":60000"#;
    let stalls = [
        (format!("http://127.0.0.1:{silent}/silent"), format!("{{{long}}}")),
        (format!("https://127.0.0.1:{silent}/handshake"), format!("{{{long}}}")),
        (format!("http://slow.test:{silent}/dns"), format!(r#"{{{long},"dnsServers":["{}"]}}"#, slow_dns.addr)),
    ];
    for _ in 0..3 {
        for (url, o) in &stalls {
            let tx = tx.clone();
            stalled.request_with_callback(url, Some(opts(o)), move |r| tx.send(r.map_err(|e| e.code()).err()).unwrap());
        }
    }
    std::thread::sleep(Duration::from_millis(300)); // all of them are stuck by now
    let (p50, max) = latencies(&http, &url, 30);
    assert!(
        p50 < base_p50 + Duration::from_millis(20),
        "median GET {p50:?} beside stalled transfers, {base_p50:?} without"
    );
    assert!(max < Duration::from_millis(1000), "slowest GET {max:?} beside stalled transfers");
    assert!(rx.try_recv().is_err(), "the stalls were still stalled while measured");
    stalled.destroy();
    for _ in 0..9 {
        let code = rx.recv_timeout(Duration::from_secs(10)).expect("destroy ends every stall");
        assert_eq!(code, Some(2_300_042));
    }
}

#[test]
fn header_bytes_are_read_activity() {
    testbed!();
    // a header field dripped a byte per second for 5 s: readTimeout 3 s never expires, since
    // every byte is activity
    let started = Instant::now();
    let r = create_http()
        .request(&format!("{FAULT}/slowheaders?bytes=5&interval_ms=1000"), Some(opts(r#"{"readTimeout":3000}"#)))
        .expect("headers that keep coming are not idle");
    assert_eq!((r.response_code, common::text(&r).as_str()), (200, "ok"));
    assert_eq!(r.header.get("x-slow").and_then(|v| v.as_str()), Some("sssss"));
    assert!(started.elapsed() >= Duration::from_secs(4), "the headers really were slow");
}

#[test]
fn headers_that_stop_coming_hit_the_read_timeout() {
    testbed!();
    let started = Instant::now();
    let e = create_http()
        .request(&format!("{FAULT}/slowheaders?bytes=1&interval_ms=10&stall=1"), Some(opts(r#"{"readTimeout":1500}"#)))
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.code(), 2_300_028, "{e}");
    assert!(took >= Duration::from_millis(1400) && took < Duration::from_secs(6), "timed out after {took:?}");
}
