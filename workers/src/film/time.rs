//! Time: FFmpeg's rationals as seconds, and timestamps moved from one time base to another.

use ffmpeg::{Rational, Rescale, Rounding};
use ffmpeg_next as ffmpeg;

/// FFmpeg's AV_TIME_BASE: container-level times are in microseconds.
pub(super) const TIME_BASE: i32 = 1_000_000;

/// The value of `r`; 0.0 for a zero, negative or undefined one (FFmpeg's "unknown").
pub(super) fn rational_f64(r: Rational) -> f64 {
    if r.numerator() <= 0 || r.denominator() <= 0 {
        0.0
    } else {
        f64::from(r.numerator()) / f64::from(r.denominator())
    }
}

/// `ts` in time base `from` expressed in time base `to`, rounded to the nearest (halves
/// away from zero), as FFmpeg's tools do.
pub(super) fn rescale(ts: i64, from: Rational, to: Rational) -> i64 {
    ts.rescale_with(from, to, Rounding::NearInfinity)
}

