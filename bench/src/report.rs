//! BENCHMARKS.md: per-workload tables (medians over rounds; ratios taken within each round),
//! a summary of ratios, the issue's targets, syscall counts, and how the run was made.
use crate::plan::{Group, Kind};
use crate::Run;
use serde_json::Value;
use std::fmt::Write;

/// Median of the finite values (NaN when there are none).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn num(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or(f64::NAN)
}

/// The throughput figure of one sample: req/s (Rate, Burst) or MB/s (Bulk); NaN on error.
pub fn rate(kind: Kind, v: &Value) -> f64 {
    if v.get("error").is_some() {
        return f64::NAN;
    }
    match kind {
        Kind::Bulk => num(v, "bytes") / num(v, "secs") / 1e6,
        _ => num(v, "ok") / num(v, "secs"),
    }
}

/// Per-round figures of one entry.
pub struct Stats {
    pub rate: f64,
    pub ratio: f64,
    /// CPU per operation: µs per request (ms per 100 MiB for Bulk).
    pub cpu: f64,
    pub rss_mb: f64,
    pub conns: f64,
    pub conns_warm: f64,
    pub errors: u64,
    pub ok: u64,
    pub samples: usize,
    pub drain_ms: f64,
    pub growth_kb: f64,
    /// ohos-http's reactor thread: CPU time over wall time of the block, in % of one core.
    pub reactor_busy: f64,
}

/// Medians of one entry's samples, ratios against the group's first entry in the same round.
pub fn stats(run: &Run, g: &Group, label: &str) -> Option<Stats> {
    let samples = run.samples.get(&(g.id.to_string(), label.to_string()))?;
    let base = run.samples.get(&(g.id.to_string(), g.entries[0].label.clone()));
    let ratios = samples
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let b = base.and_then(|b| b.get(i)).map(|b| rate(g.kind, b)).unwrap_or(f64::NAN);
            rate(g.kind, v) / b
        })
        .collect();
    let per = |f: &dyn Fn(&Value) -> f64| median(samples.iter().filter(|v| v.get("error").is_none()).map(f).collect());
    let cpu_scale = if g.kind == Kind::Bulk { 1e3 } else { 1e6 };
    Some(Stats {
        rate: per(&|v| rate(g.kind, v)),
        ratio: median(ratios),
        cpu: per(&|v| num(v, "cpu_secs") * cpu_scale / num(v, "ok")),
        rss_mb: per(&|v| num(v, "rss_peak_kb") / 1024.0),
        conns: per(&|v| num(v, "conns")),
        conns_warm: per(&|v| num(v, "conns_with_warmup")),
        errors: samples.iter().map(|v| v["errors"].as_u64().unwrap_or(0) + u64::from(v.get("error").is_some())).sum(),
        ok: samples.iter().map(|v| v["ok"].as_u64().unwrap_or(0)).sum(),
        samples: samples.len(),
        drain_ms: per(&|v| num(v, "secs") * 1e3),
        growth_kb: per(&|v| (num(v, "rss_peak_kb") - num(v, "rss_before_kb")) / g.job.n as f64),
        reactor_busy: per(&|v| num(v, "reactor_cpu_secs") / num(v, "secs") * 100.0),
    })
}

fn f0(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.0}")
    } else {
        "–".into()
    }
}

fn f1(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.1}")
    } else {
        "–".into()
    }
}

fn f2(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "–".into()
    }
}

