//! Probe and plan: what a film's headers say (streams, size, rotation, duration, colours)
//! checked against the limits, and the sizes of the renditions made from it.

use ffmpeg::codec;
use ffmpeg::format;
use ffmpeg::media;
use ffmpeg_next as ffmpeg;

use super::colour::{Colour, Tone};
use super::errors::{corrupt, too_long};
use super::ffi;
use super::guard::Guarded;
use super::time::rational_f64;
use super::FilmInfo;
use crate::{Limits, MediaError};

/// Largest web rendition for landscape (and square) films; swapped for portrait.
const WEB_LONG_SIDE: u32 = 1280;
const WEB_SHORT_SIDE: u32 = 720;
/// Largest low-bandwidth rendition.
const WEB_360_LONG_SIDE: u32 = 640;
const WEB_360_SHORT_SIDE: u32 = 360;

/// What the engine decided to do with a film after looking at its headers.
pub(super) struct Plan {
    pub info: FilmInfo,
    pub video_index: usize,
    pub audio_index: Option<usize>,
    /// Size of the web rendition and the posters.
    pub out_width: u32,
    pub out_height: u32,
    /// Size of the low-bandwidth rendition.
    pub small_width: u32,
    pub small_height: u32,
    /// Start of the presentation, in AV_TIME_BASE units; subtracted from every timestamp.
    pub origin_us: i64,
    /// The colours as the stream's headers describe them.
    pub colour: Colour,
}

/// Clockwise degrees (0/90/180/270) from a stream's display matrix, like FFmpeg's CLI.
fn stream_rotation(stream: &format::stream::Stream) -> i32 {
    stream
        .side_data()
        .filter(|side| side.kind() == codec::packet::side_data::Type::DisplayMatrix)
        .find_map(|side| display_matrix(side.data()))
        .map_or(0, |matrix| clockwise(ffi::display_rotation_ccw(&matrix)))
}

/// The 3x3 display matrix in a side-data payload (native-endian `i32`s), if it is long enough.
fn display_matrix(data: &[u8]) -> Option<[i32; 9]> {
    if data.len() < 9 * std::mem::size_of::<i32>() {
        return None;
    }
    let mut matrix = [0i32; 9];
    for (m, b) in matrix.iter_mut().zip(data.chunks_exact(4)) {
        *m = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
    }
    Some(matrix)
}

/// Counter-clockwise degrees (as `av_display_rotation_get` gives them) as clockwise
/// quarter turns, 0/90/180/270; a matrix with no angle is upright.
fn clockwise(ccw: f64) -> i32 {
    if !ccw.is_finite() {
        return 0;
    }
    let cw = (-ccw / 90.0).round() as i64 * 90;
    cw.rem_euclid(360) as i32
}

/// The displayed size of a `coded_w` x `coded_h` picture: square pixels (stretching the
/// side that the sample aspect ratio says is squeezed; an implausible ratio counts as
/// square), then turned by `rotation`.
fn display_size(coded_w: u32, coded_h: u32, sar: f64, rotation: i32) -> (f64, f64) {
    let sar = if (0.1..=10.0).contains(&sar) { sar } else { 1.0 };
    let (mut display_w, mut display_h) = (f64::from(coded_w), f64::from(coded_h));
    if sar > 1.0 {
        display_w *= sar;
    } else {
        display_h /= sar;
    }
    if rotation == 90 || rotation == 270 {
        std::mem::swap(&mut display_w, &mut display_h);
    }
    (display_w, display_h)
}

/// Fit (w, h) within a `long` x `short` box (turned for portrait) without upscaling.
///
/// Both sides are even (4:2:0) and at least 2; rounding to even never goes past the
/// displayed size, so an odd 321x241 film becomes 320x240, not 322x242.
fn fit_within(display_w: f64, display_h: f64, long: u32, short: u32) -> (u32, u32) {
    let (box_w, box_h) = if display_h > display_w { (short, long) } else { (long, short) };
    let scale = (f64::from(box_w) / display_w)
        .min(f64::from(box_h) / display_h)
        .min(1.0);
    let even = |x: f64, limit: f64| {
        let mut e = ((x / 2.0).round() as u32) * 2;
        if f64::from(e) > limit.floor() && e > 2 {
            e -= 2;
        }
        e.max(2)
    };
    (
        even(display_w * scale, display_w.min(f64::from(box_w))),
        even(display_h * scale, display_h.min(f64::from(box_h))),
    )
}

