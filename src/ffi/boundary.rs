//! The panic boundary and the argument checks every export goes through: a panic becomes
//! 2300999, a NULL pointer or invalid UTF-8 becomes 401, never a crash.
use super::error::ohos_http_error_t;
use crate::error::{HttpError, INTERNAL_ERROR};
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What the body of an export returns: success or the error to report.
pub(crate) type FfiResult<T = ()> = Result<T, HttpError>;

/// The status of an error (codes are at most 2300999, so they fit in `int32_t`).
pub(crate) fn status_of(e: &HttpError) -> i32 {
    i32::try_from(e.code()).unwrap_or(INTERNAL_ERROR as i32)
}

/// The error a panic in `what` becomes.
fn panicked(what: &str, payload: &Box<dyn std::any::Any + Send>) -> HttpError {
    HttpError::internal(format!("a panic in {what}: {}", crate::panic_message(payload)))
}

/// Runs the body of an export: 0 on success, the error's code on failure, 2300999 on a panic.
pub(crate) fn guard(what: &str, f: impl FnOnce() -> FfiResult) -> i32 {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => status_of(&e),
        Err(payload) => status_of(&panicked(what, &payload)),
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

/// 401 naming the argument that was NULL.
pub(crate) fn null(name: &str) -> HttpError {
    HttpError::parameter(format!("{name} is NULL"))
}

/// A required C string argument as UTF-8.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded to the caller.
    unsafe { opt_str_arg(p, name) }?.ok_or_else(|| null(name))
}

/// An optional C string argument (NULL = `None`) as UTF-8.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn opt_str_arg<'a>(p: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL; NUL-terminated by the caller's contract.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map(Some).map_err(|e| HttpError::parameter(format!("{name} is not valid UTF-8: {e}")))
}

/// A byte buffer argument: `len` bytes at `data`; NULL is allowed only with `len == 0`.
///
/// # Safety
/// `data` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(data: *const u8, len: usize, name: &str) -> FfiResult<&'a [u8]> {
    if data.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(name)) };
    }
    // SAFETY: not NULL; `len` readable bytes by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Writes `value` to a required out-parameter.
///
/// # Safety
/// `out` is NULL or valid for a write of one `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, name: &str) -> FfiResult {
    if out.is_null() {
        return Err(null(name));
    }
    // SAFETY: not NULL; writable by the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Writes `value` to an optional out-parameter (NULL: nothing is written).
///
/// # Safety
/// `out` is NULL or valid for a write of one `T`.
pub(crate) unsafe fn write_opt<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: not NULL; writable by the caller's contract.
        unsafe { out.write(value) };
    }
}

/// Bytes with a NUL after them (not counted), so text can be read as a C string too.
#[derive(Debug, Clone, Default)]
pub(crate) struct NulText(Vec<u8>);

impl NulText {
    /// Copies (or takes) `bytes` and appends a NUL.
    pub(crate) fn new(bytes: impl Into<Vec<u8>>) -> Self {
        let mut v = bytes.into();
        v.push(0);
        NulText(v)
    }

    /// The start of the bytes (a NUL-terminated string when they hold no NUL themselves).
    pub(crate) fn ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }

    /// The number of bytes, the trailing NUL not counted.
    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }

    /// Writes pointer and length to out-parameters (the length one may be NULL).
    ///
    /// # Safety
    /// `out_ptr` is NULL or writable; `out_len` is NULL or writable.
    pub(crate) unsafe fn write_to<P>(&self, out_ptr: *mut *const P, out_len: *mut usize, name: &str) -> FfiResult {
        // SAFETY: forwarded to the caller.
        unsafe {
            write_out(out_ptr, self.ptr().cast::<P>(), name)?;
            write_opt(out_len, self.len());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_2300999_with_detail() {
        assert_eq!(guard("t", || panic!("boom")), 2_300_999);
        let mut err: *mut ohos_http_error_t = std::ptr::null_mut();
        // SAFETY: a valid out slot.
        let status = unsafe { guard_err("ohos_http_test", &mut err, || panic!("boom")) };
        assert_eq!(status, 2_300_999);
        assert!(!err.is_null());
        let (mut p, mut n) = (std::ptr::null(), 0usize);
        // SAFETY: a live error object and valid out slots.
        unsafe {
            assert_eq!(super::super::error::ohos_http_error_detail(err, &mut p, &mut n), 0);
            let text = CStr::from_ptr(p).to_str().unwrap();
            assert!(text.contains("ohos_http_test") && text.contains("boom"), "{text}");
            super::super::error::ohos_http_error_free(err);
        }
    }

    #[test]
    fn errors_and_success() {
        assert_eq!(guard("t", || Ok(())), 0);
        assert_eq!(guard("t", || Err(HttpError::parameter("x"))), 401);
        let mut err: *mut ohos_http_error_t = std::ptr::NonNull::dangling().as_ptr();
        // SAFETY: a valid out slot; it is reset to NULL on success.
        assert_eq!(unsafe { guard_err("t", &mut err, || Ok(())) }, 0);
        assert!(err.is_null());
    }
}
