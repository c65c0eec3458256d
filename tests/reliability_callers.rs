//! Hostile and careless callers (issue 13): header values with control bytes, a
//! `Content-Length` that disagrees with the body, NUL in proxy credentials; callbacks that
//! wait on other requests (no silent deadlock); C hosts that race `ohos_http_destroy` against
//! calls on the same handle. Against the in-process server: plain `cargo test` runs it.
mod common;
mod local;
use common::{block_on, opts};
use local::LocalServer;
use ohos_http::ffi::*;
use ohos_http::{create_http, HttpRequestOptions};
use std::ffi::{c_void, CString};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn refused(url: &str, json: &str) -> String {
    let e = create_http().request(url, Some(opts(json))).expect_err(json);
    assert_eq!(e.code(), 401, "{json}: {e}");
    e.to_string()
}

#[test]
fn control_bytes_in_header_values_are_401_naming_the_field() {
    let s = LocalServer::start();
    let url = s.url("/echo");
    for bad in ["\\u0001", "\\u007f", "\\u001b[0m", "a\\u0000b"] {
        let m = refused(&url, &format!(r#"{{"header":{{"X-Bad":"v{bad}"}}}}"#));
        assert!(m.contains("header.X-Bad"), "{m}");
    }
    // HTAB, SP and obs-text are allowed, and sent as given
    let r = create_http().request(&url, Some(opts(r#"{"header":{"X-Ok":"a\tb c é"}}"#))).unwrap();
    assert_eq!(common::json(&r)["headers"]["x-ok"], "a\tb c é");
}

#[test]
fn a_content_length_that_disagrees_with_the_body_is_401_and_a_true_one_is_sent() {
    let s = LocalServer::start();
    let url = s.url("/echo");
    let m = refused(&url, r#"{"method":"POST","extraData":"0123456789","header":{"Content-Length":"3"}}"#);
    assert!(m.contains("header.Content-Length") && m.contains("10 bytes"), "{m}");
    refused(&url, r#"{"method":"POST","extraData":"x","header":{"content-length":"many"}}"#);
    refused(&url, r#"{"method":"GET","header":{"Content-Length":"5"}}"#);
    // the right length goes out, and the kept-alive connection stays in step
    let http = create_http();
    let o = opts(r#"{"method":"POST","extraData":"0123456789","header":{"Content-Length":"10"}}"#);
    for _ in 0..3 {
        let r = http.request(&url, Some(o.clone())).unwrap();
        let body = common::json(&r);
        assert_eq!(
            (body["body"].as_str(), body["headers"]["content-length"].as_str()),
            (Some("0123456789"), Some("10"))
        );
    }
}

#[test]
fn nul_in_proxy_credentials_is_401_not_a_curl_error() {
    let s = LocalServer::start();
    let m = refused(&s.url("/echo"), r#"{"usingProxy":{"host":"user:%00@127.0.0.1","port":1}}"#);
    assert!(m.contains("usingProxy"), "{m}");
}

#[test]
fn a_callback_that_blocks_on_another_request_completes() {
    let s = LocalServer::start();
    let http = Arc::new(create_http());
    // block_on(request_async(..)) inside a completion callback
    let (tx, rx) = mpsc::channel();
    let (inner, url) = (http.clone(), s.url("/bytes/10"));
    http.request_with_callback(&s.url("/bytes/20"), None, move |outer| {
        let nested = block_on(inner.request_async(&url, None)).map(|r| r.result.to_bytes().len());
        tx.send((outer.map(|r| r.result.to_bytes().len()), nested)).unwrap();
    });
    let (outer, nested) = rx.recv_timeout(WAIT).expect("the waiting callback completed");
    assert_eq!((outer.unwrap(), nested.unwrap()), (20, 10));

    // a callback waiting on a channel that another request's callback feeds
    let (tx, rx) = mpsc::channel();
    let (inner, url) = (http.clone(), s.url("/bytes/7"));
    http.request_with_callback(&s.url("/bytes/1"), None, move |_| {
        let (feed, fed) = mpsc::channel();
        inner.request_with_callback(&url, None, move |r| feed.send(r.map(|r| r.result.to_bytes().len())).unwrap());
        tx.send(fed.recv_timeout(WAIT).map(|r| r.map_err(|e| e.code()))).unwrap();
    });
    assert_eq!(rx.recv_timeout(WAIT).expect("the waiting callback completed"), Ok(Ok(7)));

    // a listener that waits on another request, while other callback requests run
    let (tx, rx) = mpsc::channel();
    let listening = create_http();
    let (inner, url) = (http.clone(), s.url("/bytes/3"));
    listening.on(ohos_http::EventType::HeadersReceive, move |_| {
        tx.send(block_on(inner.request_async(&url, None)).map(|r| r.response_code).map_err(|e| e.code())).unwrap();
    });
    let (done_tx, done_rx) = mpsc::channel();
    listening.request_with_callback(&s.url("/bytes/2"), None, move |r| done_tx.send(r.is_ok()).unwrap());
    let others: Vec<_> = (0..20)
        .map(|_| {
            let (t, r) = mpsc::channel();
            http.request_with_callback(&s.url("/bytes/4"), None, move |x| t.send(x.is_ok()).unwrap());
            r
        })
        .collect();
    assert_eq!(rx.recv_timeout(WAIT).expect("the listener's request completed"), Ok(200));
    assert!(done_rx.recv_timeout(WAIT).unwrap());
    for r in others {
        assert!(r.recv_timeout(WAIT).expect("every other callback request completed"));
    }
}

// ---- the C ABI under racing hosts ----

/// What the racing threads saw.
#[derive(Default)]
struct Tally {
    accepted: AtomicUsize,
    completed: AtomicUsize,
    freed: AtomicUsize,
    listeners_added: AtomicUsize,
}

unsafe extern "C" fn on_complete(
    user: *mut c_void,
    _: i32,
    response: *mut ohos_http_response_t,
    _: *const ohos_http_error_t,
) {
    unsafe {
        (*(user as *const Tally)).completed.fetch_add(1, Ordering::SeqCst);
        ohos_http_response_free(response);
    }
}

unsafe extern "C" fn on_free(user: *mut c_void) {
    unsafe { (*(user as *const Tally)).freed.fetch_add(1, Ordering::SeqCst) };
}

unsafe extern "C" fn on_event(_: *mut c_void, _: *const ohos_http_event_t) {}

/// A handle pointer that may cross threads (the ABI makes that safe: it is a name).
#[derive(Clone, Copy)]
struct Handle(*mut ohos_http_request_t);
// SAFETY: the C ABI's handles are looked up by number on every call, from any thread.
unsafe impl Send for Handle {}

#[test]
fn destroy_racing_calls_on_the_same_handle_is_defined() {
    let s = LocalServer::start();
    let url = CString::new(s.url("/bytes/64")).unwrap();
    for round in 0..20 {
        let tally = Arc::new(Tally::default());
        let mut h = null_mut();
        // SAFETY: a valid out slot.
        assert_eq!(unsafe { ohos_http_create(&mut h) }, 0);
        let handle = Handle(h);
        let stop = Arc::new(AtomicBool::new(false));
        let callers: Vec<_> = (0..4)
            .map(|_| {
                let (tally, stop, url) = (tally.clone(), stop.clone(), url.clone());
                std::thread::spawn(move || {
                    let handle = handle;
                    let user = Arc::as_ptr(&tally) as *mut c_void;
                    let mut codes = Vec::new();
                    while !stop.load(Ordering::SeqCst) {
                        // SAFETY: `url` is NUL-terminated; the callbacks match their types;
                        // `user` outlives every callback (the test waits for them below).
                        unsafe {
                            let rc = ohos_http_request_async(
                                handle.0,
                                url.as_ptr(),
                                null(),
                                Some(on_complete),
                                user,
                                Some(on_free),
                                null_mut(),
                            );
                            if rc == 0 {
                                tally.accepted.fetch_add(1, Ordering::SeqCst);
                            }
                            codes.push(rc);
                            let mut id = 0u64;
                            let rc = ohos_http_on(handle.0, 1, Some(on_event), user, Some(on_free), &mut id);
                            if rc == 0 {
                                tally.listeners_added.fetch_add(1, Ordering::SeqCst);
                                codes.push(ohos_http_off(handle.0, 1, id));
                            }
                            codes.push(rc);
                        }
                    }
                    // `stop` is set after the destroy: this call comes after it
                    let mut id = 0u64;
                    // SAFETY: as above.
                    codes.push(unsafe { ohos_http_on(handle.0, 1, Some(on_event), user, None, &mut id) });
                    codes
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(5 + round));
        // SAFETY: a valid slot holding a live handle.
        assert_eq!(unsafe { ohos_http_destroy(&mut h) }, 0);
        assert!(h.is_null());
        stop.store(true, Ordering::SeqCst);
        for c in callers {
            let codes = c.join().expect("no caller crashed");
            assert!(codes.iter().all(|&rc| rc == 0 || rc == 2_300_999), "codes seen: {:?}", {
                let mut odd: Vec<_> = codes.iter().filter(|&&rc| rc != 0 && rc != 2_300_999).collect();
                odd.dedup();
                odd
            });
            assert_eq!(codes.last(), Some(&2_300_999), "calls after destroy fail with 2300999");
        }
        // every accepted request completed exactly once, and every user_data was freed once
        let expected_frees = |t: &Tally| t.accepted.load(Ordering::SeqCst) + t.listeners_added.load(Ordering::SeqCst);
        let deadline = std::time::Instant::now() + WAIT;
        while tally.freed.load(Ordering::SeqCst) < expected_frees(&tally) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(tally.completed.load(Ordering::SeqCst), tally.accepted.load(Ordering::SeqCst));
        assert_eq!(tally.freed.load(Ordering::SeqCst), expected_frees(&tally));
        // a stale copy of the pointer: an error, never a crash
        let mut stale = handle.0;
        // SAFETY: a valid slot; the handle it names is gone.
        unsafe {
            assert_eq!(ohos_http_destroy(&mut stale), 2_300_999);
            let (mut response, mut error) = (null_mut(), null_mut());
            assert_eq!(ohos_http_request(handle.0, url.as_ptr(), null(), &mut response, &mut error), 2_300_999);
            assert!(response.is_null());
            ohos_http_error_free(error);
        }
    }
}

#[test]
fn options_built_with_every_check_still_work() {
    // the checks above refuse only what is wrong: an ordinary request with headers passes
    let s = LocalServer::start();
    let o = HttpRequestOptions::from_json(
        r#"{"method":"POST","extraData":"abc","header":{"X-A":"1","Content-Type":"text/plain"}}"#,
    )
    .unwrap();
    let r = create_http().request(&s.url("/echo"), Some(o)).unwrap();
    assert_eq!(common::json(&r)["body"], "abc");
}
