//! dnsServers on a libcurl without c-ares: the library asks the servers itself (A + AAAA, in
//! order, with a timeout per server and fallback, TCP when truncated) and pins the answer on
//! the transfer. dnsmasq serves test.example; fake servers on loopback play the bad ones.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::create_http;
use std::net::IpAddr;
use std::time::{Duration, Instant};

const LOCAL4: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
const LOCAL6: IpAddr = IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);

fn servers(list: &[String]) -> String {
    let quoted: Vec<String> = list.iter().map(|s| format!("\"{s}\"")).collect();
    format!(r#""dnsServers":[{}]"#, quoted.join(","))
}

/// A server address that answers nothing at all (a closed UDP port: ICMP unreachable).
fn dead_server() -> String {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = s.local_addr().unwrap().to_string();
    drop(s);
    addr
}

#[test]
fn names_resolve_through_the_given_server() {
    testbed!();
    let http = create_http();
    let o = servers(&[DNS_SERVER.into()]);
    let r = http.request("http://test.example:18080/headers", Some(opts_with(&o))).unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(seen_headers(&r)["host"], "test.example:18080");
    // A only, AAAA only (httpbin listens on 127.0.0.1 and ::1)
    for host in ["v4only.test.example", "v6only.test.example", "any.sub.test.example"] {
        let r = http.request(&format!("http://{host}:18080/get"), Some(opts_with(&o))).unwrap();
        assert_eq!(r.response_code, 200, "{host}");
    }
    // over TLS the certificate is checked against the name, as usual
    let r = http.request("https://test.example:18443/get", Some(opts_with(&format!("{o},{}", tls())))).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn invalid_entries_are_skipped_and_only_three_are_used() {
    testbed!();
    let http = create_http();
    // "bad" and "dns.example" are skipped; dnsmasq is the first valid entry
    let o = servers(&["bad".into(), "dns.example".into(), DNS_SERVER.into()]);
    assert_eq!(http.request("http://test.example:18080/get", Some(opts_with(&o))).unwrap().response_code, 200);
    // three dead servers first: dnsmasq, the fourth, is never asked
    let o = servers(&[dead_server(), dead_server(), dead_server(), DNS_SERVER.into()]);
    let e = http.request("http://test.example:18080/get", Some(opts_with(&o))).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
}

#[test]
fn a_dead_server_falls_back_to_the_next() {
    testbed!();
    let o = servers(&[dead_server(), DNS_SERVER.into()]);
    let started = Instant::now();
    let r = create_http().request("http://test.example:18080/get", Some(opts_with(&o))).unwrap();
    assert_eq!(r.response_code, 200);
    // an unreachable port answers at once (ICMP): no timeout was waited for
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

#[test]
fn a_silent_server_times_out_then_falls_back() {
    testbed!();
    let silent = FakeDns::start(FakeMode::Silent, LOCAL4);
    let o = servers(&[silent.addr.to_string(), DNS_SERVER.into()]);
    let started = Instant::now();
    let r = create_http().request("http://test.example:18080/get", Some(opts_with(&o))).unwrap();
    let took = started.elapsed();
    assert_eq!(r.response_code, 200);
    assert!(silent.udp_queries.load(std::sync::atomic::Ordering::SeqCst) >= 2, "A and AAAA were asked");
    // 2 s per server
    assert!(took >= Duration::from_millis(1900) && took < Duration::from_secs(5), "{took:?}");
    // a shorter connectTimeout shortens the wait per server
    let started = Instant::now();
    let r = create_http()
        .request("http://test.example:18080/get", Some(opts_with(&format!(r#"{o},"connectTimeout":300"#))));
    assert_eq!(r.unwrap().response_code, 200);
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

#[test]
fn no_answer_from_any_server_is_2300006() {
    testbed!();
    let http = create_http();
    // dnsmasq refuses names it does not serve (REFUSED: the next server would be asked)
    let e = http.request("http://nope.invalid:18080/get", Some(opts_with(&servers(&[DNS_SERVER.into()])))).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
    assert!(e.message().starts_with("Failed to resolve the host name"), "{e}");
    assert!(e.message().contains("nope.invalid") && e.message().contains(DNS_SERVER), "{e}");
    // nobody there at all
    let e = http
        .request("http://test.example:18080/get", Some(opts_with(&servers(&[dead_server(), dead_server()]))))
        .unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
    // callback and async requests report it the same way
    let (tx, rx) = crossbeam_channel::bounded(1);
    http.request_with_callback(
        "http://test.example:18080/get",
        Some(opts_with(&servers(&[dead_server()]))),
        move |r| tx.send(r.map(|r| r.response_code)).unwrap(),
    );
    let e = rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
    let e = block_on(http.request_async("http://test.example:18080/get", Some(opts_with(&servers(&[dead_server()])))))
        .unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
}

#[test]
fn a_truncated_answer_is_asked_again_over_tcp() {
    testbed!();
    let fake = FakeDns::start(FakeMode::TruncateUdp, LOCAL4);
    let o = servers(&[fake.addr.to_string()]);
    let r = create_http().request("http://tcp.test:18080/headers", Some(opts_with(&o))).unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(seen_headers(&r)["host"], "tcp.test:18080");
    assert!(fake.tcp_queries.load(std::sync::atomic::Ordering::SeqCst) >= 2, "A and AAAA over TCP");
}

#[test]
fn an_ipv6_server_with_a_port() {
    testbed!();
    let fake = FakeDns::start(FakeMode::Answer, LOCAL6);
    let o = servers(&[format!("[::1]:{}", fake.addr.port())]);
    let r = create_http().request("http://six.test:18080/get", Some(opts_with(&o))).unwrap();
    assert_eq!(r.response_code, 200);
    assert!(fake.udp_queries.load(std::sync::atomic::Ordering::SeqCst) >= 2);
}

#[test]
fn ip_literals_need_no_lookup() {
    testbed!();
    let silent = FakeDns::start(FakeMode::Silent, LOCAL4);
    let o = servers(&[silent.addr.to_string()]);
    let started = Instant::now();
    for url in [format!("{HTTPBIN}/get"), format!("{HTTPBIN_V6}/get"), "http://localhost:18080/get".into()] {
        assert_eq!(create_http().request(&url, Some(opts_with(&o))).unwrap().response_code, 200, "{url}");
    }
    assert_eq!(silent.udp_queries.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_slow_dns_server_does_not_stall_other_transfers() {
    testbed!();
    let silent = FakeDns::start(FakeMode::Silent, LOCAL4);
    let http = create_http();
    let started = Instant::now();
    let (tx, rx) = crossbeam_channel::bounded(2);
    // two lookups that wait 2 s on the silent server before dnsmasq answers
    for _ in 0..2 {
        let tx = tx.clone();
        http.request_with_callback(
            "http://test.example:18080/get",
            Some(opts_with(&servers(&[silent.addr.to_string(), DNS_SERVER.into()]))),
            move |r| tx.send((r.map(|r| r.response_code), started.elapsed())).unwrap(),
        );
    }
    // the caller was not blocked
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    // meanwhile other transfers run at full speed
    for _ in 0..10 {
        assert_eq!(http.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
    }
    let others_done = started.elapsed();
    assert!(others_done < Duration::from_millis(1500), "other transfers took {others_done:?}");
    for _ in 0..2 {
        let (code, at) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(code.unwrap(), 200);
        assert!(at >= Duration::from_millis(1900), "{at:?}");
    }
}

#[test]
fn the_pinned_answer_stays_with_its_transfer() {
    testbed!();
    // Without dnsServers a name goes to the system resolver, which does not know
    // test.example: only inside the testbed's network namespace, where that lookup cannot
    // leave loopback.
    if !in_private_netns() {
        return;
    }
    let http = create_http();
    let url = "http://v4only.test.example:18080/get";
    // `Connection: close`: no idle connection is left that curl could reuse without a lookup
    let fields = format!(r#"{},"header":{{"Connection":"close"}}"#, servers(&[DNS_SERVER.into()]));
    assert_eq!(http.request(url, Some(opts_with(&fields))).unwrap().response_code, 200);
    // the pinned address went into that transfer's own DNS cache, not the shared one
    let e = http.request(url, None).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
}

#[test]
fn dropping_the_future_during_the_lookup_sends_nothing() {
    testbed!();
    let silent = FakeDns::start(FakeMode::Silent, LOCAL4);
    let answering = FakeDns::start(FakeMode::Answer, LOCAL4);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://dropped.test:{}/", listener.local_addr().unwrap().port());
    let fields = format!(
        r#"{},"method":"POST","extraData":"x""#,
        servers(&[silent.addr.to_string(), answering.addr.to_string()])
    );
    let http = create_http();
    // the lookup waits 2 s on the silent server; the future is dropped long before
    drop(http.request_async(&url, Some(opts_with(&fields))));
    std::thread::sleep(Duration::from_millis(3000));
    assert!(answering.udp_queries.load(std::sync::atomic::Ordering::SeqCst) == 0, "the lookup went on");
    assert_eq!(listener.accept().unwrap_err().kind(), std::io::ErrorKind::WouldBlock, "the request was sent");
    // the same request, kept: it connects
    let fields = format!(r#"{},"connectTimeout":2000,"readTimeout":1000"#, servers(&[answering.addr.to_string()]));
    http.request_with_callback(&url, Some(opts_with(&fields)), |_| {});
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match listener.accept() {
            Ok(_) => break,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("the kept request never connected: {e}"),
        }
    }
}
