//! The spec's examples of `createHttp`, `request`, `requestInStream` and `destroy`, and its
//! "Examples" section, translated from the ArkTS of `../shared/spec/ohos-net-http-api.md`
//! to Rust, one test per example, run against the testbed's servers.
//!
//! Translation: `http.createHttp()` is `http::create_http()`; an options object literal is an
//! `HttpRequestOptions` struct literal with the same fields in the same order; a callback
//! `(err, data) => { if (!err) … else … }` is a closure over `Result` (`Ok(data)` / `Err(err)`)
//! given to the `*_with_callback` form; a promise's `then`/`catch` is a `match` on the awaited
//! future; `console` records the lines (`spec_support::Console`) and the test asserts on them.
//! `'x' + value` and `JSON.stringify(value)` are `js_string()` and `stringify()`, which give
//! the text JavaScript gives. `EXAMPLE_URL` is a testbed server; other substitutions are said
//! where they are made.
mod common;
mod net_common;
mod spec_support;

use common::*;
use ohos_http as http;
use ohos_http::{
    CertType, CertificatePinning, ClientCert, Event, EventType, ExtraData, HttpError, HttpRequest, HttpRequestOptions,
    HttpResponse, MultiFormData, RequestMethod, UsingProxy,
};
use serde_json::Value;
use spec_support::*;
use std::sync::Arc;

/// The values the "Examples" section's options name files, a password and pins with.
struct Placeholders {
    ca_path: String,
    cert_path: String,
    key_path: String,
    key_password: String,
    pin1: String,
}

impl Placeholders {
    /// The spec's own values.
    fn spec() -> Placeholders {
        Placeholders {
            ca_path: "/path/to/cacert.pem".into(),
            cert_path: "/path/to/client.pem".into(),
            key_path: "/path/to/client.key".into(),
            key_password: "passwordToKey".into(),
            pin1: "Pin1".into(),
        }
    }

    /// The testbed's files for the placeholder paths: the test CA, the client certificate and
    /// its encrypted key (password "secret"), with `pin1` for `'Pin1'`.
    fn testbed(pin1: &str) -> Placeholders {
        Placeholders {
            ca_path: ca(),
            cert_path: cert("client.pem"),
            key_path: cert("client-enc.key"),
            key_password: "secret".into(),
            pin1: pin1.into(),
        }
    }
}

/// `getContext(this).filesDir`: a fresh directory holding the `fileName.txt` the example sends.
fn files_dir() -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "ohos-http-spec-files-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fileName.txt"), "file content\n").unwrap();
    dir.to_string_lossy().into_owned()
}

