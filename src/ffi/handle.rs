//! The request handle: `ohos_http_create` / `ohos_http_destroy`.
//!
//! The pointer a host gets is a name, not an address: a number from a counter that is never
//! reused, looked up in a table of live handles by every call. So the races a host can run
//! into are defined:
//! * a call on one thread while another thread destroys the handle: the call either finds the
//!   handle (and holds it until it returns, so it completes normally) or does not (2300999,
//!   "the request handle was destroyed");
//! * a call after `ohos_http_destroy`, with a copy of the pointer: 2300999, never a crash;
//! * a pointer that never came from `ohos_http_create`: 2300999 too.
//!
//! (The other objects, responses, errors, options, caches, are plain allocations owned by
//! whoever received them: freeing one twice or using it after its `_free` stays the host's
//! duty.)
use super::boundary::{guard, null, write_opt, write_out, FfiResult};
use crate::error::HttpError;
use crate::request::HttpRequest;
use once_cell::sync::Lazy;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A request task (`http.createHttp()`): create it with `ohos_http_create`, end it with
/// `ohos_http_destroy`. Thread-safe: any thread may use it, several requests may run on it at
/// once, and they share its listeners.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct ohos_http_request_t {
    pub(crate) inner: HttpRequest,
}

/// The live handles, by the number handed out as their pointer.
static HANDLES: Lazy<RwLock<HashMap<usize, Arc<ohos_http_request_t>>>> = Lazy::new(|| RwLock::new(HashMap::new()));

/// The next handle's number (never 0, never reused; a multiple of 16, so it looks like an
/// aligned pointer to a host that checks).
static NEXT: AtomicUsize = AtomicUsize::new(16);

/// The handle named `p`, held for the call (so a concurrent destroy cannot end it under us).
pub(crate) fn acquire(p: *const ohos_http_request_t) -> FfiResult<Arc<ohos_http_request_t>> {
    if p.is_null() {
        return Err(null("request"));
    }
    HANDLES
        .read()
        .get(&(p as usize))
        .cloned()
        .ok_or_else(|| HttpError::internal("the request handle was destroyed (or never was one)"))
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
        if out_request.is_null() {
            return Err(null("out_request"));
        }
        let id = NEXT.fetch_add(16, Ordering::Relaxed);
        HANDLES.write().insert(id, Arc::new(ohos_http_request_t { inner: HttpRequest::new() }));
        // SAFETY: as above.
        unsafe { write_out(out_request, id as *mut ohos_http_request_t, "out_request") }
    })
}

/// Destroys a request task (`destroy()`): cancels its running transfers at once (their
/// completions fail with 2300042), removes all its listeners (running their `user_data_free`),
/// ends the handle and sets `*request` to NULL. A call that runs on the handle on another
/// thread meanwhile completes normally; any later use of the handle (a copy of the pointer)
/// fails with 2300999. `request == NULL` is 401; `*request == NULL` does nothing (0); a
/// handle destroyed already is 2300999. May be called from any thread, also from inside a
/// listener or a completion callback of the same handle.
///
/// # Safety
/// `request` is NULL or points to a writable handle pointer.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_destroy(request: *mut *mut ohos_http_request_t) -> i32 {
    guard("ohos_http_destroy", || {
        if request.is_null() {
            return Err(null("request"));
        }
        // SAFETY: not NULL; readable and writable by the caller's contract.
        let raw = unsafe { std::mem::replace(&mut *request, std::ptr::null_mut()) };
        if raw.is_null() {
            return Ok(());
        }
        let handle = HANDLES.write().remove(&(raw as usize));
        match handle {
            Some(h) => {
                h.inner.destroy();
                Ok(())
            }
            None => Err(HttpError::internal("the request handle was destroyed already (or never was one)")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destroyed_and_made_up_handles_are_errors_not_crashes() {
        let mut h: *mut ohos_http_request_t = std::ptr::null_mut();
        // SAFETY: a valid out slot.
        assert_eq!(unsafe { ohos_http_create(&mut h) }, 0);
        let copy = h;
        assert!(acquire(copy).is_ok());
        // SAFETY: a valid slot holding a live handle.
        assert_eq!(unsafe { ohos_http_destroy(&mut h) }, 0);
        assert!(h.is_null());
        assert_eq!(acquire(copy).unwrap_err().code(), 2_300_999);
        let mut again = copy;
        // SAFETY: a valid slot (its handle is gone: an error, not a crash).
        assert_eq!(unsafe { ohos_http_destroy(&mut again) }, 2_300_999);
        assert_eq!(acquire(0xdead_beef as *const ohos_http_request_t).unwrap_err().code(), 2_300_999);
        assert_eq!(acquire(std::ptr::null()).unwrap_err().code(), 401);
    }
}
