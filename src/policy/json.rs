//! The JSON form of a `NetworkPolicy` (see `NetworkPolicy::from_json`).
use super::{DomainName, DomainPolicy, NetworkPolicy};
use crate::error::HttpError;
use crate::options::{is_sha256_base64, CertificatePinning};
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type Obj = Map<String, Value>;

/// A 401 naming the key path.
fn bad(path: &str, what: impl std::fmt::Display) -> HttpError {
    HttpError::parameter(format!("network policy: {path} {what}"))
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Obj, HttpError> {
    v.as_object().ok_or_else(|| bad(path, "must be an object"))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, HttpError> {
    v.as_array().ok_or_else(|| bad(path, "must be an array"))
}

fn boolean(o: &Obj, key: &str, path: &str) -> Result<Option<bool>, HttpError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad(&format!("{path}.{key}"), "must be a boolean")),
    }
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, HttpError> {
    v.as_str().ok_or_else(|| bad(path, "must be a string"))
}

pub(super) fn parse(text: &str) -> Result<NetworkPolicy, HttpError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| HttpError::parameter(format!("network policy: not JSON: {e}")))?;
    let root = object(&root, "(root)")?;
    let mut policy = NetworkPolicy::default();
    if let Some(allowed) = boolean(root, "internet-permitted", "(root)")? {
        policy.internet_allowed = allowed;
    }
    if let Some(list) = root.get("allowed-domains").filter(|v| !v.is_null()) {
        let mut domains = Vec::new();
        for (i, d) in array(list, "allowed-domains")?.iter().enumerate() {
            let d = string(d, &format!("allowed-domains[{i}]"))?.trim();
            if d.is_empty() {
                return Err(bad(&format!("allowed-domains[{i}]"), "must not be empty"));
            }
            domains.push(d.to_string());
        }
        policy.allowed_domains = Some(domains);
    }
    let Some(config) = root.get("network-security-config").filter(|v| !v.is_null()) else {
        return Ok(policy);
    };
    let path = "network-security-config";
    let config = object(config, path)?;
    if let Some(base) = config.get("base-config").filter(|v| !v.is_null()) {
        let base = object(base, &format!("{path}.base-config"))?;
        if let Some(c) = boolean(base, "cleartextTrafficPermitted", &format!("{path}.base-config"))? {
            policy.cleartext_permitted = c;
        }
    }
    if let Some(list) = config.get("domain-config").filter(|v| !v.is_null()) {
        for (i, entry) in array(list, &format!("{path}.domain-config"))?.iter().enumerate() {
            policy.domains.push(domain_rule(entry, &format!("{path}.domain-config[{i}]"))?);
        }
    }
    if let Some(components) = config.get("component-config").filter(|v| !v.is_null()) {
        let components = object(components, &format!("{path}.component-config"))?;
        if boolean(components, "Network Kit", &format!("{path}.component-config"))? == Some(false) {
            // cleartext rules do not apply to this library
            policy.cleartext_permitted = true;
            for rule in &mut policy.domains {
                rule.cleartext_permitted = None;
            }
        }
    }
    Ok(policy)
}

fn domain_rule(entry: &Value, path: &str) -> Result<DomainPolicy, HttpError> {
    let entry = object(entry, path)?;
    let mut rule =
        DomainPolicy { cleartext_permitted: boolean(entry, "cleartextTrafficPermitted", path)?, ..Default::default() };
    let domains = entry.get("domains").ok_or_else(|| bad(path, "needs \"domains\""))?;
    for (i, d) in array(domains, &format!("{path}.domains"))?.iter().enumerate() {
        let dpath = format!("{path}.domains[{i}]");
        let d = object(d, &dpath)?;
        let name = string(d.get("name").ok_or_else(|| bad(&dpath, "needs \"name\""))?, &format!("{dpath}.name"))?;
        if name.trim().is_empty() {
            return Err(bad(&format!("{dpath}.name"), "must not be empty"));
        }
        let include_subdomains = boolean(d, "include-subdomains", &dpath)?.unwrap_or(false);
        rule.domains.push(DomainName { name: name.trim().to_string(), include_subdomains });
    }
    if let Some(pin_set) = entry.get("pin-set").filter(|v| !v.is_null()) {
        let ppath = format!("{path}.pin-set");
        let pin_set = object(pin_set, &ppath)?;
        if let Some(exp) = pin_set.get("expiration").filter(|v| !v.is_null()) {
            let exp = string(exp, &format!("{ppath}.expiration"))?;
            rule.pins_expire =
                Some(end_of_day(exp).ok_or_else(|| {
                    bad(&format!("{ppath}.expiration"), format_args!("must be YYYY-MM-DD, got {exp:?}"))
                })?);
        }
        let pins = pin_set.get("pin").ok_or_else(|| bad(&ppath, "needs \"pin\""))?;
        for (i, pin) in array(pins, &format!("{ppath}.pin"))?.iter().enumerate() {
            let pin_path = format!("{ppath}.pin[{i}]");
            let pin = object(pin, &pin_path)?;
            let algorithm = pin.get("digest-algorithm").map(|v| string(v, &format!("{pin_path}.digest-algorithm")));
            match algorithm.transpose()? {
                Some(a) if a.eq_ignore_ascii_case("sha256") || a.eq_ignore_ascii_case("sha-256") => {}
                other => {
                    return Err(bad(
                        &format!("{pin_path}.digest-algorithm"),
                        format_args!("must be \"sha256\", got {other:?}"),
                    ))
                }
            }
            let digest = string(
                pin.get("digest").ok_or_else(|| bad(&pin_path, "needs \"digest\""))?,
                &format!("{pin_path}.digest"),
            )?;
            if !is_sha256_base64(digest) {
                return Err(bad(&format!("{pin_path}.digest"), "must be the base64 of a 32-byte SHA-256 digest"));
            }
            rule.pins
                .push(CertificatePinning { public_key_hash: digest.to_string(), hash_algorithm: "SHA-256".into() });
        }
    }
    Ok(rule)
}

