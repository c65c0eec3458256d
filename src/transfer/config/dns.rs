//! How a hop resolves its host (`dns::DnsPlan`), on the easy handle: nothing (the system
//! resolver), a private DNS cache (DoH, c-ares `DNS_SERVERS`), or, after the library's own
//! lookup, the answer pinned with `CURLOPT_RESOLVE` in a private DNS cache.
use super::{check, own, user};
use crate::dns::{DnsPlan, Lookup, PrivateDnsCache};
use crate::error::HttpError;
use crate::transfer::Collector;
use curl::easy::{Easy2, List};
use std::net::IpAddr;

/// Sets what `plan` needs on `easy`; returns the lookup that must run before the transfer
/// starts, if any.
pub(crate) fn configure(plan: &DnsPlan, easy: &mut Easy2<Collector>) -> Result<Option<Lookup>, HttpError> {
    match plan {
        DnsPlan::Curl => Ok(None),
        DnsPlan::Doh => private_cache(easy).map(|_| None),
        DnsPlan::CurlServers(list, lookup) => match easy.dns_servers(list) {
            Ok(()) => private_cache(easy).map(|_| None),
            // libcurl refused (no c-ares after all): look the name up ourselves
            Err(_) => Ok(Some(lookup.clone())),
        },
        DnsPlan::Pin(lookup) => Ok(Some(lookup.clone())),
    }
}

/// Makes `easy` resolve the looked-up name to `addrs`, for this transfer only.
pub(crate) fn pin(easy: &mut Easy2<Collector>, lookup: &Lookup, addrs: &[IpAddr]) -> Result<(), HttpError> {
    private_cache(easy)?;
    let mut list = List::new();
    list.append(&lookup.resolve_entry(addrs)).map_err(own("RESOLVE"))?;
    easy.resolve(list).map_err(user("dnsServers"))
}

/// Gives `easy` a DNS cache of its own (once), so that what it resolves, and how, stays with
/// this transfer.
fn private_cache(easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
    if !easy.get_ref().keep_alive.is_empty() {
        return Ok(()); // a redirect hop: the first hop's cache serves the whole transfer
    }
    let cache = PrivateDnsCache::new()?;
    // SAFETY: a share pointer option on a valid easy handle; the share lives in the
    // collector, which drops after the easy handle is cleaned up.
    check(unsafe { curl_sys::curl_easy_setopt(easy.raw(), curl_sys::CURLOPT_SHARE, cache.as_ptr()) })
        .map_err(own("SHARE (private DNS cache)"))?;
    easy.get_mut().keep_alive.push(Box::new(cache));
    Ok(())
}
