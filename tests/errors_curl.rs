//! Every failed transfer reports 2300000 + CURLcode, provoked for real against local servers.
//! Codes are those of libcurl 7.88.1 (Debian 12), the version the suite runs on.
mod common;
use common::*;
use ohos_http::{create_http, HttpError};

fn fail(url: &str, options: Option<&str>) -> HttpError {
    match create_http().request(url, options.map(opts)) {
        Ok(r) => panic!("{url}: expected an error, got HTTP {}", r.response_code),
        Err(e) => e,
    }
}

fn assert_code(e: &HttpError, code: u32, message: &str) {
    assert_eq!(e.code(), code, "{e}");
    assert!(e.message().starts_with(message), "message {:?} should start with {message:?}", e.message());
    // the detail never repeats the spec's text ("X: X")
    let parts: Vec<String> = e.message().split(": ").map(|p| p.trim_end_matches('.').to_ascii_lowercase()).collect();
    assert!(!parts.windows(2).any(|w| w[0] == w[1]), "a repeated message: {:?}", e.message());
}

#[test]
fn unsupported_protocol_1() {
    testbed!();
    assert_code(&fail("gopherx://127.0.0.1/", None), 2_300_001, "Unsupported protocol");
    // a server that does not speak HTTP (HTTP/0.9 is not allowed)
    assert_code(&fail(&format!("{FAULT}/garbage"), None), 2_300_001, "Unsupported protocol");
}

#[test]
fn malformed_url_3() {
    testbed!();
    assert_code(&fail("http://", None), 2_300_003, "Invalid URL format or missing URL");
    assert_code(&fail("", None), 2_300_003, "Invalid URL format or missing URL");
}

#[test]
fn unresolvable_host_6() {
    testbed!();
    // asked of the testbed's own DNS server (never a resolver outside loopback)
    let e = fail("http://no-such-host.invalid/", Some(r#"{"dnsServers":["127.0.0.1:15353"]}"#));
    assert_code(&e, 2_300_006, "Failed to resolve the host name");
    // the system resolver too, but only inside the test namespace, where it cannot leave loopback
    if std::env::var("OHOS_HTTP_TB_NETNS").as_deref() == Ok("1") {
        assert_code(&fail("http://no-such-host.invalid/", None), 2_300_006, "Failed to resolve the host name");
    }
}

#[test]
fn connection_refused_7() {
    testbed!();
    let e = fail("http://127.0.0.1:1/", None);
    assert_code(&e, 2_300_007, "Failed to connect to the server");
    assert!(e.message().len() > "Failed to connect to the server".len(), "curl's detail is appended: {e}");
}

#[test]
fn header_line_without_colon_8() {
    testbed!();
    assert_code(&fail(&format!("{FAULT}/nocolon"), None), 2_300_008, "Invalid server response");
}

#[test]
fn short_body_18() {
    testbed!();
    assert_code(&fail(&format!("{FAULT}/short"), None), 2_300_018, "Transferred a partial file");
}

#[test]
fn read_timeout_28() {
    testbed!();
    let e = fail(&format!("{FAULT}/delay?ms=5000"), Some(r#"{"readTimeout":1000}"#));
    assert_code(&e, 2_300_028, "Operation timeout");
}

#[test]
fn tls_to_a_plain_port_35() {
    testbed!();
    // 35 stays 35 (the reference maps it to 2300999)
    let e = fail("https://127.0.0.1:18080/get", Some(&format!(r#"{{"caPath":"{}"}}"#, ca())));
    assert_eq!(e.code(), 2_300_035, "{e}");
    assert!(e.message().starts_with("SSL connect error"), "curl's own text for unlisted codes: {e}");
}

#[test]
fn too_many_redirects_47() {
    testbed!();
    let e = fail(&format!("{HTTPBIN}/redirect/31"), None);
    assert_code(&e, 2_300_047, "The number of redirections reaches the maximum allowed");
}

#[test]
fn empty_reply_52() {
    testbed!();
    assert_code(&fail(&format!("{FAULT}/close"), None), 2_300_052, "The server returned nothing");
}

#[test]
fn reset_mid_body_56() {
    testbed!();
    assert_code(&fail(&format!("{FAULT}/rst"), None), 2_300_056, "Failed to receive data from the peer");
}

#[test]
fn untrusted_certificate_60() {
    testbed!();
    // the system bundle does not know the testbed's CA
    let e = fail(&format!("{HTTPBIN_TLS}/get"), None);
    assert_code(&e, 2_300_060, "Invalid SSL peer certificate");
}

#[test]
fn bad_content_encoding_61() {
    testbed!();
    assert_code(&fail(&format!("{FAULT}/badgzip"), None), 2_300_061, "Invalid HTTP encoding format");
}

#[test]
fn body_over_max_limit_63() {
    testbed!();
    let e = fail(&format!("{FAULT}/bytes?size=2000"), Some(r#"{"maxLimit":1000}"#));
    assert_code(&e, 2_300_063, "Maximum file size exceeded");
}

#[test]
fn missing_ca_file_77() {
    testbed!();
    let e = fail(&format!("{HTTPBIN_TLS}/get"), Some(r#"{"caPath":"/nonexistent/ca.pem"}"#));
    assert_code(&e, 2_300_077, "The SSL CA certificate does not exist or is inaccessible");
}
