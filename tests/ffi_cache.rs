//! The response cache through the C ABI (its own test binary: the cache is process-wide).
mod common;
use common::testbed;

use ohos_http::ffi::*;
use std::ffi::{c_void, CString};
use std::ptr::{null, null_mut};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

#[derive(Default)]
struct Done {
    state: Mutex<(usize, i32, usize)>, // calls, status, frees
    cv: Condvar,
}

unsafe extern "C" fn on_done(user_data: *mut c_void, status: i32, _error: *const ohos_http_error_t) {
    let d = unsafe { &*(user_data as *const Done) };
    let mut s = d.state.lock().unwrap();
    s.0 += 1;
    s.1 = status;
}

unsafe extern "C" fn on_free(user_data: *mut c_void) {
    let d = unsafe { &*(user_data as *const Done) };
    d.state.lock().unwrap().2 += 1;
    d.cv.notify_all();
}

fn wait(d: &Done) -> (usize, i32, usize) {
    let g = d.state.lock().unwrap();
    let (s, t) = d.cv.wait_timeout_while(g, Duration::from_secs(30), |s| s.2 == 0).unwrap();
    assert!(!t.timed_out());
    *s
}

fn from_cache(h: *const ohos_http_request_t, url: &CString) -> bool {
    unsafe {
        let mut resp = null_mut();
        assert_eq!(ohos_http_request(h, url.as_ptr(), null(), &mut resp, null_mut()), 0);
        let mut hit = false;
        assert_eq!(ohos_http_response_from_cache(resp, &mut hit), 0);
        ohos_http_response_free(resp);
        hit
    }
}

#[test]
fn create_serve_flush_delete() {
    testbed!();
    let dir = std::env::temp_dir().join(format!("ohos-http-ffi-cache-{}", std::process::id()));
    unsafe {
        assert_eq!(ohos_http_cache_create(0, null_mut()), 401);
        assert_eq!(ohos_http_cache_flush(null(), null_mut()), 401);
        assert_eq!(ohos_http_cache_set_directory(null()), 401);
        assert_eq!(ohos_http_cache_set_directory(c(dir.to_str().unwrap()).as_ptr()), 0);

        let mut cache = null_mut();
        assert_eq!(ohos_http_cache_create(u64::MAX, &mut cache), 0);
        let mut usage = ohos_http_cache_usage_t::default();
        assert_eq!(ohos_http_cache_usage(cache, &mut usage), 0);
        assert!(usage.active);
        assert_eq!(usage.capacity, 10 * 1024 * 1024);

        let mut h = null_mut();
        assert_eq!(ohos_http_create(&mut h), 0);
        let url = c(&format!("{}/count/ffi-{}?cc=max-age=600", common::FAULT, std::process::id()));
        assert!(!from_cache(h, &url), "first request goes to the network");
        assert!(from_cache(h, &url), "second request is served from the cache");

        let mut err = null_mut();
        assert_eq!(ohos_http_cache_flush(cache, &mut err), 0);
        assert!(err.is_null());
        assert!(std::fs::read_dir(&dir).unwrap().next().is_some(), "flush wrote a file");

        let d = Arc::new(Done::default());
        let ud = Arc::as_ptr(&d) as *mut c_void;
        assert_eq!(ohos_http_cache_flush_async(cache, Some(on_done), ud, Some(on_free)), 0);
        assert_eq!(wait(&d), (1, 0, 1));

        let d = Arc::new(Done::default());
        let ud = Arc::as_ptr(&d) as *mut c_void;
        assert_eq!(ohos_http_cache_delete_async(cache, Some(on_done), ud, Some(on_free)), 0);
        assert_eq!(wait(&d), (1, 0, 1));
        assert_eq!(ohos_http_cache_usage(cache, &mut usage), 0);
        assert!(!usage.active);
        assert!(!from_cache(h, &url), "after delete requests bypass the cache");
        assert_eq!(ohos_http_cache_delete(cache, null_mut()), 0, "deleting twice is fine");
        assert_eq!(ohos_http_cache_flush_async(null(), Some(on_done), ud, Some(on_free)), 401);

        ohos_http_cache_free(cache);
        ohos_http_cache_free(null_mut());
        assert_eq!(ohos_http_destroy(&mut h), 0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
