//! # ohos-http
//!
//! OpenHarmony's [`@ohos.net.http`](https://gitcode.com/openharmony/docs/blob/OpenHarmony-5.0.2-Release/en/application-dev/reference/apis-network-kit/js-apis-http.md)
//! API (`createHttp`, `request`, `requestInStream`, events, `HttpResponseCache`) on the system
//! libcurl, as a blocking, callback or async Rust library and through a C ABI ([`ffi`],
//! `include/ohos_http.h`).
//!
//! One process-wide reactor thread owns a curl multi handle and every transfer; requests are
//! configured on the caller's thread, run on the reactor, and report back through channels.
//! A failed transfer's error code is `2300000 + CURLcode`, exactly. Names are the snake_case of
//! the spec's: `createHttp` is [`create_http`], `requestInStream` is
//! [`HttpRequest::request_in_stream`], `expectDataType` is
//! [`HttpRequestOptions::expect_data_type`].
//!
//! The examples use the local test servers' addresses (`127.0.0.1:18080` is httpbin, see
//! `testbed/README.md`).
//!
//! ## Quick start: a blocking GET
//!
//! ```no_run
//! # fn main() -> Result<(), ohos_http::HttpError> {
//! let http = ohos_http::create_http();
//! let resp = http.request("http://127.0.0.1:18080/get", None)?;
//! println!("{} {:?}", resp.response_code, resp.result);
//! # Ok(()) }
//! ```
//!
//! ## Options: Rust structs or the OpenHarmony JSON form
//!
//! Every field of [`HttpRequestOptions`] is optional (`None` is the spec's default). The same
//! options can come as the camelCase JSON text an ArkTS app would pass
//! ([`HttpRequestOptions::from_json`]); a wrong field is a 401 error naming it.
//!
//! ```no_run
//! use ohos_http::{create_http, ExtraData, HttpDataType, HttpRequestOptions, RequestMethod, ResponseResult};
//! use serde_json::json;
//! # fn main() -> Result<(), ohos_http::HttpError> {
//! let http = create_http();
//!
//! let options = HttpRequestOptions {
//!     method: Some(RequestMethod::Post),
//!     extra_data: Some(ExtraData::Object(json!({"name": "ohos-http"}))), // a JSON body
//!     expect_data_type: Some(HttpDataType::Object),                     // parse the reply
//!     read_timeout: Some(5_000),                                         // ms of silence
//!     ..Default::default()
//! };
//! let resp = http.request("http://127.0.0.1:18080/post", Some(options))?;
//! if let ResponseResult::Object(v) = &resp.result {
//!     println!("the server saw {}", v["json"]);
//! }
//!
//! // The same request, as the JSON text of `HttpRequestOptions` in the spec.
//! let options = HttpRequestOptions::from_json(
//!     r#"{"method":"POST","extraData":{"name":"ohos-http"},"expectDataType":1,"readTimeout":5000}"#,
//! )?;
//! let resp = http.request("http://127.0.0.1:18080/post", Some(options))?;
//! assert_eq!(resp.result_type, HttpDataType::Object);
//! # Ok(()) }
//! ```
//!
//! ## Callback and async
//!
//! [`HttpRequest::request_with_callback`] calls back on a dispatcher thread (never on the
//! reactor); [`HttpRequest::request_async`] is a `Future` that any executor can drive (tokio,
//! async-std, `futures::executor::block_on`, a hand-written `block_on`): the library has no
//! runtime dependency. Dropping the future before it resolves cancels the transfer.
//!
//! ```no_run
//! use ohos_http::{create_http, HttpError, HttpRequest};
//!
//! // callback
//! let http = create_http();
//! let (tx, rx) = std::sync::mpsc::channel();
//! http.request_with_callback("http://127.0.0.1:18080/get", None, move |result| {
//!     let _ = tx.send(result.map(|r| r.response_code));
//! });
//! println!("{:?}", rx.recv().unwrap());
//!
//! // async: two requests at once on one HttpRequest
//! async fn both(http: &HttpRequest) -> Result<(u32, u32), HttpError> {
//!     let a = http.request_async("http://127.0.0.1:18080/get", None);
//!     let b = http.request_async("http://127.0.0.1:18080/headers", None);
//!     Ok((a.await?.response_code, b.await?.response_code))
//! }
//! ```
//!
//! ## Streaming with events
//!
//! [`HttpRequest::request_in_stream`] hands the body to `DataReceive` listeners chunk by chunk
//! (no `maxLimit`, memory bounded: a slow listener pauses the transfer) and returns the
//! response code. Per request the order is fixed: `HeadersReceive`, then `DataReceive` and
//! progress in arrival order, then `DataEnd`.
//!
//! ```no_run
//! use ohos_http::{create_http, Event, EventType};
//! use std::io::Write;
//! use std::sync::{Arc, Mutex};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let http = create_http();
//! let file = Arc::new(Mutex::new(std::fs::File::create("1m.bin")?));
//! let sink = file.clone();
//! http.on(EventType::HeadersReceive, |e| {
//!     if let Event::HeadersReceive(h) = e {
//!         println!("content-length: {:?}", h.get("content-length"));
//!     }
//! });
//! http.on(EventType::DataReceive, move |e| {
//!     if let Event::DataReceive(chunk) = e {
//!         sink.lock().unwrap().write_all(chunk).expect("write");
//!     }
//! });
//! let progress = http.on(EventType::DataReceiveProgress, |e| {
//!     if let Event::DataReceiveProgress(p) = e {
//!         eprint!("\r{} of {} bytes", p.receive_size, p.total_size); // total 0: unknown
//!     }
//! });
//! let code = http.request_in_stream("http://127.0.0.1:18081/1m.bin", None)?;
//! http.off(EventType::DataReceiveProgress, Some(progress));
//! println!("HTTP {code}");
//! http.destroy(); // done with this HttpRequest: cancels whatever still runs on it
//! # Ok(()) }
//! ```
//!
//! ## Errors
//!
//! Every failure is an [`HttpError`]: [`code()`](HttpError::code) is the spec's number (401,
//! 201, `2300000 + CURLcode`, 2300997, 2300998, 2300999), [`message()`](HttpError::message)
//! the spec's text plus detail, and [`kind()`](HttpError::kind) an [`ErrorKind`] to match on.
//! An HTTP 4xx or 5xx is a response, not an error.
//!
//! ```no_run
//! use ohos_http::error::CURL_BASE;
//! use ohos_http::{create_http, ErrorKind, HttpRequestOptions, ResponseCode};
//! # fn main() -> Result<(), ohos_http::HttpError> {
//! let http = create_http();
//! let options = HttpRequestOptions { connect_timeout: Some(2_000), ..Default::default() };
//! match http.request("http://127.0.0.1:18080/status/404", Some(options)) {
//!     Ok(r) if r.response_code == ResponseCode::NOT_FOUND => println!("no such page"),
//!     Ok(r) => println!("HTTP {}", r.response_code),
//!     Err(e) if e.code() == CURL_BASE + 7 => println!("refused: {}", e.message()), // CURLE_COULDNT_CONNECT
//!     Err(e) => match e.kind() {
//!         ErrorKind::Timeout => println!("timed out"),
//!         ErrorKind::Parameter => println!("a bad option: {}", e.message()), // names the field
//!         ErrorKind::Tls => println!("TLS: {e}"),
//!         _ => return Err(e),
//!     },
//! }
//! # Ok(()) }
//! ```
//!
//! ## The response cache
//!
//! Off until [`create_http_response_cache`] turns it on; then every request may be answered
//! from it (RFC 9111 rules, see [`cache`]) unless its options say `using_cache: Some(false)`.
//! [`HttpResponse::from_cache`] tells where a body came from; `flush()` writes the cache to its
//! file for the next process.
//!
//! ```no_run
//! # fn main() -> Result<(), ohos_http::HttpError> {
//! let cache = ohos_http::create_http_response_cache(Some(1024 * 1024)); // 1 MiB
//! let http = ohos_http::create_http();
//! let url = "http://127.0.0.1:18080/cache/60"; // Cache-Control: public, max-age=60
//! http.request(url, None)?;
//! assert!(http.request(url, None)?.from_cache);
//! cache.flush()?; // to $XDG_CACHE_HOME/ohos-http/response-cache.bin (see set_cache_directory)
//! # Ok(()) }
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
