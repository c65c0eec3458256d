//! usingProtocol and the version used (`HttpResponse::http_version`: "1.1", "2", "3"), and
//! HTTP/2 multiplexing. Each test talks to its own host:port so that no test picks up a
//! connection another one left idle (libcurl 7.88 may reuse an idle HTTP/1.1 connection for
//! a request that asks for HTTP/2).
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::create_http;
use std::time::Duration;

#[test]
fn http1_1_is_forced_over_tls() {
    testbed!();
    let r = create_http()
        .request("https://127.0.0.1:18443/get", Some(opts_with(&format!(r#"{},"usingProtocol":0"#, tls()))));
    assert_eq!(r.unwrap().http_version, "1.1");
}

#[test]
fn http2_is_negotiated_over_tls() {
    testbed!();
    let r =
        create_http().request("https://[::1]:18443/get", Some(opts_with(&format!(r#"{},"usingProtocol":1"#, tls()))));
    let r = r.unwrap();
    assert_eq!((r.response_code, r.http_version.as_str()), (200, "2"));
}

#[test]
fn http2_over_plain_http_is_h2c_with_prior_knowledge() {
    testbed!();
    let r = create_http().request(&format!("{HTTPBIN_V6}/get"), Some(opts_with(r#""usingProtocol":1"#))).unwrap();
    assert_eq!((r.response_code, r.http_version.as_str()), (200, "2"));
    // and HTTP1_1 over plain HTTP is 1.1 (nginx: another server)
    let r = create_http().request(&format!("{NGINX}/1k.bin"), Some(opts_with(r#""usingProtocol":0"#))).unwrap();
    assert_eq!(r.http_version, "1.1");
}

#[test]
fn http3_falls_back_when_libcurl_lacks_it() {
    testbed!();
    let r = create_http()
        .request("https://localhost:18443/get", Some(opts_with(&format!(r#"{},"usingProtocol":2"#, tls()))))
        .unwrap();
    assert_eq!(r.response_code, 200);
    if curl::Version::get().feature_http3() {
        // the test servers speak no QUIC: libcurl's HTTP/3 falls back as well
        assert!(["3", "2", "1.1"].contains(&r.http_version.as_str()), "{}", r.http_version);
    } else {
        // Debian's 7.88.1: HTTP/2 over TLS
        assert_eq!(r.http_version, "2");
    }
    // plain http: the spec says the request fails (libcurl's code for it, 3)
    let e = create_http().request(&format!("{FAULT}/status/200"), Some(opts_with(r#""usingProtocol":2"#))).unwrap_err();
    assert_eq!(e.code(), 2_300_003, "{e}");
}

#[test]
fn concurrent_requests_to_one_h2_server_share_one_connection() {
    testbed!();
    // nginx TLS + h2 (port 18446) is used by no other test in this binary
    const N: usize = 40;
    let before = established_to(18446);
    assert!(before <= 1, "{before} connections to nginx before the test");
    let http = create_http();
    let (tx, rx) = crossbeam_channel::unbounded();
    for _ in 0..N {
        let tx = tx.clone();
        // default usingProtocol: https negotiates h2 by ALPN
        http.request_with_callback(&format!("{NGINX_TLS}/64k.bin"), Some(opts_with(&tls())), move |r| {
            tx.send(r.map(|r| (r.response_code, r.http_version, r.result.to_bytes().len()))).unwrap()
        });
    }
    for _ in 0..N {
        let (code, version, len) = rx.recv_timeout(Duration::from_secs(30)).unwrap().unwrap();
        assert_eq!((code, version.as_str(), len), (200, "2", 65536));
    }
    // the connection stays in the pool; one, not up to max_host_connections (6)
    let after = established_to(18446);
    assert_eq!(after, 1, "{N} concurrent h2 requests used {after} connections");
}
