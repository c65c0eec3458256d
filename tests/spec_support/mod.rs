//! Helpers of the spec-example tests (tests/spec_examples_*.rs): the examples' `console`, which
//! records what they print, and JavaScript's conversions of the values they print
//! (`'x' + value`, `JSON.stringify(value)`), so that a translated example prints the lines the
//! ArkTS prints.
#![allow(dead_code)]

use ohos_http::{
    Event, ExtraData, HttpDataType, HttpError, HttpProtocol, HttpRequest, HttpRequestOptions, RequestMethod,
    ResponseResult, UsingProxy,
};
use serde_json::{json, Map, Value};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

/// How long a wait may last before the test fails as hung. A guard against a hang, never an
/// assertion on timing: every example here ends in well under a second.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// The console method an example printed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `console.info`
    Info,
    /// `console.log`
    Log,
    /// `console.error`
    Error,
}

/// The examples' `console`: every line is recorded with its level; [`Console::until`] waits
/// for a line that a callback prints later.
#[derive(Default)]
pub struct Console {
    lines: Mutex<Vec<(Level, String)>>,
    printed: Condvar,
}

impl Console {
    /// A new console, shared by the example's callbacks.
    pub fn new() -> Arc<Console> {
        Arc::new(Console::default())
    }

    fn print(&self, level: Level, line: String) {
        self.lines.lock().unwrap().push((level, line));
        self.printed.notify_all();
    }

    /// `console.info(line)`
    pub fn info(&self, line: impl Into<String>) {
        self.print(Level::Info, line.into());
    }

    /// `console.log(line)`
    pub fn log(&self, line: impl Into<String>) {
        self.print(Level::Log, line.into());
    }

    /// `console.error(line)`
    pub fn error(&self, line: impl Into<String>) {
        self.print(Level::Error, line.into());
    }

    /// Every line printed so far, with its level.
    pub fn lines(&self) -> Vec<(Level, String)> {
        self.lines.lock().unwrap().clone()
    }

    /// Every line printed so far.
    pub fn text(&self) -> Vec<String> {
        self.lines().into_iter().map(|(_, line)| line).collect()
    }

    /// Waits for the first line that starts with one of `prefixes` (already printed or printed
    /// later) and returns it.
    pub fn until(&self, prefixes: &[&str]) -> String {
        let lines = self.lines.lock().unwrap();
        let (lines, _) = self
            .printed
            .wait_timeout_while(lines, HANG_GUARD, |lines| !lines.iter().any(|(_, l)| starts(l, prefixes)))
            .unwrap();
        match lines.iter().find(|(_, l)| starts(l, prefixes)) {
            Some((_, line)) => line.clone(),
            None => panic!("hung: no line starting with {prefixes:?}; printed: {lines:#?}"),
        }
    }
}

fn starts(line: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| line.starts_with(p))
}

/// `callback` wrapped so that the test can wait until it has returned (the examples' callbacks
/// go on after their last line: `off`, `destroy()`). Not part of any example.
pub fn signalling<A: Send + 'static>(callback: impl FnOnce(A) + Send + 'static) -> (impl FnOnce(A) + Send, Returned) {
    let (tx, rx) = mpsc::channel();
    let wrapped = move |arg: A| {
        callback(arg);
        tx.send(()).ok();
    };
    (wrapped, Returned(rx))
}

/// Tells when a [`signalling`] callback has returned.
pub struct Returned(mpsc::Receiver<()>);

impl Returned {
    /// Waits until the callback has returned.
    pub fn wait(self) {
        self.0.recv_timeout(HANG_GUARD).expect("hung: the example's callback never returned");
    }
}

/// The examples' `class Header { public contentType: string; ... }`: an object with one field,
/// `contentType`, which becomes the request header `contentType` (httpbin echoes it back as
/// `Contenttype`).
pub struct Header {
    /// The one field of the class.
    pub content_type: String,
}

impl Header {
    /// `new Header(contentType)`
    pub fn new(content_type: &str) -> Header {
        Header { content_type: content_type.to_string() }
    }
}

impl From<Header> for Map<String, Value> {
    /// The object as the header map sees it: its field under its JavaScript name.
    fn from(h: Header) -> Self {
        let mut map = Map::new();
        map.insert("contentType".to_string(), Value::String(h.content_type));
        map
    }
}

/// The options object of the `request(url, options, callback)` example (spec line 299) and of
/// the `requestInStream(url, options, callback)` example (spec line 598): the two are the same.
pub fn post_options() -> HttpRequestOptions {
    HttpRequestOptions {
        method: Some(RequestMethod::Post), // Optional. The default value is http.RequestMethod.GET.
        // This field is used to transfer the request body when a POST request is used. Its format needs to be negotiated with the server.
        extra_data: Some(ExtraData::String("data to send".into())),
        expect_data_type: Some(HttpDataType::String), // Optional. This parameter specifies the type of the return data.
        using_cache: Some(true),                      // Optional. The default value is true.
        priority: Some(1),                            // Optional. The default value is 1.
        // You can add header fields based on service requirements.
        header: Some(Header::new("application/json").into()),
        read_timeout: Some(60000),    // Optional. The default value is 60000, in ms.
        connect_timeout: Some(60000), // Optional. The default value is 60000, in ms.
        using_protocol: Some(HttpProtocol::Http1_1), // Optional. The default protocol type is automatically specified by the system.
        using_proxy: Some(UsingProxy::Bool(false)), // Optional. By default, network proxy is not used. This field is supported since API version 10.
        ..Default::default()
    }
}

