//! Fuzz targets of ohos-http's parsers, with the invariants every input must keep.
//!
//! Two targets, each fed raw bytes (the JSON text a caller or a C host would pass):
//!
//! * **options**: `HttpRequestOptions::from_json` then `validate()`, and the C ABI's
//!   `ohos_http_options_parse` on the same text (up to its first NUL);
//! * **policy**: `NetworkPolicy::from_json` (plus the lookups of a parsed policy), and the C
//!   ABI's `ohos_http_policy_set_json` (reset right after).
//!
//! Invariants (a broken one is a [`Violation`]):
//! 1. nothing panics, on any thread (a panic hook counts them, also those the library
//!    catches at its boundary and turns into 2300999);
//! 2. every error is code 401 and its message starts with `Parameter error`;
//! 3. the C ABI agrees with the Rust API: same verdict, same code, same message; on success
//!    an object and no error, on failure an error and no object;
//! 4. (request phase, [`request_options`] / [`request_policy`]) options that parse and
//!    validate, or a policy that parses, can start a request against a refused local port
//!    (`127.0.0.1:1`) through the Rust API (blocking, stream) or the C ABI: it ends in an
//!    error (never a success: nothing listens there), never 2300999, a 401 as in 2.
//!    The driver bounds its time (hang watchdog).
//! 5. (`Config::strict_validate`, on in the driver unless `--lenient-validate`) options that
//!    pass `validate()` are not rejected with 401 when the request starts: `validate()`
//!    checks everything.
pub mod mutate;
pub mod panics;

use ohos_http::ffi::{
    ohos_http_create, ohos_http_destroy, ohos_http_error_code, ohos_http_error_detail, ohos_http_error_free,
    ohos_http_error_t, ohos_http_options_free, ohos_http_options_parse, ohos_http_options_t, ohos_http_policy_reset,
    ohos_http_policy_set_json, ohos_http_request, ohos_http_request_opts, ohos_http_response_free,
    ohos_http_response_t,
};
use ohos_http::{ExtraData, HttpError, HttpRequestOptions, NetworkPolicy, UsingProxy};
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::null_mut;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Which parser a target drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `HttpRequestOptions::from_json` + `validate()` + `ohos_http_options_parse`.
    Options,
    /// `NetworkPolicy::from_json` + `ohos_http_policy_set_json`.
    Policy,
}

impl Target {
    /// The target's name (also its corpus folder).
    pub fn name(self) -> &'static str {
        match self {
            Target::Options => "options",
            Target::Policy => "policy",
        }
    }

    /// From a name.
    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "options" => Some(Target::Options),
            "policy" => Some(Target::Policy),
            _ => None,
        }
    }
}

/// A broken invariant: which one, and what happened.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Short kind ("panic", "error code", "C ABI disagrees", …).
    pub kind: &'static str,
    /// What was seen.
    pub detail: String,
}

fn violation(kind: &'static str, detail: impl Into<String>) -> Violation {
    Violation { kind, detail: detail.into() }
}

/// What an input did (when it broke nothing).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// A coarse description of the behaviour (error kind, or which fields parsed): inputs with
    /// a signature not seen before are kept in the corpus.
    pub signature: String,
    /// The input parsed (and, for options, validated): it may go on to the request phase.
    pub accepted: bool,
}

/// Knobs of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Config {
    /// Plant a bug in the options target (a panic for `priority` 999 after validation) to
    /// show that the driver finds and reports violations.
    pub self_test: bool,
    /// Invariant 5 (the driver turns it on unless `--lenient-validate`): options that pass
    /// `validate()` are never rejected with 401 when a request starts.
    pub strict_validate: bool,
}

/// Runs `f`, turning a panic (here or, via the hook, on any thread meanwhile) into a violation.
fn guarded<T>(f: impl FnOnce() -> Result<T, Violation>) -> Result<T, Violation> {
    let before = panics::count();
    let r = catch_unwind(AssertUnwindSafe(f));
    let seen = panics::count() != before;
    match r {
        Err(_) => Err(violation("panic", panics::last().unwrap_or_default())),
        Ok(_) if seen => Err(violation("panic (caught inside the library)", panics::last().unwrap_or_default())),
        Ok(r) => r,
    }
}

