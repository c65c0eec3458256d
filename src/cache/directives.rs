//! `Cache-Control` (RFC 9111 §5.2) and `Pragma` (§5.4) as the cache reads them.
//!
//! A directive is `token [ "=" ( token / quoted-string ) ]`; names compare case-insensitively;
//! arguments are accepted in both forms (`max-age="60"` is 60, §5.2). Parsing follows the list
//! grammar, so a comma or a directive name inside a quoted string is not a directive
//! (`ext="max-age=100", max-age=1` has max-age 1). A member whose name is not a token
//! (`max-age =100`) is no directive at all; a directive whose argument breaks the grammar
//! (`max-age= 100`) is kept with an invalid argument. For a directive given more than once the
//! first occurrence counts (§4.2.1).
use super::fields::{self, delta_seconds, is_token, trim_ows, unquote};

/// The directives of one or more `Cache-Control` field values, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Directives(Vec<Directive>);

#[derive(Debug, Clone, PartialEq)]
struct Directive {
    /// Lower-case name.
    name: String,
    /// The argument: `None` without one, `Some(Err(raw))` when it is neither a token nor a
    /// quoted string, else the (unquoted) value.
    arg: Option<Result<String, String>>,
}

/// A delta-seconds argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seconds {
    /// The directive is not there.
    Absent,
    /// There, with a missing or malformed argument (`max-age=-1`, `max-age=1.5`,
    /// `max-age='60'`, `max-age`).
    Invalid,
    /// There, with this many seconds (capped at 2^31).
    Valid(u64),
}

impl Seconds {
    /// The seconds when valid.
    pub(crate) fn valid(self) -> Option<u64> {
        match self {
            Seconds::Valid(n) => Some(n),
            _ => None,
        }
    }
}

/// The field names a qualified `no-cache="a, b"` (or `private="a"`) lists, or the whole
/// response for the unqualified form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The directive is not there.
    None,
    /// Unqualified: the whole response.
    All,
    /// Qualified: these fields (lower-case names).
    Fields(Vec<String>),
}

impl Directives {
    /// The directives of these field values (repeated lines or already joined values alike).
    pub(crate) fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Directives {
        let mut out = Vec::new();
        for value in values {
            for member in fields::list(value) {
                let (name, arg) = match member.split_once('=') {
                    Some((name, arg)) => (name, Some(arg)),
                    None => (member, None),
                };
                if !is_token(name) {
                    continue;
                }
                let arg =
                    arg.map(|a| if is_token(a) { Ok(a.to_string()) } else { unquote(a).ok_or_else(|| a.to_string()) });
                out.push(Directive { name: name.to_ascii_lowercase(), arg });
            }
        }
        Directives(out)
    }

    /// Whether `name` (lower case) is present, with or without an argument.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.iter().any(|d| d.name == name)
    }

    /// The first occurrence's delta-seconds argument.
    pub(crate) fn seconds(&self, name: &str) -> Seconds {
        match self.0.iter().find(|d| d.name == name) {
            None => Seconds::Absent,
            Some(Directive { arg: Some(Ok(a)), .. }) => delta_seconds(a).map_or(Seconds::Invalid, Seconds::Valid),
            Some(_) => Seconds::Invalid,
        }
    }

    /// `max-stale`: `Some(None)` without an argument (any staleness), `Some(Some(n))` with
    /// one; a malformed argument is ignored (`None`).
    pub(crate) fn max_stale(&self) -> Option<Option<u64>> {
        match self.0.iter().find(|d| d.name == "max-stale")? {
            Directive { arg: None, .. } => Some(None),
            Directive { arg: Some(Ok(a)), .. } => delta_seconds(a).map(Some),
            Directive { arg: Some(Err(_)), .. } => None,
        }
    }

    /// What every occurrence of `name` covers together: unqualified anywhere (or an argument
    /// that names no field) means the whole response, the most restrictive reading.
    pub(crate) fn scope(&self, name: &str) -> Scope {
        let mut names = Vec::new();
        let mut any = false;
        for d in self.0.iter().filter(|d| d.name == name) {
            any = true;
            let listed: Vec<String> = match &d.arg {
                Some(Ok(a)) => fields::list(a).into_iter().map(|n| trim_ows(n).to_ascii_lowercase()).collect(),
                _ => Vec::new(),
            };
            if listed.is_empty() {
                return Scope::All;
            }
            names.extend(listed);
        }
        if any {
            names.sort();
            names.dedup();
            Scope::Fields(names)
        } else {
            Scope::None
        }
    }
}

