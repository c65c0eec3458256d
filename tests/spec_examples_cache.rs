//! The spec's examples of `http.createHttpResponseCache` and `HttpResponseCache`'s `flush` and
//! `delete` (callback and promise forms), translated from the ArkTS of
//! `../shared/spec/ohos-net-http-api.md` to Rust, one test per example.
//!
//! The cache is process-wide, so these examples have a test binary of their own and run one
//! at a time (`one_at_a_time`), each from a cache that is off, with its cache directory (where
//! `flush` writes) a fresh temporary directory: the host's equivalent of the application's
//! cache directory, set with `set_cache_directory` (not in the examples). `EXAMPLE_URL` is
//! httpbin's `/cache/3600`, a response with `Cache-Control: public, max-age=3600`, so that the
//! cache has something to flush. A callback is a closure over `Result`, a promise's
//! `then`/`catch` a `match` on the awaited future; `console` records the lines.
mod cache_support;
mod common;
mod spec_support;

use common::*;
use ohos_http as http;
use spec_support::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The cache file's name in the cache directory.
const CACHE_FILE: &str = "response-cache.bin";

/// What each example starts with, none of it in the examples.
struct Start {
    /// Held for the whole test: the examples run one at a time (the cache is process-wide).
    _serial: MutexGuard<'static, ()>,
    /// The cache directory, fresh and empty.
    dir: PathBuf,
    /// The example's `console`.
    console: Arc<Console>,
    /// `EXAMPLE_URL`.
    example_url: String,
}

/// Waits for the other examples to end, turns the cache off and points the cache directory at
/// a fresh temporary directory.
fn one_at_a_time() -> Start {
    static SERIAL: Mutex<()> = Mutex::new(());
    let serial = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = cache_support::temp_dir("spec-cache");
    http::set_cache_directory(&dir);
    http::create_http_response_cache(None).delete().unwrap();
    Start { _serial: serial, dir, console: Console::new(), example_url: format!("{HTTPBIN}/cache/3600") }
}

/// Asserts that `dir` holds a cache file with the response of `url`.
fn assert_flushed(dir: &Path, url: &str) {
    let bytes = std::fs::read(dir.join(CACHE_FILE)).expect("flush wrote the cache file");
    assert!(bytes.windows(url.len()).any(|w| w == url.as_bytes()), "the cache file does not hold {url}");
}

/// Not in the delete examples: a cache that is on, holds `url` and has been flushed to `dir`,
/// so that `delete` has something to delete. Returns a handle to it.
fn cached_and_flushed(dir: &Path, url: &str) -> http::HttpResponseCache {
    let cache = http::create_http_response_cache(None);
    assert_eq!(http::create_http().request(url, None).unwrap().response_code, 200);
    cache.flush().unwrap();
    assert_flushed(dir, url);
    cache
}

/// Asserts what `delete` did: the cache (seen through an earlier handle) is off, its file is
/// gone, and a request goes to the server again (a cache still on would answer from the stored
/// fresh response).
fn assert_deleted(cache: &http::HttpResponseCache, dir: &Path, url: &str) {
    assert!(!cache.usage().active, "the cache is still on after delete");
    assert!(!dir.join(CACHE_FILE).exists(), "delete left the cache file");
    let again = http::create_http().request(url, None).unwrap();
    assert!(!again.from_cache, "the cache still answered after delete");
}

/// `## http.createHttpResponseCache<sup>9+</sup>` (spec line 1264, code at line 1288): a cache
/// of the default size, the maximum (10 MiB), that stores responses: the second request of a
/// fresh response is answered from it.
#[test]
fn http_create_http_response_cache() {
    testbed!();
    let Start { _serial, example_url, .. } = one_at_a_time();

    let http_response_cache = http::create_http_response_cache(None);

    let usage = http_response_cache.usage();
    assert!(usage.active);
    assert_eq!(usage.capacity, http::MAX_CACHE_SIZE);
    assert_eq!(http::MAX_CACHE_SIZE, 10 * 1024 * 1024);
    let http_request = http::create_http();
    assert!(!http_request.request(&example_url, None).unwrap().from_cache);
    assert!(http_request.request(&example_url, None).unwrap().from_cache);
}

