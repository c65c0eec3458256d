//! Running transfers and delivering their results: the scheduler (the one door to resolving
//! and running), the consumer of a transfer's messages, the dispatcher thread for callback
//! and async requests, the parked channel, and the `Future` of async requests.
pub(crate) mod consumer;
pub(crate) mod dispatcher;
pub(crate) mod future;
pub(crate) mod parked;
pub(crate) mod scheduler;

pub use future::ResponseFuture;
