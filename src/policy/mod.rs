//! The process-wide network policy the host sets: internet permission, a domain allow-list,
//! cleartext (`http://`) permission per domain, and certificate pins per domain.
//!
//! Checked when a request starts, before any socket is opened or any name resolved, in this
//! order (as OpenHarmony does):
//! 1. internet not allowed -> **201** "Permission denied";
//! 2. the URL's host not in `allowed_domains` -> **2300998** "It is not allowed to access this
//!    domain";
//! 3. an `http://` URL to a domain whose cleartext traffic is not permitted -> **2300997**
//!    "Cleartext traffic not permitted";
//! 4. the domain's pins (unexpired) apply to an `https://` request that has no
//!    `certificatePinning` of its own.
//!
//! Redirects: libcurl does not follow them itself; the library does, and checks every hop as
//! a request of its own (rules 2 and 3 for the hop's target, its own pins), before it connects
//! anywhere (see `plan`). The proxy a request goes through and its `dnsOverHttps` server must
//! be in `allowed_domains` too (2300998).
//!
//! The default policy allows everything; with it the checks cost one atomic load. See
//! [`NetworkPolicy::from_json`] for the JSON form (OpenHarmony's `network_config.json`).
mod glob;
mod json;

pub(crate) use glob::host_matches;

use crate::error::{HttpError, CLEARTEXT_NOT_PERMITTED, DOMAIN_NOT_ALLOWED, PERMISSION_DENIED};
use crate::options::CertificatePinning;
use crate::url::{Scheme, Target};
use once_cell::sync::Lazy;
use parking_lot::RwLock;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

/// A network policy. `NetworkPolicy::default()` allows everything.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkPolicy {
    /// Internet permission; `false` fails every request with 201 before any socket opens.
    pub internet_allowed: bool,
    /// Hosts requests may go to; `None` allows every host. An entry is an exact host name or
    /// IP literal (compared case-insensitively), `*.example.com` for any subdomain of
    /// example.com (not example.com itself), or `*` for every host. Others fail with 2300998.
    pub allowed_domains: Option<Vec<String>>,
    /// Whether cleartext `http://` is permitted for domains no rule in `domains` covers
    /// (`base-config`'s `cleartextTrafficPermitted`); default true.
    pub cleartext_permitted: bool,
    /// Per-domain rules (`domain-config`); the first rule whose domains match a host applies
    /// to it.
    pub domains: Vec<DomainPolicy>,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        NetworkPolicy { internet_allowed: true, allowed_domains: None, cleartext_permitted: true, domains: Vec::new() }
    }
}

/// The rule for a set of domains (`domain-config` entry).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DomainPolicy {
    /// The domains the rule covers.
    pub domains: Vec<DomainName>,
    /// Cleartext `http://` permitted for them; `None` inherits the policy's default.
    pub cleartext_permitted: Option<bool>,
    /// Public-key pins (SHA-256) for https requests to them without pins of their own; any
    /// one matching is enough, none matching fails with 2300090.
    pub pins: Vec<CertificatePinning>,
    /// When the pins stop applying (`pin-set`'s `expiration`); `None`: never.
    pub pins_expire: Option<SystemTime>,
}

/// One domain of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DomainName {
    /// The domain (`example.com`); `*.example.com` covers its subdomains only.
    pub name: String,
    /// Whether subdomains are covered too (`a.example.com`, `b.a.example.com`).
    pub include_subdomains: bool,
}

impl DomainName {
    /// Whether this domain covers `host` (lower case, no trailing dot).
    pub fn matches(&self, host: &str) -> bool {
        let name = self.name.trim().trim_end_matches('.').to_ascii_lowercase();
        if let Some(parent) = name.strip_prefix("*.") {
            return is_subdomain(host, parent);
        }
        host == name || (self.include_subdomains && is_subdomain(host, &name))
    }
}

/// `host` is a strict subdomain of `parent`.
fn is_subdomain(host: &str, parent: &str) -> bool {
    host.len() > parent.len() + 1 && host.ends_with(parent) && host.as_bytes()[host.len() - parent.len() - 1] == b'.'
}

