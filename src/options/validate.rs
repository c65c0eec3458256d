//! Validation of option values (401 naming the field).
//!
//! Types are already right (Rust's types, or `json::parse`); this checks values. The first
//! invalid field, in declaration order, is reported as a 401 whose message names it with the
//! camelCase key path used by the JSON form (`clientCert.keyPath`, `header.X-Foo`,
//! `multiFormDataList[1].name`, `certificatePinning[0].hashAlgorithm`, …).
use serde_json::Value;

use super::defaults::{effective_range_position, parse_dns_server, MAX_PRIORITY, MIN_PRIORITY};
use super::{HttpRequestOptions, RequestMethod, UsingProxy};
use crate::error::HttpError;

type Result = std::result::Result<(), HttpError>;

/// Checks every option's value; the first invalid one is a 401 naming it.
///
/// Rules, field by field (unset fields are never an error):
/// * `priority` in [1, 1000].
/// * `header`: names are non-empty RFC 9110 tokens (no spaces, colons, CR/LF or other
///   separators); values are strings, numbers or booleans (an object, array or `null` is an
///   error naming `header.<name>`); string values are RFC 9110 field values: visible
///   characters, spaces, tabs, non-ASCII text, never another control character (CR, LF and NUL
///   would also inject headers or be cut short by curl's C strings). A `Content-Length` must
///   be the body's length (0 without a body), and is refused with a multipart form.
/// * `readTimeout`: any value; 0 = no read timeout. `connectTimeout`: any value; 0 = no
///   timeout of our own, libcurl's built-in connect timeout (300 s) applies.
/// * `usingProxy` (an explicit proxy): `host` non-empty, `port` not 0, each `exclusionList`
///   entry non-empty (after trimming) and without `,` (curl's `NOPROXY` is comma-separated).
/// * `caPath` non-empty.
/// * `resumeFrom`/`resumeTo`: a value outside [1, 2^32] does not take effect (the spec's rule:
///   ignored, not an error), nor do both with any method but GET; when both take effect,
///   `resumeTo < resumeFrom` is an error naming `resumeTo` (`resumeTo == resumeFrom` is a
///   valid one-byte range).
/// * `clientCert`: `certPath` non-empty; `keyPath` may be empty (the spec: "if the certificate
///   contains key information, an empty string is passed": a P12 file, or a PEM file with the
///   certificate and its key); when the key is not there after all, libcurl says so (2300058).
/// * `dnsOverHttps`: an `https://` URL with a host, as libcurl parses it (curl's `DOH_URL`
///   needs HTTPS).
/// * `dnsServers`: invalid entries are skipped, as the spec says; but a non-empty list with no
///   valid entry at all is an error (it would silently fall back to the system resolver).
/// * `maxLimit`: any value; above 100 MiB it is capped at 100 MiB (the spec's maximum: a
///   larger value "does not take effect", as on a device); 0 is allowed (then any non-empty
///   body fails).
/// * `multiFormDataList[i]`: `name` non-empty; `data` or `filePath` present (`filePath`
///   non-empty when it is the one used); `name`, `contentType` and `remoteFileName` without
///   CR, LF or NUL. An empty `contentType` is allowed (curl then chooses).
/// * `certificatePinning[i]`: `hashAlgorithm` exactly `"SHA-256"`; `publicKeyHash` any text
///   without NUL, handed to libcurl as given (as a device does: a value that is not the base64
///   of a SHA-256 digest matches no key, so an https request fails with 2300090, and on http
///   pins do nothing). An empty list is allowed and pins nothing. (A single JSON object is
///   `certificatePinning[0]` here.)
/// * Every string that libcurl receives as a C string (paths, password, host names, URLs)
///   contains no NUL, which would truncate it silently.
/// * `extraData`: anything, for every method. An empty string or an empty ArrayBuffer body on
///   POST/PUT is allowed and sends an empty body; the reference implementation rejects those
///   with 401, which makes an intentionally empty POST impossible.
pub(super) fn check(o: &HttpRequestOptions) -> Result {
    if let Some(p) = o.priority {
        if !(MIN_PRIORITY..=MAX_PRIORITY).contains(&p) {
            return Err(err("priority", format_args!("must be in [1, 1000], got {p}")));
        }
    }
    if let Some(query) = o.query() {
        // a method without a body sends extraData as the URL's query
        no_nul("extraData", &query)?;
    }
    if let Some(header) = &o.header {
        check_header(header)?;
        check_content_length(o)?;
    }
    if let Some(UsingProxy::Proxy(proxy)) = &o.using_proxy {
        non_empty("usingProxy.host", &proxy.host)?;
        if proxy.port == 0 {
            return Err(err("usingProxy.port", "must be in [1, 65535], got 0"));
        }
        // the parse the request will make: what passes here is a proxy libcurl can use
        crate::target::ProxySpec::parse(&proxy.host, Some(proxy.port)).map_err(|why| err("usingProxy.host", why))?;
        for (i, entry) in proxy.exclusion_list.iter().enumerate() {
            let path = format!("usingProxy.exclusionList[{i}]");
            if entry.trim().is_empty() {
                return Err(err(&path, "must not be empty"));
            }
            if entry.contains(',') {
                return Err(err(&path, "must be one host pattern, without ','"));
            }
            no_nul(&path, entry)?;
        }
    }
    if let Some(ca_path) = &o.ca_path {
        non_empty("caPath", ca_path)?;
    }
    let get = o.method() == RequestMethod::Get;
    if let (Some(from), Some(to), true) =
        (effective_range_position(o.resume_from), effective_range_position(o.resume_to), get)
    {
        if to < from {
            return Err(err("resumeTo", format_args!("({to}) must not be less than resumeFrom ({from})")));
        }
    }
    if let Some(cert) = &o.client_cert {
        non_empty("clientCert.certPath", &cert.cert_path)?;
        no_nul("clientCert.keyPath", &cert.key_path)?;
        if let Some(password) = &cert.key_password {
            no_nul("clientCert.keyPassword", password)?;
        }
    }
    if let Some(doh) = &o.dns_over_https {
        crate::target::https_url(doh, "dnsOverHttps")?;
    }
    if let Some(servers) = &o.dns_servers {
        if !servers.is_empty() && !servers.iter().any(|s| parse_dns_server(s).is_some()) {
            return Err(err("dnsServers", "has no valid IPv4 or IPv6 address (such as \"8.8.8.8\" or \"[::1]:5353\")"));
        }
    }
    for (i, part) in o.multi_form_data_list.iter().flatten().enumerate() {
        let path = format!("multiFormDataList[{i}]");
        non_empty(&format!("{path}.name"), &part.name)?;
        header_text(&format!("{path}.name"), &part.name)?;
        header_text(&format!("{path}.contentType"), &part.content_type)?;
        if let Some(remote) = &part.remote_file_name {
            header_text(&format!("{path}.remoteFileName"), remote)?;
        }
        match (&part.data, &part.file_path) {
            (None, None) => return Err(err(&path, "needs data or filePath")),
            (None, Some(file)) => non_empty(&format!("{path}.filePath"), file)?,
            (Some(_), _) => {} // data wins; filePath does not take effect (spec)
        }
    }
    for (i, pin) in o.certificate_pinning.iter().flatten().enumerate() {
        if pin.hash_algorithm != "SHA-256" {
            return Err(err(
                &format!("certificatePinning[{i}].hashAlgorithm"),
                format_args!("must be \"SHA-256\", got {:?}", pin.hash_algorithm),
            ));
        }
        // handed to libcurl as given (`sha256//<hash>`): a hash that is not a digest's base64
        // matches no key, so an https request fails with 2300090 like any mismatch
        no_nul(&format!("certificatePinning[{i}].publicKeyHash"), &pin.public_key_hash)?;
    }
    Ok(())
}

