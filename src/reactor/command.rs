//! Commands from any thread to the reactor.
use crate::transfer::config::Prepared;

/// A command for the reactor thread.
pub(crate) enum Command {
    /// Start (or queue, by priority) a configured transfer.
    Add(Box<Prepared>, Stamp),
    /// Cancel one transfer now (its completion reports `CANCELLED`).
    Cancel(u64),
    /// Cancel every transfer of one `HttpRequest` (`destroy()`).
    CancelOwner(u64),
    /// A stream consumer caught up: resume the paused transfer.
    Unpause(u64),
    /// New pool and concurrency limits; the reply says whether the multi handle took them.
    Configure(super::ReactorConfig, crossbeam_channel::Sender<Result<(), crate::error::HttpError>>),
}

impl Command {
    /// `Add`, stamped with the submit time (for the `metrics` feature).
    pub(crate) fn add(prepared: Box<Prepared>) -> Command {
        Command::Add(prepared, Stamp::now())
    }
}

/// When a transfer was submitted, for the `metrics` feature's wake-up histogram (empty
/// without that feature).
pub(crate) struct Stamp {
    #[cfg(feature = "metrics")]
    pub(crate) at: Option<std::time::Instant>,
}

impl Stamp {
    /// Now, if the `metrics` feature is on and recording.
    pub(crate) fn now() -> Stamp {
        Stamp {
            #[cfg(feature = "metrics")]
            at: super::metrics::stamp(),
        }
    }
}
