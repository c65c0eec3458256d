//! The clients under comparison, one name each, all behind one trait.
pub mod curl_raw;
pub mod curl_socket;
pub mod ohos_http;
pub mod peers;

use crate::common::{Body, Pool, Tally};

/// One HTTP client configured for a job.
pub trait Client {
    /// `n` GETs of `url` with `c` in flight; every body must be `expect` bytes long.
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally;
}

/// Every client name, with what it is.
pub const CLIENTS: &[(&str, &str)] = &[
    ("ohos-blocking", "ohos-http `request` (blocking; one thread per in-flight request)"),
    ("ohos-callback", "ohos-http `request_with_callback` (the completion starts the next request)"),
    ("ohos-async", "ohos-http `request_async` on a tokio current-thread runtime"),
    ("ohos-stream", "ohos-http `request_in_stream` (blocking; DataReceive events)"),
    ("curl-multi", "raw curl Multi loop: perform + poll, easy handles reused (the baseline)"),
    ("curl-multi-fresh", "raw curl Multi loop with a new easy handle per request"),
    ("curl-multi-pipewait", "raw curl Multi loop with CURLOPT_PIPEWAIT"),
    ("curl-multi-buf512k", "raw curl Multi loop with CURLOPT_BUFFERSIZE 512 KiB"),
    (
        "curl-multi-design",
        "raw curl Multi loop with the options ohos-http sets on every transfer (ACCEPT_ENCODING \"\", cookie engine, progress callback, redirects)",
    ),
    (
        "curl-multi-2t",
        "raw curl Multi loop (new easy handle per request) on its own thread, with ohos-http's thread structure: callers send each request over a crossbeam channel, wake the loop (curl_multi_wakeup) when it is in poll, and park until it hands the result back",
    ),
    (
        "curl-multi-socket",
        "raw curl Multi loop driven by curl_multi_socket_action on epoll (only ready sockets are touched), easy handles reused",
    ),
    ("curl-easy", "raw curl Easy reuse, one easy handle per thread (curl_easy_perform)"),
    ("isahc-sync", "isahc 2 `get` (blocking; one thread per in-flight request)"),
    ("isahc-async", "isahc 2 `get_async` on a tokio current-thread runtime"),
    ("reqwest-ct", "reqwest 0.13 async, tokio current-thread runtime"),
    ("reqwest-mt", "reqwest 0.13 async, tokio multi-thread runtime (2 workers)"),
    ("reqwest-blocking", "reqwest 0.13 blocking client (one thread per in-flight request)"),
    ("ureq", "ureq 3 (blocking; one thread per in-flight request; pool of 1024)"),
];

/// Builds a client by name.
pub fn make(name: &str, pool: Pool, ca: Option<String>) -> Result<Box<dyn Client>, String> {
    use self::ohos_http::{Mode, Ohos};
    use curl_raw::{CurlEasy, CurlMulti, CurlMulti2t, Tuning};
    Ok(match name {
        "ohos-blocking" => Box::new(Ohos::new(Mode::Blocking, pool, ca)?),
        "ohos-callback" => Box::new(Ohos::new(Mode::Callback, pool, ca)?),
        "ohos-async" => Box::new(Ohos::new(Mode::Async, pool, ca)?),
        "ohos-stream" => Box::new(Ohos::new(Mode::Stream, pool, ca)?),
        "curl-multi" => Box::new(CurlMulti::new(pool, ca, Tuning::default())),
        "curl-multi-fresh" => Box::new(CurlMulti::new(pool, ca, Tuning { fresh: true, ..Tuning::default() })),
        "curl-multi-pipewait" => Box::new(CurlMulti::new(pool, ca, Tuning { pipewait: true, ..Tuning::default() })),
        "curl-multi-design" => Box::new(CurlMulti::new(pool, ca, Tuning { design: true, ..Tuning::default() })),
        "curl-multi-buf512k" => {
            Box::new(CurlMulti::new(pool, ca, Tuning { buffer: Some(512 * 1024), ..Tuning::default() }))
        }
        "curl-multi-2t" => Box::new(CurlMulti2t::new(pool, ca)),
        "curl-multi-socket" => Box::new(curl_socket::CurlMultiSocket::new(pool, ca)),
        "curl-easy" => Box::new(CurlEasy::new(ca)),
        "isahc-sync" => Box::new(peers::Isahc::new(false, ca)?),
        "isahc-async" => Box::new(peers::Isahc::new(true, ca)?),
        "reqwest-ct" => Box::new(peers::Reqwest::new(Some(0), ca)?),
        "reqwest-mt" => Box::new(peers::Reqwest::new(Some(2), ca)?),
        "reqwest-blocking" => Box::new(peers::Reqwest::new(None, ca)?),
        "ureq" => Box::new(peers::Ureq::new()),
        other => return Err(format!("unknown client {other}")),
    })
}

/// A tokio current-thread runtime.
pub fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}
