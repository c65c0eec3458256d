//! Reuse of easy handles: a finished handle is kept for the next transfer instead of
//! `curl_easy_cleanup` + `curl_easy_init` per request (the bench measured ~17k instructions
//! per request for that pair). Only plain handles are kept: one that used a multipart form or
//! a private DNS cache (a share handle) is cleaned up as before, since `curl_easy_reset` keeps
//! shares. Each runtime has its own pool.
//!
//! The reactor puts a finished handle in the pool as it is; the thread that takes it for the
//! next transfer erases its cookies (reset keeps them, and the next transfer may belong to
//! another `HttpRequest`) and resets it, right before configuring it. That keeps ~4k
//! instructions per request off the reactor, which is the busiest thread at many requests in
//! flight (alternated A/B runs of W2: level to +9 % requests per second with the callback
//! API, +6 % to +19 % with the blocking one).
//! Until then a kept handle still holds its last transfer's options and cookies in memory.
use super::collector::{Collector, DoneGuard};
use super::setopt::{own, set_str};
use super::shared::RECEIVE_BUFFER;
use super::TransferShared;
use crate::error::HttpError;
use crate::task::RequestCore;
use curl::easy::Easy2;
use parking_lot::Mutex;
use std::sync::Arc;

/// Handles kept at most (about the concurrency cap).
const KEPT: usize = 64;

/// Finished easy handles waiting for their next transfer.
pub(crate) struct HandlePool {
    kept: Mutex<Vec<Easy2<Collector>>>,
    /// The shared state of a handle that waits here (it belongs to no transfer).
    idle: Arc<TransferShared>,
}

impl Default for HandlePool {
    fn default() -> Self {
        HandlePool { kept: Mutex::new(Vec::new()), idle: TransferShared::new(0, Arc::new(RequestCore::new())) }
    }
}

impl HandlePool {
    /// An easy handle for `collector`, with its receive buffer size set: a kept one (cleaned
    /// here) when there is one that takes it, else a new one.
    pub(crate) fn easy_for(&self, collector: Collector) -> Result<Easy2<Collector>, HttpError> {
        let kept = self.kept.lock().pop();
        if let Some(mut easy) = kept {
            if clean(&mut easy).is_ok() {
                *easy.get_mut() = collector;
                return Ok(easy);
            }
            // a handle that refuses to be cleaned is dropped (curl_easy_cleanup) for a new one
        }
        let mut easy = Easy2::new(collector);
        easy.buffer_size(RECEIVE_BUFFER).map_err(own("BUFFERSIZE"))?;
        Ok(easy)
    }

    /// Keeps a finished handle for reuse (cleaned when it is taken), or drops it (which cleans
    /// it up). The old collector (its sink, listeners' core, URL handle) is dropped now.
    pub(crate) fn recycle(&self, mut easy: Easy2<Collector>) {
        let c = easy.get_ref();
        if !c.keep_alive.is_empty() || c.form.is_some() || self.kept.lock().len() >= KEPT {
            return;
        }
        // libcurl must not keep a pointer to the URL handle the old collector frees
        // SAFETY: a NULL pointer option on a valid easy handle.
        if unsafe { curl_sys::curl_easy_setopt(easy.raw(), crate::sys::CURLOPT_CURLU, std::ptr::null::<u8>()) }
            != curl_sys::CURLE_OK
        {
            return;
        }
        *easy.get_mut() = Collector::new(self.idle.clone(), DoneGuard::new(Arc::new(|_| {})), false, 0);
        let mut kept = self.kept.lock();
        if kept.len() < KEPT {
            kept.push(easy);
        }
    }
}

/// COOKIEFILE NULL frees the cookie-file list a transfer that failed early never read
/// (curl_easy_reset would drop the pointer and leak it), erases the cookies and turns the
/// engine off; the next transfer turns it on again. Then `curl_easy_reset`, and the receive
/// buffer size, which reset sets back to 16 KiB: libcurl refuses it (43) while the handle
/// still holds a buffer from a transfer that did not finish, and such a handle is not reused.
fn clean(easy: &mut Easy2<Collector>) -> Result<(), curl::Error> {
    set_str(easy, curl_sys::CURLOPT_COOKIEFILE, None)?;
    easy.reset();
    easy.buffer_size(RECEIVE_BUFFER)
}
