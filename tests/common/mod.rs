//! Shared helpers of the integration tests: where the testbed's servers and certificates are.
//! The servers are started by `testbed/start.sh` (the README's test command does it).
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

/// httpbin over plain HTTP/1.1 (+ h2c).
pub const HTTPBIN: &str = "http://127.0.0.1:18080";
/// httpbin over IPv6 loopback.
pub const HTTPBIN_V6: &str = "http://[::1]:18080";
/// httpbin over TLS (cert for localhost, test.example, 127.0.0.1, ::1).
pub const HTTPBIN_TLS: &str = "https://localhost:18443";
/// httpbin requiring a client certificate.
pub const MTLS: &str = "https://localhost:18444";
/// The raw fault server (testbed/fault_server.py).
pub const FAULT: &str = "http://127.0.0.1:18090";
/// nginx static files, plain HTTP/1.1.
pub const NGINX: &str = "http://127.0.0.1:18081";
/// nginx static files, TLS + HTTP/2.
pub const NGINX_TLS: &str = "https://localhost:18446";

/// The testbed's state directory.
pub fn testbed_dir() -> PathBuf {
    std::env::var_os("OHOS_HTTP_TB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/testbed"))
}

/// A file in the testbed's certificate directory, as a string path.
pub fn cert(name: &str) -> String {
    testbed_dir().join("certs").join(name).to_string_lossy().into_owned()
}

/// The test CA bundle.
pub fn ca() -> String {
    cert("ca.pem")
}

/// Whether the testbed's servers are up for this test: true when they run (the test command
/// starts them, `OHOS_HTTP_TB_UP`); false, with a line on stderr, under a plain `cargo test`
/// (the test is skipped: only the core tests, with their own server, run then). With
/// `OHOS_HTTP_REQUIRE_TESTBED` set (the test command sets it) a missing testbed is a failure,
/// never a skip.
pub fn testbed_up() -> bool {
    if std::env::var_os("OHOS_HTTP_TB_UP").is_some() {
        require_testbed();
        return true;
    }
    if std::env::var_os("OHOS_HTTP_REQUIRE_TESTBED").is_some() {
        panic!("the testbed is required but not running: run ./testbed/run-tests.sh, or testbed/shell.sh cargo test");
    }
    eprintln!("skipped: needs the testbed (./testbed/run-tests.sh, or testbed/shell.sh cargo test)");
    false
}

/// First line of a test that talks to the testbed's servers: skips it (returns) when they are
/// not up (see [`testbed_up`]).
#[allow(unused_macros)]
macro_rules! testbed {
    () => {
        if !$crate::common::testbed_up() {
            return;
        }
    };
}
#[allow(unused_imports)]
pub(crate) use testbed;

/// Panics with a clear message when the testbed is not running.
pub fn require_testbed() {
    for (name, port) in [("httpbin", 18080), ("fault server", 18090)] {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        if TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err() {
            panic!("the testbed is not running ({name} on port {port}): run ./testbed/run-tests.sh, or testbed/shell.sh cargo test");
        }
    }
}

/// Options from camelCase JSON (panics on a bad literal: test helper).
pub fn opts(json: &str) -> ohos_http::HttpRequestOptions {
    ohos_http::HttpRequestOptions::from_json(json).expect("valid options JSON")
}

/// The response body as text.
pub fn text(r: &ohos_http::HttpResponse) -> String {
    r.result.as_text().map(|t| t.into_owned()).unwrap_or_default()
}

/// The response body parsed as JSON.
pub fn json(r: &ohos_http::HttpResponse) -> serde_json::Value {
    serde_json::from_str(&text(r)).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", text(r)))
}

/// Runs a future to completion on this thread (a minimal executor: the library needs none).
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Arc::new(Unpark(std::thread::current())).into();
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

/// Peak resident set size of this process so far, in bytes (VmHWM). Process-wide: a test that
/// bounds it is best the only one of its binary.
pub fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc/self/status");
    line.split_whitespace().nth(1).and_then(|n| n.parse::<u64>().ok()).expect("VmHWM in kB") * 1024
}
