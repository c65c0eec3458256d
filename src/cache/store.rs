//! The in-memory store: entries by method and URL, bounded in bytes, least recently used
//! evicted first.
use super::fields::{self, RequestFields};
use super::policy::{self, Rules};
use super::range::ContentRange;
use crate::plan::SecurityContext;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

/// Bytes counted for an entry beyond its fields' text (bookkeeping, policy).
const ENTRY_OVERHEAD: u64 = 256;

/// What is stored of one response (the rules are derived from it: [`Entry`]).
#[derive(Debug)]
pub(crate) struct Stored {
    /// Request method ("GET" or "HEAD").
    pub method: String,
    /// The request URL as libcurl wrote it (with the query built from extraData).
    pub url: String,
    /// Status code of the stored response (206 for a part of the representation).
    pub status: u32,
    /// The request's values of the fields the response varies on, and `host` if the request
    /// set it (lower-cased names, lines combined). Absent fields are absent here too.
    pub request_fields: Vec<(String, String)>,
    /// The request's `Authorization`, when it had one (such entries stay in memory only).
    pub authorization: Option<String>,
    /// Whom the request trusted and went through (pins, CA, client certificate, proxy): the
    /// entry is only served to requests with the same context.
    pub security: SecurityContext,
    /// Response fields as stored (lower-cased keys; see `policy::stored_fields`), `age`
    /// holding the corrected initial age.
    pub headers: Map<String, Value>,
    /// The body (empty for HEAD; the part's bytes for a 206); shared with the responses
    /// served from it.
    pub body: Arc<Vec<u8>>,
    /// curl's cookie list of the transfer that fetched it.
    pub cookies: String,
    /// HTTP version of that transfer.
    pub http_version: String,
    /// When the response was received.
    pub response_time: SystemTime,
}

/// One stored response and what is derived from it.
#[derive(Debug)]
pub(crate) struct Entry {
    stored: Stored,
    /// Its freshness rules.
    pub rules: Rules,
    /// The part of the representation a 206 holds (`None` for a whole response).
    pub part: Option<ContentRange>,
    /// The field names its `Vary` lists.
    pub vary: Vec<String>,
}

impl std::ops::Deref for Entry {
    type Target = Stored;

    fn deref(&self) -> &Stored {
        &self.stored
    }
}

impl Entry {
    /// An entry; `None` for a 206 whose `Content-Range` is not one part matching its body.
    pub(crate) fn new(stored: Stored) -> Option<Entry> {
        let part = match stored.status {
            206 => Some(
                fields::first(&stored.headers, "content-range")
                    .and_then(ContentRange::parse)
                    .filter(|p| p.len() == stored.body.len() as u64)?,
            ),
            _ => None,
        };
        let rules = Rules::new(stored.status, &stored.headers, stored.response_time);
        let vary = policy::vary_names(&stored.headers);
        Some(Entry { stored, rules, part, vary })
    }

    /// Whether it holds the whole representation (not a part of it).
    pub(crate) fn is_complete(&self) -> bool {
        self.part.is_none()
    }

    /// Whether byte ranges of its body are byte ranges of the representation: it has no
    /// content coding (a coded body is stored decoded, so its ranges would not match).
    pub(crate) fn identity(&self) -> bool {
        fields::first(&self.headers, "content-encoding")
            .map_or(true, |c| fields::list(c).iter().all(|c| c.eq_ignore_ascii_case("identity")))
    }

    /// The length of the whole representation, when known.
    pub(crate) fn full_length(&self) -> Option<u64> {
        match &self.part {
            None => Some(self.body.len() as u64),
            Some(p) => p.length,
        }
    }

    /// Whether a request with these fields selects it by its `Vary` (§4.1: the listed fields,
    /// normalized, equal; absent only matches absent) and by `host`.
    pub(crate) fn selected_by(&self, fields: &RequestFields) -> bool {
        if self.vary.iter().any(|v| v == "*") {
            return false;
        }
        let stored = RequestFields::from_pairs(&self.request_fields);
        self.vary.iter().map(String::as_str).chain(["host"]).all(|name| match (stored.get(name), fields.get(name)) {
            (None, None) => true,
            (Some(a), Some(b)) => policy::normalize_field(name, &a) == policy::normalize_field(name, &b),
            _ => false,
        })
    }

    /// Bytes this entry counts against the cache size: body, URL, fields, cookies, overhead.
    pub(crate) fn size(&self) -> u64 {
        let fields: usize = self
            .headers
            .iter()
            .map(|(k, v)| {
                k.len()
                    + 4
                    + match v {
                        Value::String(s) => s.len(),
                        other => other.to_string().len(),
                    }
            })
            .sum();
        let req: usize = self.request_fields.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
        (self.body.len() + self.url.len() + self.method.len() + fields + req + self.cookies.len()) as u64
            + ENTRY_OVERHEAD
    }

    /// Whether `flush()` writes it: not when the request carried credentials or secrets.
    pub(crate) fn persistable(&self) -> bool {
        self.authorization.is_none() && !self.security.has_secret()
    }

    /// Whether it may answer a request with this `authorization` and security context.
    pub(crate) fn serves(&self, authorization: &Option<String>, security: &SecurityContext) -> bool {
        &self.authorization == authorization && &self.security == security
    }
}

struct Slot {
    entry: Arc<Entry>,
    used: u64,
    size: u64,
}

