//! The trust boundary, part 1: only http and https, for the first URL and for every
//! redirect, refused before any I/O with 2300001; the URL the library checks is the URL
//! libcurl uses (one slash after the scheme, two `Location` fields, no scheme at all).
mod common;
use common::*;
use ohos_http::{create_http, HttpError};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A listener nobody should ever connect to; `untouched` checks that nobody did.
struct Watched(TcpListener);

impl Watched {
    fn new() -> Watched {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Watched(l)
    }

    fn port(&self) -> u16 {
        self.0.local_addr().unwrap().port()
    }

    fn untouched(&self) -> bool {
        matches!(self.0.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }
}

fn unsupported(e: &HttpError, what: &str) {
    assert_eq!(e.code(), 2_300_001, "{what}: {e}");
    assert!(e.message().starts_with("Unsupported protocol"), "{what}: {e}");
}

#[test]
fn other_protocols_are_refused_before_any_io() {
    testbed!();
    let http = create_http();
    let watched = Watched::new();
    let port = watched.port();
    let urls = [
        "file:///etc/hostname".to_string(),
        "FILE:///etc/passwd".to_string(),
        format!("gopher://127.0.0.1:{port}/_GET%20/%20HTTP/1.0%0D%0A%0D%0A"),
        format!("dict://127.0.0.1:{port}/d:word"),
        format!("ftp://127.0.0.1:{port}/pub/file"),
        format!("telnet://127.0.0.1:{port}"),
        format!("ldap://127.0.0.1:{port}/"),
        format!("HtTpX://127.0.0.1:{port}/"),
    ];
    for url in &urls {
        let started = Instant::now();
        unsupported(&http.request(url, None).unwrap_err(), url);
        unsupported(&http.request_in_stream(url, None).unwrap_err(), url);
        unsupported(&block_on(http.request_async(url, None)).unwrap_err(), url);
        assert!(started.elapsed() < Duration::from_secs(5), "{url} took {:?}", started.elapsed());
    }
    assert!(watched.untouched(), "something connected to the watched port");
    // schemes are case-insensitive the other way round too
    assert_eq!(http.request("HTTP://127.0.0.1:18080/get", None).unwrap().response_code, 200);
}

#[test]
fn a_redirect_to_another_protocol_fails_at_once() {
    testbed!();
    let http = create_http();
    let watched = Watched::new();
    let port = watched.port();
    for scheme in ["file", "ftp", "gopher", "dict", "telnet"] {
        let started = Instant::now();
        let url = format!("{FAULT}/to-scheme/{scheme}?port={port}");
        let e = http.request(&url, None).unwrap_err();
        unsupported(&e, scheme);
        assert!(!e.message().contains("root:"), "a file's content leaked: {e}");
        // long before any timeout (the default is 60 s)
        assert!(started.elapsed() < Duration::from_secs(5), "{scheme} took {:?}", started.elapsed());
        let e = http.request_in_stream(&url, None).unwrap_err();
        unsupported(&e, scheme);
    }
    assert!(watched.untouched(), "a refused redirect connected anyway");
}

#[test]
fn a_silent_server_on_a_refused_scheme_never_stalls_other_transfers() {
    testbed!();
    // telnet:// to a server that never speaks used to block the reactor inside curl.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let http = create_http();
    let (tx, rx) = std::sync::mpsc::channel();
    http.request_with_callback(&format!("telnet://127.0.0.1:{port}"), None, move |r| {
        let _ = tx.send(r.map(|r| r.response_code));
    });
    let started = Instant::now();
    let r = http.request(&format!("{HTTPBIN}/get"), None).unwrap();
    assert_eq!(r.response_code, 200);
    assert!(started.elapsed() < Duration::from_secs(5), "an unrelated GET took {:?}", started.elapsed());
    let e = rx.recv_timeout(Duration::from_secs(5)).unwrap().unwrap_err();
    unsupported(&e, "telnet");
}

#[test]
fn a_url_without_a_scheme_is_http_never_a_guessed_protocol() {
    testbed!();
    // libcurl would guess DICT for a host starting with "dict." and FTP for "ftp.".
    let http = create_http();
    for host in ["dict.localhost", "ftp.localhost", "localhost"] {
        let r = http.request(&format!("{host}:18090/echo"), None).unwrap();
        assert_eq!(r.response_code, 200, "{host}");
        let echo = json(&r);
        assert_eq!(echo["method"], "GET", "{host}: {echo}");
        assert_eq!(echo["version"], "HTTP/1.1", "{host}: an HTTP request, not another protocol");
    }
}

#[test]
fn the_url_checked_is_the_url_requested() {
    testbed!();
    // One slash after the scheme: libcurl reads a host after it, and so does the library.
    let http = create_http();
    let r = http.request("http:/127.0.0.1:18090/echo", None).unwrap();
    assert_eq!(json(&r)["path"], "/echo");
    // A redirect with two Location fields goes where libcurl would go: the first one.
    let first = urlencode(&format!("{FAULT}/echo?which=first"));
    let second = urlencode(&format!("{FAULT}/echo?which=second"));
    let r = http.request(&format!("{FAULT}/locations?first={first}&second={second}"), None).unwrap();
    assert_eq!(json(&r)["query"]["which"], "first");
    // A one-slash Location is resolved by libcurl, not as a relative path.
    let r = http
        .request(&format!("{FAULT}/status/302?location=http:/localhost:18090/echo%3Fvia%3Done-slash"), None)
        .unwrap();
    let echo = json(&r);
    assert_eq!((echo["path"].as_str(), echo["query"]["via"].as_str()), (Some("/echo"), Some("one-slash")), "{echo}");
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
