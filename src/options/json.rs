//! `HttpRequestOptions::from_json`: the camelCase JSON form.
//!
//! This module checks JSON *types* only; value checks (ranges, syntax of hashes, addresses,
//! header names, …) are `validate`'s job, so options built in Rust and options parsed from
//! JSON go through exactly the same value rules.
use serde_json::{Map, Value};

use super::{
    CertType, CertificatePinning, ClientCert, ExtraData, HttpDataType, HttpProtocol, HttpProxy, HttpRequestOptions,
    MultiFormData, RequestMethod, UsingProxy,
};
use crate::error::HttpError;

type Result<T> = std::result::Result<T, HttpError>;

/// Parses the OpenHarmony camelCase JSON form of `HttpRequestOptions`.
///
/// * The top level is an object; `null`, an empty or all-whitespace string mean the default
///   options. Anything else, or malformed JSON, is a 401 error.
/// * `null` for any key (at any depth) means "not set"; unknown keys are ignored.
/// * A key of the wrong JSON type is a 401 error whose message names the key path, e.g.
///   `clientCert.certPath must be a string` or `multiFormDataList[2].data must be …`.
/// * Numbers that are integers in the spec (timeouts, `maxLimit`, `resume*`, `priority`,
///   `port`, enumerations) must be non-negative integers; `5.0` counts as `5` (JavaScript has
///   only doubles), `5.5` and `-1` are errors naming the key.
/// * `method`, `certType` and `hashAlgorithm` strings are case-sensitive, as in the spec.
/// * `extraData` / `multiFormDataList[i].data`: a string is `ExtraData::String`; an object
///   **or an array** is `ExtraData::Object` (JSON). JSON has no ArrayBuffer, so a JSON array
///   of small integers is still JSON, never bytes: `ExtraData::ArrayBuffer` is reachable only
///   from Rust and through the C ABI's separate bytes call.
/// * `usingProxy.exclusionList` is an array of strings or one comma-separated string (pieces
///   trimmed; an empty string means no exclusions).
/// * `certificatePinning` is one object or an array of them.
pub(super) fn parse(json: &str) -> Result<HttpRequestOptions> {
    if json.trim().is_empty() {
        return Ok(HttpRequestOptions::default());
    }
    let value: Value =
        serde_json::from_str(json).map_err(|e| HttpError::parameter(format!("options is not valid JSON: {e}")))?;
    let obj = match value {
        Value::Null => return Ok(HttpRequestOptions::default()),
        Value::Object(obj) => obj,
        other => return Err(HttpError::parameter(format!("options must be a JSON object, got {}", kind(&other)))),
    };
    let o = Obj { map: &obj, path: "" };
    Ok(HttpRequestOptions {
        method: o.get("method", method)?,
        extra_data: o.get("extraData", extra_data)?,
        expect_data_type: o.get("expectDataType", |v, p| {
            enumeration(v, p, "0 (STRING), 1 (OBJECT) or 2 (ARRAY_BUFFER)", HttpDataType::from_u64)
        })?,
        using_cache: o.get("usingCache", boolean)?,
        priority: o.get("priority", |v, p| {
            let n = uint(v, p)?;
            u32::try_from(n).map_err(|_| err(p, format_args!("must be in [1, 1000], got {n}")))
        })?,
        header: o.get("header", |v, p| object(v, p).cloned())?,
        read_timeout: o.get("readTimeout", uint)?,
        connect_timeout: o.get("connectTimeout", uint)?,
        using_protocol: o.get("usingProtocol", |v, p| {
            enumeration(v, p, "0 (HTTP1_1), 1 (HTTP2) or 2 (HTTP3)", HttpProtocol::from_u64)
        })?,
        using_proxy: o.get("usingProxy", using_proxy)?,
        ca_path: o.get("caPath", string)?,
        resume_from: o.get("resumeFrom", uint)?,
        resume_to: o.get("resumeTo", uint)?,
        client_cert: o.get("clientCert", client_cert)?,
        dns_over_https: o.get("dnsOverHttps", string)?,
        dns_servers: o.get("dnsServers", |v, p| list(v, p, string))?,
        max_limit: o.get("maxLimit", uint)?,
        multi_form_data_list: o.get("multiFormDataList", |v, p| list(v, p, multi_form_data))?,
        certificate_pinning: o.get("certificatePinning", |v, p| match v {
            Value::Array(_) => list(v, p, certificate_pinning),
            Value::Object(_) => Ok(vec![certificate_pinning(v, p)?]),
            _ => Err(type_error(p, "an object or an array of objects", v)),
        })?,
    })
}

