//! usingProxy and the proxy environment variables. Environment variables are process-wide, so
//! this test binary has one test, which sets them before the first request.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::{create_http, HttpRequestOptions, UsingProxy};

fn proxied(r: &ohos_http::HttpResponse) -> bool {
    seen_headers(r).contains_key("x-tinyproxy")
}

#[test]
fn false_ignores_the_environment_and_true_uses_it() {
    testbed!();
    let proxy = format!("http://127.0.0.1:{PROXY_PORT}");
    // before any request (the reactor thread reads the environment when it connects)
    std::env::set_var("http_proxy", &proxy);
    std::env::set_var("https_proxy", &proxy);
    std::env::set_var("no_proxy", "localhost");
    let http = create_http();
    let with = |p: Option<bool>| HttpRequestOptions { using_proxy: p.map(UsingProxy::Bool), ..Default::default() };

    // default and false: no proxy, whatever the environment says
    for p in [None, Some(false)] {
        let r = http.request(&format!("{HTTPBIN}/headers"), Some(with(p))).unwrap();
        assert!(!proxied(&r), "usingProxy {p:?} went through the proxy");
    }
    // true: http_proxy applies
    let r = http.request(&format!("{HTTPBIN}/headers"), Some(with(Some(true)))).unwrap();
    assert!(proxied(&r), "usingProxy true ignored http_proxy");
    // true: https_proxy applies (a CONNECT tunnel: tinyproxy logs it)
    let needle = "CONNECT 127.0.0.1:18443";
    let before = log_lines_with("tinyproxy-18128.log", needle);
    let o = HttpRequestOptions { ca_path: Some(ca()), ..with(Some(true)) };
    let r = http.request("https://127.0.0.1:18443/get", Some(o)).unwrap();
    assert_eq!(r.response_code, 200);
    assert!(log_lines_with("tinyproxy-18128.log", needle) > before);
    // true: no_proxy applies
    let r = http.request("http://localhost:18080/headers", Some(with(Some(true)))).unwrap();
    assert!(!proxied(&r), "no_proxy=localhost was ignored");
}
