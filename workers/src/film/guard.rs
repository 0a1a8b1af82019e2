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

/// Demuxers an upload may be read with. Anything else (playlists, concat lists, image
/// sequences, raw streams...) is refused by FFmpeg itself right after probing.
const FORMAT_WHITELIST: &str = "mov,matroska,webm,avi,ogg";

/// Only local files: no network, no `concat:`, `subfile:`, `pipe:` or `data:` tricks.
const PROTOCOL_WHITELIST: &str = "file";

/// An opened input whose every blocking read is bounded by a deadline (FFmpeg's interrupt
/// callback aborts it: see [`ffi::DeadlineInput`]).
pub(super) struct Guarded(DeadlineInput);

impl Guarded {
    pub(super) fn input(&self) -> &Input {
        self.0.input()
    }

    pub(super) fn input_mut(&mut self) -> &mut Input {
        self.0.input_mut()
    }

    fn expired(&self) -> bool {
        Instant::now() >= self.0.deadline()
    }

    pub(super) fn check_deadline(&self) -> Result<(), MediaError> {
        if self.expired() {
            Err(timed_out())
        } else {
            Ok(())
        }
    }
}

pub(super) fn deadline_from(limits: &Limits) -> Instant {
    let now = Instant::now();
    now.checked_add(limits.timeout)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

pub(super) fn path_url(path: &Path) -> Result<CString, MediaError> {
    use std::os::unix::ffi::OsStrExt;
    // The explicit `file:` scheme stops FFmpeg from reading a protocol out of the name.
    let mut url = b"file:".to_vec();
    url.extend_from_slice(path.as_os_str().as_bytes());
    CString::new(url).map_err(|_| unsupported())
}

/// The only way an input is opened.
pub(super) fn open_guarded(path: &Path, deadline: Instant) -> Result<Guarded, MediaError> {
    let url = path_url(path)?;
    let expired = || Instant::now() >= deadline;
    let options = [("protocol_whitelist", PROTOCOL_WHITELIST), ("format_whitelist", FORMAT_WHITELIST)];
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

