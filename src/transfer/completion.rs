//! The end of a transfer as curl reported it. The reactor reads the results (getinfo, cookie
//! list, version) and puts the handle back in the pool right away (`pool.rs`: it is reset when
//! taken), then sends the outcome to the transfer's consumer.
//!
//! Handing the easy handle itself to the consumer instead would save the reactor ~9k
//! instructions per request but costs more: the handle's memory (curl's `Curl_easy`, several
//! KiB) then crosses to another core and back for every request. In alternated A/B runs (W2,
//! 64 in flight) that variant used 5-10 µs more CPU per request and was slower with both the
//! callback and the blocking API.
use super::{Collector, Finished, Msg};
use crate::error::HttpError;
use crate::response::PerformanceTiming;
use curl::easy::Easy2;
use std::time::Duration;

/// Resolves the finished `easy` (on the reactor), returns it to the pool and sends the
/// outcome to its consumer.
pub(crate) fn complete(mut easy: Easy2<Collector>, result: Result<(), curl::Error>) {
    let sink = easy.get_mut().take_sink_for_completion();
    let outcome = outcome(&mut easy, result);
    super::pool::recycle(easy);
    #[cfg(feature = "metrics")]
    let outcome = outcome.map(|mut fin| {
        fin.handed_over = crate::reactor::metrics::stamp();
        fin
    });
    sink(Msg::Done(Box::new(outcome)));
}

fn outcome(easy: &mut Easy2<Collector>, result: Result<(), curl::Error>) -> Result<Finished, HttpError> {
    let dl = easy.download_size().unwrap_or(0.0) as u64;
    let dl_total = easy.content_length_download().unwrap_or(-1.0).max(0.0) as u64;
    let ul = easy.upload_size().unwrap_or(0.0) as u64;
    let c = easy.get_mut();
    if let Some(failure) = c.failure.take() {
        return Err(failure);
    }
    if c.exceeded {
        return Err(HttpError::from_curl(63, Some("the response body is larger than maxLimit")));
    }
    result?;
    let ul_total = c.upload_len().unwrap_or(0);
    let (final_recv, final_send) = c.progress_changes(dl_total, dl, ul_total, ul);
    let status = easy.response_code().unwrap_or(0);
    let ms = |d: Result<Duration, curl::Error>| d.map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
    let timing = PerformanceTiming {
        dns_timing: ms(easy.namelookup_time()),
        tcp_timing: ms(easy.connect_time()),
        tls_timing: ms(easy.appconnect_time()),
        first_send_timing: ms(easy.pretransfer_time()),
        first_receive_timing: ms(easy.starttransfer_time()),
        total_finish_timing: ms(easy.total_time()),
        redirect_timing: ms(easy.redirect_time()),
        ..PerformanceTiming::default()
    };
    let cookies = easy
        .cookies()
        .map(|list| list.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>().join("\r\n"))
        .unwrap_or_default();
    let http_version = http_version(easy);
    let redirect_count = easy.redirect_count().unwrap_or(0);
    let c = easy.get_mut();
    Ok(Finished {
        status,
        headers: c.headers().take_block(),
        body: std::mem::take(&mut c.body),
        cookies,
        timing,
        header_done_at: c.header_done_at,
        body_done_at: c.body_done_at,
        redirect_count,
        http_version,
        headers_sent: c.headers_sent,
        from_cache: false,
        final_recv,
        final_send,
        #[cfg(feature = "metrics")]
        handed_over: None,
    })
}

/// CURLINFO_HTTP_VERSION as text.
fn http_version(easy: &Easy2<Collector>) -> String {
    const CURLINFO_HTTP_VERSION: curl_sys::CURLINFO = curl_sys::CURLINFO_LONG + 46;
    let mut v: libc::c_long = 0;
    // SAFETY: a long info on a valid easy handle, written into a c_long.
    unsafe { curl_sys::curl_easy_getinfo(easy.raw(), CURLINFO_HTTP_VERSION, &mut v) };
    match v {
        1 => "1.0",
        2 => "1.1",
        3 => "2",
        30 => "3",
        _ => "",
    }
    .to_string()
}
