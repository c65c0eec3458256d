//! Response header collection: one map per response, reset at every status line so that a
//! redirect's or a 1xx's headers never leak into the final map.
use serde_json::map::Entry;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// What one header line meant.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeaderLine {
    /// A status line: a new response begins (its code).
    Status(u32),
    /// A header field was added.
    Field,
    /// The blank line that ends a header block.
    End,
}

/// The current response's header block as raw bytes, with the few fields the reactor needs
/// picked out on the way; the map is built on the consumer's thread (`HeaderBlock::map`).
#[derive(Debug, Default)]
pub(crate) struct RawHeaders {
    raw: Vec<u8>,
    /// The status line as received, without its line end (`HTTP/1.1 200 OK`).
    status_line: Vec<u8>,
    status: u32,
    content_length: Option<u64>,
    encoded: bool,
    location: Option<Vec<u8>>,
}

/// Bytes reserved for a header block when its first field arrives.
const RAW_BLOCK_CAPACITY: usize = 512;

/// `name:` at the start of a header line, ASCII case-insensitively; returns the value.
fn field_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let head = line.get(..name.len())?;
    if head.eq_ignore_ascii_case(name) && line.get(name.len()) == Some(&b':') {
        Some(line[name.len() + 1..].trim_ascii())
    } else {
        None
    }
}

impl RawHeaders {
    /// Feeds one raw line as curl's header callback delivers it.
    pub(crate) fn feed(&mut self, line: &[u8]) -> HeaderLine {
        let text = line.trim_ascii_end();
        if text.is_empty() {
            return HeaderLine::End;
        }
        if text.starts_with(b"HTTP/") {
            *self = RawHeaders::default();
            self.status_line = text.to_vec();
            let code = text.split(|b| *b == b' ').nth(1).unwrap_or_default();
            self.status = std::str::from_utf8(code).ok().and_then(|c| c.parse().ok()).unwrap_or(0);
            return HeaderLine::Status(self.status);
        }
        if self.raw.is_empty() {
            // one allocation for a typical header block instead of a doubling series
            self.raw.reserve(RAW_BLOCK_CAPACITY);
        }
        self.raw.extend_from_slice(line);
        if let Some(v) = field_value(text, b"content-length") {
            self.content_length = std::str::from_utf8(v).ok().and_then(|v| v.parse().ok());
        } else if let Some(v) = field_value(text, b"content-encoding") {
            self.encoded = !v.eq_ignore_ascii_case(b"identity");
        } else if let Some(v) = field_value(text, b"location") {
            // the first one, as libcurl takes it
            if self.location.is_none() {
                self.location = Some(v.to_vec());
            }
        }
        HeaderLine::Field
    }

    /// The current response's status code (0 before any status line).
    pub(crate) fn status(&self) -> u32 {
        self.status
    }

    /// The announced body length, unless the body is content-encoded.
    pub(crate) fn plain_length(&self) -> Option<u64> {
        self.content_length.filter(|_| !self.encoded)
    }

    /// The first `Location` field of the current response, as the server sent it.
    pub(crate) fn location(&self) -> Option<&[u8]> {
        self.location.as_deref()
    }

    /// A copy of the block so far.
    pub(crate) fn block(&self) -> HeaderBlock {
        HeaderBlock { status_line: self.status_line_text(), ..HeaderBlock::raw(self.raw.clone()) }
    }

    /// Takes the block, leaving an empty one.
    pub(crate) fn take_block(&mut self) -> HeaderBlock {
        HeaderBlock { status_line: self.status_line_text(), ..HeaderBlock::raw(std::mem::take(&mut self.raw)) }
    }

    fn status_line_text(&self) -> Option<String> {
        (!self.status_line.is_empty()).then(|| String::from_utf8_lossy(&self.status_line).into_owned())
    }
}

/// A response's header fields: raw lines until someone needs the map, then the map.
#[derive(Debug, Default)]
pub(crate) struct HeaderBlock {
    raw: Option<Vec<u8>>,
    map: Map<String, Value>,
    /// The response's status line, for the caller's map (`header['status-line']`); never
    /// part of `map()`, which holds header fields only.
    status_line: Option<String>,
}

impl HeaderBlock {
    /// Raw header lines (parsed on first use).
    pub(crate) fn raw(raw: Vec<u8>) -> Self {
        HeaderBlock { raw: Some(raw), map: Map::new(), status_line: None }
    }

    /// An already parsed map.
    pub(crate) fn parsed(map: Map<String, Value>) -> Self {
        HeaderBlock { raw: None, map, status_line: None }
    }

    /// The map (parsing the raw lines the first time).
    pub(crate) fn map(&mut self) -> &mut Map<String, Value> {
        if let Some(raw) = self.raw.take() {
            // one UTF-8 check for the whole block (the usual case); lossy only when invalid
            let text = match std::str::from_utf8(&raw) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(&raw),
            };
            let mut fields = FieldParser::default();
            text.split_inclusive('\n').for_each(|line| fields.line(line));
            self.map = fields.map;
        }
        &mut self.map
    }

    /// The map as last parsed: call `map()` first (raw lines not parsed yet are not in it).
    pub(crate) fn parsed_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The map for the caller, taken: the fields, and the status line as `status-line`
    /// (the spec's common field `header['status-line']`) when the block has one.
    pub(crate) fn into_map(mut self) -> Map<String, Value> {
        self.map();
        if let Some(line) = self.status_line.take() {
            self.map.insert("status-line".into(), Value::String(line));
        }
        self.map
    }
}

