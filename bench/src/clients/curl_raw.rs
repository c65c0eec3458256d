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
//! * `curl-multi-2t`: the same loop (a new easy handle per request, as `curl-multi-fresh`) on a
//!   thread of its own, with ohos-http's thread structure: `c` caller threads send each request
//!   over a crossbeam channel, wake the loop with curl_multi_wakeup when it is in poll, and park
//!   until the loop hands the result back (unpark). No ohos-http code: what the hand-offs alone
//!   cost (compare with `curl-multi-fresh`), the ceiling for ohos-http's design.
//! * `curl-easy`: `curl_easy_perform` on one reused easy handle per thread.
//!
//! Experiments: `BENCH_CURL_OPTS=cookie,encoding,progress,buf256k,follow,headers,proxy,maxfilesize,tls12`
//! (or `bufN`, a receive buffer of N KiB)
//! adds the named options that ohos-http sets on every transfer (src/transfer/config/) to
//! the raw handles, to attribute libcurl's extra work to one option at a time (used with
//! callgrind for the analysis in bench/analysis.md; not used by the harness).
use super::Client;
use crate::common::{threads, Body, Pool, Tally};
use crossbeam_channel::{Receiver, Sender};
use curl::easy::{Easy2, Handler, WriteError};
use curl::multi::{Easy2Handle, Multi, MultiWaker};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, Thread};
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
    /// The options ohos-http sets on every transfer (src/transfer/config/; see `design_options`).
    pub design: bool,
}

/// What ohos-http sets on every plain GET besides the URL (src/transfer/config/): content
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

pub(super) fn easy(url: &str, body: Body, ca: &Option<String>, t: Tuning) -> Result<Easy2<Sink>, curl::Error> {
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
            // bufN: a receive buffer of N KiB
            o if o.starts_with("buf") && o[3..].parse::<usize>().is_ok() => {
                e.buffer_size(o[3..].parse::<usize>().unwrap_or(16) * 1024)?
            }
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
pub(super) fn finish(e: &mut Easy2<Sink>, result: Result<(), curl::Error>) -> Result<u64, String> {
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

/// Takes every transfer curl reports done out of the multi handle and hands it to `each` with
/// its slot and result (`finished` is a reused buffer).
pub(super) fn drain_finished(
    multi: &Multi,
    slots: &mut [Option<Easy2Handle<Sink>>],
    finished: &mut Vec<(usize, Result<(), curl::Error>)>,
    mut each: impl FnMut(usize, Easy2<Sink>, Result<(), curl::Error>),
) {
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
        each(slot, multi.remove2(h).expect("remove"), r);
    }
}

/// Points a kept handle at this block's URL and body mode.
pub(super) fn retarget(mut e: Easy2<Sink>, url: &str, body: Body) -> Easy2<Sink> {
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
        CurlMulti { ca, tuning, multi: multi(pool), kept: Vec::new() }
    }
}