fn group_table(out: &mut String, run: &Run, g: &Group) {
    let _ = writeln!(out, "### {}\n", g.title);
    match g.kind {
        Kind::Rate => {
            out.push_str(
                "| client | req/s | × raw Multi | CPU µs/req | reactor thread busy % | peak RSS MB | connections opened (block / with warm-up) | errors |\n",
            );
            out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        Kind::Bulk => {
            out.push_str("| client | MB/s | × raw Multi | CPU ms per 100 MiB | peak RSS MB | errors |\n");
            out.push_str("|---|---:|---:|---:|---:|---:|\n");
        }
        Kind::Burst => {
            out.push_str("| client | drain ms | × raw Multi | CPU µs/req | peak RSS MB | RSS growth KB per in-flight request | connections opened | lost |\n");
            out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        Kind::Latency => {
            out.push_str("| client | wake-up p50 µs | p90 µs | p99 µs | mean µs | hand-back p50 µs | p90 µs | p99 µs | perform round p50 µs | p90 µs | transfers measured |\n");
            out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        Kind::Idle => {
            out.push_str("| client | CPU ms over the idle time | % of one core | context switches/s | threads |\n");
            out.push_str("|---|---:|---:|---:|---:|\n");
        }
    }
    for e in &g.entries {
        let key = (g.id.to_string(), e.label.clone());
        let Some(s) = stats(run, g, &e.label) else { continue };
        let name = format!("`{}`", e.label);
        match g.kind {
            Kind::Rate => {
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} | {} | {} | {} / {} | {} |",
                    f0(s.rate),
                    f2(s.ratio),
                    f1(s.cpu),
                    f0(s.reactor_busy),
                    f1(s.rss_mb),
                    f0(s.conns),
                    f0(s.conns_warm),
                    s.errors
                );
            }
            Kind::Bulk => {
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} | {} | {} |",
                    f0(s.rate),
                    f2(s.ratio),
                    f1(s.cpu),
                    f1(s.rss_mb),
                    s.errors
                );
            }
            Kind::Burst => {
                let expected = (g.job.n * s.samples) as u64;
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} | {} | {} | {} | {} |",
                    f0(s.drain_ms),
                    f2(s.ratio),
                    f1(s.cpu),
                    f1(s.rss_mb),
                    f1(s.growth_kb),
                    f0(s.conns),
                    expected.saturating_sub(s.ok)
                );
            }
            Kind::Latency => {
                let samples = &run.samples[&key];
                let of =
                    |h: &str, k: &str| median(samples.iter().map(|v| v[h][k].as_f64().unwrap_or(f64::NAN)).collect());
                let l = |k: &str| of("latency", k);
                let b = |k: &str| of("handback", k);
                let r = |k: &str| of("perform_round", k);
                let count: u64 = samples.iter().map(|v| v["latency"]["count"].as_u64().unwrap_or(0)).sum();
                let cap = |x: f64| if x >= 1000.0 { "≥ 1000".to_string() } else { f0(x) };
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {count} |",
                    cap(l("p50")),
                    cap(l("p90")),
                    cap(l("p99")),
                    f1(l("mean")),
                    cap(b("p50")),
                    cap(b("p90")),
                    cap(b("p99")),
                    cap(r("p50")),
                    cap(r("p90")),
                );
            }
            Kind::Idle => {
                let v = &run.samples[&key][0];
                let secs = num(v, "secs");
                let cpu_ms = num(v, "cpu_secs") * 1e3;
                let _ = writeln!(
                    out,
                    "| {name} | {} | {:.3} | {} | {} |",
                    f1(cpu_ms),
                    cpu_ms / 10.0 / secs,
                    f1(num(v, "ctx_switches") / secs),
                    v["threads"]
                );
            }
        }
    }
    out.push('\n');
}

/// Median ratio of an entry, by label or else by client name (its first entry), if it ran.
fn ratio(run: &Run, id: &str, name: &str) -> f64 {
    let Some(g) = run.groups.iter().find(|g| g.id == id) else { return f64::NAN };
    let entry = g.entries.iter().find(|e| e.label == name).or_else(|| g.entries.iter().find(|e| e.client == name));
    entry.and_then(|e| stats(run, g, &e.label)).map(|s| s.ratio).unwrap_or(f64::NAN)
}

fn best(run: &Run, id: &str, labels: &[&str]) -> (f64, String) {
    labels
        .iter()
        .map(|l| (ratio(run, id, l), l.to_string()))
        .filter(|(r, _)| r.is_finite())
        .fold((f64::NAN, String::new()), |acc, x| if acc.0.is_nan() || x.0 > acc.0 { x } else { acc })
}

