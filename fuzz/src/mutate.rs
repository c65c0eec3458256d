//! A seeded, JSON-aware mutator: byte-level edits (flips, tokens, splices) and value-level
//! edits of the parsed JSON tree (replace a node with a boundary value, add a known key, drop
//! a key, splice a node from another input). Deterministic for a given seed.
use serde_json::{Map, Value};

/// xorshift64*: small, fast, and reproducible from one `u64` seed.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; 0 is remapped).
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that nearby seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Keys the parsers know, at every depth (options and policy).
pub const KEYS: &[&str] = &[
    "method",
    "extraData",
    "expectDataType",
    "usingCache",
    "priority",
    "header",
    "readTimeout",
    "connectTimeout",
    "usingProtocol",
    "usingProxy",
    "caPath",
    "resumeFrom",
    "resumeTo",
    "clientCert",
    "dnsOverHttps",
    "dnsServers",
    "maxLimit",
    "multiFormDataList",
    "certificatePinning",
    "host",
    "port",
    "exclusionList",
    "certPath",
    "keyPath",
    "certType",
    "keyPassword",
    "publicKeyHash",
    "hashAlgorithm",
    "name",
    "contentType",
    "remoteFileName",
    "data",
    "filePath",
    "content-type",
    "internet-permitted",
    "allowed-domains",
    "network-security-config",
    "base-config",
    "domain-config",
    "cleartextTrafficPermitted",
    "domains",
    "include-subdomains",
    "pin-set",
    "expiration",
    "pin",
    "digest-algorithm",
    "digest",
    "component-config",
    "Network Kit",
    "trust-anchors",
];

/// Boundary and special values, as JSON text. Two of them (`1e309`, a lone surrogate) are
/// valid JSON syntax that serde_json refuses: they only enter by byte-level insertion.
pub const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "2",
    "3",
    "999",
    "1000",
    "1001",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "4294967297",
    "104857600",
    "104857601",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "100000000000000000000000000000",
    "1e308",
    "1e309",
    "-0",
    "0.5",
    "5.0",
    "1e2",
    "-1e-7",
    "\"\"",
    "\" \"",
    "\"GET\"",
    "\"POST\"",
    "\"PUT\"",
    "\"HEAD\"",
    "\"OPTIONS\"",
    "\"DELETE\"",
    "\"TRACE\"",
    "\"CONNECT\"",
    "\"PATCH\"",
    "\"get\"",
    "\"PEM\"",
    "\"DER\"",
    "\"P12\"",
    "\"SHA-256\"",
    "\"sha256\"",
    "\"sha1\"",
    "\"multipart/form-data\"",
    "\"application/json\"",
    "\"text/plain; charset=utf-8\"",
    "\"http://127.0.0.1:1\"",
    "\"https://127.0.0.1:1/dns-query\"",
    "\"socks5h://user:p%40ss@127.0.0.1\"",
    "\"http://[::1\"",
    "\"127.0.0.1\"",
    "\"[::1]:5353\"",
    "\"::1\"",
    "\"256.1.1.1\"",
    "\"1.2.3.4:99999\"",
    "\"localhost\"",
    "\"*\"",
    "\"*.\"",
    "\"*.example.com\"",
    "\".\"",
    "\"..\"",
    "\"a\\u0000b\"",
    "\"\\r\\nX-Injected: 1\"",
    "\"x\\ny\"",
    "\"\\u00e9t\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"%00%ff\"",
    "\"/dev/null\"",
    "\"/nonexistent/file.pem\"",
    "\"2030-01-01\"",
    "\"2024-02-29\"",
    "\"2023-02-29\"",
    "\"9999-99-99\"",
    "\"yZ2Kv2P88A8bgpsqfH2lJVS0MWsM/ID/JU13TUUm5Y0=\"",
    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
    "\"====\"",
    "[]",
    "{}",
    "[1, 2, 255]",
    "[\"a\", \"b\"]",
    "[{}]",
    "{\"k\": [1, true, null]}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
];

/// Text tokens for byte-level insertion (JSON syntax and fragments).
const TOKENS: &[&str] = &[
    "{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud800", "null", "true", "-", "e", "E", ".", "0", "9", " ",
    "\n", "\u{0}", "\u{ff}", "é", "\u{2028}", "\u{feff}",
];

/// Largest input the mutator produces (bytes).
pub const MAX_LEN: usize = 16 * 1024;

/// One mutated copy of `input`; `others` (non-empty) are corpus entries to splice from.
pub fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut out = if rng.below(5) < 2 {
        match std::str::from_utf8(input).ok().and_then(|s| serde_json::from_str::<Value>(s).ok()) {
            Some(v) => mutate_value(rng, v, others),
            None => mutate_bytes(rng, input.to_vec(), others),
        }
    } else {
        mutate_bytes(rng, input.to_vec(), others)
    };
    out.truncate(MAX_LEN);
    out
}

