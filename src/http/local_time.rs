//! The city's clock for forms: curators type opening and closing times as Italians read
//! them (`datetime-local` inputs carry no zone). Italy keeps Central European Time, with
//! summer time from the last Sunday of March to the last Sunday of October, changing at
//! 01:00 UTC (EU directive 2000/84/EC), so no time-zone database is needed.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Date {
    let mut day = Date::from_calendar_date(year, month, month.length(year)).expect("valid last day");
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day().expect("in range");
    }
    day
}

/// The offset of Italian time at a UTC instant: +1 h, or +2 h in summer.
fn offset_at(utc: OffsetDateTime) -> UtcOffset {
    let year = utc.year();
    let start = PrimitiveDateTime::new(last_sunday(year, Month::March), Time::from_hms(1, 0, 0).unwrap()).assume_utc();
    let end = PrimitiveDateTime::new(last_sunday(year, Month::October), Time::from_hms(1, 0, 0).unwrap()).assume_utc();
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap()
}

/// `2026-12-01T09:00` (or with seconds) in Italian time, as milliseconds since the epoch.
pub fn parse(value: &str) -> Option<i64> {
    let value = value.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let with_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let local = PrimitiveDateTime::parse(value, &format).or_else(|_| PrimitiveDateTime::parse(value, &with_seconds)).ok()?;
    // Guess with winter time, then correct with the offset in force at that instant.
    let guess = local.assume_offset(UtcOffset::from_hms(1, 0, 0).unwrap());
    let offset = offset_at(guess.to_offset(UtcOffset::UTC));
    Some((local.assume_offset(offset).unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Milliseconds since the epoch as a `datetime-local` value in Italian time.
pub fn format(ms: i64) -> String {
    let Ok(utc) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else { return String::new() };
    let local = utc.to_offset(offset_at(utc));
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", local.year(), u8::from(local.month()), local.day(), local.hour(), local.minute())
}

/// A day and time as people read it in Italy, e.g. 01/12/2026 09:00.
pub fn human(ms: i64) -> String {
    let value = format(ms);
    match (value.get(0..4), value.get(5..7), value.get(8..10), value.get(11..16)) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{d}/{m}/{y} {hm}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_and_summer_time() {
        // 1 December 2026 09:00 CET = 08:00 UTC.
        assert_eq!(parse("2026-12-01T09:00"), Some(1_796_112_000_000));
        // 1 July 2026 09:00 CEST = 07:00 UTC.
        assert_eq!(parse("2026-07-01T09:00"), Some(1_782_889_200_000));
        assert_eq!(format(1_796_112_000_000), "2026-12-01T09:00");
        assert_eq!(format(1_782_889_200_000), "2026-07-01T09:00");
        assert_eq!(human(1_782_889_200_000), "01/07/2026 09:00");
        assert_eq!(parse("domani"), None);
    }
}
