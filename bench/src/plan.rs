//! The workloads: which clients run each one, with which counts, against which URL.
use crate::common::{Body, Job, Pool};

/// How a workload's figures read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Requests per second.
    Rate,
    /// MB/s of body.
    Bulk,
    /// 1,000 requests at once: drain time, peak RSS.
    Burst,
    /// Idle CPU over some seconds.
    Idle,
    /// Reactor wake-up latency (ohos-http only).
    Latency,
}

/// One client entry in a workload.
#[derive(Debug, Clone)]
pub struct Entry {
    pub client: &'static str,
    pub pool: Pool,
    /// Label in tables: the client name, plus the pool when it differs from the workload's.
    pub label: String,
}

/// One workload.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: &'static str,
    pub title: String,
    pub kind: Kind,
    /// The first entry is the baseline of the ratios (except for Idle and Latency).
    pub entries: Vec<Entry>,
    pub job: Job,
}

/// Counts and switches of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rounds: usize,
    pub w1: usize,
    pub w2: usize,
    pub w2d: usize,
    pub w3: usize,
    pub w4: usize,
    pub w5: usize,
    pub idle_secs: u64,
    pub lat: usize,
    /// W7: requests in flight at once against the holding server (and the half-size run W7h).
    pub w7: usize,
    /// W7 runs in at most this many rounds (each block takes seconds).
    pub w7_rounds: usize,
}

impl Settings {
    pub fn full() -> Settings {
        Settings {
            // issue 16: every figure a median of at least 7 alternated rounds
            rounds: 7,
            w1: 20_000,
            w2: 50_000,
            w2d: 20_000,
            w3: 3,
            w4: 50_000,
            w5: 1000,
            idle_secs: 10,
            lat: 5000,
            w7: 10_000,
            w7_rounds: 3,
        }
    }

    pub fn quick() -> Settings {
        Settings {
            rounds: 3,
            w1: 2000,
            w2: 5000,
            w2d: 2000,
            w3: 1,
            w4: 5000,
            w5: 1000,
            idle_secs: 10,
            lat: 1000,
            w7: 10_000,
            w7_rounds: 1,
        }
    }

    /// Multiplies the request counts (not W3's bodies below 1, not W5's 1,000, not W7's 10,000).
    pub fn scale(&mut self, f: f64) {
        let s = |v: &mut usize| *v = ((*v as f64) * f).round().max(1.0) as usize;
        s(&mut self.w1);
        s(&mut self.w2);
        s(&mut self.w2d);
        s(&mut self.w4);
        s(&mut self.lat);
        self.w3 = ((self.w3 as f64) * f).round().max(1.0) as usize;
    }
}

/// Server addresses (from the testbed's environment).
#[derive(Debug, Clone)]
pub struct Servers {
    pub http: String,
    pub https: String,
    pub ca: String,
    /// W7's holding server (started by the harness only when W7 runs; empty otherwise).
    pub hold: String,
}

impl Servers {
    pub fn from_env() -> Result<Servers, String> {
        if std::env::var_os("OHOS_HTTP_TB_UP").is_none() {
            return Err(
                "the test servers are not up: run testbed/bench.sh (or the harness inside testbed/shell.sh)".into()
            );
        }
        let var = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
        Ok(Servers {
            http: var("OHOS_HTTP_TB_NGINX_URL")?,
            https: var("OHOS_HTTP_TB_NGINX_TLS_URL")?,
            ca: var("OHOS_HTTP_TB_CA")?,
            hold: String::new(),
        })
    }
}

/// The workload an `--only` id also selects: W7 runs with its half-size run W7h.
pub fn family(id: &str) -> &str {
    match id {
        "W7h" => "W7",
        other => other,
    }
}

/// How long W7's server holds every request before it answers.
pub const HOLD: std::time::Duration = std::time::Duration::from_secs(1);

const K1: u64 = 1024;
const M100: u64 = 100 * 1024 * 1024;