/// A multi handle with multiplexing and the pool's connection limits.
pub(super) fn multi(pool: Pool) -> Multi {
    let mut multi = Multi::new();
    multi.pipelining(false, true).expect("multiplex");
    if let Some((host, total, cached)) = pool.curl_limits() {
        multi.set_max_host_connections(host).expect("limits");
        multi.set_max_total_connections(total).expect("limits");
        multi.set_max_connects(cached).expect("limits");
    }
    multi
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
            drain_finished(multi, &mut slots, &mut finished, |slot, mut e, r| {
                tally.record(expect, finish(&mut e, r));
                done += 1;
                free.push(slot);
                idle.push(if tuning.fresh { make() } else { e });
            });
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

/// One request handed to `curl-multi-2t`'s loop thread.
struct Ask {
    url: String,
    body: Body,
    reply: Arc<Reply>,
}

/// Where the loop thread leaves a request's outcome (and the body, which the caller drops, as
/// an ohos-http caller owns its response) before it unparks the caller.
struct Reply {
    caller: Thread,
    outcome: Mutex<Option<Outcome>>,
}

/// A request's result (body length or error) and its body.
type Outcome = (Result<u64, String>, Vec<u8>);

/// `curl-multi-2t`: the raw Multi loop on a thread of its own, fed by callers over a channel,
/// as ohos-http's reactor is (src/reactor/): the callers send, wake the loop with
/// curl_multi_wakeup only when it is in poll (the same flag + fence handshake), and park until
/// the loop unparks them. A new easy handle per request, set up by `easy` as for
/// `curl-multi-fresh` (ohos-http also builds one per request), so `curl-multi-fresh` is the
/// same work without the hand-offs. The thread and its multi handle (connection cache) live as
/// long as the client, like the reactor.
pub struct CurlMulti2t {
    tx: Option<Sender<Ask>>,
    waker: MultiWaker,
    polling: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl CurlMulti2t {
    pub fn new(pool: Pool, ca: Option<String>) -> CurlMulti2t {
        let (tx, rx) = crossbeam_channel::unbounded::<Ask>();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let polling = Arc::new(AtomicBool::new(false));
        let flag = polling.clone();
        let thread = std::thread::Builder::new()
            .name("curl-2t-loop".into())
            .spawn(move || {
                // `Multi` is not Send: it is made, used and dropped on this thread.
                let multi = multi(pool);
                ready_tx.send(multi.waker()).expect("ready");
                run_2t(&multi, &rx, &flag, &ca);
            })
            .expect("spawn the loop thread");
        let waker = ready_rx.recv().expect("the loop thread started");
        CurlMulti2t { tx: Some(tx), waker, polling, thread: Some(thread) }
    }

    /// One request from a caller thread: hand it over, wake the loop if it sleeps in poll,
    /// park until the answer is there.
    fn one(&self, url: &str, body: Body) -> Result<u64, String> {
        let reply = Arc::new(Reply { caller: std::thread::current(), outcome: Mutex::new(None) });
        let ask = Ask { url: url.to_string(), body, reply: reply.clone() };
        self.tx.as_ref().expect("sender").send(ask).map_err(|_| "the loop thread has stopped".to_string())?;
        // Pairs with the loop's store + fence before it checks the channel and polls.
        fence(Ordering::SeqCst);
        if self.polling.load(Ordering::SeqCst) {
            let _ = self.waker.wakeup();
        }
        loop {
            if let Some((result, body)) = reply.outcome.lock().unwrap().take() {
                drop(body);
                return result;
            }
            std::thread::park();
        }
    }
}

impl Drop for CurlMulti2t {
    fn drop(&mut self) {
        self.tx = None; // the loop ends once the channel is closed and it has nothing running
        let _ = self.waker.wakeup();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Client for CurlMulti2t {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let this = &*self;
        threads(n, c, expect, || (), |_| this.one(url, body))
    }
}

/// The transfers `curl-multi-2t`'s loop runs: slots indexed by the handles' tokens.
struct Running<'m> {
    multi: &'m Multi,
    ca: &'m Option<String>,
    slots: Vec<Option<(Easy2Handle<Sink>, Arc<Reply>)>>,
    free: Vec<usize>,
    count: usize,
}

impl Running<'_> {
    /// A new easy handle for the request (as `curl-multi-fresh`), added to the multi handle.
    fn start(&mut self, ask: Ask) {
        let e = easy(&ask.url, ask.body, self.ca, Tuning { fresh: true, ..Tuning::default() }).expect("easy handle");
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.slots.len() - 1
        });
        let mut h = self.multi.add2(e).expect("add");
        h.set_token(slot).expect("token");
        self.slots[slot] = Some((h, ask.reply));
        self.count += 1;
    }

    /// Removes a finished transfer and hands its outcome (and body) back to its caller.
    fn finish(&mut self, slot: usize, r: Result<(), curl::Error>) {
        let (h, reply) = self.slots[slot].take().expect("running handle");
        let mut e = self.multi.remove2(h).expect("remove");
        let body = std::mem::take(&mut e.get_mut().body);
        let result = finish(&mut e, r);
        drop(e);
        *reply.outcome.lock().unwrap() = Some((result, body));
        reply.caller.unpark();
        self.free.push(slot);
        self.count -= 1;
    }
}

/// The loop thread of `curl-multi-2t`: `CurlMulti::fetch`'s perform / messages / poll loop,
/// taking its requests from the channel (blocking on it when nothing runs, as the reactor
/// does) instead of from a count.
fn run_2t(multi: &Multi, rx: &Receiver<Ask>, polling: &AtomicBool, ca: &Option<String>) {
    let mut run = Running { multi, ca, slots: Vec::new(), free: Vec::new(), count: 0 };
    let mut finished: Vec<(usize, Result<(), curl::Error>)> = Vec::new();
    loop {
        if run.count == 0 {
            match rx.recv() {
                Ok(ask) => run.start(ask),
                Err(_) => return,
            }
        }
        while let Ok(ask) = rx.try_recv() {
            run.start(ask);
        }
        multi.perform().expect("perform");
        multi.messages(|m| {
            if let Ok(slot) = m.token() {
                if let Some((h, _)) = run.slots[slot].as_ref() {
                    if let Some(r) = m.result_for2(h) {
                        finished.push((slot, r));
                    }
                }
            }
        });
        for (slot, r) in finished.drain(..) {
            run.finish(slot, r);
        }
        if run.count == 0 {
            continue;
        }
        let timeout = multi.get_timeout().ok().flatten().unwrap_or(Duration::from_secs(1));
        if timeout.is_zero() {
            continue;
        }
        polling.store(true, Ordering::SeqCst);
        // Pairs with `CurlMulti2t::one`: either it sees `polling` and wakes us, or we see its
        // request here and do not sleep.
        fence(Ordering::SeqCst);
        if rx.is_empty() {
            multi.poll(&mut [], timeout.min(Duration::from_secs(1))).expect("poll");
        }
        polling.store(false, Ordering::SeqCst);
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
