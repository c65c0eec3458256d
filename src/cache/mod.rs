//! `HttpResponseCache`: a private HTTP cache (RFC 9111) behind `usingCache`.
//!
//! # Turning it on and off
//! The cache is process-wide and **inactive until [`create_http_response_cache`]** is called.
//! From then on every request consults it unless its options say `usingCache: false`.
//! [`HttpResponseCache::delete`] empties it (memory and file) and turns it off again until the
//! next `create_http_response_cache`. Every `HttpResponseCache` value is a handle to that one
//! process-wide cache.
//!
//! * Size: `cache_size` bytes; `None` means the maximum, [`MAX_CACHE_SIZE`] (10 MiB). A larger
//!   value is clamped to 10 MiB (the function returns a handle, not a `Result`) and says so in
//!   one line on stderr. `Some(0)` gives a cache that stores nothing. Calling it again while
//!   the cache is on changes the size and keeps the entries (evicting if it shrank).
//! * An entry counts its body, URL, header fields and cookie text (plus a small overhead);
//!   the least recently used entries are evicted first when the total would exceed the size;
//!   an entry larger than the whole size is not stored.
//!
//! # What is stored and reused (a private cache)
//! * **Key**: method + URL (the final URL, including the query built from `extraData`), then,
//!   among the responses stored for it, the request's values of the fields the response's
//!   `Vary` names: a request with a different `Accept-Language` than the stored response's
//!   request, when the response says `Vary: Accept-Language`, is a different entry. `Vary: *`
//!   is never stored. The request's `Authorization` is always part of the key (as if every
//!   response varied on it), so a response fetched with one credential is never served for
//!   another credential, or for none.
//! * **Methods**: GET and HEAD responses are stored and reused. A POST, PUT, DELETE or
//!   CONNECT answered with a 2xx or 3xx status removes the entries of its URL (all methods),
//!   and of its `Location` / `Content-Location` when those are on the same origin. OPTIONS and
//!   TRACE pass by the cache.
//! * **Statuses and directives** (decided by the `http-cache-semantics` crate as a private
//!   cache, see `policy.rs` for what is done here instead): 200, 203, 204, 300, 301, 308, 404,
//!   405, 410, 414, 501 are storable by default, other understood codes (302, 303, 307) only
//!   with explicit freshness; 206 is not stored. `no-store` (request or response) is never
//!   stored; `private` is stored (this is a private cache); `s-maxage` and `proxy-revalidate`
//!   are ignored; freshness comes from `max-age`, else `Expires − Date`, else 10 % of
//!   `Date − Last-Modified` (heuristic); `no-cache` and `must-revalidate` are honoured. Age
//!   follows RFC 9111 §4.2.3 (`Age`, apparent age from `Date`, response delay).
//! * **Request directives**: `Cache-Control: no-cache` (or `Pragma: no-cache`) revalidates,
//!   `max-age`, `min-fresh` and `max-stale` narrow or widen what counts as fresh enough, and
//!   `only-if-cached` answers from the cache or with a 504 (from the cache, no network).
//! * **Not used**: requests with a range (`resumeFrom`/`resumeTo` or a `Range` header), and
//!   requests that carry their own conditional header (`If-None-Match`, `If-Modified-Since`,
//!   …): those are the application's own validation; their 200 responses are still stored.
//!   A response that reached the caller through a redirect is not stored (the redirect itself
//!   is not seen by the cache, so storing its target under the first URL would be wrong).
//!
//! # How a request is answered
//! * **Fresh entry**: answered from the cache without any network request. The response has
//!   the stored status (usually 200), the stored header fields with `age` set to the current
//!   age, and the stored body. `headersReceive`/`headerReceive` fire; in stream mode
//!   `dataReceive` fires with the stored body, then `dataEnd`.
//! * **Stale entry with validators** (`ETag`, `Last-Modified`): the request goes out with
//!   `If-None-Match` / `If-Modified-Since`. A 304 updates the stored header fields (except
//!   those that describe the body) and the caller receives the stored body with the stored
//!   status (200), exactly as for a fresh entry. A 304 whose validator names another version
//!   is handed over as it is and the entry is dropped. A 200 replaces the entry.
//! * **Otherwise** the request goes to the network and a storable response is stored; stream
//!   responses are stored with their real body (up to the cache size).
//!
//! **How to tell**: [`HttpResponse::from_cache`](crate::HttpResponse::from_cache) is true
//! when the body came from the cache (a fresh hit, a 304 revalidation, or the 504 of
//! `only-if-cached`); `http_version` is empty when no network request was made at all.
//!
//! **`usingCache: false`** skips reading: the request always goes to the network without
//! conditional headers (an `only-if-cached` in it then goes to the server too). Its response
//! **is still stored** (it is the newest version, and the next request that does use the
//! cache benefits), and unsafe methods still invalidate.
//!
//! # Files
//! [`HttpResponseCache::flush`] writes every entry to `response-cache.bin` in the cache
//! directory, atomically (a temporary file in the same directory, synced, then renamed over
//! the old file). The directory is the one set with [`set_cache_directory`], else
//! `$XDG_CACHE_HOME/ohos-http` (when that variable is an absolute path), else
//! `$HOME/.cache/ohos-http`. `create_http_response_cache` loads that file when it turns the
//! cache on; a damaged, truncated or unreadable file is ignored (one line on stderr saying
//! why), never an error or a crash, and is replaced by the next flush. Nothing is written
//! except by `flush()`. Entries whose request carried `Authorization` are kept in memory only;
//! the file (which holds cookies, as the spec's cached data does) is created with mode 0600,
//! and a directory `flush` creates with 0700.
//! `flush()` replaces the file with this process's entries (another process's flush in between
//! is overwritten, never mixed in).
//!
//! The callback forms run their work on a short-lived worker thread and call back on the
//! library's dispatcher thread (like request callbacks); the async forms are futures that
//! need no particular executor.
mod background;
mod date;
mod directives;
mod fields;
mod handle;
pub(crate) mod layer;
mod persist;
mod policy;
mod range;
mod store;

pub use handle::{cache_directory, create_http_response_cache, set_cache_directory, CacheUsage, HttpResponseCache};

use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::path::PathBuf;
use store::Store;

/// The default and largest cache size: 10 MiB.
pub const MAX_CACHE_SIZE: u64 = 10 * 1024 * 1024;

/// The process-wide cache.
pub(crate) struct State {
    /// The entries; `None` while the cache is off.
    pub store: Option<Store>,
    /// The directory set by `set_cache_directory`.
    pub dir: Option<PathBuf>,
}

pub(crate) static STATE: Lazy<Mutex<State>> = Lazy::new(|| Mutex::new(State { store: None, dir: None }));

/// Serializes everything that touches the file (create's load, flush, delete); taken before
/// `STATE` whenever both are held.
pub(crate) static FILE_LOCK: Mutex<()> = Mutex::new(());
