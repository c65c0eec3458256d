//! The option types of `HttpRequestOptions`, field by field as in the spec.
use serde_json::{Map, Value};

/// Options of one request (`HttpRequestOptions` in the spec). Every field is optional; `None`
/// means the spec's default.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HttpRequestOptions {
    /// Request method; default GET.
    pub method: Option<RequestMethod>,
    /// Query data (GET-like methods) or body (POST/PUT).
    pub extra_data: Option<ExtraData>,
    /// How to type the result; default: by content type.
    pub expect_data_type: Option<HttpDataType>,
    /// Whether to read from the response cache; default true.
    pub using_cache: Option<bool>,
    /// Priority in [1, 1000]; default 1; higher is admitted first.
    pub priority: Option<u32>,
    /// Request headers; values are strings, numbers or booleans.
    pub header: Option<Map<String, Value>>,
    /// Longest time without receiving data, in ms; default 60000; 0 = no timeout.
    pub read_timeout: Option<u64>,
    /// Connection timeout in ms; default 60000.
    pub connect_timeout: Option<u64>,
    /// HTTP version to use; default: libcurl's choice (HTTP/2 by ALPN over TLS, 1.1 over
    /// plain HTTP). The version actually used is the response's `http_version`.
    pub using_protocol: Option<HttpProtocol>,
    /// Proxy: false (default: none, and the proxy environment variables are ignored), true
    /// (the environment's: `http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`), or an
    /// explicit proxy.
    pub using_proxy: Option<UsingProxy>,
    /// CA bundle file (PEM) or directory (hash-named, as `openssl rehash` makes) replacing the
    /// system trust store, for the server and for a `dnsOverHttps` server. Verification is
    /// always on. A missing file fails with 2300077.
    pub ca_path: Option<String>,
    /// Range start (bytes, in [1, 2^32]; out of range: ignored).
    pub resume_from: Option<u64>,
    /// Range end position (bytes, in [1, 2^32]; out of range: ignored).
    pub resume_to: Option<u64>,
    /// Client certificate for mutual TLS.
    pub client_cert: Option<ClientCert>,
    /// DNS-over-HTTPS server URL (`https://…`); wins over `dns_servers`. A failing DoH
    /// server fails the request with 2300006.
    pub dns_over_https: Option<String>,
    /// DNS servers: IP literals with an optional port (`"8.8.8.8"`, `"[::1]:5353"`); the first
    /// three valid ones are asked in order, with a timeout each (2 s, or `connectTimeout` if
    /// shorter). Works without c-ares: the library asks them and pins the answer on the
    /// transfer. No address from any of them: 2300006.
    pub dns_servers: Option<Vec<String>>,
    /// Largest response body kept, in bytes; default 5 MiB, at most 100 MiB.
    pub max_limit: Option<u64>,
    /// Multipart form parts (with `content-type: multipart/form-data`).
    pub multi_form_data_list: Option<Vec<MultiFormData>>,
    /// Public-key pins of the server certificate; any one matching is enough, none matching
    /// fails with 2300090. Without pins here, the network policy's pins for the host apply.
    pub certificate_pinning: Option<Vec<CertificatePinning>>,
}

/// HTTP request method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RequestMethod {
    /// OPTIONS
    Options,
    /// GET (the default)
    #[default]
    Get,
    /// HEAD
    Head,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
    /// TRACE
    Trace,
    /// CONNECT
    Connect,
}

impl RequestMethod {
    /// The method as sent on the wire: "GET", "POST", …
    pub fn as_str(&self) -> &'static str {
        match self {
            RequestMethod::Options => "OPTIONS",
            RequestMethod::Get => "GET",
            RequestMethod::Head => "HEAD",
            RequestMethod::Post => "POST",
            RequestMethod::Put => "PUT",
            RequestMethod::Delete => "DELETE",
            RequestMethod::Trace => "TRACE",
            RequestMethod::Connect => "CONNECT",
        }
    }

    /// Parses the spec's method strings (exact, upper case as in the spec).
    pub fn parse(s: &str) -> Option<RequestMethod> {
        Some(match s {
            "OPTIONS" => RequestMethod::Options,
            "GET" => RequestMethod::Get,
            "HEAD" => RequestMethod::Head,
            "POST" => RequestMethod::Post,
            "PUT" => RequestMethod::Put,
            "DELETE" => RequestMethod::Delete,
            "TRACE" => RequestMethod::Trace,
            "CONNECT" => RequestMethod::Connect,
            _ => return None,
        })
    }

    /// True for POST and PUT, whose `extraData` is the body; the others put it in the query.
    pub fn has_body(&self) -> bool {
        matches!(self, RequestMethod::Post | RequestMethod::Put)
    }
}

/// `extraData`: a string, a JSON object, or raw bytes (ArrayBuffer).
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraData {
    /// A string: the body as UTF-8, or a query string as given.
    String(String),
    /// An object: JSON body, or `k=v&…` query.
    Object(Value),
    /// Raw bytes: the body as is; ignored for the query.
    ArrayBuffer(Vec<u8>),
}

impl ExtraData {
    /// The bytes of a body or form part: strings as UTF-8, objects as JSON text (a JSON
    /// string as its text), bytes as they are.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            ExtraData::String(s) | ExtraData::Object(Value::String(s)) => s.clone().into_bytes(),
            ExtraData::Object(v) => v.to_string().into_bytes(),
            ExtraData::ArrayBuffer(b) => b.clone(),
        }
    }
}

