//! A small, bounded pool of threads for blocking DNS work of callback and async requests, so
//! that neither the caller nor the reactor ever waits for a DNS server. Workers are started on
//! demand (at most [`MAX_WORKERS`]) and then live for the process, blocked on a channel while
//! idle; when every worker is busy, jobs wait in FIFO order.
use crossbeam_channel::{unbounded, Receiver, Sender};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Most resolver threads at once.
pub(crate) const MAX_WORKERS: usize = 4;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Counts {
    workers: usize,
    idle: usize,
    queued: usize,
}

struct Pool {
    tx: Sender<Job>,
    rx: Receiver<Job>,
    counts: Mutex<Counts>,
}

static POOL: Lazy<Pool> = Lazy::new(|| {
    let (tx, rx) = unbounded();
    Pool { tx, rx, counts: Mutex::new(Counts::default()) }
});

/// Runs `job` on a resolver thread. If no thread can be started at all, runs it here.
pub(crate) fn spawn(job: impl FnOnce() + Send + 'static) {
    let pool = &*POOL;
    let start_worker = {
        let mut c = pool.counts.lock();
        c.queued += 1;
        let start = c.queued > c.idle && c.workers < MAX_WORKERS;
        if start {
            c.workers += 1;
        }
        start
    };
    // The pool holds a receiver, so the channel is never disconnected.
    let _ = pool.tx.send(Box::new(job));
    if start_worker {
        let started = std::thread::Builder::new().name("ohos-http-dns".into()).spawn(|| worker(&POOL));
        if started.is_err() {
            let mut c = pool.counts.lock();
            c.workers -= 1;
            if c.workers == 0 {
                drop(c);
                // No thread at all: do the work here rather than never.
                while let Ok(job) = pool.rx.try_recv() {
                    pool.counts.lock().queued -= 1;
                    run(job);
                }
            }
        }
    }
}

fn worker(pool: &'static Pool) {
    loop {
        pool.counts.lock().idle += 1;
        let Ok(job) = pool.rx.recv() else { return };
        {
            let mut c = pool.counts.lock();
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
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn runs_jobs_concurrently_up_to_the_bound() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (done_tx, done_rx) = crossbeam_channel::unbounded();
        let started = Instant::now();
        for _ in 0..8 {
            let (running, peak, done_tx) = (running.clone(), peak.clone(), done_tx.clone());
            spawn(move || {
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
        // 8 jobs of 100 ms on 4 threads: about 200 ms, never 800
        assert!(started.elapsed() < Duration::from_millis(700), "{:?}", started.elapsed());
        spawn(|| panic!("a panicking job"));
        let (tx, rx) = crossbeam_channel::bounded(1);
        spawn(move || tx.send(()).unwrap());
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
    }
}