fn random_value(rng: &mut Rng) -> Value {
    let text: &str = rng.pick::<&str>(VALUES);
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Edits 1..=4 nodes of the tree, then prints it compact or pretty.
fn mutate_value(rng: &mut Rng, mut root: Value, others: &[Vec<u8>]) -> Vec<u8> {
    for _ in 0..1 + rng.below(4) {
        let n = count_nodes(&root);
        let mut k = rng.below(n);
        let Some(node) = nth_mut(&mut root, &mut k) else { continue };
        match rng.below(9) {
            0 | 1 => *node = random_value(rng),
            2 => {
                // a node of another input
                let other = rng.pick(others);
                if let Some(v) = std::str::from_utf8(other).ok().and_then(|s| serde_json::from_str::<Value>(s).ok()) {
                    let m = count_nodes(&v);
                    let mut j = rng.below(m);
                    let mut v = v;
                    if let Some(piece) = nth_mut(&mut v, &mut j) {
                        *node = piece.take();
                    }
                }
            }
            3 => {
                // a known key with a boundary value, in this object or a new one
                let key = rng.pick(KEYS).to_string();
                let value = random_value(rng);
                match node {
                    Value::Object(m) => {
                        m.insert(key, value);
                    }
                    other => {
                        let mut m = Map::new();
                        m.insert(key, value);
                        *other = Value::Object(m);
                    }
                }
            }
            4 => match node {
                Value::Object(m) if !m.is_empty() => {
                    let key = m.keys().nth(rng.below(m.len())).cloned().expect("in range");
                    m.remove(&key);
                }
                Value::Array(a) if !a.is_empty() => {
                    a.remove(rng.below(a.len()));
                }
                _ => *node = Value::Null,
            },
            5 => {
                let inner = node.take();
                *node = if rng.one_in(2) { Value::Array(vec![inner]) } else { serde_json::json!({ "k": inner }) };
            }
            6 => match node {
                Value::Array(a) if !a.is_empty() => {
                    let x = a[rng.below(a.len())].clone();
                    for _ in 0..1 + rng.below(8) {
                        a.push(x.clone());
                    }
                }
                Value::Object(m) if !m.is_empty() => {
                    // unwrap an object into one of its values
                    let v = m.values().nth(rng.below(m.len())).cloned().expect("in range");
                    *node = v;
                }
                _ => *node = random_value(rng),
            },
            7 => {
                if let Value::String(s) = node {
                    mutate_string(rng, s);
                } else {
                    *node = Value::String(String::from_utf8_lossy(rng.pick(TOKENS).as_bytes()).into_owned());
                }
            }
            _ => {
                if let Value::Number(num) = node {
                    let f = num.as_f64().unwrap_or(0.0);
                    let choices = [f + 1.0, f - 1.0, f * 2.0, -f, f / 3.0, f.floor() + 0.5];
                    *node = serde_json::Number::from_f64(*rng.pick(&choices)).map_or(Value::Null, Value::Number);
                } else {
                    *node = random_value(rng);
                }
            }
        }
    }
    if rng.one_in(3) {
        serde_json::to_vec_pretty(&root).expect("a Value prints")
    } else {
        serde_json::to_vec(&root).expect("a Value prints")
    }
}

fn mutate_string(rng: &mut Rng, s: &mut String) {
    match rng.below(5) {
        0 => s.push_str(&String::from_utf8_lossy(rng.pick(TOKENS).as_bytes())),
        1 => {
            let piece: String = s.chars().take(1 + rng.below(8)).collect();
            let times = 1 + rng.below(64);
            s.push_str(&piece.repeat(times));
        }
        2 => {
            let keep = rng.below(s.chars().count() + 1);
            *s = s.chars().take(keep).collect();
        }
        3 => *s = s.to_uppercase(),
        _ => {
            let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}');
            let at = rng.below(s.chars().count() + 1);
            let mut chars: Vec<char> = s.chars().collect();
            chars.insert(at, c);
            *s = chars.into_iter().collect();
        }
    }
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `k`-th node in pre-order.
fn nth_mut<'a>(v: &'a mut Value, k: &mut usize) -> Option<&'a mut Value> {
    if *k == 0 {
        return Some(v);
    }
    *k -= 1;
    match v {
        Value::Array(a) => a.iter_mut().find_map(|x| nth_mut(x, k)),
        Value::Object(m) => m.values_mut().find_map(|x| nth_mut(x, k)),
        _ => None,
    }
}

/// 1..=8 stacked byte-level edits.
fn mutate_bytes(rng: &mut Rng, mut b: Vec<u8>, others: &[Vec<u8>]) -> Vec<u8> {
    for _ in 0..1 + rng.below(8) {
        let len = b.len();
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next_u64() as u8;
            }
            2 | 3 => {
                let tok = if rng.one_in(2) { rng.pick(TOKENS).as_bytes() } else { rng.pick(VALUES).as_bytes() };
                let at = rng.below(len + 1);
                b.splice(at..at, tok.iter().copied());
            }
            4 => {
                let key = format!("\"{}\":{},", rng.pick(KEYS), rng.pick(VALUES));
                let at = rng.below(len + 1);
                b.splice(at..at, key.bytes());
            }
            5 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                b.drain(start..end);
            }
            6 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(32)).min(len);
                let piece = b[start..end].to_vec();
                let at = rng.below(len + 1);
                b.splice(at..at, piece);
            }
            7 => {
                // crossover: our head, another input's tail
                let other = rng.pick(others);
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                b.truncate(cut);
                b.extend_from_slice(&other[from..]);
            }
            8 if len > 0 => b.truncate(rng.below(len)),
            _ => {
                // replace a number-looking run with a boundary value
                if let Some(i) = (0..len).map(|j| (j + rng.below(len.max(1))) % len).find(|&j| b[j].is_ascii_digit()) {
                    let mut end = i;
                    while end < len && (b[end].is_ascii_digit() || b[end] == b'.') {
                        end += 1;
                    }
                    b.splice(i..end, rng.pick(VALUES).bytes().filter(|c| !c.is_ascii_whitespace()));
                }
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json() {
        let refused: Vec<&str> = VALUES.iter().copied().filter(|v| serde_json::from_str::<Value>(v).is_err()).collect();
        assert_eq!(refused, ["1e309", "\"\\ud800\""]);
    }

    #[test]
    fn deterministic_for_a_seed() {
        let seed = br#"{"method":"POST","priority":5}"#.to_vec();
        let others = vec![seed.clone()];
        let run = |s| {
            let mut rng = Rng::new(s);
            (0..200).map(|_| mutate(&mut rng, &seed, &others)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
