//! Helpers of the cache tests: unique keys on the fault server's `/count/<key>` route and a
//! request counter read without going through the library (so reading it never touches the
//! cache under test).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The fault server (testbed/fault_server.py).
pub const FAULT: &str = "http://127.0.0.1:18090";
const FAULT_ADDR: &str = "127.0.0.1:18090";

/// A key no other test (or earlier run against the same server) uses.
pub fn key(name: &str) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos();
    let name = name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-");
    format!("{name}-{}-{nanos}-{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed))
}

/// `FAULT/count/<key>?<query>`.
pub fn count_url(key: &str, query: &str) -> String {
    if query.is_empty() {
        format!("{FAULT}/count/{key}")
    } else {
        format!("{FAULT}/count/{key}?{query}")
    }
}

/// How many requests `/count/<key>` has received, asked over a plain socket.
pub fn hits(key: &str) -> u32 {
    let mut s = TcpStream::connect(FAULT_ADDR).expect("the fault server (run the tests through testbed/shell.sh)");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET /counter/{key} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (_, body) = reply.split_once("\r\n\r\n").expect("an HTTP reply");
    body.trim().parse().unwrap_or_else(|_| panic!("counter reply: {reply}"))
}

/// A fresh directory for cache files under cargo's `target/tmp` (never the user's cache).
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("ohos-http-{name}-{}", key("dir")));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One request over a plain socket to the fault server: (status, body).
fn raw(method: &str, path: &str, body: &[u8]) -> (u32, Vec<u8>) {
    let mut s = TcpStream::connect(FAULT_ADDR).expect("the fault server (run the tests through testbed/shell.sh)");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP reply");
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, reply[split + 4..].to_vec())
}

/// Scripts `/script/<key>`: request n gets response spec n (the last repeats); see the
/// docstring of testbed/fault_server.py for the fields of a spec.
pub fn script(key: &str, responses: serde_json::Value) {
    let (status, body) = raw("POST", &format!("/script-setup/{key}"), responses.to_string().as_bytes());
    assert_eq!(status, 200, "script setup: {}", String::from_utf8_lossy(&body));
}

/// `FAULT/script/<key>`.
pub fn script_url(key: &str) -> String {
    format!("{FAULT}/script/{key}")
}

/// A request `/script/<key>` received: its method and header lines.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    /// The value of a request field (first line, name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What `/script/<key>` received so far, in order (read without the library).
pub fn script_log(key: &str) -> Vec<Seen> {
    let (status, body) = raw("GET", &format!("/script-log/{key}"), b"");
    assert_eq!(status, 200);
    let log: serde_json::Value = serde_json::from_slice(&body).unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .map(|r| Seen {
            method: r["method"].as_str().unwrap().to_string(),
            headers: r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().to_string(), h[1].as_str().unwrap().to_string()))
                .collect(),
        })
        .collect()
}

/// How many requests `/script/<key>` received.
pub fn script_hits(key: &str) -> usize {
    script_log(key).len()
}

/// The process-wide response cache of a test binary, its files under `temp_dir(dir)` (set
/// once per process; later calls return the same cache).
pub fn cache_in(dir: &str) -> ohos_http::HttpResponseCache {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| ohos_http::set_cache_directory(temp_dir(dir)));
    ohos_http::create_http_response_cache(None)
}

/// A GET (or whatever `options` say) that must succeed at the HTTP level.
pub fn get(url: &str, options: &str) -> ohos_http::HttpResponse {
    let o = ohos_http::HttpRequestOptions::from_json(options).expect("valid options JSON");
    ohos_http::create_http().request(url, Some(o)).unwrap_or_else(|e| panic!("{url}: {e}"))
}