/// `### flush<sup>9+</sup>` (spec line 1334, code at line 1352): `flush(callback)` in the
/// request's callback; prints "flush success" (and "flush fail" before it on an error), and
/// the cache file then holds the response.
#[test]
fn flush_with_callback() {
    testbed!();
    let Start { _serial, dir, console, example_url } = one_at_a_time();

    let http_response_cache = http::create_http_response_cache(None);
    let http_request = Arc::new(http::create_http());
    http_request.request_with_callback(&example_url, None, {
        let console = console.clone();
        let http_request = http_request.clone();
        move |r| match r {
            Ok(_data) => {
                http_response_cache.flush_with_callback(move |err| {
                    if err.is_err() {
                        console.error("flush fail");
                    }
                    console.info("flush success");
                });
                http_request.destroy();
            }
            Err(err) => {
                console.error(format!("error:{}", err.stringify()));
                // Call destroy() to destroy the JavaScript object after the HTTP request is complete.
                http_request.destroy();
            }
        }
    });

    console.until(&["flush success", "error:"]);
    assert_eq!(console.lines(), [(Level::Info, "flush success".to_string())]);
    assert_flushed(&dir, &example_url);
}

/// `### flush<sup>9+</sup>` (spec line 1375, code at line 1393): `flush()` as a promise after the
/// request's promise; the example prints its success with `console.error`.
#[test]
fn flush_promise() {
    testbed!();
    let Start { _serial, dir, console, example_url } = one_at_a_time();

    let http_request = http::create_http();
    let http_response_cache = http::create_http_response_cache(None);
    let promise = http_request.request_async(&example_url, None);

    match block_on(promise) {
        Ok(_data) => match block_on(http_response_cache.flush_async()) {
            Ok(()) => console.error("flush success"),
            Err(_err) => console.info("flush fail"),
        },
        Err(err) => console.error(format!("error:{}", err.stringify())),
    }

    assert_eq!(console.lines(), [(Level::Error, "flush success".to_string())]);
    assert_flushed(&dir, &example_url);
}

/// `### delete<sup>9+</sup>` (spec line 1412, code at line 1430): `delete(callback)` after the
/// request's promise; prints "success", and the cache is off and its file gone. (The
/// example's `try`/`catch` has nothing to catch in Rust: nothing in it can throw.)
#[test]
fn delete_with_callback() {
    testbed!();
    let Start { _serial, dir, console, example_url } = one_at_a_time();
    let earlier = cached_and_flushed(&dir, &example_url);

    let http_request = http::create_http();
    match block_on(http_request.request_async(&example_url, None)) {
        Ok(_data) => {
            let http_response_cache = http::create_http_response_cache(None);
            http_response_cache.delete_with_callback({
                let console = console.clone();
                move |err| match err {
                    Err(err) => console.error(format!("fail: {}", err.js_string())),
                    Ok(()) => console.info("success"),
                }
            });
            http_request.destroy();
        }
        Err(error) => console.error(format!("errocode{}", error.stringify())),
    }

    console.until(&["success", "fail", "error", "errocode"]);
    assert_eq!(console.lines(), [(Level::Info, "success".to_string())]);
    assert_deleted(&earlier, &dir, &example_url);
}

/// `### delete<sup>9+</sup>` (spec line 1454, code at line 1472): `delete()` as a promise after
/// the request's promise; prints "success" with `console.log`.
#[test]
fn delete_promise() {
    testbed!();
    let Start { _serial, dir, console, example_url } = one_at_a_time();
    let earlier = cached_and_flushed(&dir, &example_url);

    let http_request = http::create_http();
    match block_on(http_request.request_async(&example_url, None)) {
        Ok(_data) => {
            let http_response_cache = http::create_http_response_cache(None);
            match block_on(http_response_cache.delete_async()) {
                Ok(()) => console.log("success"),
                Err(_err) => console.error("fail"),
            }
            http_request.destroy();
        }
        Err(error) => console.error(format!("errocode{}", error.stringify())),
    }

    assert_eq!(console.lines(), [(Level::Log, "success".to_string())]);
    assert_deleted(&earlier, &dir, &example_url);
}