/// A JSON object being read, with its key path for messages ("" at the top level).
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

impl Obj<'_> {
    /// Reads `key` with `read`, which gets the value and its full path; absent or `null` is
    /// `None`.
    fn get<T>(&self, key: &str, read: impl FnOnce(&Value, &str) -> Result<T>) -> Result<Option<T>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                let path = if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) };
                read(v, &path).map(Some)
            }
        }
    }
}

/// A 401 error: "`path` `what`".
fn err(path: &str, what: impl std::fmt::Display) -> HttpError {
    HttpError::parameter(format!("{path} {what}"))
}

/// A 401 error for a value of the wrong JSON type.
fn type_error(path: &str, expected: &str, got: &Value) -> HttpError {
    err(path, format_args!("must be {expected}, got {}", kind(got)))
}

/// The JSON type of a value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn string(v: &Value, path: &str) -> Result<String> {
    v.as_str().map(str::to_string).ok_or_else(|| type_error(path, "a string", v))
}

fn boolean(v: &Value, path: &str) -> Result<bool> {
    v.as_bool().ok_or_else(|| type_error(path, "a boolean", v))
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| type_error(path, "an object", v))
}

/// A non-negative integer; an integral double (`5.0`) counts, as JavaScript numbers are doubles.
fn uint(v: &Value, path: &str) -> Result<u64> {
    if let Some(n) = v.as_u64() {
        return Ok(n);
    }
    match v.as_f64() {
        // 2^64 is exactly representable; every integral double below it fits a u64.
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f < 18_446_744_073_709_551_616.0 => Ok(f as u64),
        Some(_) => Err(err(path, format_args!("must be a non-negative integer, got {v}"))),
        None => Err(type_error(path, "a non-negative integer", v)),
    }
}

/// A numeric enumeration (`expectDataType`, `usingProtocol`).
fn enumeration<T>(v: &Value, path: &str, allowed: &str, from: impl FnOnce(u64) -> Option<T>) -> Result<T> {
    if !v.is_number() {
        return Err(type_error(path, allowed, v));
    }
    let bad = || err(path, format_args!("must be {allowed}, got {v}"));
    from(uint(v, path).map_err(|_| bad())?).ok_or_else(bad)
}

/// An array whose elements are read by `read`, each with the path `path[i]`.
fn list<T>(v: &Value, path: &str, read: impl Fn(&Value, &str) -> Result<T>) -> Result<Vec<T>> {
    let items = v.as_array().ok_or_else(|| type_error(path, "an array", v))?;
    items.iter().enumerate().map(|(i, item)| read(item, &format!("{path}[{i}]"))).collect()
}

fn method(v: &Value, path: &str) -> Result<RequestMethod> {
    let s = string(v, path)?;
    RequestMethod::parse(&s).ok_or_else(|| {
        err(path, format_args!("must be one of OPTIONS, GET, HEAD, POST, PUT, DELETE, TRACE, CONNECT, got {s:?}"))
    })
}

/// `extraData` and `multiFormDataList[i].data`: a string, or JSON (an object or an array).
fn extra_data(v: &Value, path: &str) -> Result<ExtraData> {
    match v {
        Value::String(s) => Ok(ExtraData::String(s.clone())),
        Value::Object(_) | Value::Array(_) => Ok(ExtraData::Object(v.clone())),
        _ => Err(type_error(path, "a string, an object or an array", v)),
    }
}

