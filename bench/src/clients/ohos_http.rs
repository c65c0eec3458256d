//! ohos-http in its threading models: blocking `request` (one thread per in-flight request),
//! `request_with_callback` (completions on the dispatcher thread start the next request),
//! `request_async` (tasks on a tokio current-thread runtime) and blocking `request_in_stream`.
use super::Client;
use crate::common::{tasks, threads, Body, Pool, Tally, WIDE};
use ohos_http::{EventType, HttpRequest, HttpRequestOptions, ReactorConfig, ResponseResult};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

/// Which API runs the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Blocking,
    Callback,
    Async,
    Stream,
}

pub struct Ohos {
    mode: Mode,
    http: Arc<HttpRequest>,
    ca: Option<String>,
    rt: Option<tokio::runtime::Runtime>,
    /// W7's own ohos-http runtime (10,000 transfers at once, no connection limits).
    _runtime: Option<ohos_http::Runtime>,
}

impl Ohos {
    pub fn new(mode: Mode, pool: Pool, ca: Option<String>) -> Result<Ohos, String> {
        if pool == Pool::PerHost64 {
            let c = ReactorConfig {
                max_active_transfers: 64,
                max_host_connections: 64,
                max_total_connections: 64,
                max_cached_connections: 64,
            };
            ohos_http::configure(c).map_err(|e| e.to_string())?;
        }
        let runtime = if pool == Pool::Wide {
            let c = ReactorConfig {
                max_active_transfers: WIDE,
                max_host_connections: 0,
                max_total_connections: 0,
                max_cached_connections: WIDE,
            };
            Some(ohos_http::Runtime::new(c).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let rt = match mode {
            Mode::Async => Some(super::current_thread()),
            _ => None,
        };
        let http = match &runtime {
            Some(r) => r.create_http(),
            None => ohos_http::create_http(),
        };
        Ok(Ohos { mode, http: Arc::new(http), ca, rt, _runtime: runtime })
    }
}

/// The options of every request: the CA for https, room for a 100 MiB body.
fn options(ca: &Option<String>, expect: u64) -> Option<HttpRequestOptions> {
    if ca.is_none() && expect <= 5 << 20 {
        return None; // the common case: no options at all
    }
    Some(HttpRequestOptions { ca_path: ca.clone(), max_limit: Some(expect.max(5 << 20)), ..Default::default() })
}

/// A whole response -> its body length (status 200 required).
fn whole(r: Result<ohos_http::HttpResponse, ohos_http::HttpError>) -> Result<u64, String> {
    let resp = r.map_err(|e| e.to_string())?;
    if resp.response_code != 200 {
        return Err(format!("status {}", resp.response_code));
    }
    Ok(match &resp.result {
        ResponseResult::ArrayBuffer(b) => b.len() as u64,
        ResponseResult::String(s) => s.len() as u64,
        ResponseResult::Object(_) => return Err("an object result".into()),
    })
}

impl Client for Ohos {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, _body: Body) -> Tally {
        let opts = options(&self.ca, expect);
        match self.mode {
            Mode::Blocking => {
                let http = &self.http;
                threads(n, c, expect, || (), |_| whole(http.request(url, opts.clone())))
            }
            Mode::Stream => threads(
                n,
                c,
                expect,
                || {
                    // one HttpRequest per thread: its DataReceive listener counts this thread's bytes
                    let http = ohos_http::create_http();
                    let seen = Arc::new(AtomicU64::new(0));
                    let s = seen.clone();
                    http.on(EventType::DataReceive, move |e| {
                        if let ohos_http::Event::DataReceive(chunk) = e {
                            s.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                        }
                    });
                    (http, seen)
                },
                |(http, seen)| {
                    seen.store(0, Ordering::Relaxed);
                    match http.request_in_stream(url, opts.clone()) {
                        Ok(200) => Ok(seen.load(Ordering::Relaxed)),
                        Ok(code) => Err(format!("status {code}")),
                        Err(e) => Err(e.to_string()),
                    }
                },
            ),
            Mode::Async => {
                let http = self.http.clone();
                let url = url.to_string();
                let rt = self.rt.as_ref().expect("runtime");
                tasks(rt, n, c, expect, move || {
                    let fut = http.request_async(&url, opts.clone());
                    async move { whole(fut.await) }
                })
            }
            Mode::Callback => callback_loop(&self.http, url, expect, n, c, opts),
        }
    }
}

/// Keeps `c` callback requests in flight: each completion (on the dispatcher thread) records
/// its result and starts the next request; the caller waits for the last one.
fn callback_loop(
    http: &Arc<HttpRequest>,
    url: &str,
    expect: u64,
    n: usize,
    c: usize,
    opts: Option<HttpRequestOptions>,
) -> Tally {
    struct Run {
        http: Arc<HttpRequest>,
        url: String,
        expect: u64,
        opts: Option<HttpRequestOptions>,
        ticket: crate::common::Ticket,
        done: AtomicU64,
        n: u64,
        tally: Tally,
        finished: std::sync::Mutex<Option<mpsc::Sender<()>>>,
    }
    fn launch(run: &Arc<Run>) {
        if !run.ticket.take() {
            return;
        }
        let r = run.clone();
        run.http.request_with_callback(&run.url, run.opts.clone(), move |res| {
            r.tally.record(r.expect, whole(res));
            launch(&r);
            if r.done.fetch_add(1, Ordering::AcqRel) + 1 == r.n {
                if let Some(tx) = r.finished.lock().unwrap().take() {
                    let _ = tx.send(());
                }
            }
        });
    }
    let (tx, rx) = mpsc::channel();
    let run = Arc::new(Run {
        http: http.clone(),
        url: url.to_string(),
        expect,
        opts,
        ticket: crate::common::Ticket::new(n),
        done: AtomicU64::new(0),
        n: n as u64,
        tally: Tally::default(),
        finished: std::sync::Mutex::new(Some(tx)),
    });
    for _ in 0..c.min(n) {
        launch(&run);
    }
    if n > 0 {
        let _ = rx.recv();
    }
    let t = &run.tally;
    let out = Tally::default();
    out.ok.store(t.ok.load(Ordering::Relaxed), Ordering::Relaxed);
    out.errors.store(t.errors.load(Ordering::Relaxed), Ordering::Relaxed);
    out.bytes.store(t.bytes.load(Ordering::Relaxed), Ordering::Relaxed);
    *out.first_error.lock().unwrap() = t.first_error.lock().unwrap().take();
    out
}