/// Invariant 2: code 401, message starting with "Parameter error".
fn expect_parameter_error(e: &HttpError, step: &str) -> Result<(), Violation> {
    if e.code() != 401 {
        return Err(violation(
            "error code",
            format!("{step} failed with code {} (not 401): {}", e.code(), e.message()),
        ));
    }
    if !e.message().starts_with("Parameter error") {
        return Err(violation(
            "error message",
            format!("{step}: 401 whose message lacks the prefix: {:?}", e.message()),
        ));
    }
    Ok(())
}

/// An error message with its variable parts (numbers, quoted text) blanked, cut short: a
/// behaviour signature.
pub fn normalize(msg: &str) -> String {
    // Header names are the caller's text, unquoted: `header.<name> is not a valid …`.
    let owned;
    let msg = match msg.find("header.") {
        Some(i) => {
            let rest = &msg[i + 7..];
            let end = [" is ", " must ", " contains ", " has ", " may "]
                .iter()
                .filter_map(|p| rest.find(p))
                .min()
                .unwrap_or(rest.len());
            owned = format!("{}header.*{}", &msg[..i], &rest[end..]);
            &owned
        }
        None => msg,
    };
    let mut out = String::new();
    let mut quoted = false;
    let mut escaped = false;
    let mut last_digit = false;
    for c in msg.chars() {
        // quoted text is Rust's `{:?}` of the caller's string: `\"` does not end it
        if quoted && (escaped || c == '\\') {
            escaped = !escaped && c == '\\';
            continue;
        }
        if c == '"' {
            quoted = !quoted;
            if quoted {
                out.push_str("\"_\"");
            }
            continue;
        }
        if quoted {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
            continue;
        }
        // a number's sign, point and exponent are part of it: "-1.5e+3" is "#"
        if last_digit && matches!(c, '.' | 'e' | 'E' | '+' | '-') {
            continue;
        }
        if c == '-' && out.ends_with(' ') {
            continue;
        }
        last_digit = false;
        out.push(c);
        if out.len() >= 90 {
            break;
        }
    }
    out
}

/// What kind of options parsed, in one short string: how many plain fields are set
/// (bucketed), which structured ones, the extraData and proxy kinds, and whether the method
/// sends a body. Few enough combinations (< 4,000) for the corpus to stay small.
fn shape(o: &HttpRequestOptions) -> String {
    let plain = [
        o.method.is_some(),
        o.expect_data_type.is_some(),
        o.using_cache.is_some(),
        o.priority.is_some(),
        o.header.is_some(),
        o.read_timeout.is_some(),
        o.connect_timeout.is_some(),
        o.using_protocol.is_some(),
        o.ca_path.is_some(),
        o.resume_from.is_some(),
        o.resume_to.is_some(),
        o.max_limit.is_some(),
    ];
    let n = plain.iter().filter(|&&b| b).count();
    let mut s = String::from(match n {
        0 => "0",
        1..=3 => "few",
        _ => "many",
    });
    s.push(' ');
    let structured = [
        (o.client_cert.is_some(), 'C'),
        (o.dns_over_https.is_some(), 'D'),
        (o.dns_servers.is_some(), 'S'),
        (o.multi_form_data_list.is_some(), 'M'),
        (o.certificate_pinning.is_some(), 'P'),
    ];
    for (set, c) in structured {
        if set {
            s.push(c);
        }
    }
    s.push(match &o.extra_data {
        None => '-',
        Some(ExtraData::String(_)) => 's',
        Some(ExtraData::Object(_)) => 'j',
        Some(ExtraData::ArrayBuffer(_)) => 'b',
    });
    s.push(match &o.using_proxy {
        None => '-',
        Some(UsingProxy::Bool(false)) => '0',
        Some(UsingProxy::Bool(true)) => '1',
        Some(UsingProxy::Proxy(_)) => 'x',
    });
    if o.method.is_some_and(|m| m.has_body()) {
        s.push_str(" body");
    }
    s
}

/// The bytes a C host would pass: up to the first NUL.
fn c_text(input: &[u8]) -> CString {
    let end = input.iter().position(|&b| b == 0).unwrap_or(input.len());
    CString::new(&input[..end]).expect("no NUL before end")
}

