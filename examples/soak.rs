//! examples/soak.rs: a soak run against the local test servers: mixed blocking, callback,
//! async and stream requests (with fault routes, `destroy()` mid-flight, dropped futures and
//! dropped handles), sampling the process's RSS, open file descriptors and threads, and
//! failing when they grow after a warm-up, when a request ends unexpectedly, or when a round
//! of requests hangs.
//!
//! ```sh
//! cargo build --example soak && testbed/shell.sh target/debug/examples/soak --duration 300
//! make soak                                  # the same, ~5 min (testbed/soak.sh)
//! ```
//!
//! Work comes in rounds: `--workers` threads each run a few operations, then join; a sample is
//! taken between rounds (at most one per `--sample-ms`), when no request of the soak is in
//! flight, so the numbers compare like with like.
//!
//! Growth, precisely: samples taken before `--warmup` seconds are shown but not judged. The
//! rest are cut in thirds; for each metric, *base* is the median of the first third and *end*
//! the maximum of the last third. The run fails when `end > base + slack`, with slack =
//! max(`--slack-rss-mib` MiB, `--slack-rss-pct` % of base) for RSS, `--slack-fds` descriptors,
//! `--slack-threads` threads. At least 6 judged samples are needed.
//!
//! `--self-test-leak MODE` leaks on purpose, to show that the check fails (the run must end in
//! GROWTH): `memory` `std::mem::forget`s every `HttpRequest` and every response (bodies up to
//! 1 MiB), `fds` keeps one file open per worker and round, `threads` parks one thread per
//! round. Sensitivity: at ~100 requests/s, a leak of about 1 KiB per request or more fails a
//! 5-minute run; forgetting only the handles (~300 bytes a request) stays under the slack.
use ohos_http::{create_http, Event, EventType, HttpError, HttpRequest, HttpRequestOptions, HttpResponse};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: soak [--duration SECS] [--warmup SECS] [--workers N] [--ops-per-round N] [--sample-ms MS]
            [--seed N] [--slack-rss-mib N] [--slack-rss-pct N] [--slack-fds N] [--slack-threads N]
            [--self-test-leak memory|fds|threads]
Needs the test servers (testbed/shell.sh). Defaults: 300 s, warm-up max(5, duration/5) s,
4 workers, 6 ops per worker and round, a sample per 1000 ms, slack 16 MiB or 25 % of RSS,
24 fds, 4 threads.";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Leak {
    None,
    Memory,
    Fds,
    Threads,
}

