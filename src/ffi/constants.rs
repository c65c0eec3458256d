//! Named constants of the spec's enumerations, so C and C++ hosts write
//! `OHOS_HTTP_RESPONSE_CODE_NOT_FOUND` and `OHOS_HTTP_METHOD_POST` instead of `404` and `"POST"`.
//!
//! * Numbers: `ohos_http_response_code_t` (`ResponseCode`, what `ohos_http_response_code`
//!   gives), `ohos_http_protocol_t` (`HttpProtocol`, the `usingProtocol` value of the options
//!   JSON) and, in `response.rs`, `ohos_http_data_type_t` (`HttpDataType`: `expectDataType` and
//!   `ohos_http_response_result_type`). cbindgen writes them as C enums from the Rust below.
//! * Strings: `OHOS_HTTP_METHOD_*` (`RequestMethod`, the options' `method`) and
//!   `OHOS_HTTP_CERT_TYPE_*` (`CertType`, `clientCert.certType`) are string-literal macros, so
//!   they concatenate into JSON text (`"{\"method\":\"" OHOS_HTTP_METHOD_POST "\"}"`). cbindgen
//!   0.29 skips string constants, so their text is `after_includes` in `cbindgen.toml`; the tests
//!   below read them back from `include/ohos_http.h` and compare them with the Rust enums.
//!
//! The tests compare every value with the Rust API (`ohos_http::ResponseCode::*`,
//! `HttpProtocol`, `HttpDataType`, `RequestMethod`, `CertType`), so the header cannot drift.

/// The spec's `ResponseCode`: named HTTP status codes, to compare with the `uint32_t` that
/// `ohos_http_response_code` gives (any other status a server sends comes through too).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ohos_http_response_code_t {
    /// 200 "OK".
    OHOS_HTTP_RESPONSE_CODE_OK = 200,
    /// 201 "Created".
    OHOS_HTTP_RESPONSE_CODE_CREATED = 201,
    /// 202 "Accepted".
    OHOS_HTTP_RESPONSE_CODE_ACCEPTED = 202,
    /// 203 "Non-Authoritative Information".
    OHOS_HTTP_RESPONSE_CODE_NOT_AUTHORITATIVE = 203,
    /// 204 "No Content".
    OHOS_HTTP_RESPONSE_CODE_NO_CONTENT = 204,
    /// 205 "Reset Content".
    OHOS_HTTP_RESPONSE_CODE_RESET = 205,
    /// 206 "Partial Content" (an answer to `resumeFrom`/`resumeTo`).
    OHOS_HTTP_RESPONSE_CODE_PARTIAL = 206,
    /// 300 "Multiple Choices".
    OHOS_HTTP_RESPONSE_CODE_MULT_CHOICE = 300,
    /// 301 "Moved Permanently".
    OHOS_HTTP_RESPONSE_CODE_MOVED_PERM = 301,
    /// 302 "Moved Temporarily".
    OHOS_HTTP_RESPONSE_CODE_MOVED_TEMP = 302,
    /// 303 "See Other".
    OHOS_HTTP_RESPONSE_CODE_SEE_OTHER = 303,
    /// 304 "Not Modified".
    OHOS_HTTP_RESPONSE_CODE_NOT_MODIFIED = 304,
    /// 305 "Use Proxy".
    OHOS_HTTP_RESPONSE_CODE_USE_PROXY = 305,
    /// 400 "Bad Request".
    OHOS_HTTP_RESPONSE_CODE_BAD_REQUEST = 400,
    /// 401 "Unauthorized" (a response code; not the status 401, `OHOS_HTTP_PARAMETER_ERROR`).
    OHOS_HTTP_RESPONSE_CODE_UNAUTHORIZED = 401,
    /// 402 "Payment Required".
    OHOS_HTTP_RESPONSE_CODE_PAYMENT_REQUIRED = 402,
    /// 403 "Forbidden".
    OHOS_HTTP_RESPONSE_CODE_FORBIDDEN = 403,
    /// 404 "Not Found".
    OHOS_HTTP_RESPONSE_CODE_NOT_FOUND = 404,
    /// 405 "Method Not Allowed".
    OHOS_HTTP_RESPONSE_CODE_BAD_METHOD = 405,
    /// 406 "Not Acceptable".
    OHOS_HTTP_RESPONSE_CODE_NOT_ACCEPTABLE = 406,
    /// 407 "Proxy Authentication Required".
    OHOS_HTTP_RESPONSE_CODE_PROXY_AUTH = 407,
    /// 408 "Request Timeout".
    OHOS_HTTP_RESPONSE_CODE_CLIENT_TIMEOUT = 408,
    /// 409 "Conflict".
    OHOS_HTTP_RESPONSE_CODE_CONFLICT = 409,
    /// 410 "Gone".
    OHOS_HTTP_RESPONSE_CODE_GONE = 410,
    /// 411 "Length Required".
    OHOS_HTTP_RESPONSE_CODE_LENGTH_REQUIRED = 411,
    /// 412 "Precondition Failed".
    OHOS_HTTP_RESPONSE_CODE_PRECON_FAILED = 412,
    /// 413 "Request Entity Too Large".
    OHOS_HTTP_RESPONSE_CODE_ENTITY_TOO_LARGE = 413,
    /// 414 "Request-URI Too Long".
    OHOS_HTTP_RESPONSE_CODE_REQ_TOO_LONG = 414,
    /// 415 "Unsupported Media Type".
    OHOS_HTTP_RESPONSE_CODE_UNSUPPORTED_TYPE = 415,
    /// 416 "Range Not Satisfiable" (a `resumeFrom` at or past the end).
    OHOS_HTTP_RESPONSE_CODE_RANGE_NOT_SATISFIABLE = 416,
    /// 500 "Internal Server Error".
    OHOS_HTTP_RESPONSE_CODE_INTERNAL_ERROR = 500,
    /// 501 "Not Implemented".
    OHOS_HTTP_RESPONSE_CODE_NOT_IMPLEMENTED = 501,
    /// 502 "Bad Gateway".
    OHOS_HTTP_RESPONSE_CODE_BAD_GATEWAY = 502,
    /// 503 "Service Unavailable".
    OHOS_HTTP_RESPONSE_CODE_UNAVAILABLE = 503,
    /// 504 "Gateway Timeout".
    OHOS_HTTP_RESPONSE_CODE_GATEWAY_TIMEOUT = 504,
    /// 505 "HTTP Version Not Supported".
    OHOS_HTTP_RESPONSE_CODE_VERSION = 505,
}

