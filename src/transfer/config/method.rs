//! The method and the request body. [`Body`] (once per request) turns `extraData` into the
//! body (POST and PUT: a string as UTF-8, an object as JSON, bytes as they are), read by
//! curl's read callback, or builds the multipart form; [`Method`] (every hop) sets the method
//! in force on the hop, which a redirect may have changed (`plan::redirect`), so the options
//! are set whole each time, never left over from the previous hop.
use super::{chain, check, own, set_str, SetOpt};
use crate::error::HttpError;
use crate::options::{HttpRequestOptions, RequestMethod};
use crate::plan::RequestPlan;
use crate::sys;
use crate::transfer::upload::Upload;
use crate::transfer::Collector;
use curl::easy::Easy2;
use std::ffi::CString;

/// True when the request is a multipart form (content-type multipart/form-data and parts).
pub(crate) fn is_multipart(opts: &HttpRequestOptions) -> bool {
    opts.multi_form_data_list.is_some()
        && opts
            .header_value("content-type")
            .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data")))
}

/// The body of a request, made once.
pub(crate) struct Body<'a>(pub &'a RequestPlan);

impl SetOpt for Body<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let opts = &self.0.options;
        if !opts.method().has_body() {
            return Ok(());
        }
        if is_multipart(opts) {
            let parts = opts.multi_form_data_list.as_deref().unwrap_or_default();
            let form = crate::transfer::mime::build(easy.raw(), parts)?;
            easy.get_mut().form = Some(form);
        } else {
            let bytes = opts.extra_data.as_ref().map(|e| e.to_bytes()).unwrap_or_default();
            easy.get_mut().set_upload(Some(Upload::new(bytes)));
        }
        Ok(())
    }
}

/// The method of the current hop.
pub(crate) struct Method;

impl SetOpt for Method {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        let (method, body) = {
            let c = chain(easy)?;
            (c.method, c.body)
        };
        if !body {
            easy.get_mut().set_upload(None);
        }
        // From GET without a body, a custom method or a form, to what this hop needs.
        set_str(easy, curl_sys::CURLOPT_CUSTOMREQUEST, None).map_err(own("CUSTOMREQUEST"))?;
        let form = easy.get_ref().form.as_ref().filter(|_| body).map_or(std::ptr::null_mut(), |f| f.as_ptr());
        // SAFETY: a curl_mime pointer (or NULL) option on a valid easy handle; the form lives
        // in the collector as long as the handle uses it.
        check(unsafe { curl_sys::curl_easy_setopt(easy.raw(), sys::CURLOPT_MIMEPOST, form) })
            .map_err(own("MIMEPOST"))?;
        if form.is_null() {
            // MIMEPOST (even NULL) makes the method a form POST: back to GET
            easy.get(true).map_err(own("HTTPGET"))?;
        }
        match method {
            RequestMethod::Get => {}
            RequestMethod::Head => easy.nobody(true).map_err(own("method"))?,
            // a form makes the request a POST by itself
            RequestMethod::Post | RequestMethod::Put if !form.is_null() => {}
            RequestMethod::Post | RequestMethod::Put => {
                let size = easy.get_ref().upload_len().unwrap_or(0);
                easy.post(true).map_err(own("method"))?;
                easy.post_field_size(size).map_err(own("extraData"))?;
            }
            _ => {}
        }
        if !matches!(method, RequestMethod::Get | RequestMethod::Head | RequestMethod::Post) {
            let name = CString::new(method.as_str()).map_err(|_| HttpError::internal("a method name with NUL"))?;
            set_str(easy, curl_sys::CURLOPT_CUSTOMREQUEST, Some(&name)).map_err(own("method"))?;
        }
        Ok(())
    }
}
