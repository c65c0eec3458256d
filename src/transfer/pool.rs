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
//!
//! A handle given to a request whose sticky options (`sticky.rs`: `caPath`, `clientCert`, a
//! range, `usingProtocol`) equal its last request's is not reset: both set the same options,
//! every one of them to the new request's value, except the fixed ones, which are already in
//! place. That skips `curl_easy_reset`, the curl crate's re-installed callbacks and the fixed
//! options (~8k instructions per request, callgrind). Its cookies are erased all the same.
//!
//! Until then a kept handle still holds its last transfer's options and cookies in memory.
use super::collector::{Collector, DoneGuard};
use super::setopt::{own, set_str};
use super::shared::{receive_buffer, InFlight, SMALL_RECEIVE_BUFFER};
use super::sticky::StickyOptions;
use super::TransferShared;
use crate::error::HttpError;
use crate::task::RequestCore;
use curl::easy::Easy2;
use parking_lot::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

/// Handles kept at most (about the concurrency cap).
const KEPT: usize = 64;

/// A handle that still holds its receive buffer (see [`ask_buffer_size`]) is kept only when
/// its last body was smaller than this: a larger one filled much of the buffer (up to 512
/// KiB), and 64 such handles waiting in the pool of an idle runtime would hold 32 MiB.
const HOLDING_KEPT_BELOW: u64 = 64 * 1024;

/// A handle for a transfer, and what it still holds.
pub(crate) struct Taken {
    /// The handle, with the transfer's collector.
    pub easy: Easy2<Collector>,
    /// It keeps the options of its last transfer, the fixed ones among them, and that
    /// transfer's sticky options equal this one's: only the per-request options need
    /// setting. Otherwise it is new or reset.
    pub options_kept: bool,
}

/// A finished handle waiting here.
struct Kept {
    easy: Easy2<Collector>,
    /// Its last transfer's sticky options (`None`: it must be reset).
    sticky: Option<StickyOptions>,
}

/// Finished easy handles waiting for their next transfer.
pub(crate) struct HandlePool {
    kept: Mutex<Vec<Kept>>,
    /// The shared state of a handle that waits here (it belongs to no transfer).
    idle: Arc<TransferShared>,
    /// Transfers that took a handle here and are not finished (their collector lives).
    in_flight: Arc<AtomicUsize>,
}

impl Default for HandlePool {
    fn default() -> Self {
        HandlePool {
            kept: Mutex::new(Vec::new()),
            idle: TransferShared::new(0, Arc::new(RequestCore::new())),
            in_flight: Arc::default(),
        }
    }
}

impl HandlePool {
    /// An easy handle for `collector`, with its receive buffer size set (by the body it may
    /// get and the number of transfers in flight, `shared::receive_buffer`): a kept one
    /// (cleaned here: its cookies always, its options unless its last transfer's sticky
    /// options equal `collector`'s) when there is one that takes it, else a new one.
    pub(crate) fn easy_for(&self, mut collector: Collector) -> Result<Taken, HttpError> {
        let (in_flight, buffer) = self.enter(collector.body.may_be_large());
        collector.in_flight = Some(in_flight);
        let kept = self.kept.lock().pop();
        if let Some(Kept { mut easy, sticky }) = kept {
            let options_kept = sticky.is_some() && sticky == collector.sticky;
            let cleaned = if options_kept { erase_cookies(&mut easy) } else { reset(&mut easy) }
                .and_then(|()| ask_buffer_size(&mut easy, buffer));
            if cleaned.is_ok() {
                *easy.get_mut() = collector;
                return Ok(Taken { easy, options_kept });
            }
            // a handle that refuses to be cleaned is dropped (curl_easy_cleanup) for a new one
        }
        let mut easy = Easy2::new(collector);
        easy.buffer_size(buffer).map_err(own("BUFFERSIZE"))?;
        Ok(Taken { easy, options_kept: false })
    }

    /// Counts a new transfer in flight; returns its token and its receive buffer size.
    fn enter(&self, large_body: bool) -> (InFlight, usize) {
        let (token, others) = InFlight::enter(&self.in_flight);
        (token, receive_buffer(large_body, others))
    }

    /// Keeps a finished handle for reuse (cleaned when it is taken), or drops it (which cleans
    /// it up). The old collector (its sink, listeners' core, URL handle) is dropped now.
    pub(crate) fn recycle(&self, mut easy: Easy2<Collector>) {
        let c = easy.get_mut();
        if !c.keep_alive.is_empty() || c.form.is_some() || self.kept.lock().len() >= KEPT {
            return;
        }
        if c.received() >= HOLDING_KEPT_BELOW && holds_buffer(&mut easy) {
            return;
        }
        let sticky = easy.get_mut().sticky.take();
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
            kept.push(Kept { easy, sticky });
        }
    }
}

