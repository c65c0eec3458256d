//! The process-wide network policy: set from JSON (OpenHarmony's `network_config.json` form)
//! or a file, simple setters for the common switches, read back as JSON, reset.
use super::boundary::{guard, str_arg};
use super::error::{guard_err, ohos_http_error_t};
use crate::policy::{
    load_network_policy_json, reset_network_policy, set_network_policy, update_network_policy, NetworkPolicy,
};
use std::ffi::c_char;

/// Sets the network policy from JSON text (see `NetworkPolicy::from_json`: `internet-permitted`,
/// `allowed-domains`, `network-security-config` with `base-config`, `domain-config` (domains,
/// `cleartextTrafficPermitted`, `pin-set`)). Requests started from now on follow it. A bad text
/// is 401 naming the key, and the policy stays as it was.
///
/// # Safety
/// `json` is NULL (401) or NUL-terminated; `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_policy_set_json(json: *const c_char, out_error: *mut *mut ohos_http_error_t) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        guard_err("ohos_http_policy_set_json", out_error, || {
            set_network_policy(NetworkPolicy::from_json(str_arg(json, "json")?)?);
            Ok(())
        })
    }
}

/// Reads a JSON policy file and makes it the policy (401 when unreadable or invalid; the policy
/// stays as it was).
///
/// # Safety
/// `path` is NULL (401) or NUL-terminated; `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_policy_load_file(
    path: *const c_char,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe { guard_err("ohos_http_policy_load_file", out_error, || load_network_policy_json(str_arg(path, "path")?)) }
}

/// Internet permission: `false` fails every later request with 201 before any socket opens.
#[no_mangle]
pub extern "C" fn ohos_http_policy_set_internet_allowed(allowed: bool) -> i32 {
    guard("ohos_http_policy_set_internet_allowed", || update_network_policy(|p| p.internet_allowed = allowed))
}

/// Whether cleartext `http://` is permitted for domains no per-domain rule covers (default
/// true); `false` fails such requests with 2300997.
#[no_mangle]
pub extern "C" fn ohos_http_policy_set_cleartext_permitted(permitted: bool) -> i32 {
    guard("ohos_http_policy_set_cleartext_permitted", || update_network_policy(|p| p.cleartext_permitted = permitted))
}

/// The hosts requests may go to, as a JSON array of strings (`["localhost", "*.example.com"]`;
/// `*` allows every host); NULL allows every host again. Other hosts fail with 2300998.
///
/// # Safety
/// `domains_json` is NULL or NUL-terminated; `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_policy_set_allowed_domains(
    domains_json: *const c_char,
    out_error: *mut *mut ohos_http_error_t,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        guard_err("ohos_http_policy_set_allowed_domains", out_error, || {
            let domains = match super::boundary::opt_str_arg(domains_json, "domains_json")? {
                None => None,
                Some(text) => Some(serde_json::from_str::<Vec<String>>(text).map_err(|e| {
                    crate::error::HttpError::parameter(format!("domains_json must be a JSON array of strings: {e}"))
                })?),
            };
            update_network_policy(|p| p.allowed_domains = domains)
        })
    }
}

/// Restores the default policy (everything allowed).
#[no_mangle]
pub extern "C" fn ohos_http_policy_reset() -> i32 {
    guard("ohos_http_policy_reset", || {
        reset_network_policy();
        Ok(())
    })
}
