//! The cache file: format, atomic write, load.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! "OHOS-HTTP-CACHE\n"   16 bytes of magic
//! u32 version (2)       u32 entry count
//! per entry, least recently used first:
//!     u32 length, metadata as JSON (method, url, status, requestFields, security, headers,
//!                                   cookies, httpVersion, responseTime in ms since the Unix
//!                                   epoch)
//!     u64 length, body bytes
//! u64 FNV-1a hash of every byte before it
//! ```
//!
//! A file that does not parse, whose hash differs or that is truncated is rejected whole.
use super::store::{Entry, Stored};
use crate::plan::SecurityContext;
use serde_json::{json, Map, Value};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The file name inside the cache directory.
pub(crate) const FILE_NAME: &str = "response-cache.bin";
const MAGIC: &[u8; 16] = b"OHOS-HTTP-CACHE\n";
/// 2: entries carry their security context (a version 1 file is ignored: its entries had none).
const VERSION: u32 = 2;
/// Files larger than this are not read (a 10 MiB cache writes far less).
const MAX_FILE: u64 = 64 << 20;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The file's bytes for `entries`.
pub(crate) fn encode(entries: &[Arc<Entry>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.body.len() + 1024).sum::<usize>() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for e in entries {
        let ms = e.response_time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
        let meta = json!({
            "method": e.method,
            "url": e.url,
            "status": e.status,
            "requestFields": e.request_fields,
            "security": e.security.to_json(),
            "headers": e.headers,
            "cookies": e.cookies,
            "httpVersion": e.http_version,
            "responseTime": ms,
        })
        .to_string();
        out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        out.extend_from_slice(meta.as_bytes());
        out.extend_from_slice(&(e.body.len() as u64).to_le_bytes());
        out.extend_from_slice(&e.body);
    }
    let hash = fnv1a(&out);
    out.extend_from_slice(&hash.to_le_bytes());
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or("truncated")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| "truncated")?))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| "truncated")?))
    }
}

/// Entries from the file's bytes, least recently used first; an error says what is wrong.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err("not a response cache file (bad magic)".into());
    }
    if bytes.len() < MAGIC.len() + 16 {
        return Err("truncated".into());
    }
    let (content, hash) = bytes.split_at(bytes.len() - 8);
    let mut r = Reader { bytes: content, at: MAGIC.len() };
    let version = r.u32()?;
    if version != VERSION {
        return Err(format!("unsupported version {version}"));
    }
    if u64::from_le_bytes(hash.try_into().map_err(|_| "truncated")?) != fnv1a(content) {
        return Err("checksum mismatch (truncated or damaged)".into());
    }
    let count = r.u32()?;
    let mut entries = Vec::new();
    for i in 0..count {
        let meta_len = r.u32()? as usize;
        let meta: Value = serde_json::from_slice(r.take(meta_len)?).map_err(|e| format!("entry {i}: {e}"))?;
        let body_len = usize::try_from(r.u64()?).map_err(|_| "truncated")?;
        let body = Arc::new(r.take(body_len)?.to_vec());
        entries.push(entry_from(meta, body).ok_or_else(|| format!("entry {i}: invalid metadata"))?);
    }
    if r.at != content.len() {
        return Err("trailing bytes after the last entry".into());
    }
    Ok(entries)
}

fn entry_from(meta: Value, body: Arc<Vec<u8>>) -> Option<Entry> {
    let s = |k: &str| meta.get(k).and_then(Value::as_str).map(str::to_string);
    let fields = meta
        .get("requestFields")?
        .as_array()?
        .iter()
        .map(|p| Some((p.get(0)?.as_str()?.to_string(), p.get(1)?.as_str()?.to_string())))
        .collect::<Option<Vec<_>>>()?;
    let headers: Map<String, Value> = meta.get("headers")?.as_object()?.clone();
    let ms = meta.get("responseTime")?.as_u64()?;
    Entry::new(Stored {
        method: s("method")?,
        url: s("url")?,
        status: u32::try_from(meta.get("status")?.as_u64()?).ok()?,
        request_fields: fields,
        authorization: None,
        security: SecurityContext::from_json(meta.get("security")?)?,
        headers,
        body,
        cookies: s("cookies")?,
        http_version: s("httpVersion")?,
        response_time: SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms))?,
    })
}

