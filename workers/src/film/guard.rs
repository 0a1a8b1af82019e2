//! The guarded input: every film is opened here, read only from a local file through a
//! short list of container demuxers, under a wall-clock deadline FFmpeg itself enforces.

use std::ffi::CString;
use std::path::Path;
use std::time::{Duration, Instant};

use ffmpeg::format::context::Input;
use ffmpeg_next as ffmpeg;

use super::errors::{corrupt, timed_out, unsupported};
use super::ffi::{self, DeadlineInput, OpenFailure};
use crate::{Limits, MediaError};

/// Demuxers a film may be read with. Anything else (playlists, concat lists, image
/// sequences, raw streams...) is refused by FFmpeg itself right after probing.
pub(crate) const FILM_DEMUXERS: &str = "mov,matroska,webm,avi,ogg";

/// Demuxers a sound work may be read with: the containers it shares with films (not
/// AVI) and the audio-only formats MP3, ADTS AAC, WAV, FLAC and AMR (`#!AMR` files only:
/// the raw `amrnb`/`amrwb` demuxers stay out).
pub(crate) const SOUND_DEMUXERS: &str = "mov,matroska,webm,ogg,mp3,aac,wav,flac,amr";

/// Only local files: no network, no `concat:`, `subfile:`, `pipe:` or `data:` tricks.
const PROTOCOL_WHITELIST: &str = "file";

/// An opened input whose every blocking read is bounded by a deadline (FFmpeg's interrupt
/// callback aborts it: see [`ffi::DeadlineInput`]).
pub(crate) struct Guarded(DeadlineInput);

impl Guarded {
    pub(crate) fn input(&self) -> &Input {
        self.0.input()
    }

    pub(crate) fn input_mut(&mut self) -> &mut Input {
        self.0.input_mut()
    }

    fn expired(&self) -> bool {
        Instant::now() >= self.0.deadline()
    }

    pub(crate) fn check_deadline(&self) -> Result<(), MediaError> {
        if self.expired() {
            Err(timed_out())
        } else {
            Ok(())
        }
    }
}

pub(crate) fn deadline_from(limits: &Limits) -> Instant {
    let now = Instant::now();
    now.checked_add(limits.timeout)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

pub(crate) fn path_url(path: &Path) -> Result<CString, MediaError> {
    use std::os::unix::ffi::OsStrExt;
    // The explicit `file:` scheme stops FFmpeg from reading a protocol out of the name.
    let mut url = b"file:".to_vec();
    url.extend_from_slice(path.as_os_str().as_bytes());
    CString::new(url).map_err(|_| unsupported())
}

/// The only way a film is opened.
pub(crate) fn open_guarded(path: &Path, deadline: Instant) -> Result<Guarded, MediaError> {
    open_guarded_with(path, deadline, FILM_DEMUXERS)
}

/// The only way any input is opened: only from a local file, only by one of `demuxers`.
pub(crate) fn open_guarded_with(path: &Path, deadline: Instant, demuxers: &str) -> Result<Guarded, MediaError> {
    let url = path_url(path)?;
    let expired = || Instant::now() >= deadline;
    let options = [("protocol_whitelist", PROTOCOL_WHITELIST), ("format_whitelist", demuxers)];
    match ffi::open_input(&url, deadline, &options) {
        Ok(input) => Ok(Guarded(input)),
        Err(OpenFailure::OutOfMemory) => Err(MediaError::transient("out_of_memory", "the server ran out of memory")),
        Err(OpenFailure::Open) => Err(if expired() { timed_out() } else { unsupported() }),
        // An option we rely on for safety was not recognised: never read the file.
        Err(OpenFailure::OptionsIgnored) => Err(MediaError::internal(
            "FFmpeg did not take protocol_whitelist/format_whitelist: the film tools are misconfigured",
        )),
        Err(OpenFailure::StreamInfo) => Err(if expired() { timed_out() } else { corrupt() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn the_deadline_is_the_timeout_from_now() {
        let before = Instant::now();
        let deadline = deadline_from(&Limits { timeout: Duration::from_secs(30), ..Limits::default() });
        let after = Instant::now();
        assert!(deadline >= before + Duration::from_secs(30), "{:?}", deadline - before);
        assert!(deadline <= after + Duration::from_secs(30), "{:?}", deadline - after);
    }

    #[test]
    fn a_timeout_beyond_the_clock_becomes_a_year() {
        let deadline = deadline_from(&Limits { timeout: Duration::MAX, ..Limits::default() });
        let left = deadline.duration_since(Instant::now());
        assert!(left > Duration::from_secs(364 * 24 * 3600) && left <= Duration::from_secs(365 * 24 * 3600), "{left:?}");
    }

    #[test]
    fn an_input_is_always_named_as_a_local_file() {
        assert_eq!(path_url(Path::new("/tmp/a b.mp4")).unwrap().as_bytes(), b"file:/tmp/a b.mp4");
        // A name that looks like another protocol stays a file name.
        assert_eq!(path_url(Path::new("concat:/etc/passwd|x.mp4")).unwrap().as_bytes(), b"file:concat:/etc/passwd|x.mp4");
        let nul = path_url(Path::new(OsStr::from_bytes(b"/tmp/a\0b.mp4"))).unwrap_err();
        assert_eq!(nul.code, "unsupported_format");
    }

    #[test]
    fn a_missing_file_is_unsupported_and_a_passed_deadline_a_timeout() {
        crate::film::init();
        let dir = tempfile::tempdir().unwrap();
        let missing = open_guarded(&dir.path().join("missing.mp4"), deadline_from(&Limits::default())).map(|_| ()).unwrap_err();
        assert_eq!(missing.code, "unsupported_format");

        let file = dir.path().join("film.mp4");
        std::fs::write(&file, vec![0u8; 4096]).unwrap();
        let late = open_guarded(&file, Instant::now()).map(|_| ()).unwrap_err();
        assert_eq!(late.code, "processing_timeout");
    }
}