/// The spec's `HttpProtocol`: the numbers of `usingProtocol` in the options JSON, e.g.
/// `{"usingProtocol":1}` for HTTP/2.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ohos_http_protocol_t {
    /// HTTP1_1: HTTP/1.1 only.
    OHOS_HTTP_PROTOCOL_HTTP1_1 = 0,
    /// HTTP2: h2 by ALPN over TLS, h2c with prior knowledge over plain HTTP.
    OHOS_HTTP_PROTOCOL_HTTP2 = 1,
    /// HTTP3: HTTP/3 where libcurl has it, else the best version it has (https URLs).
    OHOS_HTTP_PROTOCOL_HTTP3 = 2,
}

#[cfg(test)]
mod tests {
    use super::ohos_http_protocol_t::*;
    use super::ohos_http_response_code_t::{self as C, *};
    use crate::ffi::ohos_http_data_type_t::*;
    use crate::{CertType, HttpDataType, HttpProtocol, RequestMethod, ResponseCode};

    const HEADER: &str = include_str!("../../include/ohos_http.h");

    /// `(name, C value, Rust value)` for every pair written here.
    macro_rules! codes {
        ($($name:ident => $c:ident),* $(,)?) => {
            [$((stringify!($name), $c as u32, ResponseCode::$name)),*]
        };
    }

