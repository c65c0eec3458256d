//! Field syntax the cache's rules read (RFC 9110 §5.5, §5.6): comma-separated lists (commas in
//! quoted strings do not split), tokens, quoted strings, delta-seconds (RFC 9111 §1.2.2) and
//! entity tags (RFC 9110 §8.8.3), and the header maps fields arrive in.
use serde_json::{Map, Value};

/// The largest delta-seconds value (RFC 9111 §1.2.2): a larger one means this.
pub(crate) const MAX_DELTA_SECONDS: u64 = 1 << 31;

/// `tchar` of RFC 9110 §5.6.2.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A `token` (RFC 9110 §5.6.2): one or more `tchar`.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// Optional whitespace (space and tab) trimmed from both ends.
pub(crate) fn trim_ows(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// The members of a comma-separated list (RFC 9110 §5.6.1): split at commas outside quoted
/// strings, each trimmed, empty members dropped (recipients must accept and ignore them).
pub(crate) fn list(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, b) in value.bytes().enumerate() {
        if quoted {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                quoted = false;
            }
        } else if b == b'"' {
            quoted = true;
        } else if b == b',' {
            out.push(trim_ows(&value[start..i]));
            start = i + 1;
        }
    }
    out.push(trim_ows(&value[start..]));
    out.retain(|m| !m.is_empty());
    out
}

/// The content of `s` when it is exactly one `quoted-string` (RFC 9110 §5.6.4), unescaped.
pub(crate) fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// `delta-seconds` (RFC 9111 §1.2.2): one or more digits (leading zeros allowed), capped at
/// 2^31; `None` for anything else (a sign, a fraction, a space, quotes).
pub(crate) fn delta_seconds(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        n = (n * 10 + u64::from(b - b'0')).min(MAX_DELTA_SECONDS);
    }
    Some(n)
}

/// An entity tag (RFC 9110 §8.8.3): its weakness and opaque tag (with the quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntityTag<'a> {
    /// `W/` prefix.
    pub weak: bool,
    /// `"…"`, quotes included.
    pub opaque: &'a str,
}

/// Parses one entity tag; `None` when it does not follow the grammar (no quotes, a lower-case
/// `w/`, …).
pub(crate) fn entity_tag(s: &str) -> Option<EntityTag<'_>> {
    let s = trim_ows(s);
    let (weak, opaque) = match s.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let inner = opaque.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('"')).then_some(EntityTag { weak, opaque })
}

/// Strong comparison (RFC 9110 §8.8.3.2): both strong and the same opaque tag.
pub(crate) fn strong_match(a: &str, b: &str) -> bool {
    match (entity_tag(a), entity_tag(b)) {
        (Some(a), Some(b)) => !a.weak && !b.weak && a.opaque == b.opaque,
        _ => false,
    }
}

/// Weak comparison: the same opaque tag, weak or not. Tags that do not parse compare as
/// their exact text (so a server's unquoted tag still matches itself).
pub(crate) fn weak_match(a: &str, b: &str) -> bool {
    match (entity_tag(a), entity_tag(b)) {
        (Some(a), Some(b)) => a.opaque == b.opaque,
        _ => trim_ows(a) == trim_ows(b),
    }
}

/// Every value of field `name` in a header map (lower-case keys; repeated lines arrive joined
/// with ", ", `set-cookie` as an array).
pub(crate) fn values<'a>(headers: &'a Map<String, Value>, name: &str) -> Vec<&'a str> {
    match headers.get(name) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A field's (first) value.
pub(crate) fn first<'a>(headers: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    values(headers, name).into_iter().next()
}

/// The request's fields as the cache sees them: lower-case names, in the order the options
/// list them (a name given twice in different case is two lines of one field).
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestFields(Vec<(String, String)>);

impl RequestFields {
    /// From the options' header map (numbers and booleans as JSON prints them).
    pub(crate) fn from_options(header: Option<&Map<String, Value>>) -> RequestFields {
        let fields = header
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.trim().to_ascii_lowercase(), crate::options::header_text(v)?)))
            .collect();
        RequestFields(fields)
    }

    /// From name/value pairs (stored request fields).
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> RequestFields {
        RequestFields(pairs.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect())
    }

    /// Whether the field is present (even with an empty value).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// The field's lines combined into one value (RFC 9110 §5.3), `None` when absent.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let mut values = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| trim_ows(v));
        let first = values.next()?;
        Some(values.fold(first.to_string(), |mut acc, v| {
            acc.push_str(", ");
            acc.push_str(v);
            acc
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_commas_in_quoted_strings() {
        assert_eq!(list(r#"no-cache="a, b", max-age=1"#), vec![r#"no-cache="a, b""#, "max-age=1"]);
        assert_eq!(list(" a ,, b,\t"), vec!["a", "b"]);
        assert_eq!(list(r#"x="a\"," , y"#), vec![r#"x="a\",""#, "y"]);
        assert!(list("").is_empty());
    }

    #[test]
    fn quoted_strings_and_tokens() {
        assert_eq!(unquote(r#""3600""#).as_deref(), Some("3600"));
        assert_eq!(unquote(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(unquote("3600"), None);
        assert_eq!(unquote("\""), None);
        assert_eq!(unquote(r#""a\""#), None, "the closing quote is escaped");
        assert!(is_token("max-age") && !is_token("max-age ") && !is_token(""));
    }

    #[test]
    fn delta_seconds_grammar() {
        assert_eq!(delta_seconds("003600"), Some(3600));
        assert_eq!(delta_seconds("99999999999999999999999"), Some(MAX_DELTA_SECONDS));
        for bad in ["", "-1", "1.5", " 1", "'1'", "1a", "a1", "+1"] {
            assert_eq!(delta_seconds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn entity_tags_compare() {
        assert!(strong_match(r#""a""#, r#""a""#));
        assert!(!strong_match(r#"W/"a""#, r#""a""#));
        assert!(weak_match(r#"W/"a""#, r#""a""#));
        assert!(!weak_match(r#""a""#, r#""b""#));
        assert!(weak_match("abc", "abc") && !strong_match("abc", "abc"), "unquoted: exact text only");
        assert_eq!(entity_tag(r#"w/"a""#), None);
    }

    #[test]
    fn request_fields_combine_lines() {
        let mut m = Map::new();
        m.insert("Foo".into(), Value::String("1".into()));
        m.insert("foo".into(), Value::String(" 2 ".into()));
        m.insert("N".into(), serde_json::json!(3));
        let f = RequestFields::from_options(Some(&m));
        assert_eq!(f.get("foo").as_deref(), Some("1, 2"));
        assert_eq!(f.get("n").as_deref(), Some("3"));
        assert!(f.get("bar").is_none() && !f.has("bar"));
    }
}