struct Args {
    duration: Duration,
    warmup: Option<Duration>,
    workers: usize,
    ops_per_round: usize,
    sample_every: Duration,
    seed: u64,
    slack_rss_mib: f64,
    slack_rss_pct: f64,
    slack_fds: f64,
    slack_threads: f64,
    leak: Leak,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        duration: Duration::from_secs(300),
        warmup: None,
        workers: 4,
        ops_per_round: 6,
        sample_every: Duration::from_millis(1000),
        seed: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs()),
        slack_rss_mib: 16.0,
        slack_rss_pct: 25.0,
        slack_fds: 24.0,
        slack_threads: 4.0,
        leak: Leak::None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = || value.parse::<f64>().map_err(|_| format!("{flag}: not a number: {value}"));
        match flag.as_str() {
            "--duration" => a.duration = Duration::from_secs_f64(num()?),
            "--warmup" => a.warmup = Some(Duration::from_secs_f64(num()?)),
            "--workers" => a.workers = (num()? as usize).max(1),
            "--ops-per-round" => a.ops_per_round = (num()? as usize).max(1),
            "--sample-ms" => a.sample_every = Duration::from_millis(num()? as u64),
            "--seed" => a.seed = num()? as u64,
            "--slack-rss-mib" => a.slack_rss_mib = num()?,
            "--slack-rss-pct" => a.slack_rss_pct = num()?,
            "--slack-fds" => a.slack_fds = num()?,
            "--slack-threads" => a.slack_threads = num()?,
            "--self-test-leak" => {
                a.leak = match value.as_str() {
                    "memory" => Leak::Memory,
                    "fds" => Leak::Fds,
                    "threads" => Leak::Threads,
                    _ => return Err(format!("--self-test-leak memory|fds|threads, got {value}")),
                }
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(a)
}

/// xorshift64*, seeded per worker and round (reproducible with `--seed`).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The test servers (from testbed/start.sh's variables).
struct Servers {
    httpbin: String,
    nginx: String,
    fault: String,
    tls: String,
    ca: String,
}

impl Servers {
    fn from_env() -> Servers {
        let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
        Servers {
            httpbin: var("OHOS_HTTP_TB_HTTPBIN_URL", "http://127.0.0.1:18080"),
            nginx: var("OHOS_HTTP_TB_NGINX_URL", "http://127.0.0.1:18081"),
            fault: var("OHOS_HTTP_TB_FAULT_URL", "http://127.0.0.1:18090"),
            tls: var("OHOS_HTTP_TB_HTTPBIN_TLS_URL", "https://localhost:18443"),
            ca: var("OHOS_HTTP_TB_CA", ""),
        }
    }
}

// ------------------------------------------------------------------ a minimal executor

struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

fn waker() -> Waker {
    Arc::new(Unpark(std::thread::current())).into()
}

/// Polls every future to completion on this thread, or gives up after `limit` (`None`).
fn join_all<F: Future + Unpin>(mut futs: Vec<F>, limit: Duration) -> Option<Vec<F::Output>> {
    let w = waker();
    let mut cx = Context::from_waker(&w);
    let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    let deadline = Instant::now() + limit;
    loop {
        for (f, slot) in futs.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                if let Poll::Ready(v) = Pin::new(f).poll(&mut cx) {
                    *slot = Some(v);
                }
            }
        }
        if out.iter().all(Option::is_some) {
            return Some(out.into_iter().map(|v| v.expect("all ready")).collect());
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        std::thread::park_timeout(deadline - now);
    }
}

fn block_on<F: Future + Unpin>(fut: F, limit: Duration) -> Option<F::Output> {
    join_all(vec![fut], limit).map(|mut v| v.pop().expect("one"))
}

/// Polls once (registering a waker), as an executor would before the future is dropped.
fn poll_once<F: Future + Unpin>(fut: &mut F) -> bool {
    let w = waker();
    Pin::new(fut).poll(&mut Context::from_waker(&w)).is_ready()
}

// ------------------------------------------------------------------ the operations

/// Options from JSON, with timeouts that keep every request bounded.
fn opts(json: &str) -> HttpRequestOptions {
    let mut o = HttpRequestOptions::from_json(json).expect("soak options are valid");
    o.connect_timeout.get_or_insert(10_000);
    o.read_timeout.get_or_insert(20_000);
    o
}

const WAIT: Duration = Duration::from_secs(30);

/// What one operation needs: servers, the leak mode, and where leaked objects go.
struct Ctx<'a> {
    s: &'a Servers,
    leak: Leak,
}

impl Ctx<'_> {
    /// Ends a handle: destroyed or dropped at random (or leaked in the memory self-test).
    fn finish(&self, http: HttpRequest, rng: &mut Rng) {
        if self.leak == Leak::Memory {
            std::mem::forget(http);
            return;
        }
        if rng.below(2) == 0 {
            http.destroy();
        }
    }

    fn keep(&self, r: HttpResponse) {
        if self.leak == Leak::Memory {
            std::mem::forget(r);
        }
    }

    /// A 200 (or `code`) response whose body has `len` bytes (when given).
    fn expect_ok(&self, what: &str, r: Result<HttpResponse, HttpError>, code: u32, len: Option<usize>) -> Check {
        match r {
            Ok(resp) => {
                let n = resp.result.to_bytes().len();
                let result = if resp.response_code != code {
                    Err(format!("{what}: status {} (expected {code})", resp.response_code))
                } else if len.is_some_and(|l| l != n) {
                    Err(format!("{what}: body of {n} bytes (expected {})", len.unwrap_or(0)))
                } else {
                    Ok(())
                };
                self.keep(resp);
                result
            }
            Err(e) => Err(format!("{what}: failed with {} {}", e.code(), e.message())),
        }
    }
}