/// A 401 error: "`path` `what`".
fn err(path: &str, what: impl std::fmt::Display) -> HttpError {
    HttpError::parameter(format!("{path} {what}"))
}

/// A string libcurl gets as a C string: non-empty and without NUL.
fn non_empty(path: &str, s: &str) -> Result {
    if s.is_empty() {
        return Err(err(path, "must not be empty"));
    }
    no_nul(path, s)
}

fn no_nul(path: &str, s: &str) -> Result {
    if s.contains('\0') {
        return Err(err(path, "must not contain a NUL character"));
    }
    Ok(())
}

/// Text that ends up in a header line: no CR, LF or NUL.
fn header_text(path: &str, s: &str) -> Result {
    if s.contains(['\r', '\n', '\0']) {
        return Err(err(path, "must not contain CR, LF or NUL characters"));
    }
    Ok(())
}

/// A field value (RFC 9110 §5.5): visible characters, spaces, tabs and obs-text (any non-ASCII
/// UTF-8); every other control character (NUL, CR, LF, 0x01, DEL, …) is refused.
fn field_value(path: &str, s: &str) -> Result {
    if let Some(c) = s.chars().find(|&c| c.is_ascii_control() && c != '\t') {
        return Err(err(
            path,
            format_args!(
                "must not contain the control character {c:?} (RFC 9110: visible characters, spaces and tabs only)"
            ),
        ));
    }
    Ok(())
}

