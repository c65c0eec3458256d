//! Process-wide settings and facts: the reactor's pool limits (`configure`) and what the
//! build found (library version, the libcurl it was built against).
use super::boundary::{guard, null, write_opt, write_out};
use crate::reactor::ReactorConfig;
use crate::runtime::scheduler::configure;
use std::ffi::c_char;

/// Pool and concurrency limits of the process-wide reactor (defaults as OpenHarmony's device
/// build: 64 transfers at once, 6 connections per host, 64 in total, 64 idle kept).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ohos_http_reactor_config_t {
    /// Transfers running at once; more wait in the priority queue (default 64, at least 1).
    pub max_active_transfers: usize,
    /// Connections per host (default 6; 0 = unlimited).
    pub max_host_connections: usize,
    /// Connections in total (default 64; 0 = unlimited).
    pub max_total_connections: usize,
    /// Idle connections kept for reuse (default 64).
    pub max_cached_connections: usize,
}

impl From<ReactorConfig> for ohos_http_reactor_config_t {
    fn from(c: ReactorConfig) -> Self {
        ohos_http_reactor_config_t {
            max_active_transfers: c.max_active_transfers,
            max_host_connections: c.max_host_connections,
            max_total_connections: c.max_total_connections,
            max_cached_connections: c.max_cached_connections,
        }
    }
}

/// Fills `*out_config` with the default limits (start from these, change some, then call
/// `ohos_http_configure`).
///
/// # Safety
/// `out_config` is NULL (401) or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_reactor_config_default(out_config: *mut ohos_http_reactor_config_t) -> i32 {
    guard("ohos_http_reactor_config_default", || {
        // SAFETY: caller's contract.
        unsafe { write_out(out_config, ReactorConfig::default().into(), "out_config") }
    })
}

/// Applies new pool and concurrency limits to the reactor (starting it if needed); transfers
/// already running keep their connections. 401 when `max_active_transfers` is 0.
///
/// # Safety
/// `config` is NULL (401) or points to a readable config.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_configure(config: *const ohos_http_reactor_config_t) -> i32 {
    guard("ohos_http_configure", || {
        // SAFETY: caller's contract.
        let c = unsafe { config.as_ref() }.ok_or_else(|| null("config"))?;
        configure(ReactorConfig {
            max_active_transfers: c.max_active_transfers,
            max_host_connections: c.max_host_connections,
            max_total_connections: c.max_total_connections,
            max_cached_connections: c.max_cached_connections,
        })
    })
}

/// The library's version ("0.1.0"): a static NUL-terminated string, never NULL.
#[no_mangle]
pub extern "C" fn ohos_http_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// What the build found about libcurl: `*out_curl_version` (e.g. "7.88.1") and
/// `*out_curl_features` (`curl-config --features`, space-separated), static NUL-terminated
/// strings. Either out-pointer may be NULL.
///
/// # Safety
/// The out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_build_info(
    out_curl_version: *mut *const c_char,
    out_curl_features: *mut *const c_char,
) -> i32 {
    guard("ohos_http_build_info", || {
        let version: *const c_char = concat!(env!("OHOS_HTTP_BUILD_CURL_VERSION"), "\0").as_ptr().cast();
        let features: *const c_char = concat!(env!("OHOS_HTTP_BUILD_CURL_FEATURES"), "\0").as_ptr().cast();
        // SAFETY: caller's contract.
        unsafe {
            write_opt(out_curl_version, version);
            write_opt(out_curl_features, features);
        }
        Ok(())
    })
}