type Check = Result<(), String>;

fn expect_code<T>(what: &str, r: Result<T, HttpError>, codes: &[u32]) -> Check {
    match r {
        Err(e) if codes.contains(&e.code()) => Ok(()),
        Err(e) => Err(format!("{what}: code {} {} (expected one of {codes:?})", e.code(), e.message())),
        Ok(_) => Err(format!("{what}: succeeded (expected one of {codes:?})")),
    }
}

/// A static file of nginx and its size.
fn nginx_file(s: &Servers, rng: &mut Rng, big: bool) -> (String, usize) {
    let files: &[(&str, usize)] = if big {
        &[("1k.bin", 1024), ("64k.bin", 65536), ("1m.bin", 1 << 20)]
    } else {
        &[("1k.bin", 1024), ("64k.bin", 65536)]
    };
    let (name, size) = files[rng.below(files.len() as u64) as usize];
    (format!("{}/{name}", s.nginx), size)
}

/// Counts stream bytes and dataEnd events through listeners.
fn stream_counter(http: &HttpRequest) -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let bytes = Arc::new(AtomicUsize::new(0));
    let ends = Arc::new(AtomicUsize::new(0));
    let b = bytes.clone();
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(chunk) = e {
            b.fetch_add(chunk.len(), Ordering::Relaxed);
        }
    });
    let d = ends.clone();
    http.on(EventType::DataEnd, move |_| {
        d.fetch_add(1, Ordering::Relaxed);
    });
    (bytes, ends)
}

const OPS: &[(&str, u64)] = &[
    ("get", 12),
    ("get_tls", 4),
    ("callback", 10),
    ("async", 8),
    ("async_join", 4),
    ("stream", 8),
    ("stream_async", 5),
    ("stream_callback", 4),
    ("post", 6),
    ("fault", 14),
    ("refused", 3),
    ("destroy_inflight", 7),
    ("destroy_blocking", 2),
    ("drop_future", 6),
    ("drop_handle", 4),
    ("listeners", 3),
];

fn pick_op(rng: &mut Rng) -> &'static str {
    let total: u64 = OPS.iter().map(|o| o.1).sum();
    let mut x = rng.below(total);
    for &(name, w) in OPS {
        if x < w {
            return name;
        }
        x -= w;
    }
    OPS[0].0
}

