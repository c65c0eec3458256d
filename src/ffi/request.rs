//! The request calls: whole-body and stream requests, blocking or with a completion callback,
//! with options as JSON text or as a parsed `ohos_http_options_t` (which can carry bytes).
use super::boundary::{str_arg, write_opt, FfiResult};
use super::error::{guard_err, ohos_http_error_t};
use super::handle::{acquire, ohos_http_request_t};
use super::options::{from_handle, ohos_http_options_t, parse_json};
use super::response::ohos_http_response_t;
use super::userdata::{ohos_http_free_fn, UserData};
use crate::error::HttpError;
use crate::options::HttpRequestOptions;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// Completion callback of `ohos_http_request_async`.
///
/// Called exactly once per accepted request (status 0 returned), with the `user_data` given
/// to the call and:
/// * `status`: 0, or the error code (2300042 when cancelled by `ohos_http_destroy`, 2300007
///   when the connection was refused, 401 for options rejected late, …);
/// * `response`: on success a new response that the callback now owns (free it with
///   `ohos_http_response_free`, now or later, on any thread); NULL on an error;
/// * `error`: on an error its detail, valid only during the call (NULL on success).
///
/// Thread: a dispatcher thread of the library, after every listener call of the request; never
/// the reactor and never the caller's thread. `user_data_free` runs right after it returns.
/// It should not block for long (other requests' callbacks wait for it until the dispatcher
/// starts another thread, 50 ms later; waiting on another request does not deadlock) and
/// must not throw: a C++ exception must never unwind into the library (mark it `noexcept`).
/// It may call the library, e.g. start another request or destroy the handle.
#[allow(non_camel_case_types)]
pub type ohos_http_response_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        status: i32,
        response: *mut ohos_http_response_t,
        error: *const ohos_http_error_t,
    ),
>;

/// Completion callback of `ohos_http_request_in_stream_async`: as `ohos_http_response_fn`,
/// with the final HTTP status code instead of a response (0 on an error). The body arrived
/// through the DATA_RECEIVE listeners before this call. Same thread and rules.
#[allow(non_camel_case_types)]
pub type ohos_http_stream_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, status: i32, response_code: u32, error: *const ohos_http_error_t),
>;

/// Hands a result to a C completion callback: the error object lives for the call only.
fn complete<T>(result: Result<T, HttpError>, call: impl FnOnce(i32, Option<T>, *const ohos_http_error_t)) {
    match result {
        Ok(v) => call(0, Some(v), std::ptr::null()),
        Err(e) => {
            let err = ohos_http_error_t::into_raw(&e);
            call(super::boundary::status_of(&e), None, err);
            // SAFETY: allocated just above; the callback only borrowed it.
            drop(unsafe { Box::from_raw(err) });
        }
    }
}

/// How the options of a call were given.
#[derive(Clone, Copy)]
enum Opts {
    Json(*const c_char),
    Handle(*const ohos_http_options_t),
}

impl Opts {
    /// Parsed on the caller's thread (values are validated by the request pipeline, once).
    ///
    /// # Safety
    /// The pointer is NULL or valid (a NUL-terminated string or a live options object).
    unsafe fn get(self) -> FfiResult<Option<HttpRequestOptions>> {
        // SAFETY: forwarded to the caller.
        unsafe {
            match self {
                Opts::Json(p) => parse_json(p),
                Opts::Handle(p) => from_handle(p),
            }
        }
    }
}

/// The blocking whole-body request.
///
/// # Safety
/// As `ohos_http_request`.
unsafe fn blocking(
    what: &str,
    request: *const ohos_http_request_t,
    url: *const c_char,
    opts: Opts,
    out_response: *mut *mut ohos_http_response_t,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: every pointer is NULL or valid by the caller's contract.
    unsafe {
        guard_err(what, out_error, || {
            write_opt(out_response, std::ptr::null_mut());
            let handle = acquire(request)?;
            let url = str_arg(url, "url")?;
            let options = opts.get()?;
            let response = handle.inner.request(url, options)?;
            // Converted only when the caller wants it: a NULL out_response discards it.
            if !out_response.is_null() {
                write_opt(out_response, ohos_http_response_t::into_raw(response));
            }
            Ok(())
        })
    }
}

