//! dnsOverHttps: libcurl's DoH (`DOH_URL`) against dnsdist in front of dnsmasq; the request's
//! trust (`caPath`) applies to the DoH server too. Codes as libcurl 7.88.1 reports them.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::create_http;

#[test]
fn names_resolve_over_https() {
    testbed!();
    let fields = format!(r#"{},"dnsOverHttps":"{DOH_URL}""#, tls());
    let r = create_http().request("http://test.example:18080/headers", Some(opts_with(&fields))).unwrap();
    assert_eq!(r.response_code, 200);
    assert_eq!(seen_headers(&r)["host"], "test.example:18080");
    let r = create_http().request("https://test.example:18443/get", Some(opts_with(&fields))).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn a_failing_doh_server_is_2300006() {
    testbed!();
    // A name per case: libcurl reuses an idle connection to the same host and port before it
    // resolves anything, so a name another request already connected to would not show it.
    let http = create_http();
    // nobody listening
    let fields = format!(r#"{},"dnsOverHttps":"https://127.0.0.1:1/dns-query""#, tls());
    let e = http.request("http://doh-dead.test.example:18080/get", Some(opts_with(&fields))).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
    // the DoH server is not trusted without the request's caPath: the request's trust applies
    // to it (and the system store does not know the test CA)
    let fields = format!(r#""dnsOverHttps":"{DOH_URL}""#);
    let e = http.request("http://doh-untrusted.test.example:18080/get", Some(opts_with(&fields))).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
    // a name the DoH server does not know
    let fields = format!(r#"{},"dnsOverHttps":"{DOH_URL}""#, tls());
    let e = http.request("http://nope.invalid:18080/get", Some(opts_with(&fields))).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
}

#[test]
fn doh_answers_stay_with_their_transfer() {
    testbed!();
    // Without DoH a name goes to the system resolver, which does not know test.example: only
    // inside the testbed's network namespace, where that lookup cannot leave loopback.
    if !in_private_netns() {
        return;
    }
    let http = create_http();
    let url = "http://doh-private.test.example:18080/get";
    // `Connection: close`: no idle connection is left that curl could reuse without a lookup
    let fields = format!(r#"{},"dnsOverHttps":"{DOH_URL}","header":{{"Connection":"close"}}"#, tls());
    assert_eq!(http.request(url, Some(opts_with(&fields))).unwrap().response_code, 200);
    let e = http.request(url, None).unwrap_err();
    assert_eq!(e.code(), 2_300_006, "{e}");
}
