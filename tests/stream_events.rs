//! requestInStream in three threading models, event order, progress, ranges, uploads.
mod common;
use common::*;
use ohos_http::{create_http, Event, EventType, ExtraData, HttpRequest, HttpRequestOptions, RequestMethod};
use parking_lot::Mutex;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Headers,
    Data(usize),
    Recv(u64, u64),
    Send(u64, u64),
    End,
}

type Shared<T> = Arc<Mutex<T>>;

/// Records every event of every type on `http`, with the bytes of the data events.
fn record(http: &HttpRequest) -> (Shared<Vec<Seen>>, Shared<Vec<u8>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let bytes = Arc::new(Mutex::new(Vec::new()));
    for t in [
        EventType::HeadersReceive,
        EventType::DataReceive,
        EventType::DataEnd,
        EventType::DataReceiveProgress,
        EventType::DataSendProgress,
    ] {
        let (l, b) = (log.clone(), bytes.clone());
        http.on(t, move |e| {
            let s = match e {
                Event::HeadersReceive(_) => Seen::Headers,
                Event::DataReceive(d) => {
                    b.lock().extend_from_slice(d);
                    Seen::Data(d.len())
                }
                Event::DataEnd => Seen::End,
                Event::DataReceiveProgress(p) => Seen::Recv(p.receive_size, p.total_size),
                Event::DataSendProgress(p) => Seen::Send(p.send_size, p.total_size),
                Event::HeaderReceive(_) => unreachable!(),
            };
            l.lock().push(s);
        });
    }
    (log, bytes)
}

/// Checks the order: headers once and first, data/progress, then dataEnd once and last.
fn assert_order(log: &[Seen], body_len: u64, total: u64) {
    assert_eq!(log.first(), Some(&Seen::Headers), "{log:?}");
    assert_eq!(log.iter().filter(|s| **s == Seen::Headers).count(), 1);
    assert_eq!(log.last(), Some(&Seen::End), "{log:?}");
    assert_eq!(log.iter().filter(|s| **s == Seen::End).count(), 1);
    let recv: Vec<(u64, u64)> =
        log.iter().filter_map(|s| if let Seen::Recv(a, b) = s { Some((*a, *b)) } else { None }).collect();
    assert_eq!(recv.last(), Some(&(body_len, total)), "{recv:?}");
    assert!(recv.windows(2).all(|w| w[0] != w[1]), "duplicate progress events: {recv:?}");
    assert!(recv.windows(2).all(|w| w[0].0 <= w[1].0), "progress went backwards: {recv:?}");
}

#[test]
fn blocking_stream_delivers_the_body_only_through_events() {
    testbed!();
    let http = create_http();
    let (log, bytes) = record(&http);
    let code = http.request_in_stream(&format!("{NGINX}/1m.bin"), None).unwrap();
    assert_eq!(code, 200);
    let expected = std::fs::read(testbed_dir().join("www/1m.bin")).unwrap();
    assert_eq!(*bytes.lock(), expected, "bytes exactly as served");
    assert_order(&log.lock(), 1 << 20, 1 << 20);
}

#[test]
fn chunked_stream_reports_total_zero() {
    testbed!();
    let http = create_http();
    let (log, bytes) = record(&http);
    assert_eq!(http.request_in_stream(&format!("{FAULT}/chunked?size=100000"), None).unwrap(), 200);
    assert_eq!(bytes.lock().len(), 100_000);
    assert_order(&log.lock(), 100_000, 0);
}

#[test]
fn progress_counts_the_decoded_bytes_of_a_compressed_body() {
    testbed!();
    // curl counts wire (compressed) bytes; the events report what dataReceive delivers
    let http = create_http();
    let (log, bytes) = record(&http);
    assert_eq!(http.request_in_stream(&format!("{HTTPBIN}/gzip"), None).unwrap(), 200);
    let delivered = bytes.lock().len() as u64;
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes.lock()).unwrap()["gzipped"] == true);
    // an encoded body's decoded length is not announced: the total is unknown (0)
    assert_order(&log.lock(), delivered, 0);
    // the whole-body form reports the same
    let http = create_http();
    let (log, _) = record(&http);
    let r = http.request(&format!("{HTTPBIN}/gzip"), None).unwrap();
    let last = log.lock().iter().rev().find_map(|s| if let Seen::Recv(a, b) = s { Some((*a, *b)) } else { None });
    assert_eq!(last, Some((r.result.to_bytes().len() as u64, 0)));
}

