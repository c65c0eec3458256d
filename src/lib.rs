//! # ohos-http
//!
//! OpenHarmony's `@ohos.net.http` API (`createHttp`, `request`, `requestInStream`, events,
//! `HttpResponseCache`) on the system libcurl, as a blocking, callback or async Rust library
//! and through a C ABI.
//!
//! One process-wide reactor thread owns a curl multi handle and every transfer; requests are
//! configured on the caller's thread, run on the reactor, and report back through channels.
//! A failed transfer's error code is `2300000 + CURLcode`, exactly.
#![deny(missing_docs)]

pub mod error;
pub mod options;

pub use error::HttpError;
pub use options::*;