/// The request directives the cache acts on (RFC 9111 §5.2.1, RFC 5861 §4).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RequestDirectives {
    /// `no-cache`, or `Pragma: no-cache` in a request without `Cache-Control` (§5.4).
    pub no_cache: bool,
    /// `no-store`: nothing of this exchange is stored, and nothing stored is used.
    pub no_store: bool,
    /// `only-if-cached`.
    pub only_if_cached: bool,
    /// `max-age`.
    pub max_age: Option<u64>,
    /// `min-fresh`.
    pub min_fresh: Option<u64>,
    /// `max-stale` (`Some(None)`: any staleness).
    pub max_stale: Option<Option<u64>>,
    /// `stale-if-error`.
    pub stale_if_error: Option<u64>,
}

impl RequestDirectives {
    /// From the request's `Cache-Control` and `Pragma` values.
    pub(crate) fn new(cache_control: Option<&str>, pragma: Option<&str>) -> RequestDirectives {
        let d = Directives::parse(cache_control);
        // Pragma counts only when Cache-Control is absent (§5.4)
        let pragma_no_cache = cache_control.is_none()
            && pragma.is_some_and(|p| fields::list(p).iter().any(|m| m.eq_ignore_ascii_case("no-cache")));
        RequestDirectives {
            no_cache: d.has("no-cache") || pragma_no_cache,
            no_store: d.has("no-store"),
            only_if_cached: d.has("only-if-cached"),
            max_age: d.seconds("max-age").valid(),
            min_fresh: d.seconds("min-fresh").valid(),
            max_stale: d.max_stale(),
            stale_if_error: d.seconds("stale-if-error").valid(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(v: &str) -> Directives {
        Directives::parse([v])
    }

    #[test]
    fn arguments_in_both_forms_and_first_occurrence() {
        assert_eq!(cc("max-age=60").seconds("max-age"), Seconds::Valid(60));
        assert_eq!(cc(r#"max-age="60""#).seconds("max-age"), Seconds::Valid(60));
        assert_eq!(cc("MaX-AgE=60").seconds("max-age"), Seconds::Valid(60));
        assert_eq!(cc("max-age=003600").seconds("max-age"), Seconds::Valid(3600));
        assert_eq!(cc("max-age=1800, max-age=1").seconds("max-age"), Seconds::Valid(1800));
        assert_eq!(Directives::parse(["max-age=1", "max-age=1800"]).seconds("max-age"), Seconds::Valid(1));
        for invalid in ["max-age=-1", "max-age='60'", "max-age=1.5", "max-age", "max-age= 60", "max-age=a1"] {
            assert_eq!(cc(invalid).seconds("max-age"), Seconds::Invalid, "{invalid}");
        }
        assert_eq!(cc("max-age =60").seconds("max-age"), Seconds::Absent, "not a directive name");
        assert_eq!(cc("s-maxage=5").seconds("max-age"), Seconds::Absent);
    }

    #[test]
    fn quoted_strings_hide_directives() {
        assert_eq!(cc(r#"extension="max-age=100", max-age=1"#).seconds("max-age"), Seconds::Valid(1));
        assert_eq!(cc(r#"max-age=1, extension="max-age=100""#).seconds("max-age"), Seconds::Valid(1));
        assert!(!cc(r#"ext="no-store, x""#).has("no-store"));
    }

    #[test]
    fn scopes() {
        assert_eq!(cc("no-cache").scope("no-cache"), Scope::All);
        assert_eq!(cc(r#"no-cache="A, b""#).scope("no-cache"), Scope::Fields(vec!["a".into(), "b".into()]));
        assert_eq!(cc("no-cache=a").scope("no-cache"), Scope::Fields(vec!["a".into()]));
        assert_eq!(cc(r#"no-cache="a", no-cache"#).scope("no-cache"), Scope::All);
        assert_eq!(cc(r#"no-cache="""#).scope("no-cache"), Scope::All);
        assert_eq!(cc("max-age=1").scope("no-cache"), Scope::None);
    }

    #[test]
    fn request_directives_and_pragma() {
        let r = RequestDirectives::new(Some("max-stale, Only-If-Cached, min-fresh=5, max-age=x"), None);
        assert_eq!((r.max_stale, r.only_if_cached, r.min_fresh, r.max_age), (Some(None), true, Some(5), None));
        assert_eq!(RequestDirectives::new(Some("max-stale=10"), None).max_stale, Some(Some(10)));
        assert!(RequestDirectives::new(None, Some("no-cache")).no_cache);
        assert!(!RequestDirectives::new(Some("nothing-to-see-here"), Some("no-cache")).no_cache, "§5.4");
        assert!(!RequestDirectives::new(None, Some("foo")).no_cache);
    }
}
