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

/// An error of the `@ohos.net.http` API: a numeric code and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct HttpError {
    code: u32,
    message: String,
}

impl HttpError {
    /// An error with an explicit code and message.
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        HttpError { code, message: message.into() }
    }

    /// A 401 parameter error; `detail` should name the field, e.g. "priority must be in [1, 1000]".
    pub fn parameter(detail: impl fmt::Display) -> Self {
        HttpError::new(PARAMETER_ERROR, format!("Parameter error: {detail}"))
    }

    /// A curl failure: code `2300000 + curl_code`, the spec's message (curl's own text for codes
    /// the spec does not list) followed by curl's error-buffer detail when there is one.
    pub fn from_curl(curl_code: u32, detail: Option<&str>) -> Self {
        let base = message_for(CURL_BASE + curl_code);
        let message = match detail.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => format!("{base}: {d}"),
            None => base.into_owned(),
        };
        HttpError::new(CURL_BASE + curl_code, message)
    }

    /// An internal error (2300999) with a detail.
    pub fn internal(detail: impl fmt::Display) -> Self {
        HttpError::new(INTERNAL_ERROR, format!("Internal error: {detail}"))
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn parameter_error_names_the_field() {
        let e = HttpError::parameter("priority must be in [1, 1000], got 0");
        assert_eq!(e.code(), 401);
        assert!(e.message().contains("priority"));
    }
}
