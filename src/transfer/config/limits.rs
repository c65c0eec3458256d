//! Once per request: the byte range (`resumeFrom`/`resumeTo`), `maxLimit` (whole bodies:
//! `CURLOPT_MAXFILESIZE` for an announced length, the collector for the rest) and the
//! `dnsOverHttps` server.
use super::{user, SetOpt};
use crate::error::HttpError;
use crate::plan::RequestPlan;
use crate::transfer::Collector;
use curl::easy::Easy2;

/// Range, size limit and DoH of a request.
pub(crate) struct Limits<'a>(pub &'a RequestPlan);

impl SetOpt for Limits<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let opts = &self.0.options;
        if let Some(range) = opts.range() {
            easy.range(&range).map_err(user("resumeFrom/resumeTo"))?;
        }
        // a stream has no limit (0), set all the same: a kept handle's last value must not
        // stay (`transfer::sticky`)
        let limit = if self.0.stream { 0 } else { opts.max_limit_bytes() };
        easy.max_filesize(limit).map_err(user("maxLimit"))?;
        if let Some(doh) = &self.0.doh {
            easy.doh_url(Some(doh)).map_err(user("dnsOverHttps"))?;
        }
        Ok(())
    }
}
