//! The process-wide network policy: 201, 2300998, 2300997, per-domain pins, JSON loading and
//! redirects. The policy is global, so this binary's tests take a lock and restore the
//! default policy when they end.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::{
    create_http, load_network_policy_json, network_policy, set_network_policy, DomainName, DomainPolicy, NetworkPolicy,
};

fn domains(names: &[&str]) -> Vec<DomainName> {
    names.iter().map(|n| DomainName { name: n.to_string(), include_subdomains: false }).collect()
}

#[test]
fn no_internet_is_201_before_any_socket() {
    testbed!();
    let _p = scope(NetworkPolicy { internet_allowed: false, ..Default::default() });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let http = create_http();
    let e = http.request(&url, None).unwrap_err();
    assert_eq!(e.code(), 201, "{e}");
    assert!(e.message().starts_with("Permission denied"), "{e}");
    let e = block_on(http.request_async(&url, None)).unwrap_err();
    assert_eq!(e.code(), 201);
    let e = http.request_in_stream(&url, None).unwrap_err();
    assert_eq!(e.code(), 201);
    // nothing ever connected
    assert_eq!(listener.accept().unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
}

#[test]
fn hosts_outside_the_allow_list_are_2300998() {
    testbed!();
    let _p = scope(NetworkPolicy {
        allowed_domains: Some(vec!["127.0.0.1".into(), "*.test.example".into()]),
        ..Default::default()
    });
    let http = create_http();
    assert_eq!(http.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
    let e = http.request("http://localhost:18080/get", None).unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    assert!(e.message().starts_with("It is not allowed to access this domain"), "{e}");
    let e = http.request(&format!("{HTTPBIN_V6}/get"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    // *.test.example: subdomains only
    let dns = opts_with(&format!(r#""dnsServers":["{DNS_SERVER}"]"#));
    assert_eq!(http.request("http://a.test.example:18080/get", Some(dns.clone())).unwrap().response_code, 200);
    assert_eq!(http.request("http://test.example:18080/get", Some(dns)).unwrap_err().code(), 2_300_998);
}

#[test]
fn cleartext_to_a_domain_that_forbids_it_is_2300997() {
    testbed!();
    let _p = scope(NetworkPolicy {
        cleartext_permitted: true,
        domains: vec![DomainPolicy {
            domains: domains(&["localhost"]),
            cleartext_permitted: Some(false),
            ..Default::default()
        }],
        ..Default::default()
    });
    let http = create_http();
    let e = http.request("http://localhost:18080/get", None).unwrap_err();
    assert_eq!(e.code(), 2_300_997, "{e}");
    assert!(e.message().starts_with("Cleartext traffic not permitted"), "{e}");
    // https to it is fine, and cleartext elsewhere
    assert_eq!(http.request("https://localhost:18443/get", Some(opts_with(&tls()))).unwrap().response_code, 200);
    assert_eq!(http.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
}

#[test]
fn redirects_are_checked_too() {
    testbed!();
    let _p = scope(NetworkPolicy {
        allowed_domains: Some(vec!["127.0.0.1".into(), "::1".into()]),
        domains: vec![DomainPolicy {
            domains: domains(&["::1"]),
            cleartext_permitted: Some(false),
            ..Default::default()
        }],
        ..Default::default()
    });
    let http = create_http();
    // to a host outside the allow-list
    let e = http.request(&format!("{HTTPBIN}/redirect-to?url=http://localhost:18080/get"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_998, "{e}");
    // to cleartext where it is forbidden
    let e = http.request(&format!("{HTTPBIN}/redirect-to?url=http://[::1]:18080/get"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_997, "{e}");
    // a relative redirect on an allowed host is followed
    let r = http.request(&format!("{HTTPBIN}/redirect/2"), None).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn domain_pins_apply_to_requests_without_their_own() {
    testbed!();
    let pin = |h: &str| ohos_http::CertificatePinning { public_key_hash: h.into(), hash_algorithm: "SHA-256".into() };
    let _p = scope(NetworkPolicy {
        domains: vec![DomainPolicy {
            domains: domains(&["localhost"]),
            pins: vec![pin(OTHER_PIN)],
            ..Default::default()
        }],
        ..Default::default()
    });
    let http = create_http();
    let e = http.request("https://localhost:18443/get", Some(opts_with(&tls()))).unwrap_err();
    assert_eq!(e.code(), 2_300_090, "{e}");
    // the request's own pins win over the policy's
    let own =
        format!(r#"{},"certificatePinning":[{{"publicKeyHash":"{}","hashAlgorithm":"SHA-256"}}]"#, tls(), server_pin());
    assert_eq!(http.request("https://localhost:18443/get", Some(opts_with(&own))).unwrap().response_code, 200);
    // other hosts are not pinned
    assert_eq!(http.request("https://127.0.0.1:18443/get", Some(opts_with(&tls()))).unwrap().response_code, 200);
    // the right pin in the policy
    set_network_policy(NetworkPolicy {
        domains: vec![DomainPolicy {
            domains: domains(&["localhost"]),
            pins: vec![pin(OTHER_PIN), pin(&server_pin())],
            ..Default::default()
        }],
        ..Default::default()
    });
    assert_eq!(http.request("https://localhost:18443/get", Some(opts_with(&tls()))).unwrap().response_code, 200);
}

#[test]
fn the_policy_loads_from_a_network_config_json_file() {
    testbed!();
    let _p = scope(NetworkPolicy::default());
    let dir = std::env::temp_dir().join(format!("ohos-http-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("network_config.json");
    std::fs::write(
        &file,
        format!(
            r#"{{
  "allowed-domains": ["localhost", "127.0.0.1"],
  "network-security-config": {{
    "base-config": {{ "cleartextTrafficPermitted": false }},
    "domain-config": [
      {{ "domains": [{{ "include-subdomains": false, "name": "127.0.0.1" }}], "cleartextTrafficPermitted": true }},
      {{ "domains": [{{ "include-subdomains": true, "name": "localhost" }}],
         "pin-set": {{ "expiration": "2099-12-31",
                      "pin": [{{ "digest-algorithm": "sha256", "digest": "{OTHER_PIN}" }}] }} }}
    ]
  }}
}}"#
        ),
    )
    .unwrap();
    load_network_policy_json(&file).unwrap();
    let p = network_policy();
    assert!(p.internet_allowed && !p.cleartext_permitted && p.domains.len() == 2);
    let http = create_http();
    assert_eq!(http.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
    assert_eq!(http.request("http://localhost:18080/get", None).unwrap_err().code(), 2_300_997);
    assert_eq!(http.request(&format!("{HTTPBIN_V6}/get"), None).unwrap_err().code(), 2_300_998);
    assert_eq!(http.request("https://localhost:18443/get", Some(opts_with(&tls()))).unwrap_err().code(), 2_300_090);

    // an expired pin-set no longer applies
    std::fs::write(
        &file,
        format!(
            r#"{{"network-security-config": {{"domain-config": [{{
                "domains": [{{ "name": "localhost" }}],
                "pin-set": {{ "expiration": "2020-01-01", "pin": [{{ "digest-algorithm": "sha256", "digest": "{OTHER_PIN}" }}] }}
            }}]}}}}"#
        ),
    )
    .unwrap();
    load_network_policy_json(&file).unwrap();
    assert_eq!(http.request("https://localhost:18443/get", Some(opts_with(&tls()))).unwrap().response_code, 200);

    // a bad file is a 401 and leaves the policy as it was
    std::fs::write(&file, r#"{"internet-permitted": "no"}"#).unwrap();
    let e = load_network_policy_json(&file).unwrap_err();
    assert_eq!(e.code(), 401);
    assert!(e.message().contains("internet-permitted"), "{e}");
    assert_eq!(network_policy().domains.len(), 1);
    assert_eq!(load_network_policy_json(dir.join("missing.json")).unwrap_err().code(), 401);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_default_policy_allows_everything() {
    testbed!();
    let _p = scope(NetworkPolicy::default());
    assert_eq!(network_policy(), NetworkPolicy::default());
    let r = create_http().request("http://localhost:18080/redirect-to?url=http://127.0.0.1:18080/get", None).unwrap();
    assert_eq!(r.response_code, 200);
}
