//! TLS trust: `caPath` as a PEM file or a hashed directory replaces the system store;
//! verification is always on. Codes as libcurl 7.88.1 (Debian 12) reports them.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::create_http;

fn get(url: &str, fields: &str) -> Result<ohos_http::HttpResponse, ohos_http::HttpError> {
    create_http().request(url, Some(opts_with(fields)))
}

#[test]
fn ca_path_file_is_trusted() {
    testbed!();
    let r = get(&format!("{HTTPBIN_TLS}/get"), &tls()).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn ca_path_directory_is_trusted() {
    testbed!();
    // the same CA, as a directory of hash-named links (CURLOPT_CAPATH)
    let r = get(&format!("{HTTPBIN_TLS}/get"), &format!(r#""caPath":"{}""#, cert("ca-dir"))).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn missing_ca_file_is_2300077() {
    testbed!();
    let e = get(&format!("{HTTPBIN_TLS}/get"), r#""caPath":"/nonexistent/ca.pem""#).unwrap_err();
    assert_eq!(e.code(), 2_300_077, "{e}");
    assert!(e.message().starts_with("The SSL CA certificate does not exist or is inaccessible"), "{e}");
}

#[test]
fn untrusted_server_is_2300060() {
    testbed!();
    // a CA that did not sign the server's certificate
    let e = get(&format!("{HTTPBIN_TLS}/get"), &format!(r#""caPath":"{}""#, cert("other-ca.pem"))).unwrap_err();
    assert_eq!(e.code(), 2_300_060, "{e}");
    // no caPath: the system store, which does not know the test CA
    let e = get(&format!("{HTTPBIN_TLS}/get"), r#""connectTimeout":5000"#).unwrap_err();
    assert_eq!(e.code(), 2_300_060, "{e}");
}

#[test]
fn wrong_host_is_2300060() {
    testbed!();
    // wrong.test.example resolves (through dnsmasq) to the same server, whose certificate
    // names localhost, test.example, 127.0.0.1 and ::1 only
    let fields = format!(r#"{},"dnsServers":["{DNS_SERVER}"]"#, tls());
    let e = get("https://wrong.test.example:18443/get", &fields).unwrap_err();
    assert_eq!(e.code(), 2_300_060, "{e}");
    // the same server by a name it has
    let r = get("https://test.example:18443/get", &fields).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn tls_to_a_plain_port_is_2300035() {
    testbed!();
    let e = get("https://127.0.0.1:18080/get", &tls()).unwrap_err();
    assert_eq!(e.code(), 2_300_035, "{e}");
}
