//! The C ABI from Rust: argument checks (NULL, invalid UTF-8 -> 401), error objects and
//! messages, options with raw bytes, user_data ownership (`user_data_free` exactly once, never
//! on a rejected call), and a request through each form. The C++ host in examples/cpp/ covers
//! the same from C++ (testbed/cpp-example.sh).
mod common;
mod local;
use common::testbed;

use ohos_http::ffi::*;
use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn detail(e: *const ohos_http_error_t) -> String {
    let mut p: *const c_char = null();
    let mut n = 0usize;
    assert_eq!(unsafe { ohos_http_error_detail(e, &mut p, &mut n) }, 0);
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string();
    assert_eq!(s.len(), n);
    s
}

fn message(code: i32) -> String {
    unsafe { CStr::from_ptr(ohos_http_error_message(code)) }.to_str().unwrap().to_string()
}

fn create() -> *mut ohos_http_request_t {
    let mut h = null_mut();
    assert_eq!(unsafe { ohos_http_create(&mut h) }, 0);
    assert!(!h.is_null());
    h
}

/// Counts `user_data_free` calls on an `AtomicUsize`.
unsafe extern "C" fn count_free(user_data: *mut c_void) {
    unsafe { &*(user_data as *const AtomicUsize) }.fetch_add(1, Ordering::SeqCst);
}

unsafe extern "C" fn ignore_event(_: *mut c_void, _: *const ohos_http_event_t) {}

#[test]
fn error_messages_are_static_and_spec_texts() {
    testbed!();
    assert_eq!(message(2_300_007), "Failed to connect to the server");
    assert_eq!(message(401), "Parameter error");
    assert_eq!(message(2_300_999), "Unknown error");
    assert_eq!(message(-1), "Unknown error");
    assert_eq!(message(0), "Unknown error");
    // curl's own text for a code the spec does not list
    assert!(!message(2_300_035).is_empty());
    assert_eq!(ohos_http_error_message(2_300_042), ohos_http_error_message(2_300_042));
}

#[test]
fn null_pointers_and_bad_utf8_are_401() {
    testbed!();
    unsafe {
        assert_eq!(ohos_http_create(null_mut()), 401);
        assert_eq!(ohos_http_destroy(null_mut()), 401);
        let mut nothing: *mut ohos_http_request_t = null_mut();
        assert_eq!(ohos_http_destroy(&mut nothing), 0, "destroying a NULL handle is a no-op");
        let mut err = null_mut();
        assert_eq!(ohos_http_request(null(), c("http://x/").as_ptr(), null(), null_mut(), &mut err), 401);
        assert!(detail(err).contains("request is NULL"), "{}", detail(err));
        ohos_http_error_free(err);

        let h = create();
        let mut err = null_mut();
        let mut resp = null_mut();
        assert_eq!(ohos_http_request(h, null(), null(), &mut resp, &mut err), 401);
        assert!(resp.is_null());
        assert_eq!(ohos_http_error_code(err), 401);
        assert!(detail(err).contains("url"));
        ohos_http_error_free(err);

        let bad = b"http://127.0.0.1/\xff\0";
        let mut err = null_mut();
        assert_eq!(ohos_http_request(h, bad.as_ptr().cast(), null(), null_mut(), &mut err), 401);
        assert!(detail(err).contains("not valid UTF-8"), "{}", detail(err));
        ohos_http_error_free(err);

        assert_eq!(ohos_http_request_in_stream(h, null(), null(), null_mut(), null_mut()), 401);
        assert_eq!(ohos_http_on(h, 6, Some(ignore_event), null_mut(), None, null_mut()), 401);
        assert_eq!(ohos_http_on(h, 0, None, null_mut(), None, null_mut()), 401);
        assert_eq!(ohos_http_on(null(), 0, Some(ignore_event), null_mut(), None, null_mut()), 401);
        assert_eq!(ohos_http_off(null(), 0, 0), 401);
        assert_eq!(ohos_http_off(h, 42, 0), 401);
        assert_eq!(ohos_http_response_code(null(), null_mut()), 401);
        assert_eq!(ohos_http_response_result(null(), null_mut(), null_mut()), 401);
        assert_eq!(ohos_http_error_code(null()), 401);
        assert_eq!(ohos_http_error_detail(null(), null_mut(), null_mut()), 401);
        assert_eq!(ohos_http_options_set_extra_data_bytes(null_mut(), null(), 0), 401);
        ohos_http_response_free(null_mut());
        ohos_http_error_free(null_mut());
        ohos_http_options_free(null_mut());

        let mut h2 = h;
        assert_eq!(ohos_http_destroy(&mut h2), 0);
        assert!(h2.is_null());
    }
}