fn using_proxy(v: &Value, path: &str) -> Result<UsingProxy> {
    match v {
        Value::Bool(b) => Ok(UsingProxy::Bool(*b)),
        Value::Object(map) => {
            let o = Obj { map, path };
            let proxy = HttpProxy {
                host: o.get("host", string)?.unwrap_or_default(),
                port: o
                    .get("port", |v, p| {
                        let n = uint(v, p)?;
                        u16::try_from(n).map_err(|_| err(p, format_args!("must be in [1, 65535], got {n}")))
                    })?
                    .unwrap_or_default(),
                exclusion_list: o.get("exclusionList", exclusion_list)?.unwrap_or_default(),
            };
            let username = o.get("username", string)?;
            let password = o.get("password", string)?;
            if username.is_none() && password.is_none() {
                return Ok(UsingProxy::Proxy(proxy));
            }
            let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
            proxy.with_credentials(&username, &password).map(UsingProxy::Proxy)
        }
        _ => Err(type_error(path, "a boolean or an object {host, port, exclusionList, username, password}", v)),
    }
}

/// An array of strings, or one comma-separated string (pieces trimmed; "" = none). Empty
/// pieces are kept so that `validate` reports them instead of their being dropped silently.
fn exclusion_list(v: &Value, path: &str) -> Result<Vec<String>> {
    match v {
        Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        Value::String(s) => Ok(s.split(',').map(|piece| piece.trim().to_string()).collect()),
        Value::Array(_) => list(v, path, string),
        _ => Err(type_error(path, "an array of strings or a comma-separated string", v)),
    }
}

fn client_cert(v: &Value, path: &str) -> Result<ClientCert> {
    let o = Obj { map: object(v, path)?, path };
    Ok(ClientCert {
        cert_path: o.get("certPath", string)?.unwrap_or_default(),
        cert_type: o.get("certType", |v, p| {
            let s = string(v, p)?;
            match s.as_str() {
                "PEM" => Ok(CertType::Pem),
                "DER" => Ok(CertType::Der),
                "P12" => Ok(CertType::P12),
                _ => Err(err(p, format_args!("must be \"PEM\", \"DER\" or \"P12\", got {s:?}"))),
            }
        })?,
        key_path: o.get("keyPath", string)?.unwrap_or_default(),
        key_password: o.get("keyPassword", string)?,
    })
}

fn multi_form_data(v: &Value, path: &str) -> Result<MultiFormData> {
    let o = Obj { map: object(v, path)?, path };
    Ok(MultiFormData {
        name: o.get("name", string)?.unwrap_or_default(),
        content_type: o.get("contentType", string)?.unwrap_or_default(),
        remote_file_name: o.get("remoteFileName", string)?,
        data: o.get("data", extra_data)?,
        file_path: o.get("filePath", string)?,
    })
}

