//! `void *user_data` with its optional destructor, run exactly once when the library is done
//! with it (hyper's `userdata` + drop pattern).
use std::ffi::c_void;

/// Destructor of a `user_data` pointer, or NULL for none.
///
/// Called exactly once, after the last call of the callback the pointer was given with, on
/// whichever thread releases it: a dispatcher thread after an async completion callback,
/// the thread that calls `ohos_http_off`/`ohos_http_destroy` for a listener, or the thread
/// that ran a `once` listener. It must not block for long and must not throw (a C++ exception
/// must never unwind into the library; mark the function `noexcept`).
#[allow(non_camel_case_types)]
pub type ohos_http_free_fn = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// A user-data pointer owned by the library until it is dropped.
pub(crate) struct UserData {
    ptr: *mut c_void,
    free: ohos_http_free_fn,
    /// Whether dropping it runs the destructor (the library took it over).
    owned: bool,
}

// SAFETY: the C API documents that user data is handed to the library's threads.
unsafe impl Send for UserData {}
// SAFETY: as above; the library only passes the pointer on, it never dereferences it.
unsafe impl Sync for UserData {}

impl UserData {
    /// Takes `ptr` with its destructor.
    pub(crate) fn new(ptr: *mut c_void, free: ohos_http_free_fn) -> Self {
        UserData { ptr, free, owned: true }
    }

    /// `ptr` with its destructor, taken over only by [`take_over`](Self::take_over): a
    /// completion callback's user data is the library's once the call was accepted, which the
    /// callback itself proves by running. Dropped before that, it runs nothing.
    pub(crate) fn pending(ptr: *mut c_void, free: ohos_http_free_fn) -> Self {
        UserData { ptr, free, owned: false }
    }

    /// The library owns it from now on (its destructor runs when it is dropped).
    pub(crate) fn take_over(&mut self) {
        self.owned = true;
    }

    /// The pointer, to pass to a callback.
    pub(crate) fn ptr(&self) -> *mut c_void {
        self.ptr
    }
}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(free) = self.free.take().filter(|_| self.owned) {
            // SAFETY: the caller gave this destructor for this pointer; it runs once.
            unsafe { free(self.ptr) }
        }
    }
}
