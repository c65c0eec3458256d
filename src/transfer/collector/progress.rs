//! Progress events: sent only when a listener wants them and the values changed.
use crate::events::{DataReceiveProgressInfo, DataSendProgressInfo, EventType, Listeners};

/// The last values reported for one hop.
#[derive(Default)]
pub(crate) struct ProgressThrottle {
    last_recv: (u64, u64),
    last_send: (u64, u64),
}

impl ProgressThrottle {
    /// The events due for curl's counts. `receiving`: false while a redirect's body is read
    /// and dropped (it is not the response's).
    pub(crate) fn changes(
        &mut self,
        listeners: &Listeners,
        receiving: bool,
        (dltotal, dlnow, ultotal, ulnow): (u64, u64, u64, u64),
    ) -> (Option<DataReceiveProgressInfo>, Option<DataSendProgressInfo>) {
        let mut recv = None;
        let mut send = None;
        if receiving
            && (dlnow, dltotal) != self.last_recv
            && dlnow > 0
            && listeners.wants(EventType::DataReceiveProgress)
        {
            self.last_recv = (dlnow, dltotal);
            recv = Some(DataReceiveProgressInfo { receive_size: dlnow, total_size: dltotal });
        }
        if (ulnow, ultotal) != self.last_send && ultotal > 0 && listeners.wants(EventType::DataSendProgress) {
            self.last_send = (ulnow, ultotal);
            send = Some(DataSendProgressInfo { send_size: ulnow, total_size: ultotal });
        }
        (recv, send)
    }
}