/// Runs one operation; `Err` describes an unexpected outcome.
fn run_op(name: &str, cx: &Ctx, rng: &mut Rng, requests: &AtomicU64) -> Check {
    let s = cx.s;
    let http = create_http();
    requests.fetch_add(1, Ordering::Relaxed);
    let r = match name {
        "get" => {
            if rng.below(3) == 0 {
                let r = http.request(&format!("{}/get?soak=1", s.httpbin), Some(opts("{}")));
                cx.expect_ok("GET httpbin", r, 200, None)
            } else {
                let (url, size) = nginx_file(s, rng, true);
                cx.expect_ok(
                    &format!("GET {url}"),
                    http.request(&url, Some(opts(r#"{"expectDataType":2}"#))),
                    200,
                    Some(size),
                )
            }
        }
        "get_tls" => {
            let o = opts(&format!(r#"{{"caPath":{}}}"#, serde_json::Value::from(s.ca.as_str())));
            cx.expect_ok("GET TLS httpbin", http.request(&format!("{}/get", s.tls), Some(o)), 200, None)
        }
        "callback" => {
            let (tx, rx) = mpsc::channel();
            let (url, size) = nginx_file(s, rng, false);
            http.request_with_callback(&url, Some(opts(r#"{"expectDataType":2}"#)), move |r| {
                let _ = tx.send(r);
            });
            match rx.recv_timeout(WAIT) {
                Ok(r) => cx.expect_ok("callback GET", r, 200, Some(size)),
                Err(_) => Err("callback GET: no callback within 30 s".into()),
            }
        }
        "async" => {
            let fut =
                http.request_async(&format!("{}/bytes?size=5000", s.fault), Some(opts(r#"{"expectDataType":2}"#)));
            match block_on(fut, WAIT) {
                Some(r) => cx.expect_ok("async GET", r, 200, Some(5000)),
                None => Err("async GET: not resolved within 30 s".into()),
            }
        }
        "async_join" => {
            let futs: Vec<_> =
                (0..4).map(|i| http.request_async(&format!("{}/get?i={i}", s.httpbin), Some(opts("{}")))).collect();
            match join_all(futs, WAIT) {
                Some(rs) => rs.into_iter().try_for_each(|r| cx.expect_ok("joined async GET", r, 200, None)),
                None => Err("4 joined async GETs: not all resolved within 30 s".into()),
            }
        }
        "stream" => {
            let (bytes, ends) = stream_counter(&http);
            let (url, size) = nginx_file(s, rng, true);
            match http.request_in_stream(&url, Some(opts("{}"))) {
                Ok(200) if bytes.load(Ordering::Relaxed) == size && ends.load(Ordering::Relaxed) == 1 => Ok(()),
                r => Err(format!(
                    "stream {url}: {r:?}, {} bytes, {} dataEnd",
                    bytes.load(Ordering::Relaxed),
                    ends.load(Ordering::Relaxed)
                )),
            }
        }
        "stream_async" => {
            let (bytes, ends) = stream_counter(&http);
            let fut = http.request_in_stream_async(&format!("{}/chunked?size=100000", s.fault), Some(opts("{}")));
            match block_on(fut, WAIT) {
                Some(Ok(200)) if bytes.load(Ordering::Relaxed) == 100_000 && ends.load(Ordering::Relaxed) == 1 => {
                    Ok(())
                }
                r => Err(format!("async stream: {r:?}, {} bytes", bytes.load(Ordering::Relaxed))),
            }
        }
        "stream_callback" => {
            let (bytes, _) = stream_counter(&http);
            let (tx, rx) = mpsc::channel();
            let (url, size) = nginx_file(s, rng, false);
            http.request_in_stream_with_callback(&url, Some(opts("{}")), move |r| {
                let _ = tx.send(r);
            });
            match rx.recv_timeout(WAIT) {
                Ok(Ok(200)) if bytes.load(Ordering::Relaxed) == size => Ok(()),
                r => Err(format!("callback stream {url}: {r:?}, {} bytes", bytes.load(Ordering::Relaxed))),
            }
        }
        "post" => {
            if rng.below(2) == 0 {
                let o = opts(
                    r#"{"method":"POST","header":{"content-type":"application/json"},"extraData":{"soak":[1,2,3]}}"#,
                );
                cx.expect_ok("POST httpbin", http.request(&format!("{}/post", s.httpbin), Some(o)), 200, None)
            } else {
                let body = "x".repeat(64 * 1024);
                let o = opts(&format!(r#"{{"method":"POST","extraData":"{body}"}}"#));
                cx.expect_ok("POST nginx /discard", http.request(&format!("{}/discard", s.nginx), Some(o)), 204, None)
            }
        }
        "fault" => {
            let routes: &[(&str, &str, &[u32])] = &[
                ("/garbage", "{}", &[2_300_001]),
                ("/nocolon", "{}", &[2_300_008]),
                ("/short", "{}", &[2_300_018]),
                ("/close", "{}", &[2_300_052]),
                ("/rst", "{}", &[2_300_056]),
                ("/badgzip", "{}", &[2_300_061]),
                ("/delay?ms=1000", r#"{"readTimeout":200}"#, &[2_300_028]),
                ("/bytes?size=2000", r#"{"maxLimit":1000}"#, &[2_300_063]),
                ("/stall?bytes=100", r#"{"readTimeout":300}"#, &[2_300_028]),
            ];
            let i = rng.below(routes.len() as u64 + 2) as usize;
            if i == routes.len() {
                let r = http.request(&format!("{}/status/503", s.fault), Some(opts("{}")));
                cx.expect_ok("fault /status/503", r, 503, None)
            } else if i == routes.len() + 1 {
                let r = http.request(&format!("{}/trickle?chunks=3&interval_ms=30&size=10", s.fault), Some(opts("{}")));
                cx.expect_ok("fault /trickle", r, 200, Some(30))
            } else {
                let (path, o, codes) = routes[i];
                let url = format!("{}{path}", s.fault);
                if rng.below(2) == 0 {
                    expect_code(&format!("fault {path}"), http.request(&url, Some(opts(o))), codes)
                } else {
                    let r = block_on(http.request_async(&url, Some(opts(o))), WAIT);
                    match r {
                        Some(r) => expect_code(&format!("async fault {path}"), r, codes),
                        None => Err(format!("async fault {path}: not resolved within 30 s")),
                    }
                }
            }
        }
        "refused" => expect_code("refused port", http.request("http://127.0.0.1:1/", Some(opts("{}"))), &[2_300_007]),
        "destroy_inflight" => {
            let url =
                if rng.below(2) == 0 { format!("{}/hang", s.fault) } else { format!("{}/stall?bytes=10", s.fault) };
            let pause = Duration::from_millis(rng.below(60));
            if rng.below(2) == 0 {
                let (tx, rx) = mpsc::channel();
                http.request_with_callback(&url, Some(opts("{}")), move |r| {
                    let _ = tx.send(r);
                });
                std::thread::sleep(pause);
                http.destroy();
                match rx.recv_timeout(WAIT) {
                    Ok(r) => expect_code("destroy mid-flight (callback)", r, &[2_300_042]),
                    Err(_) => Err("destroy mid-flight (callback): no callback within 30 s".into()),
                }
            } else {
                let mut fut = http.request_async(&url, Some(opts("{}")));
                let _ = poll_once(&mut fut);
                std::thread::sleep(pause);
                http.destroy();
                match block_on(fut, WAIT) {
                    Some(r) => expect_code("destroy mid-flight (future)", r, &[2_300_042]),
                    None => Err("destroy mid-flight (future): not resolved within 30 s".into()),
                }
            }
        }
        "destroy_blocking" => {
            let url = format!("{}/hang", s.fault);
            std::thread::scope(|sc| {
                let t = sc.spawn(|| http.request_in_stream(&url, Some(opts("{}"))));
                std::thread::sleep(Duration::from_millis(20 + rng.below(60)));
                http.destroy();
                match t.join() {
                    Ok(r) => expect_code("destroy of a blocking stream on another thread", r, &[2_300_042]),
                    Err(_) => Err("blocking stream thread panicked".into()),
                }
            })
        }
        "drop_future" => {
            let url = match rng.below(3) {
                0 => format!("{}/hang", s.fault),
                1 => format!("{}/1m.bin", s.nginx),
                _ => format!("{}/delay?ms=300", s.fault),
            };
            let mut fut = http.request_async(&url, Some(opts("{}")));
            if rng.below(3) > 0 {
                let _ = poll_once(&mut fut);
            }
            std::thread::sleep(Duration::from_millis(rng.below(30)));
            drop(fut);
            Ok(())
        }
        "drop_handle" => {
            // Dropped without destroy(): the transfer still finishes and its callback runs.
            let (tx, rx) = mpsc::channel();
            http.request_with_callback(&format!("{}/delay?ms=100", s.fault), Some(opts("{}")), move |r| {
                let _ = tx.send(r);
            });
            drop(http);
            return match rx.recv_timeout(WAIT) {
                Ok(r) => cx.expect_ok("dropped handle's request", r, 200, None),
                Err(_) => Err("dropped handle's request: no callback within 30 s".into()),
            };
        }
        "listeners" => {
            let hits = Arc::new(AtomicUsize::new(0));
            let mut ids = Vec::new();
            for _ in 0..3 {
                let h = hits.clone();
                ids.push(http.on(EventType::HeadersReceive, move |_| {
                    h.fetch_add(1, Ordering::Relaxed);
                }));
            }
            let h = hits.clone();
            http.once(EventType::HeadersReceive, move |_| {
                h.fetch_add(100, Ordering::Relaxed);
            });
            http.off(EventType::HeadersReceive, Some(ids[1]));
            let r = http.request(&format!("{}/1k.bin", s.nginx), Some(opts("{}")));
            let check = cx.expect_ok("GET with listeners", r, 200, Some(1024));
            http.off(EventType::HeadersReceive, None);
            check.and_then(|()| match hits.load(Ordering::Relaxed) {
                102 => Ok(()),
                n => Err(format!(
                    "listeners: {n} calls counted (expected 2 listeners + 100 from the once listener = 102)"
                )),
            })
        }
        other => Err(format!("unknown op {other}")),
    };
    cx.finish(http, rng);
    r
}

// ------------------------------------------------------------------ measurements

#[derive(Clone, Copy, Debug)]
struct Sample {
    t: f64,
    rss_mib: f64,
    fds: f64,
    threads: f64,
    requests: u64,
}

fn status_field(status: &str, key: &str) -> f64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn sample(start: Instant, requests: u64) -> Sample {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let fds = std::fs::read_dir("/proc/self/fd").map_or(f64::NAN, |d| d.count() as f64);
    Sample {
        t: start.elapsed().as_secs_f64(),
        rss_mib: status_field(&status, "VmRSS:") / 1024.0,
        fds,
        threads: status_field(&status, "Threads:"),
        requests,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The growth verdict of one metric: (line to print, grew).
fn judge(
    name: &str,
    unit: &str,
    judged: &[Sample],
    get: impl Fn(&Sample) -> f64,
    slack: impl Fn(f64) -> f64,
) -> (String, bool) {
    let third = judged.len() / 3;
    let base = median(judged[..third].iter().map(&get).collect());
    let end = judged[judged.len() - third..].iter().map(&get).fold(f64::MIN, f64::max);
    let allowed = base + slack(base);
    let grew = end.is_nan() || base.is_nan() || end > allowed; // unreadable counts as growth
    (
        format!(
            "{name:<8} base (median of first third) {base:>8.1} {unit}, end (max of last third) {end:>8.1} {unit}, allowed <= {allowed:.1}: {}",
            if grew { "GROWTH" } else { "ok" }
        ),
        grew,
    )
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if std::env::var_os("OHOS_HTTP_TB_UP").is_none() {
        eprintln!("soak: the test servers are not up: run it under testbed/shell.sh (or make soak)");
        std::process::exit(2);
    }
    let warmup = args.warmup.unwrap_or_else(|| Duration::from_secs_f64((args.duration.as_secs_f64() / 5.0).max(5.0)));
    let servers = Servers::from_env();
    println!(
        "soak: {} s ({} s warm-up), {} workers x {} ops per round, seed {}{}",
        args.duration.as_secs(),
        warmup.as_secs(),
        args.workers,
        args.ops_per_round,
        args.seed,
        if args.leak == Leak::None { String::new() } else { format!(", SELF-TEST: leaking {:?}", args.leak) }
    );
    let requests = AtomicU64::new(0);
    let counts: Mutex<BTreeMap<&'static str, (u64, u64)>> = Mutex::new(BTreeMap::new());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let rounds_done = Arc::new(AtomicU64::new(0));
    // A round that does not finish within 120 s is a hang (each request is bounded by 30 s).
    {
        let rounds_done = rounds_done.clone();
        std::thread::Builder::new()
            .name("soak-watchdog".into())
            .spawn(move || {
                let mut last = (0, Instant::now());
                loop {
                    std::thread::sleep(Duration::from_millis(500));
                    let n = rounds_done.load(Ordering::Relaxed);
                    if n != last.0 {
                        last = (n, Instant::now());
                    } else if last.1.elapsed() > Duration::from_secs(120) {
                        println!("soak: FAILED: HANG: round {} has not finished in 120 s", n + 1);
                        std::process::exit(3);
                    }
                }
            })
            .expect("watchdog thread");
    }
    let start = Instant::now();
    let mut samples = vec![sample(start, 0)];
    println!("{:>7} {:>9} {:>5} {:>7} {:>9}", "t(s)", "rss(MiB)", "fds", "threads", "requests");
    let print = |s: &Sample, warm: bool| {
        println!(
            "{:>7.1} {:>9.1} {:>5} {:>7} {:>9}{}",
            s.t,
            s.rss_mib,
            s.fds,
            s.threads,
            s.requests,
            if warm { "  (warm-up)" } else { "" }
        )
    };
    print(&samples[0], true);
    let mut round = 0u64;
    let mut leaked_files = Vec::new();
    while start.elapsed() < args.duration {
        round += 1;
        let cx = Ctx { s: &servers, leak: args.leak };
        std::thread::scope(|sc| {
            for w in 0..args.workers {
                let (cx, requests, counts, failures) = (&cx, &requests, &counts, &failures);
                let seed = args.seed ^ (round << 16) ^ w as u64;
                sc.spawn(move || {
                    let mut rng = Rng::new(seed);
                    for _ in 0..args.ops_per_round {
                        let name = pick_op(&mut rng);
                        let r = run_op(name, cx, &mut rng, requests);
                        let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
                        let e = c.entry(name).or_default();
                        match r {
                            Ok(()) => e.0 += 1,
                            Err(detail) => {
                                e.1 += 1;
                                let mut f = failures.lock().unwrap_or_else(|p| p.into_inner());
                                if f.len() < 20 {
                                    println!("soak: UNEXPECTED (round {round}, worker {w}): {detail}");
                                    f.push(detail);
                                }
                            }
                        }
                    }
                });
            }
        });
        match args.leak {
            Leak::Fds => {
                for _ in 0..args.workers {
                    leaked_files.extend(std::fs::File::open("/dev/null").ok());
                }
            }
            Leak::Threads => {
                let _ = std::thread::Builder::new().name("soak-leak".into()).spawn(|| loop {
                    std::thread::park();
                });
            }
            _ => {}
        }
        rounds_done.store(round, Ordering::Relaxed);
        let last_t = samples.last().map_or(0.0, |s| s.t);
        if start.elapsed().as_secs_f64() - last_t >= args.sample_every.as_secs_f64() {
            let s = sample(start, requests.load(Ordering::Relaxed));
            print(&s, Duration::from_secs_f64(s.t) < warmup);
            samples.push(s);
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let total = requests.load(Ordering::Relaxed);
    println!(
        "soak: {round} rounds, {total} requests in {elapsed:.1} s ({:.0}/s); {} fds held open on purpose",
        total as f64 / elapsed,
        leaked_files.len()
    );
    let counts = counts.into_inner().unwrap_or_else(|p| p.into_inner());
    println!(
        "soak: operations (ok/unexpected): {}",
        counts.iter().map(|(k, (ok, bad))| format!("{k} {ok}/{bad}")).collect::<Vec<_>>().join(", ")
    );
    let unexpected: u64 = counts.values().map(|c| c.1).sum();
    let judged: Vec<Sample> = samples.iter().copied().filter(|s| s.t >= warmup.as_secs_f64()).collect();
    let mut failed = Vec::new();
    if unexpected > 0 {
        failed.push(format!("{unexpected} unexpected outcomes"));
    }
    if judged.len() < 6 {
        failed.push(format!("only {} samples after the warm-up (need 6): run longer", judged.len()));
    } else {
        let (pct, mib) = (args.slack_rss_pct / 100.0, args.slack_rss_mib);
        let verdicts = [
            judge("rss", "MiB", &judged, |s| s.rss_mib, |b| (b * pct).max(mib)),
            judge("fds", "", &judged, |s| s.fds, |_| args.slack_fds),
            judge("threads", "", &judged, |s| s.threads, |_| args.slack_threads),
        ];
        println!("soak: growth over {} samples after the warm-up:", judged.len());
        for (line, grew) in &verdicts {
            println!("  {line}");
            if *grew {
                failed.push(format!("{} grew", line.split_whitespace().next().unwrap_or("?")));
            }
        }
    }
    if failed.is_empty() {
        println!("soak: OK");
    } else {
        println!("soak: FAILED: {}", failed.join("; "));
        std::process::exit(1);
    }
}
