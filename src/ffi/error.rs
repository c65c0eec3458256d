//! Error codes and error objects: `ohos_http_error_message(code)` (a static string) and the
//! `ohos_http_error_t` a failed call hands back through its `out_error` parameter (no
//! thread-local "last error": errors are born on the reactor, not on the caller's thread).
use super::boundary::{guard, panicked, status_of, FfiResult};
use super::text::NulText;
use crate::error::{message_for, HttpError, INTERNAL_ERROR};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Status codes (the `int32_t` every call returns). Only the common ones are named here:
/// every `2300000 + CURLcode` is possible (`OHOS_HTTP_CURL_BASE + CURLE_…`).
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ohos_http_status_t {
    /// Success.
    OHOS_HTTP_OK = 0,
    /// Permission denied by the network policy.
    OHOS_HTTP_PERMISSION_DENIED = 201,
    /// Parameter error: a NULL pointer, invalid UTF-8, malformed options JSON or a bad value
    /// (the error's message names the argument or the options field).
    OHOS_HTTP_PARAMETER_ERROR = 401,
    /// Base of curl's codes: a failed transfer's status is `OHOS_HTTP_CURL_BASE + CURLcode`.
    OHOS_HTTP_CURL_BASE = 2_300_000,
    /// Could not resolve the host name (curl's `CURLE_COULDNT_RESOLVE_HOST`).
    OHOS_HTTP_COULDNT_RESOLVE_HOST = 2_300_006,
    /// A connection could not be made (curl's `CURLE_COULDNT_CONNECT`).
    OHOS_HTTP_COULDNT_CONNECT = 2_300_007,
    /// No data arrived within `readTimeout`, or the connect timed out (`CURLE_OPERATION_TIMEDOUT`).
    OHOS_HTTP_TIMEOUT = 2_300_028,
    /// The transfer was cancelled by `ohos_http_destroy` (curl's `CURLE_ABORTED_BY_CALLBACK`).
    OHOS_HTTP_CANCELLED = 2_300_042,
    /// The body exceeded `maxLimit` (curl's `CURLE_FILESIZE_EXCEEDED`).
    OHOS_HTTP_MAX_LIMIT_EXCEEDED = 2_300_063,
    /// Cleartext HTTP to a domain whose network policy forbids it.
    OHOS_HTTP_CLEARTEXT_NOT_PERMITTED = 2_300_997,
    /// The network policy does not allow this domain.
    OHOS_HTTP_DOMAIN_NOT_ALLOWED = 2_300_998,
    /// Internal error: a panic caught at the boundary or in a callback, or a request on a
    /// destroyed handle.
    OHOS_HTTP_INTERNAL_ERROR = 2_300_999,
}

const PARAMETER: i32 = ohos_http_status_t::OHOS_HTTP_PARAMETER_ERROR as i32;
const INTERNAL: i32 = ohos_http_status_t::OHOS_HTTP_INTERNAL_ERROR as i32;

/// An error's code and full message (the spec's text for the code plus detail such as the
/// options field or curl's error buffer). Owned by whoever received it; free it with
/// `ohos_http_error_free`.
#[allow(non_camel_case_types)]
pub struct ohos_http_error_t {
    code: u32,
    message: NulText,
}

impl ohos_http_error_t {
    /// A heap-allocated copy of `e` for the C side.
    pub(crate) fn into_raw(e: &HttpError) -> *mut ohos_http_error_t {
        Box::into_raw(Box::new(ohos_http_error_t { code: e.code(), message: NulText::new(e.message()) }))
    }
}

/// Like `guard`, and also hands the error's detail to the caller through `out_error` (when it
/// is not NULL): `*out_error` is set to NULL first, and to a new error object on failure.
///
/// # Safety
/// `out_error` is NULL or valid for a write of one pointer.
pub(crate) unsafe fn guard_err(
    what: &str,
    out_error: *mut *mut ohos_http_error_t,
    f: impl FnOnce() -> FfiResult,
) -> i32 {
    if !out_error.is_null() {
        // SAFETY: the caller passes NULL or a writable pointer slot.
        unsafe { *out_error = std::ptr::null_mut() };
    }
    let err = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return 0,
        Ok(Err(e)) => e,
        Err(payload) => panicked(what, &payload),
    };
    let status = status_of(&err);
    if !out_error.is_null() {
        // SAFETY: as above.
        unsafe { *out_error = ohos_http_error_t::into_raw(&err) };
    }
    status
}

