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
//! Which name is looked up, for every hop of a request (redirects included): the hop's host,
//! or its proxy's host when it goes through a proxy (then curl connects to the proxy, and the
//! proxy resolves the URL's host). Nothing is looked up for an IP literal, for `localhost`
//! (libcurl answers it itself), or when `dnsOverHttps` is set (DoH wins).
//!
//! Where: on a small pool of resolver threads ([`pool`]), for the scheduler, which holds the
//! transfer meanwhile and hands it to the reactor when the answer is pinned. Neither the
//! caller's thread nor the reactor waits for DNS, so a slow DNS server never stalls other
//! transfers, and a transfer cancelled during its lookup never starts.
//!
//! Limit: libcurl looks for a reusable connection before it resolves, so a request may reuse
//! an idle connection to the same host and port that another request opened with other DNS
//! settings (the same holds for DoH).
mod pin;
pub(crate) mod pool;
mod query;

use crate::error::HttpError;
use crate::options::HttpRequestOptions;
use hickory_proto::rr::Name;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

pub(crate) use pin::PrivateDnsCache;
pub(crate) use query::ServerAnswer;

/// Longest wait for one DNS server before the next one is asked.
pub(crate) const PER_SERVER_TIMEOUT: Duration = Duration::from_secs(2);

/// How a hop's host name gets resolved.
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

/// The name a hop connects to: its target's host, or its proxy's (`for_proxy`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint<'a> {
    /// Host name or IP literal (no brackets).
    pub host: &'a str,
    /// Port.
    pub port: u16,
    /// The proxy's, not the target's.
    pub for_proxy: bool,
}

/// Decides how a hop resolves the name it connects to.
pub(crate) fn plan(opts: &HttpRequestOptions, endpoint: Endpoint<'_>) -> DnsPlan {
    if opts.dns_over_https.is_some() {
        return DnsPlan::Doh;
    }
    let servers = opts.valid_dns_servers();
    if servers.is_empty() {
        return DnsPlan::Curl;
    }
    let Endpoint { host, port, for_proxy } = endpoint;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host.parse::<IpAddr>().is_ok() || host == "localhost" || host.ends_with(".localhost") {
        return DnsPlan::Curl;
    }
    let connect = opts.connect_timeout_ms();
    let per_server =
        if connect > 0 { PER_SERVER_TIMEOUT.min(Duration::from_millis(connect)) } else { PER_SERVER_TIMEOUT };
    let lookup = Lookup { host, port, servers, per_server, for_proxy };
    if crate::sys::linked().ares {
        let list = lookup.servers.iter().map(SocketAddr::to_string).collect::<Vec<_>>().join(",");
        DnsPlan::CurlServers(list, lookup)
    } else {
        DnsPlan::Pin(lookup)
    }
}

impl Lookup {
    /// Asks the servers in order; the first one that knows the answer wins. Failing: 2300006
    /// (2300005 for a proxy's name), naming each server's problem. Once `cancelled()` is true
    /// no further server is asked (the answer is then never used).
    pub(crate) fn resolve(&self, cancelled: &dyn Fn() -> bool) -> Result<Vec<IpAddr>, HttpError> {
        let code = if self.for_proxy { 5 } else { 6 };
        let fail = |detail: String| Err(HttpError::from_curl(code, Some(&detail)));
        let name = match Name::from_utf8(format!("{}.", self.host)) {
            Ok(name) => name,
            Err(e) => return fail(format!("{:?} is not a valid DNS name: {e}", self.host)),
        };
        let mut failures = Vec::new();
        // One deadline for the whole lookup: each server gets its share, never more than is
        // left of it.
        let deadline = Instant::now() + self.per_server * self.servers.len() as u32;
        for server in &self.servers {
            if cancelled() {
                return fail("cancelled".into());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                failures.push(format!("{server}: not asked (the lookup's time is up)"));
                break;
            }
            match query::ask(*server, &name, self.per_server.min(left)) {
                ServerAnswer::Addresses(addrs) => return Ok(addrs),
                ServerAnswer::NoAddress(why) => return fail(format!("{}: {why} (DNS server {server})", self.host)),
                ServerAnswer::Failed(why) => failures.push(format!("{server}: {why}")),
            }
        }
        fail(format!("{}: no DNS server of dnsServers answered ({})", self.host, failures.join("; ")))
    }

    /// The `CURLOPT_RESOLVE` entry that pins the looked-up name to `addrs`.
    pub(crate) fn resolve_entry(&self, addrs: &[IpAddr]) -> String {
        pin::resolve_entry(&self.host, self.port, addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_servers(servers: &[&str]) -> HttpRequestOptions {
        HttpRequestOptions { dns_servers: Some(servers.iter().map(|s| s.to_string()).collect()), ..Default::default() }
    }

    fn at(host: &str, port: u16) -> Endpoint<'_> {
        Endpoint { host, port, for_proxy: false }
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
        let l = lookup_of(plan(&o, at("Test.Example.", 18080)));
        assert_eq!((l.host.as_str(), l.port, l.for_proxy), ("test.example", 18080, false));
        assert_eq!(l.servers, vec!["127.0.0.1:15353".parse::<SocketAddr>().unwrap()]);
        for host in ["127.0.0.1", "::1", "localhost", "a.localhost", ""] {
            assert_eq!(plan(&o, at(host, 1)), DnsPlan::Curl, "{host}");
        }
        assert_eq!(plan(&HttpRequestOptions::default(), at("test.example", 80)), DnsPlan::Curl);
        let doh = HttpRequestOptions { dns_over_https: Some("https://127.0.0.1/dns-query".into()), ..o.clone() };
        assert_eq!(plan(&doh, at("test.example", 80)), DnsPlan::Doh);
        let proxy = Endpoint { host: "proxy.test.example", port: 3128, for_proxy: true };
        assert!(lookup_of(plan(&o, proxy)).for_proxy);
        // a short connectTimeout shortens the wait per server
        let quick = HttpRequestOptions { connect_timeout: Some(300), ..o };
        assert_eq!(lookup_of(plan(&quick, at("test.example", 80))).per_server, Duration::from_millis(300));
    }
}
