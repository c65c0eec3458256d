//! A download tool: `download URL -o FILE [--ca CA.pem]` streams the body to disk with a
//! progress bar (a spinner with bytes and rate while the size is unknown), resumes a partial
//! FILE with `resumeFrom`, and prints the size, the time and the rate of this run.
//!
//! The body goes to `FILE.part` first and reaches FILE only when the response allows it: a 206
//! for the range asked for is appended, any other 2xx replaces FILE (the server sent the whole
//! body), and any other status writes nothing: an error page never ends up in FILE, so a later
//! run cannot "resume" from it. A transfer that breaks off mid-body keeps what arrived when the
//! response was known to be a 2xx (a `status-line` header, or a `Content-Range` starting where
//! FILE ends), so the next run resumes from there.
//!
//! The rate counts only the bytes of this run over this run's time, so a resumed download
//! does not start at "231 GiB/s".
use indicatif::{HumanBytes, ProgressBar, ProgressState, ProgressStyle};
use ohos_http::{create_http, Event, EventType, HttpRequestOptions};
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn usage() -> ! {
    eprintln!("usage: download URL -o FILE [--ca CA.pem]");
    std::process::exit(2)
}

/// The command line: URL, output file, optional CA bundle.
struct Args {
    url: String,
    out: PathBuf,
    ca: Option<String>,
}

fn parse_args() -> Args {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut url, mut out, mut ca) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" => out = it.next().cloned(),
            "--ca" => ca = it.next().cloned(),
            _ if url.is_none() => url = Some(a.clone()),
            _ => usage(),
        }
    }
    let (Some(url), Some(out)) = (url, out) else { usage() };
    Args { url, out: out.into(), ca }
}

/// Bytes per second of this run: `bytes` received over `elapsed`.
fn rate(bytes: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        bytes as f64 / secs
    } else {
        0.0
    }
}

/// `12.3 MiB/s`.
fn human_rate(bytes_per_sec: f64) -> String {
    format!("{}/s", HumanBytes(bytes_per_sec as u64))
}

/// Where the body of this response lands in FILE: the bar counts from there, and only the
/// bytes after it are this run's.
#[derive(Clone)]
struct Base(Arc<AtomicU64>);

impl Base {
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The bar's styles: `{rate}` and `{left}` count only this run's bytes (position minus base).
fn style(template: &str, base: &Base) -> ProgressStyle {
    let (b1, b2) = (base.clone(), base.clone());
    ProgressStyle::with_template(template)
        .expect("valid template")
        .with_key("rate", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&human_rate(rate(s.pos().saturating_sub(b1.get()), s.elapsed())));
        })
        .with_key("left", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let r = rate(s.pos().saturating_sub(b2.get()), s.elapsed());
            match s.len() {
                Some(len) if r > 0.0 => {
                    let _ = write!(w, "{}s", (len.saturating_sub(s.pos()) as f64 / r).ceil());
                }
                _ => {
                    let _ = w.write_str("?");
                }
            }
        })
}

/// The status of the `status-line` header ("HTTP/1.1 206 Partial Content"), when the map has
/// one.
fn status_of(headers: &Map<String, Value>) -> Option<u32> {
    headers.get("status-line")?.as_str()?.split(' ').nth(1)?.parse().ok()
}

/// The first byte of `Content-Range: bytes START-END/TOTAL`.
fn range_start(headers: &Map<String, Value>) -> Option<u64> {
    let v = headers.get("content-range")?.as_str()?;
    v.strip_prefix("bytes ")?.split('-').next()?.trim().parse().ok()
}

/// What to do with `FILE.part` once the response is over.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// A 206 for the range asked for: append it to FILE.
    Append,
    /// Another 2xx: the whole body, FILE becomes it.
    Replace,
    /// Not a success, or not known to be one: FILE stays as it was.
    Discard,
}

/// Decides from the status (`None` when the transfer failed) and the headers.
fn verdict(code: Option<u32>, headers: Option<&Map<String, Value>>, already: u64) -> Verdict {
    let starts_at_end = already > 0 && headers.and_then(range_start) == Some(already);
    match code.or_else(|| headers.and_then(status_of)) {
        Some(206) if starts_at_end => Verdict::Append,
        Some(206) => Verdict::Discard, // a range that was not asked for
        Some(c) if (200..300).contains(&c) => Verdict::Replace,
        Some(_) => Verdict::Discard,
        None if starts_at_end => Verdict::Append,
        None => Verdict::Discard,
    }
}

/// Applies a verdict: `part` is appended to `out`, renamed over it, or removed.
fn settle(verdict: &Verdict, part: &Path, out: &Path) -> io::Result<()> {
    match verdict {
        Verdict::Append => {
            let mut dst = OpenOptions::new().append(true).open(out)?;
            io::copy(&mut File::open(part)?, &mut dst)?;
            dst.sync_all()?;
            std::fs::remove_file(part)
        }
        Verdict::Replace => std::fs::rename(part, out),
        Verdict::Discard => std::fs::remove_file(part),
    }
}

