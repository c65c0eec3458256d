//! W7's holding server: HTTP/1.1 on a loopback port that answers every request after holding
//! it for a while (1 s) with a 1 KiB body (`Content-Length: 1024`, keep-alive). It runs on
//! one thread of the harness process (a tokio current-thread runtime), so its CPU is not in
//! the measured child's getrusage, and 10,000 idle connections cost it only their buffers.
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Listen backlog asked for (the kernel caps it at net.core.somaxconn): 10,000 connects
/// arrive at once and a full accept queue would make clients retry their SYN after 1 s.
const BACKLOG: u32 = 65_535;

/// Starts the server on a thread of its own; returns its base URL (`http://127.0.0.1:PORT`).
/// It lives as long as the process.
pub fn start(hold: Duration) -> Result<String, String> {
    crate::common::raise_nofile();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("w7-hold-server".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(format!("hold server runtime: {e}")));
                    return;
                }
            };
            rt.block_on(async move {
                let listener = (|| {
                    let s = TcpSocket::new_v4()?;
                    s.set_reuseaddr(true)?;
                    s.bind("127.0.0.1:0".parse().expect("address"))?;
                    s.listen(BACKLOG)
                })();
                let listener = match listener {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = tx.send(Err(format!("hold server: cannot listen: {e}")));
                        return;
                    }
                };
                let addr = listener.local_addr().map_err(|e| e.to_string());
                let _ = tx.send(addr.map(|a| format!("http://{a}")));
                // one answer for every connection (10,000 of them), made once
                let answer: Arc<[u8]> = response().into();
                loop {
                    match listener.accept().await {
                        Ok((s, _)) => {
                            tokio::spawn(serve(s, hold, answer.clone()));
                        }
                        // EMFILE and the like: back off a little, the client retries nothing
                        Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                    }
                }
            });
        })
        .map_err(|e| format!("hold server thread: {e}"))?;
    rx.recv().map_err(|_| "the hold server did not start".to_string())?
}

fn response() -> Vec<u8> {
    let mut r = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\n".to_vec();
    r.extend(std::iter::repeat_n(b'x', 1024));
    r
}

/// One connection: for every request head (a body is not expected), wait `hold`, answer.
async fn serve(mut s: TcpStream, hold: Duration, answer: Arc<[u8]>) {
    let _ = s.set_nodelay(true);
    let mut buf = vec![0u8; 2048];
    let mut have = 0;
    loop {
        let end = loop {
            if let Some(i) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if have == buf.len() {
                return; // a head over 2 KiB: not one of ours
            }
            match s.read(&mut buf[have..]).await {
                Ok(0) | Err(_) => return,
                Ok(k) => have += k,
            }
        };
        buf.copy_within(end..have, 0);
        have -= end;
        tokio::time::sleep(hold).await;
        if s.write_all(&answer).await.is_err() {
            return;
        }
    }
}