fn entries(pool: Pool, list: &[(&'static str, Pool)]) -> Vec<Entry> {
    list.iter()
        .map(|&(client, p)| Entry {
            client,
            pool: p,
            label: if p == pool { client.to_string() } else { format!("{client} [{}]", p.as_str()) },
        })
        .collect()
}

/// Every workload, in run order.
pub fn groups(s: &Settings, srv: &Servers) -> Vec<Group> {
    use Pool::*;
    let status = Some(format!("{}/nginx_status", srv.http));
    let job = |id: &str, url: String, expect: u64, n: usize, conc: usize, body: Body, warm: usize| Job {
        workload: id.to_string(),
        client: String::new(),
        pool: OhosDefault,
        url,
        expect,
        n,
        conc,
        body,
        warm,
        warm_url: None,
        warm_expect: expect,
        ca: None,
        idle_secs: 0,
        latency: false,
        status_url: status.clone(),
    };
    let k1 = format!("{}/1k.bin", srv.http);
    let big = format!("{}/100m.bin", srv.http);
    let tls = format!("{}/1k.bin", srv.https);
    let big_warm = |mut j: Job| {
        j.warm_url = Some(k1.clone());
        j.warm_expect = K1;
        j
    };

    let w1 = [
        ("curl-multi", OhosDefault),
        ("curl-multi-fresh", OhosDefault),
        ("curl-multi-design", OhosDefault),
        ("curl-easy", OhosDefault),
        ("curl-multi-2t", OhosDefault),
        ("ohos-blocking", OhosDefault),
        ("ohos-callback", OhosDefault),
        ("ohos-async", OhosDefault),
        ("isahc-sync", OhosDefault),
        ("reqwest-ct", OhosDefault),
        ("reqwest-mt", OhosDefault),
        ("reqwest-blocking", OhosDefault),
        ("ureq", OhosDefault),
    ];
    let w2 = [
        ("curl-multi", PerHost64),
        ("curl-multi-buf512k", PerHost64),
        ("curl-multi-fresh", PerHost64),
        ("curl-multi-design", PerHost64),
        ("curl-easy", PerHost64),
        ("curl-multi-2t", PerHost64),
        ("curl-multi-socket", PerHost64),
        ("ohos-blocking", PerHost64),
        ("ohos-callback", PerHost64),
        ("ohos-async", PerHost64),
        ("isahc-async", PerHost64),
        ("reqwest-ct", PerHost64),
        ("reqwest-mt", PerHost64),
        ("reqwest-blocking", PerHost64),
        ("ureq", PerHost64),
    ];
    let w2d = [
        ("curl-multi", OhosDefault),
        ("curl-multi-2t", OhosDefault),
        ("ohos-blocking", OhosDefault),
        ("ohos-callback", OhosDefault),
        ("ohos-async", OhosDefault),
    ];
    let w3 = |stream: bool| {
        let ohos: &[(&'static str, Pool)] = if stream {
            &[("ohos-stream", OhosDefault)]
        } else {
            &[("ohos-blocking", OhosDefault), ("ohos-async", OhosDefault)]
        };
        let mut v = vec![("curl-multi", OhosDefault), ("curl-multi-buf512k", OhosDefault), ("curl-easy", OhosDefault)];
        v.extend_from_slice(ohos);
        v.extend_from_slice(&[
            ("isahc-sync", OhosDefault),
            ("isahc-async", OhosDefault),
            ("reqwest-ct", OhosDefault),
            ("reqwest-mt", OhosDefault),
            ("reqwest-blocking", OhosDefault),
            ("ureq", OhosDefault),
        ]);
        v
    };
    let w4 = [
        ("curl-multi", CurlDefault),
        ("curl-multi-pipewait", CurlDefault),
        ("curl-multi-design", CurlDefault),
        ("curl-multi-2t", CurlDefault),
        ("ohos-blocking", OhosDefault),
        ("ohos-callback", OhosDefault),
        ("ohos-async", OhosDefault),
        ("isahc-async", CurlDefault),
        ("reqwest-ct", CurlDefault),
        ("reqwest-mt", CurlDefault),
        ("reqwest-blocking", CurlDefault),
    ];
    let w5 = [
        ("curl-multi", OhosDefault),
        ("ohos-callback", OhosDefault),
        ("ohos-async", OhosDefault),
        ("ohos-blocking", OhosDefault),
        ("curl-multi", CurlDefault),
        ("isahc-async", OhosDefault),
        ("reqwest-ct", OhosDefault),
        ("reqwest-mt", OhosDefault),
        ("ureq", OhosDefault),
    ];
    let w7 = [
        ("curl-multi", Wide),
        ("curl-multi-buf512k", Wide),
        ("curl-multi-socket", Wide),
        ("ohos-callback", Wide),
        ("ohos-async", Wide),
    ];
    let w7job = |id: &str, n: usize| {
        // warm-up against nginx (the held answers would cost a second each)
        let mut j = job(id, format!("{}/1k.bin", srv.hold), K1, n, n, Body::Whole, 4);
        j.warm_url = Some(k1.clone());
        j.status_url = None;
        j
    };
    let mut w4job = job("W4", tls, K1, s.w4, 64, Body::Whole, 128);
    w4job.ca = Some(srv.ca.clone());
    let mut idle = job("W6", k1.clone(), K1, 0, 1, Body::Whole, 10);
    idle.idle_secs = s.idle_secs;
    idle.status_url = None;
    let mut lat1 = job("L1", k1.clone(), K1, s.lat, 1, Body::Whole, 50);
    lat1.latency = true;
    let mut lat64 = job("L64", k1.clone(), K1, s.lat * 4, 64, Body::Whole, 128);
    lat64.latency = true;
    vec![
        Group {
            id: "W1",
            title: format!("W1: 1 KiB GET, 1 at a time, {} requests (HTTP/1.1)", s.w1),
            kind: Kind::Rate,
            entries: entries(OhosDefault, &w1),
            job: job("W1", k1.clone(), K1, s.w1, 1, Body::Whole, 50),
        },
        Group {
            id: "W2",
            title: format!("W2: 1 KiB GET, 64 in flight, {} requests, equal pools (64 per host)", s.w2),
            kind: Kind::Rate,
            entries: entries(PerHost64, &w2),
            job: job("W2", k1.clone(), K1, s.w2, 64, Body::Whole, 128),
        },
        Group {
            id: "W2d",
            title: format!(
                "W2d: as W2 with ohos-http's default pool (6 per host); raw Multi given the same limits ({} requests)",
                s.w2d
            ),
            kind: Kind::Rate,
            entries: entries(OhosDefault, &w2d),
            job: job("W2d", k1.clone(), K1, s.w2d, 64, Body::Whole, 128),
        },
        Group {
            id: "W3",
            title: format!("W3: 100 MiB GET, whole body in memory, {} per block", s.w3),
            kind: Kind::Bulk,
            entries: entries(OhosDefault, &w3(false)),
            job: big_warm(job("W3", big.clone(), M100, s.w3, 1, Body::Whole, 2)),
        },
        Group {
            id: "W3s",
            title: format!("W3s: 100 MiB GET, streamed (chunks counted and dropped), {} per block", s.w3),
            kind: Kind::Bulk,
            entries: entries(OhosDefault, &w3(true)),
            job: big_warm(job("W3s", big, M100, s.w3, 1, Body::Stream, 2)),
        },
        Group {
            id: "W4",
            title: format!(
                "W4: 1 KiB GET over TLS + HTTP/2, 64 in flight, {} requests (ohos-http: default pool; raw Multi: curl's defaults)",
                s.w4
            ),
            kind: Kind::Rate,
            entries: entries(CurlDefault, &w4),
            job: w4job,
        },
        Group {
            id: "W5",
            title: format!("W5: {} 1 KiB GETs submitted at once (HTTP/1.1)", s.w5),
            kind: Kind::Burst,
            entries: entries(OhosDefault, &w5),
            job: job("W5", k1.clone(), K1, s.w5, s.w5, Body::Whole, 4),
        },
        Group {
            id: "W7h",
            title: format!(
                "W7h: {} 1 KiB GETs in flight at once, each held ~1 s by the server (HTTP/1.1; half of W7, for the scaling check)",
                s.w7 / 2
            ),
            kind: Kind::Burst,
            entries: entries(Wide, &w7),
            job: w7job("W7h", s.w7 / 2),
        },
        Group {
            id: "W7",
            title: format!(
                "W7: {} 1 KiB GETs in flight at once, each held ~1 s by the server (HTTP/1.1, no connection limits)",
                s.w7
            ),
            kind: Kind::Burst,
            entries: entries(Wide, &w7),
            job: w7job("W7", s.w7),
        },
        Group {
            id: "L1",
            title: format!(
                "Thread hand-offs, 1 in flight, {} requests: wake-up (submit -> curl_multi_add_handle) and hand-back (finished handle -> its consumer)",
                s.lat
            ),
            kind: Kind::Latency,
            entries: entries(OhosDefault, &[("ohos-blocking", OhosDefault), ("ohos-callback", OhosDefault)]),
            job: lat1,
        },
        Group {
            id: "L64",
            title: format!("Thread hand-offs, 64 in flight, {} requests", s.lat * 4),
            kind: Kind::Latency,
            entries: entries(
                PerHost64,
                &[("ohos-blocking", PerHost64), ("ohos-callback", PerHost64), ("ohos-async", PerHost64)],
            ),
            job: lat64,
        },
        Group {
            id: "W6",
            title: format!("W6: idle for {} s after some requests (all clients at once, each in its own process)", s.idle_secs),
            kind: Kind::Idle,
            entries: entries(
                OhosDefault,
                &[("ohos-blocking", OhosDefault), ("isahc-async", OhosDefault), ("reqwest-mt", OhosDefault)],
            ),
            job: idle,
        },
    ]
}
