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
