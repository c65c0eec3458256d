//! `HttpRequestOptions::from_json`: the camelCase JSON form.
use super::HttpRequestOptions;
use crate::error::HttpError;

pub(super) fn parse(_json: &str) -> Result<HttpRequestOptions, HttpError> {
    Err(HttpError::internal("from_json is not implemented yet"))
}