fn summary(out: &mut String, run: &Run) {
    out.push_str("## Summary: ratio to the raw curl Multi loop in the same round (median of rounds)\n\n");
    out.push_str("| workload | raw curl Multi | curl Easy | raw Multi + ohos options | raw Multi, ohos threads | ohos blocking | ohos callback | ohos async | ohos stream | isahc (best) | reqwest (best) | ureq |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for g in run.groups.iter().filter(|g| matches!(g.kind, Kind::Rate | Kind::Bulk | Kind::Burst)) {
        let Some(base) = stats(run, g, &g.entries[0].label) else { continue };
        let unit = match g.kind {
            Kind::Bulk => format!("{:.0} MB/s, {:.1} ms CPU/100 MiB", base.rate, base.cpu),
            Kind::Burst => format!("drain {:.0} ms, {:.0} MB peak", base.drain_ms, base.rss_mb),
            _ => format!("{:.0} req/s, {:.1} µs CPU/req", base.rate, base.cpu),
        };
        let cell = |labels: &[&str]| {
            let (r, l) = best(run, g.id, labels);
            if labels.len() > 1 && r.is_finite() {
                format!("{} ({})", f2(r), l.split('-').nth(1).unwrap_or(&l))
            } else {
                f2(r)
            }
        };
        let _ = writeln!(
            out,
            "| {} | 1.00 ({unit}) | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            g.id,
            cell(&["curl-easy"]),
            cell(&["curl-multi-design"]),
            cell(&["curl-multi-2t"]),
            cell(&["ohos-blocking"]),
            cell(&["ohos-callback"]),
            cell(&["ohos-async"]),
            cell(&["ohos-stream"]),
            cell(&["isahc-sync", "isahc-async"]),
            cell(&["reqwest-ct", "reqwest-mt", "reqwest-blocking"]),
            cell(&["ureq"]),
        );
    }
    out.push('\n');
}

fn targets(out: &mut String, run: &Run) {
    let mut rows: Vec<(String, String, Option<bool>)> = Vec::new();
    let verdict = |ok: bool| Some(ok);
    let pair = |id: &str| (ratio(run, id, "ohos-blocking"), ratio(run, id, "ohos-callback"));
    for id in ["W1", "W2"] {
        let (b, c) = pair(id);
        if b.is_finite() || c.is_finite() {
            rows.push((
                format!("{id} ≥ 0.95 of raw Multi, blocking and callback"),
                format!("blocking {}, callback {}", f2(b), f2(c)),
                verdict(b >= 0.95 && c >= 0.95),
            ));
            let (peer, who) =
                best(run, id, &["isahc-sync", "isahc-async", "reqwest-ct", "reqwest-mt", "reqwest-blocking", "ureq"]);
            let ours = b.max(c);
            rows.push((
                format!("{id} ahead of isahc, reqwest and ureq"),
                format!("best ohos {} vs best peer {} ({who})", f2(ours), f2(peer)),
                verdict(ours > peer),
            ));
        }
    }
    let (b, c) = pair("W2d");
    if b.is_finite() {
        rows.push((
            "W2d (default pool) ≥ 0.95 of raw Multi with the same limits".into(),
            format!("blocking {}, callback {}", f2(b), f2(c)),
            verdict(b >= 0.95 && c >= 0.95),
        ));
    }
    for (id, ours) in [("W3", &["ohos-blocking", "ohos-async"][..]), ("W3s", &["ohos-stream"][..])] {
        let (o, ol) = best(run, id, ours);
        let (r, rl) = best(run, id, &["reqwest-ct", "reqwest-mt", "reqwest-blocking"]);
        if o.is_finite() && r.is_finite() {
            rows.push((
                format!("{id} ≥ 1.0 of reqwest's best mode"),
                format!("{ol} {} / {rl} {} = {}", f2(o), f2(r), f2(o / r)),
                verdict(o / r >= 1.0),
            ));
        }
    }
    let (o, ol) = best(run, "W4", &["ohos-blocking", "ohos-callback", "ohos-async"]);
    if o.is_finite() {
        let (r, rl) = best(run, "W4", &["reqwest-ct", "reqwest-mt", "reqwest-blocking"]);
        rows.push((
            "W4 ahead of the raw default curl Multi loop".into(),
            format!("{ol} {} (reqwest best: {rl} {})", f2(o), f2(r)),
            verdict(o > 1.0),
        ));
    }
    if let Some(g) = run.groups.iter().find(|g| g.id == "W5") {
        for l in ["ohos-callback", "ohos-async", "ohos-blocking"] {
            if let Some(s) = stats(run, g, l) {
                let lost = (g.job.n * s.samples) as u64 - s.ok;
                rows.push((
                    format!("W5 {l}: peak RSS < 100 MB, none lost"),
                    format!("{} MB, {lost} lost", f1(s.rss_mb)),
                    verdict(s.rss_mb < 100.0 && lost == 0),
                ));
            }
        }
    }
    w7_targets(run, &mut rows);
    if let Some(v) = run.samples.get(&("W6".to_string(), "ohos-blocking".to_string())).and_then(|v| v.first()) {
        let pct = num(v, "cpu_secs") / num(v, "secs") * 100.0;
        rows.push(("W6 idle CPU < 1% of one core".into(), format!("{pct:.3}%"), verdict(pct < 1.0)));
    }
    for id in ["L1", "L64"] {
        if let Some(g) = run.groups.iter().find(|g| g.id == id) {
            for e in &g.entries {
                if let Some(samples) = run.samples.get(&(id.to_string(), e.label.clone())) {
                    let p50 =
                        median(samples.iter().map(|v| v["latency"]["p50"].as_f64().unwrap_or(f64::NAN)).collect());
                    rows.push((
                        format!("wake-up (submit -> add) median < 50 µs, {id} {}", e.label),
                        format!("{} µs", f0(p50)),
                        verdict(p50 < 50.0),
                    ));
                }
            }
        }
    }
    out.push_str("## The issue's targets\n\n| target | measured | met |\n|---|---|---|\n");
    for (t, m, ok) in rows {
        let mark = match ok {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "–",
        };
        let _ = writeln!(out, "| {t} | {m} | {mark} |");
    }
    out.push('\n');
}

