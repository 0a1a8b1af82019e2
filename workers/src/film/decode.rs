//! Decoding: opening a stream's decoder, reading packets under the deadline, and the
//! budget of decode errors a damaged film is allowed.

use ffmpeg::codec;
use ffmpeg::format::context::Input;
use ffmpeg::Packet;
use ffmpeg_next as ffmpeg;

use super::errors::{corrupt, is_again, timed_out};
use super::ffi;
use super::guard::Guarded;
use crate::{Limits, MediaError};

/// Decode errors tolerated (a damaged packet here and there) before the file is refused.
const MAX_DECODE_ERRORS: u32 = 16;
/// Slack allowed when checking decoded timestamps against the duration limit.
pub(crate) const DURATION_SLACK_S: f64 = 1.0;

pub(crate) fn open_decoder(
    input: &Input,
    index: usize,
    limits: &Limits,
    threaded: bool,
) -> Result<codec::decoder::Decoder, MediaError> {
    let stream = input.stream(index).ok_or_else(corrupt)?;
    let mut ctx = codec::Context::from_parameters(stream.parameters()).map_err(|_| corrupt())?;
    // FFmpeg's own guard: frames larger than max_pixels are refused by the decoder.
    ffi::limit_decoder(&mut ctx, stream.time_base(), limits.max_video_pixels.min(i64::MAX as u64) as i64);
    if threaded {
        ctx.set_threading(codec::threading::Config {
            kind: codec::threading::Type::Frame,
            ..Default::default()
        });
    }
    Ok(ctx.decoder())
}

/// Decode errors seen so far in one stream.
#[derive(Debug, Default)]
pub(crate) struct DecodeErrors(u32);

impl DecodeErrors {
    /// Counts one more error: past [`MAX_DECODE_ERRORS`] the film is refused as damaged.
    pub(crate) fn count(&mut self) -> Result<(), MediaError> {
        self.0 += 1;
        if self.0 > MAX_DECODE_ERRORS {
            Err(corrupt())
        } else {
            Ok(())
        }
    }
}

pub(crate) enum Read {
    Packet(Packet),
    End,
}

/// Reads the next packet; read errors other than the deadline end the input, like
/// FFmpeg's own tools do (a truncated file keeps what could be read).
pub(crate) fn read_packet(src: &mut Guarded) -> Result<Read, MediaError> {
    let mut again = 0;
    loop {
        src.check_deadline()?;
        let mut packet = Packet::empty();
        match packet.read(src.input_mut()) {
            Ok(()) => return Ok(Read::Packet(packet)),
            Err(ffmpeg::Error::Eof) => return Ok(Read::End),
            Err(ffmpeg::Error::Exit) => return Err(timed_out()),
            Err(e) if is_again(&e) && again < 1000 => again += 1,
            Err(_) => {
                src.check_deadline()?;
                return Ok(Read::End);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_decode_errors_are_tolerated_and_one_more_refuses_the_film() {
        let mut errors = DecodeErrors::default();
        for n in 1..=MAX_DECODE_ERRORS {
            assert!(errors.count().is_ok(), "error {n}");
        }
        let e = errors.count().unwrap_err();
        assert_eq!((e.class, e.code), (crate::FailureClass::Permanent, "corrupt_file"));
    }
}
