//! An HTTP/1.1 server inside the test process, on 127.0.0.1 (a free port), for the tests that
//! need no testbed (`tests/core_*.rs`): plain `cargo test` runs them. Real sockets, a real
//! server: only its routes are small. One thread per connection, keep-alive.
//!
//! Routes:
//! * `/bytes/N`: N bytes (byte k is k % 256), with Content-Length.
//! * `/chunked/N`: the same N bytes, chunked in 16 KiB pieces.
//! * `/echo`: JSON `{"method", "path", "query", "headers": {lower-case name: value}, "body"}`.
//! * `/status/N[?location=URL]`: status N, empty body (and a Location).
//! * `/count/KEY[?cc=…&etag=…]`: counts requests per key (see [`LocalServer::hits`]); body
//!   `KEY-n`, with `Cache-Control: cc` and an `ETag` when given; a matching `If-None-Match`
//!   gets a 304.
//! * `/hold/KEY`: tells the test it arrived ([`LocalServer::wait_arrival`]) and answers only
//!   when the test releases it ([`LocalServer::release`]), or after 30 s: a barrier instead of
//!   a sleep.
#![allow(dead_code)]

use parking_lot::{Condvar, Mutex};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    counts: Mutex<HashMap<String, u32>>,
    arrived: Mutex<Vec<String>>,
    released: Mutex<Vec<String>>,
    changed: Condvar,
    changed_lock: Mutex<()>,
}

/// A running server; it lives until the test process ends.
pub struct LocalServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    state: Arc<State>,
}

impl LocalServer {
    /// Starts one on a free port.
    pub fn start() -> LocalServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State::default());
        let s = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(conn, &s));
            }
        });
        LocalServer { base, state }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Requests `/count/KEY` has received.
    pub fn hits(&self, key: &str) -> u32 {
        self.state.counts.lock().get(key).copied().unwrap_or(0)
    }

    /// Waits (at most `timeout`) until a request for `/hold/KEY` has arrived.
    pub fn wait_arrival(&self, key: &str, timeout: Duration) -> bool {
        self.wait(timeout, || self.state.arrived.lock().iter().any(|k| k == key))
    }

    /// Lets the held request for `/hold/KEY` be answered.
    pub fn release(&self, key: &str) {
        self.state.released.lock().push(key.to_string());
        self.notify();
    }

    fn notify(&self) {
        let _g = self.state.changed_lock.lock();
        self.state.changed.notify_all();
    }

    fn wait(&self, timeout: Duration, done: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut g = self.state.changed_lock.lock();
        while !done() {
            if self.state.changed.wait_until(&mut g, deadline).timed_out() {
                return done();
            }
        }
        true
    }
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
    let query = q.split('&').filter_map(|p| p.split_once('=')).map(|(k, v)| (k.to_string(), decode(v))).collect();
    Some(Request { method, path: path.to_string(), query, headers, body })
}

/// `%XX` decoding for query values.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|k| (k % 256) as u8).collect()
}

fn serve(conn: TcpStream, state: &State) {
    let mut writer = conn.try_clone().unwrap();
    let mut reader = BufReader::new(conn);
    while let Some(req) = read_request(&mut reader) {
        let head = req.method == "HEAD";
        let mut extra: Vec<(String, String)> = Vec::new();
        let (status, body, chunked) = match req.path.split('/').nth(1).unwrap_or("") {
            "bytes" => (200, pattern(req.path[7..].parse().unwrap_or(0)), false),
            "chunked" => (200, pattern(req.path[9..].parse().unwrap_or(0)), true),
            "echo" => {
                let doc = serde_json::json!({
                    "method": req.method,
                    "path": req.path,
                    "query": req.query,
                    "headers": req.headers.iter().cloned().collect::<HashMap<_, _>>(),
                    "body": String::from_utf8_lossy(&req.body),
                });
                extra.push(("Content-Type".into(), "application/json".into()));
                (200, doc.to_string().into_bytes(), false)
            }
            "status" => {
                if let Some(l) = req.query.get("location") {
                    extra.push(("Location".into(), l.clone()));
                }
                (req.path[8..].parse().unwrap_or(500), Vec::new(), false)
            }
            "count" => {
                let key = req.path[7..].to_string();
                let n = {
                    let mut c = state.counts.lock();
                    let n = c.entry(key.clone()).or_insert(0);
                    *n += 1;
                    *n
                };
                if let Some(cc) = req.query.get("cc") {
                    extra.push(("Cache-Control".into(), cc.clone()));
                }
                let etag = req.query.get("etag").map(|e| format!("\"{e}\""));
                if let Some(e) = &etag {
                    extra.push(("ETag".into(), e.clone()));
                }
                let inm = req.headers.iter().find(|(k, _)| k == "if-none-match").map(|(_, v)| v.clone());
                if etag.is_some() && inm == etag {
                    (304, Vec::new(), false)
                } else {
                    (200, format!("{key}-{n}").into_bytes(), false)
                }
            }
            "hold" => {
                let key = req.path[6..].to_string();
                state.arrived.lock().push(key.clone());
                {
                    let _g = state.changed_lock.lock();
                    state.changed.notify_all();
                }
                let deadline = Instant::now() + Duration::from_secs(30);
                let mut g = state.changed_lock.lock();
                while !state.released.lock().contains(&key) {
                    if state.changed.wait_until(&mut g, deadline).timed_out() {
                        break;
                    }
                }
                drop(g);
                (200, format!("held-{key}").into_bytes(), false)
            }
            _ => (404, b"no such route\n".to_vec(), false),
        };
        let mut out = format!("HTTP/1.1 {status} X\r\n");
        for (k, v) in &extra {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        let no_body = status == 304 || status == 204 || (100..200).contains(&status);
        if chunked && !no_body {
            out.push_str("Transfer-Encoding: chunked\r\n\r\n");
            let mut bytes = out.into_bytes();
            if !head {
                for piece in body.chunks(16 * 1024) {
                    bytes.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                    bytes.extend_from_slice(piece);
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(b"0\r\n\r\n");
            }
            if writer.write_all(&bytes).is_err() {
                return;
            }
        } else {
            if !no_body {
                out.push_str(&format!("Content-Length: {}\r\n", body.len()));
            }
            out.push_str("\r\n");
            let mut bytes = out.into_bytes();
            if !head && !no_body {
                bytes.extend_from_slice(&body);
            }
            if writer.write_all(&bytes).is_err() {
                return;
            }
        }
    }
}
