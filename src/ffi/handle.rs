//! The request handle: `ohos_http_create` / `ohos_http_destroy`. The handle is one reference
//! of an `Arc`; every call and every callback in flight holds another, so a handle destroyed
//! on one thread while a call runs on another stays valid until that call returns.
use super::boundary::{guard, null, write_opt, write_out, FfiResult};
use crate::request::HttpRequest;
use std::sync::Arc;

/// A request task (`http.createHttp()`): create it with `ohos_http_create`, end it with
/// `ohos_http_destroy`. Thread-safe: any thread may use it, several requests may run on it at
/// once, and they share its listeners.
#[allow(non_camel_case_types)]
pub struct ohos_http_request_t {
    pub(crate) inner: HttpRequest,
}

/// A new reference to the handle behind `p` (so a concurrent destroy cannot free it under us).
///
/// # Safety
/// `p` is NULL or a live handle from `ohos_http_create`.
pub(crate) unsafe fn acquire(p: *const ohos_http_request_t) -> FfiResult<Arc<ohos_http_request_t>> {
    if p.is_null() {
        return Err(null("request"));
    }
    // SAFETY: `p` came from `Arc::into_raw` and its reference is live (caller's contract).
    unsafe {
        Arc::increment_strong_count(p);
        Ok(Arc::from_raw(p))
    }
}

/// Creates a request task; `*out_request` receives the handle (0) or NULL (on an error).
///
/// # Safety
/// `out_request` is NULL (401) or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_create(out_request: *mut *mut ohos_http_request_t) -> i32 {
    guard("ohos_http_create", || {
        // SAFETY: NULL or writable by the caller's contract.
        unsafe { write_opt(out_request, std::ptr::null_mut()) };
        let handle = Arc::new(ohos_http_request_t { inner: HttpRequest::new() });
        let raw = Arc::into_raw(handle).cast_mut();
        // SAFETY: as above; on a NULL slot the handle is dropped again.
        unsafe { write_out(out_request, raw, "out_request") }.inspect_err(|_| {
            // SAFETY: `raw` came from `Arc::into_raw` just above and was not handed out.
            drop(unsafe { Arc::from_raw(raw) })
        })
    })
}

/// Destroys a request task (`destroy()`): cancels its running transfers at once (their
/// completions fail with 2300042), removes all its listeners (running their `user_data_free`),
/// releases the handle and sets `*request` to NULL. Later use of the handle is undefined; a
/// callback still in flight keeps what it needs alive. `request == NULL` is 401;
/// `*request == NULL` does nothing (0). May be called from any thread, also from inside a
/// listener or a completion callback of the same handle.
///
/// # Safety
/// `request` is NULL or points to NULL or to a live handle, which must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_destroy(request: *mut *mut ohos_http_request_t) -> i32 {
    guard("ohos_http_destroy", || {
        if request.is_null() {
            return Err(null("request"));
        }
        // SAFETY: not NULL; readable and writable by the caller's contract.
        let raw = unsafe { std::mem::replace(&mut *request, std::ptr::null_mut()) };
        if !raw.is_null() {
            // SAFETY: the caller's reference, given back exactly once.
            let handle = unsafe { Arc::from_raw(raw.cast_const()) };
            handle.inner.destroy();
        }
        Ok(())
    })
}
