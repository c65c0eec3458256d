//! The child process: runs one `Job` (set-up, warm-up, one measured block) and prints one JSON
//! line with what it measured. A fresh process per block gives every client a clean peak RSS,
//! its own getrusage and no state left over from another client.
use crate::clients;
use crate::common::{
    context_switches, cpu_time, nginx_status, raise_nofile, status_kb, thread_count, thread_cpu, Body, Job,
};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The reactor thread's name as /proc shows it (15 characters).
const REACTOR_THREAD: &str = "ohos-http-react";

pub fn run(job: &Job) -> Value {
    raise_nofile();
    let mut client = match clients::make(&job.client, job.pool, job.ca.clone()) {
        Ok(c) => c,
        Err(e) => return json!({ "error": format!("cannot build {}: {e}", job.client) }),
    };
    let before_warm = job.status_url.as_deref().and_then(nginx_status);
    if job.warm > 0 {
        let url = job.warm_url.as_deref().unwrap_or(&job.url);
        let conc = job.conc.clamp(1, job.warm);
        let t = client.fetch(url, job.warm_expect, job.warm, conc, Body::Whole);
        if t.errors.load(Ordering::Relaxed) > 0 {
            let first = t.first_error.lock().unwrap().clone().unwrap_or_default();
            return json!({ "error": format!("warm-up failed: {first}") });
        }
    }
    if job.idle_secs > 0 {
        return idle(job.idle_secs);
    }
    if job.latency {
        ohos_http::metrics::reset();
        ohos_http::metrics::enable(true);
    }
    let before = job.status_url.as_deref().and_then(nginx_status);
    let rss_before = status_kb("VmRSS");
    let cpu0 = cpu_time();
    let reactor0 = thread_cpu(REACTOR_THREAD);
    let t0 = Instant::now();
    let tally = client.fetch(&job.url, job.expect, job.n, job.conc, job.body);
    let secs = t0.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu0).as_secs_f64();
    let reactor_cpu = (thread_cpu(REACTOR_THREAD).saturating_sub(reactor0)).as_secs_f64();
    let rss_peak = status_kb("VmHWM");
    let threads = thread_count();
    let after = job.status_url.as_deref().and_then(nginx_status);
    let mut out = json!({
        "secs": secs,
        "cpu_secs": cpu,
        "ok": tally.ok.load(Ordering::Relaxed),
        "errors": tally.errors.load(Ordering::Relaxed),
        "bytes": tally.bytes.load(Ordering::Relaxed),
        "first_error": tally.first_error.lock().unwrap().clone(),
        "rss_before_kb": rss_before,
        "rss_peak_kb": rss_peak,
        "threads": threads,
    });
    if job.client.starts_with("ohos") {
        out["reactor_cpu_secs"] = json!(reactor_cpu);
    }
    if let (Some(b), Some(a)) = (before, after) {
        // the "after" status request itself is one accepted connection and one request
        out["conns"] = json!(a.0.saturating_sub(b.0 + 1));
        out["server_requests"] = json!(a.1.saturating_sub(b.1 + 1));
        if let Some(w) = before_warm {
            // two status requests since: the one before the block and the one after it
            out["conns_with_warmup"] = json!(a.0.saturating_sub(w.0 + 2));
        }
    }
    if job.latency {
        ohos_http::metrics::enable(false);
        out["latency"] = latency_summary(&ohos_http::metrics::submit_to_add_histogram());
        out["handback"] = latency_summary(&ohos_http::metrics::done_to_consumer_histogram());
        out["perform_round"] = latency_summary(&ohos_http::metrics::perform_round_histogram());
    }
    out
}

/// W6: CPU time and context switches of the whole process while it has nothing to do.
fn idle(secs: u64) -> Value {
    let cpu0 = cpu_time();
    let cs0 = context_switches();
    std::thread::sleep(Duration::from_secs(secs));
    let cpu = (cpu_time() - cpu0).as_secs_f64();
    let cs = context_switches().saturating_sub(cs0);
    json!({ "secs": secs as f64, "cpu_secs": cpu, "ctx_switches": cs, "threads": thread_count(),
            "ok": 0, "errors": 0, "bytes": 0, "rss_peak_kb": status_kb("VmHWM") })
}

/// Count, median, p90, p99 (µs) of a 1 µs-bucket histogram.
fn latency_summary(h: &[u64]) -> Value {
    let total: u64 = h.iter().sum();
    let pct = |p: f64| {
        let want = ((total as f64) * p).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (us, &k) in h.iter().enumerate() {
            seen += k;
            if seen >= want {
                return us as f64;
            }
        }
        f64::NAN
    };
    let mean = h.iter().enumerate().map(|(us, &k)| us as f64 * k as f64).sum::<f64>() / total.max(1) as f64;
    json!({ "count": total, "p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "mean": mean })
}
