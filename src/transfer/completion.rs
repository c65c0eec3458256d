//! The end of a hop as curl reported it, on the reactor.
//!
//! * A redirect the library follows: the handle goes to the consumer as `Msg::Redirect`; the
//!   consumer plans the next hop off the reactor and submits the transfer again.
//! * Otherwise the reactor reads the results (getinfo, cookie list, version) and puts the
//!   handle back in the pool right away (`pool.rs`: it is reset when taken), then sends the
//!   outcome to the transfer's consumer.
//!
//! Handing the easy handle itself to the consumer instead would save the reactor ~9k
//! instructions per request but costs more: the handle's memory (curl's `Curl_easy`, several
//! KiB) then crosses to another core and back for every request. In alternated A/B runs (W2,
//! 64 in flight) that variant used 5-10 µs more CPU per request and was slower with both the
//! callback and the blocking API.
use super::pool::HandlePool;
use super::{Collector, Finished, Msg, Sink};
use crate::error::{HttpError, CANCELLED};
use crate::plan::HopTimes;
use crate::response::PerformanceTiming;
use crate::sys;
use curl::easy::Easy2;
use std::time::Duration;

/// Resolves a finished hop (on the reactor) into the message for its consumer and the sink to
/// send it with: a redirect (the handle goes back to the consumer), or the transfer's outcome
/// (the handle already went back to the pool).
pub(crate) fn completed_hop(
    mut easy: Easy2<Collector>,
    result: Result<(), curl::Error>,
    pool: &HandlePool,
) -> (Sink, Msg) {
    if result.is_ok() && easy.get_ref().guard.failure.is_none() && easy.get_ref().redirect().is_some() {
        let sink = easy.get_ref().guard.sink();
        return (sink, Msg::Redirect(Box::new(easy)));
    }
    let sink = easy.get_mut().guard.take_for_done();
    let outcome = outcome(&mut easy, result);
    pool.recycle(easy);
    (sink, Msg::Done(Box::new(outcome)))
}

/// Fails a transfer cancelled by `destroy()` or by its consumer (a callback's failure wins).
pub(crate) fn cancelled(mut easy: Easy2<Collector>) {
    easy.get_mut()
        .fail(HttpError::new(CANCELLED, "Request aborted: the HttpRequest was destroyed (curl: aborted by callback)"));
}

/// Fails a transfer that received and sent nothing for its readTimeout.
pub(crate) fn timed_out(mut easy: Easy2<Collector>) {
    let c = easy.get_mut();
    let ms = c.idle.timeout.map_or(0, |t| t.as_millis());
    c.fail(HttpError::from_curl(28, Some(&format!("no data received or sent for {ms} ms (readTimeout)"))));
}

fn ms(d: Result<Duration, curl::Error>) -> f64 {
    d.map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// The curl-measured phases of the hop that just ended (the handle is out of the multi).
pub(crate) fn hop_times(easy: &mut Easy2<Collector>) -> HopTimes {
    HopTimes {
        dns: ms(easy.namelookup_time()),
        tcp: ms(easy.connect_time()),
        tls: ms(easy.appconnect_time()),
        first_send: ms(easy.pretransfer_time()),
        first_receive: ms(easy.starttransfer_time()),
    }
}

fn outcome(easy: &mut Easy2<Collector>, result: Result<(), curl::Error>) -> Result<Finished, HttpError> {
    let ul = easy.upload_size().unwrap_or(0.0) as u64;
    let c = easy.get_mut();
    if let Some(failure) = c.guard.failure.take() {
        return Err(failure);
    }
    if c.body.exceeded() {
        return Err(HttpError::from_curl(63, Some("the response body is larger than maxLimit")));
    }
    result?;
    let ul_total = c.upload_len().unwrap_or(0);
    let (final_recv, final_send) = c.progress_changes((ul_total, ul));
    let status = easy.response_code().unwrap_or(0);
    let hop = hop_times(easy);
    let (earlier, redirect_ms, redirect_count) =
        easy.get_ref().chain.as_ref().map_or((HopTimes::default(), 0.0, 0), |c| (c.earlier, c.redirect_ms(), c.count));
    let timing = PerformanceTiming {
        dns_timing: earlier.dns + hop.dns,
        tcp_timing: earlier.tcp + hop.tcp,
        tls_timing: earlier.tls + hop.tls,
        first_send_timing: earlier.first_send + hop.first_send,
        first_receive_timing: earlier.first_receive + hop.first_receive,
        total_finish_timing: redirect_ms + ms(easy.total_time()),
        redirect_timing: redirect_ms,
        ..PerformanceTiming::default()
    };
    let cookies = easy
        .cookies()
        .map(|list| list.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>().join("\r\n"))
        .unwrap_or_default();
    let http_version = http_version(easy);
    let c = easy.get_mut();
    Ok(Finished {
        status,
        headers: c.headers().take_block(),
        body: c.body.take(),
        cookies,
        timing,
        first_start: c.first_start,
        header_done_at: c.header_done_at,
        body_done_at: c.body_done_at,
        redirect_count,
        http_version,
        headers_sent: c.headers_sent,
        from_cache: false,
        final_recv,
        final_send,
    })
}

/// CURLINFO_HTTP_VERSION as text.
pub(crate) fn http_version(easy: &Easy2<Collector>) -> String {
    let mut v: libc::c_long = 0;
    // SAFETY: a long info on a valid easy handle, written into a c_long.
    unsafe { curl_sys::curl_easy_getinfo(easy.raw(), sys::CURLINFO_HTTP_VERSION, &mut v) };
    match v {
        1 => "1.0",
        2 => "1.1",
        3 => "2",
        30 => "3",
        _ => "",
    }
    .to_string()
}
