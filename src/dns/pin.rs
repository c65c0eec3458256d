//! DNS caches private to one transfer, and the entries that pin resolved addresses in them.
//!
//! Inside a multi handle every transfer uses the multi's DNS cache. `CURLOPT_RESOLVE` entries
//! land there and never expire, and names resolved by DoH (or c-ares with `DNS_SERVERS`) land
//! there too, where transfers with other DNS settings would pick them up (and the other way
//! round). So each transfer with its own DNS settings gets its own `CURLSH` sharing only DNS:
//! its cache lives and dies with the transfer (`transfer/config/dns.rs` sets it).
use crate::error::HttpError;
use std::net::IpAddr;

/// A share handle that gives one easy handle a private DNS cache. It must be dropped after
/// the easy handle that uses it (the transfer keeps it in its Collector's `keep_alive`, and
/// `Easy2` cleans its handle up before dropping its handler), so `curl_share_cleanup` never
/// sees it in use.
pub(crate) struct PrivateDnsCache(*mut curl_sys::CURLSH);

// SAFETY: the share is used by exactly one easy handle, which moves between threads only
// while no curl call runs on it (configured on one thread, then run on the reactor).
unsafe impl Send for PrivateDnsCache {}

impl Drop for PrivateDnsCache {
    fn drop(&mut self) {
        // SAFETY: created by curl_share_init; no easy handle uses it any more.
        unsafe { curl_sys::curl_share_cleanup(self.0) };
    }
}

impl PrivateDnsCache {
    /// A new share handle that shares DNS only.
    pub(crate) fn new() -> Result<PrivateDnsCache, HttpError> {
        // SAFETY: plain libcurl calls on a fresh share handle.
        unsafe {
            let share = curl_sys::curl_share_init();
            if share.is_null() {
                return Err(HttpError::from_curl(27, Some("cannot create a private DNS cache")));
            }
            let cache = PrivateDnsCache(share);
            let rc = curl_sys::curl_share_setopt(share, curl_sys::CURLSHOPT_SHARE, curl_sys::CURL_LOCK_DATA_DNS);
            if rc != curl_sys::CURLSHE_OK {
                return Err(HttpError::internal(format!("curl_share_setopt(DNS) failed ({rc})")));
            }
            Ok(cache)
        }
    }

    /// The handle, for `CURLOPT_SHARE`.
    pub(crate) fn as_ptr(&self) -> *mut curl_sys::CURLSH {
        self.0
    }
}

/// The `CURLOPT_RESOLVE` entry `host:port:addr1,addr2` (IPv6 addresses in brackets).
pub(crate) fn resolve_entry(host: &str, port: u16, addrs: &[IpAddr]) -> String {
    let list = addrs
        .iter()
        .map(|a| match a {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        })
        .collect::<Vec<_>>()
        .join(",");
    format!("{host}:{port}:{list}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_format() {
        let addrs: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
        assert_eq!(resolve_entry("test.example", 18080, &addrs), "test.example:18080:127.0.0.1,[::1]");
        assert!(PrivateDnsCache::new().is_ok());
    }
}