/// The whole-body request with a completion callback.
///
/// # Safety
/// As `ohos_http_request_async`.
#[allow(clippy::too_many_arguments)]
unsafe fn with_callback(
    what: &str,
    request: *const ohos_http_request_t,
    url: *const c_char,
    opts: Opts,
    callback: ohos_http_response_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: every pointer is NULL or valid by the caller's contract.
    unsafe {
        guard_err(what, out_error, || {
            let handle = acquire(request)?;
            let url = str_arg(url, "url")?;
            let options = opts.get()?;
            // Accepted (Ok below): the callback runs exactly once and then user_data_free;
            // refused: neither runs.
            let mut user = UserData::pending(user_data, user_data_free);
            let keep = Arc::clone(&handle);
            handle.inner.try_request_with_callback(url, options, move |result| {
                let _keep = keep;
                user.take_over();
                complete(result, |status, response, error| match callback {
                    Some(cb) => {
                        let raw = response.map_or(std::ptr::null_mut(), ohos_http_response_t::into_raw);
                        // SAFETY: the host's callback with its own user data; it takes the response.
                        cb(user.ptr(), status, raw, error)
                    }
                    None => drop(response),
                });
                drop(user);
            })
        })
    }
}

/// The blocking stream request.
///
/// # Safety
/// As `ohos_http_request_in_stream`.
unsafe fn stream_blocking(
    what: &str,
    request: *const ohos_http_request_t,
    url: *const c_char,
    opts: Opts,
    out_response_code: *mut u32,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: every pointer is NULL or valid by the caller's contract.
    unsafe {
        guard_err(what, out_error, || {
            write_opt(out_response_code, 0);
            let handle = acquire(request)?;
            let url = str_arg(url, "url")?;
            let options = opts.get()?;
            let code = handle.inner.request_in_stream(url, options)?;
            write_opt(out_response_code, code);
            Ok(())
        })
    }
}

/// The stream request with a completion callback.
///
/// # Safety
/// As `ohos_http_request_in_stream_async`.
#[allow(clippy::too_many_arguments)]
unsafe fn stream_with_callback(
    what: &str,
    request: *const ohos_http_request_t,
    url: *const c_char,
    opts: Opts,
    callback: ohos_http_stream_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: every pointer is NULL or valid by the caller's contract.
    unsafe {
        guard_err(what, out_error, || {
            let handle = acquire(request)?;
            let url = str_arg(url, "url")?;
            let options = opts.get()?;
            let mut user = UserData::pending(user_data, user_data_free);
            let keep = Arc::clone(&handle);
            handle.inner.try_request_in_stream_with_callback(url, options, move |result| {
                let _keep = keep;
                user.take_over();
                complete(result, |status, code, error| {
                    if let Some(cb) = callback {
                        // SAFETY: the host's callback with its own user data.
                        cb(user.ptr(), status, code.unwrap_or(0), error)
                    }
                });
                drop(user);
            })
        })
    }
}

/// Sends a request and blocks until the whole response has arrived (`request()`).
///
/// `url` is required; `options_json` is NULL (defaults) or the camelCase JSON options
/// (malformed JSON or a bad field: 401 naming the field). Listeners of this request run on
/// this thread before it returns. On success `*out_response` (may be NULL to discard it)
/// receives a response to free with `ohos_http_response_free`; an HTTP error status (404,
/// 500) is a success. On failure the status is the error code, `*out_response` is NULL and
/// `*out_error` (may be NULL) receives the detail, to free with `ohos_http_error_free`.
///
/// # Safety
/// `request` is any value (NULL: 401; not a live handle: 2300999); `url`/`options_json` NULL or NUL-terminated; the
/// out-pointers NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options_json: *const c_char,
    out_response: *mut *mut ohos_http_response_t,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe { blocking("ohos_http_request", request, url, Opts::Json(options_json), out_response, out_error) }
}

/// As `ohos_http_request`, with options given as a parsed `ohos_http_options_t` (NULL:
/// defaults), e.g. to send a raw-bytes body set with `ohos_http_options_set_extra_data_bytes`.
///
/// # Safety
/// As `ohos_http_request`; `options` is NULL or a live options object.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_opts(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options: *const ohos_http_options_t,
    out_response: *mut *mut ohos_http_response_t,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe { blocking("ohos_http_request_opts", request, url, Opts::Handle(options), out_response, out_error) }
}