/// Type of the response's `result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum HttpDataType {
    /// A string.
    String = 0,
    /// A parsed JSON value.
    Object = 1,
    /// Raw bytes.
    ArrayBuffer = 2,
}

impl HttpDataType {
    /// From the spec's numeric value (0, 1, 2).
    pub fn from_u64(v: u64) -> Option<HttpDataType> {
        Some(match v {
            0 => HttpDataType::String,
            1 => HttpDataType::Object,
            2 => HttpDataType::ArrayBuffer,
            _ => return None,
        })
    }
}

/// HTTP protocol version to use. `HttpResponse::http_version` tells which one was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpProtocol {
    /// HTTP/1.1
    Http1_1,
    /// HTTP/2 (h2 over TLS by ALPN, h2c with prior knowledge over plain HTTP)
    Http2,
    /// HTTP/3 where the libcurl has it, otherwise the best it has
    Http3,
}

impl HttpProtocol {
    /// From the spec's numeric value (0 HTTP1_1, 1 HTTP2, 2 HTTP3).
    pub fn from_u64(v: u64) -> Option<HttpProtocol> {
        Some(match v {
            0 => HttpProtocol::Http1_1,
            1 => HttpProtocol::Http2,
            2 => HttpProtocol::Http3,
            _ => return None,
        })
    }
}

/// `usingProxy`: a flag or an explicit proxy.
#[derive(Debug, Clone, PartialEq)]
pub enum UsingProxy {
    /// false: no proxy (environment ignored); true: the environment's proxy settings.
    Bool(bool),
    /// This proxy.
    Proxy(HttpProxy),
}

/// An explicit HTTP proxy: a plain forward proxy for `http://` URLs, a CONNECT tunnel for
/// `https://` URLs. A dead proxy fails with 2300007, an unresolvable proxy name with 2300005.
///
/// Credentials (the spec's `username` and `password`) travel in `host`, as the userinfo of a
/// proxy URL; [`HttpProxy::with_credentials`] puts them there, percent-encoded. They go to
/// the proxy as `CURLOPT_PROXYUSERNAME`/`PROXYPASSWORD` (Basic, or what the proxy asks for),
/// and `Debug` shows the password as `***`.
///
/// ```
/// use ohos_http::HttpProxy;
/// let proxy = HttpProxy { host: "127.0.0.1".into(), port: 3128, exclusion_list: vec![] }
///     .with_credentials("user", "p@ss:word")
///     .unwrap();
/// assert_eq!(proxy.host, "http://user:p%40ss%3aword@127.0.0.1/");
/// assert!(!format!("{proxy:?}").contains("word"));
/// ```
#[derive(Clone, PartialEq, Default)]
pub struct HttpProxy {
    /// Proxy host name or IP literal, optionally in URL form with a scheme (`http://`,
    /// `https://`, `socks5h://`) and credentials (`user:pass@host`, percent-encoded where
    /// needed), e.g. `"http://user:pass@proxy.example"`.
    pub host: String,
    /// Proxy port.
    pub port: u16,
    /// Hosts that bypass the proxy (exact names, or `*` wildcards such as `*.example.com`).
    pub exclusion_list: Vec<String>,
}

impl HttpProxy {
    /// This proxy with `username` and `password` as its credentials (replacing any in `host`):
    /// `host` becomes a proxy URL whose userinfo libcurl percent-encodes. A `host` that is not
    /// a proxy address, or a NUL in either value, is a 401 naming the field.
    pub fn with_credentials(mut self, username: &str, password: &str) -> Result<HttpProxy, crate::HttpError> {
        for (field, value) in [("username", username), ("password", password)] {
            if value.contains('\0') {
                return Err(crate::HttpError::parameter(format!("usingProxy.{field} must not contain NUL characters")));
            }
        }
        self.host = crate::target::proxy_with_credentials(&self.host, username, password)
            .map_err(|why| crate::HttpError::parameter(format!("usingProxy.host {why}")))?;
        Ok(self)
    }
}

impl std::fmt::Debug for HttpProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpProxy")
            .field("host", &crate::target::proxy_redacted(&self.host))
            .field("port", &self.port)
            .field("exclusion_list", &self.exclusion_list)
            .finish()
    }
}

/// A client certificate for mutual TLS.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClientCert {
    /// Path of the certificate file.
    pub cert_path: String,
    /// Format of the certificate; default PEM.
    pub cert_type: Option<CertType>,
    /// Path of the key file (empty when a P12 file carries the key).
    pub key_path: String,
    /// Password of the key.
    pub key_password: Option<String>,
}

/// Certificate file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertType {
    /// PEM
    Pem,
    /// DER
    Der,
    /// PKCS#12
    P12,
}

impl CertType {
    /// The spec's (and curl's) name: "PEM", "DER", "P12".
    pub fn as_str(&self) -> &'static str {
        match self {
            CertType::Pem => "PEM",
            CertType::Der => "DER",
            CertType::P12 => "P12",
        }
    }
}

/// A public-key pin: base64 SHA-256 of the server's SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CertificatePinning {
    /// Base64 of the SHA-256 digest of the public key.
    pub public_key_hash: String,
    /// Must be "SHA-256".
    pub hash_algorithm: String,
}

/// One part of a multipart form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MultiFormData {
    /// Part name.
    pub name: String,
    /// Part content type, e.g. "text/plain".
    pub content_type: String,
    /// File name sent for the part.
    pub remote_file_name: Option<String>,
    /// The part's data (wins over `file_path`).
    pub data: Option<ExtraData>,
    /// A file whose content is the part's data.
    pub file_path: Option<String>,
}