    fn response_codes() -> Vec<(&'static str, u32, u32)> {
        codes![
            OK => OHOS_HTTP_RESPONSE_CODE_OK, CREATED => OHOS_HTTP_RESPONSE_CODE_CREATED,
            ACCEPTED => OHOS_HTTP_RESPONSE_CODE_ACCEPTED,
            NOT_AUTHORITATIVE => OHOS_HTTP_RESPONSE_CODE_NOT_AUTHORITATIVE,
            NO_CONTENT => OHOS_HTTP_RESPONSE_CODE_NO_CONTENT, RESET => OHOS_HTTP_RESPONSE_CODE_RESET,
            PARTIAL => OHOS_HTTP_RESPONSE_CODE_PARTIAL, MULT_CHOICE => OHOS_HTTP_RESPONSE_CODE_MULT_CHOICE,
            MOVED_PERM => OHOS_HTTP_RESPONSE_CODE_MOVED_PERM, MOVED_TEMP => OHOS_HTTP_RESPONSE_CODE_MOVED_TEMP,
            SEE_OTHER => OHOS_HTTP_RESPONSE_CODE_SEE_OTHER, NOT_MODIFIED => OHOS_HTTP_RESPONSE_CODE_NOT_MODIFIED,
            USE_PROXY => OHOS_HTTP_RESPONSE_CODE_USE_PROXY, BAD_REQUEST => OHOS_HTTP_RESPONSE_CODE_BAD_REQUEST,
            UNAUTHORIZED => OHOS_HTTP_RESPONSE_CODE_UNAUTHORIZED,
            PAYMENT_REQUIRED => OHOS_HTTP_RESPONSE_CODE_PAYMENT_REQUIRED,
            FORBIDDEN => OHOS_HTTP_RESPONSE_CODE_FORBIDDEN, NOT_FOUND => OHOS_HTTP_RESPONSE_CODE_NOT_FOUND,
            BAD_METHOD => OHOS_HTTP_RESPONSE_CODE_BAD_METHOD, NOT_ACCEPTABLE => OHOS_HTTP_RESPONSE_CODE_NOT_ACCEPTABLE,
            PROXY_AUTH => OHOS_HTTP_RESPONSE_CODE_PROXY_AUTH, CLIENT_TIMEOUT => OHOS_HTTP_RESPONSE_CODE_CLIENT_TIMEOUT,
            CONFLICT => OHOS_HTTP_RESPONSE_CODE_CONFLICT, GONE => OHOS_HTTP_RESPONSE_CODE_GONE,
            LENGTH_REQUIRED => OHOS_HTTP_RESPONSE_CODE_LENGTH_REQUIRED,
            PRECON_FAILED => OHOS_HTTP_RESPONSE_CODE_PRECON_FAILED,
            ENTITY_TOO_LARGE => OHOS_HTTP_RESPONSE_CODE_ENTITY_TOO_LARGE,
            REQ_TOO_LONG => OHOS_HTTP_RESPONSE_CODE_REQ_TOO_LONG,
            UNSUPPORTED_TYPE => OHOS_HTTP_RESPONSE_CODE_UNSUPPORTED_TYPE,
            RANGE_NOT_SATISFIABLE => OHOS_HTTP_RESPONSE_CODE_RANGE_NOT_SATISFIABLE,
            INTERNAL_ERROR => OHOS_HTTP_RESPONSE_CODE_INTERNAL_ERROR,
            NOT_IMPLEMENTED => OHOS_HTTP_RESPONSE_CODE_NOT_IMPLEMENTED,
            BAD_GATEWAY => OHOS_HTTP_RESPONSE_CODE_BAD_GATEWAY, UNAVAILABLE => OHOS_HTTP_RESPONSE_CODE_UNAVAILABLE,
            GATEWAY_TIMEOUT => OHOS_HTTP_RESPONSE_CODE_GATEWAY_TIMEOUT, VERSION => OHOS_HTTP_RESPONSE_CODE_VERSION,
        ]
        .to_vec()
    }

    /// `NAME = value` pairs of `prefix*` in text: `pub const OK: u32 = 200;` (Rust) or
    /// `OHOS_HTTP_RESPONSE_CODE_OK = 200,` (the header), with the prefix cut off.
    fn assignments(text: &str, prefix: &str) -> Vec<(String, u32)> {
        text.lines()
            .filter_map(|l| {
                let l = l.trim().strip_prefix(prefix)?;
                let (name, rest) = l.split_once(": u32 = ").or_else(|| l.split_once(" = "))?;
                let value = rest.trim_end_matches([',', ';']).replace('_', "").parse().ok()?;
                Some((name.to_string(), value))
            })
            .collect()
    }

    /// The `#define PREFIX_NAME "value"` string macros of the header.
    fn string_macros(prefix: &str) -> Vec<(String, String)> {
        HEADER
            .lines()
            .filter_map(|l| {
                let l = l.strip_prefix("#define ")?.strip_prefix(prefix)?;
                let (name, value) = l.split_once(' ')?;
                let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
                Some((name.to_string(), value.to_string()))
            })
            .collect()
    }

