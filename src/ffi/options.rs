//! Options: camelCase JSON text (what a JS bridge already holds), parsed and validated on the
//! caller's thread; and `ohos_http_options_t`, a parsed set that can also carry raw bytes
//! (`extraData` as an ArrayBuffer), which JSON cannot express.
use super::boundary::{bytes_arg, guard, null, opt_str_arg, write_opt, write_out, FfiResult};
use super::error::{guard_err, ohos_http_error_t};
use crate::error::HttpError;
use crate::options::{ExtraData, HttpRequestOptions};
use std::ffi::c_char;

/// Parsed request options (`HttpRequestOptions`), reusable for any number of requests: each
/// request copies what it needs, so the object may be changed or freed right after a call.
/// Not synchronised: do not change it while another thread passes it to a request.
#[allow(non_camel_case_types)]
pub struct ohos_http_options_t {
    pub(crate) inner: HttpRequestOptions,
}

/// Options from JSON text (NULL means the defaults), parsed by the Rust parser; a malformed
/// text or a field of the wrong type is 401 naming it. Values are validated once, by the
/// request pipeline, as for a Rust caller.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string.
pub(crate) unsafe fn parse_json(json: *const c_char) -> FfiResult<Option<HttpRequestOptions>> {
    // SAFETY: forwarded to the caller.
    unsafe { opt_str_arg(json, "options_json") }?.map(HttpRequestOptions::from_json).transpose()
}

/// A copy of the options behind `p` (NULL: the defaults).
///
/// # Safety
/// `p` is NULL or a live options object.
pub(crate) unsafe fn from_handle(p: *const ohos_http_options_t) -> FfiResult<Option<HttpRequestOptions>> {
    // SAFETY: NULL or live by the caller's contract.
    Ok(unsafe { p.as_ref() }.map(|o| o.inner.clone()))
}

/// Parses options from camelCase JSON text (`{"method":"POST","extraData":{…},"header":{…}}`,
/// the OpenHarmony `HttpRequestOptions` form). NULL or "" gives the defaults. Malformed JSON
/// or a field of the wrong type or value is 401 and the error names the field, e.g.
/// "priority must be in [1, 1000]". `*out_options` receives a new object (free it with
/// `ohos_http_options_free`) or NULL on an error.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `out_options` and `out_error` are NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_options_parse(
    json: *const c_char,
    out_options: *mut *mut ohos_http_options_t,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: pointers are NULL or valid by the caller's contract.
    unsafe {
        guard_err("ohos_http_options_parse", out_error, || {
            write_opt(out_options, std::ptr::null_mut());
            if out_options.is_null() {
                return Err(null("out_options"));
            }
            let inner = parse_json(json)?.unwrap_or_default();
            // a parsed object is checked at once, so a host learns of a bad value here
            inner.validate()?;
            write_out(out_options, Box::into_raw(Box::new(ohos_http_options_t { inner })), "out_options")
        })
    }
}

/// Sets `extraData` to raw bytes (an ArrayBuffer): the body as is for POST/PUT (ignored for
/// the query of other methods, as the spec says). The bytes are copied. `data` may be NULL
/// only when `len` is 0.
///
/// # Safety
/// `options` is NULL or a live options object; `data` is NULL or readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_options_set_extra_data_bytes(
    options: *mut ohos_http_options_t,
    data: *const u8,
    len: usize,
) -> i32 {
    guard("ohos_http_options_set_extra_data_bytes", || {
        // SAFETY: caller's contract.
        let o = unsafe { options.as_mut() }.ok_or_else(|| null("options"))?;
        // SAFETY: caller's contract.
        let bytes = unsafe { bytes_arg(data, len, "data") }?;
        o.inner.extra_data = Some(ExtraData::ArrayBuffer(bytes.to_vec()));
        Ok(())
    })
}

/// Sets the data of part `index` of `multiFormDataList` to raw bytes (copied). The part must
/// exist (401 naming the index otherwise): give the list in the JSON with a placeholder, e.g.
/// `{"name":"file","contentType":"application/octet-stream","data":""}`.
///
/// # Safety
/// `options` is NULL or a live options object; `data` is NULL or readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_options_set_form_data_bytes(
    options: *mut ohos_http_options_t,
    index: usize,
    data: *const u8,
    len: usize,
) -> i32 {
    guard("ohos_http_options_set_form_data_bytes", || {
        // SAFETY: caller's contract.
        let o = unsafe { options.as_mut() }.ok_or_else(|| null("options"))?;
        // SAFETY: caller's contract.
        let bytes = unsafe { bytes_arg(data, len, "data") }?;
        let count = o.inner.multi_form_data_list.as_ref().map_or(0, Vec::len);
        let part = o.inner.multi_form_data_list.as_mut().and_then(|l| l.get_mut(index)).ok_or_else(|| {
            HttpError::parameter(format!("multiFormDataList[{index}] does not exist ({count} parts)"))
        })?;
        part.data = Some(ExtraData::ArrayBuffer(bytes.to_vec()));
        Ok(())
    })
}

/// Frees an options object. NULL is allowed (nothing happens).
///
/// # Safety
/// `options` is NULL or an object from `ohos_http_options_parse`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_options_free(options: *mut ohos_http_options_t) {
    if !options.is_null() {
        // SAFETY: allocated by `ohos_http_options_parse`, freed once by the caller's contract.
        let _ = std::panic::catch_unwind(|| drop(unsafe { Box::from_raw(options) }));
    }
}