impl NetworkPolicy {
    /// Whether requests may go to `host`.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = normalize(host);
        match &self.allowed_domains {
            None => true,
            Some(list) => list.iter().any(|pattern| host_matches(pattern.trim_end_matches('.'), &host)),
        }
    }

    /// The first rule covering `host`.
    pub fn rule_for(&self, host: &str) -> Option<&DomainPolicy> {
        let host = normalize(host);
        self.domains.iter().find(|rule| rule.domains.iter().any(|d| d.matches(&host)))
    }

    /// Whether cleartext `http://` to `host` is permitted.
    pub fn cleartext_permitted_for(&self, host: &str) -> bool {
        self.rule_for(host).and_then(|r| r.cleartext_permitted).unwrap_or(self.cleartext_permitted)
    }

    /// The pins that apply to `host` at `now` (empty when none, or expired).
    pub fn pins_for(&self, host: &str, now: SystemTime) -> &[CertificatePinning] {
        match self.rule_for(host) {
            Some(rule) if rule.pins_expire.map_or(true, |t| now < t) => &rule.pins,
            _ => &[],
        }
    }

    /// Rule 1: internet permission.
    pub(crate) fn check_internet(&self) -> Result<(), HttpError> {
        if self.internet_allowed {
            return Ok(());
        }
        Err(HttpError::new(PERMISSION_DENIED, "Permission denied: the network policy does not allow internet access"))
    }

    /// Rules 2 and 3 for one request or redirect target (the allow-list, then cleartext).
    pub(crate) fn check_target(&self, target: &Target) -> Result<(), HttpError> {
        let host = target.host();
        self.check_host(host, "")?;
        if target.scheme() == Scheme::Http && !self.cleartext_permitted_for(host) {
            return Err(HttpError::new(
                CLEARTEXT_NOT_PERMITTED,
                format!("Cleartext traffic not permitted: the network policy forbids http:// to {host}"),
            ));
        }
        Ok(())
    }

    /// Rule 2 for a host the request connects to: the target's, or (`role` non-empty, e.g.
    /// "the proxy") another one.
    pub(crate) fn check_host(&self, host: &str, role: &str) -> Result<(), HttpError> {
        if self.allows_host(host) {
            return Ok(());
        }
        let what = if role.is_empty() { host.to_string() } else { format!("{role} {host}") };
        Err(HttpError::new(
            DOMAIN_NOT_ALLOWED,
            format!("It is not allowed to access this domain: {what} is not in the network policy's allowed domains"),
        ))
    }

    /// Checks the values the JSON form checks (401 naming the field): allow-list entries and
    /// domain names are not empty, pins are SHA-256 in canonical base64.
    pub fn validate(&self) -> Result<(), HttpError> {
        let bad = |path: String, what: &str| Err(HttpError::parameter(format!("network policy: {path} {what}")));
        for (i, d) in self.allowed_domains.iter().flatten().enumerate() {
            if d.trim().is_empty() {
                return bad(format!("allowed-domains[{i}]"), "must not be empty");
            }
        }
        for (i, rule) in self.domains.iter().enumerate() {
            for (j, d) in rule.domains.iter().enumerate() {
                if d.name.trim().is_empty() {
                    return bad(format!("domain-config[{i}].domains[{j}].name"), "must not be empty");
                }
            }
            for (j, pin) in rule.pins.iter().enumerate() {
                if !crate::options::is_sha256_base64(&pin.public_key_hash) {
                    return bad(
                        format!("domain-config[{i}].pin-set.pin[{j}].digest"),
                        "must be the base64 of a 32-byte SHA-256 digest",
                    );
                }
            }
        }
        Ok(())
    }

    /// Parses the JSON form: OpenHarmony's `network_config.json` plus two keys of this
    /// library. Unknown keys are ignored; a key of the wrong type or value is a 401 naming it.
    ///
    /// ```json
    /// {
    ///   "internet-permitted": true,
    ///   "allowed-domains": ["localhost", "*.test.example"],
    ///   "network-security-config": {
    ///     "base-config": { "cleartextTrafficPermitted": true },
    ///     "domain-config": [{
    ///       "domains": [{ "include-subdomains": true, "name": "test.example" }],
    ///       "cleartextTrafficPermitted": false,
    ///       "pin-set": {
    ///         "expiration": "2030-01-01",
    ///         "pin": [{ "digest-algorithm": "sha256", "digest": "<base64 SHA-256 of the SPKI>" }]
    ///       }
    ///     }],
    ///     "component-config": { "Network Kit": true }
    ///   }
    /// }
    /// ```
    ///
    /// * `internet-permitted` (this library's; default true) and `allowed-domains` (this
    ///   library's; absent = every host) fill `internet_allowed` and `allowed_domains`.
    /// * `base-config.cleartextTrafficPermitted` (default true) is the default for cleartext.
    /// * `domain-config[i]`: `domains` (`name`, `include-subdomains`), an optional
    ///   `cleartextTrafficPermitted`, an optional `pin-set` with `pin` entries whose
    ///   `digest-algorithm` must be `sha256` and whose `digest` is the base64 SHA-256 of the
    ///   server's public key, and an optional `expiration` (`YYYY-MM-DD`, UTC; the pins apply
    ///   up to the end of that day).
    /// * `component-config."Network Kit": false` exempts this library from the cleartext rules.
    /// * `trust-anchors`, `trust-global-user-ca` and `trust-current-user-ca` are accepted and
    ///   ignored: trust comes from `caPath` (or the system store).
    pub fn from_json(json: &str) -> Result<NetworkPolicy, HttpError> {
        json::parse(json)
    }
}