fn main() {
    let Args { url, out, ca } = parse_args();
    let shown = out.display().to_string();
    let already = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    let mut part_name = out.clone().into_os_string();
    part_name.push(".part");
    let part = PathBuf::from(part_name);
    let file = File::create(&part).unwrap_or_else(|e| {
        eprintln!("cannot create {}: {e}", part.display());
        std::process::exit(1)
    });
    let file = Arc::new(Mutex::new(file));

    let mut options = HttpRequestOptions { read_timeout: Some(30_000), ca_path: ca, ..Default::default() };
    if already > 0 {
        println!("resuming {shown} at byte {already}");
        options.resume_from = Some(already);
    }

    // Until the size is known: a spinner with bytes and rate (a bar would look full).
    let base = Base(Arc::new(AtomicU64::new(already))); // until the headers say otherwise
    let bar = ProgressBar::new_spinner();
    bar.set_position(already);
    bar.set_style(style("{spinner} {bytes} {rate} {elapsed}", &base));
    bar.enable_steady_tick(Duration::from_millis(120));

    let http = Arc::new(create_http());
    let headers: Arc<Mutex<Option<Map<String, Value>>>> = Arc::default();
    let received = Arc::new(AtomicU64::new(0));
    let write_error: Arc<Mutex<Option<io::Error>>> = Arc::default();

    let (h, b, bs) = (headers.clone(), bar.clone(), base.clone());
    http.on(EventType::HeadersReceive, move |e| {
        if let Event::HeadersReceive(map) = e {
            // The body continues FILE only when it is the range asked for; else it starts at 0.
            let start = if already > 0 && range_start(map) == Some(already) { already } else { 0 };
            bs.0.store(start, Ordering::Relaxed);
            b.set_position(start);
            *h.lock().expect("headers lock") = Some(map.clone());
        }
    });
    let (f, b, n, err, weak) =
        (file.clone(), bar.clone(), received.clone(), write_error.clone(), Arc::downgrade(&http));
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(chunk) = e {
            if let Err(e) = f.lock().expect("file lock").write_all(chunk) {
                *err.lock().expect("error lock") = Some(e);
                if let Some(http) = weak.upgrade() {
                    http.destroy(); // no point in downloading what cannot be stored
                }
                return;
            }
            n.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            b.inc(chunk.len() as u64);
        }
    });
    let (b, bs) = (bar.clone(), base.clone());
    http.on(EventType::DataReceiveProgress, move |e| {
        if let Event::DataReceiveProgress(p) = e {
            if p.total_size > 0 && b.length().is_none() {
                // The size is known now: a bar instead of the spinner.
                b.set_length(bs.get() + p.total_size);
                b.set_style(style("{bytes}/{total_bytes} {wide_bar} {rate} eta {left}", &bs));
            }
        }
    });

    let started = Instant::now();
    let result = http.request_in_stream(&url, Some(options));
    let elapsed = started.elapsed();
    bar.finish_and_clear(); // the summary line below says it all
    if let Err(e) = file.lock().expect("file lock").sync_all() {
        write_error.lock().expect("error lock").get_or_insert(e);
    }
    let headers = headers.lock().expect("headers lock").take();
    let got = received.load(Ordering::Relaxed);
    let size_known = bar.length().is_some();
    let mut outcome = verdict(result.as_ref().ok().copied(), headers.as_ref(), already);
    let write_error = write_error.lock().expect("error lock").take();
    if write_error.is_some() {
        outcome = Verdict::Discard;
    }
    if let Err(e) = settle(&outcome, &part, &out) {
        eprintln!("cannot store {shown}: {e}");
        std::process::exit(1);
    }
    if let Some(e) = write_error {
        eprintln!("cannot write {}: {e}; {shown} is unchanged", part.display());
        std::process::exit(1);
    }

    let run = format!("{got} bytes in {:.2} s, {}", elapsed.as_secs_f64(), human_rate(rate(got, elapsed)));
    match (&result, &outcome) {
        (Ok(code), Verdict::Append | Verdict::Replace) => {
            let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            let mut line = format!("HTTP {code}: {shown} is {size} bytes; this run {run}");
            if outcome == Verdict::Append {
                let _ = write!(line, " (resumed at byte {already})");
            } else if already > 0 {
                line.push_str(" (the server sent the whole body: replaced)");
            }
            if !size_known {
                line.push_str(" (size not announced)");
            }
            println!("{line}");
        }
        (Ok(416), _) if already > 0 => println!("{shown} is already complete ({already} bytes)"),
        (Ok(code), _) => {
            eprintln!("HTTP {code}: nothing written to {shown}");
            std::process::exit(1)
        }
        (Err(e), v) => {
            eprintln!("error {}: {}", e.code(), e.message());
            if *v != Verdict::Discard {
                eprintln!("kept what arrived ({run}); run again to resume {shown}");
            }
            std::process::exit(1)
        }
    }
}
