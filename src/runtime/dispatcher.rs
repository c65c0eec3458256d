//! The dispatcher of a runtime: the threads that run listeners and completion callbacks of
//! callback and async requests, so that no user code ever runs on the reactor.
//!
//! * **In order, one at a time, per transfer**: each transfer is a job with an inbox; a job is
//!   run by one dispatcher thread at a time, which takes its messages in order.
//! * **One thread, and more only when it is stuck**: normally one thread runs every job. When
//!   work waits while every dispatcher thread has been inside a callback for [`STUCK`] (a slow
//!   listener, or a callback that waits for another request: `block_on(request_async(..))`, a
//!   channel fed by another callback), a watchdog starts another thread, up to
//!   [`MAX_THREADS`]; so no callback can hold up the others for long, and none can deadlock
//!   the process by waiting on another request. Threads beyond the first end after
//!   [`IDLE_THREAD`] without work.
//! * Waiting is parked (a condition variable), never a spin: with one callback request at a
//!   time the next message comes a full request later.
use super::consumer::Consumer;
use crate::error::HttpError;
use crate::transfer::{Finished, Msg, Sink};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

/// How long work may wait while every dispatcher thread is busy before another one starts.
pub(crate) const STUCK: Duration = Duration::from_millis(50);
/// Most dispatcher threads at once.
pub(crate) const MAX_THREADS: usize = 16;
/// How long a dispatcher thread beyond the first waits for work before it ends.
pub(crate) const IDLE_THREAD: Duration = Duration::from_secs(10);

/// A completion callback for a finished transfer.
pub(crate) type Completion = Box<dyn FnOnce(Result<Finished, HttpError>) + Send>;

/// One transfer consumed on the dispatcher.
struct Job {
    consumer: Mutex<Consumer>,
    complete: Mutex<Option<Completion>>,
    inbox: Mutex<VecDeque<Msg>>,
    /// In the ready queue or being run (by exactly one thread).
    scheduled: AtomicBool,
}

enum Task {
    Job(Arc<Job>),
    Call(Box<dyn FnOnce() + Send>),
}

#[derive(Default)]
struct Ready {
    tasks: VecDeque<Task>,
    threads: usize,
    idle: usize,
    /// Tasks finished so far (the watchdog's sign of progress).
    finished: u64,
    /// The watchdog is timing a wait already (pushes need not wake it).
    watching: bool,
    stopped: bool,
}

#[derive(Default)]
struct Shared {
    ready: Mutex<Ready>,
    /// Dispatcher threads wait here for tasks.
    work: Condvar,
    /// The watchdog waits here for work that finds no idle thread.
    watch: Condvar,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

/// The dispatcher of one runtime.
pub(crate) struct Dispatcher {
    shared: Arc<Shared>,
}

impl Dispatcher {
    /// Starts its first thread and its watchdog.
    pub(crate) fn start() -> Result<Dispatcher, HttpError> {
        let shared = Arc::new(Shared::default());
        shared.ready.lock().threads = 1;
        spawn_thread(&shared)?;
        let s = shared.clone();
        let watchdog = std::thread::Builder::new()
            .name("ohos-http-watch".into())
            .spawn(move || watchdog(&s))
            .map_err(|e| HttpError::internal(format!("cannot start the dispatcher's watchdog: {e}")))?;
        shared.handles.lock().push(watchdog);
        Ok(Dispatcher { shared })
    }

    /// A sink that hands a transfer's messages to the dispatcher, which feeds `consumer` and
    /// finally calls `complete`.
    pub(crate) fn sink(&self, consumer: Consumer, complete: Completion) -> Sink {
        let shared = self.shared.clone();
        let job = Arc::new(Job {
            consumer: Mutex::new(consumer),
            complete: Mutex::new(Some(complete)),
            inbox: Mutex::new(VecDeque::new()),
            scheduled: AtomicBool::new(false),
        });
        Arc::new(move |msg| {
            job.inbox.lock().push_back(msg);
            if !job.scheduled.swap(true, Ordering::AcqRel) {
                push(&shared, Task::Job(job.clone()));
            }
        })
    }

    /// Runs `f` on a dispatcher thread (here, when the dispatcher has stopped).
    pub(crate) fn call_later(&self, f: impl FnOnce() + Send + 'static) {
        if let Some(Task::Call(f)) = push(&self.shared, Task::Call(Box::new(f))) {
            f();
        }
    }

