//! A transfer paused by its listener costs no CPU while it waits: libcurl stops watching its
//! socket, so the reactor sleeps in `curl_multi_poll` instead of being woken again and again
//! by a socket that stays readable. The only test of its binary, so the reactor threads' CPU
//! time is this test's own.
mod common;
use common::*;
use ohos_http::{create_http, Event, EventType};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// CPU time (user + system, in clock ticks) of every reactor thread of this process.
fn reactor_ticks() -> u64 {
    let mut ticks = 0;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if !comm.starts_with("ohos-http-react") {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // the fields after the command's closing parenthesis: state is the 3rd, utime the 14th
        let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
        ticks += fields.get(11).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        ticks += fields.get(12).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    }
    ticks
}

#[test]
fn a_paused_stream_leaves_the_reactor_asleep() {
    testbed!();
    let http = Arc::new(create_http());
    let (paused_tx, paused_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let go_rx = parking_lot::Mutex::new(go_rx);
    let held = Arc::new(AtomicBool::new(false));
    let h = held.clone();
    http.on(EventType::DataReceive, move |e| {
        if let Event::DataReceive(_) = e {
            if !h.swap(true, Ordering::SeqCst) {
                // hold the first chunk: the buffer behind it fills and the transfer pauses
                let _ = paused_tx.send(());
                let _ = go_rx.lock().recv_timeout(Duration::from_secs(30));
            }
        }
    });
    let rss_at_start = peak_rss();
    let h = http.clone();
    let stream = std::thread::spawn(move || h.request_in_stream(&format!("{FAULT}/bytes?size={}", 64 << 20), None));
    paused_rx.recv_timeout(Duration::from_secs(30)).expect("the first chunk");
    // time for curl to fill the buffer and pause
    std::thread::sleep(Duration::from_millis(500));
    let before = reactor_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let spent = reactor_ticks() - before;
    // it did pause: a transfer still reading would have queued most of the 64 MiB by now
    let grown = peak_rss().saturating_sub(rss_at_start);
    go_tx.send(()).unwrap();
    assert_eq!(stream.join().unwrap().unwrap(), 200, "the stream completes once let go");
    // a reactor spinning on the readable socket would spend ~200 ticks (2 s of one core)
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    assert!(grown < 32 << 20, "{} MiB more memory while held: the transfer did not pause", grown >> 20);
    assert!(spent * 10 <= hz, "the reactor spent {spent} ticks (of {hz} per second) while the stream was paused");
}