/// Code and message of a C error object (which must exist).
unsafe fn c_error(err: *const ohos_http_error_t) -> (i32, String) {
    let code = unsafe { ohos_http_error_code(err) };
    let mut msg: *const c_char = std::ptr::null();
    let mut len = 0usize;
    let rc = unsafe { ohos_http_error_detail(err, &mut msg, &mut len) };
    let text = if rc == 0 && !msg.is_null() {
        // SAFETY: the library gives `len` bytes of UTF-8 at `msg`, alive until the free.
        String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(msg.cast::<u8>(), len) }).into_owned()
    } else {
        format!("<ohos_http_error_detail returned {rc}>")
    };
    (code, text)
}

/// What the C ABI must answer for a text, by the Rust API's verdict on it.
enum Expect {
    /// Accept it.
    Accept,
    /// Reject it with exactly this 401 message.
    Reject(String),
    /// Reject it with some 401 (invalid UTF-8: the boundary's own message).
    RejectAny,
}

impl Expect {
    fn from<T>(r: &Result<T, HttpError>) -> Expect {
        match r {
            Ok(_) => Expect::Accept,
            Err(e) => Expect::Reject(e.message().to_string()),
        }
    }
}

/// The text up to the first NUL as a C host passes it, when it differs from `input` as a
/// whole (`None`: same text), as `Err(())` when it is not UTF-8.
fn c_prefix(input: &[u8]) -> Option<Result<&str, ()>> {
    let end = input.iter().position(|&b| b == 0).unwrap_or(input.len());
    match std::str::from_utf8(&input[..end]) {
        Ok(_) if end == input.len() => None,
        Ok(s) => Some(Ok(s)),
        Err(_) => Some(Err(())),
    }
}

/// Invariant 3 for one C call: `rc`, the out-object and the error object against `expect`.
/// Frees `err`.
unsafe fn compare_c(
    what: &str,
    rc: i32,
    has_object: Option<bool>,
    err: *mut ohos_http_error_t,
    expect: &Expect,
) -> Result<(), Violation> {
    let result = (|| {
        if rc == 0 {
            if !err.is_null() {
                return Err(violation("C ABI out-params", format!("{what} returned 0 and an error object")));
            }
            if has_object == Some(false) {
                return Err(violation("C ABI out-params", format!("{what} returned 0 and no object")));
            }
            return match expect {
                Expect::Accept => Ok(()),
                Expect::Reject(m) => {
                    Err(violation("C ABI disagrees", format!("{what} accepted what Rust rejects: {m}")))
                }
                Expect::RejectAny => Err(violation("C ABI disagrees", format!("{what} accepted invalid UTF-8"))),
            };
        }
        if has_object == Some(true) {
            return Err(violation("C ABI out-params", format!("{what} returned {rc} and an object")));
        }
        if err.is_null() {
            return Err(violation("C ABI out-params", format!("{what} returned {rc} without an error object")));
        }
        let (code, msg) = unsafe { c_error(err) };
        if rc != 401 || code != rc {
            return Err(violation("error code", format!("{what} returned {rc}, error object {code}: {msg}")));
        }
        if !msg.starts_with("Parameter error") {
            return Err(violation("error message", format!("{what}: 401 whose message lacks the prefix: {msg:?}")));
        }
        match expect {
            Expect::Accept => Err(violation("C ABI disagrees", format!("{what} rejected what Rust accepts: {msg}"))),
            Expect::Reject(m) if *m != msg => {
                Err(violation("C ABI disagrees", format!("{what} says {msg:?}, the Rust API {m:?}")))
            }
            _ => Ok(()),
        }
    })();
    // SAFETY: NULL or an error object from the library, freed once.
    unsafe { ohos_http_error_free(err) };
    result
}

/// Options parse → validate (→ planted bug in self-test) for `text`.
fn rust_options(text: &str, config: Config) -> Result<Result<HttpRequestOptions, HttpError>, Violation> {
    let opts = match HttpRequestOptions::from_json(text) {
        Err(e) => {
            expect_parameter_error(&e, "from_json")?;
            return Ok(Err(e));
        }
        Ok(o) => o,
    };
    if let Err(e) = opts.validate() {
        expect_parameter_error(&e, "validate")?;
        return Ok(Err(e));
    }
    if config.self_test && opts.priority == Some(999) {
        panic!("self-test: planted bug (priority 999 passed validation)");
    }
    Ok(Ok(opts))
}

