//! The security context a response is fetched under: what decides whom the library trusted
//! for it. The response cache serves a stored response only to a request with the same
//! context, so a request never gets, from the cache, an answer it would not have accepted
//! from the network (a pin that does not match, another CA, another client identity, another
//! proxy).
use super::proxy::ProxyPlan;
use crate::options::{CertType, HttpRequestOptions};
use serde_json::{json, Value};

/// Everything that decided whom a response's hop trusted and went through.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SecurityContext {
    /// https: the pins in force (`CURLOPT_PINNEDPUBLICKEY`), empty when none.
    pub pins: String,
    /// https: `caPath`, when set.
    pub ca_path: Option<String>,
    /// https: the client certificate (path, type, key path, key password).
    pub client_cert: Option<(String, String, String, Option<String>)>,
    /// The proxy (its URL and credentials), when the hop went through one.
    pub proxy: Option<(String, Option<(String, String)>)>,
}

impl SecurityContext {
    /// The context of a hop: TLS settings only count for https.
    pub(crate) fn of(opts: &HttpRequestOptions, https: bool, pins: Option<&str>, proxy: &ProxyPlan) -> Self {
        let proxy = proxy.proxy().map(|p| (p.url.clone(), p.credentials.clone()));
        if !https {
            return SecurityContext { proxy, ..Default::default() };
        }
        SecurityContext {
            pins: pins.unwrap_or_default().to_string(),
            ca_path: opts.ca_path.clone(),
            client_cert: opts.client_cert.as_ref().map(|c| {
                (
                    c.cert_path.clone(),
                    c.cert_type.unwrap_or(CertType::Pem).as_str().to_string(),
                    c.key_path.clone(),
                    c.key_password.clone(),
                )
            }),
            proxy,
        }
    }

    /// Whether it holds a secret (a key or proxy password): such entries stay in memory.
    pub(crate) fn has_secret(&self) -> bool {
        self.client_cert.as_ref().is_some_and(|c| c.3.is_some()) || self.proxy.as_ref().is_some_and(|p| p.1.is_some())
    }

    /// The JSON form of the cache file (only for contexts without secrets).
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "pins": self.pins,
            "caPath": self.ca_path,
            "clientCert": self.client_cert.as_ref().map(|c| json!([c.0, c.1, c.2])),
            "proxy": self.proxy.as_ref().map(|p| p.0.clone()),
        })
    }

    /// From the JSON form; `None` when it is not one.
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        let text = |v: &Value| v.as_str().map(str::to_string);
        let opt_text = |v: Option<&Value>| match v {
            None | Some(Value::Null) => Some(None),
            Some(v) => text(v).map(Some),
        };
        let client_cert = match v.get("clientCert") {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) if a.len() == 3 => Some((text(&a[0])?, text(&a[1])?, text(&a[2])?, None)),
            Some(_) => return None,
        };
        Some(SecurityContext {
            pins: text(v.get("pins")?)?,
            ca_path: opt_text(v.get("caPath"))?,
            client_cert,
            proxy: opt_text(v.get("proxy"))?.map(|url| (url, None)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ClientCert;

    #[test]
    fn tls_counts_for_https_only_and_round_trips() {
        let opts = HttpRequestOptions {
            ca_path: Some("/ca.pem".into()),
            client_cert: Some(ClientCert { cert_path: "/c".into(), key_path: "/k".into(), ..Default::default() }),
            ..Default::default()
        };
        let plain = SecurityContext::of(&opts, false, Some("sha256//x"), &ProxyPlan::Direct);
        assert_eq!(plain, SecurityContext::default());
        let tls = SecurityContext::of(&opts, true, Some("sha256//x"), &ProxyPlan::Direct);
        assert_ne!(tls, plain);
        assert!(!tls.has_secret());
        assert_eq!(SecurityContext::from_json(&tls.to_json()), Some(tls));
        assert_eq!(SecurityContext::from_json(&json!({"pins": 1})), None);
    }
}
