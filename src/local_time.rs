//! The city's clock: every time a person reads or types is Italian time (Europe/Rome),
//! from the tz database bundled into the binary, so no `/usr/share/zoneinfo` is needed.
//! Curators type opening and closing times in `datetime-local` inputs, which carry no
//! zone; pages, mail and messages print days and times the same way. Instants are
//! stored as Unix milliseconds; only this module turns them into Italian dates.

use jiff::civil::DateTime;
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::Timestamp;
use std::sync::LazyLock;

static ROME: LazyLock<TimeZone> =
    LazyLock::new(|| TimeZoneDatabase::bundled().get("Europe/Rome").expect("the bundled tz database has Europe/Rome"));

fn civil(ms: i64) -> Option<DateTime> {
    Timestamp::from_millisecond(ms).ok().map(|t| ROME.to_datetime(t))
}

/// `2026-12-01T09:00` (or with seconds) in Italian time, as milliseconds since the epoch.
///
/// A time that does not exist (the spring-forward night: 2026-03-29 02:30) is read an hour
/// later, 03:30 summer time, so a deadline typed into the gap never moves earlier than the
/// curator meant; a time that happens twice (the autumn night: 2026-10-25 02:30) is read
/// as the first of the two, in summer time. This is "compatible" disambiguation (RFC 5545,
/// Temporal), chosen over refusing because a curator cannot fix what the form cannot say.
pub fn parse(value: &str) -> Option<i64> {
    let value = value.trim();
    let local = DateTime::strptime("%Y-%m-%dT%H:%M", value).or_else(|_| DateTime::strptime("%Y-%m-%dT%H:%M:%S", value)).ok()?;
    ROME.to_ambiguous_timestamp(local).compatible().ok().map(|t| t.as_millisecond())
}

/// Milliseconds since the epoch as a `datetime-local` value in Italian time.
pub fn format(ms: i64) -> String {
    civil(ms).map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

/// A day and time as people read it in Italy, e.g. 01/12/2026 09:00.
pub fn human(ms: i64) -> String {
    civil(ms).map(|t| t.strftime("%d/%m/%Y %H:%M").to_string()).unwrap_or_default()
}

/// The Italian day of an instant as people read it, e.g. 01/12/2026.
pub fn day(ms: i64) -> String {
    civil(ms).map(|t| t.strftime("%d/%m/%Y").to_string()).unwrap_or_default()
}

/// The Italian day of an instant in ISO form, e.g. 2026-12-01 (English messages, file names).
pub fn iso_day(ms: i64) -> String {
    civil(ms).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The Italian year of an instant: a work published at 00:30 on New Year's Day in Rome
/// belongs to the new year.
pub fn year(ms: i64) -> Option<i16> {
    civil(ms).map(|t| t.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn utc(value: &str) -> i64 {
        value.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn winter_and_summer_time() {
        // 1 December 2026 09:00 CET = 08:00 UTC.
        assert_eq!(parse("2026-12-01T09:00"), Some(1_796_112_000_000));
        // 1 July 2026 09:00 CEST = 07:00 UTC.
        assert_eq!(parse("2026-07-01T09:00"), Some(1_782_889_200_000));
        assert_eq!(parse("2026-07-01T09:00:30"), Some(1_782_889_230_000));
        assert_eq!(format(1_796_112_000_000), "2026-12-01T09:00");
        assert_eq!(format(1_782_889_200_000), "2026-07-01T09:00");
        assert_eq!(human(1_782_889_200_000), "01/07/2026 09:00");
        assert_eq!(parse("domani"), None);
        assert_eq!(parse("2026-02-30T09:00"), None);
    }

    #[test]
    fn a_time_in_the_spring_forward_gap_moves_later_never_earlier() {
        // At 02:00 CET on 29 March 2026 clocks jump to 03:00 CEST: 02:30 never happens.
        let typed = parse("2026-03-29T02:30").unwrap();
        assert_eq!(typed, utc("2026-03-29T01:30:00Z"), "read as 03:30 summer time");
        assert_eq!(format(typed), "2026-03-29T03:30", "the form shows the time that will be kept");
        assert!(typed > parse("2026-03-29T01:59").unwrap(), "not before the last minute of winter time");
        assert_eq!(parse("2026-03-29T03:00").unwrap() - parse("2026-03-29T01:00").unwrap(), HOUR);
    }

    #[test]
    fn a_time_in_the_autumn_overlap_is_the_first_of_the_two() {
        // At 03:00 CEST on 25 October 2026 clocks go back to 02:00 CET: 02:30 happens twice,
        // at 00:30 UTC (summer time) and at 01:30 UTC (winter time).
        let typed = parse("2026-10-25T02:30").unwrap();
        assert_eq!(typed, utc("2026-10-25T00:30:00Z"));
        assert_eq!(format(utc("2026-10-25T00:30:00Z")), "2026-10-25T02:30");
        assert_eq!(format(utc("2026-10-25T01:30:00Z")), "2026-10-25T02:30", "both instants read 02:30");
        assert_eq!(parse("2026-10-25T03:00").unwrap() - parse("2026-10-25T02:00").unwrap(), 2 * HOUR);
    }

    #[test]
    fn a_call_closing_at_half_past_midnight_shows_the_italian_day() {
        // 1 December 2026 00:30 in Rome is 30 November 23:30 UTC.
        let closes = parse("2026-12-01T00:30").unwrap();
        assert_eq!(closes, utc("2026-11-30T23:30:00Z"));
        assert_eq!(day(closes), "01/12/2026");
        assert_eq!(iso_day(closes), "2026-12-01");
        assert_eq!(human(closes), "01/12/2026 00:30");
        // In summer the Italian day starts two hours before the UTC one.
        let summer = parse("2026-07-01T01:30").unwrap();
        assert_eq!(day(summer), "01/07/2026");
        assert_eq!(iso_day(summer), "2026-07-01");
    }
}
