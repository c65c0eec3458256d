//! `dnsServers` on any libcurl.
//!
//! * libcurl built with c-ares: the servers go to `CURLOPT_DNS_SERVERS` and curl does the rest.
//! * Otherwise (every distro libcurl: the threaded resolver, where `CURLOPT_DNS_SERVERS`
//!   returns 48): the library asks the servers itself and pins the answer on the transfer with
//!   `CURLOPT_RESOLVE`, in a DNS cache private to that transfer (see [`pin`]).
//!
//! How the servers are asked ([`query`]): the first three valid entries of `dnsServers`, in
//! order; A and AAAA together over UDP (over TCP again when an answer is truncated); each
//! server gets at most [`PER_SERVER_TIMEOUT`] (less when `connectTimeout` is shorter). A
//! server that times out, is unreachable, or answers SERVFAIL/REFUSED/garbage is skipped for
//! the next one; a server that answers that the name has no address (NXDOMAIN, or neither A
//! nor AAAA) ends the lookup. No address at all: error 2300006.
//!
//! Which name is looked up: the URL's host, or the proxy's host when an explicit `usingProxy`
//! applies (then curl connects to the proxy, and the proxy resolves the URL's host). Nothing
//! is looked up for an IP literal, for `localhost` (libcurl answers it itself), or when
//! `dnsOverHttps` is set (DoH wins).
//!
//! Where: a blocking `request` looks up on the calling thread; callback and async requests on
//! a small pool of resolver threads ([`pool`]), then submit the transfer to the reactor. The
//! reactor never waits for DNS, so a slow DNS server never stalls other transfers.
//!
//! Limits: hosts reached by a redirect are resolved by libcurl's own resolver (the system's),
//! not by `dnsServers`; libcurl looks for a reusable connection before it resolves, so a
//! request may reuse an idle connection to the same host and port that another request
//! opened with other DNS settings (the same holds for DoH).
mod pin;
mod pool;
mod query;

use crate::error::{HttpError, CANCELLED};
use crate::options::HttpRequestOptions;
use crate::reactor::{reactor, Command};
use crate::transfer::config::{effective_proxy, url_host, url_port, Prepared};
use hickory_proto::rr::Name;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

pub(crate) use query::ServerAnswer;

/// Longest wait for one DNS server before the next one is asked.
pub(crate) const PER_SERVER_TIMEOUT: Duration = Duration::from_secs(2);

/// How a transfer's host name gets resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DnsPlan {
    /// libcurl resolves with the system resolver, through the shared DNS cache.
    Curl,
    /// libcurl resolves with DoH, into a DNS cache of this transfer's own.
    Doh,
    /// libcurl has c-ares: `CURLOPT_DNS_SERVERS` with this value; the lookup if it refuses.
    CurlServers(String, Lookup),
    /// The library looks the name up and pins the answer.
    Pin(Lookup),
}

/// One lookup: a name, the servers to ask, and where to pin the answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lookup {
    /// The host as curl names it in its DNS cache (ASCII, lower case).
    host: String,
    /// The port curl connects to.
    port: u16,
    /// The servers, in order.
    servers: Vec<SocketAddr>,
    /// The longest wait per server.
    per_server: Duration,
    /// The host is the proxy's: failing to resolve it is 2300005, not 2300006.
    for_proxy: bool,
}

