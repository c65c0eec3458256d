//! What every client shares: the job a child process runs, the tally of a measured block, the
//! thread and task drivers that keep `c` requests in flight, and process resource readings.
use serde_json::{json, Value};
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Pool limits given to the clients that have them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// ohos-http's defaults (6 per host, 64 in total, 64 cached); raw curl Multi gets the same.
    OhosDefault,
    /// 64 connections per host, 64 in total, 64 cached: one connection per in-flight request.
    PerHost64,
    /// libcurl's own defaults (no per-host or total limit); ohos-http keeps its defaults.
    CurlDefault,
    /// W7: no per-host or total limit, 10,000 cached, and (ohos-http) 10,000 transfers at once
    /// on a runtime of its own.
    Wide,
}

/// Transfers and cached connections of `Pool::Wide` (W7's 10,000 in flight).
pub const WIDE: usize = 10_000;

impl Pool {
    pub fn as_str(self) -> &'static str {
        match self {
            Pool::OhosDefault => "h6",
            Pool::PerHost64 => "h64",
            Pool::CurlDefault => "curl",
            Pool::Wide => "wide",
        }
    }

    pub fn parse(s: &str) -> Option<Pool> {
        [Pool::OhosDefault, Pool::PerHost64, Pool::CurlDefault, Pool::Wide].into_iter().find(|p| p.as_str() == s)
    }

    /// (max per host, max total, max cached) for a curl multi handle; `None` = curl's default.
    pub fn curl_limits(self) -> Option<(usize, usize, usize)> {
        match self {
            Pool::OhosDefault => Some((6, 64, 64)),
            Pool::PerHost64 => Some((64, 64, 64)),
            Pool::CurlDefault => None,
            Pool::Wide => Some((0, 0, WIDE)),
        }
    }
}

/// How the body is consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Kept whole in memory (the response object owns it).
    Whole,
    /// Streamed: every chunk is looked at (counted) and dropped.
    Stream,
}

/// One measured block, as a child process runs it.
#[derive(Debug, Clone)]
pub struct Job {
    /// Workload id ("W1" ...), for messages.
    pub workload: String,
    /// Client name (see `clients::CLIENTS`).
    pub client: String,
    pub pool: Pool,
    pub url: String,
    /// Expected body length of every response.
    pub expect: u64,
    /// Requests in the measured block.
    pub n: usize,
    /// Requests in flight.
    pub conc: usize,
    pub body: Body,
    /// Warm-up requests before measuring (same URL unless `warm_url` is set).
    pub warm: usize,
    pub warm_url: Option<String>,
    pub warm_expect: u64,
    /// CA file for https URLs.
    pub ca: Option<String>,
    /// Idle measurement: seconds to sit idle after the warm-up (W6) instead of a block.
    pub idle_secs: u64,
    /// Record the reactor's submit -> add histogram during the block (ohos-http only).
    pub latency: bool,
    /// nginx stub_status URL (connections opened during the block), if any.
    pub status_url: Option<String>,
}

impl Job {
    pub fn to_json(&self) -> Value {
        json!({
            "workload": self.workload, "client": self.client, "pool": self.pool.as_str(),
            "url": self.url, "expect": self.expect, "n": self.n, "conc": self.conc,
            "body": if self.body == Body::Whole { "whole" } else { "stream" },
            "warm": self.warm, "warm_url": self.warm_url, "warm_expect": self.warm_expect,
            "ca": self.ca, "idle_secs": self.idle_secs, "latency": self.latency,
            "status_url": self.status_url,
        })
    }

    pub fn from_json(v: &Value) -> Result<Job, String> {
        let s = |k: &str| v[k].as_str().map(str::to_string).ok_or(format!("job: missing {k}"));
        let u = |k: &str| v[k].as_u64().ok_or(format!("job: missing {k}"));
        Ok(Job {
            workload: s("workload")?,
            client: s("client")?,
            pool: Pool::parse(&s("pool")?).ok_or("job: bad pool")?,
            url: s("url")?,
            expect: u("expect")?,
            n: u("n")? as usize,
            conc: u("conc")? as usize,
            body: if s("body")? == "whole" { Body::Whole } else { Body::Stream },
            warm: u("warm")? as usize,
            warm_url: v["warm_url"].as_str().map(str::to_string),
            warm_expect: u("warm_expect")?,
            ca: v["ca"].as_str().map(str::to_string),
            idle_secs: u("idle_secs")?,
            latency: v["latency"].as_bool().unwrap_or(false),
            status_url: v["status_url"].as_str().map(str::to_string),
        })
    }
}

/// What came back from a block of requests.
#[derive(Debug, Default)]
pub struct Tally {
    /// Responses with status 200 and the expected body length.
    pub ok: AtomicU64,
    /// Everything else.
    pub errors: AtomicU64,
    /// Body bytes seen.
    pub bytes: AtomicU64,
    pub first_error: Mutex<Option<String>>,
}

