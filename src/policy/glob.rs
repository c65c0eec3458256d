//! Host patterns of the allow-list and the proxy exclusion list: `*` alone matches every host;
//! otherwise a case-insensitive match of the whole host in which each `*` stands for any run
//! of characters (`*.example.com`, `api-*.example.com`, `10.0.*`).
//!
//! Linear in the lengths of host and pattern: the pattern is cut at its stars; the first piece
//! must start the host, the last must end it, and the pieces between are found left to right,
//! each at its first place after the previous one (`str::find`, linear). Taking the first
//! place is always right for `*`-only patterns: a later place leaves less room, never more.

/// Whether `pattern` matches `host` (see the module docs).
pub(crate) fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == "*" {
        return true;
    }
    let pattern = pattern.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = host.strip_prefix(first) else { return false };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // no star: the whole host
        return rest.is_empty();
    };
    for piece in middle.iter().filter(|p| !p.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::host_matches;
    use std::time::{Duration, Instant};

    #[test]
    fn patterns() {
        assert!(host_matches("*", "anything"));
        assert!(host_matches(" * ", "anything"));
        assert!(host_matches("localhost", "LOCALHOST"));
        assert!(host_matches("*.example.com", "a.example.com"));
        assert!(host_matches("*.example.com", "a.b.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(!host_matches("example.com", "example.com.evil"));
        assert!(!host_matches("example.com", "aexample.com"));
        assert!(host_matches("api-*.example.com", "api-eu.example.com"));
        assert!(!host_matches("api-*.example.com", "api.example.com"));
        assert!(host_matches("10.0.*", "10.0.0.1"));
        assert!(host_matches("a*b*c", "abc"));
        assert!(host_matches("a*b*c", "aXbYbZc"));
        assert!(!host_matches("a*b*c", "aXcYb"));
        assert!(host_matches("**", "x"));
        assert!(host_matches("a**", "a"));
        // the last piece may not reuse what a middle piece consumed
        assert!(!host_matches("*ab*ba", "aba"));
        assert!(host_matches("*ab*ba", "abba"));
        assert!(!host_matches("", "x"));
        assert!(host_matches("", ""));
    }

    #[test]
    fn pathological_patterns_stay_linear() {
        // The old backtracking matcher took ~660 ms for a 30-character host against ten stars,
        // and grows exponentially with more; this one is linear, so a far larger case is quick.
        let started = Instant::now();
        let host = "a".repeat(30);
        assert!(!host_matches(&format!("{}b", "*a".repeat(10)), &host));
        let host = "a".repeat(100_000);
        let pattern = format!("{}b", "*a".repeat(2_000));
        assert!(!host_matches(&pattern, &host));
        assert!(host_matches(&"*a".repeat(2_000), &host));
        // generous: the machine is shared and noisy; exponential time would never finish
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }
}
