//! The MP4 files: opening one, writing an encoder's packets into it, and the picture
//! durations the muxer needs to end the presentation after the last picture.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::path::Path;

use ffmpeg::codec;
use ffmpeg::format::context::Output;
use ffmpeg::{Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::errors::{is_again, mux_error, ours};
use super::ffi::{self, OutputFailure};
use super::guard::path_url;
use crate::MediaError;

pub(crate) fn open_output(path: &Path) -> Result<Output, MediaError> {
    open_output_as(path, "mp4")
}

/// Creates the file at `path` written by the muxer named `muxer` (`mp4`, `webm`...).
pub(crate) fn open_output_as(path: &Path, muxer: &str) -> Result<Output, MediaError> {
    let url = path_url(path).map_err(|_| {
        MediaError::io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad output path"))
    })?;
    let name = muxer;
    let muxer = CString::new(muxer).expect("muxer names have no NUL");
    ffi::open_output(&muxer, &url).map_err(|failure| match failure {
        OutputFailure::NoMuxer => ours(&format!("{name} muxer"), "not available in this FFmpeg"),
        OutputFailure::Open(e) => mux_error(e),
    })
}

pub(crate) fn write_packets(
    encoder: &mut codec::encoder::Encoder,
    octx: &mut Output,
    stream_index: usize,
    enc_tb: Rational,
    mut durations: Option<&mut FrameDurations>,
) -> Result<(), MediaError> {
    let ost_tb = octx.stream(stream_index).ok_or_else(|| ours("mp4 muxer", "output stream missing"))?.time_base();
    loop {
        let mut packet = Packet::empty();
        match encoder.receive_packet(&mut packet) {
            Ok(()) => {
                if let Some(durations) = durations.as_deref_mut() {
                    packet.set_duration(durations.take(packet.pts()));
                }
                packet.set_stream(stream_index);
                packet.rescale_ts(enc_tb, ost_tb);
                packet.set_position(-1);
                packet.write_interleaved(octx).map_err(mux_error)?;
            }
            Err(ffmpeg::Error::Eof) => return Ok(()),
            Err(e) if is_again(&e) => return Ok(()),
            Err(e) => return Err(ours("encoder (receiving packets)", e)),
        }
    }
}

/// How long each picture stays on screen, by timestamp (encoder time base).
///
/// The encoder does not carry durations, and the MP4 muxer needs them to end the
/// presentation after the last picture: with variable frame rate, a picture lasts until
/// the next one; the last one lasts as long as the input said (or one nominal frame).
#[derive(Default)]
pub(crate) struct FrameDurations {
    known: BTreeMap<i64, i64>,
    previous_pts: Option<i64>,
    /// Used when nothing better is known: one nominal frame, or the last gap seen.
    nominal: i64,
}

impl FrameDurations {
    /// `nominal`: one frame at the nominal rate (encoder time base), 0 when unknown.
    pub(crate) fn with_nominal(nominal: i64) -> Self {
        Self { nominal, ..Self::default() }
    }

    /// A picture with this timestamp is about to be encoded.
    pub(crate) fn frame(&mut self, pts: i64) {
        if let Some(previous) = self.previous_pts {
            let gap = pts - previous;
            if gap > 0 {
                self.known.insert(previous, gap);
                if self.nominal <= 0 {
                    self.nominal = gap;
                }
            }
        }
        self.previous_pts = Some(pts);
    }

    /// No picture follows the last one; `duration` is what the input said it lasts.
    pub(crate) fn end(&mut self, duration: Option<i64>) {
        if let Some(last) = self.previous_pts.take() {
            let d = duration.filter(|d| *d > 0).unwrap_or(self.nominal.max(1));
            self.known.insert(last, d);
        }
    }

    /// The duration of the packet with this timestamp, once: it is forgotten after.
    pub(crate) fn take(&mut self, pts: Option<i64>) -> i64 {
        pts.and_then(|p| self.known.remove(&p)).unwrap_or(self.nominal.max(1))
    }

    /// How long the picture at `pts` lasts if that is still known (not yet taken), else
    /// the nominal frame (0 when unknown).
    pub(crate) fn lasting(&self, pts: i64) -> i64 {
        self.known.get(&pts).copied().unwrap_or(self.nominal.max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_picture_lasts_until_the_next_and_the_last_as_the_input_said() {
        let mut d = FrameDurations::with_nominal(40);
        for pts in [0, 40, 120] {
            d.frame(pts);
        }
        d.end(Some(30));
        assert_eq!(d.lasting(40), 80);
        assert_eq!([d.take(Some(0)), d.take(Some(40)), d.take(Some(120))], [40, 80, 30]);
        // Taken once; after that, and for a packet without a timestamp, one nominal frame.
        assert_eq!(d.take(Some(120)), 40);
        assert_eq!(d.take(None), 40);
        assert_eq!(d.lasting(120), 40);
    }

    #[test]
    fn without_a_frame_rate_the_first_gap_is_the_nominal_frame() {
        let mut d = FrameDurations::with_nominal(0);
        assert_eq!(d.lasting(0), 0);
        assert_eq!(d.take(None), 1, "never a zero duration");
        for pts in [0, 25, 75] {
            d.frame(pts);
        }
        d.end(None);
        assert_eq!([d.take(Some(0)), d.take(Some(25)), d.take(Some(75))], [25, 50, 25]);
    }

    #[test]
    fn a_timestamp_that_does_not_advance_gives_no_duration() {
        let mut d = FrameDurations::with_nominal(10);
        for pts in [0, 0, 20] {
            d.frame(pts);
        }
        d.end(Some(5));
        assert_eq!([d.take(Some(0)), d.take(Some(20))], [20, 5]);
    }
}
