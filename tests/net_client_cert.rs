//! Client certificates against the mTLS httpbin (port 18444, requires a certificate signed by
//! the test CA): PEM, encrypted PEM, DER with a DER key, PKCS#12. Codes as libcurl 7.88.1.
mod common;
mod net_common;
use common::*;
use net_common::*;
use ohos_http::create_http;

fn mtls(client_cert: &str) -> Result<ohos_http::HttpResponse, ohos_http::HttpError> {
    let fields = format!(r#"{},"clientCert":{client_cert}"#, tls());
    create_http().request(&format!("{MTLS}/get"), Some(opts_with(&fields)))
}

#[test]
fn pem_certificate_and_key() {
    testbed!();
    let r = mtls(&format!(r#"{{"certPath":"{}","keyPath":"{}"}}"#, cert("client.pem"), cert("client.key"))).unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn one_pem_file_with_certificate_and_key_and_an_empty_key_path() {
    testbed!();
    // the spec: "If the certificate contains key information, an empty string is passed"
    let dir = std::env::temp_dir().join(format!("ohos-http-combined-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let combined = dir.join("client-and-key.pem");
    let pem =
        std::fs::read_to_string(cert("client.pem")).unwrap() + &std::fs::read_to_string(cert("client.key")).unwrap();
    std::fs::write(&combined, pem).unwrap();
    let r = mtls(&format!(r#"{{"certPath":"{}","keyPath":""}}"#, combined.display())).unwrap();
    assert_eq!(r.response_code, 200);
    // a certificate without its key and no keyPath: libcurl says the key is missing
    let e = mtls(&format!(r#"{{"certPath":"{}","keyPath":""}}"#, cert("client.pem"))).unwrap_err();
    assert_eq!(e.code(), 2_300_058, "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn pem_with_an_encrypted_key_and_its_password() {
    testbed!();
    let r = mtls(&format!(
        r#"{{"certPath":"{}","keyPath":"{}","keyPassword":"secret"}}"#,
        cert("client.pem"),
        cert("client-enc.key")
    ))
    .unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn der_certificate_with_a_der_key() {
    testbed!();
    // the key's format follows certType
    let r = mtls(&format!(
        r#"{{"certPath":"{}","certType":"DER","keyPath":"{}"}}"#,
        cert("client.der"),
        cert("client.key.der")
    ))
    .unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn p12_carries_the_key() {
    testbed!();
    let r = mtls(&format!(
        r#"{{"certPath":"{}","certType":"P12","keyPath":"","keyPassword":"secret"}}"#,
        cert("client.p12")
    ))
    .unwrap();
    assert_eq!(r.response_code, 200);
}

#[test]
fn wrong_password_is_2300058() {
    testbed!();
    // 127.0.0.1, a host name no other test here uses: libcurl 7.88 matches idle connections
    // by certificate file, not by key or password, so a connection the other tests left to
    // localhost:18444 (made with the right password) would be reused without loading the key.
    let http = create_http();
    let fail = |client_cert: String| {
        let fields = format!(r#"{},"clientCert":{client_cert}"#, tls());
        http.request("https://127.0.0.1:18444/get", Some(opts_with(&fields))).unwrap_err()
    };
    let e = fail(format!(
        r#"{{"certPath":"{}","keyPath":"{}","keyPassword":"wrong"}}"#,
        cert("client.pem"),
        cert("client-enc.key")
    ));
    assert_eq!(e.code(), 2_300_058, "{e}");
    assert!(e.message().starts_with("Local SSL certificate error"), "{e}");
    let e =
        fail(format!(r#"{{"certPath":"{}","certType":"P12","keyPath":"","keyPassword":"wrong"}}"#, cert("client.p12")));
    assert_eq!(e.code(), 2_300_058, "{e}");
    // no password for the encrypted key
    let e = fail(format!(r#"{{"certPath":"{}","keyPath":"{}"}}"#, cert("client.pem"), cert("client-enc.key")));
    assert_eq!(e.code(), 2_300_058, "{e}");
}

#[test]
fn no_certificate_for_a_server_that_requires_one_is_2300056_on_curl_7_88() {
    testbed!();
    // TLS 1.3: the handshake completes on the client's side and the server's alert arrives
    // with the first read, which libcurl 7.88.1 reports as CURLE_RECV_ERROR (56).
    let e = create_http().request(&format!("{MTLS}/get"), Some(opts_with(&tls()))).unwrap_err();
    assert_eq!(e.code(), 2_300_056, "{e}");
}

#[test]
fn an_encrypted_key_without_its_password_never_reads_stdin() {
    testbed!();
    // Without a password OpenSSL's default callback reads the pass phrase from the terminal or
    // stdin, which held the reactor (and every transfer) until that input closed. The request
    // runs in a child process whose stdin is a pipe this test keeps open and never writes to.
    const CHILD: &str = "OHOS_HTTP_TEST_CHILD_NO_PASSWORD";
    if std::env::var_os(CHILD).is_some() {
        let fields = format!(
            r#"{},"clientCert":{{"certPath":"{}","keyPath":"{}"}}"#,
            tls(),
            cert("client.pem"),
            cert("client-enc.key")
        );
        let e = create_http().request("https://127.0.0.1:18444/get", Some(opts_with(&fields))).unwrap_err();
        assert_eq!(e.code(), 2_300_058, "{e}");
        return;
    }
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "an_encrypted_key_without_its_password_never_reads_stdin", "--nocapture"])
        .env(CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the request waited for a pass phrase on stdin");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the child ran no test: {text}");
    assert!(!text.contains("pass phrase"), "OpenSSL asked for a pass phrase: {text}");
}
