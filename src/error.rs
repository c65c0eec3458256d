//! `HttpError`: the error codes of `@ohos.net.http` and their messages.
//!
//! * `401` parameter error (the message names the field),
//! * `201` permission denied, `2300998` domain not allowed, `2300997` cleartext not permitted
//!   (the host-set network policy),
//! * `2300000 + CURLcode` for every libcurl failure, the CURLcode kept exactly,
//! * `2300999` internal error (a panic in a listener or callback, a broken invariant).
use std::borrow::Cow;
use std::ffi::CStr;
use std::fmt;

/// Parameter error: an option, the URL or an argument is invalid.
pub const PARAMETER_ERROR: u32 = 401;
/// Permission denied: the network policy forbids internet access.
pub const PERMISSION_DENIED: u32 = 201;
/// Base of the curl codes: a failed transfer's code is `CURL_BASE + CURLcode`.
pub const CURL_BASE: u32 = 2_300_000;
/// Cleartext `http://` to a domain whose network policy forbids it.
pub const CLEARTEXT_NOT_PERMITTED: u32 = 2_300_997;
/// The network policy's allow-list does not include the host.
pub const DOMAIN_NOT_ALLOWED: u32 = 2_300_998;
/// Internal error (a panic caught in a callback, a broken invariant).
pub const INTERNAL_ERROR: u32 = 2_300_999;
/// Code of a transfer cancelled by `destroy()` (curl's "aborted by callback", 42).
pub const CANCELLED: u32 = CURL_BASE + 42;

/// An error of the `@ohos.net.http` API: a numeric code and a message. [`kind`](Self::kind)
/// sorts it for matching; [`source`](std::error::Error::source) is libcurl's own error when
/// libcurl failed.
///
/// ```no_run
/// use ohos_http::error::{CURL_BASE, PARAMETER_ERROR};
/// use ohos_http::{create_http, ErrorKind};
///
/// let http = create_http();
/// if let Err(e) = http.request("http://127.0.0.1:1/", None) {
///     match e.code() {
///         PARAMETER_ERROR => println!("bad argument: {}", e.message()),
///         c if c == CURL_BASE + 7 => println!("refused: {}", e.message()), // CURLE_COULDNT_CONNECT
///         _ if e.kind() == ErrorKind::Timeout => println!("timed out"),
///         c => println!("error {c}: {e}"),
///     }
///     if let Some(curl) = std::error::Error::source(&e) {
///         println!("libcurl said: {curl}"); // a CurlCause
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct HttpError {
    code: u32,
    message: String,
    #[source]
    cause: Option<CurlCause>,
}

/// The libcurl failure behind an [`HttpError`]: the `CURLcode` and libcurl's own description
/// of it (`curl_easy_strerror`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("libcurl error {code}: {text}")]
pub struct CurlCause {
    /// The `CURLcode`.
    pub code: u32,
    /// libcurl's description of the code.
    pub text: String,
}

/// What kind of failure an [`HttpError`] is: a coarse sort for `match`; the code says exactly
/// which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: an option, the URL or an argument is invalid (the message names it).
    Parameter,
    /// 201: the network policy forbids internet access.
    PermissionDenied,
    /// 2300998: the host (or the proxy, or the DoH server) is not in the allow-list.
    DomainNotAllowed,
    /// 2300997: cleartext `http://` to that domain is forbidden.
    CleartextNotPermitted,
    /// 2300042: cancelled by `destroy()`, a dropped future, or a runtime shut down.
    Cancelled,
    /// 2300028: `readTimeout` or `connectTimeout`.
    Timeout,
    /// 2300063: the body is larger than `maxLimit`.
    TooLarge,
    /// 2300001, 2300003: a URL or scheme libcurl or the library refuses.
    Url,
    /// 2300005, 2300006: a name did not resolve (the host, the proxy).
    Resolve,
    /// 2300007: no connection could be made.
    Connect,
    /// TLS: handshake, certificates, CA, pins (2300035, 58, 59, 60, 77, 80, 83, 90, 91, 98).
    Tls,
    /// Any other libcurl failure on the way (a reset, a short or bad reply, …).
    Transfer,
    /// 2300999 and anything else: an internal failure (a panicking listener, …).
    Internal,
}