/// Decides how the transfer for `url` resolves its host.
pub(crate) fn plan(url: &str, opts: &HttpRequestOptions) -> DnsPlan {
    if opts.dns_over_https.is_some() {
        return DnsPlan::Doh;
    }
    let servers = opts.valid_dns_servers();
    if servers.is_empty() {
        return DnsPlan::Curl;
    }
    let (host, port, for_proxy) = match effective_proxy(url, opts) {
        Some(proxy) => (proxy.host, proxy.port, true),
        None => match (url_host(url), url_port(url)) {
            (Some(h), Some(p)) => (h, p, false),
            _ => return DnsPlan::Curl, // a malformed URL: curl reports it
        },
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host.parse::<IpAddr>().is_ok() || host == "localhost" || host.ends_with(".localhost") {
        return DnsPlan::Curl;
    }
    let connect = opts.connect_timeout_ms();
    let per_server =
        if connect > 0 { PER_SERVER_TIMEOUT.min(Duration::from_millis(connect)) } else { PER_SERVER_TIMEOUT };
    let lookup = Lookup { host, port, servers, per_server, for_proxy };
    if curl::Version::get().ares_version().is_some() {
        let list = lookup.servers.iter().map(SocketAddr::to_string).collect::<Vec<_>>().join(",");
        DnsPlan::CurlServers(list, lookup)
    } else {
        DnsPlan::Pin(lookup)
    }
}

/// Applies `plan` to a configured transfer. Returns the transfer when the caller should arm
/// and submit it now; `None` when a resolver thread took it over (`resolve_here` false), in
/// which case that thread submits it, or completes it with the lookup's error.
pub(crate) fn apply(
    mut prepared: Box<Prepared>,
    plan: DnsPlan,
    resolve_here: bool,
) -> Result<Option<Box<Prepared>>, HttpError> {
    let lookup = match plan {
        DnsPlan::Curl => return Ok(Some(prepared)),
        DnsPlan::Doh => {
            pin::private_cache(&mut prepared.easy)?;
            return Ok(Some(prepared));
        }
        DnsPlan::CurlServers(list, lookup) => match prepared.easy.dns_servers(&list) {
            Ok(()) => {
                pin::private_cache(&mut prepared.easy)?;
                return Ok(Some(prepared));
            }
            Err(_) => lookup,
        },
        DnsPlan::Pin(lookup) => lookup,
    };
    if resolve_here {
        let addrs = resolve(&lookup, None)?;
        pin::pin(&mut prepared.easy, &lookup.host, lookup.port, &addrs)?;
        return Ok(Some(prepared));
    }
    // From here on the transfer reports exactly one Done, whatever happens to it.
    prepared.easy.get_mut().arm();
    let id = prepared.easy.get_ref().shared.id;
    RESOLVING.lock().insert(id, false);
    pool::spawn(move || {
        let outcome = if is_cancelled(id) {
            Err(cancelled())
        } else {
            resolve(&lookup, Some(id)).and_then(|addrs| pin::pin(&mut prepared.easy, &lookup.host, lookup.port, &addrs))
        };
        // A cancel that came while the lookup ran: the transfer is never submitted.
        let outcome = if RESOLVING.lock().remove(&id) == Some(true) { Err(cancelled()) } else { outcome };
        if let Err(e) = outcome {
            prepared.easy.get_mut().send_done(Err(e));
            return;
        }
        match reactor() {
            // If the reactor is gone the command comes back and is dropped, and the armed
            // transfer reports an internal error by itself.
            Ok(r) => {
                let _ = r.send(Command::add(prepared));
            }
            Err(e) => prepared.easy.get_mut().send_done(Err(e)),
        }
    });
    Ok(None)
}

/// Transfers waiting for a lookup on a resolver thread, and whether they were cancelled.
static RESOLVING: Lazy<Mutex<HashMap<u64, bool>>> = Lazy::new(|| Mutex::new(HashMap::new()));

/// Cancels transfer `id` if it is still waiting for its lookup (its future was dropped): it
/// is then never submitted and completes as cancelled. Does nothing for other transfers
/// (the reactor cancels those). `destroy()` needs no call: the reactor completes a destroyed
/// request's transfers as cancelled when they arrive.
pub(crate) fn cancel(id: u64) {
    if let Some(flag) = RESOLVING.lock().get_mut(&id) {
        *flag = true;
    }
}

fn is_cancelled(id: u64) -> bool {
    RESOLVING.lock().get(&id).copied().unwrap_or(false)
}

fn cancelled() -> HttpError {
    HttpError::new(CANCELLED, "Request aborted before it was sent (curl: aborted by callback)")
}

/// Asks the lookup's servers in order; the first one that knows the answer wins. Failing:
/// 2300006 (2300005 for a proxy's name), naming each server's problem. When transfer `id` is
/// cancelled meanwhile, no further server is asked.
fn resolve(lookup: &Lookup, id: Option<u64>) -> Result<Vec<IpAddr>, HttpError> {
    let code = if lookup.for_proxy { 5 } else { 6 };
    let fail = |detail: String| Err(HttpError::from_curl(code, Some(&detail)));
    let name = match Name::from_utf8(format!("{}.", lookup.host)) {
        Ok(name) => name,
        Err(e) => return fail(format!("{:?} is not a valid DNS name: {e}", lookup.host)),
    };
    let mut failures = Vec::new();
    for server in &lookup.servers {
        if id.is_some_and(is_cancelled) {
            return Err(cancelled());
        }
        match query::ask(*server, &name, lookup.per_server) {
            ServerAnswer::Addresses(addrs) => return Ok(addrs),
            ServerAnswer::NoAddress(why) => return fail(format!("{}: {why} (DNS server {server})", lookup.host)),
            ServerAnswer::Failed(why) => failures.push(format!("{server}: {why}")),
        }
    }
    fail(format!("{}: no DNS server of dnsServers answered ({})", lookup.host, failures.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{HttpProxy, UsingProxy};

    fn with_servers(servers: &[&str]) -> HttpRequestOptions {
        HttpRequestOptions { dns_servers: Some(servers.iter().map(|s| s.to_string()).collect()), ..Default::default() }
    }

    fn lookup_of(p: DnsPlan) -> Lookup {
        match p {
            DnsPlan::Pin(l) | DnsPlan::CurlServers(_, l) => l,
            DnsPlan::Curl | DnsPlan::Doh => panic!("no lookup planned"),
        }
    }

    #[test]
    fn plans() {
        let o = with_servers(&["bad", "127.0.0.1:15353"]);
        let l = lookup_of(plan("http://Test.Example:18080/get", &o));
        assert_eq!((l.host.as_str(), l.port), ("test.example", 18080));
        assert_eq!(l.servers, vec!["127.0.0.1:15353".parse::<SocketAddr>().unwrap()]);
        assert_eq!(lookup_of(plan("https://test.example/", &o)).port, 443);
        assert_eq!(lookup_of(plan("test.example/x", &o)).port, 80);
        for url in ["http://127.0.0.1:1/", "http://[::1]:1/", "http://localhost:1/", "http://a.localhost/"] {
            assert_eq!(plan(url, &o), DnsPlan::Curl, "{url}");
        }
        assert_eq!(plan("http://test.example/", &HttpRequestOptions::default()), DnsPlan::Curl);
        let doh = HttpRequestOptions { dns_over_https: Some("https://127.0.0.1/dns-query".into()), ..o.clone() };
        assert_eq!(plan("http://test.example/", &doh), DnsPlan::Doh);
        // an explicit proxy: its host is the one looked up
        let proxy = HttpProxy { host: "proxy.test.example".into(), port: 3128, exclusion_list: vec![] };
        let via = HttpRequestOptions { using_proxy: Some(UsingProxy::Proxy(proxy)), ..o.clone() };
        let l = lookup_of(plan("http://test.example/", &via));
        assert_eq!((l.host.as_str(), l.port, l.for_proxy), ("proxy.test.example", 3128, true));
        // a short connectTimeout shortens the wait per server
        let quick = HttpRequestOptions { connect_timeout: Some(300), ..o };
        assert_eq!(lookup_of(plan("http://test.example/", &quick)).per_server, Duration::from_millis(300));
    }
}
