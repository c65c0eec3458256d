//! The spec's defaults and the values that actually take effect (`effective_*` helpers).
//!
//! These helpers read the options as they are; they do not validate. Call
//! [`HttpRequestOptions::validate`] first: the request path does, so a value these helpers
//! would misread (a `maxLimit` above [`MAX_MAX_LIMIT`], `resumeTo < resumeFrom`) never
//! reaches a transfer.
use std::net::{IpAddr, SocketAddr};

use super::{ExtraData, HttpRequestOptions, RequestMethod};
use serde_json::Value;

/// Default `maxLimit`: 5 MiB.
pub const DEFAULT_MAX_LIMIT: u64 = 5 * 1024 * 1024;
/// Largest accepted `maxLimit`: 100 MiB (larger values are a 401 error, not clamped).
pub const MAX_MAX_LIMIT: u64 = 100 * 1024 * 1024;
/// Default `readTimeout` and `connectTimeout`, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;

/// Default `priority`.
pub(crate) const DEFAULT_PRIORITY: u32 = 1;
/// Smallest valid `priority`.
pub(crate) const MIN_PRIORITY: u32 = 1;
/// Largest valid `priority`.
pub(crate) const MAX_PRIORITY: u32 = 1000;
/// Largest `resumeFrom`/`resumeTo` that takes effect (2^32, "4 GB" in the spec).
pub(crate) const MAX_RANGE_POSITION: u64 = 1 << 32;
/// How many `dnsServers` entries are used at most (the first valid ones).
pub(crate) const MAX_DNS_SERVERS: usize = 3;
/// Port of a `dnsServers` entry that names none.
pub(crate) const DEFAULT_DNS_PORT: u16 = 53;

impl HttpRequestOptions {
    /// The request method; GET when unset.
    pub fn method(&self) -> RequestMethod {
        self.method.unwrap_or_default()
    }

    /// The priority; 1 when unset. (`validate` keeps it within [1, 1000].)
    pub fn priority_or_default(&self) -> u32 {
        self.priority.unwrap_or(DEFAULT_PRIORITY)
    }

    /// The read timeout in ms: the longest time without receiving data; 60000 when unset.
    /// 0 means no read timeout.
    pub fn read_timeout_ms(&self) -> u64 {
        self.read_timeout.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// The connect timeout in ms; 60000 when unset.
    ///
    /// 0 is passed on to `CURLOPT_CONNECTTIMEOUT_MS` as is, which means "no timeout of our
    /// own": libcurl's built-in connect timeout (300 s) still applies. It never means "fail at
    /// once" and never means "wait forever".
    pub fn connect_timeout_ms(&self) -> u64 {
        self.connect_timeout.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// The largest response body kept, in bytes; 5 MiB ([`DEFAULT_MAX_LIMIT`]) when unset.
    ///
    /// 0 is kept as 0 (every non-empty body then fails). Values above 100 MiB
    /// ([`MAX_MAX_LIMIT`], the spec's maximum) are capped at it, as a device does.
    pub fn max_limit_bytes(&self) -> u64 {
        self.max_limit.unwrap_or(DEFAULT_MAX_LIMIT).min(MAX_MAX_LIMIT)
    }

    /// Whether the response cache may be read; true when unset.
    pub fn using_cache_or_default(&self) -> bool {
        self.using_cache.unwrap_or(true)
    }

    /// The byte range to request (`CURLOPT_RANGE`), from `resumeFrom` and `resumeTo`:
    /// from only: `"F-"`; to only: `"0-T"` (the documented "end position", not the
    /// reference's suffix range `-T`); both: `"F-T"`.
    ///
    /// A value outside [1, 2^32] does not take effect (the spec's rule) and is treated as
    /// unset; so do both for any method but GET (the spec: "can be used only for the GET
    /// method"; a range on a PUT would damage the upload). `None` when neither takes effect,
    /// and also when `resumeTo < resumeFrom`, which `validate` rejects.
    pub fn range(&self) -> Option<String> {
        if self.method() != RequestMethod::Get {
            return None;
        }
        match (effective_range_position(self.resume_from), effective_range_position(self.resume_to)) {
            (None, None) => None,
            (Some(from), None) => Some(format!("{from}-")),
            (None, Some(to)) => Some(format!("0-{to}")),
            (Some(from), Some(to)) if to >= from => Some(format!("{from}-{to}")),
            (Some(_), Some(_)) => None,
        }
    }

    /// The DNS servers to use: the first three valid entries of `dnsServers`, in order.
    ///
    /// An entry is an IPv4 or IPv6 literal, optionally with a port (`"127.0.0.1:5353"`,
    /// `"[::1]:5353"`, `"[::1]"`); the port defaults to 53. Invalid entries are skipped, as the
    /// spec says (`validate` rejects a non-empty list with no valid entry at all).
    pub fn valid_dns_servers(&self) -> Vec<SocketAddr> {
        self.dns_servers.iter().flatten().filter_map(|s| parse_dns_server(s)).take(MAX_DNS_SERVERS).collect()
    }
}

impl HttpRequestOptions {
    /// What `extraData` adds to the URL's query: for GET-like methods (all but POST and PUT),
    /// a string as given (without a leading `?` or `&`), an object as percent-encoded
    /// `k=v&…` (numbers and booleans as JSON prints them, `null` values left out); bytes and
    /// bodies add nothing. `None` when nothing is added.
    pub fn query(&self) -> Option<String> {
        let extra = self.extra_data.as_ref().filter(|_| !self.method().has_body())?;
        let query = match extra {
            ExtraData::String(s) | ExtraData::Object(Value::String(s)) => s.trim_start_matches(['?', '&']).to_string(),
            ExtraData::Object(Value::Object(map)) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let v = header_text(v).unwrap_or_else(|| v.to_string());
                    format!("{}={}", percent_encode(k), percent_encode(&v))
                })
                .collect::<Vec<_>>()
                .join("&"),
            ExtraData::Object(_) | ExtraData::ArrayBuffer(_) => String::new(),
        };
        (!query.is_empty()).then_some(query)
    }

