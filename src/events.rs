//! Events and the listener registry of one `HttpRequest`: many listeners per type, ids,
//! `once`, and dispatch that never holds a lock while a listener runs (so a listener may call
//! `on`, `off`, `destroy` or start a new request).
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

/// The event types of `on`/`once`/`off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Deprecated alias of `HeadersReceive` ("headerReceive").
    HeaderReceive,
    /// The final response's headers ("headersReceive").
    HeadersReceive,
    /// A chunk of the body in stream mode ("dataReceive").
    DataReceive,
    /// The end of a successful stream ("dataEnd").
    DataEnd,
    /// Download progress ("dataReceiveProgress").
    DataReceiveProgress,
    /// Upload progress ("dataSendProgress").
    DataSendProgress,
}

impl EventType {
    /// All six types.
    pub const ALL: [EventType; 6] = [
        EventType::HeaderReceive,
        EventType::HeadersReceive,
        EventType::DataReceive,
        EventType::DataEnd,
        EventType::DataReceiveProgress,
        EventType::DataSendProgress,
    ];

    /// The spec's name: "headersReceive", "dataReceive", …
    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::HeaderReceive => "headerReceive",
            EventType::HeadersReceive => "headersReceive",
            EventType::DataReceive => "dataReceive",
            EventType::DataEnd => "dataEnd",
            EventType::DataReceiveProgress => "dataReceiveProgress",
            EventType::DataSendProgress => "dataSendProgress",
        }
    }

    /// Parses the spec's name.
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl std::str::FromStr for EventType {
    type Err = crate::error::HttpError;

    /// The spec's event names (`"headersReceive"`, `"dataReceive"`, …).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EventType::parse(name).ok_or_else(|| crate::error::HttpError::parameter(format!("unknown event type {name:?}")))
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event delivered to listeners.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Headers, for `HeaderReceive` listeners (deprecated alias).
    HeaderReceive(Map<String, Value>),
    /// The final response's headers (keys lower-cased).
    HeadersReceive(Map<String, Value>),
    /// One body chunk as curl delivered it (stream mode).
    DataReceive(Vec<u8>),
    /// The stream ended successfully.
    DataEnd,
    /// Download progress.
    DataReceiveProgress(DataReceiveProgressInfo),
    /// Upload progress.
    DataSendProgress(DataSendProgressInfo),
}

impl Event {
    /// The type of this event.
    pub fn event_type(&self) -> EventType {
        match self {
            Event::HeaderReceive(_) => EventType::HeaderReceive,
            Event::HeadersReceive(_) => EventType::HeadersReceive,
            Event::DataReceive(_) => EventType::DataReceive,
            Event::DataEnd => EventType::DataEnd,
            Event::DataReceiveProgress(_) => EventType::DataReceiveProgress,
            Event::DataSendProgress(_) => EventType::DataSendProgress,
        }
    }
}

/// Download progress: bytes received so far and the total (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataReceiveProgressInfo {
    /// Body bytes received so far.
    pub receive_size: u64,
    /// Expected body size; 0 when unknown.
    pub total_size: u64,
}

/// Upload progress: bytes sent so far and the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataSendProgressInfo {
    /// Body bytes sent so far.
    pub send_size: u64,
    /// Size of the body to send.
    pub total_size: u64,
}

/// Identifies one registered listener (returned by `on`/`once`, taken by `off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId(pub u64);

type ListenerFn = Arc<dyn Fn(&Event) + Send + Sync>;

struct Entry {
    event: EventType,
    id: ListenerId,
    once: bool,
    f: ListenerFn,
}

/// The listeners of one `HttpRequest`.
#[derive(Default)]
pub(crate) struct Listeners {
    entries: Mutex<Vec<Entry>>,
    /// Bit per event type that has at least one listener (read lock-free on the reactor).
    mask: AtomicU8,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Listeners {
    /// Registers a listener.
    pub(crate) fn add(&self, event: EventType, once: bool, f: ListenerFn) -> ListenerId {
        let id = ListenerId(NEXT_ID.fetch_add(1, Ordering::Relaxed));
        let mut entries = self.entries.lock();
        entries.push(Entry { event, id, once, f });
        self.update_mask(&entries);
        id
    }

    /// Removes one listener by id, or all of the type.
    pub(crate) fn remove(&self, event: EventType, id: Option<ListenerId>) {
        let mut entries = self.entries.lock();
        entries.retain(|e| e.event != event || id.is_some_and(|id| e.id != id));
        self.update_mask(&entries);
    }

    /// Removes every listener.
    pub(crate) fn clear(&self) {
        let mut entries = self.entries.lock();
        entries.clear();
        self.update_mask(&entries);
    }

    /// True when some listener of this type exists.
    pub(crate) fn wants(&self, event: EventType) -> bool {
        self.mask.load(Ordering::Acquire) & event.bit() != 0
    }

    /// True when no listener of any type exists.
    pub(crate) fn none(&self) -> bool {
        self.mask.load(Ordering::Acquire) == 0
    }

    /// True when headers are wanted under either name.
    pub(crate) fn wants_headers(&self) -> bool {
        self.wants(EventType::HeadersReceive) || self.wants(EventType::HeaderReceive)
    }

    /// Calls the listeners of the event's type, in registration order, without holding the
    /// lock while they run; `once` listeners are removed before they are called.
    pub(crate) fn emit(&self, event: &Event) {
        let kind = event.event_type();
        if !self.wants(kind) {
            return;
        }
        let targets: Vec<ListenerFn> = {
            let mut entries = self.entries.lock();
            let targets = entries.iter().filter(|e| e.event == kind).map(|e| e.f.clone()).collect();
            let before = entries.len();
            entries.retain(|e| !(e.once && e.event == kind));
            if entries.len() != before {
                self.update_mask(&entries);
            }
            targets
        };
        for f in targets {
            f(event);
        }
    }

    /// Emits headers to both `HeadersReceive` and the deprecated `HeaderReceive` listeners.
    pub(crate) fn emit_headers(&self, headers: &Map<String, Value>) {
        if self.wants(EventType::HeadersReceive) {
            self.emit(&Event::HeadersReceive(headers.clone()));
        }
        if self.wants(EventType::HeaderReceive) {
            self.emit(&Event::HeaderReceive(headers.clone()));
        }
    }

    fn update_mask(&self, entries: &[Entry]) {
        let mask = entries.iter().fold(0u8, |m, e| m | e.event.bit());
        self.mask.store(mask, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn many_listeners_once_and_off() {
        let l = Listeners::default();
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let a = l.add(
            EventType::DataEnd,
            false,
            Arc::new(move |_| {
                h.fetch_add(1, Ordering::SeqCst);
            }),
        );
        let h = hits.clone();
        l.add(
            EventType::DataEnd,
            true,
            Arc::new(move |_| {
                h.fetch_add(10, Ordering::SeqCst);
            }),
        );
        l.emit(&Event::DataEnd);
        l.emit(&Event::DataEnd);
        assert_eq!(hits.load(Ordering::SeqCst), 12);
        l.remove(EventType::DataEnd, Some(a));
        assert!(!l.wants(EventType::DataEnd));
        l.emit(&Event::DataEnd);
        assert_eq!(hits.load(Ordering::SeqCst), 12);
        let h = hits.clone();
        l.add(
            EventType::DataEnd,
            false,
            Arc::new(move |_| {
                h.fetch_add(100, Ordering::SeqCst);
            }),
        );
        l.remove(EventType::DataEnd, None);
        l.emit(&Event::DataEnd);
        assert_eq!(hits.load(Ordering::SeqCst), 12);
    }
}
