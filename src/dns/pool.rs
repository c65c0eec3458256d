//! A pool of threads for blocking DNS work, so that neither the caller nor the reactor ever
//! waits for a DNS server. Each runtime has one. A worker is started whenever a job finds
//! none idle (at most [`MAX_WORKERS`]), so slow servers holding some workers never starve
//! the lookups behind them (every lookup has its own deadline, `dns::Lookup::resolve`);
//! workers beyond [`KEPT_WORKERS`] end after [`IDLE_WORKER`] without work. All are joined
//! when the runtime shuts down.
use crossbeam_channel::{unbounded, Receiver, Sender};
use parking_lot::Mutex;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};

/// Most resolver threads at once.
pub(crate) const MAX_WORKERS: usize = 64;
/// Resolver threads kept when there is no work.
pub(crate) const KEPT_WORKERS: usize = 2;
/// How long a worker beyond [`KEPT_WORKERS`] waits for work before it ends.
pub(crate) const IDLE_WORKER: std::time::Duration = std::time::Duration::from_secs(10);

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Counts {
    workers: usize,
    idle: usize,
    queued: usize,
}

struct Queue {
    rx: Receiver<Job>,
    counts: Mutex<Counts>,
}

/// The resolver threads of one runtime.
pub(crate) struct ResolverPool {
    tx: Mutex<Option<Sender<Job>>>,
    queue: Arc<Queue>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Default for ResolverPool {
    fn default() -> Self {
        let (tx, rx) = unbounded();
        ResolverPool {
            tx: Mutex::new(Some(tx)),
            queue: Arc::new(Queue { rx, counts: Mutex::new(Counts::default()) }),
            threads: Mutex::new(Vec::new()),
        }
    }
}

impl ResolverPool {
    /// Runs `job` on a resolver thread. If no thread can be started at all (or the pool is shut
    /// down), runs it here.
    pub(crate) fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        let Some(tx) = self.tx.lock().clone() else { return job() };
        let start_worker = {
            let mut c = self.queue.counts.lock();
            c.queued += 1;
            let start = c.queued > c.idle && c.workers < MAX_WORKERS;
            if start {
                c.workers += 1;
            }
            start
        };
        // The pool holds a receiver, so the channel is never disconnected while it runs.
        let _ = tx.send(Box::new(job));
        if start_worker {
            let queue = self.queue.clone();
            match std::thread::Builder::new().name("ohos-http-dns".into()).spawn(move || worker(&queue)) {
                Ok(handle) => self.threads.lock().push(handle),
                Err(_) => {
                    let mut c = self.queue.counts.lock();
                    c.workers -= 1;
                    if c.workers == 0 {
                        drop(c);
                        // No thread at all: do the work here rather than never.
                        while let Ok(job) = self.queue.rx.try_recv() {
                            self.queue.counts.lock().queued -= 1;
                            run(job);
                        }
                    }
                }
            }
        }
    }

    /// Stops taking jobs and joins the workers once their queue is empty (a worker running
    /// on this very thread is left to finish by itself).
    pub(crate) fn shutdown(&self, current: ThreadId) {
        self.tx.lock().take();
        let threads = std::mem::take(&mut *self.threads.lock());
        for t in threads {
            if t.thread().id() != current {
                let _ = t.join();
            }
        }
    }
}

fn worker(queue: &Queue) {
    loop {
        queue.counts.lock().idle += 1;
        let job = match queue.rx.recv_timeout(IDLE_WORKER) {
            Ok(job) => job,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                let mut c = queue.counts.lock();
                if c.workers > KEPT_WORKERS {
                    c.idle -= 1;
                    c.workers -= 1;
                    return;
                }
                c.idle -= 1;
                continue;
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
        };
        {
            let mut c = queue.counts.lock();
            c.idle -= 1;
            c.queued -= 1;
        }
        run(job);
    }
}

/// Runs a job; a panic must not kill the worker (the job's transfer reports it itself).
fn run(job: Job) {
    let _ = catch_unwind(AssertUnwindSafe(job));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    #[test]
    fn runs_jobs_concurrently_up_to_the_bound_and_joins() {
        let pool = ResolverPool::default();
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (done_tx, done_rx) = crossbeam_channel::unbounded();
        let started = Instant::now();
        for _ in 0..8 {
            let (running, peak, done_tx) = (running.clone(), peak.clone(), done_tx.clone());
            pool.spawn(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
                running.fetch_sub(1, Ordering::SeqCst);
                done_tx.send(()).unwrap();
            });
        }
        for _ in 0..8 {
            done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak > 1 && peak <= MAX_WORKERS, "peak {peak}");
        // 8 jobs of 100 ms, each on a thread of its own if need be: about 100 ms, never 800
        assert!(started.elapsed() < Duration::from_millis(700), "{:?}", started.elapsed());
        pool.spawn(|| panic!("a panicking job"));
        let (tx, rx) = crossbeam_channel::bounded(1);
        pool.spawn(move || tx.send(()).unwrap());
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        pool.shutdown(std::thread::current().id());
        assert!(pool.threads.lock().is_empty());
        // after shutdown a job runs on the caller's thread
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        pool.spawn(move || {
            r.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
