//! Raw libcurl through the `curl` crate: the ceiling for ohos-http's design.
//!
//! * `curl-multi`: one thread, one multi handle, `perform` + `poll` (curl_multi_poll), `c`
//!   easy handles created once and re-added for every request (no reset: same URL).
//! * `curl-multi-fresh`: the same loop with a new easy handle per request (what ohos-http does).
//! * `curl-multi-pipewait`: CURLOPT_PIPEWAIT, so h2 streams wait for the first connection
//!   instead of opening one TLS connection each.
//! * `curl-multi-buf512k`: CURLOPT_BUFFERSIZE 512 KiB (bulk transfers).
//! * `curl-easy`: `curl_easy_perform` on one reused easy handle per thread.
use super::Client;
use crate::common::{threads, Body, Pool, Tally};
use curl::easy::{Easy2, Handler, WriteError};
use curl::multi::{Easy2Handle, Multi};
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

pub struct CurlMulti {
    pool: Pool,
    ca: Option<String>,
    tuning: Tuning,
}

impl CurlMulti {
    pub fn new(pool: Pool, ca: Option<String>, tuning: Tuning) -> CurlMulti {
        CurlMulti { pool, ca, tuning }
    }
}

impl Client for CurlMulti {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let tally = Tally::default();
        let mut multi = Multi::new();
        multi.pipelining(false, true).expect("multiplex");
        if let Some((host, total, cached)) = self.pool.curl_limits() {
            multi.set_max_host_connections(host).expect("limits");
            multi.set_max_total_connections(total).expect("limits");
            multi.set_max_connects(cached).expect("limits");
        }
        let make = || easy(url, body, &self.ca, self.tuning).expect("easy handle");
        let c = c.max(1).min(n.max(1));
        let mut idle: Vec<Easy2<Sink>> = (0..c).map(|_| make()).collect();
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
                idle.push(if self.tuning.fresh { make() } else { e });
            }
            if done < n && (started == n || idle.is_empty()) {
                let timeout = multi.get_timeout().ok().flatten().unwrap_or(Duration::from_secs(1));
                if !timeout.is_zero() {
                    multi.poll(&mut [], timeout.min(Duration::from_secs(1))).expect("poll");
                }
            }
        }
        tally
    }
}

pub struct CurlEasy {
    ca: Option<String>,
}

impl CurlEasy {
    pub fn new(ca: Option<String>) -> CurlEasy {
        CurlEasy { ca }
    }
}

impl Client for CurlEasy {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let ca = &self.ca;
        threads(
            n,
            c,
            expect,
            || easy(url, body, ca, Tuning::default()).expect("easy handle"),
            |e| {
                let r = e.perform();
                finish(e, r)
            },
        )
    }
}
