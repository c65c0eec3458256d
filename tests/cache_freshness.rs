//! Storing and freshness (RFC 9111 §3, §4.2, §5; RFC 9110 §5.6.7; RFC 8246) against the fault
//! server's `/script/<key>` route, which answers exactly the scripted fields (repeated lines,
//! any status, dates relative to now) and logs what it received: a response is "reused" when
//! the second request never reached the server.
//!
//! Every test here shares one process-wide cache (10 MiB) and uses its own keys, so they may
//! run in parallel.
mod cache_support;
mod common;
use cache_support::*;
use common::{testbed, text};
use ohos_http::HttpResponse;
use serde_json::{json, Value};

fn cache() {
    cache_in("cache-freshness");
}

/// Scripts `spec` for a new key and requests it twice (the second time with `options`);
/// returns the second response and how many requests reached the server.
fn twice_with(name: &str, spec: Value, options: &str) -> (HttpResponse, usize) {
    common::require_testbed();
    cache();
    let k = key(name);
    script(&k, json!([spec]));
    let url = script_url(&k);
    let first = get(&url, "{}");
    assert!(!first.from_cache, "{name}: the first request goes to the server");
    let second = get(&url, options);
    (second, script_hits(&k))
}

/// Whether the second request for a response with these fields was answered from the cache
/// without the server (checked to agree with `from_cache`: these responses have no validator).
fn reused(name: &str, headers: Value) -> bool {
    reused_status(name, 200, headers)
}

fn reused_status(name: &str, status: u32, headers: Value) -> bool {
    let (second, hits) = twice_with(name, json!({"status": status, "headers": headers}), "{}");
    assert_eq!(second.response_code, status, "{name}");
    assert_eq!(second.from_cache, hits == 1, "{name}: from_cache with {hits} requests");
    assert!(hits <= 2, "{name}");
    hits == 1
}

#[test]
fn age_is_its_first_value_and_an_invalid_one_is_ignored() {
    testbed!();
    // RFC 9111 §5.1: a repeated Age (joined "7200, 0" by the header map) is 7200, never 0
    let cases = [
        ("two lines, old first", json!([["Cache-Control", "max-age=3600"], ["Age", "7200"], ["Age", "0"]]), false),
        ("one line, old first", json!([["Cache-Control", "max-age=3600"], ["Age", "7200, 0"]]), false),
        ("two lines, 0 first", json!([["Cache-Control", "max-age=3600"], ["Age", "0"], ["Age", "7200"]]), true),
        ("one line, 0 first", json!([["Cache-Control", "max-age=3600"], ["Age", "0, 7200"]]), true),
        ("non-numeric", json!([["Cache-Control", "max-age=3600"], ["Age", "abc"]]), true),
        ("negative", json!([["Cache-Control", "max-age=3600"], ["Age", "-7200"]]), true),
        ("fraction", json!([["Cache-Control", "max-age=3600"], ["Age", "7200.0"]]), true),
        ("above 2^31", json!([["Cache-Control", "max-age=3600"], ["Age", "2147483649"]]), false),
        ("older than max-age", json!([["Cache-Control", "max-age=10"], ["Age", "15"]]), false),
    ];
    for (name, headers, fresh) in cases {
        assert_eq!(reused(name, headers), fresh, "Age {name}");
    }
}

#[test]
fn a_reused_response_carries_its_current_age_and_its_own_date() {
    testbed!();
    cache();
    let k = key("age-date");
    let date = "Sun, 06 Nov 1994 08:49:37 GMT";
    // Date 30 s ago (apparent age 30) and Age 100: the larger, Age plus the response delay, counts
    script(&k, json!([{"headers": [["Date", "{date:-30}"], ["Cache-Control", "max-age=3600"], ["Age", "100"]]}]));
    let url = script_url(&k);
    let first = get(&url, "{}");
    let second = get(&url, "{}");
    assert!(second.from_cache);
    let age: u64 = second.header["age"].as_str().unwrap().parse().unwrap();
    assert!((100..110).contains(&age), "Age + response delay, then resident time: {age}");
    assert_eq!(second.header["date"], first.header["date"], "the stored Date is not updated (RFC 9110 §6.6.1)");
    // no Date at all: the cache adds one and counts from the time it received the response
    let k = key("no-date");
    script(&k, json!([{"date": false, "headers": [["Cache-Control", "max-age=3600"]]}]));
    let url = script_url(&k);
    assert!(get(&url, "{}").header.get("date").is_none());
    let r = get(&url, "{}");
    assert!(r.from_cache);
    let added = r.header["date"].as_str().unwrap().to_string();
    assert!(added.ends_with(" GMT") && added.len() == date.len(), "an IMF-fixdate: {added}");
}

