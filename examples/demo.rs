//! The demo: a GET, a POST with a JSON body, a redirect, an error and the timing, against the
//! local testbed (`./testbed/demo.sh` starts it and runs this).
//!
//! Each request prints its heading first, then what its `headersReceive` listener saw, then
//! the response or the error; a last line sums up and the exit status says whether every
//! request ended as expected.
use ohos_http::{
    create_http, Event, EventType, HttpDataType, HttpError, HttpRequestOptions, HttpResponse, ResponseResult,
};
use serde_json::Value;

/// Body lines shown per response; longer bodies end with a line saying how many were left out.
const BODY_LINES: usize = 30;

/// The spec's name of a result type.
fn type_name(t: HttpDataType) -> &'static str {
    match t {
        HttpDataType::String => "STRING",
        HttpDataType::Object => "OBJECT",
        HttpDataType::ArrayBuffer => "ARRAY_BUFFER",
    }
}

/// A header value as text: a string without its JSON quotes, an array (`set-cookie`) joined.
fn header_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(header_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The body as whole lines: text as it came, JSON pretty-printed, bytes as a count.
fn body_lines(result: &ResponseResult) -> Vec<String> {
    let text = match result {
        ResponseResult::ArrayBuffer(b) => return vec![format!("<{} bytes>", b.len())],
        ResponseResult::Object(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        ResponseResult::String(s) => s.clone(),
    };
    let mut lines: Vec<String> = text.trim_end().lines().map(str::to_owned).collect();
    if lines.len() > BODY_LINES {
        let more = lines.len() - BODY_LINES;
        lines.truncate(BODY_LINES);
        lines.push(format!("… ({more} more lines)"));
    }
    lines
}

fn show(r: &Result<HttpResponse, HttpError>) {
    match r {
        Ok(r) => {
            println!("   HTTP {} (HTTP/{}), result type {}", r.response_code, r.http_version, type_name(r.result_type));
            if let Some(ct) = r.header.get("content-type") {
                println!("   content-type: {}", header_text(ct));
            }
            let mut lines = body_lines(&r.result).into_iter();
            println!("   body: {}", lines.next().unwrap_or_default());
            for line in lines {
                println!("         {line}");
            }
        }
        Err(e) => println!("   error {}: {}", e.code(), e.message()),
    }
}

/// One request of the demo: its heading, then the request (its listener prints under the
/// heading), then the outcome. `expect_ok` says whether a response or an error is expected.
struct Step {
    outcome: Result<HttpResponse, HttpError>,
    expect_ok: bool,
}

fn step(title: &str, expect_ok: bool, run: impl FnOnce() -> Result<HttpResponse, HttpError>) -> Step {
    println!("== {title}");
    let outcome = run();
    show(&outcome);
    Step { outcome, expect_ok }
}

fn main() {
    let base = std::env::var("OHOS_HTTP_TB_HTTPBIN_URL").unwrap_or_else(|_| "http://127.0.0.1:18080".into());
    println!(
        "ohos-http {} demo (libcurl {}) against {base}",
        env!("CARGO_PKG_VERSION"),
        ohos_http::build_info().curl_version
    );
    let http = create_http();
    http.on(EventType::HeadersReceive, |e| {
        if let Event::HeadersReceive(h) = e {
            println!("   headersReceive: {} header fields", h.len());
        }
    });

    let mut steps = Vec::new();
    steps.push(step("GET /get?demo=yes", true, || {
        http.request(&format!("{base}/get"), Some(opts(r#"{"extraData":{"demo":"yes"}}"#)))
    }));
    let post = step("POST /post with a JSON body (expectDataType OBJECT)", true, || {
        http.request(
            &format!("{base}/post"),
            Some(opts(r#"{"method":"POST","extraData":{"name":"ohos-http","fast":true},"expectDataType":1}"#)),
        )
    });
    if let Ok(HttpResponse { result: ResponseResult::Object(v), .. }) = &post.outcome {
        println!("   the server saw json = {}", v["json"]);
    }
    steps.push(post);
    steps.push(step("GET /redirect/2 (followed; one headersReceive, the final response's)", true, || {
        http.request(&format!("{base}/redirect/2"), None)
    }));
    steps.push(step("GET a closed port (an error)", false, || http.request("http://127.0.0.1:1/", None)));
    steps.push(step("GET /delay/3 with readTimeout 1000 ms (an error)", false, || {
        http.request(&format!("{base}/delay/3"), Some(opts(r#"{"readTimeout":1000}"#)))
    }));

    if let Ok(r) = &steps[0].outcome {
        let t = &r.performance_timing;
        println!("== timing of the first GET (ms)");
        println!(
            "   dns {:.3}  tcp {:.3}  tls {:.3}  firstSend {:.3}  firstReceive {:.3}  totalFinish {:.3}",
            t.dns_timing,
            t.tcp_timing,
            t.tls_timing,
            t.first_send_timing,
            t.first_receive_timing,
            t.total_finish_timing
        );
        println!(
            "   redirect {:.3}  responseHeader {:.3}  responseBody {:.3}  total {:.3}",
            t.redirect_timing, t.response_header_timing, t.response_body_timing, t.total_timing
        );
    }
    http.destroy();

    let codes: Vec<String> =
        steps.iter().filter_map(|s| s.outcome.as_ref().ok()).map(|r| r.response_code.to_string()).collect();
    let errors: Vec<String> =
        steps.iter().filter_map(|s| s.outcome.as_ref().err()).map(|e| e.code().to_string()).collect();
    let unexpected = steps.iter().filter(|s| s.outcome.is_ok() != s.expect_ok).count();
    let verdict = if unexpected == 0 { "all as expected".to_string() } else { format!("{unexpected} NOT as expected") };
    println!(
        "== done: {} requests, {} responses ({}), {} errors ({}): {verdict}",
        steps.len(),
        codes.len(),
        codes.join(", "),
        errors.len(),
        errors.join(", ")
    );
    std::process::exit(if unexpected == 0 { 0 } else { 1 });
}

fn opts(json: &str) -> HttpRequestOptions {
    HttpRequestOptions::from_json(json).expect("valid options")
}
