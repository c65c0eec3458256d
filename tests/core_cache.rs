//! The response cache against a server inside the test process (no testbed needed): a fresh
//! entry answers without a request, a stale one is revalidated with its ETag.
mod common;
mod local;
use local::LocalServer;
use ohos_http::{create_http, create_http_response_cache};

fn cache() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("core-cache-{}", std::process::id()));
    ohos_http::set_cache_directory(dir);
    create_http_response_cache(None);
}

#[test]
fn a_fresh_entry_answers_without_a_request() {
    cache();
    let s = LocalServer::start();
    let url = s.url("/count/fresh?cc=max-age%3D3600");
    let first = create_http().request(&url, None).unwrap();
    assert_eq!((first.from_cache, first.result.as_text().unwrap().as_ref()), (false, "fresh-1"));
    let second = create_http().request(&url, None).unwrap();
    assert_eq!((second.from_cache, second.result.as_text().unwrap().as_ref()), (true, "fresh-1"));
    assert_eq!(s.hits("fresh"), 1);
}

#[test]
fn a_stale_entry_is_revalidated_with_its_etag() {
    cache();
    let s = LocalServer::start();
    let url = s.url("/count/stale?cc=max-age%3D0&etag=v1");
    assert!(!create_http().request(&url, None).unwrap().from_cache);
    let again = create_http().request(&url, None).unwrap();
    assert_eq!(s.hits("stale"), 2, "revalidated with the server");
    assert_eq!((again.response_code, again.from_cache), (200, true), "a 304 gives the stored response");
    assert_eq!(again.result.as_text().unwrap(), "stale-1");
}
