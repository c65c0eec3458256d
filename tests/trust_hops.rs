//! The trust boundary, part 2: every hop is checked as a request of its own: the network
//! policy (allow-list, cleartext), the pins for that host, `dnsServers` for that host, the
//! proxy exclusion list; the proxy and the DoH server must be in the allow-list too. The
//! policy is process-wide, so every test here holds it (`net_common::scope`, with the default
//! policy when it sets none) and resets it when it ends.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::{create_http, CertificatePinning, DomainName, DomainPolicy, NetworkPolicy};
use std::time::{Duration, Instant};

fn allow(hosts: &[&str]) -> NetworkPolicy {
    NetworkPolicy { allowed_domains: Some(hosts.iter().map(|h| h.to_string()).collect()), ..Default::default() }
}

fn pins_for(host: &str, pins: &[&str]) -> DomainPolicy {
    DomainPolicy {
        domains: vec![DomainName { name: host.into(), include_subdomains: false }],
        pins: pins
            .iter()
            .map(|p| CertificatePinning { public_key_hash: p.to_string(), hash_algorithm: "SHA-256".into() })
            .collect(),
        ..Default::default()
    }
}

fn other_pin() -> String {
    std::fs::read_to_string(testbed_dir().join("certs/other.pin")).expect("certs/other.pin").trim().to_string()
}

/// httpbin TLS (localhost, server.pem) redirecting to the second TLS host (other.localhost,
/// other.pem, its own key).
fn to_other_host() -> String {
    format!("{HTTPBIN_TLS}/redirect-to?url=https://other.localhost:18447/")
}

#[test]
fn a_redirect_is_checked_where_libcurl_goes() {
    testbed!();
    let _p = scope(allow(&["localhost"]));
    let http = create_http();
    // one slash: the old guard took it for a relative path on the allowed host
    let e = http.request("http://localhost:18090/status/302?location=http:/127.0.0.1:18090/echo", None).unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    assert!(e.message().contains("127.0.0.1"), "{e}");
    // two Location fields: the first one is followed, so the first one is checked
    let e = http
        .request("http://localhost:18090/locations?first=http://127.0.0.1:18090/echo&second=/echo", None)
        .unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    // and the allowed way still works
    let r = http
        .request("http://localhost:18090/locations?first=/echo%3Fok%3D1&second=http://127.0.0.1:18090/", None)
        .unwrap();
    assert_eq!(json(&r)["query"]["ok"], "1");
}

#[test]
fn the_first_url_is_checked_as_libcurl_parses_it() {
    testbed!();
    let _p = scope(NetworkPolicy { domains: vec![pins_for("localhost", &[OTHER_PIN])], ..Default::default() });
    let http = create_http();
    let e = http.request("https:/localhost:18443/get", Some(opts_with(&tls()))).unwrap_err();
    assert_eq!(e.code(), 2_300_090, "the policy's pin applies to a one-slash URL too: {e}");
}

#[test]
fn each_hop_gets_the_pins_of_its_own_host() {
    testbed!();
    let server = server_pin();
    let other = other_pin();
    let http = create_http();
    {
        // localhost's pin is right, other.localhost's is wrong: the redirect fails at the hop
        let _p = scope(NetworkPolicy {
            domains: vec![pins_for("localhost", &[&server]), pins_for("other.localhost", &[OTHER_PIN])],
            ..Default::default()
        });
        let e = http.request(&to_other_host(), Some(opts_with(&tls()))).unwrap_err();
        assert_eq!(e.code(), 2_300_090, "{e}");
    }
    {
        // each host with its own right pin: localhost's pin would not match other.localhost,
        // so this passes only if the second hop has the second host's pins
        let _p = scope(NetworkPolicy {
            domains: vec![pins_for("localhost", &[&server]), pins_for("other.localhost", &[&other])],
            ..Default::default()
        });
        let r = http.request(&to_other_host(), Some(opts_with(&tls()))).unwrap();
        assert_eq!((r.response_code, text(&r).as_str()), (200, "other host\n"));
        // and back: other.localhost redirects to localhost, checked against localhost's pin
        let r = http.request("https://other.localhost:18447/to-localhost", Some(opts_with(&tls()))).unwrap();
        assert_eq!(r.response_code, 200);
        assert_eq!(json(&r)["url"], format!("{HTTPBIN_TLS}/get"));
    }
    // The request's own pins apply to every hop: another host with another key fails.
    let _p = scope(NetworkPolicy::default());
    let own = opts_with(&format!(
        r#"{},"certificatePinning":[{{"publicKeyHash":"{server}","hashAlgorithm":"SHA-256"}}]"#,
        tls()
    ));
    let e = http.request(&to_other_host(), Some(own)).unwrap_err();
    assert_eq!(e.code(), 2_300_090, "{e}");
}

