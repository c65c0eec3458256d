//! `ohos_http_on` / `ohos_http_once` / `ohos_http_off` for the six event types; each event is
//! handed to the listener as an `ohos_http_event_t` (bytes as pointer + length, headers as
//! JSON text, progress as two `uint64_t`).
use super::boundary::{guard, write_opt, FfiResult};
use super::handle::{acquire, ohos_http_request_t};
use super::text::NulText;
use super::userdata::{ohos_http_free_fn, UserData};
use crate::error::HttpError;
use crate::events::{Event, EventType, ListenerId};
use serde_json::Value;
use std::ffi::{c_char, c_void};

/// The event types of `ohos_http_on`/`_once`/`_off` (the spec's names in comments).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ohos_http_event_type_t {
    /// "headerReceive": deprecated alias of HEADERS_RECEIVE; `headers_json` is set.
    OHOS_HTTP_EVENT_HEADER_RECEIVE = 0,
    /// "headersReceive": the final response's headers; `headers_json` is set.
    OHOS_HTTP_EVENT_HEADERS_RECEIVE = 1,
    /// "dataReceive": one body chunk of a stream request; `data`/`data_len` are set.
    OHOS_HTTP_EVENT_DATA_RECEIVE = 2,
    /// "dataEnd": a stream request ended successfully; no payload.
    OHOS_HTTP_EVENT_DATA_END = 3,
    /// "dataReceiveProgress": `current` = bytes received, `total` = expected (0 if unknown).
    OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS = 4,
    /// "dataSendProgress": `current` = bytes sent, `total` = body size.
    OHOS_HTTP_EVENT_DATA_SEND_PROGRESS = 5,
}

impl ohos_http_event_type_t {
    fn rust(self) -> EventType {
        match self {
            Self::OHOS_HTTP_EVENT_HEADER_RECEIVE => EventType::HeaderReceive,
            Self::OHOS_HTTP_EVENT_HEADERS_RECEIVE => EventType::HeadersReceive,
            Self::OHOS_HTTP_EVENT_DATA_RECEIVE => EventType::DataReceive,
            Self::OHOS_HTTP_EVENT_DATA_END => EventType::DataEnd,
            Self::OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS => EventType::DataReceiveProgress,
            Self::OHOS_HTTP_EVENT_DATA_SEND_PROGRESS => EventType::DataSendProgress,
        }
    }

    fn of(t: EventType) -> Self {
        match t {
            EventType::HeaderReceive => Self::OHOS_HTTP_EVENT_HEADER_RECEIVE,
            EventType::HeadersReceive => Self::OHOS_HTTP_EVENT_HEADERS_RECEIVE,
            EventType::DataReceive => Self::OHOS_HTTP_EVENT_DATA_RECEIVE,
            EventType::DataEnd => Self::OHOS_HTTP_EVENT_DATA_END,
            EventType::DataReceiveProgress => Self::OHOS_HTTP_EVENT_DATA_RECEIVE_PROGRESS,
            EventType::DataSendProgress => Self::OHOS_HTTP_EVENT_DATA_SEND_PROGRESS,
        }
    }

    /// Parses the number a C caller passed (C may pass any value; only 0..=5 are types).
    fn from_u32(v: u32) -> Result<Self, HttpError> {
        EventType::ALL
            .get(v as usize)
            .map(|&t| Self::of(t))
            .ok_or_else(|| HttpError::parameter(format!("event must be an ohos_http_event_type_t (0..=5), got {v}")))
    }
}

/// One event, as a listener receives it. Every pointer in it is valid only during the call.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ohos_http_event_t {
    /// Which event this is (selects the fields below that are set).
    pub kind: ohos_http_event_type_t,
    /// DATA_RECEIVE: the chunk, exactly as curl delivered it; NULL otherwise.
    pub data: *const u8,
    /// DATA_RECEIVE: the chunk's length; 0 otherwise.
    pub data_len: usize,
    /// HEADER(S)_RECEIVE: the headers as a NUL-terminated JSON object (keys lower-cased,
    /// `set-cookie` an array of strings); NULL otherwise.
    pub headers_json: *const c_char,
    /// HEADER(S)_RECEIVE: the length of `headers_json` without the NUL; 0 otherwise.
    pub headers_json_len: usize,
    /// Progress events: bytes received or sent so far; 0 otherwise.
    pub current: u64,
    /// Progress events: expected total (0 when unknown); 0 otherwise.
    pub total: u64,
}

/// A listener: called with the `user_data` given to `ohos_http_on`/`_once` and the event
/// (valid only during the call; copy what you keep).
///
/// Thread: the thread that called a blocking request (`ohos_http_request`,
/// `ohos_http_request_in_stream`) for that request's events; a dispatcher thread of the library
/// for the events of async requests. A listener registered on a handle sees the events of
/// every request on it, so it may run on both. Order per request: headers, data and progress,
/// then dataEnd. It must not block for long (it holds up the other async requests' callbacks)
/// and must not throw: a C++ exception must never unwind into the library (mark it
/// `noexcept`). It may call the library, including `ohos_http_off` and `ohos_http_destroy`.
#[allow(non_camel_case_types)]
pub type ohos_http_listener_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const ohos_http_event_t)>;

