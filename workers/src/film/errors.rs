//! The film's failures, each classified by whose it is: the citizen's file (permanent),
//! the server (transient) or our own filters, encoders and muxer (internal).

use ffmpeg_next as ffmpeg;

use crate::{Limits, MediaError};

pub(super) fn unsupported() -> MediaError {
    MediaError::permanent(
        "unsupported_format",
        "this file is not a film we can read: upload an MP4, MOV, WebM, MKV, AVI or Ogg video",
    )
}

pub(super) fn corrupt() -> MediaError {
    MediaError::permanent(
        "corrupt_file",
        "this film is damaged or incomplete and its picture cannot be read",
    )
}

pub(super) fn timed_out() -> MediaError {
    MediaError::permanent("processing_timeout", "the film took too long to process")
}

pub(super) fn too_long(limits: &Limits) -> MediaError {
    MediaError::permanent(
        "film_too_long",
        format!(
            "this film is too long: the limit is {}",
            describe_seconds(limits.max_duration_s)
        ),
    )
}

fn describe_seconds(s: f64) -> String {
    if s >= 60.0 && (s % 60.0).abs() < 0.5 {
        let m = (s / 60.0).round() as u64;
        if m == 1 {
            "1 minute".to_string()
        } else {
            format!("{m} minutes")
        }
    } else {
        format!("{} seconds", s.round() as u64)
    }
}

/// A failure of our own filter graph, encoder or muxer on a film that was read: never
/// blamed on the film. `what` and `e` go to the operator's log only.
pub(super) fn ours(what: &str, e: impl std::fmt::Display) -> MediaError {
    MediaError::internal(format!("{what}: {e}"))
}

/// An error from the muxer, which only ever sees packets from our encoders: system
/// errors (disk full, I/O) are transient, anything else is ours.
pub(super) fn mux_error(e: ffmpeg::Error) -> MediaError {
    match e {
        // EINVAL is how a muxer refuses a packet: not an I/O problem.
        ffmpeg::Error::Other { errno } if errno != ffmpeg::util::error::EINVAL => {
            MediaError::io(std::io::Error::from_raw_os_error(errno))
        }
        e => ours("mp4 muxer", e),
    }
}

pub(super) fn is_again(e: &ffmpeg::Error) -> bool {
    matches!(e, ffmpeg::Error::Other { errno } if *errno == ffmpeg::util::error::EAGAIN)
}

