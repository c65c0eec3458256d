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

/// The policy is process-wide: its tests run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn concurrent_updates_never_lose_each_other() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    ohos_http::reset_network_policy();
    // the C setters from two threads, each on its own field: each field ends as its thread
    // last set it (a read-modify-write without the lock would put a stale copy back)
    let a = std::thread::spawn(|| {
        for i in 0..2000 {
            assert_eq!(ohos_http_policy_set_internet_allowed(i % 2 == 1), 0);
        }
    });
    let b = std::thread::spawn(|| {
        for i in 0..2000 {
            assert_eq!(ohos_http_policy_set_cleartext_permitted(i % 2 == 0), 0);
        }
    });
    a.join().unwrap();
    b.join().unwrap();
    let p = ohos_http::network_policy();
    assert!(p.internet_allowed && !p.cleartext_permitted, "a setter's update was lost: {p:?}");
    // the Rust form: 4 threads x 250 appends, none lost
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..250 {
                    ohos_http::update_network_policy(|p| {
                        p.allowed_domains.get_or_insert_with(Vec::new).push(format!("h{t}-{i}.test"))
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(ohos_http::network_policy().allowed_domains.map(|d| d.len()), Some(1000));
    ohos_http::reset_network_policy();
}

#[test]
fn setters_json_file_and_reset() {
    testbed!();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
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
