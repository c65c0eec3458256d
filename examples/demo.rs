//! The demo: a GET, a POST with a JSON body, a redirect, an error and the timing, against the
//! local testbed (`./testbed/demo.sh` starts it and runs this).
use ohos_http::{create_http, EventType, HttpRequestOptions, ResponseResult};

fn show(title: &str, r: &Result<ohos_http::HttpResponse, ohos_http::HttpError>) {
    println!("== {title}");
    match r {
        Ok(r) => {
            println!("   HTTP {} (HTTP/{}), result type {:?}", r.response_code, r.http_version, r.result_type);
            if let Some(ct) = r.header.get("content-type") {
                println!("   content-type: {ct}");
            }
            let body = match &r.result {
                ResponseResult::ArrayBuffer(b) => format!("<{} bytes>", b.len()),
                other => other.as_text().unwrap_or_default().chars().take(300).collect(),
            };
            println!("   body: {}", body.replace('\n', "\n         "));
        }
        Err(e) => println!("   error {}: {}", e.code(), e.message()),
    }
}

fn main() {
    let base = std::env::var("OHOS_HTTP_TB_HTTPBIN_URL").unwrap_or_else(|_| "http://127.0.0.1:18080".into());
    let http = create_http();
    http.on(EventType::HeadersReceive, |e| {
        if let ohos_http::Event::HeadersReceive(h) = e {
            println!("   (headersReceive: {} header fields)", h.len());
        }
    });

    let get = http.request(&format!("{base}/get"), Some(opts(r#"{"extraData":{"demo":"yes"}}"#)));
    show("GET /get?demo=yes", &get);

    let post = http.request(
        &format!("{base}/post"),
        Some(opts(r#"{"method":"POST","extraData":{"name":"ohos-http","fast":true},"expectDataType":1}"#)),
    );
    show("POST /post with a JSON body (expectDataType OBJECT)", &post);
    if let Ok(r) = &post {
        if let ResponseResult::Object(v) = &r.result {
            println!("   the server saw json = {}", v["json"]);
        }
    }

    let redirect = http.request(&format!("{base}/redirect/2"), None);
    show("GET /redirect/2 (followed)", &redirect);

    let refused = http.request("http://127.0.0.1:1/", None);
    show("GET a closed port (an error)", &refused);

    let timeout = http.request(&format!("{base}/delay/3"), Some(opts(r#"{"readTimeout":1000}"#)));
    show("GET /delay/3 with readTimeout 1000 ms", &timeout);

    if let Ok(r) = &get {
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
    let ok = get.is_ok() && post.is_ok() && redirect.is_ok() && refused.is_err() && timeout.is_err();
    std::process::exit(if ok { 0 } else { 1 });
}

fn opts(json: &str) -> HttpRequestOptions {
    HttpRequestOptions::from_json(json).expect("valid options")
}
