//! The hop's URL: libcurl gets the target's own `CURLU` handle (`CURLOPT_CURLU`), which it
//! reads and copies for itself as the transfer starts: the URL that was checked is the URL
//! that is requested.
use super::{check, own, set_str, SetOpt};
use crate::error::HttpError;
use crate::sys;
use crate::transfer::Collector;
use crate::url::Target;
use curl::easy::Easy2;

/// `CURLOPT_CURLU` for one hop.
pub(crate) struct Url<'a>(pub &'a Target);

impl SetOpt for Url<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        // libcurl 7.88 reads CURLOPT_CURLU only while it has no URL string from an earlier
        // transfer of this handle (`Curl_pretransfer`): clear that first, or a redirect hop
        // would keep the previous hop's URL string.
        set_str(easy, curl_sys::CURLOPT_URL, None).map_err(own("URL"))?;
        // SAFETY: a CURLU pointer option on a valid easy handle; the target is kept in the
        // collector (below) and never changed, so the handle outlives every use libcurl makes
        // of it (and may be read by other threads at the same time: libcurl only reads it).
        let rc = unsafe { curl_sys::curl_easy_setopt(easy.raw(), sys::CURLOPT_CURLU, self.0.curl_handle()) };
        check(rc).map_err(own("CURLU"))?;
        // the previous hop's target (if any) is dropped only now that libcurl no longer has it
        easy.get_mut().url = Some(self.0.clone());
        Ok(())
    }
}
