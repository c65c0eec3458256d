//! The reactor: one process-wide thread that owns the curl multi handle and every running
//! easy handle. Other threads talk to it only through `Command`s; it wakes them only through
//! their transfers' sinks. Started on first use; idle means blocked (no CPU).
mod command;
mod event_loop;
#[cfg(feature = "metrics")]
#[doc(hidden)]
pub mod metrics;
mod queue;

pub(crate) use command::Command;

use crate::error::HttpError;
use crossbeam_channel::{unbounded, Sender};
use curl::multi::MultiWaker;
use once_cell::sync::Lazy;
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::Arc;

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

/// Handle to the reactor thread.
pub(crate) struct Reactor {
    tx: Sender<Command>,
    waker: MultiWaker,
    /// True while the reactor is (about to be) blocked in `curl_multi_poll`.
    polling: Arc<AtomicBool>,
}

static REACTOR: Lazy<Result<Reactor, HttpError>> = Lazy::new(Reactor::start);

/// The process-wide reactor, started on first use.
pub(crate) fn reactor() -> Result<&'static Reactor, HttpError> {
    REACTOR.as_ref().map_err(Clone::clone)
}

impl Reactor {
    fn start() -> Result<Reactor, HttpError> {
        curl::init();
        let (tx, rx) = unbounded();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let polling = Arc::new(AtomicBool::new(false));
        let flag = polling.clone();
        std::thread::Builder::new()
            .name("ohos-http-reactor".into())
            .spawn(move || event_loop::run(rx, flag, ready_tx))
            .map_err(|e| HttpError::internal(format!("cannot start the reactor thread: {e}")))?;
        let waker = ready_rx.recv().map_err(|_| HttpError::internal("the reactor thread failed to start"))??;
        Ok(Reactor { tx, waker, polling })
    }

    /// Hands a configured transfer to the reactor; from then on its consumer is owed one
    /// `Done`. On an error it was not taken (and is disarmed again).
    pub(crate) fn submit(&self, mut prepared: Box<crate::transfer::config::Prepared>) -> Result<(), HttpError> {
        prepared.easy.get_mut().guard.arm();
        self.send_or_return(Command::add(prepared)).map_err(|cmd| {
            if let Command::Add(mut p, _) = cmd {
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
}