impl HttpError {
    /// An error with an explicit code and message.
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        HttpError { code, message: message.into(), cause: None }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> ErrorKind {
        match self.code {
            PARAMETER_ERROR => ErrorKind::Parameter,
            PERMISSION_DENIED => ErrorKind::PermissionDenied,
            DOMAIN_NOT_ALLOWED => ErrorKind::DomainNotAllowed,
            CLEARTEXT_NOT_PERMITTED => ErrorKind::CleartextNotPermitted,
            c => match self.curl_code() {
                Some(42) => ErrorKind::Cancelled,
                Some(28) => ErrorKind::Timeout,
                Some(63) => ErrorKind::TooLarge,
                Some(1 | 3) => ErrorKind::Url,
                Some(5 | 6) => ErrorKind::Resolve,
                Some(7) => ErrorKind::Connect,
                Some(35 | 58 | 59 | 60 | 77 | 80 | 83 | 90 | 91 | 98) => ErrorKind::Tls,
                Some(_) => ErrorKind::Transfer,
                None if c == CANCELLED => ErrorKind::Cancelled,
                None => ErrorKind::Internal,
            },
        }
    }

    /// True for a timeout (`readTimeout` or `connectTimeout`, 2300028).
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// A 401 parameter error; `detail` should name the field, e.g. "priority must be in [1, 1000]".
    pub fn parameter(detail: impl fmt::Display) -> Self {
        HttpError::new(PARAMETER_ERROR, format!("Parameter error: {detail}"))
    }

    /// A curl failure: code `2300000 + curl_code`, the spec's message (curl's own text for codes
    /// the spec does not list) followed by curl's error-buffer detail when there is one.
    pub fn from_curl(curl_code: u32, detail: Option<&str>) -> Self {
        let base = message_for(CURL_BASE + curl_code);
        let text = curl_strerror(curl_code);
        let message = match detail.and_then(|d| news(&[&base, &text], d)) {
            Some(d) => format!("{base}: {d}"),
            None => base.into_owned(),
        };
        let cause = CurlCause { code: curl_code, text };
        HttpError { code: CURL_BASE + curl_code, message, cause: Some(cause) }
    }

    /// An internal error (2300999): the spec's text, "Unknown error", then the detail.
    pub fn internal(detail: impl fmt::Display) -> Self {
        HttpError::new(INTERNAL_ERROR, format!("Unknown error: {detail}"))
    }

    /// The error code: 401, 201, 2300000 + CURLcode, 2300997, 2300998 or 2300999.
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The message: the spec's text for the code, plus detail.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The CURLcode behind this error, when it is a curl error (`code - 2300000`).
    pub fn curl_code(&self) -> Option<u32> {
        match self.code {
            c if (CURL_BASE..CURL_BASE + 997).contains(&c) => Some(c - CURL_BASE),
            _ => None,
        }
    }
}

impl From<curl::Error> for HttpError {
    fn from(e: curl::Error) -> Self {
        HttpError::from_curl(e.code(), e.extra_description())
    }
}

/// What `detail` says beyond the texts already known for the code (the spec's message, then
/// curl's own generic text), if anything: a detail that only repeats one of them (curl's error
/// buffer often holds the generic text, such as "Maximum file size exceeded") adds nothing,
/// and one that starts with one of them adds only the rest.
fn news<'a>(known: &[&str], detail: &'a str) -> Option<&'a str> {
    let plain = |s: &str| s.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut rest = detail.trim();
    for k in known.iter().filter(|k| !k.is_empty()) {
        if let Some(head) = rest.get(..k.len()).filter(|head| head.eq_ignore_ascii_case(k)) {
            rest = rest[head.len()..].trim_start_matches([':', ' ', '.', ',', '(']).trim_end_matches(')').trim();
        }
    }
    (!rest.is_empty() && known.iter().all(|k| plain(rest) != plain(k))).then_some(rest)
}

/// The message for an error code: the spec's text for the codes it lists, libcurl's own
/// description (`curl_easy_strerror`) for other curl codes, "Unknown error" otherwise.
pub fn message_for(code: u32) -> Cow<'static, str> {
    let text = match code {
        PARAMETER_ERROR => "Parameter error",
        PERMISSION_DENIED => "Permission denied",
        CLEARTEXT_NOT_PERMITTED => "Cleartext traffic not permitted",
        DOMAIN_NOT_ALLOWED => "It is not allowed to access this domain",
        INTERNAL_ERROR => "Unknown error",
        c if (CURL_BASE..CURL_BASE + 997).contains(&c) => match spec_curl_message(c - CURL_BASE) {
            Some(m) => m,
            // newer than some libcurls (8.6): their curl_easy_strerror says "Unknown error"
            None if c == CURL_BASE + 100 => "A value or data field grew larger than allowed",
            None => return Cow::Owned(curl_strerror(c - CURL_BASE)),
        },
        _ => "Unknown error",
    };
    Cow::Borrowed(text)
}

