//! The network policy through the C ABI (its own test binary: the policy is process-wide).
mod common;
use common::testbed;

use ohos_http::ffi::*;
use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn get(h: *const ohos_http_request_t, url: &str) -> (i32, String) {
    unsafe {
        let mut err = null_mut();
        let mut resp = null_mut();
        let st = ohos_http_request(h, c(url).as_ptr(), null(), &mut resp, &mut err);
        let text = if err.is_null() {
            String::new()
        } else {
            let mut p: *const c_char = null();
            ohos_http_error_detail(err, &mut p, null_mut());
            CStr::from_ptr(p).to_string_lossy().into_owned()
        };
        ohos_http_response_free(resp);
        ohos_http_error_free(err);
        (st, text)
    }
}

#[test]
fn setters_json_file_and_reset() {
    testbed!();
    let url = format!("{}/get", common::HTTPBIN);
    unsafe {
        let mut h = null_mut();
        assert_eq!(ohos_http_create(&mut h), 0);
        assert_eq!(get(h, &url).0, 0);

        assert_eq!(ohos_http_policy_set_internet_allowed(false), 0);
        assert_eq!(get(h, &url).0, 201);
        assert_eq!(ohos_http_policy_set_internet_allowed(true), 0);

        assert_eq!(ohos_http_policy_set_allowed_domains(c(r#"["example.invalid"]"#).as_ptr(), null_mut()), 0);
        assert_eq!(get(h, &url).0, 2_300_998);
        assert_eq!(ohos_http_policy_set_allowed_domains(null(), null_mut()), 0, "NULL allows every host");
        assert_eq!(get(h, &url).0, 0);
        let mut err = null_mut();
        assert_eq!(ohos_http_policy_set_allowed_domains(c(r#"{"a":1}"#).as_ptr(), &mut err), 401);
        ohos_http_error_free(err);

        assert_eq!(ohos_http_policy_set_cleartext_permitted(false), 0);
        let (st, text) = get(h, &url);
        assert_eq!(st, 2_300_997, "{text}");
        assert_eq!(ohos_http_policy_reset(), 0);
        assert_eq!(get(h, &url).0, 0);

        let mut err = null_mut();
        assert_eq!(ohos_http_policy_set_json(c(r#"{"internet-permitted": "no"}"#).as_ptr(), &mut err), 401);
        assert!(!err.is_null());
        ohos_http_error_free(err);
        assert_eq!(ohos_http_policy_set_json(null(), null_mut()), 401);
        assert_eq!(ohos_http_policy_set_json(c(r#"{"internet-permitted": false}"#).as_ptr(), null_mut()), 0);
        assert_eq!(get(h, &url).0, 201);

        let file = std::env::temp_dir().join(format!("ohos-http-policy-{}.json", std::process::id()));
        std::fs::write(&file, r#"{"allowed-domains": ["127.0.0.1"]}"#).unwrap();
        assert_eq!(ohos_http_policy_load_file(c(file.to_str().unwrap()).as_ptr(), null_mut()), 0);
        assert_eq!(get(h, &url).0, 0);
        assert_eq!(get(h, &format!("{}/get", common::HTTPBIN.replace("127.0.0.1", "localhost"))).0, 2_300_998);
        assert_eq!(ohos_http_policy_load_file(c("/nonexistent/policy.json").as_ptr(), null_mut()), 401);
        let _ = std::fs::remove_file(&file);

        assert_eq!(ohos_http_policy_reset(), 0);
        assert_eq!(ohos_http_destroy(&mut h), 0);
    }
}
