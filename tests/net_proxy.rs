//! usingProxy with an explicit proxy: tinyproxy forwards http requests (it adds
//! `X-Tinyproxy` to the request httpbin echoes and `Via` to the response) and tunnels https
//! with CONNECT; the exclusion list bypasses it; credentials ride in the host in URL form.
//! Codes as libcurl 7.88.1 reports them.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::{create_http, HttpProxy, HttpRequestOptions, UsingProxy};

fn via(host: &str, port: u16, exclusions: &[&str]) -> HttpRequestOptions {
    HttpRequestOptions {
        using_proxy: Some(UsingProxy::Proxy(HttpProxy {
            host: host.into(),
            port,
            exclusion_list: exclusions.iter().map(|s| s.to_string()).collect(),
        })),
        ca_path: Some(ca()),
        ..Default::default()
    }
}

fn proxied(r: &ohos_http::HttpResponse) -> bool {
    seen_headers(r).contains_key("x-tinyproxy")
}

#[test]
fn http_goes_through_the_forward_proxy() {
    testbed!();
    let r = create_http().request(&format!("{HTTPBIN}/headers"), Some(via("127.0.0.1", PROXY_PORT, &[]))).unwrap();
    assert_eq!(r.response_code, 200);
    assert!(proxied(&r), "no X-Tinyproxy in {:?}", seen_headers(&r));
    assert!(r.header["via"].as_str().unwrap_or("").contains("tinyproxy"), "{:?}", r.header);
}

#[test]
fn https_goes_through_a_connect_tunnel() {
    testbed!();
    // [::1]:18443: a target no other test tunnels to, so tinyproxy's log line is ours
    let needle = "CONNECT [::1]:18443";
    let before = log_lines_with("tinyproxy-18128.log", needle);
    let r = create_http().request("https://[::1]:18443/headers", Some(via("127.0.0.1", PROXY_PORT, &[]))).unwrap();
    assert_eq!(r.response_code, 200);
    // end to end TLS: the proxy cannot add headers inside the tunnel
    assert!(!proxied(&r));
    assert!(log_lines_with("tinyproxy-18128.log", needle) > before, "tinyproxy logged no {needle:?}");
}

#[test]
fn the_exclusion_list_bypasses_the_proxy() {
    testbed!();
    let http = create_http();
    for exclusions in [&["127.0.0.1"][..], &["*"], &["127.0.0.*"], &["localhost", "127.*"]] {
        let r = http.request(&format!("{HTTPBIN}/headers"), Some(via("127.0.0.1", PROXY_PORT, exclusions))).unwrap();
        assert!(!proxied(&r), "{exclusions:?} should bypass the proxy");
    }
    // entries that do not match the host leave the proxy in place
    let r = http
        .request(&format!("{HTTPBIN}/headers"), Some(via("127.0.0.1", PROXY_PORT, &["*.example.com", "127.0.0.12"])))
        .unwrap();
    assert!(proxied(&r));
}

#[test]
fn credentials_in_the_host_authenticate_to_the_proxy() {
    testbed!();
    let http = create_http();
    for host in ["user:pass@127.0.0.1", "http://user:pass@127.0.0.1"] {
        let r = http.request(&format!("{HTTPBIN}/headers"), Some(via(host, AUTH_PROXY_PORT, &[]))).unwrap();
        assert_eq!(r.response_code, 200, "{host}");
        assert!(proxied(&r), "{host}");
        let r = http.request(&format!("{HTTPBIN_TLS}/get"), Some(via(host, AUTH_PROXY_PORT, &[]))).unwrap();
        assert_eq!(r.response_code, 200, "{host}");
    }
}

