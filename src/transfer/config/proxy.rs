//! The proxy of a hop (`plan::proxy` decided it): `CURLOPT_PROXY` with the proxy, or `""`
//! (so libcurl never reads one from the environment), and its credentials.
use super::{own, set_str, user, SetOpt};
use crate::error::HttpError;
use crate::plan::ProxyPlan;
use crate::transfer::Collector;
use crate::url::c_string;
use curl::easy::Easy2;

/// `CURLOPT_PROXY`, `PROXYUSERNAME`, `PROXYPASSWORD` for one hop.
pub(crate) struct Proxy<'a>(pub &'a ProxyPlan);

impl SetOpt for Proxy<'_> {
    fn set_opt(&self, easy: &mut Easy2<Collector>) -> Result<(), HttpError> {
        match self.0 {
            ProxyPlan::Direct => {
                easy.proxy("").map_err(own("PROXY"))?;
                set_str(easy, curl_sys::CURLOPT_PROXYUSERNAME, None).map_err(own("PROXYUSERNAME"))?;
                set_str(easy, curl_sys::CURLOPT_PROXYPASSWORD, None).map_err(own("PROXYPASSWORD"))
            }
            ProxyPlan::Via(proxy) => {
                easy.proxy(&proxy.url).map_err(user("usingProxy"))?;
                let (name, password) = match &proxy.credentials {
                    Some((n, p)) => {
                        (Some(c_string(n, "usingProxy (user name)")?), Some(c_string(p, "usingProxy (password)")?))
                    }
                    None => (None, None),
                };
                set_str(easy, curl_sys::CURLOPT_PROXYUSERNAME, name.as_deref())
                    .map_err(user("usingProxy (user name)"))?;
                set_str(easy, curl_sys::CURLOPT_PROXYPASSWORD, password.as_deref())
                    .map_err(user("usingProxy (password)"))
            }
        }
    }
}
