//! Raw libcurl through the `curl` crate: the ceiling for ohos-http's design.
//!
//! * `curl-multi`: one thread, one multi handle, `perform` + `poll` (curl_multi_poll), `c`
//!   easy handles created once and re-added for every request (no reset: same URL).
//! * `curl-multi-fresh`: the same loop with a new easy handle per request (what ohos-http does).
//! * `curl-multi-pipewait`: CURLOPT_PIPEWAIT, so h2 streams wait for the first connection
//!   instead of opening one TLS connection each.
//! * `curl-multi-buf512k`: CURLOPT_BUFFERSIZE 512 KiB (bulk transfers).
//! * `curl-multi-design`: the options ohos-http must set on every transfer (content decoding,
//!   cookie engine, progress callback, redirects): what the raw loop does with the same work.
//! * `curl-easy`: `curl_easy_perform` on one reused easy handle per thread.
//!
//! Experiments: `BENCH_CURL_OPTS=cookie,encoding,progress,buf256k,follow,headers,proxy,maxfilesize,tls12`
//! adds the named options that ohos-http sets on every transfer (see src/transfer/config.rs) to
//! the raw handles, to attribute libcurl's extra work to one option at a time (used with
//! callgrind for the analysis in bench/analysis.md; not used by the harness).
use super::Client;
use crate::common::{threads, Body, Pool, Tally};
use curl::easy::{Easy2, Handler, WriteError};
use curl::multi::{Easy2Handle, Multi};
use std::sync::Mutex;
use std::time::Duration;

/// Counts (and in whole mode keeps) the body.
pub struct Sink {
    keep: bool,
    body: Vec<u8>,
    len: u64,
}

impl Handler for Sink {
    fn write(&mut self, data: &[u8]) -> Result<usize, WriteError> {
        if self.keep {
            self.body.extend_from_slice(data);
        }
        self.len += data.len() as u64;
        Ok(data.len())
    }

    /// Whole mode reserves the announced length once (as ohos-http does).
    fn header(&mut self, data: &[u8]) -> bool {
        if self.keep && data.len() > 15 && data[..15].eq_ignore_ascii_case(b"content-length:") {
            let len = std::str::from_utf8(&data[15..]).ok().and_then(|v| v.trim().parse::<usize>().ok());
            self.body.reserve(len.unwrap_or(0));
        }
        true
    }
}

/// How the raw handles are set up.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tuning {
    pub fresh: bool,
    pub pipewait: bool,
    pub buffer: Option<usize>,
    /// The options DESIGN.md has ohos-http set on every transfer (see `design_options`).
    pub design: bool,
}

/// What ohos-http sets on every plain GET besides the URL (src/transfer/config.rs): content
/// decoding, the cookie engine, the progress callback, redirects, no `Expect:`. The raw loop
/// with these is the ceiling for ohos-http's design; without them it is the baseline.
fn design_options(e: &mut Easy2<Sink>) -> Result<(), curl::Error> {
    e.accept_encoding("")?;
    e.cookie_file("")?;
    e.progress(true)?;
    e.follow_location(true)?;
    e.max_redirections(30)?;
    let mut l = curl::easy::List::new();
    l.append("Expect:")?;
    e.http_headers(l)
}

fn easy(url: &str, body: Body, ca: &Option<String>, t: Tuning) -> Result<Easy2<Sink>, curl::Error> {
    let mut e = Easy2::new(Sink { keep: body == Body::Whole, body: Vec::new(), len: 0 });
    e.url(url)?;
    e.signal(false)?;
    if let Some(ca) = ca {
        e.cainfo(ca)?;
    }
    if t.pipewait {
        e.pipewait(true)?;
    }
    if let Some(b) = t.buffer {
        e.buffer_size(b)?;
    }
    if t.design {
        design_options(&mut e)?;
    }
    for opt in std::env::var("BENCH_CURL_OPTS").unwrap_or_default().split(',') {
        match opt {
            "cookie" => e.cookie_file("")?,
            "encoding" => e.accept_encoding("")?,
            "progress" => e.progress(true)?,
            "buf256k" => e.buffer_size(256 * 1024)?,
            "follow" => {
                e.follow_location(true)?;
                e.max_redirections(30)?;
            }
            "headers" => {
                let mut l = curl::easy::List::new();
                l.append("Expect:")?;
                e.http_headers(l)?;
            }
            "proxy" => e.proxy("")?,
            "maxfilesize" => e.max_filesize(5 << 20)?,
            "tls12" => {
                e.ssl_verify_peer(true)?;
                e.ssl_verify_host(true)?;
                e.ssl_version(curl::easy::SslVersion::Tlsv12)?;
            }
            _ => {}
        }
    }
    Ok(e)
}

