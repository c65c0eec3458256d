//! The response cache (`HttpResponseCache`): create, flush, delete (blocking and with a
//! completion callback), its directory, and what it holds.
use super::boundary::{guard, null, status_of, str_arg, write_out};
use super::error::{guard_err, ohos_http_error_t};
use super::userdata::{ohos_http_free_fn, UserData};
use crate::cache::{create_http_response_cache, set_cache_directory, HttpResponseCache};
use crate::error::HttpError;
use std::ffi::{c_char, c_void};

/// A handle to the process-wide response cache (`HttpResponseCache`). All handles refer to the
/// same cache. Free it with `ohos_http_cache_free` (that does not turn the cache off; use
/// `ohos_http_cache_delete` for that). Thread-safe.
#[allow(non_camel_case_types)]
pub struct ohos_http_cache_t {
    inner: HttpResponseCache,
}

/// What the response cache holds (`ohos_http_cache_usage`).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct ohos_http_cache_usage_t {
    /// Whether the cache is on.
    pub active: bool,
    /// Number of stored responses.
    pub entries: usize,
    /// Bytes they count against the size.
    pub bytes: u64,
    /// The size bound in bytes (0 while off).
    pub capacity: u64,
}

/// Completion callback of `ohos_http_cache_flush_async` / `ohos_http_cache_delete_async`:
/// `status` 0 or the error code (2300023 when the cache file cannot be written or removed),
/// `error` its detail, valid only during the call (NULL on success).
///
/// Thread: a dispatcher thread of the library (the work itself runs on a worker thread).
/// `user_data_free` runs right after it returns. It must not block for long and must not
/// throw (mark it `noexcept`).
#[allow(non_camel_case_types)]
pub type ohos_http_done_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, status: i32, error: *const ohos_http_error_t)>;

/// Turns the process-wide response cache on (`http.createHttpResponseCache(cacheSize)`) and
/// returns a handle. `cache_size` in bytes: `UINT64_MAX` means the default and maximum (10
/// MiB), larger values are clamped to it, 0 stores nothing. When the cache is off, its file in
/// the cache directory is loaded; when it is on, only its size changes. `*out_cache` receives
/// a handle to free with `ohos_http_cache_free`.
///
/// # Safety
/// `out_cache` is NULL (401) or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_create(cache_size: u64, out_cache: *mut *mut ohos_http_cache_t) -> i32 {
    guard("ohos_http_cache_create", || {
        if out_cache.is_null() {
            return Err(null("out_cache"));
        }
        let size = (cache_size != u64::MAX).then_some(cache_size);
        let handle = Box::new(ohos_http_cache_t { inner: create_http_response_cache(size) });
        // SAFETY: not NULL, writable by the caller's contract.
        unsafe { write_out(out_cache, Box::into_raw(handle), "out_cache") }
    })
}

/// Runs a blocking cache operation.
///
/// # Safety
/// `cache` is NULL or live; `out_error` NULL or writable.
unsafe fn blocking(
    what: &str,
    cache: *const ohos_http_cache_t,
    out_error: *mut *mut ohos_http_error_t,
    op: impl FnOnce(&HttpResponseCache) -> Result<(), HttpError>,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe {
        guard_err(what, out_error, || {
            let c = cache.as_ref().ok_or_else(|| null("cache"))?;
            op(&c.inner)
        })
    }
}

/// Runs a cache operation in the background with a C completion callback.
///
/// # Safety
/// As `ohos_http_cache_flush_async`.
unsafe fn with_callback(
    what: &str,
    cache: *const ohos_http_cache_t,
    callback: ohos_http_done_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    start: impl FnOnce(&HttpResponseCache, Box<dyn FnOnce(Result<(), HttpError>) + Send>),
) -> i32 {
    guard(what, || {
        // SAFETY: NULL or live by the caller's contract.
        let c = unsafe { cache.as_ref() }.ok_or_else(|| null("cache"))?;
        let user = UserData::new(user_data, user_data_free);
        start(
            &c.inner,
            Box::new(move |result| {
                if let Some(cb) = callback {
                    match result {
                        // SAFETY: the host's callback with its own user data.
                        Ok(()) => unsafe { cb(user.ptr(), 0, std::ptr::null()) },
                        Err(e) => {
                            let err = ohos_http_error_t::into_raw(&e);
                            // SAFETY: as above; the error lives for the call.
                            unsafe {
                                cb(user.ptr(), status_of(&e), err);
                                drop(Box::from_raw(err));
                            }
                        }
                    }
                }
                drop(user);
            }),
        );
        Ok(())
    })
}