/// W7 (10,000 in flight, held ~1 s): peak RSS, CPU per request against W2's (same client, same
/// run) and total CPU at 10,000 against W7h's 5,000 (no quadratic term). The raw Multi loop's
/// figures are shown with each row: libcurl's own scaling is the floor.
fn w7_targets(run: &Run, rows: &mut Vec<(String, String, Option<bool>)>) {
    let find = |id: &str| run.groups.iter().find(|g| g.id == id);
    let st = |id: &str, l: &str| find(id).and_then(|g| stats(run, g, l).map(|s| (g.job.n, s)));
    let Some(g) = find("W7") else { return };
    for l in ["ohos-callback", "ohos-async"] {
        let Some((n, s)) = st("W7", l) else { continue };
        let raw = st("W7", "curl-multi").map(|(_, r)| r);
        let lost = (g.job.n * s.samples) as u64 - s.ok;
        rows.push((
            format!("W7 {l}: peak RSS < 300 MB at {n} in flight, none lost"),
            format!(
                "{} MB, {lost} lost (raw Multi {} MB); drain {} ms (raw {} ms)",
                f1(s.rss_mb),
                f1(raw.as_ref().map_or(f64::NAN, |r| r.rss_mb)),
                f0(s.drain_ms),
                f0(raw.as_ref().map_or(f64::NAN, |r| r.drain_ms))
            ),
            Some(s.rss_mb < 300.0 && lost == 0),
        ));
        if let Some((_, w2)) = st("W2", l) {
            let raw_w2 = st("W2", "curl-multi").map(|(_, r)| r.cpu).unwrap_or(f64::NAN);
            let raw_w7 = raw.as_ref().map_or(f64::NAN, |r| r.cpu);
            rows.push((
                format!("W7 {l}: CPU per request ≤ 1.5 × W2's"),
                format!(
                    "{} / {} µs = {}× (raw Multi {} / {} µs = {}×)",
                    f1(s.cpu),
                    f1(w2.cpu),
                    f2(s.cpu / w2.cpu),
                    f1(raw_w7),
                    f1(raw_w2),
                    f2(raw_w7 / raw_w2)
                ),
                Some(s.cpu <= 1.5 * w2.cpu),
            ));
        }
        if let Some((nh, h)) = st("W7h", l) {
            let total = |n: usize, cpu_us: f64| cpu_us * n as f64 / 1e6;
            let ratio = total(n, s.cpu) / total(nh, h.cpu);
            let raw_ratio = match (st("W7", "curl-multi"), st("W7h", "curl-multi")) {
                (Some((a, ra)), Some((b, rb))) => total(a, ra.cpu) / total(b, rb.cpu),
                _ => f64::NAN,
            };
            rows.push((
                format!("W7 {l}: total CPU at {n} ≤ 2 × at {nh}"),
                format!(
                    "{} s / {} s = {}× (raw Multi {}×)",
                    f2(total(n, s.cpu)),
                    f2(total(nh, h.cpu)),
                    f2(ratio),
                    f2(raw_ratio)
                ),
                Some(ratio <= 2.0),
            ));
        }
    }
}

