//! `HttpResponse` and its parts: result typing, headers, timing, response codes.
mod codes;
pub(crate) mod headers;
mod typing;

pub use codes::ResponseCode;
pub(crate) use typing::type_result;

use crate::options::HttpDataType;
use serde_json::{Map, Value};

/// The response to a whole-body request (`HttpResponse` in the spec). The library makes
/// responses, callers read them: it is `#[non_exhaustive]`, so fields can be added without a
/// breaking change (the option structs, which callers build, are not).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The body, typed by `expectDataType` or the content type.
    pub result: ResponseResult,
    /// The type of `result`.
    pub result_type: HttpDataType,
    /// HTTP status code of the final response (4xx and 5xx are responses, not errors).
    pub response_code: u32,
    /// Headers of the final response: keys lower-cased, `set-cookie` an array of strings,
    /// other repeated fields joined with ", ".
    pub header: Map<String, Value>,
    /// curl's cookie list (Netscape cookie-file lines joined with "\r\n").
    pub cookies: String,
    /// Time spent in each phase, in ms.
    pub performance_timing: PerformanceTiming,
    /// The HTTP version of the final response: "1.0", "1.1", "2" or "3" (an addition to the
    /// spec; empty for a response served from the cache without revalidation). This is how
    /// the outcome of `usingProtocol` shows: "2" for h2 by ALPN or h2c with prior knowledge,
    /// and "2" or "1.1" when HTTP3 was asked of a libcurl without HTTP/3.
    pub http_version: String,
    /// True when the response was served from the `HttpResponseCache` (an addition to the spec).
    pub from_cache: bool,
}

impl HttpResponse {
    /// The status code as a `u16` (what `http::StatusCode::as_u16` gives).
    pub fn status(&self) -> u16 {
        u16::try_from(self.response_code).unwrap_or(u16::MAX)
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.response_code)
    }

    /// 3xx (a redirect the library did not follow: 304, or one without a `Location`).
    pub fn is_redirection(&self) -> bool {
        (300..400).contains(&self.response_code)
    }

    /// 4xx.
    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.response_code)
    }

    /// 5xx.
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.response_code)
    }
}

/// The body of a response, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseResult {
    /// UTF-8 text (invalid sequences replaced).
    String(String),
    /// Parsed JSON (when `expectDataType` is OBJECT and the body parses).
    Object(Value),
    /// Raw bytes.
    ArrayBuffer(Vec<u8>),
}

impl ResponseResult {
    /// The body as text when it is a string, or JSON text when it is an object.
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            ResponseResult::String(s) => Some(s.as_str().into()),
            ResponseResult::Object(v) => Some(v.to_string().into()),
            ResponseResult::ArrayBuffer(_) => None,
        }
    }

    /// The body's bytes (JSON text for an object).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            ResponseResult::String(s) => s.as_bytes().to_vec(),
            ResponseResult::Object(v) => v.to_string().into_bytes(),
            ResponseResult::ArrayBuffer(b) => b.clone(),
        }
    }
}

/// Time spent in each phase of a request, in milliseconds, each measured from the start of
/// the request (`PerformanceTiming` in the spec).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PerformanceTiming {
    /// Until DNS resolution completed (curl NAMELOOKUP).
    pub dns_timing: f64,
    /// Until the TCP connection was established (curl CONNECT).
    pub tcp_timing: f64,
    /// Until the TLS handshake completed (curl APPCONNECT; 0 without TLS).
    pub tls_timing: f64,
    /// Until the first byte was about to be sent (curl PRETRANSFER).
    pub first_send_timing: f64,
    /// Until the first byte was received (curl STARTTRANSFER).
    pub first_receive_timing: f64,
    /// Until the transfer completed (curl TOTAL).
    pub total_finish_timing: f64,
    /// Time spent in redirects (curl REDIRECT).
    pub redirect_timing: f64,
    /// Wall clock from the call until the final response's headers were complete.
    pub response_header_timing: f64,
    /// Wall clock from the call until the last body byte arrived.
    pub response_body_timing: f64,
    /// Wall clock from the call until the result was handed to the caller.
    pub total_timing: f64,
}

impl PerformanceTiming {
    /// The fields with the spec's camelCase names (`dnsTiming`, …, `totalTiming`), in the
    /// spec's order: the one table the JSON forms (the C ABI's `timing_json`) are made from.
    pub fn fields(&self) -> [(&'static str, f64); 10] {
        [
            ("dnsTiming", self.dns_timing),
            ("tcpTiming", self.tcp_timing),
            ("tlsTiming", self.tls_timing),
            ("firstSendTiming", self.first_send_timing),
            ("firstReceiveTiming", self.first_receive_timing),
            ("totalFinishTiming", self.total_finish_timing),
            ("redirectTiming", self.redirect_timing),
            ("responseHeaderTiming", self.response_header_timing),
            ("responseBodyTiming", self.response_body_timing),
            ("totalTiming", self.total_timing),
        ]
    }

    /// The JSON object of the spec's form: `{"dnsTiming": 1.2, …}`.
    pub fn to_json(&self) -> Value {
        Value::Object(self.fields().into_iter().map(|(k, v)| (k.to_string(), Value::from(v))).collect())
    }
}
