//! The panic boundary and the argument checks every export goes through: a panic becomes
//! 2300999, a NULL pointer or invalid UTF-8 becomes 401, never a crash.
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
pub(crate) fn panicked(what: &str, payload: &Box<dyn std::any::Any + Send>) -> HttpError {
    HttpError::internal(format!("a panic in {what}: {}", crate::error::panic_message(payload)))
}

/// Runs the body of an export: 0 on success, the error's code on failure, 2300999 on a panic.
pub(crate) fn guard(what: &str, f: impl FnOnce() -> FfiResult) -> i32 {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => status_of(&e),
        Err(payload) => status_of(&panicked(what, &payload)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_and_errors_become_codes() {
        assert_eq!(guard("t", || panic!("boom")), 2_300_999);
        assert_eq!(guard("t", || Ok(())), 0);
        assert_eq!(guard("t", || Err(HttpError::parameter("x"))), 401);
    }
}
