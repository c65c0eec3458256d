//! The parts of libcurl's C API that `curl-sys` does not declare: the URL API (`CURLU`) and a
//! few option and info numbers. Values are those of `curl/curl.h` and `curl/urlapi.h`; each
//! names the libcurl version that introduced it.
use libc::{c_char, c_int, c_uint};

/// libcurl's opaque URL handle (`CURLU`, 7.62.0).
#[repr(C)]
pub(crate) struct Curlu {
    _private: [u8; 0],
}

/// A `CURLUcode` (0 = `CURLUE_OK`).
pub(crate) type CurlUcode = c_int;
/// A `CURLUPart`.
pub(crate) type CurlUpart = c_int;

/// `CURLUE_NO_USER`.
pub(crate) const CURLUE_NO_USER: CurlUcode = 11;
/// `CURLUE_NO_PASSWORD`.
pub(crate) const CURLUE_NO_PASSWORD: CurlUcode = 12;
/// `CURLUE_NO_PORT`.
pub(crate) const CURLUE_NO_PORT: CurlUcode = 15;
/// `CURLUE_OUT_OF_MEMORY`.
pub(crate) const CURLUE_OUT_OF_MEMORY: CurlUcode = 7;
/// `CURLUE_UNSUPPORTED_SCHEME`.
pub(crate) const CURLUE_UNSUPPORTED_SCHEME: CurlUcode = 5;

/// `CURLUPART_URL`.
pub(crate) const CURLUPART_URL: CurlUpart = 0;
/// `CURLUPART_SCHEME`.
pub(crate) const CURLUPART_SCHEME: CurlUpart = 1;
/// `CURLUPART_USER`.
pub(crate) const CURLUPART_USER: CurlUpart = 2;
/// `CURLUPART_PASSWORD`.
pub(crate) const CURLUPART_PASSWORD: CurlUpart = 3;
/// `CURLUPART_HOST`.
pub(crate) const CURLUPART_HOST: CurlUpart = 5;
/// `CURLUPART_PORT`.
pub(crate) const CURLUPART_PORT: CurlUpart = 6;
/// `CURLUPART_QUERY`.
pub(crate) const CURLUPART_QUERY: CurlUpart = 8;
/// `CURLUPART_FRAGMENT`.
pub(crate) const CURLUPART_FRAGMENT: CurlUpart = 9;

/// `CURLU_DEFAULT_PORT`: `curl_url_get` of the port gives the scheme's default when none is set.
pub(crate) const CURLU_DEFAULT_PORT: c_uint = 1 << 0;
/// `CURLU_GUESS_SCHEME`: a URL without a scheme is accepted, its scheme guessed from the host
/// name (what libcurl does with `CURLOPT_URL` and `CURLOPT_PROXY`).
pub(crate) const CURLU_GUESS_SCHEME: c_uint = 1 << 9;
/// `CURLU_NON_SUPPORT_SCHEME`: schemes libcurl does not know are accepted (and then refused by
/// us, with curl's code).
pub(crate) const CURLU_NON_SUPPORT_SCHEME: c_uint = 1 << 3;
/// `CURLU_URLDECODE`: percent-decode on get.
pub(crate) const CURLU_URLDECODE: c_uint = 1 << 6;
/// `CURLU_URLENCODE`: percent-encode on set (what curl does to a redirect's `Location`).
pub(crate) const CURLU_URLENCODE: c_uint = 1 << 7;
/// `CURLU_APPENDQUERY`: append to the query with a `&`.
pub(crate) const CURLU_APPENDQUERY: c_uint = 1 << 8;
/// `CURLU_ALLOW_SPACE`: spaces are accepted (curl sets it when it follows a redirect).
pub(crate) const CURLU_ALLOW_SPACE: c_uint = 1 << 11;
/// `CURLU_PUNYCODE` (7.88.0): get the host name as libcurl's IDN conversion would connect to it.
pub(crate) const CURLU_PUNYCODE: c_uint = 1 << 12;

extern "C" {
    /// A new, empty URL handle (NULL when out of memory).
    pub(crate) fn curl_url() -> *mut Curlu;
    /// Frees a URL handle.
    pub(crate) fn curl_url_cleanup(handle: *mut Curlu);
    /// A copy of a URL handle (NULL when out of memory).
    pub(crate) fn curl_url_dup(handle: *const Curlu) -> *mut Curlu;
    /// Reads one part; `*part` is then freed with `curl_free`.
    pub(crate) fn curl_url_get(
        handle: *const Curlu,
        what: CurlUpart,
        part: *mut *mut c_char,
        flags: c_uint,
    ) -> CurlUcode;
    /// Sets (or, with NULL, clears) one part; `CURLUPART_URL` parses a whole URL, relative ones
    /// against the URL the handle holds.
    pub(crate) fn curl_url_set(handle: *mut Curlu, what: CurlUpart, part: *const c_char, flags: c_uint) -> CurlUcode;
}

/// `CURLOPT_CURLU` (7.63.0): the transfer's URL as a `CURLU` handle, used by libcurl as it is.
pub(crate) const CURLOPT_CURLU: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 282;
/// `CURLOPT_PROTOCOLS_STR` (7.85.0): the schemes a transfer may use.
pub(crate) const CURLOPT_PROTOCOLS_STR: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 318;
/// `CURLOPT_REDIR_PROTOCOLS_STR` (7.85.0): the schemes libcurl may follow a redirect to.
pub(crate) const CURLOPT_REDIR_PROTOCOLS_STR: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 319;
/// `CURLOPT_REDIR_PROTOCOLS` (7.19.4): the bitmask form of the above, for an older libcurl.
pub(crate) const CURLOPT_REDIR_PROTOCOLS: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_LONG + 182;
/// `CURLOPT_STREAM_WEIGHT` (7.46.0): the HTTP/2 stream weight.
pub(crate) const CURLOPT_STREAM_WEIGHT: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_LONG + 239;
/// `CURLOPT_MIMEPOST` (7.56.0): a `curl_mime` form as the request body.
pub(crate) const CURLOPT_MIMEPOST: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 269;
/// `CURLINFO_HTTP_VERSION` (7.50.0).
pub(crate) const CURLINFO_HTTP_VERSION: curl_sys::CURLINFO = curl_sys::CURLINFO_LONG + 46;

/// `version_num` of libcurl 7.85.0, the first with `CURLOPT_PROTOCOLS_STR`.
pub(crate) const VERSION_PROTOCOLS_STR: u32 = 0x07_55_00;
/// `version_num` of libcurl 7.88.0, the first with `CURLU_PUNYCODE`.
pub(crate) const VERSION_PUNYCODE: u32 = 0x07_58_00;

/// What the linked libcurl is and can do, read once: `curl_version_info` builds its answer
/// on every call (~4k instructions), and the request path asked it up to four times.
pub(crate) struct Linked {
    /// `version_num` (0xXXYYZZ).
    pub version_num: u32,
    /// `CURL_VERSION_HTTP2`.
    pub http2: bool,
    /// `CURL_VERSION_HTTP3`.
    pub http3: bool,
    /// Built with c-ares (so `CURLOPT_DNS_SERVERS` works).
    pub ares: bool,
}

/// The linked libcurl's facts (see [`Linked`]).
pub(crate) fn linked() -> &'static Linked {
    static LINKED: once_cell::sync::Lazy<Linked> = once_cell::sync::Lazy::new(|| {
        let v = curl::Version::get();
        Linked {
            version_num: v.version_num(),
            http2: v.feature_http2(),
            http3: v.feature_http3(),
            ares: v.ares_version().is_some(),
        }
    });
    &LINKED
}