    #[test]
    fn every_response_code_equals_the_rust_one() {
        let pairs = response_codes();
        for (name, c, rust) in &pairs {
            assert_eq!(c, rust, "OHOS_HTTP_RESPONSE_CODE_{name}");
        }
        // Every code of src/response/codes.rs, and every one in the header, is in the table
        // above: a code added on one side only fails here.
        let table: Vec<(String, u32)> = pairs.iter().map(|(n, c, _)| (n.to_string(), *c)).collect();
        let rust = assignments(include_str!("../response/codes.rs"), "pub const ");
        let header = assignments(HEADER, "OHOS_HTTP_RESPONSE_CODE_");
        assert_eq!(rust, table, "ResponseCode (src/response/codes.rs) and the C table differ");
        assert_eq!(header, table, "include/ohos_http.h is not regenerated (testbed/check-header.sh --fix)");
        assert_eq!(table.len(), 36, "the spec lists 36 response codes");
        assert_eq!(C::OHOS_HTTP_RESPONSE_CODE_NOT_FOUND as u32, 404);
    }

    #[test]
    fn protocols_are_the_numbers_the_options_json_takes() {
        let c_of = |p: HttpProtocol| match p {
            HttpProtocol::Http1_1 => OHOS_HTTP_PROTOCOL_HTTP1_1,
            HttpProtocol::Http2 => OHOS_HTTP_PROTOCOL_HTTP2,
            HttpProtocol::Http3 => OHOS_HTTP_PROTOCOL_HTTP3,
        };
        for p in [HttpProtocol::Http1_1, HttpProtocol::Http2, HttpProtocol::Http3] {
            assert_eq!(HttpProtocol::from_u64(c_of(p) as u64), Some(p), "{p:?}");
            let json = format!(r#"{{"usingProtocol":{}}}"#, c_of(p) as u32);
            assert_eq!(crate::HttpRequestOptions::from_json(&json).unwrap().using_protocol, Some(p));
        }
        assert_eq!(HttpProtocol::from_u64(3), None, "a protocol the C enum lacks");
    }

    #[test]
    fn data_types_are_the_rust_discriminants() {
        let c_of = |t: HttpDataType| match t {
            HttpDataType::String => OHOS_HTTP_DATA_STRING,
            HttpDataType::Object => OHOS_HTTP_DATA_OBJECT,
            HttpDataType::ArrayBuffer => OHOS_HTTP_DATA_ARRAY_BUFFER,
        };
        for t in [HttpDataType::String, HttpDataType::Object, HttpDataType::ArrayBuffer] {
            assert_eq!(c_of(t) as u32, t as u32, "{t:?}");
            assert_eq!(HttpDataType::from_u64(c_of(t) as u64), Some(t));
        }
        assert_eq!(HttpDataType::from_u64(3), None, "a data type the C enum lacks");
    }

    /// `(macro suffix, value)` the header must have: the spec's name is its value.
    fn named_by_value<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
        values.into_iter().map(|v| (v.to_string(), v.to_string())).collect()
    }

    #[test]
    fn method_macros_are_the_request_method_strings() {
        use RequestMethod::*;
        let all = [Options, Get, Head, Post, Put, Delete, Trace, Connect];
        // A new RequestMethod variant fails to compile here until it is added to `all`.
        let _listed = |m: RequestMethod| match m {
            Options | Get | Head | Post | Put | Delete | Trace | Connect => (),
        };
        let want = named_by_value(all.iter().map(|m| m.as_str()));
        assert_eq!(string_macros("OHOS_HTTP_METHOD_"), want, "OHOS_HTTP_METHOD_* in cbindgen.toml");
        for m in all {
            assert_eq!(RequestMethod::parse(m.as_str()), Some(m));
            let json = format!(r#"{{"method":"{}"}}"#, m.as_str());
            assert_eq!(crate::HttpRequestOptions::from_json(&json).unwrap().method, Some(m));
        }
    }

    #[test]
    fn cert_type_macros_are_the_cert_type_strings() {
        use CertType::*;
        let all = [Pem, Der, P12];
        let _listed = |t: CertType| match t {
            Pem | Der | P12 => (),
        };
        let want = named_by_value(all.iter().map(|t| t.as_str()));
        assert_eq!(string_macros("OHOS_HTTP_CERT_TYPE_"), want, "OHOS_HTTP_CERT_TYPE_* in cbindgen.toml");
        for t in all {
            let json = format!(r#"{{"clientCert":{{"certPath":"c.pem","certType":"{}"}}}}"#, t.as_str());
            let cert = crate::HttpRequestOptions::from_json(&json).unwrap().client_cert.unwrap();
            assert_eq!(cert.cert_type, Some(t));
        }
    }
}
