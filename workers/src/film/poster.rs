//! The poster: candidate instants tried in order, each picture judged by its brightness
//! and contrast, the first that looks like content (else the best) written as JPEG and WebP.

use std::path::Path;

use ffmpeg::format;
use ffmpeg::frame;
use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;

use super::colour::frame_colour;
use super::decode::{open_decoder, DecodeErrors};
use super::errors::{corrupt, ours};
use super::ffi;
use super::graph::{filter_one, video_spec, Pictures};
use super::guard::Guarded;
use super::probe::Plan;
use super::seek::{nearest_key_frame, picture_at, Seek};
use super::time::{rational_f64, rescale, TIME_BASE};
use crate::{Limits, MediaError};

/// Where the poster is looked for, as fractions of the duration, in order of preference.
const POSTER_CANDIDATES: [f64; 5] = [0.1, 0.25, 0.4, 0.55, 0.7];

/// A key frame this close to a candidate instant (seconds, at most 5% of the duration)
/// is taken instead of decoding from the key frame up to the instant.
const POSTER_SNAP_S: f64 = 2.0;

/// A poster candidate is accepted when its mean luma (0-255) is within this range...
const POSTER_MIN_MEAN: f64 = 40.0;
const POSTER_MAX_MEAN: f64 = 230.0;

/// ...and the standard deviation of its luma at least this (not a flat, blank picture).
const POSTER_MIN_STDDEV: f64 = 12.0;

/// Brightness and contrast of a candidate poster.
#[derive(Debug, Clone, Copy)]
struct Look {
    /// Mean luma, 0-255.
    mean: f64,
    /// Standard deviation of the luma.
    stddev: f64,
}

impl Look {
    fn of(img: &image::RgbImage) -> Self {
        let (w, h) = img.dimensions();
        // About 10,000 samples are plenty to tell content from a black or blank picture.
        let step = ((u64::from(w) * u64::from(h) / 10_000) as f64).sqrt().max(1.0) as u32;
        let (mut sum, mut sum_sq, mut n) = (0f64, 0f64, 0f64);
        for y in (0..h).step_by(step as usize) {
            for x in (0..w).step_by(step as usize) {
                let p = img.get_pixel(x, y);
                let luma = 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2]);
                sum += luma;
                sum_sq += luma * luma;
                n += 1.0;
            }
        }
        if n == 0.0 {
            return Self { mean: 0.0, stddev: 0.0 };
        }
        let mean = sum / n;
        Self { mean, stddev: (sum_sq / n - mean * mean).max(0.0).sqrt() }
    }

    /// Looks like content: neither (nearly) black, nor washed out white, nor flat.
    fn acceptable(&self) -> bool {
        (POSTER_MIN_MEAN..=POSTER_MAX_MEAN).contains(&self.mean) && self.stddev >= POSTER_MIN_STDDEV
    }

    /// For choosing among unacceptable candidates: contrast, less for extreme brightness.
    fn score(&self) -> f64 {
        let dark = (self.mean / POSTER_MIN_MEAN).min(1.0);
        let bright = ((255.0 - self.mean) / (255.0 - POSTER_MAX_MEAN)).min(1.0);
        (self.stddev + 1.0) * dark.max(0.0) * bright.max(0.0)
    }
}

/// The instants (seconds from the start) tried for the poster, in order, and how far
/// (seconds) an indexed key frame may be from one to be taken instead.
fn candidate_instants(duration_s: f64) -> (Vec<f64>, f64) {
    if duration_s > 0.0 {
        (POSTER_CANDIDATES.iter().map(|f| f * duration_s).collect(), POSTER_SNAP_S.min(duration_s * 0.05))
    } else {
        // Length unknown: a few instants near the start; past the end, the last picture.
        (vec![1.0, 3.0, 10.0, 30.0], 0.5)
    }
}

/// Converts a decoded frame to upright RGB at the web rendition's size, with the same
/// colour handling as the web renditions.
fn poster_rgb(frame: &frame::Video, tb: Rational, plan: &Plan) -> Result<image::RgbImage, MediaError> {
    let colour = frame_colour(frame, plan.colour);
    let spec = video_spec(colour, plan.info.rotation, &[(plan.out_width, plan.out_height)], Pictures::Rgb);
    let rgb = filter_one(frame, tb, &spec)?;

    let (w, h) = (rgb.width(), rgb.height());
    if (w, h) != (plan.out_width, plan.out_height) || rgb.format() != format::Pixel::RGB24 {
        return Err(ours(&format!("video filters `{spec}`"), format!("made a {w}x{h} {:?} picture", rgb.format())));
    }
    let stride = rgb.stride(0);
    let row = w as usize * 3;
    let data = rgb.data(0);
    let mut buf = Vec::with_capacity(row * h as usize);
    let short = || ours("poster", "the RGB picture is shorter than its size");
    for y in 0..h as usize {
        let start = y * stride;
        buf.extend_from_slice(data.get(start..start + row).ok_or_else(short)?);
    }
    image::RgbImage::from_raw(w, h, buf).ok_or_else(short)
}