/// The "Examples" section's code (spec line 18), with `EXAMPLE_URL` and the placeholders as
/// given. Returns what it printed and its `httpRequest`, once the callback has returned.
fn full_post_example(example_url: &str, p: &Placeholders) -> (Arc<Console>, Arc<HttpRequest>) {
    let console = Console::new();
    let files_dir = files_dir();
    // Import the http namespace. (`use ohos_http as http;`)

    // Each httpRequest corresponds to an HTTP request task and cannot be reused.
    let http_request = Arc::new(http::create_http());
    // This API is used to listen for the HTTP Response Header event, which is returned earlier than the result of the HTTP request. It is up to you whether to listen for HTTP Response Header events.
    // on('headerReceive', AsyncCallback) is replaced by on('headersReceive', Callback) since API version 8.
    http_request.on(EventType::HeadersReceive, {
        let console = console.clone();
        move |header: &Event| {
            console.info(format!("header: {}", header.stringify()));
        }
    });

    let (callback, returned) = signalling({
        let console = console.clone();
        let http_request = http_request.clone();
        move |r: Result<HttpResponse, HttpError>| match r {
            Ok(data) => {
                // data.result carries the HTTP response. Parse the response based on service requirements.
                console.info(format!("Result:{}", data.result.stringify()));
                console.info(format!("code:{}", data.response_code.stringify()));
                console.info(format!("type:{}", data.result_type.stringify()));
                // data.header carries the HTTP response header. Parse the content based on service requirements.
                console.info(format!("header:{}", data.header.stringify()));
                console.info(format!("cookies:{}", data.cookies.stringify())); // Cookies are supported since API version 8.
                                                                               // Unsubscribe from HTTP Response Header events.
                http_request.off(EventType::HeadersReceive, None);
                // Call destroy() to destroy the JavaScript object after the HTTP request is complete.
                http_request.destroy();
            }
            Err(err) => {
                console.info(format!("error:{}", err.stringify()));
                // Unsubscribe from HTTP Response Header events.
                http_request.off(EventType::HeadersReceive, None);
                // Call destroy() to destroy the JavaScript object after the HTTP request is complete.
                http_request.destroy();
            }
        }
    });
    http_request.request_with_callback(
        // Customize EXAMPLE_URL in extraData on your own. It is up to you whether to add parameters to the URL.
        example_url,
        Some(HttpRequestOptions {
            method: Some(RequestMethod::Post), // Optional. The default value is http.RequestMethod.GET.
            // This field is used to transfer the request body when a POST request is used. Its format needs to be negotiated with the server.
            extra_data: Some(ExtraData::String("data to send".into())),
            expect_data_type: Some(http::HttpDataType::String), // Optional. This parameter specifies the type of the return data.
            using_cache: Some(true),                            // Optional. The default value is true.
            priority: Some(1),                                  // Optional. The default value is 1.
            // You can add header fields based on service requirements.
            header: serde_json::json!({ "Accept": "application/json" }).as_object().cloned(),
            read_timeout: Some(60000),    // Optional. The default value is 60000, in ms.
            connect_timeout: Some(60000), // Optional. The default value is 60000, in ms.
            using_protocol: Some(http::HttpProtocol::Http1_1), // Optional. The default protocol type is automatically specified by the system.
            using_proxy: Some(UsingProxy::Bool(false)), // Optional. By default, network proxy is not used. This field is supported since API version 10.
            ca_path: Some(p.ca_path.clone()), // Optional. The preset CA certificate is used by default. This field is supported since API version 10.
            client_cert: Some(ClientCert {
                // Optional. The client certificate is not used by default. This field is supported since API version 11.
                cert_path: p.cert_path.clone(), // The client certificate is not used by default. This field is supported since API version 11.
                key_path: p.key_path.clone(), // If the certificate contains key information, an empty string is passed. This field is supported since API version 11.
                cert_type: Some(CertType::Pem), // Certificate type, optional. A certificate in the PEM format is used by default. This field is supported since API version 11.
                key_password: Some(p.key_password.clone()), // Password of the key file, optional. It is supported since API version 11.
            }),
            certificate_pinning: Some(vec![
                // Optional. It determines whether to enable dynamic configuration of certificate pinning. This attribute is supported since API version 12.
                CertificatePinning {
                    public_key_hash: p.pin1.clone(), // Certificate PIN passed by the application. This attribute is supported since API version 12.
                    hash_algorithm: "SHA-256".into(), // Encryption algorithm. Currently, it can only be set to SHA-256. This attribute is supported since API version 12.
                },
                CertificatePinning {
                    public_key_hash: "Pin2".into(), // Certificate PIN passed by the application. This attribute is supported since API version 12.
                    hash_algorithm: "SHA-256".into(), // Encryption algorithm. Currently, it can only be set to SHA-256. This attribute is supported since API version 12.
                },
            ]),
            multi_form_data_list: Some(vec![
                // Optional. This field is valid only when content-Type in the header is multipart/form-data. It is supported since API version 11.
                MultiFormData {
                    name: "Part1".into(),              // Data name. This field is supported since API version 11.
                    content_type: "text/plain".into(), // Data type. This field is supported since API version 11.
                    data: Some(ExtraData::String("Example data".into())), // Data content, optional. This field is supported since API version 11.
                    remote_file_name: Some("example.txt".into()), // Optional. This field is supported since API version 11.
                    ..Default::default()
                },
                MultiFormData {
                    name: "Part2".into(),              // Data name. This field is supported since API version 11.
                    content_type: "text/plain".into(), // Data type. This field is supported since API version 11.
                    // data/app/el2/100/base/com.example.myapplication/haps/entry/files/fileName.txt
                    file_path: Some(format!("{files_dir}/fileName.txt")), // File path, optional. This field is supported since API version 11.
                    remote_file_name: Some("fileName.txt".into()), // Optional. This field is supported since API version 11.
                    ..Default::default()
                },
            ]),
            ..Default::default()
        }),
        callback,
    );
    returned.wait();
    (console, http_request)
}

