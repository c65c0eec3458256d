//! The public handle: `create_http_response_cache`, `flush`, `delete` and their callback and
//! async forms, and the cache directory.
use super::persist::{self, FILE_NAME};
use super::store::Store;
use super::{FILE_LOCK, MAX_CACHE_SIZE, STATE};
use crate::error::HttpError;
use crate::runtime::ResponseFuture;
use std::path::{Path, PathBuf};

/// The CURLcode reported when the cache file cannot be written or removed (23: "Failed to
/// write the received data to the disk or application").
const WRITE_ERROR: u32 = 23;

/// Turns the process-wide response cache on (`http.createHttpResponseCache`) and returns a
/// handle to it. See the [module documentation](crate::cache) for every rule.
///
/// `cache_size` is in bytes: `None` means [`MAX_CACHE_SIZE`] (10 MiB); a larger value is
/// clamped to 10 MiB with one line on stderr; `Some(0)` stores nothing. When the cache is off,
/// the file in the [cache directory](cache_directory) is loaded (a damaged file is ignored with
/// one line on stderr). When it is already on, only its size changes.
///
/// ```no_run
/// let cache = ohos_http::create_http_response_cache(None); // 10 MiB
/// let http = ohos_http::create_http();
/// let resp = http.request("http://127.0.0.1:18080/cache/60", None).unwrap();
/// println!("from the cache: {}, {:?}", resp.from_cache, cache.usage());
/// ```
pub fn create_http_response_cache(cache_size: Option<u64>) -> HttpResponseCache {
    let capacity = match cache_size {
        None => MAX_CACHE_SIZE,
        Some(size) if size > MAX_CACHE_SIZE => {
            eprintln!(
                "ohos-http: response cache size {size} is above the maximum; using {MAX_CACHE_SIZE} bytes (10 MiB)"
            );
            MAX_CACHE_SIZE
        }
        Some(size) => size,
    };
    let _file = FILE_LOCK.lock();
    let mut state = STATE.lock();
    if let Some(store) = state.store.as_mut() {
        store.set_capacity(capacity);
        return HttpResponseCache { _private: () };
    }
    let mut store = Store::new(capacity);
    if let Some(dir) = effective_dir(state.dir.as_deref()) {
        match persist::load(&dir) {
            Ok(entries) => {
                for entry in entries {
                    store.insert(std::sync::Arc::new(entry));
                }
            }
            Err(reason) => {
                eprintln!("ohos-http: ignoring the response cache file {}: {reason}", dir.join(FILE_NAME).display())
            }
        }
    }
    state.store = Some(store);
    HttpResponseCache { _private: () }
}

/// Sets the directory of the cache file (used by the next `flush`, `delete` and by
/// `create_http_response_cache` when it turns the cache on). Hosts call it once at start-up,
/// e.g. with their application's cache directory. The directory is created by `flush` when
/// missing.
pub fn set_cache_directory(dir: impl Into<PathBuf>) {
    STATE.lock().dir = Some(dir.into());
}

/// The directory of the cache file: the one set with [`set_cache_directory`], else
/// `$XDG_CACHE_HOME/ohos-http` (when that is an absolute path), else `$HOME/.cache/ohos-http`;
/// `None` when none of these is available (then `flush` fails and nothing is loaded).
pub fn cache_directory() -> Option<PathBuf> {
    effective_dir(STATE.lock().dir.as_deref())
}

fn effective_dir(set: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = set {
        return Some(dir.to_path_buf());
    }
    if let Some(xdg) = std::env::var_os("XDG_CACHE_HOME").filter(|x| Path::new(x).is_absolute()) {
        return Some(PathBuf::from(xdg).join("ohos-http"));
    }
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join(".cache").join("ohos-http"))
}

/// What the cache holds right now (an addition to the spec, for diagnostics and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheUsage {
    /// Whether the cache is on.
    pub active: bool,
    /// Number of stored responses.
    pub entries: usize,
    /// Bytes they count against the size.
    pub bytes: u64,
    /// The size bound in bytes (0 while off).
    pub capacity: u64,
}

/// A handle to the process-wide response cache (`HttpResponseCache`), returned by
/// [`create_http_response_cache`]. All handles refer to the same cache; after `delete()` they
/// do nothing until the cache is created again.
#[derive(Debug, Clone)]
pub struct HttpResponseCache {
    _private: (),
}

