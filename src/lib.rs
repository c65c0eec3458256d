//! # ohos-http
//!
//! OpenHarmony's `@ohos.net.http` API (`createHttp`, `request`, `requestInStream`, events,
//! `HttpResponseCache`) on the system libcurl, as a blocking, callback or async Rust library
//! and through a C ABI.
//!
//! One process-wide reactor thread owns a curl multi handle and every transfer; requests are
//! configured on the caller's thread, run on the reactor, and report back through channels.
//! A failed transfer's error code is `2300000 + CURLcode`, exactly.
//!
//! ```no_run
//! let http = ohos_http::create_http();
//! let resp = http.request("http://127.0.0.1:18080/get", None).unwrap();
//! println!("{} {:?}", resp.response_code, resp.result);
//! ```
#![deny(missing_docs)]

pub mod cache;
mod dns;
pub mod error;
pub mod events;
pub mod ffi;
pub mod options;
mod plan;
pub mod policy;
mod reactor;
mod request;
pub mod response;
mod runtime;
mod sys;
mod task;
mod transfer;
mod url;

pub use cache::{
    cache_directory, create_http_response_cache, set_cache_directory, CacheUsage, HttpResponseCache, MAX_CACHE_SIZE,
};
pub use error::{CurlCause, ErrorKind, HttpError};
pub use events::{DataReceiveProgressInfo, DataSendProgressInfo, Event, EventType, ListenerId};
pub use options::*;
pub use policy::{
    load_network_policy_json, network_policy, reset_network_policy, set_network_policy, update_network_policy,
    DomainName, DomainPolicy, NetworkPolicy,
};
/// Benchmark-only reactor metrics (feature `metrics`): see `bench/`.
#[cfg(feature = "metrics")]
#[doc(hidden)]
pub use reactor::metrics;
pub use reactor::ReactorConfig;
pub use request::HttpRequest;
pub use response::{HttpResponse, PerformanceTiming, ResponseCode, ResponseResult};
pub use runtime::scheduler::configure;
pub use runtime::{ResponseFuture, Runtime};

/// Creates a request task (`http.createHttp()`).
pub fn create_http() -> HttpRequest {
    HttpRequest::new()
}

/// What the build found about the linked libcurl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// libcurl version `build.rs` checked ("bundled" with the `bundled-curl` feature).
    pub curl_version: &'static str,
    /// Features `curl-config --features` reported, space-separated.
    pub curl_features: &'static str,
}

/// The libcurl version and features recorded at build time (see `curl-config/`).
pub fn build_info() -> BuildInfo {
    BuildInfo {
        curl_version: env!("OHOS_HTTP_BUILD_CURL_VERSION"),
        curl_features: env!("OHOS_HTTP_BUILD_CURL_FEATURES"),
    }
}