/// Checks the six lines of the "Examples" section's success: the headersReceive line, then
/// the callback's five. The body is `extraData` (multiFormDataList applies only with a
/// multipart/form-data content type, which this example does not set).
fn assert_full_post_succeeded(out: &[String]) {
    assert_eq!(out.len(), 6, "{out:#?}");
    let header: Value = serde_json::from_str(after(&out[0], "header: ")).unwrap();
    assert_eq!(header["content-type"], "application/json", "{out:#?}");
    let result: String = serde_json::from_str(after(&out[1], "Result:")).unwrap();
    let echoed: Value = serde_json::from_str(&result).unwrap();
    assert_eq!(echoed["data"], "data to send", "{result}");
    assert_eq!(echoed["headers"]["Accept"], "application/json", "{result}");
    assert_eq!(echoed["files"], serde_json::json!({}), "{result}");
    assert_eq!(out[2], "code:200");
    assert_eq!(out[3], "type:0");
    let header: Value = serde_json::from_str(after(&out[4], "header:")).unwrap();
    assert_eq!(header, serde_json::from_str::<Value>(after(&out[0], "header: ")).unwrap());
    assert_eq!(out[5], r#"cookies:"""#);
}

/// `## Examples` (spec line 16, code at line 18): POST with every option, a headersReceive
/// listener, then off and destroy in the callback.
///
/// Run three times. (1) As written, on httpbin over plain HTTP: the pins 'Pin1' and 'Pin2',
/// `caPath` and `clientCert` are handed to libcurl as given and do nothing on http.
/// (2) On the mTLS httpbin (it requires a client certificate), with the testbed's CA and
/// client certificate for the placeholder paths and password, and the spec's pins: neither
/// pin matches, so the error branch prints 2300090. (3) The same with 'Pin1' replaced by the
/// server's real pin (`net_common::server_pin()`; 'Pin2' stays): the success branch.
#[test]
fn examples_post_with_every_option() {
    testbed!();
    let (console, http_request) = full_post_example(&format!("{HTTPBIN}/post"), &Placeholders::spec());
    assert_full_post_succeeded(&console.text());
    assert!(http_request.is_destroyed());

    let (console, http_request) = full_post_example(&format!("{MTLS}/post"), &Placeholders::testbed("Pin1"));
    assert_eq!(console.text(), [r#"error:{"code":2300090}"#]);
    assert!(http_request.is_destroyed());

    let pin = net_common::server_pin();
    let (console, http_request) = full_post_example(&format!("{MTLS}/post"), &Placeholders::testbed(&pin));
    assert_full_post_succeeded(&console.text());
    assert!(http_request.is_destroyed());
}

/// `## Modules to Import` (spec line 10, code at line 12): `import { http } from
/// '@kit.NetworkKit';` is `use ohos_http as http;`. What the namespace gives is the spec's:
/// the enumerations with the spec's values.
#[test]
fn modules_to_import() {
    testbed!();
    use ohos_http as http;

    assert_eq!(http::RequestMethod::Post.as_str(), "POST");
    assert_eq!(http::RequestMethod::parse("CONNECT"), Some(http::RequestMethod::Connect));
    assert_eq!(http::HttpDataType::String as u32, 0);
    assert_eq!(http::HttpDataType::Object as u32, 1);
    assert_eq!(http::HttpDataType::ArrayBuffer as u32, 2);
    assert_eq!(http::HttpProtocol::from_u64(2), Some(http::HttpProtocol::Http3));
    assert_eq!(http::CertType::P12.as_str(), "P12");
    assert_eq!(http::ResponseCode::OK, 200);
    assert_eq!(http::ResponseCode::RANGE_NOT_SATISFIABLE, 416);
    assert!(!http::create_http().is_destroyed());
}

/// `## http.createHttp` (spec line 105, code at line 126): `let httpRequest =
/// http.createHttp();`. The task it returns is usable: a request on it succeeds.
#[test]
fn http_create_http() {
    testbed!();
    let http_request = http::create_http();

    assert!(!http_request.is_destroyed());
    assert_eq!(http_request.request(&format!("{HTTPBIN}/get"), None).unwrap().response_code, 200);
    http_request.destroy();
}

/// The five lines the `request` examples print for a response (spec lines 208-212, 316-320
/// and 419-423 are the same).
fn print_response(console: &Console, data: &HttpResponse) {
    console.info(format!("Result:{}", data.result.js_string()));
    console.info(format!("code:{}", data.response_code));
    console.info(format!("type:{}", data.result_type.stringify()));
    console.info(format!("header:{}", data.header.stringify()));
    console.info(format!("cookies:{}", data.cookies)); // Cookies are supported since API version 8.
}

/// The callback of the `request(url, callback)` and `request(url, options, callback)`
/// examples (spec lines 206-216 and 314-324 are the same).
fn response_callback(console: &Arc<Console>) -> impl FnOnce(Result<HttpResponse, HttpError>) + Send + 'static {
    let console = console.clone();
    move |r| match r {
        Ok(data) => print_response(&console, &data),
        Err(err) => console.info(format!("error:{}", err.stringify())),
    }
}

/// `### request` (spec line 136, code at line 202): `request(url, callback)`, GET httpbin
/// `/get`. httpbin's JSON without expectDataType is a string (type 0); no cookies.
#[test]
fn request_with_callback() {
    testbed!();
    let console = Console::new();
    let example_url = format!("{HTTPBIN}/get");

    let http_request = http::create_http();
    let (callback, returned) = signalling(response_callback(&console));
    http_request.request_with_callback(&example_url, None, callback);

    returned.wait();
    let out = console.text();
    assert_eq!(out.len(), 5, "{out:#?}");
    let echoed: Value = serde_json::from_str(after(&out[0], "Result:")).unwrap();
    assert_eq!(echoed["url"], example_url.as_str());
    assert_eq!(out[1], "code:200");
    assert_eq!(out[2], "type:0");
    let header: Value = serde_json::from_str(after(&out[3], "header:")).unwrap();
    assert_eq!(header["content-type"], "application/json");
    assert_eq!(out[4], "cookies:");
    http_request.destroy();
}

/// `### request` (spec line 219, code at line 287): `request(url, options, callback)`, POST
/// httpbin `/post` with the example's options; `new Header('application/json')` sends the
/// class's field as a header named `contentType`.
#[test]
fn request_with_options_and_callback() {
    testbed!();
    let console = Console::new();
    let example_url = format!("{HTTPBIN}/post");

    let http_request = http::create_http();
    let options = post_options();

    let (callback, returned) = signalling(response_callback(&console));
    http_request.request_with_callback(&example_url, Some(options), callback);

    returned.wait();
    let out = console.text();
    assert_eq!(out.len(), 5, "{out:#?}");
    let echoed: Value = serde_json::from_str(after(&out[0], "Result:")).unwrap();
    assert_eq!(echoed["data"], "data to send");
    assert_eq!(echoed["headers"]["Contenttype"], "application/json");
    assert_eq!(out[1], "code:200");
    assert_eq!(out[2], "type:0");
    assert_eq!(out[4], "cookies:");
    http_request.destroy();
}

/// `### request` (spec line 327, code at line 400): `request(url, options?)` as a promise,
/// GET httpbin `/get`. The last two lines print the header object itself (`'' + data.header`
/// is `[object Object]`), as the example is written.
#[test]
fn request_promise() {
    testbed!();
    let console = Console::new();
    let example_url = format!("{HTTPBIN}/get");

    let http_request = http::create_http();
    let promise = http_request.request_async(&example_url, Some(get_options()));
    match block_on(promise) {
        Ok(data) => {
            print_response(&console, &data);
            console.info(format!("header.content-Type:{}", data.header.js_string()));
            console.info(format!("header.Status-Line:{}", data.header.js_string()));
        }
        Err(err) => console.info(format!("error:{}", err.stringify())),
    }

    let out = console.text();
    assert_eq!(out.len(), 7, "{out:#?}");
    let echoed: Value = serde_json::from_str(after(&out[0], "Result:")).unwrap();
    assert_eq!(echoed["headers"]["Contenttype"], "application/json");
    assert_eq!(out[1], "code:200");
    let header: Value = serde_json::from_str(after(&out[3], "header:")).unwrap();
    assert_eq!(header["content-type"], "application/json");
    assert_eq!(header["status-line"], "HTTP/1.1 200 OK"); // the field the line's label names
    assert_eq!(out[5], "header.content-Type:[object Object]");
    assert_eq!(out[6], "header.Status-Line:[object Object]");
    http_request.destroy();
}

/// `### destroy` (spec line 431, code at line 443): create, then destroy. A destroyed task
/// starts nothing more: a request on it fails with 2300999.
#[test]
fn destroy() {
    testbed!();
    let http_request = http::create_http();

    http_request.destroy();

    assert!(http_request.is_destroyed());
    let err = http_request.request(&format!("{HTTPBIN}/get"), None).unwrap_err();
    assert_eq!(err.code(), 2_300_999, "{err}");
}

/// The callback of the `requestInStream(url, callback)` and `requestInStream(url, options,
/// callback)` examples (spec lines 515-521 and 612-618 are the same).
fn stream_callback(console: &Arc<Console>) -> impl FnOnce(Result<u32, HttpError>) + Send + 'static {
    let console = console.clone();
    move |r| match r {
        Ok(data) => console.info(format!("requestInStream OK! ResponseCode is {}", data.stringify())),
        Err(err) => console.info(format!("requestInStream ERROR : err = {}", err.stringify())),
    }
}

/// `### requestInStream<sup>10+</sup>` (spec line 450, code at line 510): `requestInStream(url, callback)`,
/// nginx's `/1k.bin`.
#[test]
fn request_in_stream_with_callback() {
    testbed!();
    let console = Console::new();
    let example_url = format!("{NGINX}/1k.bin");

    let http_request = http::create_http();
    let (callback, returned) = signalling(stream_callback(&console));
    http_request.request_in_stream_with_callback(&example_url, None, callback);

    returned.wait();
    assert_eq!(console.text(), ["requestInStream OK! ResponseCode is 200"]);
    http_request.destroy();
}

/// `### requestInStream<sup>10+</sup>` (spec line 524, code at line 585): `requestInStream(url, options,
/// callback)`, POST httpbin `/post` with the example's options. Not in the example: a
/// dataReceive listener collecting the streamed body, to check what was sent.
#[test]
fn request_in_stream_with_options_and_callback() {
    testbed!();
    let console = Console::new();
    let example_url = format!("{HTTPBIN}/post");

    let http_request = http::create_http();
    let options = post_options();
    let body = Arc::new(std::sync::Mutex::new(Vec::new()));
    http_request.on(EventType::DataReceive, {
        let body = body.clone();
        move |e: &Event| {
            if let Event::DataReceive(chunk) = e {
                body.lock().unwrap().extend_from_slice(chunk);
            }
        }
    });
    let (callback, returned) = signalling(stream_callback(&console));
    http_request.request_in_stream_with_callback(&example_url, Some(options), callback);

    returned.wait();
    assert_eq!(console.text(), ["requestInStream OK! ResponseCode is 200"]);
    let echoed: Value = serde_json::from_slice(&body.lock().unwrap()).unwrap();
    assert_eq!(echoed["data"], "data to send");
    assert_eq!(echoed["headers"]["Contenttype"], "application/json");
    http_request.destroy();
}

/// `### requestInStream<sup>10+</sup>` (spec line 621, code at line 687): `requestInStream(url, options?)`
/// as a promise, nginx's `/64k.bin`: `"requestInStream OK!" + data`.
#[test]
fn request_in_stream_promise() {
    testbed!();
    let console = Console::new();
    let example_url = format!("{NGINX}/64k.bin");

    let http_request = http::create_http();
    let promise = http_request.request_in_stream_async(&example_url, Some(get_options()));
    match block_on(promise) {
        Ok(data) => console.info(format!("requestInStream OK!{data}")),
        Err(err) => console.info(format!("requestInStream ERROR : err = {}", err.stringify())),
    }

    assert_eq!(console.text(), ["requestInStream OK!200"]);
    http_request.destroy();
}
