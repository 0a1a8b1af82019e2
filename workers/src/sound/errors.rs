//! A sound work's refusals, and the film stages' errors said of a recording.

use crate::{Limits, MediaError};

pub(super) fn no_audio() -> MediaError {
    MediaError::permanent("no_audio", "this file has no sound")
}

pub(super) fn has_picture() -> MediaError {
    MediaError::permanent("sound_has_picture", "this file has a picture as well as sound: send it as a film")
}

pub(super) fn unsupported() -> MediaError {
    MediaError::permanent(
        "unsupported_format",
        "this file is not a recording we can read: send MP3, M4A, AAC, WAV, FLAC, Ogg, Opus, WebM or AMR",
    )
}

pub(super) fn too_long(limits: &Limits) -> MediaError {
    MediaError::permanent(
        "sound_too_long",
        format!("this recording is too long: the limit is {:.0} seconds", limits.max_duration_s),
    )
}

/// The shared film stages (guard, decoder, graph) name a film in their messages and
/// their length limit: the same failures, said of a recording.
pub(super) fn of_sound(e: MediaError, limits: &Limits) -> MediaError {
    match e.code {
        "film_too_long" => too_long(limits),
        "unsupported_format" => unsupported(),
        "corrupt_file" => MediaError { message: "this recording is damaged or incomplete and its sound cannot be read".into(), ..e },
        "processing_timeout" => MediaError { message: "the recording took too long to process".into(), ..e },
        _ => e,
    }
}