/// The spec's message for the CURLcodes it lists.
fn spec_curl_message(curl_code: u32) -> Option<&'static str> {
    Some(match curl_code {
        1 => "Unsupported protocol",
        3 => "Invalid URL format or missing URL",
        5 => "Failed to resolve the proxy name",
        6 => "Failed to resolve the host name",
        7 => "Failed to connect to the server",
        8 => "Invalid server response",
        9 => "Access to the remote resource denied",
        16 => "Error in the HTTP2 framing layer",
        18 => "Transferred a partial file",
        23 => "Failed to write the received data to the disk or application",
        25 => "Upload failed",
        26 => "Failed to open or read local data from the file or application",
        27 => "Out of memory",
        28 => "Operation timeout",
        47 => "The number of redirections reaches the maximum allowed",
        52 => "The server returned nothing (no header or data)",
        55 => "Failed to send data to the peer",
        56 => "Failed to receive data from the peer",
        58 => "Local SSL certificate error",
        59 => "The specified SSL cipher cannot be used",
        60 => "Invalid SSL peer certificate or SSH remote key",
        61 => "Invalid HTTP encoding format",
        63 => "Maximum file size exceeded",
        70 => "Remote disk full",
        73 => "Remote file already exists",
        77 => "The SSL CA certificate does not exist or is inaccessible",
        78 => "Remote file not found",
        90 => "Specified pinned public key did not match",
        94 => "Authentication error",
        _ => return None,
    })
}

/// libcurl's own description of a CURLcode.
fn curl_strerror(curl_code: u32) -> String {
    // SAFETY: curl_easy_strerror returns a pointer to a static NUL-terminated string for any
    // value, including unknown ones ("Unknown error").
    unsafe {
        let p = curl_sys::curl_easy_strerror(curl_code as curl_sys::CURLcode);
        if p.is_null() {
            return "Unknown error".to_string();
        }
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// The text of a panic payload (for the error a caught panic becomes).
pub(crate) fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_never_repeat_the_spec_text() {
        let e = HttpError::from_curl(63, Some("Maximum file size exceeded"));
        assert_eq!(e.message(), "Maximum file size exceeded");
        let e = HttpError::from_curl(63, Some("maximum file size exceeded."));
        assert_eq!(e.message(), "Maximum file size exceeded");
        let e = HttpError::from_curl(63, Some("Maximum file size exceeded: the body is larger than maxLimit"));
        assert_eq!(e.message(), "Maximum file size exceeded: the body is larger than maxLimit");
        // curl's generic text for the code says nothing new either
        let e = HttpError::from_curl(28, Some(&curl_strerror(28)));
        assert_eq!(e.message(), "Operation timeout");
        let e = HttpError::from_curl(
            7,
            Some("Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"),
        );
        assert!(
            e.message().starts_with("Failed to connect to the server: Failed to connect to 127.0.0.1 port 1"),
            "{e}"
        );
        assert_eq!(HttpError::internal("a listener panicked").message(), "Unknown error: a listener panicked");
    }

    #[test]
    fn curl_codes_map_directly() {
        assert_eq!(HttpError::from_curl(35, None).code(), 2_300_035);
        assert_eq!(HttpError::from_curl(6, None).message(), "Failed to resolve the host name");
        let e = HttpError::from_curl(35, Some("detail here"));
        assert!(e.message().starts_with("SSL connect error"), "{}", e.message());
        assert!(e.message().ends_with(": detail here"));
        assert_eq!(e.curl_code(), Some(35));
        assert_eq!(HttpError::parameter("x").curl_code(), None);
    }

    #[test]
    fn kinds_and_sources() {
        use std::error::Error;
        assert_eq!(HttpError::from_curl(28, None).kind(), ErrorKind::Timeout);
        assert!(HttpError::from_curl(28, None).is_timeout());
        assert_eq!(HttpError::from_curl(90, None).kind(), ErrorKind::Tls);
        assert_eq!(HttpError::from_curl(56, None).kind(), ErrorKind::Transfer);
        assert_eq!(HttpError::new(CANCELLED, "x").kind(), ErrorKind::Cancelled);
        assert_eq!(HttpError::parameter("x").kind(), ErrorKind::Parameter);
        assert_eq!(HttpError::internal("x").kind(), ErrorKind::Internal);
        assert_eq!(HttpError::new(DOMAIN_NOT_ALLOWED, "x").kind(), ErrorKind::DomainNotAllowed);
        let e = HttpError::from_curl(7, Some("refused"));
        let source = e.source().expect("a curl error has its libcurl cause");
        assert!(source.to_string().starts_with("libcurl error 7: "), "{source}");
        assert!(HttpError::parameter("x").source().is_none());
    }

    #[test]
    fn parameter_error_names_the_field() {
        let e = HttpError::parameter("priority must be in [1, 1000], got 0");
        assert_eq!(e.code(), 401);
        assert!(e.message().contains("priority"));
    }
}
