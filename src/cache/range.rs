//! Byte ranges (RFC 9110 §14): the one `Range` form the cache answers (a single `bytes=`
//! range), `Content-Range` of a `206`, and combining parts of one representation
//! (RFC 9111 §3.3, §3.4).
use super::fields::trim_ows;

/// A single byte range of a request (`bytes=a-b`, `bytes=a-`, `bytes=-n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeSpec {
    /// From `first` to `last` (inclusive; to the end when `None`).
    From { first: u64, last: Option<u64> },
    /// The last `n` bytes.
    Suffix(u64),
}

impl RangeSpec {
    /// A `Range` value with one byte range; `None` for anything else (several ranges, another
    /// unit, bad syntax), which the cache then leaves to the origin.
    pub(crate) fn parse(value: &str) -> Option<RangeSpec> {
        let (unit, set) = trim_ows(value).split_once('=')?;
        if !unit.eq_ignore_ascii_case("bytes") || set.contains(',') {
            return None;
        }
        let (first, last) = trim_ows(set).split_once('-')?;
        let number = |s: &str| (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?;
        match (first, last) {
            ("", n) => Some(RangeSpec::Suffix(number(n)?)).filter(|r| *r != RangeSpec::Suffix(0)),
            (f, "") => Some(RangeSpec::From { first: number(f)?, last: None }),
            (f, l) => {
                let (first, last) = (number(f)?, number(l)?);
                (last >= first).then_some(RangeSpec::From { first, last: Some(last) })
            }
        }
    }

    /// The `Range` option form `a-b` of `resumeFrom`/`resumeTo`.
    pub(crate) fn from_option(range: &str) -> Option<RangeSpec> {
        RangeSpec::parse(&format!("bytes={range}"))
    }

    /// The bytes it selects of a representation of `length` bytes (`first..=last`), `None`
    /// when it selects none (unsatisfiable: the origin answers that).
    pub(crate) fn resolve(self, length: u64) -> Option<(u64, u64)> {
        if length == 0 {
            return None;
        }
        match self {
            RangeSpec::Suffix(n) => Some((length.saturating_sub(n), length - 1)),
            RangeSpec::From { first, .. } if first >= length => None,
            RangeSpec::From { first, last } => Some((first, last.map_or(length - 1, |l| l.min(length - 1)))),
        }
    }
}

/// `Content-Range: bytes first-last/length` of a `206` with one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentRange {
    /// First byte position.
    pub first: u64,
    /// Last byte position (inclusive).
    pub last: u64,
    /// The whole representation's length, when known (not `*`).
    pub length: Option<u64>,
}