/// The options object of the promise forms of `request` (spec line 412) and `requestInStream`
/// (spec line 699): the two are the same.
pub fn get_options() -> HttpRequestOptions {
    HttpRequestOptions {
        method: Some(RequestMethod::Get),
        connect_timeout: Some(60000),
        read_timeout: Some(60000),
        header: Some(Header::new("application/json").into()),
        ..Default::default()
    }
}

/// JavaScript's `'' + value` for a value the examples concatenate: strings as they are, numbers
/// as numbers, objects as `[object Object]`, an ArrayBuffer as `[object ArrayBuffer]`.
pub trait JsString {
    /// The string `'' + self` gives.
    fn js_string(&self) -> String;
}

impl JsString for ResponseResult {
    fn js_string(&self) -> String {
        match self {
            ResponseResult::String(s) => s.clone(),
            ResponseResult::Object(v) => v.js_string(),
            ResponseResult::ArrayBuffer(_) => "[object ArrayBuffer]".into(),
        }
    }
}

impl JsString for Value {
    fn js_string(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Object(_) => "[object Object]".into(),
            Value::Array(a) => a.iter().map(JsString::js_string).collect::<Vec<_>>().join(","),
            Value::Null => "null".into(),
            other => other.to_string(),
        }
    }
}

impl JsString for Map<String, Value> {
    fn js_string(&self) -> String {
        "[object Object]".into()
    }
}

impl JsString for HttpError {
    /// `'' + err` of a BusinessError: `Error: <message>`.
    fn js_string(&self) -> String {
        format!("Error: {}", self.message())
    }
}

/// JavaScript's `JSON.stringify(value)` for the values the examples print.
pub trait Stringify {
    /// The text `JSON.stringify(self)` gives.
    fn stringify(&self) -> String;
}

impl Stringify for ResponseResult {
    fn stringify(&self) -> String {
        match self {
            ResponseResult::String(s) => Value::String(s.clone()).to_string(),
            ResponseResult::Object(v) => v.to_string(),
            // an ArrayBuffer has no enumerable properties
            ResponseResult::ArrayBuffer(_) => "{}".into(),
        }
    }
}

impl Stringify for HttpDataType {
    /// The enumeration's number (STRING 0, OBJECT 1, ARRAY_BUFFER 2).
    fn stringify(&self) -> String {
        (*self as u32).to_string()
    }
}

impl Stringify for u32 {
    fn stringify(&self) -> String {
        self.to_string()
    }
}

impl Stringify for String {
    fn stringify(&self) -> String {
        Value::String(self.clone()).to_string()
    }
}

impl Stringify for Map<String, Value> {
    fn stringify(&self) -> String {
        Value::Object(self.clone()).to_string()
    }
}

impl Stringify for HttpError {
    /// A BusinessError stringifies to its `code` alone (`message` is not enumerable), as
    /// ArkTS prints it: `{"code":2300007}`.
    fn stringify(&self) -> String {
        json!({ "code": self.code() }).to_string()
    }
}

impl Stringify for Event {
    /// What an event's listener receives, stringified: the header object, an ArrayBuffer
    /// (`{}`), nothing (`undefined`) for dataEnd, a progress object with the spec's names.
    fn stringify(&self) -> String {
        match self {
            Event::HeaderReceive(h) | Event::HeadersReceive(h) => h.stringify(),
            Event::DataReceive(_) => "{}".into(),
            Event::DataEnd => "undefined".into(),
            Event::DataReceiveProgress(p) => {
                json!({ "receiveSize": p.receive_size, "totalSize": p.total_size }).to_string()
            }
            Event::DataSendProgress(p) => json!({ "sendSize": p.send_size, "totalSize": p.total_size }).to_string(),
        }
    }
}

/// `data.byteLength` of a dataReceive listener's ArrayBuffer.
pub fn byte_length(data: &Event) -> usize {
    match data {
        Event::DataReceive(chunk) => chunk.len(),
        other => panic!("not a dataReceive event: {other:?}"),
    }
}

/// The text of a line after its label (`"code:200"` after `"code:"`).
pub fn after<'a>(line: &'a str, label: &str) -> &'a str {
    line.strip_prefix(label).unwrap_or_else(|| panic!("{line:?} does not start with {label:?}"))
}

/// Runs the part of an example that registers (and unregisters) listeners, then `fire`s a
/// request that would call them, and returns what they printed. The `on`/`off` examples only
/// register; this is how a test sees what they do.
pub fn listener_example(
    register: impl FnOnce(&HttpRequest, &Arc<Console>),
    fire: impl FnOnce(&HttpRequest),
) -> Vec<String> {
    let console = Console::new();
    let http_request = ohos_http::create_http();
    register(&http_request, &console);
    fire(&http_request);
    http_request.destroy();
    console.text()
}