fn certificate_pinning(v: &Value, path: &str) -> Result<CertificatePinning> {
    let o = Obj { map: object(v, path)?, path };
    Ok(CertificatePinning {
        public_key_hash: o.get("publicKeyHash", string)?.unwrap_or_default(),
        hash_algorithm: o.get("hashAlgorithm", string)?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(json: &str) -> HttpRequestOptions {
        parse(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    /// Asserts a 401 whose message contains every one of `needles`.
    fn fails(json: &str, needles: &[&str]) {
        let e = parse(json).expect_err(json);
        assert_eq!(e.code(), 401, "{json}: {e}");
        assert!(e.message().starts_with("Parameter error: "), "{}", e.message());
        for n in needles {
            assert!(e.message().contains(n), "{json}: {:?} lacks {n:?}", e.message());
        }
    }

    #[test]
    fn empty_and_null_are_default() {
        for s in ["", "   \n", "null", "{}", " { } "] {
            assert_eq!(ok(s), HttpRequestOptions::default(), "{s:?}");
        }
    }

    #[test]
    fn top_level_must_be_an_object() {
        fails("[]", &["options must be a JSON object", "an array"]);
        fails("1", &["options must be a JSON object", "a number"]);
        fails("\"GET\"", &["options must be a JSON object", "a string"]);
        fails("true", &["options must be a JSON object"]);
    }

    #[test]
    fn malformed_json_is_401() {
        fails("{", &["options is not valid JSON: "]);
        fails("{\"method\": }", &["options is not valid JSON: "]);
        fails("{} {}", &["options is not valid JSON: "]);
    }

    #[test]
    fn unknown_keys_are_ignored_and_null_is_unset() {
        let o = ok(r#"{"foo": 1, "method": null, "header": null, "usingProxy": null,
                      "clientCert": null, "maxRedirects": "x"}"#);
        assert_eq!(o, HttpRequestOptions::default());
    }

    #[test]
    fn method_all_eight() {
        for m in ["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT"] {
            let o = ok(&format!(r#"{{"method": "{m}"}}"#));
            assert_eq!(o.method.unwrap().as_str(), m);
        }
    }

    #[test]
    fn method_errors() {
        fails(r#"{"method": "get"}"#, &["method must be one of", "\"get\""]);
        fails(r#"{"method": "PATCH"}"#, &["method must be one of"]);
        fails(r#"{"method": ""}"#, &["method must be one of"]);
        fails(r#"{"method": 1}"#, &["method must be a string, got a number"]);
    }

    #[test]
    fn extra_data_forms() {
        assert_eq!(ok(r#"{"extraData": "a=1"}"#).extra_data, Some(ExtraData::String("a=1".into())));
        assert_eq!(ok(r#"{"extraData": ""}"#).extra_data, Some(ExtraData::String(String::new())));
        assert_eq!(
            ok(r#"{"extraData": {"k": [1, true]}}"#).extra_data,
            Some(ExtraData::Object(json!({"k": [1, true]})))
        );
        // A byte-like array is still JSON: bytes are not reachable from JSON.
        assert_eq!(ok(r#"{"extraData": [1, 2, 255]}"#).extra_data, Some(ExtraData::Object(json!([1, 2, 255]))));
    }

    #[test]
    fn extra_data_errors() {
        fails(r#"{"extraData": 5}"#, &["extraData must be a string, an object or an array"]);
        fails(r#"{"extraData": false}"#, &["extraData must be", "a boolean"]);
    }

    #[test]
    fn expect_data_type() {
        assert_eq!(ok(r#"{"expectDataType": 0}"#).expect_data_type, Some(HttpDataType::String));
        assert_eq!(ok(r#"{"expectDataType": 1}"#).expect_data_type, Some(HttpDataType::Object));
        assert_eq!(ok(r#"{"expectDataType": 2.0}"#).expect_data_type, Some(HttpDataType::ArrayBuffer));
        fails(r#"{"expectDataType": 3}"#, &["expectDataType must be 0 (STRING)", "got 3"]);
        fails(r#"{"expectDataType": -1}"#, &["expectDataType must be", "got -1"]);
        fails(r#"{"expectDataType": 1.5}"#, &["expectDataType must be", "got 1.5"]);
        fails(r#"{"expectDataType": "1"}"#, &["expectDataType must be", "got a string"]);
    }

    #[test]
    fn using_cache() {
        assert_eq!(ok(r#"{"usingCache": false}"#).using_cache, Some(false));
        assert_eq!(ok(r#"{"usingCache": true}"#).using_cache, Some(true));
        fails(r#"{"usingCache": 0}"#, &["usingCache must be a boolean, got a number"]);
        fails(r#"{"usingCache": "true"}"#, &["usingCache must be a boolean"]);
    }

    #[test]
    fn priority() {
        assert_eq!(ok(r#"{"priority": 1000}"#).priority, Some(1000));
        // Range is validate's job; the type only has to fit.
        assert_eq!(ok(r#"{"priority": 0}"#).priority, Some(0));
        fails(r#"{"priority": 4294967296}"#, &["priority must be in [1, 1000]"]);
        fails(r#"{"priority": -3}"#, &["priority must be a non-negative integer"]);
        fails(r#"{"priority": 2.5}"#, &["priority must be a non-negative integer"]);
        fails(r#"{"priority": "high"}"#, &["priority must be a non-negative integer, got a string"]);
    }

    #[test]
    fn header() {
        let o = ok(r#"{"header": {"Content-Type": "text/plain", "X-N": 5, "X-B": true}}"#);
        let h = o.header.unwrap();
        assert_eq!(h["Content-Type"], json!("text/plain"));
        assert_eq!(h["X-N"], json!(5));
        assert_eq!(h["X-B"], json!(true));
        // Value types are validate's job (so Rust-built options get the same check).
        let o = ok(r#"{"header": {"X": null}}"#);
        assert_eq!(o.header.unwrap()["X"], Value::Null);
        fails(r#"{"header": "a: b"}"#, &["header must be an object, got a string"]);
        fails(r#"{"header": [["a", "b"]]}"#, &["header must be an object, got an array"]);
    }

    #[test]
    fn unsigned_integer_keys() {
        let o = ok(r#"{"readTimeout": 0, "connectTimeout": 1500, "maxLimit": 104857600,
                      "resumeFrom": 10, "resumeTo": 18446744073709551615}"#);
        assert_eq!(o.read_timeout, Some(0));
        assert_eq!(o.connect_timeout, Some(1500));
        assert_eq!(o.max_limit, Some(104_857_600));
        assert_eq!(o.resume_from, Some(10));
        assert_eq!(o.resume_to, Some(u64::MAX));
        assert_eq!(ok(r#"{"readTimeout": 3e3}"#).read_timeout, Some(3000));
        assert_eq!(ok(r#"{"readTimeout": -0}"#).read_timeout, Some(0));
        for key in ["readTimeout", "connectTimeout", "maxLimit", "resumeFrom", "resumeTo"] {
            let msg = format!("{key} must be a non-negative integer");
            fails(&format!(r#"{{"{key}": -1}}"#), &[&msg, "got -1"]);
            fails(&format!(r#"{{"{key}": 1.5}}"#), &[&msg, "got 1.5"]);
            fails(&format!(r#"{{"{key}": 1e30}}"#), &[&msg]);
            fails(&format!(r#"{{"{key}": "100"}}"#), &[&msg, "got a string"]);
            fails(&format!(r#"{{"{key}": true}}"#), &[&msg, "got a boolean"]);
        }
    }

    #[test]
    fn using_protocol() {
        assert_eq!(ok(r#"{"usingProtocol": 0}"#).using_protocol, Some(HttpProtocol::Http1_1));
        assert_eq!(ok(r#"{"usingProtocol": 1}"#).using_protocol, Some(HttpProtocol::Http2));
        assert_eq!(ok(r#"{"usingProtocol": 2}"#).using_protocol, Some(HttpProtocol::Http3));
        fails(r#"{"usingProtocol": 3}"#, &["usingProtocol must be 0 (HTTP1_1)", "got 3"]);
        fails(r#"{"usingProtocol": "HTTP2"}"#, &["usingProtocol must be", "got a string"]);
    }

    #[test]
    fn using_proxy_bool() {
        assert_eq!(ok(r#"{"usingProxy": true}"#).using_proxy, Some(UsingProxy::Bool(true)));
        assert_eq!(ok(r#"{"usingProxy": false}"#).using_proxy, Some(UsingProxy::Bool(false)));
    }

    #[test]
    fn using_proxy_object() {
        let o = ok(r#"{"usingProxy": {"host": "proxy", "port": 3128,
                                       "exclusionList": ["a.com", "*.b.com"]}}"#);
        assert_eq!(
            o.using_proxy,
            Some(UsingProxy::Proxy(HttpProxy {
                host: "proxy".into(),
                port: 3128,
                exclusion_list: vec!["a.com".into(), "*.b.com".into()],
            }))
        );
        let excl = |s: &str| match ok(s).using_proxy {
            Some(UsingProxy::Proxy(p)) => p.exclusion_list,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            excl(r#"{"usingProxy": {"host": "p", "port": 1, "exclusionList": " a.com, b.com "}}"#),
            ["a.com", "b.com"]
        );
        assert!(excl(r#"{"usingProxy": {"host": "p", "port": 1, "exclusionList": ""}}"#).is_empty());
        assert!(excl(r#"{"usingProxy": {"host": "p", "port": 1}}"#).is_empty());
        // Empty pieces are kept for validate to report.
        assert_eq!(excl(r#"{"usingProxy": {"host": "p", "port": 1, "exclusionList": "a,,b"}}"#), ["a", "", "b"]);
        // Missing host and port stay empty/0 for validate to report.
        assert_eq!(ok(r#"{"usingProxy": {}}"#).using_proxy, Some(UsingProxy::Proxy(HttpProxy::default())));
    }

    #[test]
    fn using_proxy_errors() {
        fails(r#"{"usingProxy": "http://p:1"}"#, &["usingProxy must be a boolean or an object"]);
        fails(r#"{"usingProxy": {"host": 1}}"#, &["usingProxy.host must be a string"]);
        fails(r#"{"usingProxy": {"port": "80"}}"#, &["usingProxy.port must be a non-negative"]);
        fails(r#"{"usingProxy": {"port": 65536}}"#, &["usingProxy.port must be in [1, 65535]"]);
        fails(r#"{"usingProxy": {"port": -1}}"#, &["usingProxy.port must be a non-negative"]);
        fails(
            r#"{"usingProxy": {"exclusionList": 5}}"#,
            &["usingProxy.exclusionList must be an array of strings or a comma-separated string"],
        );
        fails(r#"{"usingProxy": {"exclusionList": ["a", 5]}}"#, &["usingProxy.exclusionList[1] must be a string"]);
    }

    #[test]
    fn ca_path_and_dns() {
        let o = ok(r#"{"caPath": "/etc/ca.pem", "dnsOverHttps": "https://doh/dns-query",
                      "dnsServers": ["8.8.8.8", "not validated here"]}"#);
        assert_eq!(o.ca_path.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(o.dns_over_https.as_deref(), Some("https://doh/dns-query"));
        assert_eq!(o.dns_servers.unwrap(), ["8.8.8.8", "not validated here"]);
        fails(r#"{"caPath": ["/a"]}"#, &["caPath must be a string, got an array"]);
        fails(r#"{"dnsOverHttps": {}}"#, &["dnsOverHttps must be a string, got an object"]);
        fails(r#"{"dnsServers": "8.8.8.8"}"#, &["dnsServers must be an array, got a string"]);
        fails(r#"{"dnsServers": ["8.8.8.8", 53]}"#, &["dnsServers[1] must be a string"]);
    }

    #[test]
    fn client_cert() {
        let o = ok(r#"{"clientCert": {"certPath": "/c.pem", "certType": "P12",
                                       "keyPath": "", "keyPassword": "pw"}}"#);
        assert_eq!(
            o.client_cert,
            Some(ClientCert {
                cert_path: "/c.pem".into(),
                cert_type: Some(CertType::P12),
                key_path: String::new(),
                key_password: Some("pw".into()),
            })
        );
        for (name, t) in [("PEM", CertType::Pem), ("DER", CertType::Der)] {
            let o = ok(&format!(r#"{{"clientCert": {{"certPath": "c", "certType": "{name}"}}}}"#));
            assert_eq!(o.client_cert.unwrap().cert_type, Some(t));
        }
        let c = ok(r#"{"clientCert": {"certPath": "c", "certType": null}}"#).client_cert.unwrap();
        assert_eq!(c.cert_type, None);
        assert_eq!(c.key_password, None);
    }

    #[test]
    fn client_cert_errors() {
        fails(r#"{"clientCert": "/c.pem"}"#, &["clientCert must be an object, got a string"]);
        fails(
            r#"{"clientCert": {"certPath": 1}}"#,
            &["Parameter error: clientCert.certPath must be a string, got a number"],
        );
        fails(r#"{"clientCert": {"certType": "pem"}}"#, &["clientCert.certType must be \"PEM\""]);
        fails(r#"{"clientCert": {"certType": 0}}"#, &["clientCert.certType must be a string"]);
        fails(r#"{"clientCert": {"keyPath": []}}"#, &["clientCert.keyPath must be a string"]);
        fails(r#"{"clientCert": {"keyPassword": 1}}"#, &["clientCert.keyPassword must be a string"]);
    }

    #[test]
    fn multi_form_data_list() {
        let o = ok(r#"{"multiFormDataList": [
            {"name": "a", "contentType": "text/plain", "data": "hello"},
            {"name": "b", "contentType": "application/json", "data": {"x": 1}},
            {"name": "c", "contentType": "image/png", "remoteFileName": "c.png", "filePath": "/c.png"},
            {"name": "d", "data": [1, 2]}
        ]}"#);
        let l = o.multi_form_data_list.unwrap();
        assert_eq!(l.len(), 4);
        assert_eq!(l[0].data, Some(ExtraData::String("hello".into())));
        assert_eq!(l[1].data, Some(ExtraData::Object(json!({"x": 1}))));
        assert_eq!(
            l[2],
            MultiFormData {
                name: "c".into(),
                content_type: "image/png".into(),
                remote_file_name: Some("c.png".into()),
                data: None,
                file_path: Some("/c.png".into()),
            }
        );
        assert_eq!(l[3].data, Some(ExtraData::Object(json!([1, 2]))));
        assert_eq!(l[3].content_type, "");
    }

    #[test]
    fn multi_form_data_list_errors() {
        fails(r#"{"multiFormDataList": {}}"#, &["multiFormDataList must be an array"]);
        fails(r#"{"multiFormDataList": ["x"]}"#, &["multiFormDataList[0] must be an object"]);
        let part = |field: &str, value: &str| {
            format!(r#"{{"multiFormDataList": [{{"name": "ok"}}, {{"{field}": {value}}}]}}"#)
        };
        fails(&part("name", "1"), &["multiFormDataList[1].name must be a string"]);
        fails(&part("contentType", "1"), &["multiFormDataList[1].contentType must be a string"]);
        fails(&part("remoteFileName", "1"), &["multiFormDataList[1].remoteFileName must be"]);
        fails(&part("filePath", "true"), &["multiFormDataList[1].filePath must be a string"]);
        fails(&part("data", "7"), &["multiFormDataList[1].data must be a string, an object or an array"]);
    }

    #[test]
    fn certificate_pinning_one_or_many() {
        let pin = |h: &str| CertificatePinning { public_key_hash: h.into(), hash_algorithm: "SHA-256".into() };
        let o = ok(r#"{"certificatePinning": {"publicKeyHash": "h1", "hashAlgorithm": "SHA-256"}}"#);
        assert_eq!(o.certificate_pinning, Some(vec![pin("h1")]));
        let o = ok(r#"{"certificatePinning": [{"publicKeyHash": "h1", "hashAlgorithm": "SHA-256"},
                                             {"publicKeyHash": "h2", "hashAlgorithm": "SHA-256"}]}"#);
        assert_eq!(o.certificate_pinning, Some(vec![pin("h1"), pin("h2")]));
        assert_eq!(ok(r#"{"certificatePinning": []}"#).certificate_pinning, Some(vec![]));
    }

    #[test]
    fn certificate_pinning_errors() {
        fails(r#"{"certificatePinning": "h"}"#, &["certificatePinning must be an object or an array"]);
        fails(r#"{"certificatePinning": ["h"]}"#, &["certificatePinning[0] must be an object"]);
        fails(
            r#"{"certificatePinning": {"publicKeyHash": 1}}"#,
            &["certificatePinning.publicKeyHash must be a string"],
        );
        fails(
            r#"{"certificatePinning": [{}, {"hashAlgorithm": 256}]}"#,
            &["certificatePinning[1].hashAlgorithm must be a string"],
        );
    }

    #[test]
    fn everything_at_once() {
        let o = ok(r#"{"method": "POST", "extraData": {"a": 1}, "expectDataType": 1,
            "usingCache": false, "priority": 5, "header": {"content-type": "application/json"},
            "readTimeout": 1, "connectTimeout": 2, "usingProtocol": 1, "usingProxy": false,
            "caPath": "/ca", "resumeFrom": 1, "resumeTo": 2,
            "clientCert": {"certPath": "/c", "keyPath": "/k"},
            "dnsOverHttps": "https://d/q", "dnsServers": ["1.1.1.1"], "maxLimit": 3,
            "multiFormDataList": [{"name": "n", "data": "d"}],
            "certificatePinning": {"publicKeyHash": "h", "hashAlgorithm": "SHA-256"}}"#);
        assert_eq!(o.method, Some(RequestMethod::Post));
        assert_eq!(o.priority, Some(5));
        assert_eq!(o.max_limit, Some(3));
        assert_eq!(o.using_proxy, Some(UsingProxy::Bool(false)));
        assert!(o.client_cert.is_some() && o.certificate_pinning.is_some());
        assert!(o.multi_form_data_list.is_some() && o.dns_servers.is_some());
    }

    #[test]
    fn the_first_error_in_key_order_is_reported() {
        fails(r#"{"usingCache": 1, "method": 2}"#, &["method must be a string"]);
    }
}