impl ContentRange {
    /// Parses `bytes a-b/n` or `bytes a-b/*`; `None` for an unsatisfied range or bad syntax.
    pub(crate) fn parse(value: &str) -> Option<ContentRange> {
        let rest = trim_ows(value).strip_prefix("bytes ")?;
        let (range, length) = rest.split_once('/')?;
        let (first, last) = range.split_once('-')?;
        let number = |s: &str| (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?;
        let (first, last) = (number(first)?, number(last)?);
        let length = if length == "*" { None } else { Some(number(length)?) };
        (last >= first && length.map_or(true, |l| last < l)).then_some(ContentRange { first, last, length })
    }

    /// How many bytes the part holds.
    pub(crate) fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// The header value.
    pub(crate) fn text(&self) -> String {
        match self.length {
            Some(l) => format!("bytes {}-{}/{l}", self.first, self.last),
            None => format!("bytes {}-{}/*", self.first, self.last),
        }
    }

    /// The bytes `spec` selects within this part, when the part holds all of them
    /// (RFC 9111 §3.3: an incomplete response answers only ranges wholly within it).
    pub(crate) fn select(&self, spec: RangeSpec) -> Option<(u64, u64)> {
        let (first, last) = match (spec, self.length) {
            (_, Some(length)) => spec.resolve(length)?,
            (RangeSpec::From { first, last: Some(last) }, None) => (first, last),
            _ => return None,
        };
        (first >= self.first && last <= self.last).then_some((first, last))
    }
}

/// Two parts of one representation (`a` with its bytes, `b` with its bytes) as one, when they
/// touch or overlap; the newer part's bytes (`b`) win where they overlap.
pub(crate) fn combine(a: (ContentRange, &[u8]), b: (ContentRange, &[u8])) -> Option<(ContentRange, Vec<u8>)> {
    let ((ra, ba), (rb, bb)) = (a, b);
    if ra.length != rb.length || ra.first > rb.last.saturating_add(1) || rb.first > ra.last.saturating_add(1) {
        return None;
    }
    let first = ra.first.min(rb.first);
    let last = ra.last.max(rb.last);
    let mut out = vec![0u8; usize::try_from(last - first + 1).ok()?];
    let place = |out: &mut Vec<u8>, r: ContentRange, bytes: &[u8]| {
        let at = (r.first - first) as usize;
        out[at..at + bytes.len()].copy_from_slice(bytes);
    };
    place(&mut out, ra, ba);
    place(&mut out, rb, bb);
    Some((ContentRange { first, last, length: ra.length }, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_specs() {
        assert_eq!(RangeSpec::parse("bytes=0-1"), Some(RangeSpec::From { first: 0, last: Some(1) }));
        assert_eq!(RangeSpec::parse("bytes=5-"), Some(RangeSpec::From { first: 5, last: None }));
        assert_eq!(RangeSpec::parse("Bytes=-3"), Some(RangeSpec::Suffix(3)));
        for other in ["bytes=0-1,3-4", "items=0-1", "bytes=2-1", "bytes=-0", "bytes=a-", "bytes="] {
            assert_eq!(RangeSpec::parse(other), None, "{other}");
        }
        assert_eq!(RangeSpec::from_option("10-"), Some(RangeSpec::From { first: 10, last: None }));
        let all = 11;
        assert_eq!(RangeSpec::parse("bytes=0-1").unwrap().resolve(all), Some((0, 1)));
        assert_eq!(RangeSpec::parse("bytes=1-").unwrap().resolve(all), Some((1, 10)));
        assert_eq!(RangeSpec::parse("bytes=-1").unwrap().resolve(all), Some((10, 10)));
        assert_eq!(RangeSpec::parse("bytes=-50").unwrap().resolve(all), Some((0, 10)));
        assert_eq!(RangeSpec::parse("bytes=5-100").unwrap().resolve(all), Some((5, 10)));
        assert_eq!(RangeSpec::parse("bytes=11-").unwrap().resolve(all), None);
    }

    #[test]
    fn content_ranges() {
        let cr = ContentRange::parse("bytes 4-9/10").unwrap();
        assert_eq!((cr.first, cr.last, cr.length, cr.len()), (4, 9, Some(10), 6));
        assert_eq!(cr.text(), "bytes 4-9/10");
        assert_eq!(ContentRange::parse("bytes 0-4/*").unwrap().length, None);
        for bad in ["bytes */10", "bytes 4-9/9", "bytes 9-4/10", "items 0-1/2", "bytes 0-1"] {
            assert_eq!(ContentRange::parse(bad), None, "{bad}");
        }
        assert_eq!(cr.select(RangeSpec::parse("bytes=6-8").unwrap()), Some((6, 8)));
        assert_eq!(cr.select(RangeSpec::parse("bytes=-2").unwrap()), Some((8, 9)));
        assert_eq!(cr.select(RangeSpec::parse("bytes=3-5").unwrap()), None, "not wholly within");
        let unknown = ContentRange::parse("bytes 0-4/*").unwrap();
        assert_eq!(unknown.select(RangeSpec::parse("bytes=1-2").unwrap()), Some((1, 2)));
        assert_eq!(unknown.select(RangeSpec::parse("bytes=-1").unwrap()), None);
    }

    #[test]
    fn combining_parts() {
        let a = ContentRange::parse("bytes 0-4/10").unwrap();
        let b = ContentRange::parse("bytes 5-9/10").unwrap();
        let (r, bytes) = combine((a, b"01234"), (b, b"56789")).unwrap();
        assert_eq!((r.text(), bytes.as_slice()), ("bytes 0-9/10".to_string(), b"0123456789".as_slice()));
        let c = ContentRange::parse("bytes 3-6/10").unwrap();
        let (r, bytes) = combine((a, b"01234"), (c, b"XYZW")).unwrap();
        assert_eq!((r.text(), bytes.as_slice()), ("bytes 0-6/10".to_string(), b"012XYZW".as_slice()));
        let far = ContentRange::parse("bytes 7-9/10").unwrap();
        assert!(combine((a, b"01234"), (far, b"789")).is_none(), "a gap");
        let other = ContentRange::parse("bytes 5-9/11").unwrap();
        assert!(combine((a, b"01234"), (other, b"56789")).is_none(), "another length");
    }
}
