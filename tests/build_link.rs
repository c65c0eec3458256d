//! The library links the system libcurl, never curl-sys's bundled copy.
use ohos_http::build_info;

#[test]
fn links_the_system_libcurl_not_the_bundled_copy() {
    let v = curl::Version::get();
    assert!(!v.vendored(), "curl-sys compiled its bundled libcurl");
    let info = build_info();
    assert_eq!(info.curl_version, v.version(), "build.rs saw a different libcurl than the one linked");
    assert!(info.curl_features.split(' ').any(|f| f == "SSL"), "features: {}", info.curl_features);
}
