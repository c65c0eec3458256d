//! Helpers of the network-path tests (tests/net_*.rs): the testbed's proxies, DNS servers and
//! pins, option builders, a fake DNS server, and ways to look at connections from outside.
//! Every address here is a loopback address.
#![allow(dead_code)]

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA};
use hickory_proto::rr::{RData, Record, RecordType};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// tinyproxy, open (adds `X-Tinyproxy` to forwarded requests and `Via` to their responses).
pub const PROXY_PORT: u16 = 18128;
/// tinyproxy with `BasicAuth user pass`.
pub const AUTH_PROXY_PORT: u16 = 18129;
/// dnsmasq: test.example and *.test.example -> 127.0.0.1 and ::1; v4only.test.example ->
/// 127.0.0.1; v6only.test.example -> ::1; anything else REFUSED.
pub const DNS_SERVER: &str = "127.0.0.1:15353";
/// dnsdist's DNS-over-HTTPS endpoint in front of that dnsmasq (certificate of the test CA).
pub const DOH_URL: &str = "https://127.0.0.1:18053/dns-query";

/// The server leaf's public-key pin (base64 SHA-256 of its SubjectPublicKeyInfo).
pub fn server_pin() -> String {
    std::fs::read_to_string(crate::common::testbed_dir().join("certs/server.pin"))
        .expect("certs/server.pin (testbed/setup.sh makes it)")
        .trim()
        .to_string()
}

/// A well-formed pin that matches no testbed key.
pub const OTHER_PIN: &str = "yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=";

/// `"caPath":"<test CA>"` for building JSON options.
pub fn tls() -> String {
    format!(r#""caPath":"{}""#, crate::common::ca())
}

/// Options from a JSON object body (without the braces), e.g. `opts_with(&tls())`.
pub fn opts_with(fields: &str) -> ohos_http::HttpRequestOptions {
    crate::common::opts(&format!("{{{fields}}}"))
}

/// The request headers httpbin's `/headers` saw, keys lower-cased.
pub fn seen_headers(r: &ohos_http::HttpResponse) -> serde_json::Map<String, serde_json::Value> {
    let body = crate::common::json(r);
    body["headers"]
        .as_object()
        .expect("httpbin /headers body")
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect()
}

/// Whether the tests run in the testbed's private network namespace (then a name that the
/// system resolver is asked about fails at once and no packet can leave loopback).
pub fn in_private_netns() -> bool {
    std::env::var("OHOS_HTTP_TB_NETNS").as_deref() == Ok("1")
}

/// Established TCP connections (IPv4 and IPv6) whose remote port is `port`: from this
/// network namespace's point of view, the client side of connections to that server.
pub fn established_to(port: u16) -> usize {
    let wanted = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|t| t.lines().skip(1).map(str::to_string).collect::<Vec<_>>())
        .filter(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            f.len() > 3 && f[2].ends_with(&wanted) && f[3] == "01"
        })
        .count()
}

/// Lines of a testbed log file containing `needle`.
pub fn log_lines_with(log: &str, needle: &str) -> usize {
    let dir = std::env::var_os("OHOS_HTTP_TB_LOGS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| crate::common::testbed_dir().join("logs"));
    std::fs::read_to_string(dir.join(log)).unwrap_or_default().lines().filter(|l| l.contains(needle)).count()
}

/// How a [`FakeDns`] behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeMode {
    /// Reads queries and never answers.
    Silent,
    /// Answers over UDP with the TC (truncated) bit and no records; answers over TCP with
    /// A 127.0.0.1 and AAAA ::1.
    TruncateUdp,
    /// Answers over UDP: A 127.0.0.1, AAAA ::1.
    Answer,
    /// Answers like `Answer`, each after this long (a slow server).
    Slow(std::time::Duration),
    /// Answers over UDP like `TruncateUdp`; over TCP with the records, one byte per this long
    /// (a server that drips its answer).
    DripTcp(std::time::Duration),
}

/// A DNS server on loopback for one test, UDP and TCP on the same port. Its threads live
/// until the test process ends.
pub struct FakeDns {
    /// Where it listens.
    pub addr: SocketAddr,
    /// UDP queries received.
    pub udp_queries: Arc<AtomicUsize>,
    /// TCP queries received.
    pub tcp_queries: Arc<AtomicUsize>,
}