/// Picks the poster: the first candidate instant whose picture looks like content, else
/// the candidate that comes closest. Returns the picture and its time (s).
pub(super) fn choose_poster(
    src: &mut Guarded,
    plan: &Plan,
    duration_s: f64,
    limits: &Limits,
) -> Result<(image::RgbImage, f64), MediaError> {
    let index = plan.video_index;
    ffi::discard_streams_except(src.input_mut(), &[index]);
    let input = src.input();
    let tb = input.stream(index).ok_or_else(corrupt)?.time_base();
    if tb.numerator() <= 0 || tb.denominator() <= 0 {
        return Err(corrupt());
    }
    // With an index, each candidate is a key frame and one or two packets are decoded:
    // a single thread answers soonest. Without one, decoding runs from the previous key
    // frame to the instant, and frame threads make that faster.
    let indexed = ffi::has_index(input, index);
    let mut decoder = open_decoder(input, index, limits, !indexed)?.video().map_err(|_| corrupt())?;
    let origin = rescale(plan.origin_us, Rational::new(1, TIME_BASE), tb);
    let seconds = |s: f64| rescale((s * f64::from(TIME_BASE)) as i64, Rational::new(1, TIME_BASE), tb);

    let (candidates, snap_s) = candidate_instants(duration_s);
    let tolerance = seconds(snap_s);

    let mut seen: Vec<Option<i64>> = Vec::new();
    let mut best: Option<(f64, image::RgbImage, f64)> = None;
    let mut errors = DecodeErrors::default();
    for at in candidates {
        src.check_deadline()?;
        let target = origin + seconds(at);
        let seek = match nearest_key_frame(src.input(), index, target, tolerance) {
            Some(key) => Seek::KeyFrame(key),
            None => Seek::Before(target),
        };
        let Some(picture) = picture_at(src, &mut decoder, index, seek, &mut errors)? else {
            continue;
        };
        let ts = picture.timestamp();
        if seen.contains(&ts) {
            continue;
        }
        seen.push(ts);
        let at_s = ts.map_or(at, |ts| ((ts - origin) as f64 * rational_f64(tb)).max(0.0));
        let img = poster_rgb(&picture, tb, plan)?;
        let look = Look::of(&img);
        if look.acceptable() {
            return Ok((img, at_s));
        }
        if best.as_ref().is_none_or(|(score, _, _)| look.score() > *score) {
            best = Some((look.score(), img, at_s));
        }
    }
    best.map(|(_, img, at_s)| (img, at_s)).ok_or_else(corrupt)
}

pub(super) fn write_posters(img: &image::RgbImage, jpeg_path: &Path, webp_path: &Path) -> Result<(), MediaError> {
    use std::io::Write;

    let (w, h) = img.dimensions();
    // The two encodings are independent: the WebP one (the slower) runs alongside.
    let (jpeg, webp) = std::thread::scope(|scope| {
        let webp = scope.spawn(|| webp::Encoder::from_rgb(img.as_raw(), w, h).encode(80.0).to_vec());
        let mut jpeg = Vec::new();
        let encoded = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
            .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .map(|()| jpeg)
            .map_err(|e| ours("poster JPEG encoder", e));
        let webp = webp
            .join()
            .map_err(|_| ours("poster WebP encoder", "panicked"));
        (encoded, webp)
    });
    let (jpeg, webp) = (jpeg?, webp?);

    // Not synced to disk, like the renditions: the caller hashes and stores every file
    // (and a crash before that redoes the whole job).
    for (path, bytes) in [(jpeg_path, &jpeg[..]), (webp_path, &webp[..])] {
        let mut file = std::fs::File::create(path).map_err(MediaError::io)?;
        file.write_all(bytes).map_err(MediaError::io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_fractions_of_the_duration_else_instants_near_the_start() {
        let close = |got: &[f64], want: &[f64]| got.len() == want.len() && got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9);
        let (at, snap) = candidate_instants(100.0);
        assert!(close(&at, &[10.0, 25.0, 40.0, 55.0, 70.0]), "{at:?}");
        assert_eq!(snap, 2.0);
        // A short film snaps to key frames at most 5% of its length away.
        let (at, snap) = candidate_instants(20.0);
        assert!(close(&at, &[2.0, 5.0, 8.0, 11.0, 14.0]), "{at:?}");
        assert!((snap - 1.0).abs() < 1e-9, "{snap}");
        assert_eq!(candidate_instants(0.0), (vec![1.0, 3.0, 10.0, 30.0], 0.5));
    }

    fn picture(w: u32, h: u32, luma: impl Fn(u32, u32) -> u8) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| {
            let l = luma(x, y);
            image::Rgb([l, l, l])
        })
    }

    #[test]
    fn black_white_and_flat_pictures_are_not_content() {
        for (name, img) in [("black", picture(64, 36, |_, _| 0)), ("white", picture(64, 36, |_, _| 255)), ("grey", picture(64, 36, |_, _| 128))] {
            let look = Look::of(&img);
            assert!(look.stddev < 0.01, "{name}: {look:?}");
            assert!(!look.acceptable(), "{name}: {look:?}");
        }
        let checks = Look::of(&picture(64, 36, |x, y| if (x + y) % 2 == 0 { 0 } else { 255 }));
        assert!((checks.mean - 127.5).abs() < 0.5 && (checks.stddev - 127.5).abs() < 0.5, "{checks:?}");
        assert!(checks.acceptable());
    }

    #[test]
    fn among_poor_candidates_contrast_wins_and_extremes_lose() {
        let grey = Look { mean: 128.0, stddev: 0.0 };
        let dark_detail = Look { mean: 20.0, stddev: 15.0 };
        let black = Look { mean: 0.0, stddev: 0.0 };
        let white = Look { mean: 255.0, stddev: 0.0 };
        assert_eq!(grey.score(), 1.0);
        assert_eq!(dark_detail.score(), 8.0);
        assert_eq!((black.score(), white.score()), (0.0, 0.0));
        assert!(!dark_detail.acceptable(), "too dark to be the poster at once");
    }

    #[test]
    fn a_large_picture_is_sampled_not_read_whole() {
        // 1920x1080 is sampled every 14 pixels (about 10,000 samples): a picture bright only
        // between the samples looks black.
        let look = Look::of(&picture(1920, 1080, |x, y| if x % 14 == 0 && y % 14 == 0 { 0 } else { 255 }));
        assert_eq!(look.mean, 0.0);
    }
}
