//! The spec's examples of `on`, `off` and `once` for every event type, translated from the
//! ArkTS of `../shared/spec/ohos-net-http-api.md` to Rust, one test per example.
//!
//! `httpRequest.on("dataReceive", (data) => …)` is `http_request.on(EventType::DataReceive,
//! |data: &Event| …)`; `off(type)` is `off(type, None)`; `console` records the lines
//! (`spec_support::Console`). The examples only register (and mostly unregister at once) a
//! listener: each test runs the example, then a request that would call the listener
//! (blocking, so the listeners have run when it returns), and asserts on what was printed;
//! where the example unregisters, the same listener without the `off` is run as well, so
//! "printed nothing" can only pass because `off` worked.
mod common;
mod spec_support;

use common::*;
use ohos_http::{Event, EventType, ExtraData, HttpRequest, HttpRequestOptions, RequestMethod};
use serde_json::Value;
use spec_support::*;
use std::sync::Arc;

/// A listener an example registers, made for one console.
type Listener = Box<dyn Fn(&Event) + Send + Sync>;

/// Fires headersReceive (and headerReceive): a GET of httpbin's `/get`.
fn get_json(http_request: &HttpRequest) {
    assert_eq!(http_request.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
}

/// Fires the stream events: `requestInStream` of nginx's `/1k.bin` (1,024 bytes).
fn stream_1k(http_request: &HttpRequest) {
    assert_eq!(http_request.request_in_stream(&format!("{NGINX}/1k.bin"), None).unwrap(), 200);
}

/// Fires dataSendProgress: a POST of 3,000 bytes to httpbin's `/post`.
fn post_3000(http_request: &HttpRequest) {
    let options = HttpRequestOptions {
        method: Some(RequestMethod::Post),
        extra_data: Some(ExtraData::String("x".repeat(3000))),
        ..Default::default()
    };
    assert_eq!(http_request.request(&format!("{HTTPBIN}/post"), Some(options)).unwrap().response_code, 200);
}

/// Runs an example that registers `listener` for `event` and unregisters it at once with
/// `off(event)`, then `fire`s; asserts that nothing was printed. Then registers the same
/// listener without the `off`, fires again, and returns what it printed.
fn on_then_off(event: EventType, listener: fn(&Arc<Console>) -> Listener, fire: fn(&HttpRequest)) -> Vec<String> {
    let out = listener_example(
        |http_request, console| {
            http_request.on(event, listener(console));
            http_request.off(event, None);
        },
        fire,
    );
    assert_eq!(out, Vec::<String>::new(), "the {event} listener ran after off");
    listener_example(
        |http_request, console| {
            http_request.on(event, listener(console));
        },
        fire,
    )
}

/// The listener of the `on("headerReceive")` example (spec lines 737-739). The spec types its
/// argument as a BusinessError (an AsyncCallback's error slot); the Rust listener has no error
/// argument: it receives the event, the header object, and the example prints that.
fn header_receive_listener(console: &Arc<Console>) -> Listener {
    let console = console.clone();
    Box::new(move |data: &Event| {
        console.info(format!("error:{}", data.stringify()));
    })
}

/// `### on("headerReceive")<sup>(deprecated)</sup>` (spec line 712, code at line 732): the
/// deprecated name still registers a header listener; it runs once, with the final
/// response's header object.
#[test]
fn on_header_receive_deprecated() {
    testbed!();
    let out = listener_example(
        |http_request, console| {
            http_request.on(EventType::HeaderReceive, header_receive_listener(console));
        },
        get_json,
    );

    assert_eq!(out.len(), 1, "{out:#?}");
    let header: Value = serde_json::from_str(after(&out[0], "error:")).unwrap();
    assert_eq!(header["content-type"], "application/json", "{out:#?}");
}

/// `### off("headerReceive")<sup>(deprecated)</sup>` (spec line 742, code at line 765): the
/// example only calls `off("headerReceive")`; here it follows the `on("headerReceive")`
/// example's listener (not in this example), which then prints nothing.
#[test]
fn off_header_receive_deprecated() {
    testbed!();
    let printed = on_then_off(EventType::HeaderReceive, header_receive_listener, get_json);
    assert_eq!(printed.len(), 1, "{printed:#?}");
}

/// The listener of the `on`/`off`/`once("headersReceive")` examples (spec lines 795-797,
/// 827-829 and 854-856).
fn headers_receive_listener(console: &Arc<Console>) -> Listener {
    let console = console.clone();
    Box::new(move |header: &Event| {
        console.info(format!("header: {}", header.stringify()));
    })
}

/// The `on("headersReceive")` and `off("headersReceive")` examples (the same code): `on`, then
/// `off`: nothing is printed; without the `off`, one line with the header object.
fn headers_receive_example() {
    let printed = on_then_off(EventType::HeadersReceive, headers_receive_listener, get_json);
    assert_eq!(printed.len(), 1, "{printed:#?}");
    let header: Value = serde_json::from_str(after(&printed[0], "header: ")).unwrap();
    assert_eq!(header["content-type"], "application/json", "{printed:#?}");
}

/// `### on("headersReceive")<sup>8+</sup>` (spec line 772, code at line 791).
#[test]
fn on_headers_receive() {
    testbed!();
    headers_receive_example();
}

/// `### off("headersReceive")<sup>8+</sup>` (spec line 801, code at line 823): the same code as
/// the `on("headersReceive")` example.
#[test]
fn off_headers_receive() {
    testbed!();
    headers_receive_example();
}

/// `### once("headersReceive")<sup>8+</sup>` (spec line 833, code at line 850): the listener
/// runs for the first response only (two requests are made).
#[test]
fn once_headers_receive() {
    testbed!();
    let out = listener_example(
        |http_request, console| {
            http_request.once(EventType::HeadersReceive, headers_receive_listener(console));
        },
        |http_request| {
            get_json(http_request);
            get_json(http_request); // once: not called again
        },
    );

    assert_eq!(out.len(), 1, "{out:#?}");
    let header: Value = serde_json::from_str(after(&out[0], "header: ")).unwrap();
    assert_eq!(header["content-type"], "application/json", "{out:#?}");
}

/// The listener of the `on`/`off("dataReceive")` examples (spec lines 880-882 and 910-912).
fn data_receive_listener(console: &Arc<Console>) -> Listener {
    let console = console.clone();
    Box::new(move |data: &Event| {
        console.info(format!("dataReceive length: {}", byte_length(data)));
    })
}

/// The `on`/`off("dataReceive")` examples (the same code); without the `off`, the chunks'
/// lengths add up to the body's 1,024 bytes.
fn data_receive_example() {
    let printed = on_then_off(EventType::DataReceive, data_receive_listener, stream_1k);
    assert!(!printed.is_empty());
    let total: usize = printed.iter().map(|l| after(l, "dataReceive length: ").parse::<usize>().unwrap()).sum();
    assert_eq!(total, 1024, "{printed:#?}");
}

/// `### on("dataReceive")<sup>10+</sup>` (spec line 859, code at line 876).
#[test]
fn on_data_receive() {
    testbed!();
    data_receive_example();
}

/// `### off("dataReceive")<sup>10+</sup>` (spec line 886, code at line 906): the same code as
/// the `on("dataReceive")` example.
#[test]
fn off_data_receive() {
    testbed!();
    data_receive_example();
}

/// The listener of the `on`/`off("dataEnd")` examples (spec lines 937-939 and 967-969).
fn data_end_listener(console: &Arc<Console>) -> Listener {
    let console = console.clone();
    Box::new(move |_: &Event| {
        console.info("Receive dataEnd !");
    })
}

/// The `on`/`off("dataEnd")` examples (the same code); without the `off`, one line.
fn data_end_example() {
    let printed = on_then_off(EventType::DataEnd, data_end_listener, stream_1k);
    assert_eq!(printed, ["Receive dataEnd !"]);
}

/// `### on("dataEnd")<sup>10+</sup>` (spec line 916, code at line 933).
#[test]
fn on_data_end() {
    testbed!();
    data_end_example();
}

/// `### off("dataEnd")<sup>10+</sup>` (spec line 943, code at line 963): the same code as the
/// `on("dataEnd")` example.
#[test]
fn off_data_end() {
    testbed!();
    data_end_example();
}

/// Asserts that every printed line is `label` and a progress object, and that the last one is
/// `last` (progress ends with the whole size).
fn assert_progress(printed: &[String], label: &str, last: &str) {
    assert!(!printed.is_empty());
    assert!(printed.iter().all(|l| after(l, label).starts_with('{')), "{printed:#?}");
    assert_eq!(after(printed.last().unwrap(), label), last, "{printed:#?}");
}

/// The listener of the `on`/`off("dataReceiveProgress")` examples (spec lines 994-996 and
/// 1024-1026).
fn data_receive_progress_listener(console: &Arc<Console>) -> Listener {
    let console = console.clone();
    Box::new(move |data: &Event| {
        console.info(format!("dataReceiveProgress:{}", data.stringify()));
    })
}

/// The `on`/`off("dataReceiveProgress")` examples (the same code); without the `off`, the
/// last line is the whole body of 1,024 bytes out of 1,024.
fn data_receive_progress_example() {
    let printed = on_then_off(EventType::DataReceiveProgress, data_receive_progress_listener, stream_1k);
    assert_progress(&printed, "dataReceiveProgress:", r#"{"receiveSize":1024,"totalSize":1024}"#);
}

/// `### on("dataReceiveProgress")<sup>10+</sup>` (spec line 973, code at line 990).
#[test]
fn on_data_receive_progress() {
    testbed!();
    data_receive_progress_example();
}

/// `### off("dataReceiveProgress")<sup>10+</sup>` (spec line 1000, code at line 1020): the same
/// code as the `on("dataReceiveProgress")` example.
#[test]
fn off_data_receive_progress() {
    testbed!();
    data_receive_progress_example();
}

/// The listener of the `on`/`off("dataSendProgress")` examples (spec lines 1051-1053 and
/// 1081-1083).
fn data_send_progress_listener(console: &Arc<Console>) -> Listener {
    let console = console.clone();
    Box::new(move |data: &Event| {
        console.info(format!("dataSendProgress:{}", data.stringify()));
    })
}

/// The `on`/`off("dataSendProgress")` examples (the same code); without the `off`, the last
/// line is the whole upload of 3,000 bytes out of 3,000.
fn data_send_progress_example() {
    let printed = on_then_off(EventType::DataSendProgress, data_send_progress_listener, post_3000);
    assert_progress(&printed, "dataSendProgress:", r#"{"sendSize":3000,"totalSize":3000}"#);
}

/// `### on("dataSendProgress")<sup>11+</sup>` (spec line 1030, code at line 1047).
#[test]
fn on_data_send_progress() {
    testbed!();
    data_send_progress_example();
}

/// `### off("dataSendProgress")<sup>11+</sup>` (spec line 1057, code at line 1077): the same
/// code as the `on("dataSendProgress")` example.
#[test]
fn off_data_send_progress() {
    testbed!();
    data_send_progress_example();
}
