//! HTTP-date (RFC 9110 §5.6.7): senders use IMF-fixdate, recipients must also accept the
//! obsolete RFC 850 and asctime forms. As RFC 9111 §4.2 asks of caches, names of days and
//! months (and "GMT") match case-insensitively, and a zone other than GMT is invalid. The
//! structure is strict: one space between parts, two-digit day, hour, minute and second, a
//! four-digit year except in RFC 850's two-digit form. An invalid date is `None`, which the
//! rules read as "already expired" for `Expires` and as "absent" for `Date`.
use std::time::{Duration, SystemTime};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LONG_DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const SHOW_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const SHOW_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year of a day count since 1970-01-01.
fn year_of(days: i64) -> i64 {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn month(s: &str) -> Option<u32> {
    MONTHS.iter().position(|m| m.eq_ignore_ascii_case(s)).map(|i| i as u32 + 1)
}

/// `hour ":" minute ":" second`, two digits each (a leap second 60 is accepted).
fn time_of_day(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (digits(&s[0..2])?, digits(&s[3..5])?, digits(&s[6..8])?);
    (h < 24 && m < 60 && sec <= 60).then(|| i64::from(h * 3600 + m * 60 + sec))
}

fn seconds(year: i64, month: u32, day: u32, time: i64) -> Option<i64> {
    (day >= 1 && day <= days_in_month(year, month)).then(|| days_from_civil(year, month, day) * 86_400 + time)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn imf_fixdate(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 29 || &s[3..5] != ", " || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[25] != b' ' {
        return None;
    }
    DAYS.iter().find(|d| d.eq_ignore_ascii_case(&s[0..3]))?;
    if !s[26..29].eq_ignore_ascii_case("gmt") {
        return None;
    }
    seconds(i64::from(digits(&s[12..16])?), month(&s[8..11])?, digits(&s[5..7])?, time_of_day(&s[17..25])?)
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`; a two-digit year more than 50 years ahead of `this_year`
/// is the most recent past year with those digits (RFC 9110 §5.6.7).
fn rfc850_date(s: &str, this_year: i64) -> Option<i64> {
    let (day_name, rest) = s.split_once(", ")?;
    LONG_DAYS.iter().find(|d| d.eq_ignore_ascii_case(day_name))?;
    let b = rest.as_bytes();
    if b.len() != 22 || b[2] != b'-' || b[6] != b'-' || b[9] != b' ' || b[18] != b' ' {
        return None;
    }
    if !rest[19..22].eq_ignore_ascii_case("gmt") {
        return None;
    }
    let yy = i64::from(digits(&rest[7..9])?);
    let mut year = this_year - this_year.rem_euclid(100) + yy;
    if year > this_year + 50 {
        year -= 100;
    }
    seconds(year, month(&rest[3..6])?, digits(&rest[0..2])?, time_of_day(&rest[10..18])?)
}

/// `Sun Nov  6 08:49:37 1994` (the day is two digits or a space and one digit; no zone: GMT).
fn asctime_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24 || b[3] != b' ' || b[7] != b' ' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    DAYS.iter().find(|d| d.eq_ignore_ascii_case(&s[0..3]))?;
    let day = match &s[8..10] {
        d if d.as_bytes()[0] == b' ' => digits(&d[1..])?,
        d => digits(d)?,
    };
    seconds(i64::from(digits(&s[20..24])?), month(&s[4..7])?, day, time_of_day(&s[11..19])?)
}

/// Seconds since the Unix epoch of an HTTP-date in any of the three forms.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let s = text.trim_matches([' ', '\t']);
    if !s.is_ascii() {
        return None;
    }
    let this_year = year_of(unix_seconds(SystemTime::now()).div_euclid(86_400));
    imf_fixdate(s).or_else(|| rfc850_date(s, this_year)).or_else(|| asctime_date(s))
}

/// An HTTP-date as a time.
pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    parse(text).map(to_time)
}

/// Seconds since the epoch (negative before it).
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// The time `secs` seconds after the epoch.
pub(crate) fn to_time(secs: i64) -> SystemTime {
    if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
    } else {
        SystemTime::UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

/// IMF-fixdate of `t` (whole seconds, rounded down).
pub(crate) fn format(t: SystemTime) -> String {
    let secs = unix_seconds(t);
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    let year = year_of(days);
    let mut month = 1;
    let mut day = days - days_from_civil(year, 1, 1) + 1;
    while day > i64::from(days_in_month(year, month)) {
        day -= i64::from(days_in_month(year, month));
        month += 1;
    }
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        SHOW_DAYS[(days + 3).rem_euclid(7) as usize],
        day,
        SHOW_MONTHS[month as usize - 1],
        year,
        tod / 3600,
        tod / 60 % 60,
        tod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV6_1994: i64 = 784_111_777;

    #[test]
    fn three_forms() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(NOV6_1994));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Some(NOV6_1994));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(NOV6_1994));
        assert_eq!(parse("Sun Nov 06 08:49:37 1994"), Some(NOV6_1994));
        assert_eq!(parse("THU, 18 AUG 2050 02:01:18 gmt"), parse("Thu, 18 Aug 2050 02:01:18 GMT"), "case");
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse("Wed, 31 Dec 1969 23:59:59 GMT"), Some(-1));
        assert_eq!(parse("Tue, 29 Feb 2000 00:00:00 GMT"), Some(951_782_400));
    }

    #[test]
    fn invalid_dates() {
        for bad in [
            "0",
            "",
            "Thu, 18 Aug 2050 02:01:18 UTC",
            "Thu, 18 Aug 50 02:01:18 GMT",
            "Thu 18 Aug 2050 02:01:18 GMT",
            "Thu, 18  Aug  2050 02:01:18 GMT",
            "Thu, 18-Aug-2050 02:01:18 GMT",
            "Thu, 18 Aug 2050 02.01.18 GMT",
            "Thu, 18 Aug 2050 2:01:18 GMT",
            "Thu, 31 Feb 2050 02:01:18 GMT",
            "Thu, 18 Aug 2050 24:01:18 GMT",
            "Xyz, 18 Aug 2050 02:01:18 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rfc850_years_are_at_most_50_years_ahead() {
        let this_year = year_of(unix_seconds(SystemTime::now()).div_euclid(86_400));
        let yy = (this_year + 10) % 100;
        let t = parse(&format!("Monday, 01-Jan-{yy:02} 00:00:00 GMT")).unwrap();
        assert_eq!(year_of(t.div_euclid(86_400)), this_year + 10);
        let yy = (this_year + 60) % 100;
        let t = parse(&format!("Monday, 01-Jan-{yy:02} 00:00:00 GMT")).unwrap();
        assert_eq!(year_of(t.div_euclid(86_400)), this_year - 40);
    }

    #[test]
    fn format_round_trips() {
        assert_eq!(format(to_time(NOV6_1994)), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(format(to_time(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");
        for t in [0, 86_399, 1_700_000_000, 4_102_444_800, -86_400] {
            assert_eq!(parse(&format(to_time(t))), Some(t), "{t}");
        }
    }
}
