//! The trust boundary, part 4: TLS state never carries trust from one request to another.
//! libcurl keeps connections and TLS sessions for reuse; it reuses them only for a request
//! with the same TLS settings (client certificate, pins, CA: `Curl_ssl_config_matches`).
//! These tests prove that holds for the library's requests, against real servers.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::create_http;

fn client_cert() -> String {
    format!(r#"{},"clientCert":{{"certPath":"{}","keyPath":"{}"}}"#, tls(), cert("client.pem"), cert("client.key"))
}

fn pinned(pin: &str) -> String {
    format!(r#"{},"certificatePinning":[{{"publicKeyHash":"{pin}","hashAlgorithm":"SHA-256"}}]"#, tls())
}

#[test]
fn a_request_without_a_client_certificate_never_rides_on_one_made_with_it() {
    testbed!();
    let http = create_http();
    let url = format!("{MTLS}/get");
    for _ in 0..2 {
        let r = http.request(&url, Some(opts_with(&client_cert()))).unwrap();
        assert_eq!(r.response_code, 200);
    }
    // The same host right after, connections and sessions still cached: without the
    // certificate the server must see a handshake without one, and refuse it.
    let e = http.request(&url, Some(opts_with(&tls()))).unwrap_err();
    assert!(matches!(e.code(), 2_300_056 | 2_300_035), "{e}");
    // and a certificate request after that works again
    assert_eq!(http.request(&url, Some(opts_with(&client_cert()))).unwrap().response_code, 200);
}

#[test]
fn a_pinned_request_never_rides_on_a_connection_not_checked_against_its_pins() {
    testbed!();
    let http = create_http();
    let url = format!("{HTTPBIN_TLS}/get");
    assert_eq!(http.request(&url, Some(opts_with(&tls()))).unwrap().response_code, 200);
    assert!(established_to(18443) >= 1, "the first connection is kept for reuse");
    let e = http.request(&url, Some(opts_with(&pinned(OTHER_PIN)))).unwrap_err();
    assert_eq!(e.code(), 2_300_090, "a kept connection must not skip the pin check: {e}");
    assert_eq!(http.request(&url, Some(opts_with(&pinned(&server_pin())))).unwrap().response_code, 200);
    // and the other way round: a connection checked against one pin does not serve another
    let e = http.request(&url, Some(opts_with(&pinned(OTHER_PIN)))).unwrap_err();
    assert_eq!(e.code(), 2_300_090, "{e}");
}

#[test]
fn a_connection_trusted_through_one_ca_is_not_reused_under_another() {
    testbed!();
    let http = create_http();
    let url = format!("{HTTPBIN_TLS}/get");
    assert_eq!(http.request(&url, Some(opts_with(&tls()))).unwrap().response_code, 200);
    let untrusted = format!(r#""caPath":"{}""#, cert("other-ca.pem"));
    assert_eq!(http.request(&url, Some(opts_with(&untrusted))).unwrap_err().code(), 2_300_060);
}
