//! The reactor thread's loop: drain commands -> admit by priority under the cap -> perform ->
//! completions -> poll (woken by `curl_multi_wakeup`). With nothing to do it blocks on the
//! command channel.
use super::command::Command;
use super::metrics;
use super::queue::AdmissionQueue;
use super::ReactorConfig;
use crate::error::{HttpError, CANCELLED};
use crate::transfer::collector::Idle;
use crate::transfer::completion::{cancelled, completed_hop, timed_out};
use crate::transfer::config::Prepared;
use crate::transfer::pool::HandlePool;
use crate::transfer::{Collector, Msg};
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use curl::multi::{Easy2Handle, Multi, MultiWaker};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest single wait in poll while transfers run (curl's own timeout is usually shorter).
const MAX_POLL: Duration = Duration::from_secs(1);

struct Loop {
    /// Running transfers by id. Declared before `multi` so the handles drop first.
    active: HashMap<u64, Easy2Handle<Collector>>,
    queue: AdmissionQueue,
    multi: Multi,
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
    ready: Sender<Result<MultiWaker, HttpError>>,
) {
    let mut multi = Multi::new();
    if let Err(e) = apply_limits(&mut multi, &state) {
        let _ = ready.send(Err(HttpError::internal(format!("cannot configure the multi handle: {e}"))));
        return;
    }
    let _ = ready.send(Ok(multi.waker()));
    let mut lp = Loop {
        active: HashMap::new(),
        queue: AdmissionQueue::default(),
        multi,
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
            loop {
                match self.rx.try_recv() {
                    Ok(cmd) => {
                        if self.handle(cmd, config).is_break() {
                            return;
                        }
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            self.admit();
            let mut next_idle_deadline = None;
            if !self.active.is_empty() {
                let round = metrics::perform_started();
                if let Err(e) = self.multi.perform() {
                    self.fail_all(|| HttpError::internal(format!("curl_multi_perform failed: {e}")));
                    continue;
                }
                metrics::perform_done(round);
                self.collect_done();
                next_idle_deadline = self.expire_idle();
                if !self.queue.is_empty() && self.active.len() < self.max_active {
                    continue;
                }
            }
            if self.active.is_empty() {
                continue;
            }
            // curl's timeout, or the next readTimeout deadline if that comes first.
            let curl = match self.multi.get_timeout() {
                Ok(Some(t)) => t.min(MAX_POLL),
                _ => MAX_POLL,
            };
            let timeout =
                next_idle_deadline.map_or(curl, |d: Instant| curl.min(d.saturating_duration_since(Instant::now())));
            if timeout.is_zero() {
                continue;
            }
            self.polling.store(true, Ordering::SeqCst);
            // Pairs with `Reactor::send`: either it sees `polling` and wakes us, or we see its
            // command here and do not sleep.
            fence(Ordering::SeqCst);
            if self.rx.is_empty() {
                if let Err(e) = self.multi.poll(&mut [], timeout) {
                    self.fail_all(|| HttpError::internal(format!("curl_multi_poll failed: {e}")));
                }
            }
            self.polling.store(false, Ordering::SeqCst);
        }
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
