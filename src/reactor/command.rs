//! Commands to the reactor (sent by the scheduler).
use crate::transfer::config::Prepared;

/// A command for the reactor thread.
pub(crate) enum Command {
    /// Start (or queue, by priority) a configured transfer.
    Add(Box<Prepared>),
    /// Cancel one transfer now (its completion reports `CANCELLED`).
    Cancel(u64),
    /// Cancel every transfer of one `HttpRequest` (`destroy()`).
    CancelOwner(u64),
    /// A stream consumer caught up: resume the paused transfer.
    Unpause(u64),
    /// New pool and concurrency limits; the reply says whether the multi handle took them.
    Configure(super::ReactorConfig, crossbeam_channel::Sender<Result<(), crate::error::HttpError>>),
    /// Fail every transfer and stop (the runtime shuts down).
    Shutdown,
}
