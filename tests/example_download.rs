//! The download example resumes a partial file with resumeFrom and ends byte-exact.
mod common;
use common::*;
use std::process::Command;

#[test]
fn download_tool_resumes_a_partial_file() {
    testbed!();
    let exe = std::env::current_exe().unwrap();
    let tool = exe.parent().unwrap().parent().unwrap().join("examples/download");
    assert!(tool.exists(), "build the examples first (cargo test builds them): {}", tool.display());
    let whole = std::fs::read(testbed_dir().join("www/1m.bin")).unwrap();
    let out = std::env::temp_dir().join(format!("ohos-http-download-{}.bin", std::process::id()));
    std::fs::write(&out, &whole[..300_000]).unwrap();
    let run = Command::new(&tool).args([&format!("{NGINX}/1m.bin"), "-o", out.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("resuming") && stdout.contains("HTTP 206"), "{stdout}");
    assert_eq!(std::fs::read(&out).unwrap(), whole, "resumed file differs");
    std::fs::remove_file(&out).ok();
}
