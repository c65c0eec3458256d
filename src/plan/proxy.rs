//! How a hop reaches its server: directly, or through which proxy.
//!
//! The library decides, per hop, and hands libcurl the answer (`CURLOPT_PROXY` with the proxy,
//! or `""`); libcurl never reads a proxy from the environment itself. So the proxy a request
//! uses is known before it starts: the network policy checks it, `dnsServers` resolves it,
//! the response cache keys on it.
//!
//! * `usingProxy` false or absent: direct.
//! * `usingProxy` true: the environment, read as libcurl reads it: `http_proxy` (lower case
//!   only) for http URLs, `https_proxy` or `HTTPS_PROXY` for https URLs, else `all_proxy` or
//!   `ALL_PROXY`; a host listed in `no_proxy` / `NO_PROXY` goes direct ([`no_proxy_matches`],
//!   libcurl's rules). An empty variable means no proxy.
//! * An explicit `HttpProxy`: direct when the hop's host matches an `exclusionList` pattern
//!   (`*` wildcards, see `policy::host_matches`), else that proxy.
//!
//! A proxy string is read as libcurl reads `CURLOPT_PROXY` ([`ProxySpec::parse`], in
//! `target::proxy`): the port is the `HttpProxy`'s `port`, else the string's, else libcurl's
//! default (1080, or 443 for an https proxy).
use crate::error::HttpError;
use crate::options::{HttpRequestOptions, UsingProxy};
pub(crate) use crate::target::ProxySpec;
use crate::target::{Scheme, Target};
use std::net::IpAddr;

/// How one hop reaches its server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ProxyPlan {
    /// Straight to the server.
    Direct,
    /// Through this proxy.
    Via(ProxySpec),
}

impl ProxyPlan {
    /// The proxy, if any.
    pub(crate) fn proxy(&self) -> Option<&ProxySpec> {
        match self {
            ProxyPlan::Direct => None,
            ProxyPlan::Via(p) => Some(p),
        }
    }
}

/// The proxy plan of a hop to `target`.
pub(crate) fn plan(opts: &HttpRequestOptions, target: &Target) -> Result<ProxyPlan, HttpError> {
    match &opts.using_proxy {
        None | Some(UsingProxy::Bool(false)) => Ok(ProxyPlan::Direct),
        Some(UsingProxy::Bool(true)) => from_environment(target, &|name| std::env::var(name).ok()),
        Some(UsingProxy::Proxy(p)) => {
            if p.exclusion_list.iter().any(|pattern| crate::policy::host_matches(pattern, target.host())) {
                return Ok(ProxyPlan::Direct);
            }
            ProxySpec::parse(&p.host, Some(p.port))
                .map(ProxyPlan::Via)
                .map_err(|why| HttpError::parameter(format!("usingProxy.host {why}")))
        }
    }
}

/// The environment's proxy for `target` (`env` reads a variable).
fn from_environment(target: &Target, env: &dyn Fn(&str) -> Option<String>) -> Result<ProxyPlan, HttpError> {
    let names: &[&str] = match target.scheme() {
        // libcurl never reads HTTP_PROXY: in CGI programs a request's `Proxy:` header sets it
        Scheme::Http => &["http_proxy"],
        Scheme::Https => &["https_proxy", "HTTPS_PROXY"],
    };
    let proxy = names
        .iter()
        .find_map(|n| env(n))
        .or_else(|| env("all_proxy"))
        .or_else(|| env("ALL_PROXY"))
        .filter(|p| !p.is_empty());
    let Some(proxy) = proxy else { return Ok(ProxyPlan::Direct) };
    let no_proxy = env("no_proxy").or_else(|| env("NO_PROXY")).unwrap_or_default();
    if no_proxy_matches(&no_proxy, target.host()) {
        return Ok(ProxyPlan::Direct);
    }
    // libcurl's codes for a proxy variable it cannot use
    ProxySpec::parse(&proxy, None)
        .map(ProxyPlan::Via)
        .map_err(|why| HttpError::from_curl(5, Some(&format!("the proxy {proxy:?} from the environment {why}"))))
}

