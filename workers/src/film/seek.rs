//! Seeking to one picture: the indexed key frame nearest an instant, and decoding from
//! where a seek lands up to the first picture at or after the instant.

use ffmpeg::codec;
use ffmpeg::format::context::Input;
use ffmpeg::frame;
use ffmpeg_next as ffmpeg;

use super::decode::{read_packet, DecodeErrors, Read};
use super::errors::is_again;
use super::ffi;
use super::guard::Guarded;
use crate::MediaError;

/// The key frame (stream time base) nearest to `ts` within `tolerance`, from the
/// container's index; None when there is no index or no key frame close enough.
pub(super) fn nearest_key_frame(input: &Input, index: usize, ts: i64, tolerance: i64) -> Option<i64> {
    nearest_within(ts, tolerance, ffi::indexed_key_frames_around(input, index, ts))
}

/// The one of `key_frames` nearest to `ts`, if it is within `tolerance` of it.
fn nearest_within(ts: i64, tolerance: i64, key_frames: impl IntoIterator<Item = i64>) -> Option<i64> {
    key_frames
        .into_iter()
        .filter(|&k| k.abs_diff(ts) <= tolerance.unsigned_abs())
        .min_by_key(|&k| k.abs_diff(ts))
}

/// Where to seek for a poster candidate (stream time base).
#[derive(Debug, Clone, Copy)]
pub(super) enum Seek {
    /// To this key frame from the container's index.
    KeyFrame(i64),
    /// To the key frame at or before this instant, then decode up to the instant.
    Before(i64),
}

/// Seeks and decodes up to the first picture at or after the wanted instant. At the end
/// of the film, the last picture. When the container cannot seek, decoding goes on from
/// where it was.
pub(super) fn picture_at(
    src: &mut Guarded,
    decoder: &mut codec::decoder::Video,
    index: usize,
    seek: Seek,
    errors: &mut DecodeErrors,
) -> Result<Option<frame::Video>, MediaError> {
    let want_ts = match seek {
        Seek::KeyFrame(ts) => {
            // Forward, to the first key frame at or after the index's time: demuxers
            // such as MP4's index decoding times, which come slightly before the
            // presentation times, and a backward seek could land one key frame early.
            ffi::seek(src.input_mut(), index, ts, ts, i64::MAX);
            ts
        }
        Seek::Before(ts) => {
            ffi::seek(src.input_mut(), index, i64::MIN, ts, ts);
            ts
        }
    };
    decoder.flush();
    let mut last: Option<frame::Video> = None;
    let mut ended = false;
    loop {
        // Collect what the decoder has.
        loop {
            let mut decoded = frame::Video::empty();
            match decoder.receive_frame(&mut decoded) {
                Ok(()) => {
                    if decoded.width() == 0 || decoded.height() == 0 {
                        continue;
                    }
                    if decoded.timestamp().is_none_or(|ts| ts >= want_ts) {
                        return Ok(Some(decoded));
                    }
                    last = Some(decoded);
                }
                Err(ffmpeg::Error::Eof) => return Ok(last),
                Err(e) if is_again(&e) => break,
                Err(_) => {
                    errors.count()?;
                    break;
                }
            }
        }
        if ended {
            return Ok(last);
        }
        match read_packet(src)? {
            Read::Packet(packet) => {
                if packet.stream() == index && decoder.send_packet(&packet).is_err() {
                    errors.count()?;
                }
            }
            Read::End => {
                let _ = decoder.send_eof();
                ended = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_key_frame_within_the_tolerance_is_taken() {
        assert_eq!(nearest_within(100, 10, [95, 104]), Some(104));
        assert_eq!(nearest_within(100, 10, [90, 130]), Some(90), "the tolerance is inclusive");
        assert_eq!(nearest_within(100, 10, [96, 104]), Some(96), "a tie goes to the earlier");
        assert_eq!(nearest_within(100, 10, [80, 120]), None);
        assert_eq!(nearest_within(100, 10, []), None);
    }
}