/// Interned messages, so `ohos_http_error_message` can return a pointer that is valid for the
/// life of the process. The set of distinct texts is finite (the spec's texts, curl's
/// `curl_easy_strerror` texts, "Unknown error"), so this stays small whatever codes are asked.
static MESSAGES: Lazy<Mutex<HashMap<String, &'static CStr>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn interned(code: u32) -> &'static CStr {
    let text = message_for(code).replace('\0', " ");
    let mut messages = MESSAGES.lock();
    messages
        .entry(text)
        .or_insert_with_key(|text| Box::leak(CString::new(text.as_str()).unwrap_or_default().into_boxed_c_str()))
}

/// The message of an error code, e.g. "Failed to connect to the server" for 2300007: the
/// spec's text for the codes it lists, libcurl's own description for other curl codes,
/// "Unknown error" for anything else (0 included).
///
/// Returns a NUL-terminated static string (never NULL, never to be freed) that stays valid for
/// the life of the process. Callable from any thread.
#[no_mangle]
pub extern "C" fn ohos_http_error_message(code: i32) -> *const c_char {
    let code = u32::try_from(code).unwrap_or(INTERNAL_ERROR);
    match std::panic::catch_unwind(|| interned(code).as_ptr()) {
        Ok(p) => p,
        Err(_) => c"Unknown error".as_ptr(),
    }
}

/// The code of an error object (a status, never 0); 401 when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_error_code(error: *const ohos_http_error_t) -> i32 {
    // SAFETY: NULL or live by the caller's contract.
    match unsafe { error.as_ref() } {
        Some(e) => i32::try_from(e.code).unwrap_or(INTERNAL),
        None => PARAMETER,
    }
}

/// The full message of an error object: `*out_message` gets a NUL-terminated UTF-8 string
/// owned by the error (valid until `ohos_http_error_free`), `*out_len` (may be NULL) its
/// length without the NUL.
///
/// # Safety
/// `error` is NULL or a live error object; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_error_detail(
    error: *const ohos_http_error_t,
    out_message: *mut *const c_char,
    out_len: *mut usize,
) -> i32 {
    guard("ohos_http_error_detail", || {
        // SAFETY: NULL or live by the caller's contract.
        let e = unsafe { error.as_ref() }.ok_or_else(|| super::boundary::null("error"))?;
        // SAFETY: out-pointers NULL or writable by the caller's contract.
        unsafe { e.message.write_to(out_message, out_len, "out_message") }
    })
}

/// Frees an error object. NULL is allowed (nothing happens).
///
/// # Safety
/// `error` is NULL or an error object received from this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_error_free(error: *mut ohos_http_error_t) {
    if !error.is_null() {
        // SAFETY: allocated by `into_raw`, freed once by the caller's contract.
        let _ = std::panic::catch_unwind(|| drop(unsafe { Box::from_raw(error) }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_2300999_with_detail() {
        let mut err: *mut ohos_http_error_t = std::ptr::null_mut();
        // SAFETY: a valid out slot.
        let status = unsafe { guard_err("ohos_http_test", &mut err, || panic!("boom")) };
        assert_eq!(status, 2_300_999);
        assert!(!err.is_null());
        let (mut p, mut n) = (std::ptr::null(), 0usize);
        // SAFETY: a live error object and valid out slots.
        unsafe {
            assert_eq!(ohos_http_error_detail(err, &mut p, &mut n), 0);
            let text = CStr::from_ptr(p).to_str().unwrap();
            assert!(text.contains("ohos_http_test") && text.contains("boom"), "{text}");
            ohos_http_error_free(err);
        }
    }

    #[test]
    fn success_leaves_no_error() {
        let mut err: *mut ohos_http_error_t = std::ptr::NonNull::dangling().as_ptr();
        // SAFETY: a valid out slot; it is reset to NULL on success.
        assert_eq!(unsafe { guard_err("t", &mut err, || Ok(())) }, 0);
        assert!(err.is_null());
    }
}
