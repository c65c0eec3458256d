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
    pub fn from_json(json: &str) -> Result<HttpRequestOptions, HttpError> {
        json::parse(json)
    }

    /// Checks every field's value (ranges, enumerations, shapes); a 401 error names the field.
    pub fn validate(&self) -> Result<(), HttpError> {
        validate::check(self)
    }
}
