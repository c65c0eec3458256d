//! Checking the redirects libcurl follows against the policy: the transfer's header callback
//! hands over each 3xx's `Location`, resolved here against the URL it came from.
use super::{normalize, NetworkPolicy};
use crate::error::HttpError;
use std::sync::Arc;

/// Follows one transfer through its redirects and checks each new target.
#[derive(Debug)]
pub(crate) struct RedirectGuard {
    policy: Arc<NetworkPolicy>,
    scheme: String,
    host: String,
}

impl RedirectGuard {
    /// A guard for a transfer that starts at `scheme://host`.
    pub(super) fn new(policy: Arc<NetworkPolicy>, scheme: String, host: String) -> Self {
        RedirectGuard { policy, scheme, host }
    }

    /// Checks the target of a redirect (`location` as the server sent it) and moves on to it.
    pub(crate) fn follow(&mut self, location: &str) -> Result<(), HttpError> {
        let (scheme, host) = target(&self.scheme, &self.host, location.trim());
        self.policy.check_target(&scheme, &host)?;
        self.scheme = scheme;
        self.host = host;
        Ok(())
    }
}

/// Scheme and host a `Location` leads to from `scheme://host`: absolute URLs name both,
/// scheme-relative ones (`//host/…`) keep the scheme, relative ones keep both.
fn target(scheme: &str, host: &str, location: &str) -> (String, String) {
    let (new_scheme, rest) = match location.split_once("://") {
        Some((s, rest))
            if !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (s.to_ascii_lowercase(), Some(rest))
        }
        _ => (scheme.to_string(), location.strip_prefix("//")),
    };
    let Some(rest) = rest else { return (scheme.to_string(), host.to_string()) };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let new_host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => hostport.split(':').next().unwrap_or(""),
    };
    (new_scheme, normalize(new_host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{DomainName, DomainPolicy};

    #[test]
    fn targets() {
        let t = |loc| target("https", "a.example", loc);
        assert_eq!(t("/next"), ("https".into(), "a.example".into()));
        assert_eq!(t("next?x=1"), ("https".into(), "a.example".into()));
        assert_eq!(t("//B.example:81/x"), ("https".into(), "b.example".into()));
        assert_eq!(t("HTTP://u:p@c.example./x"), ("http".into(), "c.example".into()));
        assert_eq!(t("http://[::1]:18080/"), ("http".into(), "::1".into()));
    }

    #[test]
    fn redirects_are_checked_and_followed() {
        let policy = NetworkPolicy {
            allowed_domains: Some(vec!["a.example".into(), "b.example".into()]),
            domains: vec![DomainPolicy {
                domains: vec![DomainName { name: "b.example".into(), include_subdomains: false }],
                cleartext_permitted: Some(false),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut g = RedirectGuard::new(Arc::new(policy), "http".into(), "a.example".into());
        assert!(g.follow("/same").is_ok());
        assert_eq!(g.follow("http://elsewhere/").unwrap_err().code(), 2_300_998);
        assert_eq!(g.follow("http://b.example/").unwrap_err().code(), 2_300_997);
        assert!(g.follow("https://b.example/").is_ok());
        // now at https://b.example: a relative redirect stays on https
        assert!(g.follow("/x").is_ok());
        assert_eq!(g.follow("//a.example/").map(|_| g.scheme.clone()).unwrap(), "https");
    }
}
