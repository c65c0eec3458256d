//! The reactor thread's loop: drain commands -> admit by priority under the cap -> curl's
//! timer -> wait on the sockets (`sockets.rs`, woken by its eventfd) -> `socket_action` for
//! each ready socket, with completions and new commands taken between two sockets. With
//! nothing to do it blocks on the command channel.
use super::command::Command;
use super::metrics;
use super::queue::AdmissionQueue;
use super::sockets::{Ready, Sockets, Wake};
use super::ReactorConfig;
use crate::error::{HttpError, CANCELLED};
use crate::transfer::collector::Idle;
use crate::transfer::completion::{cancelled, completed_hop, timed_out};
use crate::transfer::config::Prepared;
use crate::transfer::pool::HandlePool;
use crate::transfer::{Collector, Msg};
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use curl::multi::{Easy2Handle, Multi};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest single wait while transfers run (curl's own timer is usually sooner). A wait that
/// ends with nothing ready runs curl's timer anyway, so even a timer lost in between would
/// cost no more than this.
const MAX_WAIT: Duration = Duration::from_secs(1);

struct Loop {
    /// Running transfers by id. Declared before `multi` so the handles drop first.
    active: HashMap<u64, Easy2Handle<Collector>>,
    queue: AdmissionQueue,
    multi: Multi,
    /// The epoll set and curl's timer (after `multi`: its callbacks hold a share of it).
    sockets: Sockets,
    rx: Receiver<Command>,
    polling: Arc<AtomicBool>,
    max_active: usize,
    /// Where finished handles go.
    handles: Arc<HandlePool>,
    /// When the idle clocks must be looked at next: no running transfer's clock can act
    /// before it (`None`: no clock runs). A walk of every transfer per round would make each
    /// round cost as much as the number in flight.
    idle_walk_at: Option<Instant>,
}

/// Runs the reactor on this thread until it is shut down (or every command sender is gone).
pub(super) fn run(
    mut state: ReactorConfig,
    rx: Receiver<Command>,
    polling: Arc<AtomicBool>,
    handles: Arc<HandlePool>,
    ready: Sender<Result<Arc<Wake>, HttpError>>,
) {
    let mut multi = Multi::new();
    if let Err(e) = apply_limits(&mut multi, &state) {
        let _ = ready.send(Err(HttpError::internal(format!("cannot configure the multi handle: {e}"))));
        return;
    }
    let sockets = match Sockets::attach(&mut multi) {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(sockets.wake()));
    let mut lp = Loop {
        active: HashMap::new(),
        queue: AdmissionQueue::default(),
        multi,
        sockets,
        rx,
        polling,
        max_active: state.max_active_transfers,
        handles,
        idle_walk_at: None,
    };
    // A bug in the loop itself must not leave callers waiting: unwinding drops every handle,
    // and each Collector's drop sends its consumer an internal error.
    let outcome = catch_unwind(AssertUnwindSafe(|| lp.run(&mut state)));
    if let Err(payload) = outcome {
        eprintln!("ohos-http: reactor stopped after a panic: {}", crate::error::panic_message(&payload));
    }
}

fn apply_limits(multi: &mut Multi, c: &ReactorConfig) -> Result<(), curl::MultiError> {
    multi.pipelining(false, true)?;
    multi.set_max_host_connections(c.max_host_connections)?;
    multi.set_max_total_connections(c.max_total_connections)?;
    multi.set_max_connects(c.max_cached_connections)?;
    Ok(())
}

impl Loop {
    fn run(&mut self, config: &mut ReactorConfig) {
        loop {
            if self.active.is_empty() && self.queue.is_empty() {
                // Idle: block on the channel (no poll, no timer, no CPU). Its short spin before
                // parking catches the next request of a caller that sends one at a time.
                match self.rx.recv() {
                    Ok(cmd) => {
                        if self.handle(cmd, config).is_break() {
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }
            if self.take_commands(config).is_break() {
                return;
            }
            if self.active.is_empty() {
                continue;
            }
            // new transfers start here too: adding one sets curl's timer to now
            if self.sockets.take_due_timer(Instant::now()) {
                self.run_timer();
            }
            let next_idle_deadline = self.expire_idle();
            if self.active.is_empty() || (!self.queue.is_empty() && self.active.len() < self.max_active) {
                continue;
            }
            let now = Instant::now();
            let timeout = [self.sockets.timer_in(now), next_idle_deadline.map(|d| d.saturating_duration_since(now))]
                .into_iter()
                .flatten()
                .fold(MAX_WAIT, Duration::min);
            self.polling.store(true, Ordering::SeqCst);
            // Pairs with `Reactor::send`: either it sees `polling` and wakes us, or we see its
            // command here and do not sleep.
            fence(Ordering::SeqCst);
            let timeout = if self.rx.is_empty() { timeout } else { Duration::ZERO };
            let waited = self.sockets.wait(timeout);
            self.polling.store(false, Ordering::SeqCst);
            match waited {
                Ok(0) if !timeout.is_zero() => self.run_timer(),
                Ok(n) => {
                    if self.act_on_ready(n, config).is_break() {
                        return;
                    }
                }
                Err(e) => self.fail_all(|| HttpError::internal(e.to_string())),
            }
        }
    }

    /// Takes every waiting command and admits what the cap allows; `Break` once the reactor
    /// must stop.
    fn take_commands(&mut self, config: &mut ReactorConfig) -> ControlFlow<()> {
        loop {
            match self.rx.try_recv() {
                Ok(cmd) => self.handle(cmd, config)?,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return ControlFlow::Break(()),
            }
        }
        self.admit();
        ControlFlow::Continue(())
    }

    /// Tells curl about each ready socket, taking new commands between two sockets (a submit
    /// never waits for the whole batch), then completes what finished. Completions go out
    /// together, as from one perform round: handed over one by one, they woke the consumer
    /// once per response (W2: ~5 µs more CPU per request).
    fn act_on_ready(&mut self, n: usize, config: &mut ReactorConfig) -> ControlFlow<()> {
        let round = metrics::perform_started();
        for i in 0..n {
            if let Ready::Socket(socket, what) = self.sockets.ready(i) {
                match self.multi.action(socket, &what) {
                    Ok(_) => {}
                    // an event for a socket libcurl dropped earlier in the same batch
                    Err(e) if e.is_bad_socket() => {}
                    Err(e) => {
                        self.fail_all(|| HttpError::internal(format!("curl_multi_socket_action failed: {e}")));
                        return ControlFlow::Continue(());
                    }
                }
            }
            if !self.rx.is_empty() {
                self.take_commands(config)?;
            }
        }
        metrics::perform_done(round);
        self.collect_done();
        ControlFlow::Continue(())
    }

    /// `socket_action(CURL_SOCKET_TIMEOUT)`: curl's timers (new transfers, its timeouts).
    fn run_timer(&mut self) {
        if let Err(e) = self.multi.timeout() {
            self.fail_all(|| HttpError::internal(format!("curl_multi_socket_action (timeout) failed: {e}")));
            return;
        }
        self.collect_done();
    }

    /// Acts on one command; `Break` once the reactor must stop.
    fn handle(&mut self, cmd: Command, config: &mut ReactorConfig) -> ControlFlow<()> {
        match cmd {
            Command::Add(prepared) => {
                // Cancelled on the way here (a dropped future, destroy()): it never starts.
                if prepared.easy.get_ref().shared.is_cancelled() {
                    cancelled(prepared.easy);
                } else {
                    self.queue.push(prepared);
                }
            }
            Command::Cancel(id) => self.cancel_where(|c| c.shared.id == id),
            Command::CancelOwner(owner) => self.cancel_where(|c| c.shared.core.id == owner),
            Command::Unpause(id) => {
                if let Some(h) = self.active.get_mut(&id) {
                    // a paused transfer was not idle: its clock restarts now (the walk that
                    // would have seen it paused may not have come)
                    h.get_mut().idle.active(Instant::now());
                    // curl may run the write callback inline; its outcome shows up later as
                    // the transfer's result, so an error here is not fatal.
                    let _ = h.unpause_write();
                }
            }
            Command::Configure(c, reply) => {
                let applied = apply_limits(&mut self.multi, &c)
                    .map_err(|e| HttpError::internal(format!("the multi handle refused the limits: {e}")));
                if applied.is_ok() {
                    self.max_active = c.max_active_transfers;
                    *config = c;
                }
                let _ = reply.send(applied);
            }
            Command::Shutdown => {
                let stopped = || HttpError::new(CANCELLED, "Request aborted: the runtime was shut down");
                self.fail_all(stopped);
                for prepared in self.queue.take_where(|_| true) {
                    let mut easy = prepared.easy;
                    easy.get_mut().fail(stopped());
                }
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    /// Removes matching transfers (running or waiting) at once and completes them as cancelled.
    fn cancel_where(&mut self, pred: impl Fn(&Collector) -> bool) {
        let ids: Vec<u64> = self.active.iter().filter(|(_, h)| pred(h.get_ref())).map(|(id, _)| *id).collect();
        for id in ids {
            if let Some(h) = self.active.remove(&id) {
                if let Ok(easy) = self.multi.remove2(h) {
                    cancelled(easy);
                }
            }
        }
        for prepared in self.queue.take_where(|p| pred(p.easy.get_ref())) {
            cancelled(prepared.easy);
        }
    }

    /// Moves waiting transfers into the multi handle while under the cap.
    fn admit(&mut self) {
        while self.active.len() < self.max_active {
            let Some(prepared) = self.queue.pop() else { break };
            let Prepared { easy, .. } = *prepared;
            let id = easy.get_ref().shared.id;
            // On failure the easy handle is dropped and its Collector reports an error.
            let added = self.multi.add2(easy);
            metrics::added(id);
            let Ok(mut h) = added else { continue };
            if let Err(e) = h.set_token(id as usize) {
                // without its token curl's completion could not be matched to it
                if let Ok(mut easy) = self.multi.remove2(h) {
                    easy.get_mut().fail(HttpError::from_curl(e.code(), Some(&format!("setting CURLOPT_PRIVATE: {e}"))));
                }
                continue;
            }
            let c = h.get_mut();
            c.started(Instant::now());
            if let Some(at) = c.idle.first_look() {
                self.idle_walk_at = Some(self.idle_walk_at.map_or(at, |w| w.min(at)));
            }
            self.active.insert(id, h);
        }
    }

    /// Fails the transfers that received and sent nothing for their readTimeout (2300028);
    /// returns the earliest deadline of the others. Walks the transfers only when some clock
    /// may act (`idle_walk_at`).
    fn expire_idle(&mut self) -> Option<Instant> {
        let now = Instant::now();
        match self.idle_walk_at {
            Some(at) if now >= at => {}
            not_yet => return not_yet,
        }
        let mut next: Option<Instant> = None;
        let mut expired = Vec::new();
        for (id, h) in self.active.iter_mut() {
            let raw = h.raw();
            let c = h.get_mut();
            let paused = c.shared.paused.load(Ordering::Relaxed);
            match c.idle.check(now, paused, || c.socket.bytes_moved(raw)) {
                Some(Idle::Expired) => expired.push(*id),
                Some(Idle::At(at)) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        for id in expired {
            if let Some(h) = self.active.remove(&id) {
                if let Ok(easy) = self.multi.remove2(h) {
                    timed_out(easy);
                }
            }
        }
        self.idle_walk_at = next;
        next
    }

    /// Fails every running transfer (the multi handle itself failed, or the runtime stops).
    fn fail_all(&mut self, error: impl Fn() -> HttpError) {
        let ids: Vec<u64> = self.active.keys().copied().collect();
        for id in ids {
            if let Some(h) = self.active.remove(&id) {
                if let Ok(mut easy) = self.multi.remove2(h) {
                    easy.get_mut().fail(error());
                }
            }
        }
    }

    /// Completes every transfer curl reports as done.
    fn collect_done(&mut self) {
        let mut done = Vec::new();
        let active = &self.active;
        self.multi.messages(|m| {
            if let Some(h) = m.token().ok().and_then(|t| active.get(&(t as u64))) {
                if let Some(result) = m.result_for2(h) {
                    done.push((h.get_ref().shared.id, result));
                }
            }
        });
        for (id, result) in done {
            if let Some(h) = self.active.remove(&id) {
                if let Ok(easy) = self.multi.remove2(h) {
                    let (sink, msg) = completed_hop(easy, result, &self.handles);
                    if matches!(msg, Msg::Done(_)) {
                        metrics::handed_over(id);
                    }
                    sink(msg);
                }
            }
        }
    }
}
