//! Result typing: `expectDataType` first, then the content type.
use super::ResponseResult;
use crate::options::HttpDataType;

/// The largest body `expectDataType: OBJECT` parses (the spec: "a maximum of 65536
/// characters"; a device counts bytes).
pub(crate) const MAX_OBJECT_BYTES: usize = 65536;

/// Types a body as a device does: `expectDataType` STRING or ARRAY_BUFFER wins; OBJECT parses
/// JSON when the body is at most [`MAX_OBJECT_BYTES`] and is JSON, and is otherwise typed as
/// if no type had been asked for; then `application/octet-stream` and `image/*` give bytes
/// and everything else a UTF-8 string (invalid sequences replaced).
pub(crate) fn type_result(
    body: Vec<u8>,
    expect: Option<HttpDataType>,
    content_type: Option<&str>,
) -> (ResponseResult, HttpDataType) {
    match expect {
        Some(HttpDataType::ArrayBuffer) => return (ResponseResult::ArrayBuffer(body), HttpDataType::ArrayBuffer),
        Some(HttpDataType::String) => return (ResponseResult::String(into_string(body)), HttpDataType::String),
        Some(HttpDataType::Object) if body.len() <= MAX_OBJECT_BYTES => {
            if let Ok(v) = serde_json::from_slice(&body) {
                return (ResponseResult::Object(v), HttpDataType::Object);
            }
        }
        Some(HttpDataType::Object) | None => {}
    }
    match content_type.map(str::to_ascii_lowercase) {
        Some(ct) if ct.contains("application/octet-stream") || ct.contains("image/") => {
            (ResponseResult::ArrayBuffer(body), HttpDataType::ArrayBuffer)
        }
        _ => (ResponseResult::String(into_string(body)), HttpDataType::String),
    }
}

/// UTF-8 without copying when valid; lossy otherwise.
fn into_string(body: Vec<u8>) -> String {
    String::from_utf8(body).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_wins_then_content_type() {
        let (r, t) = type_result(b"{\"a\":1}".to_vec(), Some(HttpDataType::Object), None);
        assert_eq!(t, HttpDataType::Object);
        assert_eq!(r, ResponseResult::Object(serde_json::json!({"a":1})));
        let (r, t) = type_result(b"not json".to_vec(), Some(HttpDataType::Object), None);
        assert_eq!((r, t), (ResponseResult::String("not json".into()), HttpDataType::String));
        let (_, t) = type_result(vec![1, 2], None, Some("Image/PNG"));
        assert_eq!(t, HttpDataType::ArrayBuffer);
        let (_, t) = type_result(vec![1, 2], None, Some("application/octet-stream"));
        assert_eq!(t, HttpDataType::ArrayBuffer);
        let (r, t) = type_result(b"{}".to_vec(), None, Some("application/json"));
        assert_eq!((r, t), (ResponseResult::String("{}".into()), HttpDataType::String));
        let (r, _) = type_result(vec![0xff, b'a'], Some(HttpDataType::String), None);
        assert_eq!(r, ResponseResult::String("\u{fffd}a".into()));
    }

    #[test]
    fn object_is_parsed_up_to_65536_bytes_and_otherwise_typed_by_content_type() {
        let json_of = |len: usize| format!("\"{}\"", "a".repeat(len - 2)).into_bytes();
        let (r, t) = type_result(json_of(MAX_OBJECT_BYTES), Some(HttpDataType::Object), None);
        assert_eq!((t, matches!(r, ResponseResult::Object(_))), (HttpDataType::Object, true));
        let (r, t) = type_result(json_of(MAX_OBJECT_BYTES + 1), Some(HttpDataType::Object), None);
        assert_eq!((t, matches!(r, ResponseResult::String(_))), (HttpDataType::String, true));
        // not JSON: as without expectDataType, so a binary body with an image type is bytes
        let (_, t) = type_result(vec![0x89, b'P', b'N', b'G'], Some(HttpDataType::Object), Some("image/png"));
        assert_eq!(t, HttpDataType::ArrayBuffer);
        let (_, t) = type_result(b"<html>".to_vec(), Some(HttpDataType::Object), Some("text/html"));
        assert_eq!(t, HttpDataType::String);
    }
}