fn syscalls(out: &mut String, run: &Run) {
    if run.syscalls.is_empty() {
        return;
    }
    out.push_str("## Syscalls per request (`strace -f -c`, one short run each, warm-up included)\n\n");
    out.push_str(
        "| workload | client | requests | futex calls/req | sched_yield calls/req | all syscalls/req |\n|---|---|---:|---:|---:|---:|\n",
    );
    for (w, c, reqs, futex, yields, total) in &run.syscalls {
        let r = *reqs as f64;
        let _ = writeln!(
            out,
            "| {w} | `{c}` | {reqs} | {:.2} | {:.2} | {:.1} |",
            *futex as f64 / r,
            *yields as f64 / r,
            *total as f64 / r
        );
    }
    out.push('\n');
}

fn cmd_out(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(if o.stdout.is_empty() { &o.stderr } else { &o.stdout }).trim().to_string())
        .unwrap_or_default()
}

fn machine(out: &mut String, run: &Run) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|r| r.trim_start_matches([' ', '\t', ':']).to_string()))
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .next()
        .map(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()).unwrap_or(0.0) / 1048576.0)
        .unwrap_or(0.0);
    let v = curl::Version::get();
    let b = ohos_http::build_info();
    let s = &run.settings;
    let _ = writeln!(out, "## How this was measured\n");
    let _ =
        writeln!(out, "- Date: {} (run took {:.0} s). Command: `{}`", run.started, run.wall.as_secs_f64(), run.command);
    let _ = writeln!(
        out,
        "- Machine: {cpu}, {cores} cores, {mem:.0} GiB; {}. Load average before/after: {} / {} (shared machine: other builds and tests ran meanwhile).",
        cmd_out("uname", &["-sr"]),
        run.load_before,
        run.load_after
    );
    let _ = writeln!(
        out,
        "- libcurl {} (system, {}; ohos-http build: {}), nghttp2 {}; {}; {}.",
        v.version(),
        v.ssl_version().unwrap_or("no TLS"),
        b.curl_version,
        v.nghttp2_version().unwrap_or("none"),
        cmd_out("nginx", &["-v"]),
        cmd_out("rustc", &["--version"])
    );
    let _ = writeln!(
        out,
        "- {} rounds; within a round every client runs once per workload, in the listed order on odd rounds and reversed on even ones; \
         each block runs in a fresh child process (clean peak RSS and getrusage) after a warm-up. Ratios are taken against the first \
         row of the same workload *in the same round*, then the median over rounds is shown; other columns are medians too.",
        s.rounds
    );
    let _ = writeln!(
        out,
        "- Counts: W1 {}, W2 {} and W2d {} (64 in flight), W3 {} × 100 MiB per block, W4 {} (64 in flight), W5 {} at once, idle {} s, wake-up {} / {}; \
         W7 {} and W7h {} in flight, held {} ms each by the harness's own server, in {} round(s) only (each block takes seconds).",
        s.w1,
        s.w2,
        s.w2d,
        s.w3,
        s.w4,
        s.w5,
        s.idle_secs,
        s.lat,
        s.lat * 4,
        s.w7,
        s.w7 / 2,
        crate::plan::HOLD.as_millis(),
        s.w7_rounds.min(s.rounds)
    );
    out.push_str(
        "- CPU is the client process's user + system time (getrusage) over the measured block, divided by the requests \
         (nginx's CPU is not included). Peak RSS is the child's VmHWM. \"Connections opened\" comes from nginx's stub_status \
         (accepted connections during the block). Pools: `[h6]` = ohos-http's defaults (6 per host, 64 total, 64 cached), \
         `[h64]` = 64 per host, `[curl]` = libcurl's defaults (no limits); ohos-http gets `[h64]` through `ohos_http::configure`.\n",
    );
    out.push_str(
        "- Server: nginx from the testbed (1 worker, keep-alive, `keepalive_requests 1000000`, static files), plain HTTP/1.1 on \
         127.0.0.1:18081 and TLS + HTTP/2 on localhost:18446, inside a private network namespace. W7's server is a tokio \
         current-thread task per connection in the harness process (bench/src/hold.rs; listen backlog up to somaxconn): it \
         reads a request head, sleeps 1 s, answers 200 with `Content-Length: 1024`; pools `[wide]` = no per-host or total \
         limit, 10,000 cached, and for ohos-http a `Runtime::new` with `max_active_transfers` 10,000.\n",
    );
    out.push_str("- Clients:\n");
    for (name, what) in crate::clients::CLIENTS {
        let _ = writeln!(out, "  - `{name}`: {what}");
    }
    out.push_str(
        "- The raw baselines: `curl-multi` is libcurl as fast as one thread drives it (the ratios' denominator); \
         `curl-multi-fresh` adds a new easy handle per request, as ohos-http makes one; `curl-multi-design` adds the \
         options ohos-http sets on every transfer (src/transfer/config/). `curl-multi-2t` is raw libcurl with ohos-http's \
         thread structure (a loop thread owning the multi handle; callers hand each request over a crossbeam channel, \
         wake it with curl_multi_wakeup, park until it unparks them) and no ohos-http code: against `curl-multi-fresh` \
         it shows what the hand-offs alone cost, so it is the ceiling for ohos-http's design.\n",
    );
    out.push_str(
        "- isahc is built with `default-features = false, features = [\"native-tls\"]`: its defaults (`static-curl`, rustls, \
         `http2` = `curl/http2`) would make the workspace's single curl-sys compile a bundled libcurl. It runs on the same system \
         libcurl as ohos-http; it still speaks HTTP/2 in W4 because it asks the runtime libcurl (which has nghttp2) for h2.\n\n",
    );
    out.push_str(
        "### Reproduce\n\n```sh\ntestbed/bench.sh            # full run (~15 min): writes BENCHMARKS.md and bench/ratios.png\n\
         testbed/bench.sh --quick    # 1/10 of the counts, 3 rounds\n\
         testbed/bench.sh --only W2,W4 --clients ohos-callback,isahc-async --rounds 5\n```\n\n",
    );
}

/// The whole document.
pub fn markdown(run: &Run) -> String {
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(
        "ohos-http side by side with raw libcurl (the `curl` crate's Multi and Easy) and the Rust peers, on one machine \
         against a local nginx. Generated by `testbed/bench.sh` (the `bench/` workspace member); every figure below comes \
         from that one run. Chart of the ratios: [bench/ratios.png](bench/ratios.png).\n\n",
    );
    out.push_str("![ratios](bench/ratios.png)\n\n");
    summary(&mut out, run);
    targets(&mut out, run);
    out.push_str("## Per workload\n\n");
    for g in &run.groups {
        group_table(&mut out, run, g);
    }
    syscalls(&mut out, run);
    machine(&mut out, run);
    let analysis = concat!(env!("CARGO_MANIFEST_DIR"), "/analysis.md");
    if let Ok(text) = std::fs::read_to_string(analysis) {
        out.push_str(&text);
    }
    out
}
