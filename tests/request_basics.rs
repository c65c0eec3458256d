//! Whole-body requests: methods, extraData, headers, result typing, response fields.
mod common;
use common::*;
use ohos_http::{create_http, ExtraData, HttpDataType, HttpRequestOptions, RequestMethod, ResponseResult};
use serde_json::json;

#[test]
fn get_returns_typed_response_with_lowercase_headers() {
    testbed!();
    let r = create_http().request(&format!("{HTTPBIN}/get"), None).unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(r.result_type, HttpDataType::String, "application/json is a string without expectDataType");
    assert_eq!(json(&r)["url"], format!("{HTTPBIN}/get"));
    assert_eq!(r.header["content-type"], "application/json");
    assert!(r.header.keys().all(|k| k == &k.to_ascii_lowercase()), "{:?}", r.header.keys());
    assert_eq!(r.http_version, "1.1");
    // the spec's common field header['status-line']
    assert_eq!(r.header["status-line"], "HTTP/1.1 200 OK");
}

#[test]
fn compressed_bodies_are_decoded_and_a_user_accept_encoding_wins() {
    testbed!();
    let http = create_http();
    for (path, flag) in [("gzip", "gzipped"), ("deflate", "deflated"), ("brotli", "brotli")] {
        let r = http.request(&format!("{HTTPBIN}/{path}"), None).unwrap();
        assert_eq!(r.response_code, 200, "{path}");
        let body = json(&r);
        assert_eq!(body[flag], true, "{path}: decoded JSON expected, got {:?}", r.result);
        let sent = body["headers"]["Accept-Encoding"].as_str().unwrap_or_default().to_string();
        for coding in ["deflate", "gzip", "br"] {
            assert!(sent.split(", ").any(|c| c == coding), "{path}: Accept-Encoding {sent:?} lacks {coding}");
        }
    }
    // the caller's own Accept-Encoding is sent alone, unchanged
    let r = http
        .request(&format!("{HTTPBIN}/headers"), Some(opts(r#"{"header":{"accept-encoding":"identity"}}"#)))
        .unwrap();
    assert_eq!(json(&r)["headers"]["Accept-Encoding"], "identity");
}

#[test]
fn every_method_is_sent_as_named() {
    testbed!();
    let http = create_http();
    for m in [
        RequestMethod::Options,
        RequestMethod::Get,
        RequestMethod::Post,
        RequestMethod::Put,
        RequestMethod::Delete,
        RequestMethod::Trace,
        RequestMethod::Connect,
    ] {
        let o = HttpRequestOptions { method: Some(m), ..Default::default() };
        let r = http.request(&format!("{FAULT}/echo"), Some(o)).unwrap();
        assert_eq!(json(&r)["method"], m.as_str(), "method {m:?}");
    }
    let o = HttpRequestOptions { method: Some(RequestMethod::Head), ..Default::default() };
    let r = http.request(&format!("{HTTPBIN}/get"), Some(o)).unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(r.result, ResponseResult::String(String::new()), "HEAD has no body");
    assert!(r.header.contains_key("content-length"));
}

#[test]
fn post_object_is_json_with_default_content_type() {
    testbed!();
    let r = create_http()
        .request(&format!("{HTTPBIN}/post"), Some(opts(r#"{"method":"POST","extraData":{"a":1,"b":"x"}}"#)))
        .unwrap();
    let body = json(&r);
    assert_eq!(body["json"], json!({"a":1,"b":"x"}));
    assert_eq!(body["headers"]["Content-Type"], "application/json");
    assert!(body["headers"].get("Expect").is_none(), "no Expect: 100-continue wait");
}

#[test]
fn post_string_and_put_bytes_keep_user_content_type() {
    testbed!();
    let http = create_http();
    let r = http
        .request(
            &format!("{HTTPBIN}/post"),
            Some(opts(r#"{"method":"POST","extraData":"a=1&b=2","header":{"Content-Type":"application/x-www-form-urlencoded"}}"#)),
        )
        .unwrap();
    assert_eq!(json(&r)["form"], json!({"a":"1","b":"2"}));
    let bytes: Vec<u8> = (0..=255u8).collect();
    let o = HttpRequestOptions {
        method: Some(RequestMethod::Put),
        extra_data: Some(ExtraData::ArrayBuffer(bytes.clone())),
        header: Some(json!({"content-type": "application/octet-stream"}).as_object().unwrap().clone()),
        ..Default::default()
    };
    let r = http.request(&format!("{FAULT}/echo"), Some(o)).unwrap();
    let echo = json(&r);
    assert_eq!(echo["method"], "PUT");
    assert_eq!(echo["body_len"], 256);
    let sha = echo["body_sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);
}

#[test]
fn extra_data_becomes_the_query_for_get_like_methods() {
    testbed!();
    let http = create_http();
    let r =
        http.request(&format!("{HTTPBIN}/get?z=0"), Some(opts(r#"{"extraData":{"a":"x y","n":5,"t":true}}"#))).unwrap();
    assert_eq!(json(&r)["args"], json!({"z":"0","a":"x y","n":"5","t":"true"}));
    let r = http.request(&format!("{HTTPBIN}/get"), Some(opts(r#"{"extraData":"q=1&r=2"}"#))).unwrap();
    assert_eq!(json(&r)["args"], json!({"q":"1","r":"2"}));
    let r =
        http.request(&format!("{FAULT}/echo"), Some(opts(r#"{"method":"DELETE","extraData":{"id":"7"}}"#))).unwrap();
    let echo = json(&r);
    assert_eq!(echo["method"], "DELETE");
    assert_eq!(echo["query"], json!({"id": "7"}));
    assert_eq!(echo["body_len"], 0, "DELETE carries extraData in the query, not the body");
}

#[test]
fn a_user_agent_is_sent_unless_the_caller_sets_one() {
    testbed!();
    let http = create_http();
    let ua = |o: Option<HttpRequestOptions>| {
        json(&http.request(&format!("{HTTPBIN}/user-agent"), o).unwrap())["user-agent"].clone()
    };
    let default = format!("ohos-http/{} libcurl/{}", env!("CARGO_PKG_VERSION"), curl::Version::get().version());
    assert_eq!(ua(None), default.as_str());
    assert_eq!(ua(Some(opts(r#"{"header":{"user-agent":"MyApp/1.0"}}"#))), "MyApp/1.0");
    assert_eq!(ua(Some(opts(r#"{"header":{"User-Agent":""}}"#))), "", "an empty value sends an empty field");
}

#[test]
fn header_values_of_every_scalar_type_are_sent() {
    testbed!();
    let r = create_http()
        .request(&format!("{HTTPBIN}/headers"), Some(opts(r#"{"header":{"X-Str":"s","X-Num":5,"X-Bool":true}}"#)))
        .unwrap();
    let h = &json(&r)["headers"];
    assert_eq!(h["X-Str"], "s");
    assert_eq!(h["X-Num"], "5");
    assert_eq!(h["X-Bool"], "true");
}

#[test]
fn result_typing_follows_expect_data_type_then_content_type() {
    testbed!();
    let http = create_http();
    let r = http.request(&format!("{HTTPBIN}/json"), Some(opts(r#"{"expectDataType":1}"#))).unwrap();
    assert_eq!(r.result_type, HttpDataType::Object);
    assert!(matches!(&r.result, ResponseResult::Object(v) if v.get("slideshow").is_some()));
    let r = http.request(&format!("{HTTPBIN}/html"), Some(opts(r#"{"expectDataType":1}"#))).unwrap();
    assert_eq!(r.result_type, HttpDataType::String, "non-JSON falls back to a string");
    let r = http.request(&format!("{HTTPBIN}/image/png"), None).unwrap();
    assert_eq!(r.result_type, HttpDataType::ArrayBuffer);
    assert!(matches!(&r.result, ResponseResult::ArrayBuffer(b) if b.starts_with(b"\x89PNG")));
    let r = http.request(&format!("{HTTPBIN}/bytes/64"), None).unwrap();
    assert_eq!(r.result_type, HttpDataType::ArrayBuffer, "application/octet-stream");
    let r = http.request(&format!("{HTTPBIN}/get"), Some(opts(r#"{"expectDataType":2}"#))).unwrap();
    assert_eq!(r.result_type, HttpDataType::ArrayBuffer);
    let r = http.request(&format!("{HTTPBIN}/bytes/16"), Some(opts(r#"{"expectDataType":0}"#))).unwrap();
    assert_eq!(r.result_type, HttpDataType::String);
    // OBJECT on a body that is not JSON: typed as without expectDataType (as a device does)
    let r = http.request(&format!("{HTTPBIN}/image/png"), Some(opts(r#"{"expectDataType":1}"#))).unwrap();
    assert_eq!(r.result_type, HttpDataType::ArrayBuffer);
    // OBJECT parses at most 65536 bytes (the spec's limit); a larger JSON body is a string
    let key = format!("typing-{}", std::process::id());
    let big = format!("\"{}\"", "a".repeat(70_000));
    let spec = json!([{"status": 200, "headers": [["Content-Type", "application/json"]], "body": big}]);
    let setup = HttpRequestOptions {
        method: Some(RequestMethod::Post),
        extra_data: Some(ExtraData::String(spec.to_string())),
        ..Default::default()
    };
    assert_eq!(http.request(&format!("{FAULT}/script-setup/{key}"), Some(setup)).unwrap().response_code, 200);
    let r = http.request(&format!("{FAULT}/script/{key}"), Some(opts(r#"{"expectDataType":1}"#))).unwrap();
    assert_eq!((r.result_type, text(&r).len()), (HttpDataType::String, 70_002));
}

#[test]
fn error_statuses_are_responses_not_errors() {
    testbed!();
    let http = create_http();
    for code in [404u32, 418, 500, 503] {
        let r = http.request(&format!("{HTTPBIN}/status/{code}"), None).unwrap();
        assert_eq!(r.response_code, code);
    }
}

#[test]
fn set_cookie_is_an_array_and_cookies_is_curls_list() {
    testbed!();
    let r = create_http()
        .request(&format!("{HTTPBIN}/response-headers?Set-Cookie=a%3D1&Set-Cookie=b%3D2&X-Dup=1&X-Dup=2"), None)
        .unwrap();
    assert_eq!(r.header["set-cookie"], json!(["a=1", "b=2"]));
    assert_eq!(r.header["x-dup"], "1, 2");
    let lines: Vec<&str> = r.cookies.split("\r\n").collect();
    assert_eq!(lines.len(), 2, "{:?}", r.cookies);
    assert!(lines.iter().any(|l| l.ends_with("\ta\t1")), "{:?}", r.cookies);
    assert!(lines.iter().any(|l| l.ends_with("\tb\t2")), "{:?}", r.cookies);
}

#[test]
fn redirects_are_followed_and_only_the_final_headers_are_kept() {
    testbed!();
    let http = create_http();
    let r = http.request(&format!("{HTTPBIN}/redirect/3"), None).unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(json(&r)["url"], format!("{HTTPBIN}/get"));
    assert!(!r.header.contains_key("location"), "a redirect's headers leaked: {:?}", r.header);
    assert_eq!(r.header["status-line"], "HTTP/1.1 200 OK", "the final response's status line");
    assert!(r.performance_timing.redirect_timing > 0.0, "{:?}", r.performance_timing);
    let r = http.request(&format!("{HTTPBIN}/status/404"), None).unwrap();
    assert_eq!(r.header["status-line"], "HTTP/1.1 404 NOT FOUND");
    // cookies set by a redirect survive it (curl's cookie engine), but its headers do not
    let r = http.request(&format!("{HTTPBIN}/cookies/set?k=v"), None).unwrap();
    assert_eq!(json(&r)["cookies"], json!({"k":"v"}));
    assert!(!r.header.contains_key("set-cookie"));
    assert!(r.cookies.contains("\tk\tv"), "{:?}", r.cookies);
}

#[test]
fn performance_timing_has_every_phase_in_order() {
    testbed!();
    let r = create_http()
        .request(&format!("{HTTPBIN_TLS}/get"), Some(opts(&format!(r#"{{"caPath":"{}"}}"#, ca()))))
        .unwrap();
    let t = r.performance_timing;
    assert!(t.dns_timing >= 0.0 && t.tcp_timing > 0.0, "{t:?}");
    assert!(t.tls_timing >= t.tcp_timing, "{t:?}");
    assert!(t.first_send_timing >= t.tls_timing, "{t:?}");
    assert!(t.first_receive_timing >= t.first_send_timing, "{t:?}");
    assert!(t.total_finish_timing >= t.first_receive_timing, "{t:?}");
    assert!(t.response_header_timing > 0.0 && t.response_body_timing >= t.response_header_timing, "{t:?}");
    assert!(t.total_timing >= t.response_body_timing, "{t:?}");
    assert_eq!(t.redirect_timing, 0.0);
}

#[test]
fn ipv6_loopback_works() {
    testbed!();
    let r = create_http().request(&format!("{HTTPBIN_V6}/get"), None).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn cookies_never_carry_over_to_another_request() {
    testbed!();
    // easy handles are reused between requests: their cookies must not be
    for _ in 0..20 {
        let r = create_http().request(&format!("{HTTPBIN}/cookies/set?leak=1"), None).unwrap();
        assert_eq!(json(&r)["cookies"], json!({"leak": "1"}));
        let r = create_http().request(&format!("{HTTPBIN}/cookies"), None).unwrap();
        assert_eq!(json(&r)["cookies"], json!({}), "a cookie leaked from an earlier request");
    }
}
