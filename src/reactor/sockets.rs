//! What the reactor waits on: an epoll set holding the sockets libcurl asks it to watch
//! (`CURLMOPT_SOCKETFUNCTION`), curl's timer (`CURLMOPT_TIMERFUNCTION`) and an eventfd that
//! other threads write to wake it ([`Wake`]).
//!
//! With these the loop drives libcurl by `curl_multi_socket_action`: told which socket is
//! ready, libcurl touches only the transfers on it, where `curl_multi_perform` walks every
//! transfer on every call. A round's cost then follows the sockets that are ready, not the
//! number in flight, and the loop can take new commands between two sockets.
//!
//! The callbacks run inside libcurl on the reactor thread and never panic (the curl crate
//! would otherwise keep the panic and turn every later callback into an abort).
use crate::error::HttpError;
use curl::multi::{Events, Multi, Socket, SocketEvents};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The epoll data of the wake-up eventfd (a socket's data is its descriptor, never this).
const WAKE: u64 = u64::MAX;

/// Ready descriptors taken per wait.
const BATCH: usize = 256;

/// An eventfd that wakes the reactor from [`Sockets::wait`]; any thread may ring it.
pub(crate) struct Wake {
    fd: libc::c_int,
}

impl Drop for Wake {
    fn drop(&mut self) {
        // SAFETY: the descriptor made in `Wake::new`, closed once, here.
        unsafe { libc::close(self.fd) };
    }
}

impl Wake {
    fn new() -> Result<Wake, HttpError> {
        // SAFETY: a plain constructor call.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(os_error("eventfd"));
        }
        Ok(Wake { fd })
    }

    /// Wakes the reactor (a wait in progress returns; the next one returns at once).
    pub(crate) fn ring(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a valid u64 to our own eventfd. It can only fail when
        // the counter is full, and the reactor is awake then anyway.
        unsafe { libc::write(self.fd, (&one as *const u64).cast(), 8) };
    }

    /// Clears the counter after a wake-up.
    fn clear(&self) {
        let mut n: u64 = 0;
        // SAFETY: reads 8 bytes into a valid u64 from our own non-blocking eventfd.
        unsafe { libc::read(self.fd, (&mut n as *mut u64).cast(), 8) };
    }
}

/// The epoll descriptor and curl's timer, shared with the multi handle's callbacks.
struct Shared {
    epoll: libc::c_int,
    /// When curl wants `socket_action(CURL_SOCKET_TIMEOUT)` (`None`: no timer).
    deadline: Mutex<Option<Instant>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // SAFETY: the descriptor made in `Sockets::attach`, closed once, here.
        unsafe { libc::close(self.epoll) };
    }
}

/// One ready descriptor from a wait.
pub(crate) enum Ready {
    /// A socket libcurl watches, and what it is ready for.
    Socket(Socket, Events),
    /// The wake-up eventfd was rung (already cleared).
    Woken,
}

/// The reactor's epoll set and curl's timer.
pub(crate) struct Sockets {
    shared: Arc<Shared>,
    wake: Arc<Wake>,
    events: Vec<libc::epoll_event>,
}

impl Sockets {
    /// Makes the epoll set with the wake-up eventfd in it, and installs the socket and timer
    /// callbacks on `multi`.
    pub(crate) fn attach(multi: &mut Multi) -> Result<Sockets, HttpError> {
        // SAFETY: a plain constructor call.
        let epoll = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epoll < 0 {
            return Err(os_error("epoll_create1"));
        }
        let shared = Arc::new(Shared { epoll, deadline: Mutex::new(None) });
        let wake = Arc::new(Wake::new()?);
        let mut ev = libc::epoll_event { events: libc::EPOLLIN as u32, u64: WAKE };
        // SAFETY: valid descriptors and event.
        if unsafe { libc::epoll_ctl(epoll, libc::EPOLL_CTL_ADD, wake.fd, &mut ev) } != 0 {
            return Err(os_error("epoll_ctl(eventfd)"));
        }
        let s = shared.clone();
        multi
            .socket_function(move |socket, what, _| watch(s.epoll, socket, what))
            .map_err(|e| HttpError::internal(format!("CURLMOPT_SOCKETFUNCTION: {e}")))?;
        let s = shared.clone();
        multi
            .timer_function(move |timeout| {
                *s.deadline.lock() = timeout.map(|t| Instant::now() + t);
                true
            })
            .map_err(|e| HttpError::internal(format!("CURLMOPT_TIMERFUNCTION: {e}")))?;
        Ok(Sockets { shared, wake, events: vec![libc::epoll_event { events: 0, u64: 0 }; BATCH] })
    }