#[test]
fn expires_in_all_three_date_forms_and_invalid_means_expired() {
    testbed!();
    // RFC 9110 §5.6.7: recipients accept IMF-fixdate, RFC 850 and asctime
    assert!(reused("expires imf", json!([["Expires", "{date:+3600}"]])));
    assert!(reused("expires rfc850", json!([["Expires", "{date:+3600:rfc850}"]])));
    assert!(reused("expires asctime", json!([["Expires", "{date:+3600:asctime}"]])));
    // RFC 9111 §4.2: names match case-insensitively
    assert!(reused("expires case", json!([["Expires", "THU, 18 AUG 2050 02:01:18 gmt"]])));
    // RFC 9111 §5.3: an invalid date means "already expired"
    for invalid in [
        "0",
        "Thu, 18  Aug  2050 02:01:18 GMT",
        "Thu, 18 Aug 2050 02:01:18 UTC",
        "Thu, 18 Aug 50 02:01:18 GMT",
        "Thu 18 Aug 2050 02:01:18 GMT",
        "Thu, 18-Aug-2050 02:01:18 GMT",
        "Thu, 18 Aug 2050 2:01:18 GMT",
    ] {
        assert!(!reused("expires invalid", json!([["Expires", invalid]])), "Expires: {invalid}");
    }
    assert!(!reused("expires past", json!([["Expires", "{date:-3600}"]])));
    assert!(!reused("expires before date", json!([["Date", "{date:+400}"], ["Expires", "{date:+300}"]])));
    // freshness is Expires - Date: an invalid Date is replaced by the time received
    assert!(reused("expires bad date", json!([["Date", "foo"], ["Expires", "{date:+3600}"]])));
    assert!(!reused("expires age", json!([["Date", "{date:+10}"], ["Expires", "{date:+20}"], ["Age", "15"]])));
}

#[test]
fn max_age_grammar() {
    testbed!();
    // RFC 9111 §5.2: both argument forms; §1.2.2: delta-seconds, capped at 2^31
    assert!(reused("quoted", json!([["Cache-Control", "max-age=\"3600\""]])));
    assert!(reused("leading zeros", json!([["Cache-Control", "max-age=003600"]])));
    assert!(reused("case", json!([["Cache-Control", "MaX-AgE=3600"]])));
    assert!(reused("huge", json!([["Cache-Control", "max-age=99999999999"]])));
    assert!(reused("extension", json!([["Cache-Control", "foobar, max-age=3600"]])));
    // RFC 9111 §4.2.1: invalid freshness information is stale
    for invalid in ["max-age='3600'", "max-age=-3600", "max-age=3600a", "max-age= 3600", "max-age =3600"] {
        assert!(!reused("invalid", json!([["Cache-Control", invalid]])), "{invalid}");
    }
    // a directive name inside a quoted string is no directive
    let stale = |cc: &str| json!([["Cache-Control", cc], ["Age", "5"]]);
    assert!(!reused("quoted phrase", stale("extension=\"max-age=3600\", max-age=1")));
    assert!(!reused("quoted phrase after", stale("max-age=1, extension=\"max-age=3600\"")));
    // duplicates: the first occurrence counts (RFC 9111 §4.2.1), on one line or two
    assert!(reused("duplicate fresh first", json!([["Cache-Control", "max-age=3600, max-age=1"], ["Age", "5"]])));
    assert!(!reused(
        "duplicate stale first",
        json!([["Cache-Control", "max-age=1"], ["Cache-Control", "max-age=3600"], ["Age", "5"]])
    ));
}

#[test]
fn max_age_wins_over_expires_and_s_maxage_is_for_shared_caches() {
    testbed!();
    // RFC 9111 §5.3: Expires is ignored when max-age is present
    assert!(reused("past expires", json!([["Cache-Control", "max-age=3600"], ["Expires", "{date:-7200}"]])));
    assert!(reused("invalid expires", json!([["Cache-Control", "max-age=3600"], ["Expires", "0"]])));
    assert!(!reused("future expires", json!([["Cache-Control", "max-age=0"], ["Expires", "{date:+3600}"]])));
    // §5.2.2.10: a private cache ignores s-maxage
    assert!(!reused("s-maxage", json!([["Cache-Control", "s-maxage=3600, max-age=1"], ["Age", "5"]])));
    assert!(!reused(
        "s-maxage lines",
        json!([["Cache-Control", "s-maxage=3600"], ["Cache-Control", "max-age=1"], ["Age", "5"]])
    ));
    assert!(!reused("s-maxage alone", json!([["Cache-Control", "s-maxage=3600"]])));
    // §5.2.2.7: private is stored by a private cache
    assert!(reused("private", json!([["Cache-Control", "private, max-age=3600"]])));
}

