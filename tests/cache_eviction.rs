//! The cache's size bound: least recently used entries go first, an entry larger than the
//! whole bound is not stored, sizes above 10 MiB are clamped. Its own test binary: these
//! tests resize the process-wide cache (and run one at a time).
mod cache_support;
mod common;
use cache_support::*;
use common::{opts, testbed, text};
use ohos_http::{create_http, create_http_response_cache, HttpResponse, MAX_CACHE_SIZE};
use parking_lot::Mutex;

static SERIAL: Mutex<()> = Mutex::new(());

fn get(url: &str) -> HttpResponse {
    create_http().request(url, Some(opts("{}"))).unwrap()
}

#[test]
fn least_recently_used_entries_are_evicted_at_the_size_bound() {
    testbed!();
    let _serial = SERIAL.lock();
    ohos_http::set_cache_directory(temp_dir("cache-eviction"));
    // room for two 3000-byte entries (each counts its body plus fields, URL and overhead)
    let cache = create_http_response_cache(Some(8000));
    let (a, b, c, d) = (key("a"), key("b"), key("c"), key("d"));
    let url = |k: &str, size: u32| count_url(k, &format!("cc=max-age=3600&size={size}"));

    get(&url(&a, 3000));
    get(&url(&b, 3000));
    assert_eq!(cache.usage().entries, 2);
    assert!(get(&url(&a, 3000)).from_cache, "a is now the most recently used");
    get(&url(&c, 3000));
    let usage = cache.usage();
    assert_eq!(usage.entries, 2);
    assert!(usage.bytes <= usage.capacity && usage.capacity == 8000, "{usage:?}");
    assert!(get(&url(&a, 3000)).from_cache, "a survived");
    assert!(get(&url(&c, 3000)).from_cache, "c was stored");
    assert_eq!((hits(&a), hits(&b), hits(&c)), (1, 1, 1));
    let r = get(&url(&b, 3000));
    assert!(!r.from_cache, "b, the least recently used, was evicted");
    assert_eq!((text(&r).len(), hits(&b)), (3000, 2));

    // an entry larger than the whole bound is never stored, and evicts nothing
    let before = cache.usage();
    get(&url(&d, 9000));
    let r = get(&url(&d, 9000));
    assert_eq!((r.from_cache, hits(&d)), (false, 2));
    assert_eq!(cache.usage(), before);

    // shrinking evicts to the new size
    let cache = create_http_response_cache(Some(4000));
    let usage = cache.usage();
    assert_eq!((usage.entries, usage.capacity), (1, 4000));
    assert!(usage.bytes <= 4000);
}

#[test]
fn sizes_are_clamped_to_ten_mib_and_zero_stores_nothing() {
    testbed!();
    let _serial = SERIAL.lock();
    let cache = create_http_response_cache(Some(100 * 1024 * 1024));
    assert_eq!(cache.usage().capacity, MAX_CACHE_SIZE);
    assert_eq!(create_http_response_cache(None).usage().capacity, MAX_CACHE_SIZE);
    let cache = create_http_response_cache(Some(0));
    assert_eq!(cache.usage(), ohos_http::CacheUsage { active: true, entries: 0, bytes: 0, capacity: 0 });
    let k = key("zero");
    let url = count_url(&k, "cc=max-age=3600");
    get(&url);
    assert!(!get(&url).from_cache);
    assert_eq!((hits(&k), cache.usage().entries), (2, 0));
    create_http_response_cache(None);
}
