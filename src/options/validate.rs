//! Validation of option values (401 naming the field).
use super::HttpRequestOptions;
use crate::error::HttpError;

pub(super) fn check(_o: &HttpRequestOptions) -> Result<(), HttpError> {
    Ok(())
}