#[test]
fn any_final_status_with_explicit_freshness_is_stored() {
    testbed!();
    // RFC 9111 §3: storing needs a status the cache understands only for 206, 304 and
    // must-understand; explicit freshness makes any other final status storable
    for status in [200, 203, 204, 299, 400, 404, 410, 499, 500, 502, 503, 504, 599] {
        let fresh = json!([["Cache-Control", "max-age=3600"]]);
        assert!(reused_status(&format!("status {status}"), status, fresh), "{status} with max-age");
        let stale = json!([["Expires", "{date:-5000}"], ["Last-Modified", "{date:-100000}"]]);
        assert!(!reused_status(&format!("stale {status}"), status, stale), "{status} with a past Expires");
    }
    // §5.2.2.3: must-understand stores despite no-store when the status is understood
    let mu = json!([["Cache-Control", "max-age=3600, no-store, must-understand"]]);
    assert!(reused_status("must-understand 200", 200, mu.clone()));
    assert!(!reused_status("must-understand 599", 599, mu));
    assert!(!reused("no-store", json!([["Cache-Control", "max-age=10000, No-StOrE"], ["Expires", "{date:+10000}"]])));
}

#[test]
fn heuristic_freshness_only_for_heuristically_cacheable_statuses() {
    testbed!();
    // RFC 9111 §4.2.2 with RFC 9110 §15.1: 10 % of Date - Last-Modified (here 2.4 h)
    let lm = json!([["Last-Modified", "{date:-86400}"]]);
    for status in [200, 203, 404, 405, 410, 414, 501] {
        assert!(reused_status(&format!("heuristic {status}"), status, lm.clone()), "{status}");
    }
    for status in [201, 202, 403, 502, 503, 504, 599] {
        assert!(!reused_status(&format!("no heuristic {status}"), status, lm.clone()), "{status}");
    }
    let public = json!([["Last-Modified", "{date:-86400}"], ["Cache-Control", "public"]]);
    assert!(reused_status("public 599", 599, public), "public makes it heuristically cacheable");
    assert!(!reused("future lm", json!([["Last-Modified", "{date:+3600}"]])), "Last-Modified after Date");
    let spec = json!({"date": false, "headers": [["Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"]]});
    let (r, hits) = twice_with("lm without date", spec, "{}");
    assert_eq!((r.from_cache, hits), (true, 1), "no Date: the time received stands in for it");
    assert!(!reused("no freshness", json!([])), "nothing makes it fresh");
}

