//! The decisions of the request pipeline, made before anything is sent, each a value of its
//! own instead of a change to the caller's options:
//!
//! 1. the options are validated (401 naming the field);
//! 2. the [`Target`] is parsed once by libcurl (with `extraData`'s query), http and https only;
//! 3. the network policy the request starts with: internet permission (201), the allow-list
//!    (2300998) for the target, the proxy and the `dnsOverHttps` server, cleartext (2300997);
//! 4. per hop ([`HopPlan`]): the pins in force (the request's own, else the policy's for that
//!    host), the proxy ([`proxy`]), how the host is resolved (`dns::DnsPlan`);
//! 5. the [`SecurityContext`] the response cache keys on.
//!
//! A redirect is a new hop of the same request ([`Chain`]): its target is resolved by libcurl
//! from the `Location`, and steps 3 and 4 run again for it before the library connects to it.
mod proxy;
mod redirect;
mod security;

pub(crate) use proxy::{plan as proxy_plan, ProxyPlan};
pub(crate) use redirect::{header_kept, Chain, HopTimes};
pub(crate) use security::SecurityContext;

use crate::dns::{DnsPlan, Endpoint};
use crate::error::HttpError;
use crate::options::HttpRequestOptions;
use crate::policy::NetworkPolicy;
use crate::url::{https_url, Target};
use std::sync::Arc;
use std::time::SystemTime;

/// What holds for every hop of one request.
#[derive(Debug)]
pub(crate) struct RequestPlan {
    /// The caller's options, validated, as given.
    pub options: HttpRequestOptions,
    /// A stream request (`requestInStream`).
    pub stream: bool,
    /// The network policy the request started with (`None`: the default, everything allowed).
    pub policy: Option<Arc<NetworkPolicy>>,
    /// The `dnsOverHttps` server's URL as libcurl writes it.
    pub doh: Option<String>,
}

/// What holds for one hop: where it goes and how.
#[derive(Debug)]
pub(crate) struct HopPlan {
    /// The URL.
    pub target: Target,
    /// `CURLOPT_PINNEDPUBLICKEY` for this hop (`sha256//a;sha256//b`), https only.
    pub pins: Option<String>,
    /// Direct, or through which proxy.
    pub proxy: ProxyPlan,
    /// How its host name is resolved.
    pub dns: DnsPlan,
}

/// Plans a request: steps 1 to 4 of the module docs for its first hop.
pub(crate) fn plan(
    url: &str,
    options: HttpRequestOptions,
    stream: bool,
) -> Result<(Arc<RequestPlan>, HopPlan), HttpError> {
    options.validate()?;
    let mut target = Target::parse(url)?;
    if let Some(query) = options.query() {
        target = target.with_query(&query)?;
    }
    let policy = crate::policy::snapshot();
    if let Some(p) = &policy {
        p.check_internet()?;
    }
    let doh = match &options.dns_over_https {
        Some(url) => {
            let doh = https_url(url, "dnsOverHttps")?;
            if let Some(p) = &policy {
                p.check_host(doh.host(), "the dnsOverHttps server")?;
            }
            Some(doh.as_str().to_string())
        }
        None => None,
    };
    let plan = RequestPlan { options, stream, policy, doh };
    let hop = plan.hop(target)?;
    Ok((Arc::new(plan), hop))
}

impl RequestPlan {
    /// Plans one hop to `target`: the policy's rules for it and its proxy, its pins, its
    /// proxy and its DNS.
    pub(crate) fn hop(&self, target: Target) -> Result<HopPlan, HttpError> {
        if let Some(p) = &self.policy {
            p.check_target(&target)?;
        }
        let pins = self.pins_for(&target);
        let proxy = proxy_plan(&self.options, &target)?;
        if let (Some(p), Some(spec)) = (&self.policy, proxy.proxy()) {
            p.check_host(&spec.host, "the proxy")?;
        }
        let endpoint = match proxy.proxy() {
            Some(p) => Endpoint { host: &p.host, port: p.port, for_proxy: true },
            None => Endpoint { host: target.host(), port: target.port(), for_proxy: false },
        };
        let dns = crate::dns::plan(&self.options, endpoint);
        Ok(HopPlan { target, pins, proxy, dns })
    }

