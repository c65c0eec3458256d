//! Text handed to C: bytes with a NUL after them, readable as a C string or as pointer +
//! length.
use super::boundary::{write_opt, write_out, FfiResult};
use std::ffi::c_char;

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