/// `Content-Length` given by the caller must be the body's length: libcurl sends the header as
/// given, and a wrong one desynchronises a kept-alive connection. (Leave it out: libcurl
/// computes it.)
fn check_content_length(o: &HttpRequestOptions) -> Result {
    let Some((name, value)) = o.header.iter().flatten().find(|(k, _)| k.eq_ignore_ascii_case("content-length")) else {
        return Ok(());
    };
    let path = format!("header.{name}");
    let text = crate::options::header_text(value).unwrap_or_default();
    let given: u64 =
        text.trim().parse().map_err(|_| err(&path, format_args!("must be a number of bytes, got {text:?}")))?;
    let multipart = o.multi_form_data_list.is_some();
    let actual = match (&o.extra_data, o.method().has_body()) {
        _ if multipart => {
            return Err(err(&path, "must not be set with multiFormDataList (libcurl computes the form's length)"))
        }
        (Some(extra), true) => extra.to_bytes().len() as u64,
        _ => 0,
    };
    if given != actual {
        return Err(err(
            &path,
            format_args!(
                "({given}) disagrees with the body ({actual} bytes); leave it out and libcurl sends the right one"
            ),
        ));
    }
    Ok(())
}

fn check_header(header: &serde_json::Map<String, Value>) -> Result {
    for (name, value) in header {
        let path = format!("header.{}", name.escape_debug());
        if name.is_empty() {
            return Err(err("header", "has an empty header name"));
        }
        if !name.bytes().all(is_token_char) {
            return Err(err(&path, "is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"));
        }
        match value {
            Value::String(s) => field_value(&path, s)?,
            Value::Number(_) | Value::Bool(_) => {}
            Value::Null | Value::Array(_) | Value::Object(_) => {
                let got = match value {
                    Value::Null => "null",
                    Value::Array(_) => "an array",
                    _ => "an object",
                };
                return Err(err(&path, format_args!("must be a string, a number or a boolean, got {got}")));
            }
        }
    }
    Ok(())
}