/// `YYYY-MM-DD` -> the first instant after that day ends (UTC).
fn end_of_day(date: &str) -> Option<SystemTime> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1970..=9999).contains(&y) || d == 0 || d > days_in_month {
        return None;
    }
    let days = days_from_civil(y, m, d) + 1;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(days).ok()? * 86_400))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = "yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=";

    #[test]
    fn dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(end_of_day("1970-01-01"), Some(UNIX_EPOCH + Duration::from_secs(86_400)));
        assert!(end_of_day("2024-02-29").is_some());
        for bad in ["2023-02-29", "2024-13-01", "2024-1", "x", "2024-01-00"] {
            assert_eq!(end_of_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn full_form() {
        let json = format!(
            r#"{{
              "internet-permitted": true,
              "allowed-domains": ["localhost", "*.test.example"],
              "trust-global-user-ca": false,
              "network-security-config": {{
                "base-config": {{ "cleartextTrafficPermitted": false, "trust-anchors": [{{"certificates": "/x"}}] }},
                "domain-config": [
                  {{ "domains": [{{"include-subdomains": true, "name": "test.example"}}],
                     "cleartextTrafficPermitted": true,
                     "pin-set": {{ "expiration": "2099-12-31",
                                  "pin": [{{"digest-algorithm": "sha256", "digest": "{PIN}"}}] }} }}
                ]
              }}
            }}"#
        );
        let p = NetworkPolicy::from_json(&json).unwrap();
        assert!(p.internet_allowed);
        assert_eq!(p.allowed_domains.as_deref().unwrap().len(), 2);
        assert!(!p.cleartext_permitted);
        assert!(p.cleartext_permitted_for("a.test.example"));
        assert!(!p.cleartext_permitted_for("localhost"));
        assert_eq!(p.pins_for("test.example", SystemTime::now())[0].public_key_hash, PIN);
    }

    #[test]
    fn defaults_and_component_switch() {
        assert_eq!(NetworkPolicy::from_json("{}").unwrap(), NetworkPolicy::default());
        let p = NetworkPolicy::from_json(
            r#"{"network-security-config": {"base-config": {"cleartextTrafficPermitted": false},
                "component-config": {"Network Kit": false}}}"#,
        )
        .unwrap();
        assert!(p.cleartext_permitted);
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("[]", "(root)"),
            (r#"{"internet-permitted": 1}"#, "internet-permitted"),
            (r#"{"allowed-domains": [""]}"#, "allowed-domains[0]"),
            (r#"{"network-security-config": {"domain-config": [{}]}}"#, "domain-config[0]"),
            (
                r#"{"network-security-config": {"domain-config": [{"domains": [{"name": "a"}],
                    "pin-set": {"pin": [{"digest-algorithm": "sha1", "digest": "x"}]}}]}}"#,
                "pin[0].digest-algorithm",
            ),
            (
                r#"{"network-security-config": {"domain-config": [{"domains": [{"name": "a"}],
                    "pin-set": {"pin": [{"digest-algorithm": "sha256", "digest": "FEDCBA987654321"}]}}]}}"#,
                "pin[0].digest",
            ),
            (
                r#"{"network-security-config": {"domain-config": [{"domains": [{"name": "a"}],
                    "pin-set": {"expiration": "soon", "pin": []}}]}}"#,
                "expiration",
            ),
        ];
        for (json, key) in cases {
            let e = NetworkPolicy::from_json(json).unwrap_err();
            assert_eq!(e.code(), 401);
            assert!(e.message().contains(key), "{key}: {}", e.message());
        }
    }
}