/// The entries, their byte total and use order.
pub(crate) struct Store {
    capacity: u64,
    bytes: u64,
    clock: u64,
    next_id: u64,
    slots: HashMap<u64, Slot>,
    by_key: HashMap<(String, String), Vec<u64>>,
    lru: BTreeMap<u64, u64>,
}

impl Store {
    /// An empty store holding at most `capacity` bytes.
    pub(crate) fn new(capacity: u64) -> Self {
        Store {
            capacity,
            bytes: 0,
            clock: 0,
            next_id: 1,
            slots: HashMap::new(),
            by_key: HashMap::new(),
            lru: BTreeMap::new(),
        }
    }

    /// The size bound in bytes.
    pub(crate) fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Changes the bound, evicting least recently used entries to fit.
    pub(crate) fn set_capacity(&mut self, capacity: u64) {
        self.capacity = capacity;
        self.evict_to(capacity);
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Bytes in use.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The entries stored for `method` and `url`, most recently used first.
    pub(crate) fn find(&self, method: &str, url: &str) -> Vec<(u64, Arc<Entry>)> {
        let Some(ids) = self.by_key.get(&(method.to_string(), url.to_string())) else { return Vec::new() };
        let mut found: Vec<(u64, u64, Arc<Entry>)> =
            ids.iter().filter_map(|id| self.slots.get(id).map(|s| (s.used, *id, s.entry.clone()))).collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        found.into_iter().map(|(_, id, e)| (id, e)).collect()
    }

    /// Marks an entry as just used.
    pub(crate) fn touch(&mut self, id: u64) {
        let now = self.tick();
        if let Some(slot) = self.slots.get_mut(&id) {
            self.lru.remove(&slot.used);
            slot.used = now;
            self.lru.insert(now, id);
        }
    }

    /// Stores an entry as the most recently used one, evicting others to make room; an entry
    /// larger than the whole bound is not stored (`None`).
    pub(crate) fn insert(&mut self, entry: Arc<Entry>) -> Option<u64> {
        let size = entry.size();
        if size > self.capacity {
            return None;
        }
        self.evict_to(self.capacity - size);
        let id = self.next_id;
        self.next_id += 1;
        let used = self.tick();
        self.by_key.entry((entry.method.clone(), entry.url.clone())).or_default().push(id);
        self.lru.insert(used, id);
        self.slots.insert(id, Slot { entry, used, size });
        self.bytes += size;
        Some(id)
    }

    /// Removes an entry (no-op when it is gone already).
    pub(crate) fn remove(&mut self, id: u64) {
        let Some(slot) = self.slots.remove(&id) else { return };
        self.lru.remove(&slot.used);
        self.bytes -= slot.size;
        let key = (slot.entry.method.clone(), slot.entry.url.clone());
        if let Some(ids) = self.by_key.get_mut(&key) {
            ids.retain(|i| *i != id);
            if ids.is_empty() {
                self.by_key.remove(&key);
            }
        }
    }

    /// Removes every entry of `url`, whatever its method.
    pub(crate) fn remove_url(&mut self, url: &str) {
        let ids: Vec<u64> =
            self.by_key.iter().filter(|((_, u), _)| u == url).flat_map(|(_, ids)| ids.clone()).collect();
        for id in ids {
            self.remove(id);
        }
    }

    /// Every entry, least recently used first.
    pub(crate) fn entries_oldest_first(&self) -> Vec<Arc<Entry>> {
        self.lru.values().filter_map(|id| self.slots.get(id).map(|s| s.entry.clone())).collect()
    }

    fn evict_to(&mut self, limit: u64) {
        while self.bytes > limit {
            let Some((_, id)) = self.lru.iter().next().map(|(u, id)| (*u, *id)) else { break };
            self.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, body: usize) -> Arc<Entry> {
        let mut headers = Map::new();
        headers.insert("cache-control".into(), Value::String("max-age=60".into()));
        Entry::new(Stored {
            method: "GET".into(),
            url: url.into(),
            status: 200,
            request_fields: vec![],
            authorization: None,
            security: SecurityContext::default(),
            headers,
            body: Arc::new(vec![b'x'; body]),
            cookies: String::new(),
            http_version: "1.1".into(),
            response_time: SystemTime::now(),
        })
        .map(Arc::new)
        .unwrap()
    }

    #[test]
    fn lru_by_bytes() {
        let one = entry("http://h/a", 1000).size();
        let mut s = Store::new(one * 3);
        let a = s.insert(entry("http://h/a", 1000)).unwrap();
        let b = s.insert(entry("http://h/b", 1000)).unwrap();
        s.insert(entry("http://h/c", 1000)).unwrap();
        assert_eq!(s.len(), 3);
        s.touch(a);
        s.insert(entry("http://h/d", 1000)).unwrap();
        assert_eq!(s.len(), 3);
        assert!(s.find("GET", "http://h/b").is_empty(), "b was the least recently used");
        assert!(!s.find("GET", "http://h/a").is_empty());
        assert!(s.bytes() <= s.capacity());
        assert!(s.insert(entry("http://h/big", 5000)).is_none(), "larger than the bound");
        assert_eq!(s.len(), 3);
        s.remove(b); // already gone: no-op
        s.remove_url("http://h/a");
        assert_eq!(s.len(), 2);
        s.set_capacity(one);
        assert_eq!(s.len(), 1);
        assert_eq!(s.entries_oldest_first()[0].url, "http://h/d");
        s.set_capacity(0);
        assert_eq!((s.len(), s.bytes()), (0, 0));
    }
}