/// Builds the map from one response's field lines (status lines never reach it: `RawHeaders`
/// starts a new block at each one).
#[derive(Debug, Default)]
struct FieldParser {
    map: Map<String, Value>,
    /// The last field's name (lower case), for folded continuation lines.
    last_key: String,
}

impl FieldParser {
    /// Adds one field line (with or without its line end); folded continuation lines extend
    /// the previous field, lines without a colon are ignored.
    fn line(&mut self, line: &str) {
        // byte-level scanning throughout: header syntax is ASCII (the char-pattern forms of
        // trim/split cost ~2x the whole parse in callgrind)
        let end = line.bytes().rposition(|b| !matches!(b, b'\r' | b'\n')).map_or(0, |i| i + 1);
        let line = &line[..end];
        if line.is_empty() {
            return;
        }
        if matches!(line.as_bytes()[0], b' ' | b'\t') {
            // obsolete line folding: continue the previous field's value
            if let Some(Value::String(v)) = self.map.get_mut(self.last_key.as_str()) {
                v.push(' ');
                v.push_str(line.trim_ascii());
            }
            return;
        }
        let Some(colon) = line.bytes().position(|b| b == b':') else {
            return;
        };
        let key = line[..colon].trim_ascii().to_ascii_lowercase();
        let value = line[colon + 1..].trim_ascii();
        // remembered in a reused buffer (for folding) before the key moves into the map
        self.last_key.clear();
        self.last_key.push_str(&key);
        let cookie = key == "set-cookie";
        match self.map.entry(key) {
            Entry::Occupied(mut field) => match field.get_mut() {
                Value::Array(a) => a.push(Value::String(value.to_owned())),
                Value::String(v) => {
                    v.push_str(", ");
                    v.push_str(value);
                }
                other => *other = Value::String(value.to_owned()),
            },
            Entry::Vacant(slot) => {
                let value = Value::String(value.to_owned());
                slot.insert(if cookie { Value::Array(vec![value]) } else { value });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_headers_pick_out_what_the_reactor_needs_and_parse_later() {
        let mut r = RawHeaders::default();
        assert_eq!(r.feed(b"HTTP/1.1 301 Moved\r\n"), HeaderLine::Status(301));
        r.feed(b"Location: /a\r\n");
        r.feed(b"Location: /b\r\n");
        assert_eq!(r.location(), Some(&b"/a"[..]), "the first Location, as libcurl takes it");
        assert_eq!(r.feed(b"\r\n"), HeaderLine::End);
        r.feed(b"HTTP/2 200\r\n");
        assert_eq!((r.status(), r.location()), (200, None));
        r.feed(b"content-LENGTH: 42\r\n");
        r.feed(b"Set-Cookie: a=1\r\n");
        assert_eq!(r.plain_length(), Some(42));
        r.feed(b"Content-Encoding: gzip\r\n");
        assert_eq!(r.plain_length(), None, "an encoded body's length is not the decoded length");
        let mut block = r.take_block();
        let m = block.map();
        assert_eq!(m["content-length"], "42");
        assert_eq!(m["set-cookie"], serde_json::json!(["a=1"]));
        assert!(!m.contains_key("location"));
        assert!(!m.contains_key("status-line"), "the fields alone: what the cache reads");
        let caller = block.into_map();
        assert_eq!(caller["status-line"], "HTTP/2 200", "the final response's status line");
    }

    #[test]
    fn resets_per_response_and_merges_fields() {
        let mut r = RawHeaders::default();
        assert_eq!(r.feed(b"HTTP/1.1 302 Found\r\n"), HeaderLine::Status(302));
        r.feed(b"Location: /next\r\n");
        assert_eq!(r.feed(b"\r\n"), HeaderLine::End);
        assert_eq!(r.feed(b"HTTP/2 200\r\n"), HeaderLine::Status(200));
        r.feed(b"Content-Type: text/plain\r\n");
        r.feed(b"Set-Cookie: a=1\r\n");
        r.feed(b"set-cookie: b=2\r\n");
        r.feed(b"X-Multi: one\r\n");
        r.feed(b"x-multi: two\r\n");
        r.feed(b"X-Folded: start\r\n");
        r.feed(b"  more\r\n");
        r.feed(b"no colon here\r\n");
        r.feed(b"X-Bad: \xff\xfe\r\n");
        assert_eq!(r.status(), 200);
        let mut block = r.take_block();
        let m = block.map();
        assert!(m.get("location").is_none(), "redirect headers must not leak");
        assert_eq!(m["content-type"], "text/plain");
        assert_eq!(m["set-cookie"], serde_json::json!(["a=1", "b=2"]));
        assert_eq!(m["x-multi"], "one, two");
        assert_eq!(m["x-folded"], "start more");
        assert_eq!(m["x-bad"], "\u{fffd}\u{fffd}", "invalid UTF-8 is replaced, the block still parses");
        assert_eq!(m.len(), 5, "the line without a colon adds nothing: {m:?}");
    }
}
