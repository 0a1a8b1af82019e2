//! Instants as machines read them: RFC 3339 in UTC for the API, feeds and exports. What
//! people read, and file names, go through `local_time` instead.

pub fn rfc3339_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// An instant written in RFC 3339 (with its offset), as Unix milliseconds.
pub fn parse_rfc3339_ms(value: &str) -> Option<i64> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok().map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_as_text() {
        assert_eq!(super::rfc3339_ms(1_764_547_200_123), "2025-12-01T00:00:00.123Z");
        assert_eq!(super::parse_rfc3339_ms("2025-12-01T01:00:00.123+01:00"), Some(1_764_547_200_123));
        assert_eq!(super::parse_rfc3339_ms("2025-12-01 01:00"), None);
    }
}
