//! One transfer: the curl easy handle's callbacks (`Collector`), the mapping of options to
//! `CURLOPT_*` (`config`), and the messages a transfer sends to whoever consumes it.
pub(crate) mod completion;
pub(crate) mod config;
pub(crate) mod handler;
pub(crate) mod message;
pub(crate) mod mime;
pub(crate) mod pool;
pub(crate) mod shared;
pub(crate) mod upload;

pub(crate) use handler::Collector;
pub(crate) use message::{Finished, Msg, Sink};
pub(crate) use shared::TransferShared;
