//! The one door to the running of transfers: submit, cancel, unpause, configure. It owns both
//! phases a transfer can wait in before it is done, so cancellation has one place:
//!
//! * **resolving**: a `dnsServers` lookup runs on a resolver thread (`dns::pool`) while the
//!   transfer waits here; when the answer is pinned the transfer goes to the reactor;
//! * **running**: on the reactor (queued by priority, then in the multi handle).
//!
//! `cancel` (a dropped future) and `cancel_owner` (`destroy()`) complete a resolving transfer
//! as cancelled at once, and have the reactor remove a running one at once. A transfer that
//! is between the two (or between two redirect hops on its consumer) carries the cancellation
//! with it (`TransferShared::is_cancelled`): the reactor completes it as cancelled when it
//! arrives, so it never starts.
use crate::error::HttpError;
use crate::reactor::{reactor, Command, ReactorConfig};
use crate::transfer::completion::cancelled;
use crate::transfer::config::Prepared;
use crate::transfer::TransferShared;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// Transfers waiting for their lookup, by transfer id.
static RESOLVING: Lazy<Mutex<HashMap<u64, Box<Prepared>>>> = Lazy::new(|| Mutex::new(HashMap::new()));

/// Takes a configured transfer over: from now on its consumer is owed exactly one `Done`.
/// On an error the transfer was not taken (and owes nothing): the caller reports the error.
pub(crate) fn submit(mut prepared: Box<Prepared>) -> Result<(), HttpError> {
    let Some(lookup) = prepared.lookup.take() else { return reactor()?.submit(prepared) };
    prepared.easy.get_mut().guard.arm();
    let shared = prepared.easy.get_ref().shared.clone();
    let id = shared.id;
    RESOLVING.lock().insert(id, prepared);
    // a cancel that came before the transfer was parked here
    if shared.is_cancelled() {
        take_and_cancel(|p| p.easy.get_ref().shared.id == id);
        return Ok(());
    }
    crate::dns::pool::spawn(move || {
        let answer = lookup.resolve(&|| shared.is_cancelled());
        // cancelled meanwhile: it was completed then, and is not here any more
        let Some(mut prepared) = RESOLVING.lock().remove(&id) else { return };
        if let Err(e) = answer.and_then(|addrs| lookup.pin(&mut prepared.easy, &addrs)) {
            prepared.easy.get_mut().fail(e);
            return;
        }
        match reactor() {
            // armed: if the reactor is gone, the dropped command reports the transfer itself
            Ok(r) => {
                let _ = r.send(Command::add(prepared));
            }
            Err(e) => prepared.easy.get_mut().fail(e),
        }
    });
    Ok(())
}

/// Cancels one transfer (its future was dropped): it never starts, or is removed at once.
pub(crate) fn cancel(shared: &Arc<TransferShared>) {
    shared.cancel();
    let id = shared.id;
    take_and_cancel(|p| p.easy.get_ref().shared.id == id);
    if let Ok(r) = reactor() {
        let _ = r.send(Command::Cancel(id));
    }
}

/// Cancels every transfer of one `HttpRequest` (`destroy()`; its core is marked destroyed).
pub(crate) fn cancel_owner(owner: u64) {
    take_and_cancel(|p| p.easy.get_ref().shared.core.id == owner);
    if let Ok(r) = reactor() {
        let _ = r.send(Command::CancelOwner(owner));
    }
}

/// A stream consumer caught up: the paused transfer may go on.
pub(crate) fn unpause(id: u64) {
    if let Ok(r) = reactor() {
        let _ = r.send(Command::Unpause(id));
    }
}

/// Applies new pool and concurrency limits (transfers already running keep their
/// connections).
pub fn configure(config: ReactorConfig) -> Result<(), HttpError> {
    if config.max_active_transfers == 0 {
        return Err(HttpError::parameter("max_active_transfers must be at least 1"));
    }
    let (tx, rx) = crossbeam_channel::bounded(1);
    reactor()?.send(Command::Configure(config, tx))?;
    rx.recv().map_err(|_| HttpError::internal("the reactor thread has stopped"))?
}

/// Completes the resolving transfers for which `pred` holds as cancelled.
fn take_and_cancel(pred: impl Fn(&Prepared) -> bool) {
    let taken: Vec<Box<Prepared>> = {
        let mut resolving = RESOLVING.lock();
        let ids: Vec<u64> = resolving.iter().filter(|(_, p)| pred(p)).map(|(id, _)| *id).collect();
        ids.into_iter().filter_map(|id| resolving.remove(&id)).collect()
    };
    for p in taken {
        cancelled(p.easy);
    }
}
