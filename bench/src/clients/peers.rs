//! The Rust peers: isahc (sync and async), reqwest (async current-thread, async multi-thread,
//! blocking) and ureq. Each one reads the whole body (`Body::Whole`) or reads it in chunks
//! and drops them (`Body::Stream`).
use super::Client;
use crate::common::{tasks, threads, Body, Tally};
use std::io::Read;
use std::sync::Arc;

/// Reads a body chunk by chunk into a reused 64 KiB buffer; returns its length.
fn drain(mut r: impl Read) -> Result<u64, String> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(k) => total += k as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

// ------------------------------------------------------------------ isahc

pub struct Isahc {
    client: Arc<isahc::HttpClient>,
    rt: Option<tokio::runtime::Runtime>,
}

impl Isahc {
    pub fn new(asynchronous: bool, ca: Option<String>) -> Result<Isahc, String> {
        use isahc::config::Configurable;
        let mut b = isahc::HttpClient::builder();
        if let Some(ca) = ca {
            let store = isahc::tls::TrustStore::from_file(ca);
            b = b.tls_config(isahc::tls::TlsConfig::builder().trust_store(store).build());
        }
        let client = b.build().map_err(|e| e.to_string())?;
        let rt = asynchronous.then(super::current_thread);
        Ok(Isahc { client: Arc::new(client), rt })
    }
}

impl Client for Isahc {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        match &self.rt {
            None => {
                let client = &self.client;
                threads(
                    n,
                    c,
                    expect,
                    || (),
                    |_| {
                        use isahc::ReadResponseExt;
                        let mut resp = client.get(url).map_err(|e| e.to_string())?;
                        if resp.status() != 200 {
                            return Err(format!("status {}", resp.status()));
                        }
                        match body {
                            Body::Whole => resp.bytes().map(|b| b.len() as u64).map_err(|e| e.to_string()),
                            Body::Stream => drain(resp.body_mut()),
                        }
                    },
                )
            }
            Some(rt) => {
                let client = self.client.clone();
                let url = url.to_string();
                tasks(rt, n, c, expect, move || {
                    let (client, url) = (client.clone(), url.clone());
                    async move {
                        use futures_lite::AsyncReadExt;
                        use isahc::AsyncReadResponseExt;
                        let mut resp = client.get_async(url).await.map_err(|e| e.to_string())?;
                        if resp.status() != 200 {
                            return Err(format!("status {}", resp.status()));
                        }
                        match body {
                            Body::Whole => resp.bytes().await.map(|b| b.len() as u64).map_err(|e| e.to_string()),
                            Body::Stream => {
                                let mut buf = vec![0u8; 64 * 1024];
                                let mut total = 0u64;
                                loop {
                                    match resp.body_mut().read(&mut buf).await {
                                        Ok(0) => return Ok(total),
                                        Ok(k) => total += k as u64,
                                        Err(e) => return Err(e.to_string()),
                                    }
                                }
                            }
                        }
                    }
                })
            }
        }
    }
}

// ------------------------------------------------------------------ reqwest

pub enum Reqwest {
    Async { client: reqwest::Client, rt: tokio::runtime::Runtime },
    Blocking { client: reqwest::blocking::Client },
}

fn reqwest_ca(ca: &Option<String>) -> Result<Option<reqwest::Certificate>, String> {
    match ca {
        None => Ok(None),
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            reqwest::Certificate::from_pem(&pem).map(Some).map_err(|e| e.to_string())
        }
    }
}

impl Reqwest {
    /// `threads`: None = blocking client; Some(0) = current-thread runtime; Some(k) = k workers.
    pub fn new(threads: Option<usize>, ca: Option<String>) -> Result<Reqwest, String> {
        let cert = reqwest_ca(&ca)?;
        match threads {
            None => {
                let mut b = reqwest::blocking::Client::builder();
                if let Some(c) = cert {
                    b = b.tls_certs_merge([c]);
                }
                Ok(Reqwest::Blocking { client: b.build().map_err(|e| e.to_string())? })
            }
            Some(workers) => {
                let rt = if workers == 0 {
                    super::current_thread()
                } else {
                    tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(workers)
                        .enable_all()
                        .build()
                        .expect("tokio runtime")
                };
                let mut b = reqwest::Client::builder();
                if let Some(c) = cert {
                    b = b.tls_certs_merge([c]);
                }
                // built inside the runtime: hyper's pool spawns its tasks there
                let client = rt.block_on(async { b.build() }).map_err(|e| e.to_string())?;
                Ok(Reqwest::Async { client, rt })
            }
        }
    }
}

impl Client for Reqwest {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        match self {
            Reqwest::Blocking { client } => {
                let client = &*client;
                threads(
                    n,
                    c,
                    expect,
                    || (),
                    |_| {
                        let mut resp = client.get(url).send().map_err(|e| e.to_string())?;
                        if resp.status() != 200 {
                            return Err(format!("status {}", resp.status()));
                        }
                        match body {
                            Body::Whole => resp.bytes().map(|b| b.len() as u64).map_err(|e| e.to_string()),
                            Body::Stream => drain(&mut resp),
                        }
                    },
                )
            }
            Reqwest::Async { client, rt } => {
                let client = client.clone();
                let url = url.to_string();
                tasks(rt, n, c, expect, move || {
                    let req = client.get(&url);
                    async move {
                        let mut resp = req.send().await.map_err(|e| e.to_string())?;
                        if resp.status() != 200 {
                            return Err(format!("status {}", resp.status()));
                        }
                        match body {
                            Body::Whole => resp.bytes().await.map(|b| b.len() as u64).map_err(|e| e.to_string()),
                            Body::Stream => {
                                let mut total = 0u64;
                                while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
                                    total += chunk.len() as u64;
                                }
                                Ok(total)
                            }
                        }
                    }
                })
            }
        }
    }
}

// ------------------------------------------------------------------ ureq

pub struct Ureq {
    agent: ureq::Agent,
}

impl Ureq {
    pub fn new() -> Ureq {
        // a pool as large as the concurrency (its default keeps 3 idle connections per host,
        // which would reconnect most requests at c=64)
        let config =
            ureq::Agent::config_builder().max_idle_connections(1024).max_idle_connections_per_host(1024).build();
        Ureq { agent: config.into() }
    }
}

impl Client for Ureq {
    fn fetch(&mut self, url: &str, expect: u64, n: usize, c: usize, body: Body) -> Tally {
        let agent = &self.agent;
        threads(
            n,
            c,
            expect,
            || (),
            |_| {
                let mut resp = agent.get(url).call().map_err(|e| e.to_string())?;
                if resp.status() != 200 {
                    return Err(format!("status {}", resp.status()));
                }
                match body {
                    Body::Whole => resp
                        .body_mut()
                        .with_config()
                        .limit(1 << 30)
                        .read_to_vec()
                        .map(|b| b.len() as u64)
                        .map_err(|e| e.to_string()),
                    Body::Stream => drain(resp.body_mut().as_reader()),
                }
            },
        )
    }
}
