//! Result typing: `expectDataType` first, then the content type.
use super::ResponseResult;
use crate::options::HttpDataType;

/// Types a body: `expectDataType` wins (OBJECT parses JSON, falling back to a string when the
/// body is not JSON); without it, `application/octet-stream` and `image/*` give bytes and
/// everything else a UTF-8 string (invalid sequences replaced).
pub(crate) fn type_result(
    body: Vec<u8>,
    expect: Option<HttpDataType>,
    content_type: Option<&str>,
) -> (ResponseResult, HttpDataType) {
    let kind = expect.unwrap_or_else(|| match content_type.map(str::to_ascii_lowercase) {
        Some(ct) if ct.contains("application/octet-stream") || ct.contains("image/") => HttpDataType::ArrayBuffer,
        _ => HttpDataType::String,
    });
    match kind {
        HttpDataType::ArrayBuffer => (ResponseResult::ArrayBuffer(body), HttpDataType::ArrayBuffer),
        HttpDataType::Object => match serde_json::from_slice(&body) {
            Ok(v) => (ResponseResult::Object(v), HttpDataType::Object),
            Err(_) => (ResponseResult::String(into_string(body)), HttpDataType::String),
        },
        HttpDataType::String => (ResponseResult::String(into_string(body)), HttpDataType::String),
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
}
