//! A panic hook that counts every panic of the process, on any thread, including those the
//! library catches at its boundary (which would otherwise only show as a 2300999).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

static COUNT: AtomicUsize = AtomicUsize::new(0);
static LAST: Mutex<Option<String>> = Mutex::new(None);
static INSTALL: Once = Once::new();

/// Installs the hook (once; later calls do nothing). With `echo`, the default hook's report
/// (message, location, backtrace when RUST_BACKTRACE is set) is printed too.
pub fn install(echo: bool) {
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let text = format!("{info} (thread {})", thread.name().unwrap_or("unnamed"));
            *LAST.lock().unwrap_or_else(|p| p.into_inner()) = Some(text);
            COUNT.fetch_add(1, Ordering::SeqCst);
            if echo {
                default(info);
            }
        }));
    });
}

/// Panics seen so far.
pub fn count() -> usize {
    COUNT.load(Ordering::SeqCst)
}

/// The last panic's message, location and thread.
pub fn last() -> Option<String> {
    LAST.lock().unwrap_or_else(|p| p.into_inner()).clone()
}
