//! Reuse of easy handles: a finished handle is kept for the next transfer instead of
//! `curl_easy_cleanup` + `curl_easy_init` per request (the bench measured ~17k instructions
//! per request for that pair). Only plain handles are kept: one that used a multipart form or
//! a private DNS cache (a share handle) is cleaned up as before, since `curl_easy_reset` keeps
//! shares.
//!
//! The reactor puts a finished handle in the pool as it is; the thread that takes it for the
//! next transfer erases its cookies (reset keeps them, and the next transfer may belong to
//! another `HttpRequest`) and resets it, right before configuring it. That keeps ~4k
//! instructions per request off the reactor, which is the busiest thread at many requests in
//! flight (alternated A/B runs of W2: level to +9 % requests per second with the callback
//! API, +6 % to +19 % with the blocking one).
//! Until then a kept handle still holds its last transfer's options and cookies in memory.
use super::handler::Collector;
use super::TransferShared;
use crate::request::RequestCore;
use curl::easy::Easy2;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::sync::Arc;

/// Handles kept at most (about the concurrency cap).
const KEPT: usize = 64;

static POOL: Lazy<Mutex<Vec<Easy2<Collector>>>> = Lazy::new(|| Mutex::new(Vec::new()));

/// The shared state of a handle that waits in the pool (belongs to no transfer).
static IDLE: Lazy<Arc<TransferShared>> = Lazy::new(|| TransferShared::new(0, Arc::new(RequestCore::new())));

/// An easy handle for `collector`: a kept one (cleaned here) when there is one, else a new one.
pub(crate) fn easy_for(collector: Collector) -> Easy2<Collector> {
    let kept = POOL.lock().pop();
    match kept {
        Some(mut easy) => {
            if !clean(&mut easy) {
                return Easy2::new(collector);
            }
            *easy.get_mut() = collector;
            easy
        }
        None => Easy2::new(collector),
    }
}

/// Keeps a finished handle for reuse (cleaned when it is taken), or drops it (which cleans it
/// up). The old collector (its sink, listeners' core) is dropped now.
pub(crate) fn recycle(mut easy: Easy2<Collector>) {
    if !easy.get_ref().keep_alive.is_empty() || POOL.lock().len() >= KEPT {
        return;
    }
    *easy.get_mut() = Collector::new(IDLE.clone(), Box::new(|_| {}), false);
    let mut pool = POOL.lock();
    if pool.len() < KEPT {
        pool.push(easy);
    }
}

/// COOKIEFILE NULL frees the cookie-file list a transfer that failed early never read
/// (curl_easy_reset would drop the pointer and leak it), erases the cookies and turns the
/// engine off; the next transfer turns it on again. Then `curl_easy_reset`.
fn clean(easy: &mut Easy2<Collector>) -> bool {
    // SAFETY: a NULL string option on a valid easy handle.
    let rc = unsafe {
        curl_sys::curl_easy_setopt(easy.raw(), curl_sys::CURLOPT_COOKIEFILE, std::ptr::null::<libc::c_char>())
    };
    if rc != curl_sys::CURLE_OK {
        return false;
    }
    easy.reset();
    true
}
