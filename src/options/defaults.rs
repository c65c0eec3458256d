//! Effective values of options (the spec's defaults applied). TEMPORARY: replaced on merge.
use super::{HttpRequestOptions, RequestMethod};

/// Default `maxLimit`: 5 MiB.
pub const DEFAULT_MAX_LIMIT: u64 = 5 * 1024 * 1024;
/// Largest `maxLimit`: 100 MiB.
pub const MAX_MAX_LIMIT: u64 = 100 * 1024 * 1024;
/// Default read and connect timeouts: 60 s.
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;

impl HttpRequestOptions {
    /// The method (default GET).
    pub fn method(&self) -> RequestMethod {
        self.method.unwrap_or_default()
    }
    /// The priority (default 1).
    pub fn priority_or_default(&self) -> u32 {
        self.priority.unwrap_or(1)
    }
    /// readTimeout in ms (default 60000; 0 = none).
    pub fn read_timeout_ms(&self) -> u64 {
        self.read_timeout.unwrap_or(DEFAULT_TIMEOUT_MS)
    }
    /// connectTimeout in ms (default 60000).
    pub fn connect_timeout_ms(&self) -> u64 {
        self.connect_timeout.unwrap_or(DEFAULT_TIMEOUT_MS)
    }
    /// maxLimit in bytes (default 5 MiB).
    pub fn max_limit_bytes(&self) -> u64 {
        self.max_limit.unwrap_or(DEFAULT_MAX_LIMIT)
    }
    /// usingCache (default true).
    pub fn using_cache_or_default(&self) -> bool {
        self.using_cache.unwrap_or(true)
    }
    /// The Range value from resumeFrom/resumeTo.
    pub fn range(&self) -> Option<String> {
        let ok = |v: Option<u64>| v.filter(|v| (1..=1u64 << 32).contains(v));
        match (ok(self.resume_from), ok(self.resume_to)) {
            (Some(f), Some(t)) => Some(format!("{f}-{t}")),
            (Some(f), None) => Some(format!("{f}-")),
            (None, Some(t)) => Some(format!("0-{t}")),
            (None, None) => None,
        }
    }
}