/// COOKIEFILE NULL frees the cookie-file list a transfer that failed early never read
/// (curl_easy_reset would drop the pointer and leak it), erases the cookies and turns the
/// engine off; the next transfer turns it on again (`fixed::cookie_engine`).
fn erase_cookies(easy: &mut Easy2<Collector>) -> Result<(), curl::Error> {
    set_str(easy, curl_sys::CURLOPT_COOKIEFILE, None)
}

/// The cookies erased, then `curl_easy_reset` (which sets the receive buffer size back to
/// libcurl's 16 KiB; the caller asks for its own next).
fn reset(easy: &mut Easy2<Collector>) -> Result<(), curl::Error> {
    erase_cookies(easy)?;
    easy.reset();
    Ok(())
}

/// Asks for a receive buffer of `size` on a kept handle. libcurl 7.88 refuses (43) while the
/// handle still holds its last transfer's buffer, and a transfer multiplexed on an HTTP/2
/// connection that others still use ends holding it (`multi_done` returns before freeing it
/// while the connection is in use). Such a handle is still sound: libcurl fills the buffer it
/// holds with at most the size last set (its default after a reset, never more than it
/// allocated). So it keeps that buffer and is reused; dropping it cost a `curl_easy_cleanup`
/// and a `curl_easy_init` for nearly every HTTP/2 request (~21k instructions, callgrind of W4).
fn ask_buffer_size(easy: &mut Easy2<Collector>, size: usize) -> Result<(), curl::Error> {
    match easy.buffer_size(size) {
        Err(e) if e.is_bad_function_argument() => Ok(()),
        other => other,
    }
}

