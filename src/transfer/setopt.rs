//! Setting options by hand, with every result checked: the error mapping the option modules
//! share (`config/`, the handle pool), and setters for options the `curl` crate lacks.
//!
//! libcurl refusing a value the caller gave (43, `CURLE_BAD_FUNCTION_ARGUMENT`) is a 401
//! naming the option; any other failure is 2300000 + its code. Nothing is ignored.
use super::Collector;
use crate::error::HttpError;
use curl::easy::Easy2;
use std::ffi::CStr;

/// A setopt of a value the caller gave (`field` names it): libcurl refusing the value is a
/// 401 naming the option; anything else is 2300000 + code.
pub(crate) fn user(field: &'static str) -> impl Fn(curl::Error) -> HttpError {
    move |e| {
        if e.code() == curl_sys::CURLE_BAD_FUNCTION_ARGUMENT {
            HttpError::parameter(format!("{field}: libcurl refused the value ({e})"))
        } else {
            own(field)(e)
        }
    }
}

/// A setopt of the library's own (`name` names it): any failure is 2300000 + code.
pub(crate) fn own(name: &'static str) -> impl Fn(curl::Error) -> HttpError {
    move |e| HttpError::from_curl(e.code(), Some(&format!("setting {name}: {e}")))
}

/// A string option by number (`None` sets NULL), for options the `curl` crate lacks.
pub(crate) fn set_str(
    easy: &mut Easy2<Collector>,
    opt: curl_sys::CURLoption,
    value: Option<&CStr>,
) -> Result<(), curl::Error> {
    let ptr = value.map_or(std::ptr::null(), CStr::as_ptr);
    // SAFETY: a string (or NULL) option on a valid easy handle; libcurl copies the string.
    check(unsafe { curl_sys::curl_easy_setopt(easy.raw(), opt, ptr) })
}

/// A long option by number, for options the `curl` crate lacks.
pub(crate) fn set_long(
    easy: &mut Easy2<Collector>,
    opt: curl_sys::CURLoption,
    value: libc::c_long,
) -> Result<(), curl::Error> {
    // SAFETY: a long option on a valid easy handle.
    check(unsafe { curl_sys::curl_easy_setopt(easy.raw(), opt, value) })
}

/// A `CURLcode` as a result.
pub(crate) fn check(rc: curl_sys::CURLcode) -> Result<(), curl::Error> {
    if rc == curl_sys::CURLE_OK {
        Ok(())
    } else {
        Err(curl::Error::new(rc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setopt_failures_are_never_ignored_and_say_what_failed() {
        let refused = user("connectTimeout")(curl::Error::new(curl_sys::CURLE_BAD_FUNCTION_ARGUMENT));
        assert_eq!(refused.code(), 401);
        assert!(refused.message().contains("connectTimeout"), "{refused}");
        let not_built = user("dnsOverHttps")(curl::Error::new(4));
        assert_eq!(not_built.code(), 2_300_004);
        assert!(not_built.message().contains("dnsOverHttps"), "{not_built}");
        let ours = own("PROTOCOLS_STR")(curl::Error::new(curl_sys::CURLE_UNKNOWN_OPTION));
        assert_eq!(ours.code(), 2_300_048);
        assert!(ours.message().contains("PROTOCOLS_STR"), "{ours}");
        assert!(check(curl_sys::CURLE_OK).is_ok());
        assert_eq!(check(curl_sys::CURLE_OUT_OF_MEMORY).unwrap_err().code(), curl_sys::CURLE_OUT_OF_MEMORY);
    }
}
