//! The conversions a Rust user expects of the option enums: `FromStr` for the names the spec
//! spells (`"POST"`, `"PEM"`), `TryFrom<u32>` for its numbers (`HttpDataType`,
//! `HttpProtocol`), `Display` for the names. An unknown value is a 401 naming what it got.
use super::{CertType, HttpDataType, HttpProtocol, RequestMethod};
use crate::error::HttpError;
use std::fmt;
use std::str::FromStr;

impl FromStr for RequestMethod {
    type Err = HttpError;

    /// The spec's method names, exactly (`"GET"`, `"POST"`, …).
    fn from_str(s: &str) -> Result<Self, HttpError> {
        RequestMethod::parse(s).ok_or_else(|| {
            HttpError::parameter(format!(
                "method must be OPTIONS, GET, HEAD, POST, PUT, DELETE, TRACE or CONNECT, got {s:?}"
            ))
        })
    }
}

impl fmt::Display for RequestMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CertType {
    type Err = HttpError;

    /// `"PEM"`, `"DER"` or `"P12"`.
    fn from_str(s: &str) -> Result<Self, HttpError> {
        match s {
            "PEM" => Ok(CertType::Pem),
            "DER" => Ok(CertType::Der),
            "P12" => Ok(CertType::P12),
            _ => Err(HttpError::parameter(format!("certType must be PEM, DER or P12, got {s:?}"))),
        }
    }
}

impl fmt::Display for CertType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<u32> for HttpDataType {
    type Error = HttpError;

    /// The spec's numbers: 0 STRING, 1 OBJECT, 2 ARRAY_BUFFER.
    fn try_from(v: u32) -> Result<Self, HttpError> {
        HttpDataType::from_u64(v.into())
            .ok_or_else(|| HttpError::parameter(format!("expectDataType must be 0, 1 or 2, got {v}")))
    }
}

impl TryFrom<u32> for HttpProtocol {
    type Error = HttpError;

    /// The spec's numbers: 0 HTTP1_1, 1 HTTP2, 2 HTTP3.
    fn try_from(v: u32) -> Result<Self, HttpError> {
        HttpProtocol::from_u64(v.into())
            .ok_or_else(|| HttpError::parameter(format!("usingProtocol must be 0, 1 or 2, got {v}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refusals() {
        for m in ["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT"] {
            assert_eq!(m.parse::<RequestMethod>().unwrap().to_string(), m);
        }
        assert_eq!("get".parse::<RequestMethod>().unwrap_err().code(), 401);
        for c in ["PEM", "DER", "P12"] {
            assert_eq!(c.parse::<CertType>().unwrap().to_string(), c);
        }
        assert!("pem".parse::<CertType>().is_err());
        assert_eq!(HttpDataType::try_from(2).unwrap(), HttpDataType::ArrayBuffer);
        assert_eq!(HttpProtocol::try_from(1).unwrap(), HttpProtocol::Http2);
        assert!(HttpDataType::try_from(3).is_err() && HttpProtocol::try_from(3).is_err());
    }
}