/// Whether a finished handle still holds its receive buffer (libcurl refuses a new size). A
/// handle that does not gets libcurl's default size set, which the next transfer replaces.
fn holds_buffer(easy: &mut Easy2<Collector>) -> bool {
    easy.buffer_size(SMALL_RECEIVE_BUFFER).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::shared::{MANY_IN_FLIGHT, RECEIVE_BUFFER};

    fn collector(sticky: Option<StickyOptions>) -> Collector {
        let shared = TransferShared::new(1, Arc::new(RequestCore::new()));
        let mut c = Collector::new(shared, DoneGuard::new(Arc::new(|_| {})), false, 1 << 20);
        c.sticky = sticky;
        c
    }

    /// A request that sets none of the sticky options.
    fn plain() -> Option<StickyOptions> {
        Some(StickyOptions::default())
    }

    /// A request with a `caPath`.
    fn ca(path: &str) -> Option<StickyOptions> {
        Some(StickyOptions { ca_path: Some(path.into()), ..StickyOptions::default() })
    }

    /// Takes a handle for a collector, puts it back, and says whether it kept its options.
    fn round(pool: &HandlePool, sticky: Option<StickyOptions>) -> bool {
        let Taken { easy, options_kept } = pool.easy_for(collector(sticky)).unwrap();
        pool.recycle(easy);
        options_kept
    }

    #[test]
    fn options_are_kept_only_between_requests_with_the_same_sticky_options() {
        let pool = HandlePool::default();
        assert!(!round(&pool, plain()), "a new handle");
        assert!(round(&pool, plain()), "plain after plain");
        assert!(!round(&pool, ca("a.pem")), "a CA after plain: reset");
        assert!(round(&pool, ca("a.pem")), "the same CA again");
        assert!(!round(&pool, ca("b.pem")), "another CA: reset");
        assert!(!round(&pool, plain()), "plain after a CA: reset");
        assert!(!round(&pool, None), "a request that is always reset, after plain");
        assert!(!round(&pool, None), "... and after itself");
        assert!(!round(&pool, plain()), "plain after it: reset");
        assert!(round(&pool, plain()));
    }

    #[test]
    fn transfers_beyond_many_in_flight_get_the_small_buffer_until_some_finish() {
        let pool = HandlePool::default();
        let held: Vec<Taken> = (0..=MANY_IN_FLIGHT).map(|_| pool.easy_for(collector(plain())).unwrap()).collect();
        assert_eq!(pool.enter(true).1, SMALL_RECEIVE_BUFFER);
        let mut held = held.into_iter();
        // one finishes and goes back, one is dropped: both leave the count
        pool.recycle(held.next().unwrap().easy);
        drop(held.next());
        assert_eq!(pool.enter(true).1, RECEIVE_BUFFER);
        drop(held);
        assert_eq!(pool.in_flight.load(std::sync::atomic::Ordering::Relaxed), 0);
    }

    #[test]
    fn a_handle_with_a_private_dns_cache_is_not_kept() {
        let pool = HandlePool::default();
        let Taken { mut easy, .. } = pool.easy_for(collector(plain())).unwrap();
        easy.get_mut().keep_alive.push(Box::new(()));
        pool.recycle(easy);
        assert!(!round(&pool, plain()), "a new handle, not the one with the cache");
    }

    /// Pauses its transfer at the first body bytes, so that the HTTP/2 connection it runs on
    /// stays in use.
    #[derive(Default)]
    struct Holder {
        paused: bool,
    }

    impl curl::easy::Handler for Holder {
        fn write(&mut self, _: &[u8]) -> Result<usize, curl::easy::WriteError> {
            self.paused = true;
            Err(curl::easy::WriteError::Pause)
        }
    }

    /// The test bed's nginx over TLS + HTTP/2 and its CA, when the test bed runs (it must
    /// under the test command, which sets `OHOS_HTTP_REQUIRE_TESTBED`).
    fn tls_testbed() -> Option<(String, String)> {
        match (std::env::var("OHOS_HTTP_TB_NGINX_TLS_URL"), std::env::var("OHOS_HTTP_TB_CA")) {
            (Ok(url), Ok(ca)) => Some((url, ca)),
            _ if std::env::var_os("OHOS_HTTP_REQUIRE_TESTBED").is_some() => panic!("the test bed is not running"),
            _ => None,
        }
    }

    /// Runs `multi` until `done` says so (at most 10 s).
    fn run_until(multi: &curl::multi::Multi, mut done: impl FnMut() -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !done() {
            assert!(std::time::Instant::now() < deadline, "the transfer did not get there in 10 s");
            multi.perform().unwrap();
            multi.wait(&mut [], std::time::Duration::from_millis(50)).unwrap();
        }
    }

    /// A file of the test bed's web root and its length.
    const SMALL_FILE: (&str, usize) = ("1k.bin", 1024);
    const LARGE_FILE: (&str, usize) = ("1m.bin", 1 << 20);

    /// Runs one plain GET of `file` on `easy` over the held connection and takes it out again.
    fn get(
        multi: &curl::multi::Multi,
        mut easy: Easy2<Collector>,
        base: &str,
        ca: &str,
        (file, len): (&str, usize),
    ) -> Easy2<Collector> {
        easy.url(&format!("{base}/{file}")).unwrap();
        easy.cainfo(ca).unwrap();
        let handle = multi.add2(easy).unwrap();
        let mut finished = None;
        run_until(multi, || {
            multi.messages(|m| finished = finished.take().or(m.result_for2(&handle)));
            finished.is_some()
        });
        finished.unwrap().unwrap();
        let mut easy = multi.remove2(handle).unwrap();
        assert_eq!(easy.response_code().unwrap(), 200);
        assert_eq!(easy.get_mut().body.take().len(), len);
        assert_eq!(crate::transfer::completion::http_version(&easy), "2");
        assert_eq!(easy.num_connects().unwrap(), 0, "not multiplexed on the held connection");
        easy
    }

    #[test]
    fn a_handle_that_ended_on_a_busy_http2_connection_is_reused() {
        let Some((base, ca)) = tls_testbed() else { return };
        let multi = curl::multi::Multi::new();
        let mut holder = Easy2::new(Holder::default());
        holder.url(&format!("{base}/100m.bin")).unwrap();
        holder.cainfo(&ca).unwrap();
        let holder = multi.add2(holder).unwrap();
        run_until(&multi, || holder.get_ref().paused);

        let pool = HandlePool::default();
        for round in 0..3 {
            let Taken { easy, options_kept } = pool.easy_for(collector(plain())).unwrap();
            assert_eq!(options_kept, round > 0, "round {round}: a new handle first, then the kept one");
            // libcurl keeps this transfer's receive buffer: its connection is still in use
            pool.recycle(get(&multi, easy, &base, &ca, SMALL_FILE));
        }
        // a 1 MiB body filled the buffer the handle still holds: it is not kept
        let Taken { easy, options_kept } = pool.easy_for(collector(plain())).unwrap();
        assert!(options_kept);
        pool.recycle(get(&multi, easy, &base, &ca, LARGE_FILE));
        assert!(pool.kept.lock().is_empty(), "a handle holding a filled buffer was kept");
        multi.remove2(holder).unwrap();
    }
}
