//! Response header collection: one map per response, reset at every status line so that a
//! redirect's or a 1xx's headers never leak into the final map.
use serde_json::{Map, Value};

/// What one header line meant.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeaderLine {
    /// A status line: a new response begins (its code).
    Status(u32),
    /// A header field was added.
    Field,
    /// The blank line that ends a header block.
    End,
    /// Something else (ignored).
    Other,
}

/// Collects the header fields of the current response.
#[derive(Debug, Default)]
pub(crate) struct HeaderCollector {
    map: Map<String, Value>,
    last_key: Option<String>,
    status: u32,
}

impl HeaderCollector {
    /// Feeds one raw line as curl's header callback delivers it.
    pub(crate) fn feed(&mut self, raw: &[u8]) -> HeaderLine {
        let line = String::from_utf8_lossy(raw);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return HeaderLine::End;
        }
        if line.starts_with("HTTP/") {
            self.map = Map::new();
            self.last_key = None;
            self.status = line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
            return HeaderLine::Status(self.status);
        }
        if line.starts_with([' ', '\t']) {
            // obsolete line folding: continue the previous field's value
            if let Some(Value::String(v)) = self.last_key.as_ref().and_then(|k| self.map.get_mut(k)) {
                v.push(' ');
                v.push_str(line.trim());
                return HeaderLine::Field;
            }
            return HeaderLine::Other;
        }
        let Some((name, value)) = line.split_once(':') else {
            return HeaderLine::Other;
        };
        let key = name.trim().to_ascii_lowercase();
        let value = value.trim().to_string();
        if key == "set-cookie" {
            match self.map.get_mut(&key) {
                Some(Value::Array(a)) => a.push(Value::String(value)),
                _ => {
                    self.map.insert(key.clone(), Value::Array(vec![Value::String(value)]));
                }
            }
        } else {
            match self.map.get_mut(&key) {
                Some(Value::String(v)) => {
                    v.push_str(", ");
                    v.push_str(&value);
                }
                _ => {
                    self.map.insert(key.clone(), Value::String(value));
                }
            }
        }
        self.last_key = Some(key);
        HeaderLine::Field
    }

    /// The current response's fields.
    pub(crate) fn map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// Takes the fields, leaving an empty map.
    pub(crate) fn take(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.map)
    }

    /// The current response's status code (0 before any status line); the redirect guard
    /// reads it at the end of each header block.
    pub(crate) fn status(&self) -> u32 {
        self.status
    }

    /// A field's value as a string (the first of an array).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        match self.map.get(key)? {
            Value::String(s) => Some(s),
            Value::Array(a) => a.first().and_then(Value::as_str),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resets_per_response_and_merges_fields() {
        let mut h = HeaderCollector::default();
        assert_eq!(h.feed(b"HTTP/1.1 302 Found\r\n"), HeaderLine::Status(302));
        h.feed(b"Location: /next\r\n");
        assert_eq!(h.feed(b"\r\n"), HeaderLine::End);
        assert_eq!(h.feed(b"HTTP/2 200\r\n"), HeaderLine::Status(200));
        h.feed(b"Content-Type: text/plain\r\n");
        h.feed(b"Set-Cookie: a=1\r\n");
        h.feed(b"set-cookie: b=2\r\n");
        h.feed(b"X-Multi: one\r\n");
        h.feed(b"x-multi: two\r\n");
        h.feed(b"X-Folded: start\r\n");
        h.feed(b"  more\r\n");
        h.feed(b"no colon here\r\n");
        let m = h.map();
        assert!(m.get("location").is_none(), "redirect headers must not leak");
        assert_eq!(m["content-type"], "text/plain");
        assert_eq!(m["set-cookie"], serde_json::json!(["a=1", "b=2"]));
        assert_eq!(m["x-multi"], "one, two");
        assert_eq!(m["x-folded"], "start more");
        assert_eq!(h.status, 200);
        assert_eq!(h.get("set-cookie"), Some("a=1"));
    }
}
