//! Where a response body goes: kept whole (at most `maxLimit` bytes) or handed on in chunks
//! (stream mode, with backpressure), or dropped (the body of a redirect being followed).
use crate::transfer::{Msg, TransferShared};
use curl::easy::WriteError;

/// The body of the current hop.
pub(crate) enum BodySink {
    /// Whole mode: the bytes so far, the most kept, and whether the body went over it.
    Whole { body: Vec<u8>, limit: u64, exceeded: bool },
    /// Stream mode: chunks go out as `Msg::Data`.
    Stream,
}

impl BodySink {
    /// A sink for a whole body of at most `limit` bytes, or for a stream.
    pub(crate) fn new(stream: bool, limit: u64) -> Self {
        if stream {
            BodySink::Stream
        } else {
            BodySink::Whole { body: Vec::new(), limit, exceeded: false }
        }
    }

    /// Takes `data` from curl's write callback. `announced`: the body's length when the
    /// headers said it (the whole body is then reserved at once).
    pub(crate) fn write(
        &mut self,
        data: &[u8],
        shared: &TransferShared,
        send: impl FnOnce(Msg),
        announced: Option<u64>,
    ) -> Result<usize, WriteError> {
        match self {
            BodySink::Stream => {
                if !shared.admit(data.len()) {
                    return Err(WriteError::Pause);
                }
                shared.queued_more(data.len());
                send(Msg::Data(shared.chunk(data)));
                Ok(data.len())
            }
            BodySink::Whole { body, limit, exceeded } => {
                if body.len() as u64 + data.len() as u64 > *limit {
                    *exceeded = true;
                    return Ok(0);
                }
                if body.is_empty() {
                    if let Some(len) = announced {
                        body.reserve(len.min(*limit).min(usize::MAX as u64) as usize);
                    }
                }
                body.extend_from_slice(data);
                Ok(data.len())
            }
        }
    }

    /// Whether the body may be large: a stream, or a whole body allowed over the default
    /// `maxLimit` (the receive buffer is chosen by it, `shared::receive_buffer`).
    pub(crate) fn may_be_large(&self) -> bool {
        match self {
            BodySink::Stream => true,
            BodySink::Whole { limit, .. } => *limit > crate::options::DEFAULT_MAX_LIMIT,
        }
    }

    /// Whether the body went over `maxLimit` (reported as 2300063).
    pub(crate) fn exceeded(&self) -> bool {
        matches!(self, BodySink::Whole { exceeded: true, .. })
    }

    /// The body kept (empty in stream mode).
    pub(crate) fn take(&mut self) -> Vec<u8> {
        match self {
            BodySink::Whole { body, .. } => std::mem::take(body),
            BodySink::Stream => Vec::new(),
        }
    }
}