/// Reads the cache file in `dir`. A missing file is an empty cache; anything else that goes
/// wrong is an error text for the log line.
pub(crate) fn load(dir: &Path) -> Result<Vec<Entry>, String> {
    let path = dir.join(FILE_NAME);
    let meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.to_string()),
    };
    if meta.len() > MAX_FILE {
        return Err(format!("larger than {MAX_FILE} bytes"));
    }
    let bytes = fs::read(&path).map_err(|e| e.to_string())?;
    decode(&bytes)
}

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes the file atomically: a temporary file in the same directory, synced, then renamed
/// over the old one (readers see the old file or the new one, never a mix).
/// The file and a directory it creates are private to the user (0600 / 0700): entries may
/// hold cookies.
pub(crate) fn write(dir: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    let path = dir.join(FILE_NAME);
    let tmp = dir.join(format!(".{FILE_NAME}.tmp-{}-{}", std::process::id(), TEMP_SEQ.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &path)?;
        // make the rename itself durable (best effort: not every file system allows it)
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes the cache file in `dir` (a missing file is fine).
pub(crate) fn remove(dir: &Path) -> io::Result<()> {
    match fs::remove_file(dir.join(FILE_NAME)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, body: &[u8]) -> Arc<Entry> {
        let mut headers = Map::new();
        headers.insert("cache-control".into(), "max-age=60".into());
        headers.insert("set-cookie".into(), json!(["a=1", "b=2"]));
        Arc::new(
            Entry::new(Stored {
                method: "GET".into(),
                url: url.into(),
                status: 200,
                request_fields: vec![("accept-language".into(), "en".into())],
                authorization: None,
                security: SecurityContext { ca_path: Some("/ca.pem".into()), ..Default::default() },
                headers,
                body: Arc::new(body.to_vec()),
                cookies: "cookie-lines".into(),
                http_version: "1.1".into(),
                response_time: SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            })
            .unwrap(),
        )
    }

    #[test]
    fn round_trip() {
        let bytes = encode(&[entry("http://h/a", b"hello"), entry("http://h/b", &[0, 255, 1])]);
        let back = decode(&bytes).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].url, "http://h/a");
        assert_eq!(back[0].body.as_slice(), b"hello");
        assert_eq!(back[1].body.as_slice(), [0, 255, 1]);
        assert_eq!(back[0].headers["set-cookie"], json!(["a=1", "b=2"]));
        assert_eq!(back[0].request_fields, vec![("accept-language".to_string(), "en".to_string())]);
        assert_eq!(back[0].response_time, SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123));
        assert_eq!(back[0].cookies, "cookie-lines");
        assert_eq!(back[0].security.ca_path.as_deref(), Some("/ca.pem"));
        assert!(decode(&encode(&[])).unwrap().is_empty());
    }

    #[test]
    fn damage_is_detected() {
        let bytes = encode(&[entry("http://h/a", b"hello")]);
        for cut in [0, 5, 16, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert!(decode(&flipped).unwrap_err().contains("checksum"));
        assert!(decode(b"garbage garbage garbage garbage").is_err());
    }

    #[test]
    fn write_is_atomic_and_loads() {
        let dir = std::env::temp_dir().join(format!("ohos-http-persist-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        assert!(load(&dir).unwrap().is_empty(), "no file: empty");
        write(&dir, &encode(&[entry("http://h/a", b"x")])).unwrap();
        assert_eq!(load(&dir).unwrap().len(), 1);
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(dir.join(FILE_NAME)).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        }
        remove(&dir).unwrap();
        remove(&dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
}
