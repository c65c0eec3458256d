//! A download tool: `download URL -o FILE [--ca CA.pem]` streams the body to disk with a
//! progress bar, resumes a partial FILE with resumeFrom, and prints the timing.
use indicatif::{ProgressBar, ProgressStyle};
use ohos_http::{create_http, Event, EventType, HttpRequestOptions};
use std::fs::OpenOptions;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn usage() -> ! {
    eprintln!("usage: download URL -o FILE [--ca CA.pem]");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut url = None;
    let mut out = None;
    let mut ca = None;
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

    let already = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    let file = OpenOptions::new().create(true).append(true).open(&out).unwrap_or_else(|e| {
        eprintln!("cannot open {out}: {e}");
        std::process::exit(1)
    });
    let file = Arc::new(Mutex::new(file));
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}")
            .expect("valid template"),
    );

    let http = create_http();
    let (f, b) = (file.clone(), bar.clone());
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(chunk) = e {
            if let Err(err) = f.lock().expect("file lock").write_all(chunk) {
                eprintln!("write failed: {err}");
                std::process::exit(1);
            }
            b.inc(chunk.len() as u64);
        }
    });
    let b = bar.clone();
    http.on(EventType::DataReceiveProgress, move |e| {
        if let Event::DataReceiveProgress(p) = e {
            if p.total_size > 0 {
                b.set_length(already + p.total_size);
            }
        }
    });

    let mut options = HttpRequestOptions { read_timeout: Some(30_000), ca_path: ca, ..Default::default() };
    if already > 0 {
        println!("resuming {out} at byte {already}");
        options.resume_from = Some(already);
        bar.set_position(already);
    }
    let started = Instant::now();
    let result = http.request_in_stream(&url, Some(options));
    bar.finish();
    match result {
        Ok(code) if code == 200 || code == 206 => {
            let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            let secs = started.elapsed().as_secs_f64();
            println!(
                "HTTP {code}: {out} is {size} bytes; {:.1} MB/s over {secs:.2} s",
                (size - already) as f64 / secs / 1e6
            );
        }
        Ok(416) => println!("{out} is already complete"),
        Ok(code) => {
            eprintln!("HTTP {code}");
            std::process::exit(1)
        }
        Err(e) => {
            eprintln!("error {}: {}", e.code(), e.message());
            std::process::exit(1)
        }
    }
}