#[test]
fn each_hop_is_resolved_with_dns_servers() {
    testbed!();
    // The first hop is an IP literal; the second a name only the testbed's DNS server knows
    // (the private network namespace has no other resolver).
    let _p = scope(NetworkPolicy::default());
    let http = create_http();
    let url = format!("{FAULT}/status/302?location=http://test.example:18090/echo");
    let r = http.request(&url, Some(opts(&format!(r#"{{"dnsServers":["{DNS_SERVER}"]}}"#)))).unwrap();
    assert_eq!((r.response_code, json(&r)["path"].as_str()), (200, Some("/echo")));
    if in_private_netns() {
        assert_eq!(http.request(&url, None).unwrap_err().code(), 2_300_006);
    }
}

#[test]
fn the_proxy_exclusion_list_is_applied_per_hop() {
    testbed!();
    let _p = scope(NetworkPolicy::default());
    let http = create_http();
    let via = |exclusions: &str| {
        opts(&format!(r#"{{"usingProxy":{{"host":"127.0.0.1","port":{PROXY_PORT},"exclusionList":[{exclusions}]}}}}"#))
    };
    let url = format!("{HTTPBIN}/redirect-to?url=http://localhost:18080/headers");
    // first hop through the proxy, second (localhost, excluded) direct
    let r = http.request(&url, Some(via(r#""localhost""#))).unwrap();
    assert!(!seen_headers(&r).contains_key("x-tinyproxy"), "the excluded hop went through the proxy");
    // first hop direct (127.0.0.1 excluded), second through the proxy
    let r = http.request(&url, Some(via(r#""127.0.0.1""#))).unwrap();
    assert!(seen_headers(&r).contains_key("x-tinyproxy"), "the second hop did not use the proxy");
}

#[test]
fn the_proxy_and_the_doh_server_must_be_allowed_too() {
    testbed!();
    let _p = scope(allow(&["127.0.0.1"]));
    let http = create_http();
    let e = http
        .request(
            &format!("{HTTPBIN}/get"),
            Some(opts(&format!(r#"{{"usingProxy":{{"host":"localhost","port":{PROXY_PORT}}}}}"#))),
        )
        .unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    assert!(e.message().contains("proxy localhost"), "{e}");
    drop(_p);
    let _p = scope(allow(&["localhost"]));
    let doh = format!(r#"{{"dnsOverHttps":"{DOH_URL}","caPath":"{}"}}"#, ca());
    let e = http.request("http://localhost:18080/get", Some(opts(&doh))).unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    assert!(e.message().contains("dnsOverHttps server 127.0.0.1"), "{e}");
}

#[test]
fn a_pathological_allow_list_pattern_is_matched_in_linear_time() {
    testbed!();
    // The old matcher backtracked: ~660 ms for 30 characters against ten stars, doubling with
    // each character more. Here the host has 60 and the pattern twelve stars.
    let _p = scope(allow(&["*a*a*a*a*a*a*a*a*a*a*a*a*b"]));
    let started = Instant::now();
    let e = create_http().request(&format!("http://{}.localhost:18080/get", "a".repeat(50)), None).unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}