/// Starts a request and returns at once; `callback` (may be NULL to discard the result) gets
/// the outcome on a dispatcher thread (see `ohos_http_response_fn`), listeners run there too.
///
/// Returns 0 when the request was accepted: then `callback` runs exactly once, whatever
/// happens (also when the handle is destroyed: 2300042), and after it `user_data_free` (may be
/// NULL). A non-zero return (401 for a NULL `request`/`url`, invalid UTF-8 or bad options, with
/// detail in `*out_error`) means nothing was started: neither function is called and
/// `user_data` stays the caller's.
///
/// # Safety
/// As `ohos_http_request`; `callback`, `user_data` and `user_data_free` are safe to use from
/// the dispatcher thread.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_async(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options_json: *const c_char,
    callback: ohos_http_response_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    let what = "ohos_http_request_async";
    let o = Opts::Json(options_json);
    // SAFETY: forwarded to the caller.
    unsafe { with_callback(what, request, url, o, callback, user_data, user_data_free, out_error) }
}

/// As `ohos_http_request_async`, with options given as a parsed `ohos_http_options_t`.
///
/// # Safety
/// As `ohos_http_request_async`; `options` is NULL or a live options object.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_async_opts(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options: *const ohos_http_options_t,
    callback: ohos_http_response_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    let what = "ohos_http_request_async_opts";
    let o = Opts::Handle(options);
    // SAFETY: forwarded to the caller.
    unsafe { with_callback(what, request, url, o, callback, user_data, user_data_free, out_error) }
}

/// Sends a stream request and blocks until it ends (`requestInStream()`): the body arrives
/// only through DATA_RECEIVE listeners (no `maxLimit`), which run on this thread, then
/// DATA_END. `*out_response_code` (may be NULL) receives the HTTP status code. Errors as for
/// `ohos_http_request`.
///
/// # Safety
/// As `ohos_http_request`.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_in_stream(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options_json: *const c_char,
    out_response_code: *mut u32,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    let what = "ohos_http_request_in_stream";
    // SAFETY: forwarded to the caller.
    unsafe { stream_blocking(what, request, url, Opts::Json(options_json), out_response_code, out_error) }
}

/// As `ohos_http_request_in_stream`, with options given as a parsed `ohos_http_options_t`.
///
/// # Safety
/// As `ohos_http_request`; `options` is NULL or a live options object.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_in_stream_opts(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options: *const ohos_http_options_t,
    out_response_code: *mut u32,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    let what = "ohos_http_request_in_stream_opts";
    // SAFETY: forwarded to the caller.
    unsafe { stream_blocking(what, request, url, Opts::Handle(options), out_response_code, out_error) }
}

/// Starts a stream request and returns at once: listeners (DATA_RECEIVE, progress, DATA_END)
/// and then `callback` run on a dispatcher thread (see `ohos_http_stream_fn`). Acceptance,
/// `user_data` ownership and errors as for `ohos_http_request_async`.
///
/// # Safety
/// As `ohos_http_request_async`.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_in_stream_async(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options_json: *const c_char,
    callback: ohos_http_stream_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    let what = "ohos_http_request_in_stream_async";
    let o = Opts::Json(options_json);
    // SAFETY: forwarded to the caller.
    unsafe { stream_with_callback(what, request, url, o, callback, user_data, user_data_free, out_error) }
}

/// As `ohos_http_request_in_stream_async`, with options given as a parsed `ohos_http_options_t`.
///
/// # Safety
/// As `ohos_http_request_async`; `options` is NULL or a live options object.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_request_in_stream_async_opts(
    request: *const ohos_http_request_t,
    url: *const c_char,
    options: *const ohos_http_options_t,
    callback: ohos_http_stream_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    let what = "ohos_http_request_in_stream_async_opts";
    let o = Opts::Handle(options);
    // SAFETY: forwarded to the caller.
    unsafe { stream_with_callback(what, request, url, o, callback, user_data, user_data_free, out_error) }
}