#[test]
fn qualified_no_cache_withholds_only_the_named_fields() {
    testbed!();
    // RFC 9111 §5.2.2.4: the named fields are not reused without revalidation, the rest is
    let spec = json!({"headers": [["Cache-Control", "no-cache=\"a, B\""], ["a", "1"], ["b", "2"], ["c", "3"],
        ["Cache-Control", "max-age=3600"]]});
    let (r, hits) = twice_with("no-cache fields", spec, "{}");
    assert_eq!((r.from_cache, hits), (true, 1));
    assert!(r.header.get("a").is_none() && r.header.get("b").is_none(), "{:?}", r.header);
    assert_eq!(r.header["c"], "3");
    // unqualified: stored, but validated before every use, even when fresh
    let spec = json!([{"headers": [["Cache-Control", "max-age=10000, no-cache"], ["ETag", "\"v1\""]]},
        {"status": 304, "headers": [["ETag", "\"v1\""]]}]);
    testbed!();
    let k = key("no-cache");
    script(&k, spec);
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, "{}");
    assert_eq!((r.response_code, r.from_cache, script_hits(&k)), (200, true, 2));
    assert_eq!(script_log(&k)[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(text(&r), format!("{k}-1"));
}

#[test]
fn immutable_is_not_revalidated_on_a_reload_while_fresh() {
    testbed!();
    cache();
    // RFC 8246 §2: a reload (request max-age=0) keeps a fresh immutable response, a forced
    // reload (no-cache) validates it
    let k = key("immutable");
    script(
        &k,
        json!([{"headers": [["Cache-Control", "max-age=10000, immutable"], ["ETag", "\"i1\""]]},
        {"status": 304, "headers": [["ETag", "\"i1\""]]}]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"Cache-Control":"max-age=0"}}"#);
    assert_eq!((r.from_cache, script_hits(&k)), (true, 1));
    let r = get(&url, r#"{"header":{"Cache-Control":"no-cache"}}"#);
    assert_eq!((r.response_code, r.from_cache, script_hits(&k)), (200, true, 2));
    assert_eq!(script_log(&k)[1].header("if-none-match"), Some("\"i1\""));
    // without immutable the reload validates
    let k = key("mutable");
    script(
        &k,
        json!([{"headers": [["Cache-Control", "max-age=10000"], ["ETag", "\"m1\""]]},
        {"status": 304, "headers": [["ETag", "\"m1\""]]}]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = get(&url, r#"{"header":{"Cache-Control":"max-age=0"}}"#);
    assert_eq!((r.from_cache, script_hits(&k)), (true, 2));
    // a stale immutable response is validated like any other
    let k = key("immutable-stale");
    script(
        &k,
        json!([{"headers": [["Cache-Control", "max-age=2, immutable"], ["ETag", "\"s1\""], ["Age", "5"]]},
        {"status": 304, "headers": [["ETag", "\"s1\""]]}]),
    );
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"Cache-Control":"max-age=0"}}"#);
    assert_eq!((r.response_code, r.from_cache, script_hits(&k)), (200, true, 2));
}

#[test]
fn fields_that_must_not_be_stored_are_left_out() {
    testbed!();
    // RFC 9111 §3.1 (and RFC 9110 §7.6.1): Connection and what it names, hop-by-hop fields,
    // the proxy's authentication fields; everything else is stored, unknown fields included
    let spec = json!({"headers": [["Cache-Control", "max-age=3600"], ["Connection", "a, b"], ["a", "1"], ["b", "2"],
        ["c", "3"], ["Keep-Alive", "timeout=5"], ["Proxy-Authenticate", "Basic"], ["Proxy-Authentication-Info", "x"],
        ["Proxy-Authorization", "Basic eA=="], ["Proxy-Connection", "close"], ["Test-Header", "kept"],
        ["Set-Cookie", "s=1"], ["Content-Security-Policy", "default-src 'self'"]]});
    let (r, hits) = twice_with("not stored", spec, "{}");
    assert_eq!((r.from_cache, hits), (true, 1));
    for gone in [
        "connection",
        "a",
        "b",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authentication-info",
        "proxy-authorization",
        "proxy-connection",
    ] {
        assert!(r.header.get(gone).is_none(), "{gone} was stored: {:?}", r.header);
    }
    assert_eq!((r.header["c"].as_str(), r.header["test-header"].as_str()), (Some("3"), Some("kept")));
    assert_eq!(r.header["set-cookie"], json!(["s=1"]));
    assert_eq!(r.header["content-security-policy"], "default-src 'self'");
}

#[test]
fn request_no_store_and_pragma() {
    testbed!();
    cache();
    // RFC 9111 §5.2.1.5: no-store: nothing of this exchange is stored; the stored response is
    // not used for it either
    let k = key("req-no-store");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"]]}]));
    let url = script_url(&k);
    get(&url, "{}");
    let r = get(&url, r#"{"header":{"Cache-Control":"no-store"}}"#);
    assert_eq!((r.from_cache, text(&r)), (false, format!("{k}-2")));
    let r = get(&url, "{}");
    assert_eq!((r.from_cache, text(&r)), (true, format!("{k}-1")), "the no-store response was not stored");
    // §5.4: Pragma: no-cache counts only when the request has no Cache-Control
    let k = key("pragma");
    script(&k, json!([{"headers": [["Cache-Control", "max-age=3600"], ["Pragma", "no-cache"]]}]));
    let url = script_url(&k);
    get(&url, "{}");
    assert!(get(&url, "{}").from_cache, "Pragma in a response means nothing");
    let r = get(&url, r#"{"header":{"Pragma":"no-cache","Cache-Control":"nothing-to-see-here"}}"#);
    assert!(r.from_cache && script_hits(&k) == 1, "ignored next to Cache-Control");
    let r = get(&url, r#"{"header":{"Pragma":"no-cache"}}"#);
    assert_eq!((r.from_cache, script_hits(&k)), (false, 2), "alone it is no-cache");
}
