//! `HttpRequestOptions` and its parts: the types, the camelCase JSON form, and validation.
//!
//! Validation happens on the caller's thread before anything is queued: every invalid value
//! is a 401 `HttpError` whose message names the field.
mod convert;
mod defaults;
mod json;
mod types;
mod validate;

pub(crate) use defaults::header_text;
pub use defaults::{DEFAULT_MAX_LIMIT, DEFAULT_TIMEOUT_MS, MAX_MAX_LIMIT};
pub use types::*;
pub(crate) use validate::is_sha256_base64;

use crate::error::HttpError;

impl HttpRequestOptions {
    /// The OpenHarmony JSON form, camelCase keys as in the spec (`{"method":"POST","extraData":…}`).
    /// Unknown keys are ignored; a key of the wrong type is a 401 error naming the key.
    /// Enumerations take the spec's values: `method` and `certType` strings, `expectDataType`
    /// and `usingProtocol` numbers.
    ///
    /// ```no_run
    /// use ohos_http::{HttpProtocol, HttpRequestOptions, RequestMethod};
    /// # fn main() -> Result<(), ohos_http::HttpError> {
    /// let o = HttpRequestOptions::from_json(
    ///     r#"{"method":"PUT","header":{"x-demo":1},"extraData":{"a":1},"usingProtocol":1,"readTimeout":5000}"#,
    /// )?;
    /// assert_eq!(o.method, Some(RequestMethod::Put));
    /// assert_eq!(o.using_protocol, Some(HttpProtocol::Http2));
    ///
    /// let e = HttpRequestOptions::from_json(r#"{"priority":"high"}"#).unwrap_err();
    /// assert_eq!(e.code(), 401); // "Parameter error: priority must be …, got a string"
    /// # Ok(()) }
    /// ```
    pub fn from_json(json: &str) -> Result<HttpRequestOptions, HttpError> {
        json::parse(json)
    }

    /// Checks every field's value (ranges, enumerations, shapes); a 401 error names the field.
    pub fn validate(&self) -> Result<(), HttpError> {
        validate::check(self)
    }
}