/// The options target (invariants 1–3).
pub fn check_options(input: &[u8], config: Config) -> Result<Outcome, Violation> {
    guarded(|| {
        let text = String::from_utf8_lossy(input);
        let verdict = rust_options(&text, config)?;
        let (signature, accepted) = match &verdict {
            Err(e) => (format!("err {}", normalize(e.message())), false),
            Ok(o) => (format!("ok {}", shape(o)), true),
        };
        // The C ABI on the same text (up to a NUL, as C sees it).
        let expect = match c_prefix(input) {
            None => Expect::from(&verdict),
            Some(Ok(prefix)) => Expect::from(&rust_options(prefix, config)?),
            Some(Err(())) => Expect::RejectAny,
        };
        let c = c_text(input);
        let mut opts: *mut ohos_http_options_t = null_mut();
        let mut err: *mut ohos_http_error_t = null_mut();
        // SAFETY: a NUL-terminated string and writable out-pointers.
        let rc = unsafe { ohos_http_options_parse(c.as_ptr(), &mut opts, &mut err) };
        let checked = unsafe { compare_c("ohos_http_options_parse", rc, Some(!opts.is_null()), err, &expect) };
        unsafe { ohos_http_options_free(opts) };
        checked?;
        Ok(Outcome { signature, accepted })
    })
}

/// Time limits put on options before the request phase: every request ends within a few
/// seconds whatever the input says (a refused port fails at once; a DNS server or proxy
/// that does not answer waits at most the connect timeout).
fn bounded(mut o: HttpRequestOptions) -> HttpRequestOptions {
    o.connect_timeout = Some(o.connect_timeout.unwrap_or(1000).clamp(1, 1000));
    o.read_timeout = Some(o.read_timeout.filter(|&t| t > 0).unwrap_or(2000).min(2000));
    o
}

/// The URL of the request phase: nothing listens on port 1 of loopback.
fn refused_url(variant: u64) -> &'static str {
    match variant % 3 {
        0 => "http://127.0.0.1:1/fuzz?x=1",
        1 => "https://127.0.0.1:1/",
        _ => "http://localhost:1/a%20b",
    }
}