    /// The wake-up other threads ring.
    pub(crate) fn wake(&self) -> Arc<Wake> {
        self.wake.clone()
    }

    /// How long until curl's timer is due (zero when it is; `None`: no timer).
    pub(crate) fn timer_in(&self, now: Instant) -> Option<Duration> {
        self.shared.deadline.lock().map(|d| d.saturating_duration_since(now))
    }

    /// Marks curl's timer as handled (curl sets a new one through the callback while it runs).
    pub(crate) fn take_due_timer(&self, now: Instant) -> bool {
        let mut deadline = self.shared.deadline.lock();
        match *deadline {
            Some(d) if d <= now => {
                *deadline = None;
                true
            }
            _ => false,
        }
    }

    /// Waits up to `timeout` for ready descriptors (a zero timeout only looks); returns how
    /// many there are, to be read with [`Sockets::ready`].
    pub(crate) fn wait(&mut self, timeout: Duration) -> Result<usize, HttpError> {
        // rounded up: a wait of 0 ms for a timer 0.4 ms away would spin until it is due
        let ms = timeout.as_micros().div_ceil(1000).min(i32::MAX as u128) as libc::c_int;
        // SAFETY: a valid epoll descriptor and a buffer of `events.len()` entries.
        let n = unsafe {
            libc::epoll_wait(self.shared.epoll, self.events.as_mut_ptr(), self.events.len() as libc::c_int, ms)
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let err = std::io::Error::last_os_error();
        if err.kind() == std::io::ErrorKind::Interrupted {
            Ok(0)
        } else {
            Err(HttpError::internal(format!("epoll_wait failed: {err}")))
        }
    }

    /// The `i`th descriptor the last wait found ready.
    pub(crate) fn ready(&self, i: usize) -> Ready {
        let ev = self.events[i];
        if ev.u64 == WAKE {
            self.wake.clear();
            return Ready::Woken;
        }
        let flags = ev.events;
        let mut what = Events::new();
        what.input(flags & (libc::EPOLLIN | libc::EPOLLHUP | libc::EPOLLRDHUP) as u32 != 0);
        what.output(flags & libc::EPOLLOUT as u32 != 0);
        what.error(flags & libc::EPOLLERR as u32 != 0);
        Ready::Socket(ev.u64 as Socket, what)
    }
}

/// The socket callback: what libcurl wants to know about `socket` becomes its epoll entry.
/// A descriptor epoll no longer has (closed and reused) is added, one it already has is
/// changed, so no socket is left unwatched whatever order the calls come in.
fn watch(epoll: libc::c_int, socket: Socket, what: SocketEvents) {
    if what.remove() {
        // SAFETY: a valid epoll descriptor; an unknown socket fails harmlessly (ENOENT).
        unsafe { libc::epoll_ctl(epoll, libc::EPOLL_CTL_DEL, socket, std::ptr::null_mut()) };
        return;
    }
    let mut flags = 0u32;
    if what.input() {
        flags |= libc::EPOLLIN as u32;
    }
    if what.output() {
        flags |= libc::EPOLLOUT as u32;
    }
    let mut ev = libc::epoll_event { events: flags, u64: socket as u64 };
    // SAFETY: a valid epoll descriptor and event.
    let rc = unsafe { libc::epoll_ctl(epoll, libc::EPOLL_CTL_MOD, socket, &mut ev) };
    if rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOENT) {
        // SAFETY: as above.
        unsafe { libc::epoll_ctl(epoll, libc::EPOLL_CTL_ADD, socket, &mut ev) };
    }
}

fn os_error(call: &str) -> HttpError {
    HttpError::internal(format!("{call} failed: {}", std::io::Error::last_os_error()))
}
