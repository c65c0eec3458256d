//! `ohos_http_response_t` and its accessors. Everything is converted once when the response is
//! handed over, so accessors only hand out pointers into it (valid until
//! `ohos_http_response_free`).
use super::boundary::{guard, null, write_out, FfiResult};
use super::text::NulText;
use crate::response::{HttpResponse, ResponseResult};
use serde_json::Value;
use std::ffi::c_char;

/// `HttpResponse`: a finished whole-body request. Owned by whoever received it (the caller of
/// `ohos_http_request`, or a completion callback); free it with `ohos_http_response_free`.
/// Read-only, so it may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct ohos_http_response_t {
    response_code: u32,
    result_type: u32,
    result: NulText,
    header_json: NulText,
    cookies: NulText,
    timing_json: NulText,
    http_version: NulText,
    from_cache: bool,
}

/// The spec's `HttpDataType`: the values of `ohos_http_response_result_type`, and the numbers
/// of `expectDataType` in the options JSON (`{"expectDataType":1}` asks for OBJECT).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ohos_http_data_type_t {
    /// The result is UTF-8 text.
    OHOS_HTTP_DATA_STRING = 0,
    /// The result is JSON text (`expectDataType` OBJECT and the body parsed).
    OHOS_HTTP_DATA_OBJECT = 1,
    /// The result is raw bytes.
    OHOS_HTTP_DATA_ARRAY_BUFFER = 2,
}

impl ohos_http_response_t {
    /// Converts a response for the C side.
    pub(crate) fn new(r: HttpResponse) -> Self {
        let timing = r.performance_timing.to_json();
        let result = match r.result {
            ResponseResult::String(s) => s.into_bytes(),
            ResponseResult::Object(v) => v.to_string().into_bytes(),
            ResponseResult::ArrayBuffer(b) => b,
        };
        ohos_http_response_t {
            response_code: r.response_code,
            result_type: r.result_type as u32,
            result: NulText::new(result),
            header_json: NulText::new(Value::Object(r.header).to_string()),
            cookies: NulText::new(r.cookies),
            timing_json: NulText::new(timing.to_string()),
            http_version: NulText::new(r.http_version),
            from_cache: r.from_cache,
        }
    }

    /// On the heap, for the C side.
    pub(crate) fn into_raw(r: HttpResponse) -> *mut ohos_http_response_t {
        Box::into_raw(Box::new(Self::new(r)))
    }
}

/// Runs an accessor on a live response.
///
/// # Safety
/// `response` is NULL or a live response.
unsafe fn with(
    what: &str,
    response: *const ohos_http_response_t,
    f: impl FnOnce(&ohos_http_response_t) -> FfiResult,
) -> i32 {
    guard(what, || {
        // SAFETY: NULL or live by the caller's contract.
        let r = unsafe { response.as_ref() }.ok_or_else(|| null("response"))?;
        f(r)
    })
}

/// The HTTP status code of the final response (4xx and 5xx are responses, not errors).
///
/// # Safety
/// `response` is NULL or a live response; `out_code` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_code(response: *const ohos_http_response_t, out_code: *mut u32) -> i32 {
    // SAFETY: caller's contract.
    unsafe { with("ohos_http_response_code", response, |r| write_out(out_code, r.response_code, "out_code")) }
}

/// The body (`result`): text for STRING, JSON text for OBJECT, raw bytes for ARRAY_BUFFER.
/// `*out_data` points into the response (valid until `ohos_http_response_free`), followed by a
/// NUL that `*out_len` does not count, so text can also be used as a C string. An empty body
/// gives a valid pointer and 0.
///
/// # Safety
/// `response` is NULL or a live response; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_result(
    response: *const ohos_http_response_t,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe { with("ohos_http_response_result", response, |r| r.result.write_to(out_data, out_len, "out_data")) }
}

/// The type of `result`: one of `ohos_http_data_type_t` (0 STRING, 1 OBJECT, 2 ARRAY_BUFFER).
///
/// # Safety
/// `response` is NULL or a live response; `out_type` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_result_type(
    response: *const ohos_http_response_t,
    out_type: *mut u32,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe { with("ohos_http_response_result_type", response, |r| write_out(out_type, r.result_type, "out_type")) }
}

/// The final response's headers as a JSON object (keys lower-cased; `set-cookie` an array of
/// strings; other repeated fields joined with ", "). NUL-terminated UTF-8 owned by the response.
///
/// # Safety
/// `response` is NULL or a live response; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_header_json(
    response: *const ohos_http_response_t,
    out_json: *mut *const c_char,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        with("ohos_http_response_header_json", response, |r| r.header_json.write_to(out_json, out_len, "out_json"))
    }
}

/// curl's cookie list (Netscape cookie-file lines joined with "\r\n"; "" when none).
/// NUL-terminated UTF-8 owned by the response.
///
/// # Safety
/// `response` is NULL or a live response; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_cookies(
    response: *const ohos_http_response_t,
    out_cookies: *mut *const c_char,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe { with("ohos_http_response_cookies", response, |r| r.cookies.write_to(out_cookies, out_len, "out_cookies")) }
}

/// `performanceTiming` as a JSON object of milliseconds (numbers) with the spec's keys:
/// dnsTiming, tcpTiming, tlsTiming, firstSendTiming, firstReceiveTiming, totalFinishTiming,
/// redirectTiming, responseHeaderTiming, responseBodyTiming, totalTiming.
///
/// # Safety
/// `response` is NULL or a live response; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_timing_json(
    response: *const ohos_http_response_t,
    out_json: *mut *const c_char,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        with("ohos_http_response_timing_json", response, |r| r.timing_json.write_to(out_json, out_len, "out_json"))
    }
}

/// The HTTP version of the final response: "1.0", "1.1", "2" or "3" ("" for a response served
/// from the cache without revalidation). NUL-terminated, owned by the response.
///
/// # Safety
/// `response` is NULL or a live response; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_http_version(
    response: *const ohos_http_response_t,
    out_version: *mut *const c_char,
    out_len: *mut usize,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        with("ohos_http_response_http_version", response, |r| {
            r.http_version.write_to(out_version, out_len, "out_version")
        })
    }
}

/// Whether the response was served from the response cache.
///
/// # Safety
/// `response` is NULL or a live response; `out_from_cache` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_from_cache(
    response: *const ohos_http_response_t,
    out_from_cache: *mut bool,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        with("ohos_http_response_from_cache", response, |r| write_out(out_from_cache, r.from_cache, "out_from_cache"))
    }
}

/// Frees a response and everything its accessors handed out. NULL is allowed (nothing happens).
///
/// # Safety
/// `response` is NULL or a response received from this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_response_free(response: *mut ohos_http_response_t) {
    if !response.is_null() {
        // SAFETY: allocated by `into_raw`, freed once by the caller's contract.
        let _ = std::panic::catch_unwind(|| drop(unsafe { Box::from_raw(response) }));
    }
}
