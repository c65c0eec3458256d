//! TLS: `caPath` and `clientCert` (once per request) and the pins of a hop. Verification of
//! the peer and its name is always on (`fixed.rs`).
use super::{own, set_str, user, SetOpt};
use crate::error::HttpError;
use crate::options::{CertType, HttpRequestOptions};
use crate::transfer::Collector;
use crate::url::c_string;
use curl::easy::Easy2;

/// `caPath` (a file or a directory, replacing the system store) and `clientCert`.
pub(crate) struct Trust<'a>(pub &'a HttpRequestOptions);

impl SetOpt for Trust<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let opts = self.0;
        if let Some(ca) = &opts.ca_path {
            if std::path::Path::new(ca).is_dir() {
                easy.capath(ca).map_err(user("caPath"))?;
                // a directory replaces the system bundle too
                set_str(easy, curl_sys::CURLOPT_CAINFO, None).map_err(own("CAINFO"))?;
            } else {
                // A file (a missing one fails with 2300077) replaces the system bundle, and the
                // default CA directory of the build (if any) is dropped too.
                easy.cainfo(ca).map_err(user("caPath"))?;
                set_str(easy, curl_sys::CURLOPT_CAPATH, None).map_err(own("CAPATH"))?;
            }
        }
        if let Some(cert) = &opts.client_cert {
            let kind = cert.cert_type.unwrap_or(CertType::Pem);
            easy.ssl_cert(&cert.cert_path).map_err(user("clientCert.certPath"))?;
            easy.ssl_cert_type(kind.as_str()).map_err(user("clientCert.certType"))?;
            if !cert.key_path.is_empty() {
                easy.ssl_key(&cert.key_path).map_err(user("clientCert.keyPath"))?;
                if kind != CertType::P12 {
                    easy.ssl_key_type(kind.as_str()).map_err(user("clientCert.certType"))?;
                }
            }
            // Always a password, "" when none was given: without CURLOPT_KEYPASSWD libcurl
            // installs no password callback, and OpenSSL's default one asks for an encrypted
            // key's pass phrase on the terminal or stdin, which blocked the reactor (every
            // transfer) until that input closed. With "" such a key fails at once (2300058).
            let pw = cert.key_password.as_deref().unwrap_or("");
            easy.key_password(pw).map_err(user("clientCert.keyPassword"))?;
        }
        Ok(())
    }
}

/// The pins of one hop (`CURLOPT_PINNEDPUBLICKEY`; `None` clears the last hop's).
pub(crate) struct Pins<'a>(pub Option<&'a str>);

impl SetOpt for Pins<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let value = self.0.map(|p| c_string(p, "certificatePinning")).transpose()?;
        set_str(easy, curl_sys::CURLOPT_PINNEDPUBLICKEY, value.as_deref()).map_err(user("certificatePinning"))
    }
}
