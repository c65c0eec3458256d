//! The reactor: one thread per runtime that owns the curl multi handle and every running easy
//! handle. Other threads talk to it only through `Command`s (the scheduler is the only one
//! that sends them); it wakes them only through their transfers' sinks. Idle means blocked
//! (no CPU).
mod command;
mod event_loop;
pub mod metrics;
mod queue;

pub(crate) use command::Command;

use crate::error::HttpError;
use crate::transfer::pool::HandlePool;
use crossbeam_channel::{unbounded, Sender};
use curl::multi::MultiWaker;
use parking_lot::Mutex;
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};

/// Pool and concurrency limits of the reactor (defaults as OpenHarmony's device build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReactorConfig {
    /// Transfers running at once; more wait in the priority queue (default 64).
    pub max_active_transfers: usize,
    /// Connections per host (default 6; 0 = unlimited).
    pub max_host_connections: usize,
    /// Connections in total (default 64; 0 = unlimited).
    pub max_total_connections: usize,
    /// Idle connections kept for reuse (default 64).
    pub max_cached_connections: usize,
}

impl Default for ReactorConfig {
    fn default() -> Self {
        ReactorConfig {
            max_active_transfers: 64,
            max_host_connections: 6,
            max_total_connections: 64,
            max_cached_connections: 64,
        }
    }
}

/// Handle to one reactor thread (each runtime has one).
pub(crate) struct Reactor {
    tx: Sender<Command>,
    waker: MultiWaker,
    /// True while the reactor is (about to be) blocked in `curl_multi_poll`.
    polling: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Reactor {
    /// Starts a reactor thread with these limits; finished handles go back to `handles`.
    pub(crate) fn start(config: ReactorConfig, handles: Arc<HandlePool>) -> Result<Reactor, HttpError> {
        curl::init();
        let (tx, rx) = unbounded();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let polling = Arc::new(AtomicBool::new(false));
        let flag = polling.clone();
        let thread = std::thread::Builder::new()
            .name("ohos-http-reactor".into())
            .spawn(move || event_loop::run(config, rx, flag, handles, ready_tx))
            .map_err(|e| HttpError::internal(format!("cannot start the reactor thread: {e}")))?;
        let waker = ready_rx.recv().map_err(|_| HttpError::internal("the reactor thread failed to start"))??;
        Ok(Reactor { tx, waker, polling, thread: Mutex::new(Some(thread)) })
    }

    /// Hands a configured transfer to the reactor; from then on its consumer is owed one
    /// `Done`. On an error it was not taken (and is disarmed again).
    pub(crate) fn submit(&self, mut prepared: Box<crate::transfer::config::Prepared>) -> Result<(), HttpError> {
        prepared.easy.get_mut().guard.arm();
        metrics::submitted(prepared.easy.get_ref().shared.id);
        self.send_or_return(Command::Add(prepared)).map_err(|cmd| {
            if let Command::Add(mut p) = cmd {
                p.easy.get_mut().guard.disarm();
            }
            HttpError::internal("the reactor thread has stopped")
        })
    }

    /// Sends a command and wakes the reactor if it is blocked in poll.
    pub(crate) fn send(&self, cmd: Command) -> Result<(), HttpError> {
        self.send_or_return(cmd).map_err(|_| HttpError::internal("the reactor thread has stopped"))
    }

    /// Sends a command (giving it back if the reactor is gone) and wakes the reactor.
    fn send_or_return(&self, cmd: Command) -> Result<(), Command> {
        self.tx.send(cmd).map_err(|e| e.into_inner())?;
        // Pairs with the reactor's store + fence before it checks the channel and polls.
        fence(Ordering::SeqCst);
        if self.polling.load(Ordering::SeqCst) {
            let _ = self.waker.wakeup();
        }
        Ok(())
    }

    /// Fails every transfer it holds, stops the thread and joins it (unless `current` is the
    /// reactor thread itself: it then ends once it sees the command).
    pub(crate) fn shutdown(&self, current: ThreadId) {
        let _ = self.send(Command::Shutdown);
        if let Some(thread) = self.thread.lock().take() {
            if thread.thread().id() != current {
                let _ = thread.join();
            }
        }
    }
}