#[test]
fn callback_and_async_streams_run_events_on_the_dispatcher_in_order() {
    testbed!();
    let http = create_http();
    let (log, bytes) = record(&http);
    let threads = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let t = threads.clone();
    http.on(EventType::DataReceive, move |_| {
        t.lock().insert(std::thread::current().name().unwrap_or("").to_string());
    });
    let (tx, rx) = mpsc::channel();
    let l = log.clone();
    http.request_in_stream_with_callback(&format!("{NGINX}/64k.bin"), None, move |r| {
        // the completion comes after dataEnd
        tx.send((r, l.lock().last().cloned())).unwrap();
    });
    let (code, last) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(code.unwrap(), 200);
    assert_eq!(last, Some(Seen::End));
    assert_eq!(bytes.lock().len(), 65536);
    assert_order(&log.lock(), 65536, 65536);
    assert_eq!(*threads.lock(), ["ohos-http-dispatch".to_string()].into());

    log.lock().clear();
    bytes.lock().clear();
    assert_eq!(block_on(http.request_in_stream_async(&format!("{NGINX}/64k.bin"), None)).unwrap(), 200);
    assert_eq!(bytes.lock().len(), 65536);
    assert_order(&log.lock(), 65536, 65536);
}

#[test]
fn stream_has_no_max_limit_and_resumes_ranges() {
    testbed!();
    let http = create_http();
    let (_, bytes) = record(&http);
    let code = http.request_in_stream(&format!("{FAULT}/bytes?size={}", 8 << 20), Some(opts(r#"{"maxLimit":1000}"#)));
    assert_eq!(code.unwrap(), 200);
    assert_eq!(bytes.lock().len(), 8 << 20);
    bytes.lock().clear();
    let whole = std::fs::read(testbed_dir().join("www/1m.bin")).unwrap();
    let code = http.request_in_stream(&format!("{NGINX}/1m.bin"), Some(opts(r#"{"resumeFrom":1000000}"#))).unwrap();
    assert_eq!(code, 206);
    assert_eq!(*bytes.lock(), whole[1_000_000..].to_vec());
}

#[test]
fn failed_stream_has_no_data_end() {
    testbed!();
    let http = create_http();
    let (log, _) = record(&http);
    let e = http.request_in_stream(&format!("{FAULT}/rst"), None).unwrap_err();
    assert_eq!(e.code(), 2_300_056);
    assert!(!log.lock().contains(&Seen::End), "dataEnd is for success only");
}

#[test]
fn large_upload_goes_through_the_read_callback_with_send_progress() {
    testbed!();
    let http = create_http();
    let (log, _) = record(&http);
    let body: Vec<u8> = (0..100u32 << 20).map(|i| (i % 251) as u8).collect();
    let o = HttpRequestOptions {
        method: Some(RequestMethod::Post),
        extra_data: Some(ExtraData::ArrayBuffer(body)),
        header: Some(serde_json::json!({"content-type": "application/octet-stream"}).as_object().unwrap().clone()),
        ..Default::default()
    };
    let r = http.request(&format!("{FAULT}/echo"), Some(o)).unwrap();
    assert_eq!(json(&r)["body_len"], 100u64 << 20);
    let sends: Vec<(u64, u64)> =
        log.lock().iter().filter_map(|s| if let Seen::Send(a, b) = s { Some((*a, *b)) } else { None }).collect();
    assert!(sends.len() > 1, "progress while uploading: {sends:?}");
    assert_eq!(sends.last(), Some(&(100 << 20, 100 << 20)));
    assert!(sends.windows(2).all(|w| w[0] != w[1] && w[0].0 <= w[1].0), "{sends:?}");
}

#[test]
fn multipart_parts_from_data_and_files() {
    testbed!();
    let dir = std::env::temp_dir().join(format!("ohos-http-mp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("upload.txt");
    std::fs::write(&file, b"file contents").unwrap();
    let http = create_http();
    let (log, _) = record(&http);
    let o = opts(&format!(
        r#"{{"method":"POST","header":{{"content-type":"multipart/form-data"}},
            "multiFormDataList":[
              {{"name":"text","contentType":"text/plain","data":"hello"}},
              {{"name":"obj","contentType":"application/json","data":{{"k":1}}}},
              {{"name":"up","contentType":"text/plain","filePath":"{}","remoteFileName":"remote.txt"}}]}}"#,
        file.display()
    ));
    let r = http.request(&format!("{HTTPBIN}/post"), Some(o)).unwrap();
    let body = json(&r);
    assert_eq!(body["form"]["text"], "hello");
    assert_eq!(body["form"]["obj"], r#"{"k":1}"#);
    assert_eq!(body["files"]["up"], "file contents");
    let ct = body["headers"]["Content-Type"].as_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "curl's boundary: {ct}");
    let last_send = log.lock().iter().rev().find_map(|s| if let Seen::Send(a, b) = s { Some((*a, *b)) } else { None });
    let (sent, total) = last_send.expect("send progress for multipart");
    assert_eq!(sent, total);
    // bytes parts through the Rust API, and remote file names reach the server
    let o = HttpRequestOptions {
        method: Some(RequestMethod::Post),
        header: Some(serde_json::json!({"Content-Type": "multipart/form-data"}).as_object().unwrap().clone()),
        multi_form_data_list: Some(vec![ohos_http::MultiFormData {
            name: "bin".into(),
            content_type: "application/octet-stream".into(),
            remote_file_name: Some("b.bin".into()),
            data: Some(ExtraData::ArrayBuffer(b"abc".to_vec())),
            file_path: None,
        }]),
        ..Default::default()
    };
    let r = http.request(&format!("{HTTPBIN}/post"), Some(o)).unwrap();
    assert_eq!(json(&r)["files"]["bin"], "abc");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn multipart_errors() {
    testbed!();
    let http = create_http();
    let e = http
        .request(
            "http://127.0.0.1:1/",
            Some(opts(
                r#"{"method":"POST","header":{"content-type":"multipart/form-data"},
                "multiFormDataList":[{"name":"f","contentType":"text/plain","filePath":"/nonexistent/file"}]}"#,
            )),
        )
        .unwrap_err();
    assert_eq!(e.code(), 2_300_026, "{e}");
    let e = http
        .request(
            "http://127.0.0.1:1/",
            Some(opts(
                r#"{"method":"POST","header":{"content-type":"multipart/form-data"},
                "multiFormDataList":[{"name":"f","contentType":"text/plain"}]}"#,
            )),
        )
        .unwrap_err();
    assert_eq!(e.code(), 401, "{e}");
}

#[test]
fn a_stream_paused_by_its_listener_is_not_idle() {
    testbed!();
    // The listener holds the first chunk for 2.5 s: the transfer pauses (backpressure) far
    // longer than its 1 s readTimeout, then resumes. Paused is not idle, before and after the
    // pause ends: the request completes instead of failing with 2300028.
    const SIZE: u64 = 32 << 20;
    let http = create_http();
    let received = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let r = received.clone();
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(d) = e {
            if r.fetch_add(d.len() as u64, std::sync::atomic::Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(2500));
            }
        }
    });
    let started = std::time::Instant::now();
    let code = http
        .request_in_stream(&format!("{FAULT}/bytes?size={SIZE}"), Some(opts(r#"{"readTimeout":1000}"#)))
        .expect("a paused stream must not time out");
    assert_eq!(code, 200);
    assert_eq!(received.load(std::sync::atomic::Ordering::SeqCst), SIZE);
    assert!(started.elapsed() >= Duration::from_millis(2500), "the listener did not hold the stream");
}