/// libcurl's `no_proxy` matching (`Curl_check_noproxy`): entries separated by commas or
/// blanks; `*` alone matches every host; a name matches itself and its subdomains (a leading
/// or trailing dot is ignored); an IPv4 or IPv6 literal host matches an address entry, with an
/// optional `/bits` prefix length.
pub(crate) fn no_proxy_matches(no_proxy: &str, host: &str) -> bool {
    if host.is_empty() || no_proxy.is_empty() {
        return false;
    }
    if no_proxy == "*" {
        return true;
    }
    let ip: Option<IpAddr> = host.parse().ok();
    let name = host.strip_suffix('.').unwrap_or(host);
    no_proxy.split([',', ' ', '\t']).filter(|t| !t.is_empty()).any(|token| match ip {
        Some(ip) => cidr_matches(ip, token),
        None => {
            let token = token.strip_suffix('.').unwrap_or(token);
            let token = token.strip_prefix('.').unwrap_or(token);
            if token.len() == name.len() {
                token.eq_ignore_ascii_case(name)
            } else if token.len() < name.len() {
                let tail = &name[name.len() - token.len()..];
                name.as_bytes()[name.len() - token.len() - 1] == b'.' && tail.eq_ignore_ascii_case(token)
            } else {
                false
            }
        }
    })
}

/// `ip` is in `token` (`addr` or `addr/bits`; bits 0 or absent: the whole address).
fn cidr_matches(ip: IpAddr, token: &str) -> bool {
    let (addr, bits) = match token.split_once('/') {
        Some((a, b)) => (a, b.parse::<u32>().unwrap_or(0)),
        None => (token, 0),
    };
    match (ip, addr.parse::<IpAddr>()) {
        (IpAddr::V4(ip), Ok(IpAddr::V4(net))) => prefix_eq(u32::from(ip) as u128, u32::from(net) as u128, bits, 32),
        (IpAddr::V6(ip), Ok(IpAddr::V6(net))) => prefix_eq(u128::from(ip), u128::from(net), bits, 128),
        _ => false,
    }
}

