//! multipart/form-data through libcurl's `curl_mime_*` API (curl-sys has no bindings for it, so
//! they are declared here). Data parts are read by a callback over the caller's bytes (never
//! copied into curl), file parts by curl itself from the file.
use super::upload::Upload;
use crate::error::HttpError;
use crate::options::MultiFormData;
use curl_sys::{curl_off_t, CURLcode, CURL};
use libc::{c_char, c_int, c_void, size_t};
use std::ffi::CString;
use std::io::SeekFrom;

#[repr(C)]
struct CurlMime {
    _private: [u8; 0],
}
#[repr(C)]
struct CurlMimePart {
    _private: [u8; 0],
}

type ReadFn = extern "C" fn(*mut c_char, size_t, size_t, *mut c_void) -> size_t;
type SeekFn = extern "C" fn(*mut c_void, curl_off_t, c_int) -> c_int;
type FreeFn = extern "C" fn(*mut c_void);

extern "C" {
    fn curl_mime_init(easy: *mut CURL) -> *mut CurlMime;
    fn curl_mime_free(mime: *mut CurlMime);
    fn curl_mime_addpart(mime: *mut CurlMime) -> *mut CurlMimePart;
    fn curl_mime_name(part: *mut CurlMimePart, name: *const c_char) -> CURLcode;
    fn curl_mime_filename(part: *mut CurlMimePart, filename: *const c_char) -> CURLcode;
    fn curl_mime_type(part: *mut CurlMimePart, mimetype: *const c_char) -> CURLcode;
    fn curl_mime_filedata(part: *mut CurlMimePart, filename: *const c_char) -> CURLcode;
    fn curl_mime_data_cb(
        part: *mut CurlMimePart,
        datasize: curl_off_t,
        readfunc: ReadFn,
        seekfunc: SeekFn,
        freefunc: FreeFn,
        arg: *mut c_void,
    ) -> CURLcode;
}

/// The read callback's "abort" value.
const READ_ABORT: size_t = 0x1000_0000;

/// An owned `curl_mime`; freed after the easy handle that uses it (it lives in the Collector,
/// which drops after `curl_easy_cleanup`).
pub(crate) struct Mime(*mut CurlMime);

impl Mime {
    /// The form, for `CURLOPT_MIMEPOST`.
    pub(crate) fn as_ptr(&self) -> *mut libc::c_void {
        self.0.cast()
    }
}

// SAFETY: the mime is only touched by the thread that owns the transfer at the time (the
// caller while configuring, then the reactor), never concurrently.
unsafe impl Send for Mime {}

impl Drop for Mime {
    fn drop(&mut self) {
        // SAFETY: created by curl_mime_init and freed once.
        unsafe { curl_mime_free(self.0) }
    }
}

fn check(code: CURLcode, field: &str) -> Result<(), HttpError> {
    if code == curl_sys::CURLE_OK {
        Ok(())
    } else {
        Err(HttpError::from_curl(code, Some(field)))
    }
}

fn cstring(s: &str, field: &str) -> Result<CString, HttpError> {
    CString::new(s).map_err(|_| HttpError::parameter(format!("{field} must not contain NUL bytes")))
}

/// Builds the form for `easy` (set with `CURLOPT_MIMEPOST` per hop, `config/method.rs`).
pub(crate) fn build(easy: *mut CURL, parts: &[MultiFormData]) -> Result<Mime, HttpError> {
    // SAFETY: `easy` is a valid handle; every pointer passed below is valid for the call
    // (curl copies strings), and data-part arguments are boxed and freed by curl's free
    // callback exactly once.
    unsafe {
        let mime = curl_mime_init(easy);
        if mime.is_null() {
            return Err(HttpError::from_curl(27, Some("curl_mime_init")));
        }
        let mime = Mime(mime);
        for (i, p) in parts.iter().enumerate() {
            let field = format!("multiFormDataList[{i}]");
            let part = curl_mime_addpart(mime.0);
            if part.is_null() {
                return Err(HttpError::from_curl(27, Some(&field)));
            }
            check(curl_mime_name(part, cstring(&p.name, &field)?.as_ptr()), &format!("{field}.name"))?;
            if !p.content_type.is_empty() {
                let t = cstring(&p.content_type, &field)?;
                check(curl_mime_type(part, t.as_ptr()), &format!("{field}.contentType"))?;
            }
            match (&p.data, &p.file_path) {
                (Some(data), _) => {
                    let upload = Box::new(Upload::new(data.to_bytes()));
                    let size = upload.len() as curl_off_t;
                    let arg = Box::into_raw(upload) as *mut c_void;
                    let code = curl_mime_data_cb(part, size, read_cb, seek_cb, free_cb, arg);
                    if code != curl_sys::CURLE_OK {
                        free_cb(arg);
                    }
                    check(code, &format!("{field}.data"))?;
                }
                (None, Some(path)) => {
                    let path_c = cstring(path, &field)?;
                    let code = curl_mime_filedata(part, path_c.as_ptr());
                    if code != curl_sys::CURLE_OK {
                        return Err(HttpError::from_curl(code, Some(&format!("{field}.filePath: cannot read {path}"))));
                    }
                }
                (None, None) => return Err(HttpError::parameter(format!("{field} needs data or filePath"))),
            }
            if let Some(name) = &p.remote_file_name {
                let n = cstring(name, &field)?;
                check(curl_mime_filename(part, n.as_ptr()), &format!("{field}.remoteFileName"))?;
            }
        }
        Ok(mime)
    }
}

extern "C" fn read_cb(buf: *mut c_char, size: size_t, nitems: size_t, arg: *mut c_void) -> size_t {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: curl passes the arg we registered (a live Box<Upload>) and a writable buffer.
        let upload = unsafe { &mut *(arg as *mut Upload) };
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, size * nitems) };
        upload.read(out)
    });
    r.unwrap_or(READ_ABORT)
}

extern "C" fn seek_cb(arg: *mut c_void, offset: curl_off_t, origin: c_int) -> c_int {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: as in read_cb.
        let upload = unsafe { &mut *(arg as *mut Upload) };
        let whence = match origin {
            libc::SEEK_SET => SeekFrom::Start(offset.max(0) as u64),
            libc::SEEK_CUR => SeekFrom::Current(offset),
            _ => SeekFrom::End(offset),
        };
        upload.seek(whence)
    });
    match r {
        Ok(true) => 0,  // CURL_SEEKFUNC_OK
        Ok(false) => 1, // CURL_SEEKFUNC_FAIL
        Err(_) => 1,
    }
}

extern "C" fn free_cb(arg: *mut c_void) {
    if !arg.is_null() {
        // SAFETY: the Box<Upload> registered in `attach`; curl calls this once.
        drop(unsafe { Box::from_raw(arg as *mut Upload) });
    }
}