    /// The value of request header `name` (case-insensitive) as text.
    pub(crate) fn header_value(&self, name: &str) -> Option<String> {
        let (_, v) = self.header.as_ref()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
        header_text(v)
    }
}

/// A header value as text: strings as they are, numbers and booleans as JSON prints them;
/// `None` for anything else (validation rejects those).
pub(crate) fn header_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte becomes %XX.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `resumeFrom`/`resumeTo` value if it takes effect (in [1, 2^32]).
pub(super) fn effective_range_position(v: Option<u64>) -> Option<u64> {
    v.filter(|v| (1..=MAX_RANGE_POSITION).contains(v))
}

/// One `dnsServers` entry: an IP literal with an optional port (default 53), or `None`.
///
/// Rejected: anything that is not an IP literal (host names included), port 0, and the
/// unspecified addresses `0.0.0.0` and `::`, which name no server.
pub(super) fn parse_dns_server(s: &str) -> Option<SocketAddr> {
    let addr = if let Ok(ip) = s.parse::<IpAddr>() {
        SocketAddr::new(ip, DEFAULT_DNS_PORT)
    } else if let Some(ip) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        SocketAddr::new(ip.parse::<std::net::Ipv6Addr>().ok()?.into(), DEFAULT_DNS_PORT)
    } else {
        s.parse::<SocketAddr>().ok()?
    };
    (addr.port() != 0 && !addr.ip().is_unspecified()).then_some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> HttpRequestOptions {
        HttpRequestOptions::default()
    }

    #[test]
    fn constants_are_the_spec_values() {
        assert_eq!(DEFAULT_MAX_LIMIT, 5_242_880);
        assert_eq!(MAX_MAX_LIMIT, 104_857_600);
        assert_eq!(DEFAULT_TIMEOUT_MS, 60_000);
        assert_eq!(MAX_RANGE_POSITION, 4_294_967_296);
    }

    #[test]
    fn defaults_when_unset() {
        let o = opts();
        assert_eq!(o.method(), RequestMethod::Get);
        assert_eq!(o.priority_or_default(), 1);
        assert_eq!(o.read_timeout_ms(), 60_000);
        assert_eq!(o.connect_timeout_ms(), 60_000);
        assert_eq!(o.max_limit_bytes(), DEFAULT_MAX_LIMIT);
        assert!(o.using_cache_or_default());
        assert_eq!(o.range(), None);
        assert!(o.valid_dns_servers().is_empty());
    }

    #[test]
    fn set_values_win() {
        let o = HttpRequestOptions {
            method: Some(RequestMethod::Post),
            priority: Some(7),
            read_timeout: Some(0),
            connect_timeout: Some(0),
            max_limit: Some(0),
            using_cache: Some(false),
            ..opts()
        };
        assert_eq!(o.method(), RequestMethod::Post);
        assert_eq!(o.priority_or_default(), 7);
        assert_eq!(o.read_timeout_ms(), 0);
        assert_eq!(o.connect_timeout_ms(), 0);
        assert_eq!(o.max_limit_bytes(), 0);
        assert!(!o.using_cache_or_default());
    }

    #[test]
    fn max_limit_is_capped_at_100_mib() {
        let o = HttpRequestOptions { max_limit: Some(MAX_MAX_LIMIT + 1), ..opts() };
        assert_eq!(o.max_limit_bytes(), MAX_MAX_LIMIT);
        let o = HttpRequestOptions { max_limit: Some(u64::MAX), ..opts() };
        assert_eq!(o.max_limit_bytes(), MAX_MAX_LIMIT);
    }

    fn range(from: Option<u64>, to: Option<u64>) -> Option<String> {
        HttpRequestOptions { resume_from: from, resume_to: to, ..opts() }.range()
    }

    #[test]
    fn range_forms() {
        assert_eq!(range(Some(100), None).as_deref(), Some("100-"));
        assert_eq!(range(None, Some(99)).as_deref(), Some("0-99"));
        assert_eq!(range(Some(10), Some(20)).as_deref(), Some("10-20"));
        assert_eq!(range(Some(10), Some(10)).as_deref(), Some("10-10"));
        assert_eq!(range(Some(20), Some(10)), None);
    }

    #[test]
    fn range_values_outside_1_to_2_pow_32_are_ignored() {
        let max = MAX_RANGE_POSITION;
        assert_eq!(range(Some(0), None), None);
        assert_eq!(range(None, Some(0)), None);
        assert_eq!(range(Some(max + 1), None), None);
        assert_eq!(range(Some(max), None), Some(format!("{max}-")));
        assert_eq!(range(Some(1), Some(max)), Some(format!("1-{max}")));
        assert_eq!(range(Some(0), Some(50)).as_deref(), Some("0-50"));
        assert_eq!(range(Some(5), Some(max + 1)).as_deref(), Some("5-"));
    }

    #[test]
    fn queries() {
        let q = |method, extra| HttpRequestOptions { method: Some(method), extra_data: Some(extra), ..opts() }.query();
        let obj = ExtraData::Object(serde_json::json!({"a": "x y", "n": 5, "b": true, "z": null}));
        assert_eq!(q(RequestMethod::Get, obj.clone()).as_deref(), Some("a=x%20y&b=true&n=5"));
        assert_eq!(q(RequestMethod::Post, obj), None);
        assert_eq!(q(RequestMethod::Delete, ExtraData::String("?q=2".into())).as_deref(), Some("q=2"));
        assert_eq!(q(RequestMethod::Get, ExtraData::ArrayBuffer(vec![1])), None);
        assert_eq!(q(RequestMethod::Get, ExtraData::String(String::new())), None);
    }

    #[test]
    fn dns_server_forms() {
        let p = |s: &str| parse_dns_server(s).map(|a| a.to_string());
        assert_eq!(p("8.8.8.8").as_deref(), Some("8.8.8.8:53"));
        assert_eq!(p("127.0.0.1:5353").as_deref(), Some("127.0.0.1:5353"));
        assert_eq!(p("::1").as_deref(), Some("[::1]:53"));
        assert_eq!(p("[::1]").as_deref(), Some("[::1]:53"));
        assert_eq!(p("[2001:db8::1]:5353").as_deref(), Some("[2001:db8::1]:5353"));
        for bad in ["", "dns.google", "8.8.8", "1.2.3.4:0", "1.2.3.4:70000", "0.0.0.0", "::", "[::1", " 8.8.8.8"] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn valid_dns_servers_takes_the_first_three_valid() {
        let list = ["bad", "1.1.1.1", "", "::1", "[::2]:54", "9.9.9.9"];
        let o = HttpRequestOptions { dns_servers: Some(list.iter().map(|s| s.to_string()).collect()), ..opts() };
        let got: Vec<String> = o.valid_dns_servers().iter().map(|a| a.to_string()).collect();
        assert_eq!(got, ["1.1.1.1:53", "[::1]:53", "[::2]:54"]);
    }
}
