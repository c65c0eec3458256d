//! `ResponseCode`: the spec's named HTTP status codes.

/// Named HTTP status codes, as in the spec's `ResponseCode` enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseCode;

impl ResponseCode {
    /// 200 "OK".
    pub const OK: u32 = 200;
    /// 201 "Created".
    pub const CREATED: u32 = 201;
    /// 202 "Accepted".
    pub const ACCEPTED: u32 = 202;
    /// 203 "Non-Authoritative Information".
    pub const NOT_AUTHORITATIVE: u32 = 203;
    /// 204 "No Content".
    pub const NO_CONTENT: u32 = 204;
    /// 205 "Reset Content".
    pub const RESET: u32 = 205;
    /// 206 "Partial Content".
    pub const PARTIAL: u32 = 206;
    /// 300 "Multiple Choices".
    pub const MULT_CHOICE: u32 = 300;
    /// 301 "Moved Permanently".
    pub const MOVED_PERM: u32 = 301;
    /// 302 "Moved Temporarily".
    pub const MOVED_TEMP: u32 = 302;
    /// 303 "See Other".
    pub const SEE_OTHER: u32 = 303;
    /// 304 "Not Modified".
    pub const NOT_MODIFIED: u32 = 304;
    /// 305 "Use Proxy".
    pub const USE_PROXY: u32 = 305;
    /// 400 "Bad Request".
    pub const BAD_REQUEST: u32 = 400;
    /// 401 "Unauthorized".
    pub const UNAUTHORIZED: u32 = 401;
    /// 402 "Payment Required".
    pub const PAYMENT_REQUIRED: u32 = 402;
    /// 403 "Forbidden".
    pub const FORBIDDEN: u32 = 403;
    /// 404 "Not Found".
    pub const NOT_FOUND: u32 = 404;
    /// 405 "Method Not Allowed".
    pub const BAD_METHOD: u32 = 405;
    /// 406 "Not Acceptable".
    pub const NOT_ACCEPTABLE: u32 = 406;
    /// 407 "Proxy Authentication Required".
    pub const PROXY_AUTH: u32 = 407;
    /// 408 "Request Timeout".
    pub const CLIENT_TIMEOUT: u32 = 408;
    /// 409 "Conflict".
    pub const CONFLICT: u32 = 409;
    /// 410 "Gone".
    pub const GONE: u32 = 410;
    /// 411 "Length Required".
    pub const LENGTH_REQUIRED: u32 = 411;
    /// 412 "Precondition Failed".
    pub const PRECON_FAILED: u32 = 412;
    /// 413 "Request Entity Too Large".
    pub const ENTITY_TOO_LARGE: u32 = 413;
    /// 414 "Request-URI Too Long".
    pub const REQ_TOO_LONG: u32 = 414;
    /// 415 "Unsupported Media Type".
    pub const UNSUPPORTED_TYPE: u32 = 415;
    /// 416 "Range Not Satisfiable".
    pub const RANGE_NOT_SATISFIABLE: u32 = 416;
    /// 500 "Internal Server Error".
    pub const INTERNAL_ERROR: u32 = 500;
    /// 501 "Not Implemented".
    pub const NOT_IMPLEMENTED: u32 = 501;
    /// 502 "Bad Gateway".
    pub const BAD_GATEWAY: u32 = 502;
    /// 503 "Service Unavailable".
    pub const UNAVAILABLE: u32 = 503;
    /// 504 "Gateway Timeout".
    pub const GATEWAY_TIMEOUT: u32 = 504;
    /// 505 "HTTP Version Not Supported".
    pub const VERSION: u32 = 505;
}