impl HttpResponseCache {
    /// Writes the cache to its file, atomically (temporary file + rename). A no-op while the
    /// cache is off. Fails with 2300023 when the directory cannot be determined or written.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), ohos_http::HttpError> {
    /// ohos_http::set_cache_directory("/var/cache/myapp"); // else $XDG_CACHE_HOME/ohos-http
    /// let cache = ohos_http::create_http_response_cache(Some(2 * 1024 * 1024));
    /// // … requests …
    /// cache.flush()?; // response-cache.bin, loaded by the next process that creates the cache
    /// # Ok(()) }
    /// ```
    pub fn flush(&self) -> Result<(), HttpError> {
        let _file = FILE_LOCK.lock();
        let (entries, dir) = {
            let state = STATE.lock();
            let Some(store) = state.store.as_ref() else { return Ok(()) };
            let entries: Vec<_> = store.entries_oldest_first().into_iter().filter(|e| e.persistable()).collect();
            (entries, effective_dir(state.dir.as_deref()))
        };
        let dir = dir.ok_or_else(|| {
            HttpError::from_curl(
                WRITE_ERROR,
                Some("no cache directory: call set_cache_directory, or set XDG_CACHE_HOME or HOME"),
            )
        })?;
        let bytes = persist::encode(&entries);
        persist::write(&dir, &bytes).map(drop).map_err(|e| {
            HttpError::from_curl(WRITE_ERROR, Some(&format!("writing the response cache in {}: {e}", dir.display())))
        })
    }

    /// Turns the cache off and deletes its entries, in memory and on disk (the file in the
    /// cache directory). Requests then bypass the cache until `create_http_response_cache`
    /// is called again. Fails with 2300023 when the file exists but cannot be removed (the
    /// cache is off and empty in memory all the same).
    pub fn delete(&self) -> Result<(), HttpError> {
        let _file = FILE_LOCK.lock();
        let dir = {
            let mut state = STATE.lock();
            state.store = None;
            effective_dir(state.dir.as_deref())
        };
        match dir {
            Some(dir) => persist::remove(&dir).map_err(|e| {
                HttpError::from_curl(
                    WRITE_ERROR,
                    Some(&format!("removing the response cache file in {}: {e}", dir.display())),
                )
            }),
            None => Ok(()),
        }
    }

    /// `flush` on a worker thread; `callback` gets the result on the dispatcher thread.
    pub fn flush_with_callback<F>(&self, callback: F)
    where
        F: FnOnce(Result<(), HttpError>) + Send + 'static,
    {
        let this = self.clone();
        in_background(move || this.flush(), callback);
    }

    /// `delete` on a worker thread; `callback` gets the result on the dispatcher thread.
    pub fn delete_with_callback<F>(&self, callback: F)
    where
        F: FnOnce(Result<(), HttpError>) + Send + 'static,
    {
        let this = self.clone();
        in_background(move || this.delete(), callback);
    }

    /// `flush` as a `Future` (any executor); the work runs on a worker thread and is done
    /// even if the future is dropped.
    pub fn flush_async(&self) -> ResponseFuture<()> {
        let (fut, completer) = ResponseFuture::pair();
        let this = self.clone();
        in_background(move || this.flush(), move |r| completer.complete(r));
        fut
    }

    /// `delete` as a `Future` (any executor); the work runs on a worker thread and is done
    /// even if the future is dropped.
    pub fn delete_async(&self) -> ResponseFuture<()> {
        let (fut, completer) = ResponseFuture::pair();
        let this = self.clone();
        in_background(move || this.delete(), move |r| completer.complete(r));
        fut
    }

    /// What the cache holds now.
    pub fn usage(&self) -> CacheUsage {
        match STATE.lock().store.as_ref() {
            Some(s) => CacheUsage { active: true, entries: s.len(), bytes: s.bytes(), capacity: s.capacity() },
            None => CacheUsage { active: false, entries: 0, bytes: 0, capacity: 0 },
        }
    }
}

/// Runs `work` on a new thread (inline if none can be started), then `done` with its result on
/// the dispatcher thread.
fn in_background<W, D>(work: W, done: D)
where
    W: FnOnce() -> Result<(), HttpError> + Send + 'static,
    D: FnOnce(Result<(), HttpError>) + Send + 'static,
{
    let job = std::sync::Arc::new(parking_lot::Mutex::new(Some((work, done))));
    let run = {
        let job = job.clone();
        move || {
            if let Some((work, done)) = job.lock().take() {
                let result = work();
                later(move || done(result));
            }
        }
    };
    if std::thread::Builder::new().name("ohos-http-cache".into()).spawn(run).is_err() {
        if let Some((work, done)) = job.lock().take() {
            let result = work();
            later(move || done(result));
        }
    }
}

/// Runs `f` on the default runtime's dispatcher thread (here when there is none).
fn later(f: impl FnOnce() + Send + 'static) {
    match crate::runtime::Runtime::global() {
        Ok(runtime) => runtime.inner().dispatcher().call_later(f),
        Err(_) => f(),
    }
}