/// Host names compare in lower case without a trailing dot.
fn normalize(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// The policy in force; `ACTIVE` is false while it is the default (the fast path).
static POLICY: Lazy<RwLock<Arc<NetworkPolicy>>> = Lazy::new(|| RwLock::new(Arc::new(NetworkPolicy::default())));
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Sets the process-wide network policy; requests started from now on follow it (running
/// ones keep the policy they started with).
pub fn set_network_policy(policy: NetworkPolicy) {
    let mut current = POLICY.write();
    install(&mut current, policy);
}

fn install(slot: &mut Arc<NetworkPolicy>, policy: NetworkPolicy) {
    ACTIVE.store(policy != NetworkPolicy::default(), Ordering::SeqCst);
    *slot = Arc::new(policy);
}

/// Changes the process-wide network policy in one step: `change` edits a copy of the policy
/// in force, which replaces it only if it is valid ([`NetworkPolicy::validate`]); otherwise it
/// stays as it was and the error names the field. Concurrent updates never lose each other's
/// changes (the policy is locked from read to write).
pub fn update_network_policy(change: impl FnOnce(&mut NetworkPolicy)) -> Result<(), HttpError> {
    let mut current = POLICY.write();
    let mut next = (**current).clone();
    change(&mut next);
    next.validate()?;
    install(&mut current, next);
    Ok(())
}

/// The process-wide network policy in force.
pub fn network_policy() -> NetworkPolicy {
    (**POLICY.read()).clone()
}

/// Restores the default policy (everything allowed).
pub fn reset_network_policy() {
    set_network_policy(NetworkPolicy::default());
}

/// Reads a JSON policy file (see [`NetworkPolicy::from_json`]) and makes it the process-wide
/// policy. An unreadable file or an invalid policy is a 401 error and leaves the policy as
/// it was.
pub fn load_network_policy_json(path: impl AsRef<Path>) -> Result<(), HttpError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| HttpError::parameter(format!("cannot read the network policy file {}: {e}", path.display())))?;
    set_network_policy(NetworkPolicy::from_json(&text)?);
    Ok(())
}

/// The policy a request starts with, when a non-default one is set (`None`: everything is
/// allowed, one atomic load). The request keeps it for all its hops.
pub(crate) fn snapshot() -> Option<Arc<NetworkPolicy>> {
    ACTIVE.load(Ordering::SeqCst).then(|| POLICY.read().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(name: &str, sub: bool) -> DomainName {
        DomainName { name: name.into(), include_subdomains: sub }
    }

    #[test]
    fn domain_names() {
        assert!(dn("example.com", false).matches("example.com"));
        assert!(!dn("example.com", false).matches("a.example.com"));
        assert!(dn("example.com", true).matches("a.b.example.com"));
        assert!(!dn("example.com", true).matches("badexample.com"));
        assert!(dn("*.example.com", false).matches("a.example.com"));
        assert!(!dn("*.example.com", true).matches("example.com"));
        assert!(dn("Example.COM.", false).matches("example.com"));
    }

    #[test]
    fn rules() {
        let p = NetworkPolicy {
            allowed_domains: Some(vec!["localhost".into(), "*.test.example".into(), "127.0.0.1".into()]),
            cleartext_permitted: false,
            domains: vec![
                DomainPolicy {
                    domains: vec![dn("plain.test.example", false)],
                    cleartext_permitted: Some(true),
                    ..Default::default()
                },
                DomainPolicy { domains: vec![dn("test.example", true)], ..Default::default() },
            ],
            ..Default::default()
        };
        assert!(p.allows_host("LOCALHOST") && p.allows_host("a.test.example") && p.allows_host("127.0.0.1"));
        assert!(!p.allows_host("test.example") && !p.allows_host("127.0.0.2"));
        assert!(p.cleartext_permitted_for("plain.test.example"));
        assert!(!p.cleartext_permitted_for("other.test.example"));
        assert!(!p.cleartext_permitted_for("localhost"));
        let t = |url| Target::parse(url).unwrap();
        assert_eq!(p.check_target(&t("http://x.test.example/")).unwrap_err().code(), 2_300_997);
        assert_eq!(p.check_target(&t("http://elsewhere/")).unwrap_err().code(), 2_300_998);
        assert!(p.check_target(&t("https://x.test.example/")).is_ok());
        assert!(p.check_target(&t("http://plain.test.example./")).is_ok());
        assert_eq!(p.check_host("proxy.example", "the proxy").unwrap_err().code(), 2_300_998);
        assert!(p.check_host("LOCALHOST", "the proxy").is_ok());
        assert_eq!(NetworkPolicy { internet_allowed: false, ..p }.check_internet().unwrap_err().code(), 201);
    }

    #[test]
    fn pins_expire() {
        let pin = CertificatePinning { public_key_hash: "x".into(), hash_algorithm: "SHA-256".into() };
        let now = SystemTime::now();
        let rule = |expire| NetworkPolicy {
            domains: vec![DomainPolicy {
                domains: vec![dn("h", false)],
                pins: vec![pin.clone()],
                pins_expire: expire,
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(rule(None).pins_for("h", now).len(), 1);
        assert_eq!(rule(Some(now + std::time::Duration::from_secs(60))).pins_for("h", now).len(), 1);
        assert!(rule(Some(now)).pins_for("h", now).is_empty());
        assert!(rule(None).pins_for("other", now).is_empty());
    }
}
