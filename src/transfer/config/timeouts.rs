//! `connectTimeout` (`CURLOPT_CONNECTTIMEOUT_MS`) and `readTimeout` (inactivity, enforced by
//! the reactor: `reactor/event_loop.rs`).
use super::{user, SetOpt};
use crate::error::HttpError;
use crate::options::HttpRequestOptions;
use crate::transfer::Collector;
use curl::easy::Easy2;
use std::time::Duration;

/// The largest timeout libcurl takes (a `long` of milliseconds); larger values mean this.
const MAX_TIMEOUT_MS: u64 = i64::MAX as u64 / 2;

/// The two timeouts of a request.
pub(crate) struct Timeouts<'a>(pub &'a HttpRequestOptions);

impl SetOpt for Timeouts<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let read = self.0.read_timeout_ms();
        easy.get_mut().idle.timeout = (read > 0).then(|| Duration::from_millis(read));
        // set on every transfer, 0 too (libcurl's own default then): a kept handle's last
        // value must not stay (`transfer::sticky`)
        let connect = self.0.connect_timeout_ms().min(MAX_TIMEOUT_MS);
        easy.connect_timeout(Duration::from_millis(connect)).map_err(user("connectTimeout"))
    }
}
