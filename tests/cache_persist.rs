//! The cache file: `flush()` then a new process reads it, a damaged file is survived with one
//! log line, `delete()` empties memory and disk and turns the cache off. Its own test binary
//! (these tests turn the process-wide cache on and off, one at a time); the "new process" is
//! this test binary run again as a child with `CACHE_CHILD_DIR` set.
mod cache_support;
mod common;
use cache_support::*;
use common::{block_on, testbed, text};
use ohos_http::{create_http, create_http_response_cache, HttpResponse};
use parking_lot::Mutex;
use std::path::Path;
use std::process::{Command, Output};

static SERIAL: Mutex<()> = Mutex::new(());
const CHILD_DIR: &str = "CACHE_CHILD_DIR";
const CHILD_KEY: &str = "CACHE_CHILD_KEY";

fn get(url: &str) -> HttpResponse {
    create_http().request(url, None).unwrap()
}

/// Runs one test of this binary in a new process with the child variables set.
fn child(test: &str, dir: &Path, key: &str) -> Output {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir)
        .env(CHILD_KEY, key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child {test} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The child's variables, when this process is the child.
fn child_env() -> Option<(String, String)> {
    Some((std::env::var(CHILD_DIR).ok()?, std::env::var(CHILD_KEY).ok()?))
}

#[test]
fn flush_then_a_new_process_reads_the_file() {
    testbed!();
    let _serial = SERIAL.lock();
    if let Some((dir, k)) = child_env() {
        // the new process: the entry comes from the file, not from the server
        ohos_http::set_cache_directory(&dir);
        let cache = create_http_response_cache(None);
        assert!(cache.usage().entries >= 1);
        let r = get(&count_url(&k, "cc=max-age=3600"));
        assert_eq!((r.from_cache, text(&r)), (true, format!("body-{k}-1")));
        let r = get(&count_url(&k, "cc=max-age=0&etag=v1&x=stale"));
        assert_eq!((r.from_cache, r.response_code, text(&r)), (true, 200, format!("body-{k}-2")));
        let http = create_http();
        let body = std::sync::Arc::new(Mutex::new(Vec::new()));
        let b = body.clone();
        http.on(ohos_http::EventType::DataReceive, move |e| {
            if let ohos_http::Event::DataReceive(chunk) = e {
                b.lock().extend_from_slice(chunk)
            }
        });
        assert_eq!(http.request_in_stream(&count_url(&k, "cc=max-age=3600&x=stream"), None).unwrap(), 200);
        assert_eq!(*body.lock(), format!("body-{k}-3").into_bytes(), "a stream response stored with its body");
        return;
    }
    let dir = temp_dir("cache-persist");
    ohos_http::set_cache_directory(&dir);
    let cache = create_http_response_cache(None);
    let k = key("persist");
    get(&count_url(&k, "cc=max-age=3600"));
    get(&count_url(&k, "cc=max-age=0&etag=v1&x=stale"));
    create_http().request_in_stream(&count_url(&k, "cc=max-age=3600&x=stream"), None).unwrap();
    // credentials never reach the disk
    create_http()
        .request(
            &count_url(&k, "cc=max-age=3600&x=with-auth"),
            Some(common::opts(r#"{"header":{"Authorization":"Bearer secret-token"}}"#)),
        )
        .unwrap();
    cache.flush().unwrap();
    let file = std::fs::read(dir.join("response-cache.bin")).unwrap();
    assert!(!String::from_utf8_lossy(&file).contains("secret-token"));
    assert!(!String::from_utf8_lossy(&file).contains("x=with-auth"));
    assert_eq!(hits(&k), 4);
    child("flush_then_a_new_process_reads_the_file", &dir, &k);
    assert_eq!(hits(&k), 5, "the child made exactly one request: the revalidation of the stale entry");
    cache.delete().unwrap();
}

#[test]
fn a_corrupt_or_truncated_file_is_ignored_with_one_log_line() {
    testbed!();
    let _serial = SERIAL.lock();
    if let Some((dir, k)) = child_env() {
        ohos_http::set_cache_directory(&dir);
        let cache = create_http_response_cache(None);
        assert_eq!(cache.usage().entries, 0, "nothing loaded from a damaged file");
        let url = count_url(&k, "cc=max-age=3600");
        assert!(!get(&url).from_cache);
        assert!(get(&url).from_cache, "the cache works all the same");
        cache.flush().unwrap();
        return;
    }
    let dir = temp_dir("cache-corrupt");
    ohos_http::set_cache_directory(&dir);
    let file = dir.join("response-cache.bin");
    // a valid file to damage
    let k0 = key("corrupt-src");
    let valid = {
        let cache = create_http_response_cache(None);
        get(&count_url(&k0, "cc=max-age=3600&size=2000"));
        cache.flush().unwrap();
        let bytes = std::fs::read(&file).unwrap();
        cache.delete().unwrap();
        bytes
    };
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", valid[..valid.len() / 2].to_vec()),
        ("flipped", {
            let mut v = valid.clone();
            let i = v.len() - 100;
            v[i] ^= 0xff;
            v
        }),
        ("garbage", b"{\"not\": \"a cache file\"}".to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&file, &bytes).unwrap();
        let k = key(&format!("corrupt-{what}"));
        let out = child("a_corrupt_or_truncated_file_is_ignored_with_one_log_line", &dir, &k);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("ohos-http")).collect();
        assert_eq!(lines.len(), 1, "{what}: one log line, got {stderr}");
        assert!(lines[0].contains("ignoring the response cache file"), "{what}: {}", lines[0]);
        assert_eq!(hits(&k), 1, "{what}");
        // the child's flush replaced the damaged file with a valid one
        assert_ne!(std::fs::read(&file).unwrap(), bytes);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn delete_empties_memory_and_disk_and_turns_the_cache_off() {
    testbed!();
    let _serial = SERIAL.lock();
    if child_env().is_some() {
        return;
    }
    let dir = temp_dir("cache-delete");
    ohos_http::set_cache_directory(&dir);
    let cache = create_http_response_cache(None);
    let k = key("delete");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url);
    assert!(get(&url).from_cache);
    cache.flush().unwrap();
    let file = dir.join("response-cache.bin");
    assert!(file.is_file());

    cache.delete().unwrap();
    assert!(!file.exists(), "the file is gone");
    assert!(!cache.usage().active && cache.usage().entries == 0);
    let r = get(&url);
    assert_eq!((r.from_cache, text(&r)), (false, format!("body-{k}-2")), "off: the request goes out");
    assert!(!get(&url).from_cache, "and nothing is stored while off");
    assert_eq!(hits(&k), 3);
    cache.flush().unwrap();
    assert!(!file.exists(), "flush does nothing while off");
    cache.delete().unwrap();

    // created again: empty (memory and disk were emptied), then working
    let cache = create_http_response_cache(None);
    assert_eq!(cache.usage().entries, 0);
    assert!(!get(&url).from_cache);
    assert!(get(&url).from_cache);
    assert_eq!(hits(&k), 4);

    // the callback and async forms
    let (tx, rx) = std::sync::mpsc::channel();
    cache.flush_with_callback(move |r| tx.send(r).unwrap());
    rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap().unwrap();
    assert!(file.is_file());
    let (tx, rx) = std::sync::mpsc::channel();
    cache.delete_with_callback(move |r| tx.send(r).unwrap());
    rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap().unwrap();
    assert!(!file.exists() && !cache.usage().active);
    let cache = create_http_response_cache(None);
    block_on(cache.flush_async()).unwrap();
    assert!(file.is_file());
    block_on(cache.delete_async()).unwrap();
    assert!(!file.exists() && !cache.usage().active);
    let _ = std::fs::remove_dir_all(&dir);
}
