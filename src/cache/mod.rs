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
//! # What is stored and reused (a private cache, RFC 9111)
//! * **Key**: method + URL (the final URL, including the query built from `extraData`), then,
//!   among the responses stored for it, the request's values of the fields the response's
//!   `Vary` names (§4.1): a request with a different `Accept-Language` than the stored
//!   response's request, when the response says `Vary: Accept-Language`, is a different entry.
//!   Values are compared after the normalisation their grammar allows: lines of one field are
//!   combined and outer whitespace dropped for every field; the weighted lists (`Accept`,
//!   `Accept-Language`, `Accept-Encoding`, `Accept-Charset`, `TE`) also ignore case, spacing,
//!   the spelling of `q` and the order of members (`en, fr` = `fr,EN`); other known lists
//!   ignore spacing around commas. `Vary: *` is never stored. The request's `Authorization`
//!   is always part of the key (as if every response varied on it), so a response fetched
//!   with one credential is never served for another credential, or for none.
//! * **Methods**: GET and HEAD responses are stored; a HEAD is also answered from a stored
//!   GET response (fields only). A POST, PUT, DELETE or CONNECT answered with a 2xx or 3xx
//!   status removes the entries of its URL (all methods), and of its `Location` /
//!   `Content-Location` when those are on the same origin (§4.4). A POST response with explicit
//!   freshness whose `Content-Location` is the request URL answers later GETs (RFC 9110
//!   §9.3.3). OPTIONS and TRACE pass by the cache.
//! * **Storing** (§3): any final status with explicit freshness (`max-age` or `Expires`), or
//!   with `public` or `private`, or a heuristically cacheable status (200, 203, 204, 206, 300,
//!   301, 308, 404, 405, 410, 414, 501); never a 304 or `no-store` (request or response),
//!   except that `must-understand` with a status the cache understands overrides `no-store`
//!   (§5.2.2.3). Not stored: hop-by-hop fields and those `Connection` names,
//!   `Proxy-Authenticate`, `Proxy-Authentication-Info`, `Proxy-Authorization`, and the fields a
//!   qualified `no-cache="…"` names (they are not reused without validation); a missing `Date`
//!   is added.
//! * **Freshness** (§4.2): `max-age` (its first occurrence; quoted or not; an invalid value
//!   means stale; `s-maxage` is for shared caches), else `Expires - Date` (all three HTTP-date
//!   forms; an invalid date means expired), else 10 % of `Date - Last-Modified` for heuristically
//!   cacheable or `public`/`private` responses (never for a `Last-Modified` after the `Date`).
//!   Age follows §4.2.3 (`Age`'s first value, apparent age from `Date`, response delay); an
//!   invalid `Age` is ignored. Unqualified `no-cache` validates before every use,
//!   `must-revalidate` forbids any stale use, `immutable` (RFC 8246) keeps a fresh response
//!   through a reload's `max-age=0` (not through `no-cache`).
//! * **Request directives**: `no-cache` (or `Pragma: no-cache` when there is no
//!   `Cache-Control`) validates, `max-age`, `min-fresh` and `max-stale` narrow or widen what
//!   counts as fresh enough, `only-if-cached` answers from the cache or with a 504 (from the
//!   cache, no network), `no-store` bypasses the cache entirely, `stale-if-error` as below.
//! * **Ranges** (§3.3, §3.4): a single `bytes=` range (a `Range` field or
//!   `resumeFrom`/`resumeTo`) is answered with a 206 from a stored whole response or from a
//!   stored part that holds it; 206 responses with one `Content-Range` matching their body
//!   are stored and combined with stored parts of the same representation (same strong
//!   validator), becoming a whole 200 once complete. A whole-body GET (no `headersReceive`
//!   listener) for which only a first part is stored asks for the rest with `Range` and
//!   `If-Range`. Several ranges, and ranges of content-coded responses (stored decoded), go
//!   to the origin.
//! * **Not used**: requests that carry their own conditional header (`If-None-Match`,
//!   `If-Modified-Since`, `If-Range`, …) are the application's own validation: they go to the
//!   origin, their 200 is stored and their 304 freshens what it selects. A response that
//!   reached the caller through a redirect is not stored (the redirect itself is not seen by
//!   the cache, so storing its target under the first URL would be wrong).
//!
//! # How a request is answered
//! * **Fresh entry** (or stale within the request's `max-stale`): answered from the cache
//!   without any network request. The response has the stored status, the stored header
//!   fields with `age` set to the current age, and the stored body. `headersReceive`/
//!   `headerReceive` fire; in stream mode `dataReceive` fires with the stored body, then
//!   `dataEnd`.
//! * **Stale within `stale-while-revalidate`** (RFC 5861 §3): answered at once as above, and
//!   revalidated in the background by a request of the cache's own (see `background.rs`);
//!   its result replaces or freshens the entry for the next request.
//! * **Stale entry with validators** (`ETag`, `Last-Modified`): the request goes out with
//!   `If-None-Match` / `If-Modified-Since`. A 304 that designates the stored response (its
//!   validator, or none) freshens the stored responses it selects (§4.3.4) with its fields,
//!   except those that describe the stored body (`Content-Length`, `Content-Encoding`, …), and
//!   the caller receives the stored body with the stored status (200), exactly as for a fresh
//!   entry. A 304 whose validator names another version updates nothing, drops the entry, and
//!   the request is made again without validators: the caller gets that full response. A 200
//!   replaces the entry. A HEAD's 200 freshens the stored GET responses whose validators and
//!   length agree with it, and drops the others (§4.3.5).
//! * **Errors** (RFC 5861 §4): within the response's or the request's `stale-if-error`
//!   window (not with `no-cache` or `must-revalidate`), a 500, 502, 503 or 504, or a failed
//!   connection, is answered with the stale response. Without it the error stands: the cache
//!   never serves stale content on its own because the network failed.
//! * **Otherwise** the request goes to the network and a storable response is stored; stream
//!   responses are stored with their real body (up to the cache size).
//!
//! **How to tell**: [`HttpResponse::from_cache`](crate::response::HttpResponse::from_cache) is true
//! when the body came from the cache (a fresh or stale hit, a 304 revalidation, a range of a
//! stored response, a completed part, a `stale-if-error` answer, or the 504 of
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
mod watch;

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