thread_local! {
    static LAST_REQUEST_MESSAGE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The error message of this thread's last request-phase request (for `repro`).
pub fn last_request_message() -> String {
    LAST_REQUEST_MESSAGE.with(|m| m.borrow().clone())
}

/// Invariant 4 for a request's error.
fn expect_request_error(what: &str, code: u32, message: &str) -> Result<String, Violation> {
    LAST_REQUEST_MESSAGE.with(|m| *m.borrow_mut() = message.to_string());
    if code == 401 && !message.starts_with("Parameter error") {
        return Err(violation("error message", format!("{what}: 401 whose message lacks the prefix: {message:?}")));
    }
    let known = matches!(code, 401 | 201 | 2_300_997 | 2_300_998) || (2_300_001..=2_300_099).contains(&code);
    if !known {
        return Err(violation("error code", format!("{what} failed with code {code}: {message}")));
    }
    Ok(format!("{what} {code}"))
}

/// `0` for "it did not fail": a request to a refused port must not succeed.
fn unexpected_success(what: &str, detail: impl std::fmt::Display) -> Violation {
    violation("request succeeded", format!("{what} to a refused port succeeded: {detail}"))
}

/// The request phase of an accepted options input (invariant 4). `variant` picks the API
/// (Rust blocking, Rust stream, C `_opts`, C JSON) and the URL.
pub fn request_options(input: &[u8], variant: u64, config: Config) -> Result<String, Violation> {
    guarded(|| {
        let text = String::from_utf8_lossy(input);
        let Ok(opts) = HttpRequestOptions::from_json(&text) else { return Ok("not parsed".into()) };
        if opts.validate().is_err() {
            return Ok("not valid".into());
        }
        let opts = bounded(opts);
        let url = refused_url(variant);
        let http = ohos_http::create_http();
        let sig = match (variant / 3) % 3 {
            0 => match http.request(url, Some(opts)) {
                Ok(r) => return Err(unexpected_success("request", r.response_code)),
                Err(e) => expect_request_error("request", e.code(), e.message())?,
            },
            1 => match http.request_in_stream(url, Some(opts)) {
                Ok(code) => return Err(unexpected_success("request_in_stream", code)),
                Err(e) => expect_request_error("request_in_stream", e.code(), e.message())?,
            },
            _ => request_c(url, &text)?,
        };
        if variant % 2 == 0 {
            http.destroy();
        }
        if config.strict_validate && sig.ends_with(" 401") && !sig.contains("rejected") {
            return Err(violation(
                "late 401",
                format!(
                    "options that passed validate() were rejected when the request started: {}",
                    last_request_message()
                ),
            ));
        }
        Ok(sig)
    })
}

/// The request phase through the C ABI: the text with `bounded`'s limits merged in, parsed
/// by `ohos_http_options_parse` and sent with `ohos_http_request_opts`; a merged text the
/// parser rejects goes to `ohos_http_request` as JSON instead (which must then fail with 401).
fn request_c(url: &str, text: &str) -> Result<String, Violation> {
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Ok("c: not an object".into());
    };
    let connect = map.get("connectTimeout").and_then(|v| v.as_u64()).unwrap_or(1000).clamp(1, 1000);
    let read = map.get("readTimeout").and_then(|v| v.as_u64()).filter(|&t| t > 0).unwrap_or(2000).min(2000);
    map.insert("connectTimeout".into(), connect.into());
    map.insert("readTimeout".into(), read.into());
    let Ok(json) = CString::new(serde_json::Value::Object(map).to_string()) else {
        return Ok("c: NUL in the text".into());
    };
    let url_c = CString::new(url).expect("no NUL");
    let mut handle = null_mut();
    // SAFETY: writable out-pointer.
    if unsafe { ohos_http_create(&mut handle) } != 0 {
        return Err(violation("C ABI", "ohos_http_create failed"));
    }
    let mut opts: *mut ohos_http_options_t = null_mut();
    let mut resp: *mut ohos_http_response_t = null_mut();
    let mut err: *mut ohos_http_error_t = null_mut();
    let what;
    // SAFETY: a live handle, NUL-terminated strings, writable out-pointers.
    let rc = unsafe {
        if ohos_http_options_parse(json.as_ptr(), &mut opts, null_mut()) == 0 {
            what = "ohos_http_request_opts";
            let rc = ohos_http_request_opts(handle, url_c.as_ptr(), opts, &mut resp, &mut err);
            ohos_http_options_free(opts);
            rc
        } else {
            what = "ohos_http_request (options rejected)";
            ohos_http_request(handle, url_c.as_ptr(), json.as_ptr(), &mut resp, &mut err)
        }
    };
    let result = (|| {
        if rc == 0 {
            return Err(unexpected_success(what, "status 0"));
        }
        if !resp.is_null() {
            return Err(violation("C ABI out-params", format!("{what} returned {rc} and a response")));
        }
        if err.is_null() {
            return Err(violation("C ABI out-params", format!("{what} returned {rc} without an error object")));
        }
        // SAFETY: a live error object.
        let (code, msg) = unsafe { c_error(err) };
        if code != rc {
            return Err(violation("error code", format!("{what} returned {rc}, error object {code}: {msg}")));
        }
        if what.contains("rejected") && rc != 401 {
            return Err(violation("error code", format!("{what}: options the parser rejects gave {rc}: {msg}")));
        }
        expect_request_error(what, rc as u32, &msg)
    })();
    // SAFETY: objects from the library (or NULL), freed once.
    unsafe {
        ohos_http_response_free(resp);
        ohos_http_error_free(err);
        ohos_http_destroy(&mut handle);
    }
    result
}

/// Strings anywhere in a JSON value (host names to look up in a parsed policy).
fn strings_in(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if out.len() < 64 => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
}