    /// The pins for an https hop: the request's own (any one matching is enough), else the
    /// policy's unexpired pins for the hop's host.
    fn pins_for(&self, target: &Target) -> Option<String> {
        if !target.is_https() {
            return None;
        }
        let own = self.options.certificate_pinning.as_deref().filter(|p| !p.is_empty());
        let pins = match (own, &self.policy) {
            (Some(own), _) => own,
            (None, Some(policy)) => policy.pins_for(target.host(), SystemTime::now()),
            (None, None) => &[],
        };
        (!pins.is_empty())
            .then(|| pins.iter().map(|p| format!("sha256//{}", p.public_key_hash)).collect::<Vec<_>>().join(";"))
    }

    /// The security context of a hop (what the cache keys on).
    pub(crate) fn security(&self, hop: &HopPlan) -> SecurityContext {
        SecurityContext::of(&self.options, hop.target.is_https(), hop.pins.as_deref(), &hop.proxy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{CertificatePinning, ExtraData, RequestMethod};
    use crate::policy::{DomainName, DomainPolicy};

    const PIN: &str = "yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=";

    #[test]
    fn first_hop() {
        let opts = HttpRequestOptions {
            method: Some(RequestMethod::Get),
            extra_data: Some(ExtraData::String("a=1".into())),
            ..Default::default()
        };
        let (plan, hop) = super::plan("http://h/p?z=0", opts, false).unwrap();
        assert_eq!(hop.target.as_str(), "http://h/p?z=0&a=1");
        assert_eq!(hop.pins, None);
        assert_eq!(hop.proxy, ProxyPlan::Direct);
        assert!(!plan.stream);
        assert_eq!(super::plan("ftp://h/", HttpRequestOptions::default(), false).unwrap_err().code(), 2_300_001);
        let bad = HttpRequestOptions { priority: Some(0), ..Default::default() };
        assert_eq!(super::plan("ftp://h/", bad, false).unwrap_err().code(), 401, "options are checked first");
    }

    #[test]
    fn the_name_a_hop_resolves_is_its_proxys_when_it_has_one() {
        let lookup = |o: HttpRequestOptions| match super::plan("http://test.example:18080/x", o, false).unwrap().1.dns {
            DnsPlan::Pin(l) | DnsPlan::CurlServers(_, l) => format!("{l:?}"),
            other => format!("{other:?}"),
        };
        let servers = Some(vec!["127.0.0.1:15353".to_string()]);
        let direct = lookup(HttpRequestOptions { dns_servers: servers.clone(), ..Default::default() });
        assert!(direct.contains("\"test.example\"") && direct.contains("18080"), "{direct}");
        let proxy = crate::options::HttpProxy { host: "proxy.test.example".into(), port: 3128, exclusion_list: vec![] };
        let via = lookup(HttpRequestOptions {
            dns_servers: servers,
            using_proxy: Some(crate::options::UsingProxy::Proxy(proxy)),
            ..Default::default()
        });
        assert!(via.contains("proxy.test.example") && via.contains("3128") && via.contains("for_proxy: true"), "{via}");
    }

    #[test]
    fn pins_per_hop() {
        let pin = CertificatePinning { public_key_hash: PIN.into(), hash_algorithm: "SHA-256".into() };
        let policy = NetworkPolicy {
            domains: vec![DomainPolicy {
                domains: vec![DomainName { name: "b.example".into(), include_subdomains: false }],
                pins: vec![pin.clone()],
                ..Default::default()
            }],
            ..Default::default()
        };
        let plan = RequestPlan {
            options: HttpRequestOptions::default(),
            stream: false,
            policy: Some(Arc::new(policy)),
            doh: None,
        };
        let hop = |url| plan.hop(Target::parse(url).unwrap()).unwrap().pins;
        assert_eq!(hop("https://b.example/"), Some(format!("sha256//{PIN}")));
        assert_eq!(hop("https://a.example/"), None);
        assert_eq!(hop("http://b.example/"), None, "pins do nothing on http");
        let own = CertificatePinning { public_key_hash: "x".into(), hash_algorithm: "SHA-256".into() };
        let plan = RequestPlan {
            options: HttpRequestOptions { certificate_pinning: Some(vec![own]), ..Default::default() },
            ..plan
        };
        assert_eq!(plan.hop(Target::parse("https://b.example/").unwrap()).unwrap().pins.as_deref(), Some("sha256//x"));
    }
}
