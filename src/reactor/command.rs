//! Commands from any thread to the reactor.
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
    /// New pool and concurrency limits.
    Configure(super::ReactorConfig),
}
