//! Side-by-side benchmark of ohos-http against raw libcurl and the Rust peers (issue 7).
//!
//! `bench run [--quick] [--rounds N] [--scale F] [--only W1,W2] [--clients a,b] [--no-strace]`
//! runs every workload in rounds (client order reversed every other round), each block in a
//! fresh child process (`bench child JOB-JSON`), and writes `BENCHMARKS.md` and
//! `bench/ratios.png`. It needs the test servers: run it through `testbed/bench.sh`.
//! `bench list` prints the clients.
mod chart;
mod child;
mod clients;
mod common;
mod hold;
mod plan;
mod report;

use plan::{Group, Kind, Servers, Settings};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// strace -c counts: (workload, client, requests, futex calls, sched_yield calls, all syscalls).
pub type SyscallRow = (String, String, u64, u64, u64, u64);

/// Everything measured in one run.
pub struct Run {
    pub settings: Settings,
    pub groups: Vec<Group>,
    /// (group id, entry label) -> one child result per round.
    pub samples: BTreeMap<(String, String), Vec<Value>>,
    pub syscalls: Vec<SyscallRow>,
    pub started: String,
    pub wall: Duration,
    pub load_before: String,
    pub load_after: String,
    pub command: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("child") => {
            let spec = args.get(1).expect("child JOB-JSON");
            let v: Value = serde_json::from_str(spec).expect("job json");
            let out = match common::Job::from_json(&v) {
                Ok(job) => child::run(&job),
                Err(e) => json!({ "error": e }),
            };
            println!("{out}");
        }
        Some("report") => {
            // regenerate BENCHMARKS.md and the chart from a saved run (e.g. after editing
            // bench/analysis.md): bench report [RESULTS.json] [--out DIR]
            let file = args.get(1).filter(|a| !a.starts_with("--")).cloned().unwrap_or_else(default_results);
            let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).map(PathBuf::from);
            if let Err(e) = report_from(&file, out.unwrap_or_else(default_out)) {
                eprintln!("bench: {e}");
                std::process::exit(1);
            }
        }
        Some("list") => {
            for (name, what) in clients::CLIENTS {
                println!("{name:22} {what}");
            }
        }
        Some("run") | None => {
            if let Err(e) = run(&args[args.len().min(1)..]) {
                eprintln!("bench: {e}");
                std::process::exit(1);
            }
        }
        Some(other) => {
            eprintln!("bench: unknown command {other}; use `run`, `list` or `child`");
            std::process::exit(2);
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut settings = Settings::full();
    let mut only: Option<Vec<String>> = None;
    let mut only_clients: Option<Vec<String>> = None;
    let mut strace = true;
    let mut rounds = None;
    let mut scale = None;
    let mut idle = None;
    let mut out_dir = default_out();
    let mut it = args.iter();
    let list = |v: Option<&String>| -> Result<Vec<String>, String> {
        Ok(v.ok_or("missing value")?.split(',').map(str::to_string).collect())
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => settings = Settings::quick(),
            "--rounds" => rounds = Some(it.next().and_then(|v| v.parse().ok()).ok_or("--rounds N")?),
            "--scale" => scale = Some(it.next().and_then(|v| v.parse().ok()).ok_or("--scale F")?),
            "--idle-secs" => idle = Some(it.next().and_then(|v| v.parse().ok()).ok_or("--idle-secs S")?),
            "--only" => only = Some(list(it.next())?),
            "--clients" => only_clients = Some(list(it.next())?),
            "--no-strace" => strace = false,
            "--out" => out_dir = PathBuf::from(it.next().ok_or("--out DIR")?),
            "-h" | "--help" => {
                println!(
                    "bench run [--quick] [--rounds N] [--scale F] [--idle-secs S] [--only W1,W2,...] \
                     [--clients a,b] [--no-strace] [--out DIR]\n(BENCH_ARGS in testbed/bench.sh)"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if let Some(r) = rounds {
        settings.rounds = r;
    }
    if let Some(f) = scale {
        settings.scale(f);
    }
    if let Some(s) = idle {
        settings.idle_secs = s;
    }
    let mut servers = Servers::from_env()?;
    let selected = |id: &str| {
        only.as_ref().is_none_or(|only| {
            only.iter().any(|o| o.eq_ignore_ascii_case(id) || o.eq_ignore_ascii_case(plan::family(id)))
        })
    };
    if selected("W7") || selected("W7h") {
        // W7's holding server lives in this (the harness) process, outside the measured child
        servers.hold = hold::start(plan::HOLD)?;
    }
    let mut groups = plan::groups(&settings, &servers);
    groups.retain(|g| selected(g.id));
    if let Some(cl) = &only_clients {
        for g in &mut groups {
            let base = g.entries[0].clone();
            g.entries.retain(|e| cl.iter().any(|c| c == e.client));
            if !matches!(g.kind, Kind::Idle | Kind::Latency) && g.entries.first().map(|e| &e.label) != Some(&base.label)
            {
                g.entries.insert(0, base); // keep the ratio baseline
            }
        }
        groups.retain(|g| !g.entries.is_empty());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut run = Run {
        settings: settings.clone(),
        groups: groups.clone(),
        samples: BTreeMap::new(),
        syscalls: Vec::new(),
        started: now_utc(),
        wall: Duration::ZERO,
        load_before: loadavg(),
        load_after: String::new(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
    };
    let t0 = Instant::now();
    // BENCH_CHILD_WRAP="perf record -g -o /tmp/x.perf": every measured block's child runs under
    // that command (a profile of one block: use with --only and --clients)
    let child_wrapper: Option<Vec<String>> = std::env::var("BENCH_CHILD_WRAP")
        .ok()
        .map(|w| w.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|w| !w.is_empty());
    for round in 0..settings.rounds {
        // W7's blocks take seconds each: at most `w7_rounds` of them
        let w7_done = round >= settings.w7_rounds;
        for g in groups.iter().filter(|g| g.kind != Kind::Idle && !(w7_done && plan::family(g.id) == "W7")) {
            let mut order: Vec<_> = g.entries.iter().collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for e in order {
                let mut job = g.job.clone();
                job.client = e.client.to_string();
                job.pool = e.pool;
                let v = run_child(&exe, &job, child_wrapper.as_deref())?;
                eprintln!("[{}/{}] {:4} {:28} {}", round + 1, settings.rounds, g.id, e.label, brief(g.kind, &v));
                run.samples.entry((g.id.to_string(), e.label.clone())).or_default().push(v);
            }
        }
    }
    if let Some(g) = groups.iter().find(|g| g.kind == Kind::Idle) {
        // all idle children at once: they sleep, so they do not disturb each other
        let handles: Vec<_> = g
            .entries
            .iter()
            .map(|e| {
                let mut job = g.job.clone();
                job.client = e.client.to_string();
                job.pool = e.pool;
                let exe = exe.clone();
                let label = e.label.clone();
                std::thread::spawn(move || (label, run_child(&exe, &job, None)))
            })
            .collect();
        for h in handles {
            let (label, v) = h.join().map_err(|_| "idle thread panicked")?;
            let v = v?;
            eprintln!("[idle] {label:28} {}", brief(Kind::Idle, &v));
            run.samples.entry((g.id.to_string(), label)).or_default().push(v);
        }
    }
    if strace && only_clients.is_none() && which("strace") {
        run.syscalls = syscall_counts(&exe, &servers)?;
    }
    run.wall = t0.elapsed();
    run.load_after = loadavg();
    save(&run, &default_results())?;
    write_outputs(&run, &out_dir)
}

/// The repository root (BENCHMARKS.md goes there, the chart into bench/).
fn default_out() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Where a run's raw results are kept (for `bench report`).
fn default_results() -> String {
    let target =
        std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    format!("{target}/bench-results.json")
}

fn write_outputs(run: &Run, out_dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(out_dir.join("bench")).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let md = report::markdown(run);
    let md_path = out_dir.join("BENCHMARKS.md");
    std::fs::write(&md_path, md).map_err(|e| format!("{}: {e}", md_path.display()))?;
    let png = out_dir.join("bench/ratios.png");
    chart::draw(run, &png)?;
    eprintln!("wrote {} and {} (run took {:.0} s)", md_path.display(), png.display(), run.wall.as_secs_f64());
    Ok(())
}

/// Saves a run's raw results as JSON.
fn save(run: &Run, path: &str) -> Result<(), String> {
    let s = &run.settings;
    let samples: Vec<Value> =
        run.samples.iter().map(|((g, l), v)| json!({ "group": g, "label": l, "samples": v })).collect();
    let v = json!({
        "settings": { "rounds": s.rounds, "w1": s.w1, "w2": s.w2, "w2d": s.w2d, "w3": s.w3, "w4": s.w4,
                      "w5": s.w5, "idle_secs": s.idle_secs, "lat": s.lat, "w7": s.w7,
                      "w7_rounds": s.w7_rounds },
        "samples": samples,
        "syscalls": run.syscalls,
        "started": run.started, "wall_secs": run.wall.as_secs_f64(),
        "load_before": run.load_before, "load_after": run.load_after, "command": run.command,
    });
    if let Some(dir) = std::path::Path::new(path).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(|e| format!("{path}: {e}"))
}

/// Loads a saved run and writes BENCHMARKS.md and the chart from it.
fn report_from(path: &str, out_dir: PathBuf) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let st = &v["settings"];
    let u = |k: &str| st[k].as_u64().unwrap_or(0) as usize;
    let settings = Settings {
        rounds: u("rounds"),
        w1: u("w1"),
        w2: u("w2"),
        w2d: u("w2d"),
        w3: u("w3"),
        w4: u("w4"),
        w5: u("w5"),
        idle_secs: u("idle_secs") as u64,
        lat: u("lat"),
        w7: u("w7"),
        w7_rounds: u("w7_rounds"),
    };
    let mut samples = BTreeMap::new();
    for e in v["samples"].as_array().into_iter().flatten() {
        let key = (e["group"].as_str().unwrap_or("").to_string(), e["label"].as_str().unwrap_or("").to_string());
        samples.insert(key, e["samples"].as_array().cloned().unwrap_or_default());
    }
    let servers = Servers { http: String::new(), https: String::new(), ca: String::new(), hold: String::new() };
    let mut groups = plan::groups(&settings, &servers);
    for g in &mut groups {
        g.entries.retain(|e| samples.contains_key(&(g.id.to_string(), e.label.clone())));
    }
    groups.retain(|g| !g.entries.is_empty());
    let syscalls = serde_json::from_value(v["syscalls"].clone()).unwrap_or_default();
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let run = Run {
        settings,
        groups,
        samples,
        syscalls,
        started: s("started"),
        wall: Duration::from_secs_f64(v["wall_secs"].as_f64().unwrap_or(0.0)),
        load_before: s("load_before"),
        load_after: s("load_after"),
        command: s("command"),
    };
    write_outputs(&run, &out_dir)
}

/// Runs one job in a child process (optionally under a wrapper such as strace) and returns
/// its JSON line. A child that takes over 10 minutes is killed.
fn run_child(exe: &PathBuf, job: &common::Job, wrapper: Option<&[String]>) -> Result<Value, String> {
    let mut cmd = match wrapper {
        Some(w) => {
            let mut c = Command::new(&w[0]);
            c.args(&w[1..]).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    cmd.arg("child").arg(job.to_json().to_string()).stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start a child: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(json!({ "error": "timed out after 600 s" }));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.lines().last().and_then(|l| serde_json::from_str::<Value>(l).ok()) {
        Some(v) => Ok(v),
        None => Ok(json!({ "error": format!("child failed ({}): {}", out.status, text.trim()) })),
    }
}

/// One line of progress.
fn brief(kind: Kind, v: &Value) -> String {
    if let Some(e) = v["error"].as_str() {
        return format!("ERROR {e}");
    }
    let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let ok = f("ok");
    let errs = f("errors");
    let err = if errs > 0.0 {
        format!(" errors={errs} ({})", v["first_error"].as_str().unwrap_or(""))
    } else {
        String::new()
    };
    match kind {
        Kind::Rate => format!("{:8.0} req/s  cpu {:6.1} µs/req{err}", ok / f("secs"), f("cpu_secs") * 1e6 / ok),
        Kind::Bulk => {
            format!("{:8.0} MB/s  cpu {:6.1} ms/100MiB{err}", f("bytes") / f("secs") / 1e6, f("cpu_secs") * 1e3 / ok)
        }
        Kind::Burst => {
            format!("drain {:6.0} ms  peak {:6.1} MB  ok {ok}{err}", f("secs") * 1e3, f("rss_peak_kb") / 1024.0)
        }
        Kind::Idle => {
            format!("cpu {:.1} ms over {:.0} s, {} context switches", f("cpu_secs") * 1e3, f("secs"), v["ctx_switches"])
        }
        Kind::Latency => format!("p50 {} µs  p99 {} µs{err}", v["latency"]["p50"], v["latency"]["p99"]),
    }
}

/// futex and total syscalls per request under `strace -f -c`, W1 and W2, for the clients that
/// hand requests between threads (and raw Multi, which does not).
fn syscall_counts(exe: &PathBuf, srv: &Servers) -> Result<Vec<SyscallRow>, String> {
    let mut out = Vec::new();
    let k1 = format!("{}/1k.bin", srv.http);
    let clients = [
        "curl-multi",
        "ohos-blocking",
        "ohos-callback",
        "ohos-async",
        "isahc-sync",
        "isahc-async",
        "reqwest-ct",
        "reqwest-mt",
    ];
    for (w, n, conc, warm, pool) in
        [("W1", 2000, 1, 10, common::Pool::OhosDefault), ("W2", 5000, 64, 64, common::Pool::PerHost64)]
    {
        for client in clients {
            if w == "W2" && client == "isahc-sync" {
                continue;
            }
            let job = common::Job {
                workload: w.into(),
                client: client.into(),
                pool,
                url: k1.clone(),
                expect: 1024,
                n,
                conc,
                body: common::Body::Whole,
                warm,
                warm_url: None,
                warm_expect: 1024,
                ca: None,
                idle_secs: 0,
                latency: false,
                status_url: None,
            };
            let file = std::env::temp_dir().join(format!("bench-strace-{w}-{client}.txt"));
            let wrapper: Vec<String> = ["strace", "-f", "-c", "-o"]
                .iter()
                .map(|s| s.to_string())
                .chain([file.display().to_string()])
                .collect();
            let v = run_child(exe, &job, Some(&wrapper))?;
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let _ = std::fs::remove_file(&file);
            let (futex, yields, total) = parse_strace(&text);
            let reqs = (n + warm) as u64;
            eprintln!(
                "[strace] {w} {client:14} futex/req {:.2}  sched_yield/req {:.2}  syscalls/req {:.1}{}",
                futex as f64 / reqs as f64,
                yields as f64 / reqs as f64,
                total as f64 / reqs as f64,
                v["error"].as_str().map(|e| format!(" ERROR {e}")).unwrap_or_default()
            );
            out.push((w.to_string(), client.to_string(), reqs, futex, yields, total));
        }
    }
    Ok(out)
}

/// (futex calls, sched_yield calls, all calls) from `strace -c` output.
fn parse_strace(text: &str) -> (u64, u64, u64) {
    let (mut futex, mut yields, mut total) = (0, 0, 0);
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        let Some(name) = t.last() else { continue };
        // columns: % time, seconds, usecs/call, calls, [errors], syscall
        let calls = || t.get(3).and_then(|c| c.parse::<u64>().ok()).unwrap_or(0);
        match *name {
            "futex" => futex = calls(),
            "sched_yield" => yields = calls(),
            "total" => total = calls(),
            _ => {}
        }
    }
    (futex, yields, total)
}

fn which(tool: &str) -> bool {
    Command::new(tool).arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The current UTC time as "YYYY-MM-DD HH:MM UTC".
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86400) as i64;
    let (h, m) = ((secs % 86400) / 3600, (secs % 3600) / 60);
    // civil-from-days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02} UTC")
}