impl Tally {
    /// Records one request's outcome: `Ok(body length)` with status 200, or an error.
    pub fn record(&self, expect: u64, r: Result<u64, String>) {
        match r {
            Ok(len) if len == expect => {
                self.ok.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(len, Ordering::Relaxed);
            }
            Ok(len) => self.error(format!("body of {len} bytes, expected {expect}")),
            Err(e) => self.error(e),
        }
    }

    fn error(&self, e: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap();
        if first.is_none() {
            *first = Some(e);
        }
    }
}

/// Hands out request numbers `0..n` to whoever asks first.
pub struct Ticket {
    next: AtomicUsize,
    n: usize,
}

impl Ticket {
    pub fn new(n: usize) -> Ticket {
        Ticket { next: AtomicUsize::new(0), n }
    }

    /// True when the caller may start one more request.
    pub fn take(&self) -> bool {
        self.next.fetch_add(1, Ordering::Relaxed) < self.n
    }
}

/// `n` requests over `c` threads (each with its own state from `init`); `c == 1` runs on the
/// calling thread. `one` performs one request and returns its body length.
pub fn threads<S, I, F>(n: usize, c: usize, expect: u64, init: I, one: F) -> Tally
where
    I: Fn() -> S + Sync,
    F: Fn(&mut S) -> Result<u64, String> + Sync,
{
    let tally = Tally::default();
    let ticket = Ticket::new(n);
    let work = || {
        let mut state = init();
        while ticket.take() {
            tally.record(expect, one(&mut state));
        }
    };
    if c <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..c {
                std::thread::Builder::new().stack_size(256 * 1024).spawn_scoped(s, work).expect("spawn");
            }
        });
    }
    tally
}

/// `n` requests as `c` tasks on `rt` (each task loops over requests). `one` performs one
/// request and returns its body length.
pub fn tasks<F, Fut>(rt: &tokio::runtime::Runtime, n: usize, c: usize, expect: u64, one: F) -> Tally
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<u64, String>> + Send + 'static,
{
    let tally = Arc::new(Tally::default());
    let ticket = Arc::new(Ticket::new(n));
    let one = Arc::new(one);
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..c.min(n.max(1)) {
            let (tally, ticket, one) = (tally.clone(), ticket.clone(), one.clone());
            set.spawn(async move {
                while ticket.take() {
                    tally.record(expect, one().await);
                }
            });
        }
        while let Some(r) = set.join_next().await {
            r.expect("task panicked");
        }
    });
    Arc::try_unwrap(tally).unwrap_or_else(|_| panic!("tally still shared"))
}

/// CPU time (user + system) of this process.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the zeroed struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU time (user + system, in clock ticks' resolution) of this process's threads whose name
/// starts with `prefix` (e.g. "ohos-http-react", the reactor; the kernel keeps 15 characters).
pub fn thread_cpu(prefix: &str) -> Duration {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return Duration::ZERO };
    let mut total = 0.0;
    for task in dir.flatten() {
        let text = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        let (Some(open), Some(close)) = (text.find('('), text.rfind(')')) else { continue };
        if !text[open + 1..close].starts_with(prefix) {
            continue;
        }
        // after "(comm) ": state is field 0, utime field 11, stime field 12
        let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
        let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        total += (tick(11) + tick(12)) / ticks;
    }
    Duration::from_secs_f64(total)
}

/// A field of /proc/self/status in KiB (VmRSS, VmHWM).
pub fn status_kb(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

/// Context switches (voluntary + involuntary) of every thread of this process.
pub fn context_switches() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return 0 };
    let mut total = 0;
    for task in dir.flatten() {
        let text = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        for l in text.lines() {
            if let Some(v) =
                l.strip_prefix("voluntary_ctxt_switches:").or(l.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                total += v.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
    total
}

/// Threads of this process.
pub fn thread_count() -> u64 {
    std::fs::read_dir("/proc/self/task").map(|d| d.count() as u64).unwrap_or(0)
}

/// Raises the open-file limit to the hard limit (1,000 sockets at once in W5, 10,000 in W7).
pub fn raise_nofile() {
    // SAFETY: plain get/setrlimit on a local struct.
    unsafe {
        let mut r: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 && r.rlim_cur < r.rlim_max {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

/// nginx stub_status: (accepted connections, requests) so far. Read over a plain socket so
/// no client library is involved.
pub fn nginx_status(url: &str) -> Option<(u64, u64)> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (hostport, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = std::net::TcpStream::connect(hostport).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {hostport}\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    // "... server accepts handled requests\n A H R\n ..."
    let mut lines = text.lines().skip_while(|l| !l.contains("server accepts handled requests"));
    lines.next()?;
    let nums: Vec<u64> = lines.next()?.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    Some((*nums.first()?, *nums.get(2)?))
}