/// Calls a C listener with one event.
fn deliver(cb: unsafe extern "C" fn(*mut c_void, *const ohos_http_event_t), user: &UserData, event: &Event) {
    let mut ev = ohos_http_event_t {
        kind: ohos_http_event_type_t::of(event.event_type()),
        data: std::ptr::null(),
        data_len: 0,
        headers_json: std::ptr::null(),
        headers_json_len: 0,
        current: 0,
        total: 0,
    };
    let headers;
    match event {
        Event::HeaderReceive(map) | Event::HeadersReceive(map) => {
            headers = NulText::new(Value::Object(map.clone()).to_string());
            ev.headers_json = headers.ptr();
            ev.headers_json_len = headers.len();
        }
        Event::DataReceive(chunk) => {
            ev.data = chunk.as_ptr();
            ev.data_len = chunk.len();
        }
        Event::DataEnd => {}
        Event::DataReceiveProgress(p) => {
            ev.current = p.receive_size;
            ev.total = p.total_size;
        }
        Event::DataSendProgress(p) => {
            ev.current = p.send_size;
            ev.total = p.total_size;
        }
    }
    // SAFETY: the host's listener, called with its own user data and an event that lives
    // for the call.
    unsafe { cb(user.ptr(), &ev) };
}

/// Registers a C listener; shared by `on` and `once`.
///
/// # Safety
/// As `ohos_http_on`.
#[allow(clippy::too_many_arguments)]
unsafe fn add(
    what: &str,
    once: bool,
    request: *const ohos_http_request_t,
    event: u32,
    listener: ohos_http_listener_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_id: *mut u64,
) -> i32 {
    guard(what, || -> FfiResult {
        // SAFETY: caller's contract.
        unsafe { write_opt(out_id, 0) };
        // SAFETY: caller's contract.
        let handle = acquire(request)?;
        let kind = ohos_http_event_type_t::from_u32(event)?.rust();
        let cb = listener.ok_or_else(|| super::boundary::null("listener"))?;
        // From here on the library owns user_data: it is freed when the listener goes.
        let user = UserData::new(user_data, user_data_free);
        let f = move |e: &Event| deliver(cb, &user, e);
        let ListenerId(id) = if once { handle.inner.once(kind, f) } else { handle.inner.on(kind, f) };
        // SAFETY: caller's contract.
        unsafe { write_opt(out_id, id) };
        Ok(())
    })
}

/// Adds a listener for `event` (an `ohos_http_event_type_t`); many listeners per type are
/// allowed, called in the order they were added. `*out_id` (may be NULL) receives its id for
/// `ohos_http_off`. On success the library owns `user_data` and calls `user_data_free` (may
/// be NULL) once the listener is removed (`ohos_http_off`, `ohos_http_destroy`); on an error
/// (401: NULL request or listener, unknown event) neither is called.
///
/// # Safety
/// `request` is any value (NULL: 401; not a live handle: 2300999); `out_id` is NULL or writable; `listener` and
/// `user_data_free` are safe to call from the threads described on `ohos_http_listener_fn`.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_on(
    request: *const ohos_http_request_t,
    event: u32,
    listener: ohos_http_listener_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_id: *mut u64,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe { add("ohos_http_on", false, request, event, listener, user_data, user_data_free, out_id) }
}

/// Like `ohos_http_on`, but the listener is removed before its first call (then
/// `user_data_free` runs after that call returns, on the same thread).
///
/// # Safety
/// As `ohos_http_on`.
#[no_mangle]
pub unsafe extern "C" fn ohos_http_once(
    request: *const ohos_http_request_t,
    event: u32,
    listener: ohos_http_listener_fn,
    user_data: *mut c_void,
    user_data_free: ohos_http_free_fn,
    out_id: *mut u64,
) -> i32 {
    // SAFETY: forwarded to the caller.
    unsafe { add("ohos_http_once", true, request, event, listener, user_data, user_data_free, out_id) }
}

/// Removes the listener `id` of `event`, or, with `id == 0`, every listener of `event`. Their
/// `user_data_free` runs (on this thread, or after a call in progress on another thread
/// returns). Removing an id that is not registered does nothing (0).
///
/// # Safety
/// `request` is any value (NULL: 401; not a live handle: 2300999).
#[no_mangle]
pub unsafe extern "C" fn ohos_http_off(request: *const ohos_http_request_t, event: u32, id: u64) -> i32 {
    guard("ohos_http_off", || {
        // SAFETY: caller's contract.
        let handle = acquire(request)?;
        let kind = ohos_http_event_type_t::from_u32(event)?.rust();
        handle.inner.off(kind, (id != 0).then_some(ListenerId(id)));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_event_numbers_are_the_rust_types_in_order() {
        for (i, t) in EventType::ALL.into_iter().enumerate() {
            let c = ohos_http_event_type_t::of(t);
            assert_eq!(c as u32 as usize, i, "{t:?}");
            assert_eq!(c.rust(), t);
            assert_eq!(ohos_http_event_type_t::from_u32(i as u32).unwrap(), c);
        }
        assert_eq!(ohos_http_event_type_t::from_u32(6).unwrap_err().code(), 401);
    }
}
