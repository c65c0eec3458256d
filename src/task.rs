//! The request task: the state of one `HttpRequest` (`createHttp()`) that all of its transfers
//! share: an id, the listeners, and the destroyed flag.
use crate::events::Listeners;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Shared by an `HttpRequest` and all of its transfers.
pub(crate) struct RequestCore {
    /// Unique id of the `HttpRequest` (used by `destroy()` to cancel its transfers).
    pub id: u64,
    /// Its listeners.
    pub listeners: Listeners,
    destroyed: AtomicBool,
}

impl RequestCore {
    /// A new core with a fresh id.
    pub(crate) fn new() -> Self {
        RequestCore {
            id: NEXT_REQUEST.fetch_add(1, Ordering::Relaxed),
            listeners: Listeners::default(),
            destroyed: AtomicBool::new(false),
        }
    }

    /// Marks it destroyed; true the first time.
    pub(crate) fn mark_destroyed(&self) -> bool {
        !self.destroyed.swap(true, Ordering::SeqCst)
    }

    /// True after `destroy()`.
    pub(crate) fn is_destroyed(&self) -> bool {
        self.destroyed.load(Ordering::SeqCst)
    }
}
