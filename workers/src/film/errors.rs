//! The film's failures, each classified by whose it is: the citizen's file (permanent),
//! the server (transient) or our own filters, encoders and muxer (internal).

use ffmpeg_next as ffmpeg;

use crate::{Limits, MediaError};

pub(crate) fn unsupported() -> MediaError {
    MediaError::permanent(
        "unsupported_format",
        "this file is not a film we can read: upload an MP4, MOV, WebM, MKV, AVI or Ogg video",
    )
}

pub(crate) fn corrupt() -> MediaError {
    MediaError::permanent(
        "corrupt_file",
        "this film is damaged or incomplete and its picture cannot be read",
    )
}

pub(crate) fn timed_out() -> MediaError {
    MediaError::permanent("processing_timeout", "the film took too long to process")
}

pub(crate) fn too_long(limits: &Limits) -> MediaError {
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
pub(crate) fn ours(what: &str, e: impl std::fmt::Display) -> MediaError {
    MediaError::internal(format!("{what}: {e}"))
}

/// An error from the muxer, which only ever sees packets from our encoders: system
/// errors (disk full, I/O) are transient, anything else is ours.
pub(crate) fn mux_error(e: ffmpeg::Error) -> MediaError {
    match e {
        // EINVAL is how a muxer refuses a packet: not an I/O problem.
        ffmpeg::Error::Other { errno } if errno != ffmpeg::util::error::EINVAL => {
            MediaError::io(std::io::Error::from_raw_os_error(errno))
        }
        e => ours("mp4 muxer", e),
    }
}

pub(crate) fn is_again(e: &ffmpeg::Error) -> bool {
    matches!(e, ffmpeg::Error::Other { errno } if *errno == ffmpeg::util::error::EAGAIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FailureClass;
    use ffmpeg::util::error::{EAGAIN, EINVAL, ENOSPC};

    #[test]
    fn a_limit_is_described_in_whole_minutes_else_in_seconds() {
        assert_eq!(describe_seconds(60.0), "1 minute");
        assert_eq!(describe_seconds(600.0), "10 minutes");
        assert_eq!(describe_seconds(600.4), "10 minutes");
        assert_eq!(describe_seconds(90.0), "90 seconds");
        assert_eq!(describe_seconds(45.4), "45 seconds");
    }

    #[test]
    fn a_film_too_long_is_refused_naming_the_limit() {
        let e = too_long(&Limits { max_duration_s: 300.0, ..Limits::default() });
        assert_eq!((e.class, e.code), (FailureClass::Permanent, "film_too_long"));
        assert_eq!(e.message, "this film is too long: the limit is 5 minutes");
    }

    #[test]
    fn a_muxer_system_error_is_transient_and_a_refused_packet_ours() {
        let disk_full = mux_error(ffmpeg::Error::Other { errno: ENOSPC });
        assert_eq!((disk_full.class, disk_full.code), (FailureClass::Transient, "io_error"));
        let refused = mux_error(ffmpeg::Error::Other { errno: EINVAL });
        assert_eq!((refused.class, refused.code), (FailureClass::Internal, crate::PROCESSING_ERROR));
        assert!(refused.detail.as_deref().is_some_and(|d| d.starts_with("mp4 muxer: ")), "{refused:?}");
        let other = mux_error(ffmpeg::Error::InvalidData);
        assert_eq!(other.class, FailureClass::Internal);
    }

    #[test]
    fn only_eagain_means_try_again() {
        assert!(is_again(&ffmpeg::Error::Other { errno: EAGAIN }));
        assert!(!is_again(&ffmpeg::Error::Other { errno: EINVAL }));
        assert!(!is_again(&ffmpeg::Error::Eof));
    }
}
