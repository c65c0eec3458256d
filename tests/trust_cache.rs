//! The trust boundary, part 3: the response cache never answers across a security context.
//! A stored response is served only to a request with the pins, CA, client certificate and
//! proxy it was fetched under; any other request goes to the network and is judged there.
mod cache_support;
mod common;
mod net_common;
use cache_support::{count_url, hits, key, temp_dir};
use common::*;
use net_common::*;
use ohos_http::{create_http, create_http_response_cache, HttpResponse};

fn cache() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| ohos_http::set_cache_directory(temp_dir("trust-cache")));
    create_http_response_cache(None);
}

/// A cacheable https URL of its own (httpbin's `/cache/60`: `Cache-Control: public,
/// max-age=60`).
fn cacheable_tls(name: &str) -> String {
    format!("{HTTPBIN_TLS}/cache/60?k={}", key(name))
}

fn get(url: &str, fields: &str) -> Result<HttpResponse, ohos_http::HttpError> {
    create_http().request(url, Some(opts_with(fields)))
}

fn pins(pin: &str) -> String {
    format!(r#"{},"certificatePinning":[{{"publicKeyHash":"{pin}","hashAlgorithm":"SHA-256"}}]"#, tls())
}

#[test]
fn a_pin_that_does_not_match_is_never_answered_from_the_cache() {
    testbed!();
    cache();
    let url = cacheable_tls("pins");
    let first = get(&url, &tls()).unwrap();
    assert_eq!((first.response_code, first.from_cache), (200, false));
    assert!(get(&url, &tls()).unwrap().from_cache, "the same context is served from the cache");
    let e = get(&url, &pins(OTHER_PIN)).unwrap_err();
    assert_eq!(e.code(), 2_300_090, "a wrong pin must fail as it would on the network: {e}");
    // the right pin is another context: fetched once, then served to that context
    let pinned = get(&url, &pins(&server_pin())).unwrap();
    assert!(!pinned.from_cache, "fetched under its own pins");
    assert!(get(&url, &pins(&server_pin())).unwrap().from_cache);
    assert_eq!(get(&url, &pins(OTHER_PIN)).unwrap_err().code(), 2_300_090);
}

#[test]
fn another_ca_or_client_certificate_goes_to_the_network() {
    testbed!();
    cache();
    let url = cacheable_tls("ca");
    assert!(!get(&url, &tls()).unwrap().from_cache);
    let missing = format!(r#""caPath":"{}""#, cert("nonexistent.pem"));
    assert_eq!(get(&url, &missing).unwrap_err().code(), 2_300_077, "a missing CA file fails as on the network");
    let untrusted = format!(r#""caPath":"{}""#, cert("other-ca.pem"));
    assert_eq!(get(&url, &untrusted).unwrap_err().code(), 2_300_060);
    let client =
        format!(r#"{},"clientCert":{{"certPath":"{}","keyPath":"{}"}}"#, tls(), cert("client.pem"), cert("client.key"));
    assert!(!get(&url, &client).unwrap().from_cache, "another client identity is another context");
    assert!(get(&url, &client).unwrap().from_cache);
    assert!(get(&url, &tls()).unwrap().from_cache, "the first context's entry is still there");
}

#[test]
fn a_response_fetched_through_a_proxy_is_served_only_through_that_proxy() {
    testbed!();
    cache();
    let k = key("proxy");
    let url = count_url(&k, "cc=max-age%3D60");
    let via = format!(r#""usingProxy":{{"host":"127.0.0.1","port":{PROXY_PORT}}}"#);
    assert!(!get(&url, "").unwrap().from_cache);
    assert_eq!(hits(&k), 1);
    let proxied = get(&url, &via).unwrap();
    assert!(!proxied.from_cache, "a direct response is not served through a proxy");
    assert_eq!(hits(&k), 2);
    assert!(get(&url, &via).unwrap().from_cache);
    assert!(get(&url, "").unwrap().from_cache);
    assert_eq!(hits(&k), 2);
}
