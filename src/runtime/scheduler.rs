//! The scheduler: the one door to the running of transfers (submit, cancel, unpause,
//! configure). It owns both phases a transfer can wait in before it is done, so cancellation
//! has one place:
//!
//! * **resolving**: a `dnsServers` lookup runs on a resolver thread while the transfer waits
//!   here; when the answer is pinned the transfer goes to the reactor;
//! * **running**: on the reactor (queued by priority, then in the multi handle).
//!
//! `cancel` (a dropped future) and `cancel_owner` (`destroy()`) complete a resolving transfer
//! as cancelled at once, and have the reactor remove a running one at once. A transfer that
//! is between the two (or between two redirect hops on its consumer) carries the cancellation
//! with it (`TransferShared::is_cancelled`): the reactor completes it as cancelled when it
//! arrives, so it never starts.
use super::{Inner, Runtime};
use crate::error::{HttpError, CANCELLED};
use crate::reactor::{Command, ReactorConfig};
use crate::transfer::config::Prepared;
use crate::transfer::TransferShared;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// A cancelled transfer's error.
fn cancelled() -> HttpError {
    HttpError::new(CANCELLED, "Request aborted: the HttpRequest was destroyed (curl: aborted by callback)")
}

/// 401 for limits no reactor can work with.
pub(super) fn check_config(config: &ReactorConfig) -> Result<(), HttpError> {
    if config.max_active_transfers == 0 {
        return Err(HttpError::parameter("max_active_transfers must be at least 1"));
    }
    Ok(())
}

impl Runtime {
    /// Takes a configured transfer over: from now on its consumer is owed exactly one `Done`.
    /// On an error the transfer was not taken (and owes nothing): the caller reports it.
    pub(crate) fn submit(&self, mut prepared: Box<Prepared>) -> Result<(), HttpError> {
        let inner = &self.inner;
        if inner.stopped.load(Ordering::SeqCst) {
            return Err(HttpError::internal("the runtime has been shut down"));
        }
        let Some(lookup) = prepared.lookup.take() else { return inner.reactor.submit(prepared) };
        prepared.easy.get_mut().guard.arm();
        let shared = prepared.easy.get_ref().shared.clone();
        let id = shared.id;
        inner.resolving.lock().insert(id, prepared);
        // a cancel that came before the transfer was parked here
        if shared.is_cancelled() {
            inner.take_resolving(|p| p.easy.get_ref().shared.id == id, cancelled);
            return Ok(());
        }
        let runtime = self.clone();
        inner.resolvers.spawn(move || {
            let answer = lookup.resolve(&|| shared.is_cancelled());
            let inner = &runtime.inner;
            // Under the lock, so that a shutdown either finds the transfer here or finds it
            // already on its way to the reactor (which then fails it).
            let mut resolving = inner.resolving.lock();
            // cancelled meanwhile: it was completed then, and is not here any more
            let Some(mut prepared) = resolving.remove(&id) else { return };
            match answer.and_then(|addrs| crate::transfer::config::pin_answer(&mut prepared.easy, &lookup, &addrs)) {
                Err(e) => prepared.easy.get_mut().fail(e),
                // armed: if the reactor is gone, the dropped command reports the transfer
                Ok(()) => drop(inner.reactor.send(Command::Add(prepared))),
            }
        });
        Ok(())
    }

    /// Cancels one transfer (its future was dropped): it never starts, or is removed at once.
    pub(crate) fn cancel(&self, shared: &Arc<TransferShared>) {
        shared.cancel();
        let id = shared.id;
        self.inner.take_resolving(|p| p.easy.get_ref().shared.id == id, cancelled);
        let _ = self.inner.reactor.send(Command::Cancel(id));
    }

    /// Cancels every transfer of one `HttpRequest` (`destroy()`; its core is marked destroyed).
    pub(crate) fn cancel_owner(&self, owner: u64) {
        self.inner.take_resolving(|p| p.easy.get_ref().shared.core.id == owner, cancelled);
        let _ = self.inner.reactor.send(Command::CancelOwner(owner));
    }

    /// A stream consumer caught up: the paused transfer may go on.
    pub(crate) fn unpause(&self, id: u64) {
        let _ = self.inner.reactor.send(Command::Unpause(id));
    }
}

impl Inner {
    /// Applies new pool and concurrency limits.
    pub(super) fn configure(&self, config: ReactorConfig) -> Result<(), HttpError> {
        check_config(&config)?;
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.reactor.send(Command::Configure(config, tx))?;
        rx.recv().map_err(|_| HttpError::internal("the reactor thread has stopped"))?
    }

    /// Fails the resolving transfers for which `pred` holds with `error()`.
    pub(super) fn take_resolving(&self, pred: impl Fn(&Prepared) -> bool, error: impl Fn() -> HttpError) {
        let taken: Vec<Box<Prepared>> = {
            let mut resolving = self.resolving.lock();
            let ids: Vec<u64> = resolving.iter().filter(|(_, p)| pred(p)).map(|(id, _)| *id).collect();
            ids.into_iter().filter_map(|id| resolving.remove(&id)).collect()
        };
        for mut p in taken {
            p.easy.get_mut().fail(error());
        }
    }
}

/// Applies new pool and concurrency limits to the process-wide default runtime (transfers
/// already running keep their connections); 401 when `max_active_transfers` is 0.
pub fn configure(config: ReactorConfig) -> Result<(), HttpError> {
    Runtime::global()?.configure(config)
}