    /// Runs what was queued so far, then ends its threads and joins them (not `current`, when
    /// it is one of them: that one ends after the callback that called this returns).
    pub(crate) fn shutdown(&self, current: ThreadId) {
        self.shared.ready.lock().stopped = true;
        self.shared.work.notify_all();
        self.shared.watch.notify_all();
        let handles = std::mem::take(&mut *self.shared.handles.lock());
        for h in handles {
            if h.thread().id() != current {
                let _ = h.join();
            }
        }
    }
}

/// Queues a task and wakes a thread for it (or the watchdog, when none is idle); gives the
/// task back when the dispatcher has stopped.
fn push(shared: &Shared, task: Task) -> Option<Task> {
    let mut ready = shared.ready.lock();
    if ready.stopped && ready.threads == 0 {
        return Some(task);
    }
    ready.tasks.push_back(task);
    if ready.idle > 0 {
        shared.work.notify_one();
    } else if !ready.watching {
        ready.watching = true;
        shared.watch.notify_one();
    }
    None
}

fn spawn_thread(shared: &Arc<Shared>) -> Result<(), HttpError> {
    let s = shared.clone();
    let handle = std::thread::Builder::new()
        .name("ohos-http-dispatch".into())
        .spawn(move || worker(&s))
        .map_err(|e| HttpError::internal(format!("cannot start a dispatcher thread: {e}")))?;
    shared.handles.lock().push(handle);
    Ok(())
}

fn worker(shared: &Shared) {
    let mut ready = shared.ready.lock();
    loop {
        if let Some(task) = ready.tasks.pop_front() {
            drop(ready);
            run(task);
            ready = shared.ready.lock();
            ready.finished += 1;
            continue;
        }
        if ready.stopped {
            ready.threads -= 1;
            return;
        }
        ready.idle += 1;
        let timed_out = shared.work.wait_for(&mut ready, IDLE_THREAD).timed_out();
        ready.idle -= 1;
        if timed_out && ready.tasks.is_empty() && ready.threads > 1 {
            ready.threads -= 1;
            return;
        }
    }
}

/// Starts another thread when work has waited for [`STUCK`] while every thread was busy and
/// none of them finished anything meanwhile.
fn watchdog(shared: &Arc<Shared>) {
    let mut ready = shared.ready.lock();
    loop {
        if ready.stopped {
            return;
        }
        let starved = |r: &Ready| !r.tasks.is_empty() && r.idle == 0;
        if !starved(&ready) {
            ready.watching = false;
            shared.watch.wait(&mut ready);
            continue;
        }
        ready.watching = true;
        let finished = ready.finished;
        let since = Instant::now();
        while since.elapsed() < STUCK && !ready.stopped {
            shared.watch.wait_for(&mut ready, STUCK.saturating_sub(since.elapsed()));
        }
        if !ready.stopped && starved(&ready) && ready.finished == finished && ready.threads < MAX_THREADS {
            ready.threads += 1;
            drop(ready);
            if spawn_thread(shared).is_err() {
                shared.ready.lock().threads -= 1;
            }
            ready = shared.ready.lock();
        }
    }
}

fn run(task: Task) {
    // A panicking callback must not take a dispatcher thread down with it.
    let _ = catch_unwind(AssertUnwindSafe(|| match task {
        Task::Call(f) => f(),
        Task::Job(job) => run_job(&job),
    }));
}

/// Runs a job's messages in order until its inbox is empty.
fn run_job(job: &Arc<Job>) {
    loop {
        let msg = job.inbox.lock().pop_front();
        let Some(msg) = msg else {
            job.scheduled.store(false, Ordering::Release);
            // a message that came after the inbox looked empty, before the flag was cleared
            if job.inbox.lock().is_empty() || job.scheduled.swap(true, Ordering::AcqRel) {
                return;
            }
            continue;
        };
        let done = catch_unwind(AssertUnwindSafe(|| job.consumer.lock().handle(msg)));
        match done {
            Ok(Some(result)) => {
                if let Some(complete) = job.complete.lock().take() {
                    let _ = catch_unwind(AssertUnwindSafe(|| complete(result)));
                }
            }
            Ok(None) => {}
            // a bug in the consumer: the job cannot go on, but the thread can
            Err(_) => return,
        }
    }
}