#[test]
fn options_errors_name_the_field_and_bytes_need_a_part() {
    testbed!();
    unsafe {
        let mut o = null_mut();
        let mut err = null_mut();
        assert_eq!(ohos_http_options_parse(c(r#"{"priority": 0}"#).as_ptr(), &mut o, &mut err), 401);
        assert!(o.is_null());
        assert!(detail(err).contains("priority"), "{}", detail(err));
        ohos_http_error_free(err);

        let mut err = null_mut();
        assert_eq!(ohos_http_options_parse(c(r#"{"header": [1]}"#).as_ptr(), &mut o, &mut err), 401);
        assert!(detail(err).contains("header"), "{}", detail(err));
        ohos_http_error_free(err);

        assert_eq!(ohos_http_options_parse(null(), &mut o, null_mut()), 0, "NULL JSON = defaults");
        assert_eq!(ohos_http_options_set_extra_data_bytes(o, null(), 3), 401, "NULL data with a length");
        assert_eq!(ohos_http_options_set_extra_data_bytes(o, b"\x00\x01".as_ptr(), 2), 0);
        assert_eq!(ohos_http_options_set_form_data_bytes(o, 0, b"x".as_ptr(), 1), 401, "no such part");
        ohos_http_options_free(o);

        let json = c(r#"{"multiFormDataList":[{"name":"f","contentType":"application/octet-stream","data":""}]}"#);
        assert_eq!(ohos_http_options_parse(json.as_ptr(), &mut o, null_mut()), 0);
        assert_eq!(ohos_http_options_set_form_data_bytes(o, 0, b"\xff\xfe".as_ptr(), 2), 0);
        ohos_http_options_free(o);
    }
}

#[test]
fn listener_user_data_is_freed_once_by_off_or_destroy() {
    testbed!();
    let freed = AtomicUsize::new(0);
    let ud = &freed as *const AtomicUsize as *mut c_void;
    unsafe {
        let mut h = create();
        let mut id = 0u64;
        assert_eq!(ohos_http_on(h, 2, Some(ignore_event), ud, Some(count_free), &mut id), 0);
        assert_ne!(id, 0);
        assert_eq!(ohos_http_off(h, 2, id), 0);
        assert_eq!(freed.load(Ordering::SeqCst), 1);
        assert_eq!(ohos_http_off(h, 2, id), 0, "removing twice is harmless");
        assert_eq!(freed.load(Ordering::SeqCst), 1);

        for event in 0..6 {
            assert_eq!(ohos_http_on(h, event, Some(ignore_event), ud, Some(count_free), null_mut()), 0);
        }
        assert_eq!(ohos_http_once(h, 3, Some(ignore_event), ud, Some(count_free), null_mut()), 0);
        assert_eq!(ohos_http_off(h, 3, 0), 0, "id 0 removes every listener of the type");
        assert_eq!(freed.load(Ordering::SeqCst), 3);
        assert_eq!(ohos_http_destroy(&mut h), 0);
        assert_eq!(freed.load(Ordering::SeqCst), 8);
    }
}

/// What an async completion saw.
#[derive(Default)]
struct Done {
    state: Mutex<(usize, i32, usize, String)>, // calls, status, frees, error text
    cv: Condvar,
}

unsafe extern "C" fn on_done(
    user_data: *mut c_void,
    status: i32,
    response: *mut ohos_http_response_t,
    error: *const ohos_http_error_t,
) {
    let d = unsafe { &*(user_data as *const Done) };
    let text = if error.is_null() { String::new() } else { detail(error) };
    unsafe { ohos_http_response_free(response) };
    let mut s = d.state.lock().unwrap();
    s.0 += 1;
    s.1 = status;
    s.3 = text;
}

unsafe extern "C" fn done_free(user_data: *mut c_void) {
    let d = unsafe { &*(user_data as *const Done) };
    d.state.lock().unwrap().2 += 1;
    d.cv.notify_all();
}

fn wait_freed(d: &Done) -> (usize, i32, usize, String) {
    let guard = d.state.lock().unwrap();
    let (s, timeout) = d.cv.wait_timeout_while(guard, Duration::from_secs(30), |s| s.2 == 0).unwrap();
    assert!(!timeout.timed_out(), "no completion within 30 s");
    s.clone()
}

#[test]
fn async_user_data_freed_after_the_callback_and_kept_on_rejection() {
    testbed!();
    let d = Arc::new(Done::default());
    let ud = Arc::as_ptr(&d) as *mut c_void;
    unsafe {
        let mut h = create();
        let mut err = null_mut();
        let rc = ohos_http_request_async(
            h,
            c("http://127.0.0.1:1/").as_ptr(),
            c(r#"{"method":"NOPE"}"#).as_ptr(),
            Some(on_done),
            ud,
            Some(done_free),
            &mut err,
        );
        assert_eq!(rc, 401);
        assert!(detail(err).contains("method"), "{}", detail(err));
        ohos_http_error_free(err);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(d.state.lock().unwrap().0, 0, "rejected: no callback");
        assert_eq!(d.state.lock().unwrap().2, 0, "rejected: user_data stays the caller's");

        // Nothing listens on port 1: refused, reported through the callback.
        let rc = ohos_http_request_async(
            h,
            c("http://127.0.0.1:1/").as_ptr(),
            null(),
            Some(on_done),
            ud,
            Some(done_free),
            null_mut(),
        );
        assert_eq!(rc, 0);
        let (calls, status, frees, text) = wait_freed(&d);
        assert_eq!((calls, status, frees), (1, 2_300_007, 1));
        assert!(text.starts_with("Failed to connect to the server"), "{text}");

        // The blocking form gives the same through out_error.
        let mut err = null_mut();
        let mut resp = null_mut();
        assert_eq!(ohos_http_request(h, c("http://127.0.0.1:1/").as_ptr(), null(), &mut resp, &mut err), 2_300_007);
        assert!(resp.is_null());
        assert_eq!(ohos_http_error_code(err), 2_300_007);
        ohos_http_error_free(err);
        assert_eq!(ohos_http_destroy(&mut h), 0);
    }
}

#[test]
fn destroy_cancels_an_async_request_with_2300042() {
    testbed!();
    let d = Arc::new(Done::default());
    let ud = Arc::as_ptr(&d) as *mut c_void;
    unsafe {
        let mut h = create();
        let server = local::LocalServer::start();
        let url = c(&server.url("/hold/destroyed"));
        assert_eq!(ohos_http_request_async(h, url.as_ptr(), null(), Some(on_done), ud, Some(done_free), null_mut()), 0);
        assert!(server.wait_arrival("destroyed", Duration::from_secs(20)), "the request is in flight");
        assert_eq!(ohos_http_destroy(&mut h), 0);
        assert!(h.is_null());
        let (calls, status, frees, _) = wait_freed(&d);
        assert_eq!((calls, status, frees), (1, 2_300_042, 1));
    }
}

/// Stream listener state: bytes and the events seen, in order.
#[derive(Default)]
struct Seen {
    bytes: AtomicUsize,
    order: Mutex<Vec<u32>>,
    headers: Mutex<String>,
}

unsafe extern "C" fn record(user_data: *mut c_void, event: *const ohos_http_event_t) {
    let s = unsafe { &*(user_data as *const Seen) };
    let ev = unsafe { &*event };
    s.bytes.fetch_add(ev.data_len, Ordering::SeqCst);
    let mut order = s.order.lock().unwrap();
    if order.last() != Some(&(ev.kind as u32)) {
        order.push(ev.kind as u32);
    }
    if !ev.headers_json.is_null() {
        *s.headers.lock().unwrap() = unsafe { CStr::from_ptr(ev.headers_json) }.to_str().unwrap().to_string();
    }
}

#[test]
fn get_post_bytes_and_stream_through_the_abi() {
    testbed!();
    unsafe {
        let mut h = create();
        // GET: accessors
        let mut resp = null_mut();
        let url = c(&format!("{}/get?x=1", common::HTTPBIN));
        assert_eq!(ohos_http_request(h, url.as_ptr(), c("").as_ptr(), &mut resp, null_mut()), 0);
        let mut code = 0;
        assert_eq!(ohos_http_response_code(resp, &mut code), 0);
        assert_eq!(code, 200);
        let (mut p, mut n) = (null::<c_char>(), 0usize);
        assert_eq!(ohos_http_response_header_json(resp, &mut p, &mut n), 0);
        let headers: serde_json::Value = serde_json::from_str(CStr::from_ptr(p).to_str().unwrap()).unwrap();
        assert!(headers.get("content-type").is_some(), "{headers}");
        assert_eq!(ohos_http_response_timing_json(resp, &mut p, &mut n), 0);
        let timing: serde_json::Value = serde_json::from_str(CStr::from_ptr(p).to_str().unwrap()).unwrap();
        assert!(timing["totalTiming"].as_f64().unwrap() > 0.0, "{timing}");
        let (mut data, mut len) = (null::<u8>(), 0usize);
        assert_eq!(ohos_http_response_result(resp, &mut data, &mut len), 0);
        let body = std::str::from_utf8(std::slice::from_raw_parts(data, len)).unwrap();
        assert!(body.contains("\"x\""), "{body}");
        assert_eq!(*data.add(len), 0, "result is followed by a NUL");
        ohos_http_response_free(resp);

        // Raw bytes body
        let mut o = null_mut();
        assert_eq!(ohos_http_options_parse(c(r#"{"method":"POST"}"#).as_ptr(), &mut o, null_mut()), 0);
        let bytes: Vec<u8> = (0..=255u8).collect();
        assert_eq!(ohos_http_options_set_extra_data_bytes(o, bytes.as_ptr(), bytes.len()), 0);
        let url = c(&format!("{}/echo", common::FAULT));
        let mut resp = null_mut();
        assert_eq!(ohos_http_request_opts(h, url.as_ptr(), o, &mut resp, null_mut()), 0);
        ohos_http_options_free(o);
        assert_eq!(ohos_http_response_result(resp, &mut data, &mut len), 0);
        let echo: serde_json::Value = serde_json::from_slice(std::slice::from_raw_parts(data, len)).unwrap();
        assert_eq!(echo["body_len"], 256, "{echo}");
        ohos_http_response_free(resp);

        // Stream: headers, data, dataEnd in order, every byte counted
        let seen = Seen::default();
        let ud = &seen as *const Seen as *mut c_void;
        for event in [1, 2, 3] {
            assert_eq!(ohos_http_on(h, event, Some(record), ud, None, null_mut()), 0);
        }
        let url = c(&format!("{}/bytes?size=200000", common::FAULT));
        let mut code = 0;
        assert_eq!(ohos_http_request_in_stream(h, url.as_ptr(), null(), &mut code, null_mut()), 0);
        assert_eq!(code, 200);
        assert_eq!(seen.bytes.load(Ordering::SeqCst), 200_000);
        assert_eq!(*seen.order.lock().unwrap(), vec![1, 2, 3]);
        assert!(seen.headers.lock().unwrap().contains("content-length"));
        assert_eq!(ohos_http_destroy(&mut h), 0);
    }
}

#[test]
fn versions_and_reactor_limits() {
    testbed!();
    unsafe {
        let v = CStr::from_ptr(ohos_http_version()).to_str().unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        let (mut cv, mut cf) = (null::<c_char>(), null::<c_char>());
        assert_eq!(ohos_http_build_info(&mut cv, &mut cf), 0);
        assert!(!CStr::from_ptr(cv).to_bytes().is_empty());
        assert!(!cf.is_null());
        assert_eq!(ohos_http_build_info(null_mut(), null_mut()), 0);

        assert_eq!(ohos_http_reactor_config_default(null_mut()), 401);
        assert_eq!(ohos_http_configure(null()), 401);
        let mut cfg = std::mem::zeroed::<ohos_http_reactor_config_t>();
        assert_eq!(ohos_http_reactor_config_default(&mut cfg), 0);
        assert_eq!((cfg.max_active_transfers, cfg.max_host_connections), (64, 6));
        assert_eq!(ohos_http_configure(&cfg), 0);
        let zero = ohos_http_reactor_config_t { max_active_transfers: 0, ..cfg };
        assert_eq!(ohos_http_configure(&zero), 401);
    }
}
