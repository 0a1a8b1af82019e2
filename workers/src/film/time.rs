//! Time: FFmpeg's rationals as seconds, and timestamps moved from one time base to another.

use ffmpeg::{Rational, Rescale, Rounding};
use ffmpeg_next as ffmpeg;

/// FFmpeg's AV_TIME_BASE: container-level times are in microseconds.
pub(crate) const TIME_BASE: i32 = 1_000_000;

/// The value of `r`; 0.0 for a zero, negative or undefined one (FFmpeg's "unknown").
pub(crate) fn rational_f64(r: Rational) -> f64 {
    if r.numerator() <= 0 || r.denominator() <= 0 {
        0.0
    } else {
        f64::from(r.numerator()) / f64::from(r.denominator())
    }
}

/// A recording's length in seconds: the container's figure, else the stream's, else 0.0
/// (unknown; the decoder finds out).
pub(crate) fn duration_s(input: &ffmpeg::format::context::Input, stream: &ffmpeg::format::stream::Stream<'_>) -> f64 {
    if input.duration() > 0 {
        input.duration() as f64 / f64::from(TIME_BASE)
    } else if stream.duration() > 0 {
        stream.duration() as f64 * rational_f64(stream.time_base())
    } else {
        0.0
    }
}

/// `ts` in time base `from` expressed in time base `to`, rounded to the nearest (halves
/// away from zero), as FFmpeg's tools do.
pub(crate) fn rescale(ts: i64, from: Rational, to: Rational) -> i64 {
    ts.rescale_with(from, to, Rounding::NearInfinity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rationals_are_zero() {
        assert!((rational_f64(Rational::new(30000, 1001)) - 29.97).abs() < 0.001);
        assert_eq!(rational_f64(Rational::new(1, 4)), 0.25);
        for unknown in [Rational::new(0, 1), Rational::new(1, 0), Rational::new(-1, 25), Rational::new(25, -1)] {
            assert_eq!(rational_f64(unknown), 0.0, "{unknown:?}");
        }
    }

    #[test]
    fn timestamps_are_rescaled_to_the_nearest_with_halves_away_from_zero() {
        assert_eq!(rescale(1, Rational::new(1, 25), Rational::new(1, 90_000)), 3600);
        assert_eq!(rescale(1_500_000, Rational::new(1, TIME_BASE), Rational::new(1, 1000)), 1500);
        assert_eq!(rescale(1, Rational::new(1, 3), Rational::new(1, 2)), 1);
        assert_eq!(rescale(1, Rational::new(1, 4), Rational::new(1, 2)), 1);
        assert_eq!(rescale(-1, Rational::new(1, 4), Rational::new(1, 2)), -1);
        assert_eq!(rescale(1, Rational::new(1, 5), Rational::new(1, 2)), 0);
    }
}