#[test]
fn username_and_password_authenticate_to_the_proxy() {
    testbed!();
    let http = create_http();
    // the spec's HttpProxy fields, from JSON
    let json = |extra: &str| {
        opts(&format!(r#"{{"caPath":"{}","usingProxy":{{"host":"127.0.0.1","port":{AUTH_PROXY_PORT}{extra}}}}}"#, ca()))
    };
    let r = http.request(&format!("{HTTPBIN}/headers"), Some(json(""))).unwrap();
    assert_eq!(r.response_code, 407, "no credentials");
    let with = json(r#","username":"user","password":"pass""#);
    let r = http.request(&format!("{HTTPBIN}/headers"), Some(with.clone())).unwrap();
    assert_eq!(r.response_code, 200);
    assert!(proxied(&r));
    assert_eq!(http.request(&format!("{HTTPBIN_TLS}/get"), Some(with)).unwrap().response_code, 200);
    let wrong = json(r#","username":"user","password":"nope""#);
    // tinyproxy answers wrong credentials with 401 (407 asks for credentials)
    let code = http.request(&format!("{HTTPBIN}/headers"), Some(wrong)).unwrap().response_code;
    assert!(matches!(code, 401 | 407), "wrong credentials: {code}");
    // and from Rust
    let proxy = HttpProxy { host: "127.0.0.1".into(), port: AUTH_PROXY_PORT, exclusion_list: vec![] }
        .with_credentials("user", "pass")
        .unwrap();
    let o = HttpRequestOptions { using_proxy: Some(UsingProxy::Proxy(proxy)), ..Default::default() };
    assert_eq!(http.request(&format!("{HTTPBIN}/headers"), Some(o)).unwrap().response_code, 200);
    // a NUL cannot reach libcurl: 401 naming the field
    let e = ohos_http::HttpRequestOptions::from_json(r#"{"usingProxy":{"host":"p","port":1,"password":"a\u0000"}}"#)
        .unwrap_err();
    assert!(e.code() == 401 && e.message().contains("usingProxy.password"), "{e}");
}

#[test]
fn proxy_407_is_a_response_when_forwarding_and_2300056_on_connect() {
    testbed!();
    let http = create_http();
    // forward: the proxy's 407 is the response
    let r = http.request(&format!("{HTTPBIN}/get"), Some(via("127.0.0.1", AUTH_PROXY_PORT, &[]))).unwrap();
    assert_eq!(r.response_code, 407);
    // CONNECT: libcurl 7.88.1 fails the tunnel with CURLE_RECV_ERROR (56), "CONNECT tunnel
    // failed, response 407" (as the curl CLI: exit 56)
    let e = http.request(&format!("{HTTPBIN_TLS}/get"), Some(via("127.0.0.1", AUTH_PROXY_PORT, &[]))).unwrap_err();
    assert_eq!(e.code(), 2_300_056, "{e}");
    assert!(e.message().contains("407"), "{e}");
    // wrong credentials: the same
    let e = http
        .request(&format!("{HTTPBIN_TLS}/get"), Some(via("user:nope@127.0.0.1", AUTH_PROXY_PORT, &[])))
        .unwrap_err();
    assert_eq!(e.code(), 2_300_056, "{e}");
}

#[test]
fn a_dead_proxy_is_2300007() {
    testbed!();
    let e = create_http().request(&format!("{HTTPBIN}/get"), Some(via("127.0.0.1", 1, &[]))).unwrap_err();
    assert_eq!(e.code(), 2_300_007, "{e}");
}

#[test]
fn an_unresolvable_proxy_name_is_2300005() {
    testbed!();
    // resolved through dnsServers (dnsmasq refuses names outside test.example): no system
    // resolver is involved
    let o =
        HttpRequestOptions { dns_servers: Some(vec![DNS_SERVER.into()]), ..via("no-such-proxy.invalid", 3128, &[]) };
    let e = create_http().request(&format!("{HTTPBIN}/get"), Some(o)).unwrap_err();
    assert_eq!(e.code(), 2_300_005, "{e}");
    assert!(e.message().starts_with("Failed to resolve the proxy name"), "{e}");
    // a proxy name that dnsServers does resolve works
    let o = HttpRequestOptions {
        dns_servers: Some(vec![DNS_SERVER.into()]),
        ..via("v4only.test.example", PROXY_PORT, &[])
    };
    let r = create_http().request(&format!("{HTTPBIN}/headers"), Some(o)).unwrap();
    assert!(proxied(&r));
    // and libcurl's own resolver (only inside the testbed's network namespace, where the
    // lookup cannot leave loopback)
    if in_private_netns() {
        let e = create_http()
            .request(&format!("{HTTPBIN}/get"), Some(via("no-such-proxy.invalid", 3128, &[])))
            .unwrap_err();
        assert_eq!(e.code(), 2_300_005, "{e}");
    }
}