/// The policy target (invariants 1–3): parse, look hosts up in the parsed policy, and the
/// C ABI's setter on the same text (the policy is reset right after).
pub fn check_policy(input: &[u8]) -> Result<Outcome, Violation> {
    guarded(|| {
        let text = String::from_utf8_lossy(input);
        let verdict = NetworkPolicy::from_json(&text);
        let (signature, accepted) = match &verdict {
            Err(e) => {
                expect_parameter_error(e, "NetworkPolicy::from_json")?;
                (format!("err {}", normalize(e.message())), false)
            }
            Ok(p) => {
                let mut hosts: Vec<String> =
                    ["localhost", "127.0.0.1", "::1", "[::1]", "test.example", "a.b.test.example", "", ".", "X."]
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                    let mut found = Vec::new();
                    strings_in(&v, &mut found);
                    for s in found {
                        hosts.push(format!("sub.{s}"));
                        hosts.push(s.to_uppercase());
                        hosts.push(s);
                    }
                }
                let (mut allowed, mut cleartext, mut pinned) = (0, 0, 0);
                let far = UNIX_EPOCH + Duration::from_secs(4_102_444_800); // 2100-01-01
                for h in &hosts {
                    allowed += usize::from(p.allows_host(h));
                    cleartext += usize::from(p.cleartext_permitted_for(h));
                    pinned += usize::from(!p.pins_for(h, SystemTime::now()).is_empty());
                    pinned += usize::from(!p.pins_for(h, UNIX_EPOCH).is_empty());
                    pinned += usize::from(!p.pins_for(h, far).is_empty());
                    let _ = p.rule_for(h);
                }
                let sig = format!(
                    "ok domains={} allowed={} cleartext={} pinned={} internet={}",
                    p.domains.len().min(3),
                    allowed.min(3),
                    cleartext.min(3),
                    pinned.min(3),
                    p.internet_allowed
                );
                (sig, true)
            }
        };
        let expect = match c_prefix(input) {
            None => Expect::from(&verdict),
            Some(Ok(prefix)) => Expect::from(&NetworkPolicy::from_json(prefix)),
            Some(Err(())) => Expect::RejectAny,
        };
        let c = c_text(input);
        let mut err: *mut ohos_http_error_t = null_mut();
        // SAFETY: NUL-terminated text and a writable out-pointer.
        let rc = unsafe { ohos_http_policy_set_json(c.as_ptr(), &mut err) };
        let checked = unsafe { compare_c("ohos_http_policy_set_json", rc, None, err, &expect) };
        ohos_http_policy_reset();
        checked?;
        Ok(Outcome { signature, accepted })
    })
}

/// The request phase of an accepted policy (invariant 4): the policy is set, a request goes
/// to a refused port (blocked by the policy or refused), then the policy is reset.
pub fn request_policy(input: &[u8], variant: u64) -> Result<String, Violation> {
    guarded(|| {
        let text = String::from_utf8_lossy(input);
        let Ok(policy) = NetworkPolicy::from_json(&text) else { return Ok("not parsed".into()) };
        ohos_http::set_network_policy(policy);
        let opts = bounded(HttpRequestOptions::default());
        let url = match variant % 3 {
            0 => "http://127.0.0.1:1/",
            1 => "https://localhost:1/",
            _ => "http://test.example:1/",
        };
        let r = ohos_http::create_http().request(url, Some(opts));
        ohos_http::reset_network_policy();
        match r {
            Ok(r) => Err(unexpected_success("request under a policy", r.response_code)),
            Err(e) => expect_request_error("request under a policy", e.code(), e.message()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_blanks_numbers_and_quotes() {
        assert_eq!(normalize("Parameter error: priority must be in [1, 1000], got 5000"), {
            "Parameter error: priority must be in [#, #], got #".to_string()
        });
        assert_eq!(normalize(r#"x "abc" y"#), r#"x "_" y"#);
        assert_eq!(normalize("got -1.5e+30, not 2"), "got #, not #");
        assert_eq!(normalize(r#"must be "PEM", got "a\"b\\" (x)"#), r#"must be "_", got "_" (x)"#);
        assert_eq!(
            normalize("Parameter error: header.a b must be a string"),
            "Parameter error: header.* must be a string"
        );
    }

    /// The panic count is process-wide: the test that plants a panic must not run while
    /// another test checks that none happened.
    static PANICS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn seeds_of_the_spec_are_accepted() {
        let _alone = PANICS.lock().unwrap_or_else(|e| e.into_inner());
        panics::install(false);
        let full = include_bytes!("../corpus/options/spec-request-valid.json");
        let out = check_options(full, Config::default()).expect("no violation");
        assert!(out.accepted, "{}", out.signature);
        let bad = br#"{"priority": 5000}"#;
        let out = check_options(bad, Config::default()).expect("no violation");
        assert!(!out.accepted && out.signature.contains("priority"), "{}", out.signature);
    }

    #[test]
    fn the_planted_bug_is_a_violation() {
        let _alone = PANICS.lock().unwrap_or_else(|e| e.into_inner());
        panics::install(false);
        let v = check_options(br#"{"priority": 999}"#, Config { self_test: true, ..Config::default() }).unwrap_err();
        assert_eq!(v.kind, "panic");
        assert!(v.detail.contains("planted bug"), "{}", v.detail);
        assert!(check_options(br#"{"priority": 999}"#, Config::default()).is_ok());
    }
}
