//! Options that change how a transfer runs: timeouts, protocol, trust, ranges, maxLimit,
//! priority/usingCache acceptance, and 401 validation naming the field.
mod common;
use common::*;
use ohos_http::{create_http, HttpError, HttpRequestOptions, ResponseResult};
use std::time::{Duration, Instant};

fn body_len(r: &ohos_http::HttpResponse) -> usize {
    match &r.result {
        ResponseResult::ArrayBuffer(b) => b.len(),
        other => other.to_bytes().len(),
    }
}

#[test]
fn read_timeout_is_inactivity_so_a_trickling_body_survives() {
    testbed!();
    // 10 chunks, one every 200 ms: 2 s in all, far longer than the 700 ms readTimeout
    let t = Instant::now();
    let r = create_http()
        .request(&format!("{FAULT}/trickle?chunks=10&interval_ms=200&size=10"), Some(opts(r#"{"readTimeout":700}"#)))
        .unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(body_len(&r), 100);
    assert!(t.elapsed() > Duration::from_millis(1500));
}

#[test]
fn read_timeout_fires_when_a_body_stalls_and_zero_means_none() {
    testbed!();
    let http = create_http();
    // to the millisecond, not whole seconds
    let t = Instant::now();
    let e = http.request(&format!("{FAULT}/stall?bytes=100"), Some(opts(r#"{"readTimeout":300}"#))).unwrap_err();
    assert_eq!(e.code(), 2_300_028, "{e}");
    assert!(e.message().contains("readTimeout"), "{e}");
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(300) && took < Duration::from_millis(900), "{took:?}");
    // readTimeout 0: no timeout; a 2.5 s wait completes
    let r = http.request(&format!("{FAULT}/delay?ms=2500"), Some(opts(r#"{"readTimeout":0}"#))).unwrap();
    assert_eq!(r.response_code, 200);
}

/// A listening socket whose accept queue is full: further SYNs are dropped, so connecting
/// hangs until the connect timeout (all on loopback).
fn saturated_listener() -> (std::os::fd::OwnedFd, u16, Vec<std::net::TcpStream>) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket calls on a fresh descriptor we own.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as _;
        addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(libc::bind(fd, &addr as *const _ as *const libc::sockaddr, len), 0);
        assert_eq!(libc::listen(fd, 0), 0);
        let mut bound: libc::sockaddr_in = std::mem::zeroed();
        let mut blen = len;
        libc::getsockname(fd, &mut bound as *mut _ as *mut libc::sockaddr, &mut blen);
        let port = u16::from_be(bound.sin_port);
        let owned = std::os::fd::OwnedFd::from_raw_fd(fd);
        let mut fillers = Vec::new();
        for _ in 0..4 {
            if let Ok(s) =
                std::net::TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200))
            {
                fillers.push(s);
            }
        }
        (owned, port, fillers)
    }
}

#[test]
fn connect_timeout_fails_with_28() {
    testbed!();
    let (_listener, port, _fillers) = saturated_listener();
    let t = Instant::now();
    let e = create_http()
        .request(&format!("http://127.0.0.1:{port}/"), Some(opts(r#"{"connectTimeout":500}"#)))
        .unwrap_err();
    assert_eq!(e.code(), 2_300_028, "{e}");
    assert!(t.elapsed() < Duration::from_secs(5), "took {:?}", t.elapsed());
}

#[test]
fn huge_timeouts_are_taken_never_a_curl_argument_error() {
    testbed!();
    // u64::MAX used to reach CURLOPT_CONNECTTIMEOUT_MS as a negative long: 2300043.
    let o = HttpRequestOptions { connect_timeout: Some(u64::MAX), read_timeout: Some(u64::MAX), ..Default::default() };
    let r = create_http().request(&format!("{HTTPBIN}/get"), Some(o)).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn using_protocol_selects_the_http_version() {
    testbed!();
    let http = create_http();
    let tls = format!(r#""caPath":"{}""#, ca());
    // HTTP/2 first: libcurl 7.88 may reuse an idle HTTP/1.1 connection for an HTTP/2 request,
    // but never an HTTP/2 connection for an HTTP/1.1 one.
    let r =
        http.request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{{tls},"usingProtocol":1}}"#)))).unwrap();
    assert_eq!(r.http_version, "2");
    let r =
        http.request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{{tls},"usingProtocol":0}}"#)))).unwrap();
    assert_eq!(r.http_version, "1.1");
    // HTTP/3: this libcurl has none, so it falls back to the best it has
    let r =
        http.request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{{tls},"usingProtocol":2}}"#)))).unwrap();
    assert_eq!(r.response_code, 200);
    if curl::Version::get().feature_http3() {
        assert_eq!(r.http_version, "3");
    }
    // plain HTTP: HTTP2 is h2c with prior knowledge ([::1]: no other test here uses that host,
    // so no idle HTTP/1.1 connection can be picked up), HTTP1_1 is 1.1
    let r = http.request(&format!("{HTTPBIN_V6}/get"), Some(opts(r#"{"usingProtocol":1}"#))).unwrap();
    assert_eq!((r.response_code, r.http_version.as_str()), (200, "2"));
    let r = http.request(&format!("{HTTPBIN_V6}/get"), Some(opts(r#"{"usingProtocol":0}"#))).unwrap();
    assert_eq!(r.http_version, "1.1");
    // HTTP3 on a plain http URL fails, as the spec says (curl's code for it: 3)
    let e = http.request(&format!("{HTTPBIN}/get"), Some(opts(r#"{"usingProtocol":2}"#))).unwrap_err();
    assert_eq!(e.code(), 2_300_003, "{e}");
    assert!(e.message().contains("HTTP/3 requested for non-HTTPS URL"), "{e}");
    // also when a redirect leads from https to http
    let to_http = format!("{HTTPBIN_TLS}/redirect-to?url={HTTPBIN}/get");
    let e = http.request(&to_http, Some(opts(&format!(r#"{{{tls},"usingProtocol":2}}"#)))).unwrap_err();
    assert_eq!(e.code(), 2_300_003, "{e}");
}

#[test]
fn ca_path_accepts_a_file_or_a_directory() {
    testbed!();
    let http = create_http();
    let r = http.request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{"caPath":"{}"}}"#, ca())))).unwrap();
    assert_eq!(r.response_code, 200);
    let dir = cert("ca-dir");
    let r = http.request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{"caPath":"{dir}"}}"#)))).unwrap();
    assert_eq!(r.response_code, 200);
    // another CA: the server is not trusted
    let other = cert("other-ca.pem");
    let e = http.request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{"caPath":"{other}"}}"#)))).unwrap_err();
    assert_eq!(e.code(), 2_300_060, "{e}");
}

#[test]
fn resume_from_and_to_request_a_byte_range() {
    testbed!();
    let http = create_http();
    let whole = http.request(&format!("{NGINX}/1k.bin"), None).unwrap().result.to_bytes();
    assert_eq!(whole.len(), 1024);
    let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"resumeFrom":100,"resumeTo":199}"#))).unwrap();
    assert_eq!(r.response_code, 206);
    assert_eq!(r.result.to_bytes(), whole[100..200].to_vec());
    let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"resumeFrom":1000}"#))).unwrap();
    assert_eq!(r.result.to_bytes(), whole[1000..].to_vec());
    let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"resumeTo":9}"#))).unwrap();
    assert_eq!(r.result.to_bytes(), whole[..10].to_vec(), "resumeTo is an end position, not a suffix length");
    // out of [1, 2^32]: ignored, as the spec says
    let r = http.request(&format!("{NGINX}/1k.bin"), Some(opts(r#"{"resumeFrom":0}"#))).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn max_limit_is_enforced_for_content_length_and_chunked_bodies() {
    testbed!();
    let http = create_http();
    let limit = r#"{"maxLimit":1000,"expectDataType":2}"#;
    let r = http.request(&format!("{FAULT}/bytes?size=1000"), Some(opts(limit))).unwrap();
    assert_eq!(body_len(&r), 1000, "exactly at the limit passes");
    let e = http.request(&format!("{FAULT}/chunked?size=1001"), Some(opts(limit))).unwrap_err();
    assert_eq!(e.code(), 2_300_063, "chunked over the limit: {e}");
    let r = http.request(&format!("{FAULT}/chunked?size=1000"), Some(opts(limit))).unwrap();
    assert_eq!(body_len(&r), 1000);
    // the default is 5 MiB
    let r = http.request(&format!("{FAULT}/chunked?size={}", 5 << 20), Some(opts(r#"{"expectDataType":2}"#))).unwrap();
    assert_eq!(body_len(&r), 5 << 20);
    let e = http.request(&format!("{FAULT}/chunked?size={}", (5 << 20) + 1), None).unwrap_err();
    assert_eq!(e.code(), 2_300_063, "{e}");
    // above 100 MiB, maxLimit is capped at 100 MiB (the spec's maximum), as on a device
    let huge = r#"{"maxLimit":1073741824}"#;
    assert_eq!(http.request(&format!("{FAULT}/bytes?size=10"), Some(opts(huge))).unwrap().response_code, 200);
    let e = http.request(&format!("{FAULT}/bytes?size={}", (100 << 20) + 1), Some(opts(huge))).unwrap_err();
    assert_eq!(e.code(), 2_300_063, "a body over 100 MiB fails whatever maxLimit says: {e}");
}

#[test]
fn resume_options_take_effect_only_for_get() {
    testbed!();
    // the spec: "can be used only for the GET method"; a range on a PUT would damage the upload
    let o = opts(r#"{"method":"PUT","extraData":"0123456789","resumeFrom":3,"resumeTo":5}"#);
    let r = create_http().request(&format!("{HTTPBIN}/put"), Some(o)).unwrap();
    let body = json(&r);
    assert_eq!(body["data"], "0123456789", "the whole body went up");
    let headers = body["headers"].as_object().unwrap();
    assert!(
        !headers.keys().any(|k| k.eq_ignore_ascii_case("content-range") || k.eq_ignore_ascii_case("range")),
        "{headers:?}"
    );
    // and resumeTo < resumeFrom on a PUT is no error either: neither takes effect
    let o = opts(r#"{"method":"PUT","extraData":"x","resumeFrom":9,"resumeTo":2}"#);
    assert_eq!(create_http().request(&format!("{HTTPBIN}/put"), Some(o)).unwrap().response_code, 200);
}

#[test]
fn priority_and_using_cache_are_accepted() {
    testbed!();
    let r = create_http()
        .request(&format!("{HTTPBIN}/get"), Some(opts(r#"{"priority":1000,"usingCache":false}"#)))
        .unwrap();
    assert_eq!(r.response_code, 200);
}

fn param_error(o: HttpRequestOptions, field: &str) {
    let e: HttpError = create_http().request("http://127.0.0.1:1/", Some(o)).unwrap_err();
    assert_eq!(e.code(), 401, "{e}");
    assert!(e.message().contains(field), "message {:?} should name {field}", e.message());
}

#[test]
fn invalid_values_are_401_naming_the_field() {
    testbed!();
    param_error(HttpRequestOptions { priority: Some(0), ..Default::default() }, "priority");
    param_error(HttpRequestOptions { priority: Some(1001), ..Default::default() }, "priority");
    let header = serde_json::json!({"x-obj": {"a": 1}}).as_object().unwrap().clone();
    param_error(HttpRequestOptions { header: Some(header), ..Default::default() }, "x-obj");
    let e = HttpRequestOptions::from_json(r#"{"method":"FETCH"}"#).unwrap_err();
    assert_eq!(e.code(), 401);
    assert!(e.message().contains("method"), "{e}");
    let e = HttpRequestOptions::from_json(r#"{"readTimeout":-1}"#).unwrap_err();
    assert!(e.code() == 401 && e.message().contains("readTimeout"), "{e}");
    let e = HttpRequestOptions::from_json(r#"{"connectTimeout":"soon"}"#).unwrap_err();
    assert!(e.code() == 401 && e.message().contains("connectTimeout"), "{e}");
    let e = HttpRequestOptions::from_json(r#"{"certificatePinning":{"publicKeyHash":"x","hashAlgorithm":"SHA-1"}}"#)
        .and_then(|o| o.validate())
        .unwrap_err();
    assert!(e.code() == 401 && e.message().contains("hashAlgorithm"), "{e}");
    let e = HttpRequestOptions::from_json("{not json").unwrap_err();
    assert_eq!(e.code(), 401);
}

#[test]
fn fields_of_later_features_are_parsed_and_validated_now() {
    testbed!();
    let o = opts(
        r#"{"clientCert":{"certPath":"/c.pem","certType":"P12","keyPath":"","keyPassword":"pw"},
            "usingProxy":{"host":"127.0.0.1","port":18128,"exclusionList":["localhost"]},
            "dnsOverHttps":"https://127.0.0.1:18053/dns-query","dnsServers":["127.0.0.1:15353","bogus"],
            "multiFormDataList":[{"name":"f","contentType":"text/plain","data":"x"}]}"#,
    );
    o.validate().unwrap();
    let e = opts(r#"{"multiFormDataList":[{"name":"f","contentType":"text/plain"}]}"#).validate().unwrap_err();
    assert!(e.code() == 401 && e.message().contains("multiFormDataList[0]"), "{e}");
    let e = opts(r#"{"dnsServers":["nope"]}"#).validate().unwrap_err();
    assert!(e.code() == 401 && e.message().contains("dnsServers"), "{e}");
    let e = opts(r#"{"usingProxy":{"host":"","port":1}}"#).validate().unwrap_err();
    assert!(e.code() == 401 && e.message().contains("usingProxy"), "{e}");
}
