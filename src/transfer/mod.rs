//! One transfer: the easy handle's callbacks (`Collector`), the mapping of options to
//! `CURLOPT_*` (`config`), redirect hops, the end of a hop, the handle pool, and the messages
//! a transfer sends to whoever consumes it.
pub(crate) mod collector;
pub(crate) mod completion;
pub(crate) mod config;
pub(crate) mod message;
pub(crate) mod mime;
pub(crate) mod pool;
pub(crate) mod redirect;
pub(crate) mod setopt;
pub(crate) mod shared;
pub(crate) mod socket;
pub(crate) mod sticky;
pub(crate) mod upload;

pub(crate) use collector::Collector;
pub(crate) use message::{Finished, Msg, Sink, Watch};
pub(crate) use shared::TransferShared;