/// Status check and reset for the next request; returns the body length.
fn finish(e: &mut Easy2<Sink>, result: Result<(), curl::Error>) -> Result<u64, String> {
    result.map_err(|err| err.to_string())?;
    let code = e.response_code().map_err(|err| err.to_string())?;
    let s = e.get_mut();
    let len = s.len;
    s.len = 0;
    s.body = Vec::new();
    if code != 200 {
        return Err(format!("status {code}"));
    }
    Ok(len)
}

/// Points a kept handle at this block's URL and body mode.
fn retarget(mut e: Easy2<Sink>, url: &str, body: Body) -> Easy2<Sink> {
    e.url(url).expect("url");
    e.get_mut().keep = body == Body::Whole;
    e
}

/// The Multi loop. The multi handle (its connection cache) and the easy handles live as long
/// as the client, so the warm-up's connections serve the measured block, as they do for
/// ohos-http's reactor and the peers' pools.
pub struct CurlMulti {
    ca: Option<String>,
    tuning: Tuning,
    multi: Multi,
    kept: Vec<Easy2<Sink>>,
}

impl CurlMulti {
    pub fn new(pool: Pool, ca: Option<String>, tuning: Tuning) -> CurlMulti {
        let mut multi = Multi::new();
        multi.pipelining(false, true).expect("multiplex");
        if let Some((host, total, cached)) = pool.curl_limits() {
            multi.set_max_host_connections(host).expect("limits");
            multi.set_max_total_connections(total).expect("limits");
            multi.set_max_connects(cached).expect("limits");
        }
        CurlMulti { ca, tuning, multi, kept: Vec::new() }
    }
}

impl Client for CurlMulti {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let tally = Tally::default();
        let multi = &self.multi;
        let (ca, tuning) = (&self.ca, self.tuning);
        let make = || easy(url, body, ca, tuning).expect("easy handle");
        let c = c.max(1).min(n.max(1));
        let mut idle: Vec<Easy2<Sink>> = Vec::with_capacity(c);
        while idle.len() < c {
            idle.push(match self.kept.pop() {
                Some(e) => retarget(e, url, body),
                None => make(),
            });
        }
        let mut slots: Vec<Option<Easy2Handle<Sink>>> = (0..c).map(|_| None).collect();
        let mut free: Vec<usize> = (0..c).rev().collect();
        let (mut started, mut done) = (0usize, 0usize);
        let mut finished: Vec<(usize, Result<(), curl::Error>)> = Vec::new();
        while done < n {
            while started < n {
                let (Some(slot), Some(e)) = (free.pop(), idle.pop()) else { break };
                let mut h = multi.add2(e).expect("add");
                h.set_token(slot).expect("token");
                slots[slot] = Some(h);
                started += 1;
            }
            multi.perform().expect("perform");
            multi.messages(|m| {
                if let Ok(slot) = m.token() {
                    if let Some(h) = slots[slot].as_ref() {
                        if let Some(r) = m.result_for2(h) {
                            finished.push((slot, r));
                        }
                    }
                }
            });
            for (slot, r) in finished.drain(..) {
                let h = slots[slot].take().expect("running handle");
                let mut e = multi.remove2(h).expect("remove");
                tally.record(expect, finish(&mut e, r));
                done += 1;
                free.push(slot);
                idle.push(if tuning.fresh { make() } else { e });
            }
            if done < n && (started == n || idle.is_empty()) {
                let timeout = multi.get_timeout().ok().flatten().unwrap_or(Duration::from_secs(1));
                if !timeout.is_zero() {
                    multi.poll(&mut [], timeout.min(Duration::from_secs(1))).expect("poll");
                }
            }
        }
        self.kept = idle;
        tally
    }
}

/// `curl_easy_perform` loops, one easy handle per thread; the handles (each with its own
/// connection) are kept between blocks.
pub struct CurlEasy {
    ca: Option<String>,
    kept: Mutex<Vec<Easy2<Sink>>>,
}

impl CurlEasy {
    pub fn new(ca: Option<String>) -> CurlEasy {
        CurlEasy { ca, kept: Mutex::new(Vec::new()) }
    }
}

/// A handle borrowed from `CurlEasy::kept` for one thread, returned when the thread is done.
struct Borrowed<'a> {
    easy: Option<Easy2<Sink>>,
    home: &'a Mutex<Vec<Easy2<Sink>>>,
}

impl Drop for Borrowed<'_> {
    fn drop(&mut self) {
        if let Some(e) = self.easy.take() {
            self.home.lock().unwrap().push(e);
        }
    }
}

impl Client for CurlEasy {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let ca = &self.ca;
        let home = &self.kept;
        threads(
            n,
            c,
            expect,
            || {
                let kept = home.lock().unwrap().pop();
                let easy = match kept {
                    Some(e) => retarget(e, url, body),
                    None => easy(url, body, ca, Tuning::default()).expect("easy handle"),
                };
                Borrowed { easy: Some(easy), home }
            },
            |b| {
                let e = b.easy.as_mut().expect("handle");
                let r = e.perform();
                finish(e, r)
            },
        )
    }
}