fn prefix_eq(a: u128, b: u128, bits: u32, width: u32) -> bool {
    if bits > width {
        return false;
    }
    let bits = if bits == 0 { width } else { bits };
    let shift = width - bits;
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::HttpProxy;

    fn target(url: &str) -> Target {
        Target::parse(url).unwrap()
    }

    fn explicit(host: &str, exclusions: &[&str]) -> HttpRequestOptions {
        HttpRequestOptions {
            using_proxy: Some(UsingProxy::Proxy(HttpProxy {
                host: host.into(),
                port: 3128,
                exclusion_list: exclusions.iter().map(|s| s.to_string()).collect(),
            })),
            ..Default::default()
        }
    }

    fn via(opts: &HttpRequestOptions, url: &str) -> ProxySpec {
        match plan(opts, &target(url)).unwrap() {
            ProxyPlan::Via(p) => p,
            ProxyPlan::Direct => panic!("direct"),
        }
    }

    #[test]
    fn explicit_proxies() {
        let p = via(&explicit("127.0.0.1", &[]), "http://a.example/");
        assert_eq!(
            (p.url.as_str(), p.host.as_str(), p.port, p.credentials),
            ("http://127.0.0.1:3128/", "127.0.0.1", 3128, None)
        );
        assert_eq!(via(&explicit("::1", &[]), "http://a/").url, "http://[::1]:3128/");
        assert_eq!(via(&explicit("[::1]", &[]), "http://a/").host, "::1");
        let p = via(&explicit("http://us%40r:p%3Ass@[::1]/", &[]), "http://a/");
        assert_eq!((p.url.as_str(), p.credentials), ("http://[::1]:3128/", Some(("us@r".into(), "p:ss".into()))));
        let p = via(&explicit("user:pass@Proxy.Example", &[]), "http://a/");
        assert_eq!((p.host.as_str(), p.credentials.unwrap().1.as_str()), ("proxy.example", "pass"));
        assert_eq!(via(&explicit("socks5h://p:1", &[]), "http://a/").url, "socks5h://p:3128/");
        // a host named like a protocol is still an HTTP proxy (libcurl would guess ftp://)
        assert_eq!(via(&explicit("ftp.proxy.example", &[]), "http://a/").url, "http://ftp.proxy.example:3128/");
        for (host, why) in
            [("gopher://p", "unsupported proxy scheme"), ("u:%00@p", "do not decode"), ("a b", "not a valid")]
        {
            let e = plan(&explicit(host, &[]), &target("http://a/")).unwrap_err();
            assert_eq!(e.code(), 401, "{host}");
            assert!(e.message().contains("usingProxy.host") && e.message().contains(why), "{}", e.message());
        }
        assert_eq!(plan(&explicit("p", &["*.example"]), &target("http://a.example/")).unwrap(), ProxyPlan::Direct);
        assert!(matches!(
            plan(&explicit("p", &["b.example"]), &target("http://a.example/")).unwrap(),
            ProxyPlan::Via(_)
        ));
        assert_eq!(plan(&HttpRequestOptions::default(), &target("http://a/")).unwrap(), ProxyPlan::Direct);
    }

    #[test]
    fn environment_as_libcurl_reads_it() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        let get = |vars: &'static [(&'static str, &'static str)], url: &str| {
            from_environment(&target(url), &env(vars)).unwrap()
        };
        let host_of = |p: ProxyPlan| p.proxy().map(|p| p.host.clone());
        assert_eq!(host_of(get(&[("http_proxy", "hp:1")], "http://a/")).as_deref(), Some("hp"));
        assert_eq!(host_of(get(&[("HTTP_PROXY", "hp:1")], "http://a/")), None, "never HTTP_PROXY");
        assert_eq!(host_of(get(&[("HTTPS_PROXY", "sp:1")], "https://a/")).as_deref(), Some("sp"));
        assert_eq!(host_of(get(&[("ALL_PROXY", "ap:1")], "https://a/")).as_deref(), Some("ap"));
        assert_eq!(host_of(get(&[("http_proxy", ""), ("all_proxy", "ap:1")], "http://a/")), None);
        assert_eq!(host_of(get(&[("all_proxy", "ap:1"), ("no_proxy", "a")], "http://a/")), None);
        assert_eq!(host_of(get(&[("all_proxy", "ap:1"), ("NO_PROXY", ".example")], "http://x.example/")), None);
        assert_eq!(get(&[("all_proxy", "ap")], "http://a/").proxy().unwrap().port, 1080);
        assert_eq!(get(&[("all_proxy", "https://ap")], "http://a/").proxy().unwrap().port, 443);
        assert_eq!(
            from_environment(&target("http://a/"), &env(&[("http_proxy", "gopher://p")])).unwrap_err().code(),
            2_300_005
        );
    }

    #[test]
    fn no_proxy_rules() {
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("example.com", "example.com"));
        assert!(no_proxy_matches("example.com", "www.Example.com"));
        assert!(no_proxy_matches(".example.com.", "www.example.com."));
        assert!(!no_proxy_matches("example.com", "nonexample.com"));
        assert!(no_proxy_matches("a, b example.com", "example.com"));
        assert!(no_proxy_matches("10.0.0.0/8", "10.1.2.3"));
        assert!(!no_proxy_matches("10.0.0.0/8", "11.1.2.3"));
        assert!(no_proxy_matches("127.0.0.1", "127.0.0.1"));
        assert!(no_proxy_matches("::1", "::1"));
        assert!(no_proxy_matches("fe80::/10", "fe80::1"));
        assert!(!no_proxy_matches("127.0.0.1", "localhost"));
        assert!(!no_proxy_matches("", "a"));
    }
}
