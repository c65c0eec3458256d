//! `ResponseCode`: the spec's named HTTP status codes.

/// Named HTTP status codes, as in the spec's `ResponseCode` enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseCode;

#[allow(missing_docs)]
impl ResponseCode {
    pub const OK: u32 = 200;
    pub const CREATED: u32 = 201;
    pub const ACCEPTED: u32 = 202;
    pub const NOT_AUTHORITATIVE: u32 = 203;
    pub const NO_CONTENT: u32 = 204;
    pub const RESET: u32 = 205;
    pub const PARTIAL: u32 = 206;
    pub const MULT_CHOICE: u32 = 300;
    pub const MOVED_PERM: u32 = 301;
    pub const MOVED_TEMP: u32 = 302;
    pub const SEE_OTHER: u32 = 303;
    pub const NOT_MODIFIED: u32 = 304;
    pub const USE_PROXY: u32 = 305;
    pub const BAD_REQUEST: u32 = 400;
    pub const UNAUTHORIZED: u32 = 401;
    pub const PAYMENT_REQUIRED: u32 = 402;
    pub const FORBIDDEN: u32 = 403;
    pub const NOT_FOUND: u32 = 404;
    pub const BAD_METHOD: u32 = 405;
    pub const NOT_ACCEPTABLE: u32 = 406;
    pub const PROXY_AUTH: u32 = 407;
    pub const CLIENT_TIMEOUT: u32 = 408;
    pub const CONFLICT: u32 = 409;
    pub const GONE: u32 = 410;
    pub const LENGTH_REQUIRED: u32 = 411;
    pub const PRECON_FAILED: u32 = 412;
    pub const ENTITY_TOO_LARGE: u32 = 413;
    pub const REQ_TOO_LONG: u32 = 414;
    pub const UNSUPPORTED_TYPE: u32 = 415;
    pub const RANGE_NOT_SATISFIABLE: u32 = 416;
    pub const INTERNAL_ERROR: u32 = 500;
    pub const NOT_IMPLEMENTED: u32 = 501;
    pub const BAD_GATEWAY: u32 = 502;
    pub const UNAVAILABLE: u32 = 503;
    pub const GATEWAY_TIMEOUT: u32 = 504;
    pub const VERSION: u32 = 505;
}
