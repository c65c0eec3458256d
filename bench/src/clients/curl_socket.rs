//! `curl-multi-socket`: the raw Multi loop driven by `curl_multi_socket_action` on epoll
//! instead of `curl_multi_perform` + `curl_multi_poll`.
//!
//! `perform` walks every transfer of the multi handle on every call; `socket_action` is told
//! which socket is ready and touches only the transfers on it (plus those whose timer is
//! due). This client is the experiment of issue 16's scaling lever: whether libcurl's own
//! cost per request stays flat from 5,000 to 10,000 in flight (W7h, W7) when the loop is
//! event driven, and what it costs at 64 in flight (W2), where an earlier experiment found
//! it slower than perform. Easy handles are kept and re-added as in `curl-multi`.
use super::curl_raw::{drain_finished, easy, finish, multi, retarget, Sink, Tuning};
use super::Client;
use crate::common::{Body, Pool, Tally};
use curl::easy::Easy2;
use curl::multi::{Easy2Handle, Events, Multi, Socket, SocketEvents};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Ready sockets taken from epoll per wait.
const EVENTS: usize = 1024;

/// The epoll set and curl's timer, shared with the multi handle's callbacks.
struct Reactor {
    epoll: libc::c_int,
    /// When curl wants `socket_action(CURL_SOCKET_TIMEOUT)` (None: no timer).
    deadline: Mutex<Option<Instant>>,
}

impl Drop for Reactor {
    fn drop(&mut self) {
        // SAFETY: the epoll descriptor made in `new`, closed once.
        unsafe { libc::close(self.epoll) };
    }
}

/// The socket_action loop over one multi handle (kept for the client's life, with its
/// connection cache, as `curl-multi` keeps its own).
pub struct CurlMultiSocket {
    ca: Option<String>,
    multi: Multi,
    reactor: Arc<Reactor>,
    kept: Vec<Easy2<Sink>>,
}

impl CurlMultiSocket {
    pub fn new(pool: Pool, ca: Option<String>) -> CurlMultiSocket {
        // SAFETY: a plain constructor call.
        let epoll = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        assert!(epoll >= 0, "epoll_create1: {}", std::io::Error::last_os_error());
        let reactor = Arc::new(Reactor { epoll, deadline: Mutex::new(None) });
        let mut multi = multi(pool);
        let r = reactor.clone();
        let mut watched: HashSet<Socket> = HashSet::new();
        multi
            .socket_function(move |socket, what: SocketEvents, _token| {
                let op = if what.remove() {
                    watched.remove(&socket);
                    libc::EPOLL_CTL_DEL
                } else if watched.insert(socket) {
                    libc::EPOLL_CTL_ADD
                } else {
                    libc::EPOLL_CTL_MOD
                };
                let mut flags = 0u32;
                if what.input() {
                    flags |= libc::EPOLLIN as u32;
                }
                if what.output() {
                    flags |= libc::EPOLLOUT as u32;
                }
                let mut ev = libc::epoll_event { events: flags, u64: socket as u64 };
                // SAFETY: a valid epoll descriptor and event; a socket curl already closed
                // fails harmlessly (ENOENT/EBADF).
                unsafe { libc::epoll_ctl(r.epoll, op, socket, &mut ev) };
            })
            .expect("socket function");
        let r = reactor.clone();
        multi
            .timer_function(move |timeout| {
                *r.deadline.lock().unwrap() = timeout.map(|t| Instant::now() + t);
                true
            })
            .expect("timer function");
        CurlMultiSocket { ca, multi, reactor, kept: Vec::new() }
    }

    /// Waits for ready sockets or curl's timer, then tells curl what happened.
    fn wait_and_act(&self, events: &mut [libc::epoll_event]) {
        let deadline = *self.reactor.deadline.lock().unwrap();
        let wait = deadline.map_or(Duration::from_secs(1), |d| d.saturating_duration_since(Instant::now()));
        let ms = wait.as_millis().min(1000) as libc::c_int;
        // SAFETY: a valid epoll descriptor and a buffer of `events.len()` entries.
        let n = unsafe { libc::epoll_wait(self.reactor.epoll, events.as_mut_ptr(), events.len() as libc::c_int, ms) };
        for ev in events.iter().take(n.max(0) as usize) {
            let flags = ev.events;
            let mut what = Events::new();
            what.input(flags & (libc::EPOLLIN as u32 | libc::EPOLLHUP as u32) != 0);
            what.output(flags & libc::EPOLLOUT as u32 != 0);
            what.error(flags & libc::EPOLLERR as u32 != 0);
            self.multi.action(ev.u64 as Socket, &what).expect("socket_action");
        }
        let due = self.reactor.deadline.lock().unwrap().is_some_and(|d| d <= Instant::now());
        if n <= 0 || due {
            self.multi.timeout().expect("socket_action(TIMEOUT)");
        }
    }
}

impl Client for CurlMultiSocket {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let tally = Tally::default();
        let c = c.max(1).min(n.max(1));
        let mut idle: Vec<Easy2<Sink>> = Vec::with_capacity(c);
        while idle.len() < c {
            idle.push(match self.kept.pop() {
                Some(e) => retarget(e, url, body),
                None => easy(url, body, &self.ca, Tuning::default()).expect("easy handle"),
            });
        }
        let mut slots: Vec<Option<Easy2Handle<Sink>>> = (0..c).map(|_| None).collect();
        let mut free: Vec<usize> = (0..c).rev().collect();
        let (mut started, mut done) = (0usize, 0usize);
        let mut finished: Vec<(usize, Result<(), curl::Error>)> = Vec::new();
        let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; EVENTS];
        while done < n {
            let mut added = false;
            while started < n {
                let (Some(slot), Some(e)) = (free.pop(), idle.pop()) else { break };
                let mut h = self.multi.add2(e).expect("add");
                h.set_token(slot).expect("token");
                slots[slot] = Some(h);
                started += 1;
                added = true;
            }
            if added {
                // new transfers start from curl's timer (it asked for 0 ms)
                self.multi.timeout().expect("socket_action(TIMEOUT)");
            }
            self.wait_and_act(&mut events);
            drain_finished(&self.multi, &mut slots, &mut finished, |slot, mut e, r| {
                tally.record(expect, finish(&mut e, r));
                done += 1;
                free.push(slot);
                idle.push(e);
            });
        }
        self.kept = idle;
        tally
    }
}