/// Whether `stream` carries a default-disposition flag.
fn is_default(stream: &format::stream::Stream) -> bool {
    stream.disposition().contains(format::stream::Disposition::DEFAULT)
}

pub(super) fn plan(src: &Guarded, limits: &Limits) -> Result<Plan, MediaError> {
    let input = src.input();

    let mut video = None;
    // (index, marked default) of the first readable audio track, and of the first
    // readable one marked default: the default one wins, as in players.
    let mut first_audio = None;
    let mut default_audio = None;
    let mut any_audio = false;
    for stream in input.streams() {
        let params = stream.parameters();
        match params.medium() {
            media::Type::Video => {
                let cover = stream
                    .disposition()
                    .contains(format::stream::Disposition::ATTACHED_PIC);
                if video.is_none() && !cover {
                    video = Some(stream.index());
                }
            }
            media::Type::Audio => {
                any_audio = true;
                let (rate, channels) = ffi::audio_parameters(&params);
                let readable =
                    rate > 0 && channels > 0 && codec::decoder::find(params.id()).is_some();
                if readable {
                    first_audio = first_audio.or(Some(stream.index()));
                    if default_audio.is_none() && is_default(&stream) {
                        default_audio = Some(stream.index());
                    }
                }
            }
            _ => {}
        }
    }
    let audio = default_audio.or(first_audio);

    let Some(video_index) = video else {
        return Err(if any_audio {
            MediaError::permanent("no_video", "this file has no picture: only sound")
        } else {
            MediaError::permanent("no_video", "this file has no picture")
        });
    };

    let stream = input.stream(video_index).expect("index from streams()");
    let params = stream.parameters();
    let codec_id = params.id();
    if codec::decoder::find(codec_id).is_none() {
        return Err(MediaError::permanent(
            "unsupported_format",
            "this film is recorded in a video format we cannot read",
        ));
    }

    let ffi::VideoParameters { width: coded_w, height: coded_h, format: pix_fmt, colour } = ffi::video_parameters(&params);
    if coded_w <= 0 || coded_h <= 0 {
        return Err(corrupt());
    }
    let (coded_w, coded_h) = (coded_w as u32, coded_h as u32);
    if u64::from(coded_w) * u64::from(coded_h) > limits.max_video_pixels {
        return Err(MediaError::permanent(
            "video_too_large",
            format!(
                "this film's picture is too large ({coded_w}x{coded_h}): please upload it at a lower resolution"
            ),
        ));
    }
    let bit_depth = pix_fmt.map_or(0, ffi::pixel_depth);

    let sar = rational_f64(ffi::sample_aspect_ratio(input, video_index));
    let rotation = stream_rotation(&stream);
    let (display_w, display_h) = display_size(coded_w, coded_h, sar, rotation);
    let (out_width, out_height) = fit_within(display_w, display_h, WEB_LONG_SIDE, WEB_SHORT_SIDE);
    let (small_width, small_height) =
        fit_within(display_w, display_h, WEB_360_LONG_SIDE, WEB_360_SHORT_SIDE);

    let duration_s = super::time::duration_s(input, &stream);
    if duration_s > limits.max_duration_s {
        return Err(too_long(limits));
    }

    let mut frame_rate = rational_f64(stream.avg_frame_rate());
    if frame_rate <= 0.0 {
        frame_rate = rational_f64(stream.rate());
    }

    let origin_us = ffi::start_time(input).unwrap_or(0);

    let info = FilmInfo {
        width: display_w.round().max(1.0) as u32,
        height: display_h.round().max(1.0) as u32,
        duration_s,
        frame_rate,
        has_audio: audio.is_some(),
        rotation,
        video_codec: codec_id.name().to_string(),
        bit_depth,
        hdr: colour.tone() == Tone::Hdr,
    };

    Ok(Plan {
        info,
        video_index,
        audio_index: audio,
        out_width,
        out_height,
        small_width,
        small_height,
        origin_us,
        colour,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renditions_fit_their_box_turned_for_portrait_and_never_upscaled() {
        assert_eq!(fit_within(1920.0, 1080.0, WEB_LONG_SIDE, WEB_SHORT_SIDE), (1280, 720));
        assert_eq!(fit_within(1920.0, 1080.0, WEB_360_LONG_SIDE, WEB_360_SHORT_SIDE), (640, 360));
        assert_eq!(fit_within(1080.0, 1920.0, WEB_LONG_SIDE, WEB_SHORT_SIDE), (720, 1280));
        assert_eq!(fit_within(1080.0, 1920.0, WEB_360_LONG_SIDE, WEB_360_SHORT_SIDE), (360, 640));
        // Wider than 16:9: the width decides.
        assert_eq!(fit_within(3840.0, 1600.0, WEB_LONG_SIDE, WEB_SHORT_SIDE), (1280, 534));
        // Smaller than the box: kept, only made even.
        assert_eq!(fit_within(640.0, 480.0, WEB_LONG_SIDE, WEB_SHORT_SIDE), (640, 480));
    }

    #[test]
    fn odd_sizes_round_to_even_without_passing_the_displayed_size() {
        assert_eq!(fit_within(321.0, 241.0, WEB_LONG_SIDE, WEB_SHORT_SIDE), (320, 240));
        assert_eq!(fit_within(641.0, 361.0, WEB_360_LONG_SIDE, WEB_360_SHORT_SIDE), (640, 360));
        assert_eq!(fit_within(1.0, 1.0, WEB_LONG_SIDE, WEB_SHORT_SIDE), (2, 2), "never below 2");
    }

    #[test]
    fn pixels_are_squared_then_turned() {
        // PAL 16:9 anamorphic: stretched wide.
        assert_eq!(display_size(720, 576, 64.0 / 45.0, 0), (1024.0, 576.0));
        // NTSC 4:3: pixels narrower than tall, so the height grows.
        assert_eq!(display_size(720, 480, 8.0 / 9.0, 0), (720.0, 540.0));
        assert_eq!(display_size(1920, 1080, 1.0, 90), (1080.0, 1920.0));
        assert_eq!(display_size(1920, 1080, 1.0, 180), (1920.0, 1080.0));
        // Unknown (0) and implausible ratios count as square.
        assert_eq!(display_size(1920, 1080, 0.0, 0), (1920.0, 1080.0));
        assert_eq!(display_size(1920, 1080, 20.0, 270), (1080.0, 1920.0));
    }

    #[test]
    fn counter_clockwise_angles_become_clockwise_quarter_turns() {
        for (ccw, cw) in [(0.0, 0), (-90.0, 90), (90.0, 270), (180.0, 180), (-180.0, 180), (-270.0, 270), (44.0, 0), (-46.0, 90)] {
            assert_eq!(clockwise(ccw), cw, "{ccw}");
        }
        assert_eq!(clockwise(f64::NAN), 0);
        assert_eq!(clockwise(f64::INFINITY), 0);
    }

    /// The side-data bytes of a display matrix for `[a, b, c, d]` (16.16 fixed point) with
    /// w = 1.0 (2.30).
    fn matrix_bytes(a: i32, b: i32, c: i32, d: i32) -> Vec<u8> {
        [a, b, 0, c, d, 0, 0, 0, 1 << 30].iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    #[test]
    fn a_display_matrix_gives_the_turn_that_shows_the_picture_upright() {
        let one = 1 << 16;
        // The two quarter turns: FFmpeg reads b = 1, c = -1 as 90° clockwise...
        let cw_90 = display_matrix(&matrix_bytes(0, one, -one, 0)).unwrap();
        assert_eq!(ffi::display_rotation_ccw(&cw_90), -90.0);
        assert_eq!(clockwise(ffi::display_rotation_ccw(&cw_90)), 90);
        // ...and b = -1, c = 1 as 90° counter-clockwise, which is 270° clockwise.
        let ccw_90 = display_matrix(&matrix_bytes(0, -one, one, 0)).unwrap();
        assert_eq!(clockwise(ffi::display_rotation_ccw(&ccw_90)), 270);
        let flipped = display_matrix(&matrix_bytes(-one, 0, 0, -one)).unwrap();
        assert_eq!(clockwise(ffi::display_rotation_ccw(&flipped)), 180);
        let identity = display_matrix(&matrix_bytes(one, 0, 0, one)).unwrap();
        assert_eq!(clockwise(ffi::display_rotation_ccw(&identity)), 0);
        // An all-zero matrix has no angle (NaN): upright.
        assert_eq!(clockwise(ffi::display_rotation_ccw(&[0; 9])), 0);
        // Too short to be a matrix.
        assert_eq!(display_matrix(&matrix_bytes(one, 0, 0, one)[..32]), None);
    }
}