/// RFC 9110 `tchar`.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether `s` is the canonical, padded standard base64 of exactly 32 bytes: 43 alphabet
/// characters and `=`. 32 bytes are 256 bits and 43 characters carry 258, so the last
/// character's 2 low bits must be 0 (curl compares the base64 text of the digest, so a
/// non-canonical spelling would never match).
pub(crate) fn is_sha256_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 44 || b[43] != b'=' {
        return false;
    }
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut last = 0;
    for &c in &b[..43] {
        match value(c) {
            Some(v) => last = v,
            None => return false,
        }
    }
    last & 0b11 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{
        CertType, CertificatePinning, ClientCert, ExtraData, HttpProxy, MultiFormData, RequestMethod,
    };
    use serde_json::json;

    const PIN1: &str = "yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=";
    const PIN2: &str = "MngU5pqnDTuMH08fEjwQSKziwQZT29MijhyWGYgBKlU=";

    fn opts() -> HttpRequestOptions {
        HttpRequestOptions::default()
    }

    fn valid(o: HttpRequestOptions) {
        if let Err(e) = check(&o) {
            panic!("{o:?}: {e}");
        }
    }

    /// Asserts a 401 whose message contains every one of `needles`.
    fn invalid(o: HttpRequestOptions, needles: &[&str]) {
        let e = check(&o).expect_err(&format!("{o:?} should be invalid"));
        assert_eq!(e.code(), 401, "{e}");
        assert!(e.message().starts_with("Parameter error: "), "{}", e.message());
        for n in needles {
            assert!(e.message().contains(n), "{:?} lacks {n:?}", e.message());
        }
    }

    #[test]
    fn defaults_are_valid() {
        valid(opts());
    }

    #[test]
    fn via_the_public_method() {
        let o = HttpRequestOptions { priority: Some(0), ..opts() };
        assert_eq!(o.validate().unwrap_err().code(), 401);
    }

    #[test]
    fn priority_range() {
        for p in [1, 500, 1000] {
            valid(HttpRequestOptions { priority: Some(p), ..opts() });
        }
        invalid(HttpRequestOptions { priority: Some(0), ..opts() }, &["priority must be in [1, 1000], got 0"]);
        invalid(HttpRequestOptions { priority: Some(1001), ..opts() }, &["priority", "got 1001"]);
        invalid(HttpRequestOptions { priority: Some(u32::MAX), ..opts() }, &["priority"]);
    }

    fn with_header(v: Value) -> HttpRequestOptions {
        HttpRequestOptions { header: Some(v.as_object().unwrap().clone()), ..opts() }
    }

    #[test]
    fn header_values() {
        valid(with_header(json!({})));
        valid(with_header(json!({"Content-Type": "text/plain", "X-N": 5, "X-F": 1.5,
                                 "X-B": false, "X-Empty": "", "X-Tab": "a\tb"})));
        for (v, got) in [(json!(null), "null"), (json!([1]), "an array"), (json!({"a": 1}), "an object")] {
            invalid(with_header(json!({"X-Bad": v})), &["header.X-Bad must be a string, a number or a boolean", got]);
        }
        for v in ["a\r\nX-Injected: 1", "a\n", "a\rb", "a\0b", "a\u{1}b", "a\u{7f}", "\u{1b}[31m"] {
            invalid(with_header(json!({"X-Bad": v})), &["header.X-Bad must not contain the control character"]);
        }
        valid(with_header(json!({"X-Utf8": "héllo wörld", "X-Tab": "a\tb"})));
    }

    #[test]
    fn content_length_must_agree_with_the_body() {
        let post = |len: Value, body: &str| HttpRequestOptions {
            method: Some(RequestMethod::Post),
            extra_data: Some(ExtraData::String(body.into())),
            header: Some(json!({"Content-Length": len}).as_object().unwrap().clone()),
            ..opts()
        };
        valid(post(json!(10), "0123456789"));
        valid(post(json!("10"), "0123456789"));
        invalid(post(json!(3), "0123456789"), &["header.Content-Length (3) disagrees with the body (10 bytes)"]);
        invalid(post(json!("x"), ""), &["header.Content-Length must be a number"]);
        invalid(with_header(json!({"content-length": 5})), &["disagrees with the body (0 bytes)"]);
        valid(with_header(json!({"content-length": 0})));
        let mut form = post(json!(1), "");
        form.multi_form_data_list = Some(vec![]);
        invalid(form, &["must not be set with multiFormDataList"]);
    }

    #[test]
    fn header_names() {
        valid(with_header(json!({"!#$%&'*+-.^_`|~09azAZ": "ok"})));
        invalid(with_header(json!({"": "v"})), &["header has an empty header name"]);
        for name in ["X Bad", "X:Bad", "X-Bad:", "X\r\nY", "X\nY", "(x)", "x/y", "é", "x\"y", "x\0"] {
            let path = format!("header.{}", name.escape_debug());
            invalid(with_header(json!({ name: "v" })), &[&path, "is not a valid header name"]);
        }
    }

    #[test]
    fn timeouts_accept_any_value() {
        for t in [0, 1, 60_000, u64::MAX] {
            valid(HttpRequestOptions { read_timeout: Some(t), connect_timeout: Some(t), ..opts() });
        }
    }

    fn proxy(host: &str, port: u16, exclusions: &[&str]) -> HttpRequestOptions {
        HttpRequestOptions {
            using_proxy: Some(UsingProxy::Proxy(HttpProxy {
                host: host.into(),
                port,
                exclusion_list: exclusions.iter().map(|s| s.to_string()).collect(),
            })),
            ..opts()
        }
    }

    #[test]
    fn using_proxy() {
        valid(HttpRequestOptions { using_proxy: Some(UsingProxy::Bool(true)), ..opts() });
        valid(HttpRequestOptions { using_proxy: Some(UsingProxy::Bool(false)), ..opts() });
        valid(proxy("proxy.local", 3128, &[]));
        valid(proxy("10.0.0.1", 1, &["*", "*.example.com", "localhost"]));
        invalid(proxy("", 3128, &[]), &["usingProxy.host must not be empty"]);
        invalid(proxy("a\0b", 3128, &[]), &["usingProxy.host must not contain a NUL"]);
        invalid(proxy("p", 0, &[]), &["usingProxy.port must be in [1, 65535], got 0"]);
        for host in ["x\ny", "/dev/null", "!27.0.0.1", "a b"] {
            invalid(proxy(host, 3128, &[]), &["usingProxy.host is not a valid proxy address"]);
        }
        invalid(proxy("gopher://p", 1, &[]), &["usingProxy.host has an unsupported proxy scheme"]);
        invalid(proxy("u:%00@p", 1, &[]), &["usingProxy.host has credentials that do not decode"]);
        valid(proxy("http://user:p%40ss@[::1]", 1, &[]));
        invalid(proxy("p", 1, &["a", ""]), &["usingProxy.exclusionList[1] must not be empty"]);
        invalid(proxy("p", 1, &["  "]), &["usingProxy.exclusionList[0] must not be empty"]);
        invalid(proxy("p", 1, &["a,b"]), &["usingProxy.exclusionList[0] must be one host pattern"]);
        invalid(proxy("p", 1, &["a\0"]), &["usingProxy.exclusionList[0] must not contain a NUL"]);
    }

    #[test]
    fn ca_path() {
        valid(HttpRequestOptions { ca_path: Some("/etc/ssl/ca.pem".into()), ..opts() });
        invalid(HttpRequestOptions { ca_path: Some(String::new()), ..opts() }, &["caPath must not be empty"]);
        invalid(HttpRequestOptions { ca_path: Some("/a\0b".into()), ..opts() }, &["caPath must not contain a NUL"]);
    }

    fn resume(from: Option<u64>, to: Option<u64>) -> HttpRequestOptions {
        HttpRequestOptions { resume_from: from, resume_to: to, ..opts() }
    }

    #[test]
    fn resume_range() {
        let max = 1u64 << 32;
        valid(resume(Some(1), None));
        valid(resume(None, Some(1)));
        valid(resume(Some(10), Some(20)));
        valid(resume(Some(10), Some(10)));
        valid(resume(Some(1), Some(max)));
        // Out of [1, 2^32]: ignored, so never an error and never compared.
        valid(resume(Some(0), None));
        valid(resume(Some(max + 1), Some(u64::MAX)));
        valid(resume(Some(100), Some(0)));
        valid(resume(Some(max + 1), Some(5)));
        invalid(resume(Some(20), Some(10)), &["resumeTo (10) must not be less than resumeFrom (20)"]);
        invalid(resume(Some(max), Some(1)), &["resumeTo"]);
    }

    fn cert(cert_path: &str, cert_type: Option<CertType>, key_path: &str) -> HttpRequestOptions {
        HttpRequestOptions {
            client_cert: Some(ClientCert {
                cert_path: cert_path.into(),
                cert_type,
                key_path: key_path.into(),
                key_password: None,
            }),
            ..opts()
        }
    }

    #[test]
    fn client_cert() {
        valid(cert("/c.pem", None, "/k.pem"));
        valid(cert("/c.pem", Some(CertType::Pem), "/k.pem"));
        valid(cert("/c.der", Some(CertType::Der), "/k.der"));
        valid(cert("/c.p12", Some(CertType::P12), ""));
        valid(cert("/c.p12", Some(CertType::P12), "/k"));
        invalid(cert("", None, "/k"), &["clientCert.certPath must not be empty"]);
        invalid(cert("/c\0", None, "/k"), &["clientCert.certPath must not contain a NUL"]);
        // the key may be in the certificate file (a PEM with both, a P12)
        for t in [None, Some(CertType::Pem), Some(CertType::Der)] {
            valid(cert("/c", t, ""));
        }
        invalid(cert("/c", None, "/k\0"), &["clientCert.keyPath must not contain a NUL"]);
        let mut o = cert("/c", None, "/k");
        o.client_cert.as_mut().unwrap().key_password = Some("p\0w".into());
        invalid(o.clone(), &["clientCert.keyPassword must not contain a NUL"]);
        o.client_cert.as_mut().unwrap().key_password = Some(String::new());
        valid(o);
    }

    fn doh(url: &str) -> HttpRequestOptions {
        HttpRequestOptions { dns_over_https: Some(url.into()), ..opts() }
    }

    #[test]
    fn dns_over_https() {
        for url in [
            "https://dns.google/dns-query",
            "HTTPS://1.1.1.1",
            "https://[::1]:8443/q?x=1",
            "https://u:p@doh.example:443/dns-query",
        ] {
            valid(doh(url));
        }
        for url in [
            "",
            "http://dns.google/dns-query",
            "dns.google",
            "https://",
            "https://:443/",
            "https://a b/",
            "https://a/\n",
            "ftp://x",
            "https://a\0b/",
        ] {
            invalid(doh(url), &["dnsOverHttps must be an https:// URL"]);
        }
    }

    fn dns(list: &[&str]) -> HttpRequestOptions {
        HttpRequestOptions { dns_servers: Some(list.iter().map(|s| s.to_string()).collect()), ..opts() }
    }

    #[test]
    fn dns_servers() {
        valid(dns(&[]));
        valid(dns(&["8.8.8.8"]));
        valid(dns(&["bogus", "[::1]:5353"]));
        valid(dns(&["127.0.0.1:5353", "x", "y", "z"]));
        invalid(dns(&["bogus"]), &["dnsServers has no valid IPv4 or IPv6 address"]);
        invalid(dns(&["", "dns.google", "1.2.3.4:0", "0.0.0.0"]), &["dnsServers"]);
    }

    #[test]
    fn max_limit_any_value() {
        // above 100 MiB it is capped (`max_limit_bytes`), not refused
        for l in [0, 1, 5 * 1024 * 1024, 100 << 20, (100 << 20) + 1, u64::MAX] {
            valid(HttpRequestOptions { max_limit: Some(l), ..opts() });
        }
    }

    fn part(name: &str, data: Option<ExtraData>, file_path: Option<&str>) -> MultiFormData {
        MultiFormData {
            name: name.into(),
            content_type: "text/plain".into(),
            remote_file_name: None,
            data,
            file_path: file_path.map(str::to_string),
        }
    }

    fn form(parts: Vec<MultiFormData>) -> HttpRequestOptions {
        HttpRequestOptions { multi_form_data_list: Some(parts), ..opts() }
    }

    #[test]
    fn multi_form_data_list() {
        let s = |x: &str| Some(ExtraData::String(x.into()));
        valid(form(vec![]));
        valid(form(vec![
            part("a", s("hello"), None),
            part("b", Some(ExtraData::Object(json!({"k": 1}))), None),
            part("c", Some(ExtraData::ArrayBuffer(vec![0, 1, 2])), None),
            part("d", None, Some("/tmp/file")),
            part("e", s(""), Some("")), // data wins; the unused filePath is not checked
            MultiFormData { content_type: String::new(), ..part("f", s("x"), None) },
            MultiFormData { remote_file_name: Some("f.txt".into()), ..part("g", None, Some("/f")) },
        ]));
        let ok = part("ok", s("x"), None);
        invalid(form(vec![ok.clone(), part("", s("x"), None)]), &["multiFormDataList[1].name must not be empty"]);
        invalid(form(vec![part("n", None, None)]), &["multiFormDataList[0] needs data or filePath"]);
        invalid(form(vec![part("n", None, Some(""))]), &["multiFormDataList[0].filePath must not be empty"]);
        invalid(form(vec![part("n", None, Some("/a\0"))]), &["multiFormDataList[0].filePath must not contain"]);
        invalid(form(vec![part("a\r\nb", s("x"), None)]), &["multiFormDataList[0].name must not contain CR"]);
        invalid(
            form(vec![MultiFormData { content_type: "text/plain\r\nX: y".into(), ..ok.clone() }]),
            &["multiFormDataList[0].contentType must not contain CR"],
        );
        invalid(
            form(vec![MultiFormData { remote_file_name: Some("a\nb".into()), ..ok }]),
            &["multiFormDataList[0].remoteFileName must not contain CR"],
        );
    }

    fn pins(list: &[(&str, &str)]) -> HttpRequestOptions {
        HttpRequestOptions {
            certificate_pinning: Some(
                list.iter()
                    .map(|(h, a)| CertificatePinning { public_key_hash: h.to_string(), hash_algorithm: a.to_string() })
                    .collect(),
            ),
            ..opts()
        }
    }

    #[test]
    fn certificate_pinning() {
        valid(pins(&[]));
        valid(pins(&[(PIN1, "SHA-256")]));
        valid(pins(&[(PIN1, "SHA-256"), (PIN2, "SHA-256")]));
        valid(pins(&[("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "SHA-256")]));
        for alg in ["sha-256", "SHA256", "SHA-1", ""] {
            invalid(
                pins(&[(PIN1, "SHA-256"), (PIN2, alg)]),
                &["certificatePinning[1].hashAlgorithm must be \"SHA-256\""],
            );
        }
        let odd_hashes = [
            "",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", // 31 bytes
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 33 bytes
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", // non-canonical final bits
            "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s=", // URL-safe alphabet
            "yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0",  // no padding
            "sha256//yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=",
            " yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=",
            "yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y;=",
            "ÿZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y=",
        ];
        // given to libcurl as they are: they match no key (2300090 on https)
        for h in odd_hashes {
            valid(pins(&[(PIN1, "SHA-256"), (h, "SHA-256")]));
        }
        invalid(
            pins(&[(PIN1, "SHA-256"), ("a\0b", "SHA-256")]),
            &["certificatePinning[1].publicKeyHash must not contain a NUL"],
        );
    }

    #[test]
    fn extra_data_as_a_query_has_no_nul() {
        let query =
            |m| HttpRequestOptions { method: Some(m), extra_data: Some(ExtraData::String("a=1\0".into())), ..opts() };
        invalid(query(RequestMethod::Head), &["extraData must not contain a NUL character"]);
        invalid(query(RequestMethod::Get), &["extraData must not contain a NUL character"]);
        valid(query(RequestMethod::Post));
    }

    #[test]
    fn extra_data_anything_including_empty_bodies() {
        for m in [RequestMethod::Post, RequestMethod::Put, RequestMethod::Get] {
            for d in [
                ExtraData::String(String::new()),
                ExtraData::ArrayBuffer(Vec::new()),
                ExtraData::Object(json!(null)),
                ExtraData::Object(json!([1, "x"])),
            ] {
                valid(HttpRequestOptions { method: Some(m), extra_data: Some(d), ..opts() });
            }
        }
    }

    #[test]
    fn the_first_invalid_field_is_reported() {
        let o =
            HttpRequestOptions { priority: Some(0), max_limit: Some(u64::MAX), ca_path: Some(String::new()), ..opts() };
        invalid(o, &["priority"]);
    }

    #[test]
    fn json_and_validate_together() {
        let o = HttpRequestOptions::from_json(
            r#"{"certificatePinning": {"publicKeyHash": "x", "hashAlgorithm": "SHA-1"}}"#,
        )
        .unwrap();
        invalid(o, &["certificatePinning[0].hashAlgorithm"]);
        let o = HttpRequestOptions::from_json(r#"{"usingProxy": {"host": "p"}}"#).unwrap();
        invalid(o, &["usingProxy.port"]);
        let o = HttpRequestOptions::from_json(r#"{"clientCert": {"keyPath": "/k"}}"#).unwrap();
        invalid(o, &["clientCert.certPath must not be empty"]);
    }
}
