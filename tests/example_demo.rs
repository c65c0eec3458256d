//! The demo (`examples/demo.rs`, run by `testbed/demo.sh`) against the testbed: every
//! headersReceive line stands under its own request's heading, header values print without
//! JSON quotes, bodies print whole (the POST body is complete JSON), and a closing line sums up.
mod common;
use common::*;
use std::process::Command;

/// Runs the demo (cargo test builds the examples); returns its exit success and stdout lines.
fn run_demo() -> (bool, Vec<String>) {
    let exe = std::env::current_exe().unwrap();
    let demo = exe.parent().unwrap().parent().unwrap().join("examples/demo");
    assert!(demo.exists(), "build the examples first (cargo test builds them): {}", demo.display());
    let run = Command::new(&demo).env("OHOS_HTTP_TB_HTTPBIN_URL", HTTPBIN).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    eprintln!("{stdout}{}", String::from_utf8_lossy(&run.stderr));
    (run.status.success(), stdout.lines().map(str::to_owned).collect())
}

/// The body printed under the heading that starts with `title`: the `   body: ` line and the
/// lines indented under it, without the indentation.
fn body_under(lines: &[String], title: &str) -> String {
    let start = lines.iter().position(|l| l.starts_with(&format!("== {title}"))).expect("heading");
    let first = lines[start..].iter().position(|l| l.starts_with("   body: ")).expect("body") + start;
    let mut body = vec![lines[first]["   body: ".len()..].to_string()];
    body.extend(lines[first + 1..].iter().take_while(|l| l.starts_with("         ")).map(|l| l[9..].to_string()));
    body.join("\n")
}

#[test]
fn demo_prints_each_request_under_its_heading_and_sums_up() {
    testbed!();
    let (ok, lines) = run_demo();
    assert!(ok, "the demo failed");

    // headersReceive: right under the heading of the request it belongs to, once per response.
    let headings: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].starts_with("== GET") || lines[i].starts_with("== POST")).collect();
    assert_eq!(headings.len(), 5, "five requests");
    let listener: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains("headersReceive:")).collect();
    assert_eq!(listener.len(), 3, "one headersReceive per response (a redirect's hops never fire it)");
    for i in listener {
        let above = if i == 0 { "" } else { lines[i - 1].as_str() };
        assert!(above.starts_with("== "), "headersReceive line {i} is not under a heading: {above:?}");
    }

    // Header values without JSON quotes.
    let ct: Vec<&String> = lines.iter().filter(|l| l.trim_start().starts_with("content-type:")).collect();
    assert_eq!(ct.len(), 3, "{ct:?}");
    assert!(ct.iter().all(|l| l.trim() == "content-type: application/json"), "{ct:?}");

    // Bodies whole: the POST's parses as JSON and holds what was sent.
    let post: serde_json::Value = serde_json::from_str(&body_under(&lines, "POST")).expect("the POST body is cut");
    assert_eq!(post["json"], serde_json::json!({"name": "ohos-http", "fast": true}));
    let get: serde_json::Value = serde_json::from_str(&body_under(&lines, "GET /get")).expect("the GET body is cut");
    assert_eq!(get["args"]["demo"], "yes");

    // The closing line.
    let last = lines.last().expect("output");
    assert!(
        last.starts_with("== done: 5 requests, 3 responses (200, 200, 200), 2 errors (2300007, 2300028)"),
        "{last}"
    );
    assert!(last.ends_with("all as expected"), "{last}");
}
