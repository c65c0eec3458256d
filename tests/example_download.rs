//! The download example (`examples/download.rs`) against the testbed: it resumes a partial file
//! with resumeFrom and ends byte-exact, shows a size it was not told, counts only this run's
//! bytes, and never writes an error page (a 404 creates no file and leaves a partial as it was).
mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example's binary (cargo test builds the examples).
fn tool() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let tool = exe.parent().unwrap().parent().unwrap().join("examples/download");
    assert!(tool.exists(), "build the examples first (cargo test builds them): {}", tool.display());
    tool
}

/// A fresh output path for one test (nothing there yet, nor its `.part`).
fn out_path(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("ohos-http-download-{}-{name}.bin", std::process::id()));
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_file(part_of(&p));
    p
}

fn part_of(out: &Path) -> PathBuf {
    PathBuf::from(format!("{}.part", out.display()))
}

/// Runs `download URL -o OUT`; returns the output and stdout + stderr as text.
fn download(url: &str, out: &Path) -> (Output, String) {
    let run = Command::new(tool()).args([url, "-o", out.to_str().unwrap()]).output().unwrap();
    let text = format!("{}\n{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(!part_of(out).exists(), "{}.part left behind: {text}", out.display());
    (run, text)
}

/// The fault server's body pattern: byte k is k % 256.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|k| (k % 256) as u8).collect()
}

#[test]
fn download_tool_resumes_a_partial_file() {
    testbed!();
    let whole = std::fs::read(testbed_dir().join("www/1m.bin")).unwrap();
    let out = out_path("resume");
    std::fs::write(&out, &whole[..300_000]).unwrap();
    let (run, text) = download(&format!("{NGINX}/1m.bin"), &out);
    assert!(run.status.success(), "{text}");
    assert!(text.contains("resuming") && text.contains("HTTP 206"), "{text}");
    // The rate is this run's: the bytes it counts are the 748576 it fetched, not the file.
    assert!(text.contains("this run 748576 bytes in "), "{text}");
    assert!(text.contains("(resumed at byte 300000)") && !text.contains("not announced"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), whole, "resumed file differs");

    // Run again on the complete file: a 416, nothing changes.
    let (run, text) = download(&format!("{NGINX}/1m.bin"), &out);
    assert!(run.status.success() && text.contains("already complete"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), whole, "a complete file was touched");
    std::fs::remove_file(&out).ok();
}

#[test]
fn download_tool_handles_an_unknown_size() {
    testbed!();
    // Chunked: no Content-Length, so a spinner with bytes and rate, and the summary says so.
    let out = out_path("unknown-size");
    let (run, text) = download(&format!("{FAULT}/chunked?size=300000"), &out);
    assert!(run.status.success(), "{text}");
    assert!(text.contains("HTTP 200") && text.contains("is 300000 bytes"), "{text}");
    assert!(text.contains("(size not announced)"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), pattern(300_000));
    std::fs::remove_file(&out).ok();
}

#[test]
fn download_tool_writes_nothing_on_an_error_status() {
    testbed!();
    // A fresh download of a missing file: no file at all (nginx sends an HTML error page).
    let out = out_path("404-fresh");
    let (run, text) = download(&format!("{NGINX}/no-such-file.bin"), &out);
    assert!(!run.status.success() && text.contains("HTTP 404"), "{text}");
    assert!(!out.exists(), "a 404 created {}: {text}", out.display());

    // A partial file stays byte for byte as it was, so a later run resumes from real data.
    let whole = std::fs::read(testbed_dir().join("www/1m.bin")).unwrap();
    let out = out_path("404-partial");
    std::fs::write(&out, &whole[..1000]).unwrap();
    let (run, text) = download(&format!("{NGINX}/no-such-file.bin"), &out);
    assert!(!run.status.success() && text.contains("HTTP 404"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), &whole[..1000], "a 404 changed the partial file");
    std::fs::remove_file(&out).ok();
}

#[test]
fn download_tool_replaces_a_partial_when_the_server_sends_the_whole_body() {
    testbed!();
    // The fault server ignores Range: its 200 is the whole body, which must not be appended.
    let out = out_path("whole-200");
    std::fs::write(&out, vec![0xee; 1000]).unwrap();
    let (run, text) = download(&format!("{FAULT}/bytes?size=5000"), &out);
    assert!(run.status.success() && text.contains("resuming") && text.contains("HTTP 200"), "{text}");
    assert!(text.contains("replaced"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), pattern(5000));
    std::fs::remove_file(&out).ok();
}

#[test]
fn download_tool_keeps_what_a_broken_2xx_transfer_delivered() {
    testbed!();
    // A 200 reset after 1000 bytes: error 2300056 and exit 1, but the bytes are known to be
    // the body (`status-line` says 200), so FILE keeps them and a later run resumes there.
    let out = out_path("rst");
    let (run, text) = download(&format!("{FAULT}/rst"), &out);
    assert!(!run.status.success() && text.contains("error 2300056"), "{text}");
    assert!(text.contains("run again to resume"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), pattern(1000), "{text}");
    std::fs::remove_file(&out).ok();
}