/// Writes the cache to its file (atomically). A no-op (0) while the cache is off. 2300023 when
/// the directory cannot be determined or written, with detail in `*out_error` (may be NULL).
///
/// # Safety
/// `cache` is NULL (401) or a live handle; `out_error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_flush(
    cache: *const ohos_http_cache_t,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe { blocking("ohos_http_cache_flush", cache, out_error, HttpResponseCache::flush) }
}

/// Turns the cache off and deletes its entries, in memory and on disk. Requests bypass the
/// cache until `ohos_http_cache_create` is called again. 2300023 when the file exists but
/// cannot be removed.
///
/// # Safety
/// `cache` is NULL (401) or a live handle; `out_error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_delete(
    cache: *const ohos_http_cache_t,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe { blocking("ohos_http_cache_delete", cache, out_error, HttpResponseCache::delete) }
}

/// `ohos_http_cache_flush` on a worker thread; returns at once. When it returns 0, `callback`
/// (may be NULL) runs exactly once on a dispatcher thread, then `user_data_free` (may be
/// NULL); on a non-zero return (401: NULL cache) neither runs.
///
/// # Safety
/// `cache` is NULL or a live handle; `callback`/`user_data_free` safe to call on the
/// dispatcher thread.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_flush_async(
    cache: *const ohos_http_cache_t,
    callback: ohos_http_done_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe {
        with_callback("ohos_http_cache_flush_async", cache, callback, user_data, user_data_free, |c, done| {
            c.flush_with_callback(done)
        })
    }
}

/// `ohos_http_cache_delete` on a worker thread; as `ohos_http_cache_flush_async`.
///
/// # Safety
/// As `ohos_http_cache_flush_async`.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_delete_async(
    cache: *const ohos_http_cache_t,
    callback: ohos_http_done_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe {
        with_callback("ohos_http_cache_delete_async", cache, callback, user_data, user_data_free, |c, done| {
            c.delete_with_callback(done)
        })
    }
}

/// What the cache holds now.
///
/// # Safety
/// `cache` is NULL (401) or a live handle; `out_usage` is NULL (401) or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_usage(
    cache: *const ohos_http_cache_t,
    out_usage: *mut ohos_http_cache_usage_t,
) -> i32 {
    guard("ohos_http_cache_usage", || {
        // SAFETY: NULL or live by the caller's contract.
        let c = unsafe { cache.as_ref() }.ok_or_else(|| null("cache"))?;
        let u = c.inner.usage();
        let usage =
            ohos_http_cache_usage_t { active: u.active, entries: u.entries, bytes: u.bytes, capacity: u.capacity };
        // SAFETY: caller's contract.
        unsafe { write_out(out_usage, usage, "out_usage") }
    })
}

/// Sets the directory of the cache file (used by the next flush and delete, and by
/// `ohos_http_cache_create` when it turns the cache on). Call it once at start-up with the
/// application's cache directory; default `$XDG_CACHE_HOME/ohos-http` or
/// `$HOME/.cache/ohos-http`.
///
/// # Safety
/// `dir` is NULL (401) or a NUL-terminated UTF-8 path.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_set_directory(dir: *const c_char) -> i32 {
    guard("ohos_http_cache_set_directory", || {
        // SAFETY: caller's contract.
        let dir = unsafe { str_arg(dir, "dir") }?;
        set_cache_directory(dir);
        Ok(())
    })
}

/// Frees a cache handle (the cache itself stays on). NULL is allowed (nothing happens).
///
/// # Safety
/// `cache` is NULL or a handle from `ohos_http_cache_create`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_cache_free(cache: *mut ohos_http_cache_t) {
    if !cache.is_null() {
        // SAFETY: allocated by `ohos_http_cache_create`, freed once by the caller's contract.
        let _ = std::panic::catch_unwind(|| drop(unsafe { Box::from_raw(cache) }));
    }
}