impl FakeDns {
    /// Starts one on `ip` (127.0.0.1 or ::1), on a free port.
    pub fn start(mode: FakeMode, ip: std::net::IpAddr) -> FakeDns {
        let (udp, tcp) = loop {
            let udp = UdpSocket::bind(SocketAddr::new(ip, 0)).expect("bind UDP on loopback");
            let port = udp.local_addr().unwrap().port();
            if let Ok(tcp) = TcpListener::bind(SocketAddr::new(ip, port)) {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr().unwrap();
        let udp_queries = Arc::new(AtomicUsize::new(0));
        let tcp_queries = Arc::new(AtomicUsize::new(0));
        let count = udp_queries.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = udp.recv_from(&mut buf) {
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(query) = Message::from_vec(&buf[..n]) else { continue };
                let reply = match mode {
                    FakeMode::Silent => continue,
                    FakeMode::TruncateUdp | FakeMode::DripTcp(_) => {
                        let mut m = reply_to(&query, false);
                        m.set_truncated(true);
                        m
                    }
                    FakeMode::Answer => reply_to(&query, true),
                    FakeMode::Slow(delay) => {
                        let (udp, reply) = (udp.try_clone().unwrap(), reply_to(&query, true));
                        std::thread::spawn(move || {
                            std::thread::sleep(delay);
                            let _ = udp.send_to(&reply.to_vec().unwrap(), from);
                        });
                        continue;
                    }
                };
                let _ = udp.send_to(&reply.to_vec().unwrap(), from);
            }
        });
        let count = tcp_queries.clone();
        std::thread::spawn(move || {
            for conn in tcp.incoming() {
                let Ok(mut conn) = conn else { continue };
                let count = count.clone();
                std::thread::spawn(move || loop {
                    let mut len = [0u8; 2];
                    if conn.read_exact(&mut len).is_err() {
                        return;
                    }
                    let mut body = vec![0u8; u16::from_be_bytes(len) as usize];
                    if conn.read_exact(&mut body).is_err() {
                        return;
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let Ok(query) = Message::from_vec(&body) else { return };
                    if mode == FakeMode::Silent {
                        continue;
                    }
                    let reply = reply_to(&query, true).to_vec().unwrap();
                    let mut framed = (reply.len() as u16).to_be_bytes().to_vec();
                    framed.extend_from_slice(&reply);
                    if let FakeMode::DripTcp(every) = mode {
                        for byte in framed {
                            std::thread::sleep(every);
                            if conn.write_all(&[byte]).is_err() {
                                return;
                            }
                        }
                        continue;
                    }
                    if conn.write_all(&framed).is_err() {
                        return;
                    }
                });
            }
        });
        FakeDns { addr, udp_queries, tcp_queries }
    }
}

/// A response to `query`: with `records`, A 127.0.0.1 or AAAA ::1 for the question's name.
fn reply_to(query: &Message, records: bool) -> Message {
    let mut m = Message::new();
    m.set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(query.op_code())
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true)
        .set_response_code(ResponseCode::NoError);
    for q in query.queries() {
        m.add_query(q.clone());
        if !records {
            continue;
        }
        let data = match q.query_type() {
            RecordType::A => RData::A(A(Ipv4Addr::LOCALHOST)),
            RecordType::AAAA => RData::AAAA(AAAA(Ipv6Addr::LOCALHOST)),
            _ => continue,
        };
        m.add_answer(Record::from_rdata(q.name().clone(), 5, data));
    }
    m
}

/// Serializes the tests of one binary that set the process-wide network policy.
static POLICY_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A test's hold on the network policy: the lock, and the default policy back when dropped
/// (also when the test fails).
pub struct PolicyScope(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

impl Drop for PolicyScope {
    fn drop(&mut self) {
        ohos_http::reset_network_policy();
    }
}

/// Takes the policy lock and sets `policy` for the test.
pub fn scope(policy: ohos_http::NetworkPolicy) -> PolicyScope {
    let guard = POLICY_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    ohos_http::set_network_policy(policy);
    PolicyScope(guard)
}
