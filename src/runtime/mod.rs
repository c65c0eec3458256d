//! The runtime: what runs transfers and delivers their results. A [`Runtime`] owns a reactor
//! thread (curl's multi handle), a dispatcher thread (callbacks and async completions), a small
//! pool of resolver threads (`dnsServers`), a pool of easy handles, and the scheduler, the one
//! door to all of it ([`scheduler`]).
//!
//! `create_http()` uses the process-wide default runtime, started on first use and never
//! dropped; [`Runtime::new`] makes one of your own, with its own threads, limits and
//! connection pool (useful to isolate tests or parts of a program), and `Runtime::create_http`
//! a request task on it. A runtime stops when
//! [`Runtime::shutdown`] is called or its last handle (every `Runtime` clone, every
//! `HttpRequest` made from it, every transfer still running) is gone: then every transfer it
//! still holds fails with 2300042, and its threads are joined.
//!
//! Also here: the consumer of a transfer's messages, the dispatcher, the parked channel, and
//! the `Future` of async requests.
pub(crate) mod consumer;
pub(crate) mod dispatcher;
pub(crate) mod future;
pub(crate) mod parked;
pub(crate) mod scheduler;

pub use future::ResponseFuture;

use crate::dns::pool::ResolverPool;
use crate::error::{HttpError, CANCELLED};
use crate::reactor::{Reactor, ReactorConfig};
use crate::transfer::config::Prepared;
use crate::transfer::pool::HandlePool;
use dispatcher::Dispatcher;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A runtime for requests: its own reactor, dispatcher and resolver threads, and connection
/// pool. Cheap to clone (a handle); `Send + Sync`.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").field("shut_down", &self.is_shut_down()).finish()
    }
}

/// What a runtime owns.
pub(crate) struct Inner {
    reactor: Reactor,
    dispatcher: Dispatcher,
    resolvers: ResolverPool,
    handles: Arc<HandlePool>,
    /// Transfers waiting for their `dnsServers` lookup, by transfer id.
    resolving: Mutex<HashMap<u64, Box<Prepared>>>,
    stopped: AtomicBool,
}

/// The process-wide default runtime.
static DEFAULT: Lazy<Result<Runtime, HttpError>> = Lazy::new(|| Runtime::new(ReactorConfig::default()));

impl Runtime {
    /// Starts a runtime with these limits.
    pub fn new(config: ReactorConfig) -> Result<Runtime, HttpError> {
        scheduler::check_config(&config)?;
        let handles = Arc::new(HandlePool::default());
        let reactor = Reactor::start(config, handles.clone())?;
        let dispatcher = match Dispatcher::start() {
            Ok(d) => d,
            Err(e) => {
                reactor.shutdown(std::thread::current().id());
                return Err(e);
            }
        };
        let inner = Inner {
            reactor,
            dispatcher,
            resolvers: ResolverPool::default(),
            handles,
            resolving: Mutex::new(HashMap::new()),
            stopped: AtomicBool::new(false),
        };
        Ok(Runtime { inner: Arc::new(inner) })
    }

    /// The process-wide default runtime (what `create_http()` uses), started on first use.
    pub fn global() -> Result<Runtime, HttpError> {
        DEFAULT.clone()
    }

    /// New pool and concurrency limits (transfers already running keep their connections);
    /// 401 when `max_active_transfers` is 0.
    pub fn configure(&self, config: ReactorConfig) -> Result<(), HttpError> {
        self.inner.configure(config)
    }

    /// Stops the runtime now: every transfer it holds fails with 2300042, later requests on it
    /// fail with 2300999, and its threads are joined (when called from one of its own
    /// callbacks, that thread ends once the callback returns). Calling it again does nothing.
    pub fn shutdown(&self) {
        self.inner.stop();
    }

    /// True once it was shut down.
    pub fn is_shut_down(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    /// The scheduler and the rest of what the runtime owns.
    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

impl Inner {
    /// The dispatcher thread.
    pub(crate) fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
    }

    /// The easy-handle pool.
    pub(crate) fn handles(&self) -> &HandlePool {
        &self.handles
    }

    fn stop(&self) {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        let current = std::thread::current().id();
        self.take_resolving(|_| true, || HttpError::new(CANCELLED, "Request aborted: the runtime was shut down"));
        self.reactor.shutdown(current);
        self.resolvers.shutdown(current);
        self.dispatcher.shutdown(current);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runtime_of_its_own_starts_configures_and_shuts_down() {
        let rt = Runtime::new(ReactorConfig::default()).unwrap();
        assert!(!rt.is_shut_down());
        rt.configure(ReactorConfig { max_active_transfers: 2, ..Default::default() }).unwrap();
        assert_eq!(
            rt.configure(ReactorConfig { max_active_transfers: 0, ..Default::default() }).unwrap_err().code(),
            401
        );
        let http = rt.create_http();
        rt.shutdown();
        assert!(rt.is_shut_down());
        let e = http.request("http://127.0.0.1:1/", None).unwrap_err();
        assert_eq!(e.code(), 2_300_999, "{e}");
        rt.shutdown();
        assert_eq!(
            Runtime::new(ReactorConfig { max_active_transfers: 0, ..Default::default() }).unwrap_err().code(),
            401
        );
    }
}
