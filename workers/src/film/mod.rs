//! Films: probing, the H.264/AAC web renditions and the poster, through FFmpeg.
//!
//! Every input is a hostile upload. It is opened through one function, [`open_guarded`],
//! which restricts FFmpeg to the `file` protocol and to a short list of container
//! demuxers (so playlists such as HLS or ffconcat, which would make FFmpeg open other
//! files, are refused before anything they reference is touched) and which installs an
//! interrupt callback enforcing the wall-clock budget from [`Limits::timeout`].
//!
//! The web renditions are H.264 High 8-bit 4:2:0 (libx264) + AAC in MP4s with the index
//! at the front, upright (the display matrix is applied to the pixels), with square
//! pixels and without any metadata from the input: `web.mp4` fitted within 1280x720 and
//! `web-360.mp4` within 640x360 (swapped for portrait), never upscaled. Both come out of
//! one decode: the decoded pictures go through one filter graph that splits them
//! after the shared work (scaling, tone mapping, rotation) into one branch per size.
//!
//! HDR films (PQ or HLG) are tone-mapped to BT.709 SDR with `zscale` + `tonemap`; films
//! with BT.2020 primaries or matrix but an SDR transfer are converted to BT.709
//! primaries. Both come out tagged BT.709. A film is HDR only when its transfer says so:
//! what its colour description leaves unspecified is filled in from what it does say
//! (see `Colour::completed`), so a BT.2020 film that names only its matrix is SDR
//! BT.2020. When this FFmpeg lacks `zscale` or `tonemap`, the pictures are only reduced
//! to 8 bits and keep the input's colour tags (players that honour the tags still show
//! them right; others show them flat): see [`tone_mapping_available`].
//!
//! Failures are classified by whose they are: the demuxer or decoder refusing the
//! citizen's bytes is the film's (`corrupt_file`); our filter graph, encoders or muxer
//! failing on pictures that were decoded is ours ([`MediaError::internal`]).
//!
//! The poster is a picture that is neither black nor blank: a few candidate instants
//! are tried (by seeking, never by decoding from the start; snapped to a nearby key
//! frame when the container has an index, so that usually one picture is decoded) and
//! the first whose brightness and contrast look like content is kept.

use std::ffi::CString;
use std::os::raw::{c_int, c_void};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::Once;
use std::time::{Duration, Instant};

use ffmpeg_next as ffmpeg;
use ffmpeg::codec;
use ffmpeg::ffi;
use ffmpeg::filter;
use ffmpeg::format;
use ffmpeg::format::context::{Input, Output};
use ffmpeg::frame;
use ffmpeg::media;
use ffmpeg::{ChannelLayout, Dictionary, Packet, Rational};
use serde::Serialize;

use crate::{Limits, MediaError, Rendition};

/// What the probe found out about a film.
#[derive(Debug, Clone, Serialize)]
pub struct FilmInfo {
    /// Displayed width in pixels: square pixels, after rotation.
    pub width: u32,
    /// Displayed height in pixels: square pixels, after rotation.
    pub height: u32,
    /// Length in seconds (0.0 when the container does not say).
    pub duration_s: f64,
    /// Average frames per second (0.0 when unknown).
    pub frame_rate: f64,
    pub has_audio: bool,
    /// Degrees clockwise the picture is turned to be shown upright: 0, 90, 180 or 270.
    pub rotation: i32,
    /// FFmpeg's short name of the video codec, e.g. `h264`, `vp9`.
    pub video_codec: String,
    /// Bits per luma sample of the decoded picture (8, 10, 12...; 0 when unknown).
    pub bit_depth: u32,
    /// The picture is HDR (PQ or HLG transfer): the web renditions are tone-mapped.
    pub hdr: bool,
}

/// Everything [`process_film`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct FilmOutputs {
    pub info: FilmInfo,
    /// `web.mp4`: H.264 + AAC 128 kb/s, fast start, within 1280x720.
    pub web: Rendition,
    /// `web-360.mp4`: the low-bandwidth rendition, H.264 + AAC 96 kb/s, within 640x360.
    pub web_360: Rendition,
    /// `poster.jpg`, at the web rendition's size.
    pub poster_jpeg: Rendition,
    /// `poster.webp`, at the web rendition's size.
    pub poster_webp: Rendition,
    /// Where in the film (seconds from its start) the poster was taken.
    pub poster_at_s: f64,
}

/// What [`extract_poster`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Posters {
    /// `poster.jpg`, at the web rendition's size.
    pub jpeg: Rendition,
    /// `poster.webp`, at the web rendition's size.
    pub webp: Rendition,
    /// Where in the film (seconds from its start) the picture was taken.
    pub at_s: f64,
}

const WEB_NAME: &str = "web.mp4";
const WEB_360_NAME: &str = "web-360.mp4";
const POSTER_JPEG_NAME: &str = "poster.jpg";
const POSTER_WEBP_NAME: &str = "poster.webp";

/// Demuxers an upload may be read with. Anything else (playlists, concat lists, image
/// sequences, raw streams...) is refused by FFmpeg itself right after probing.
const FORMAT_WHITELIST: &str = "mov,matroska,webm,avi,ogg";
/// Only local files: no network, no `concat:`, `subfile:`, `pipe:` or `data:` tricks.
const PROTOCOL_WHITELIST: &str = "file";

/// Largest web rendition for landscape (and square) films; swapped for portrait.
const WEB_LONG_SIDE: u32 = 1280;
const WEB_SHORT_SIDE: u32 = 720;
/// Largest low-bandwidth rendition.
const WEB_360_LONG_SIDE: u32 = 640;
const WEB_360_SHORT_SIDE: u32 = 360;

const AUDIO_RATE: i32 = 48_000;
/// FFmpeg's AV_TIME_BASE: container-level times are in microseconds.
const TIME_BASE: i32 = 1_000_000;
const AUDIO_BIT_RATE: usize = 128_000;
const AUDIO_360_BIT_RATE: usize = 96_000;

/// Decode errors tolerated (a damaged packet here and there) before the file is refused.
const MAX_DECODE_ERRORS: u32 = 16;
/// Slack allowed when checking decoded timestamps against the duration limit.
const DURATION_SLACK_S: f64 = 1.0;

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

/// Nominal peak luminance (cd/m²) SDR white is mapped to when tone-mapping HDR.
const SDR_PEAK_NITS: u32 = 100;

static INIT: Once = Once::new();

fn init() {
    INIT.call_once(|| {
        // init() only registers devices and sets up nothing fallible that we depend on.
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
    });
}

// ---------------------------------------------------------------------------------------
// Errors

fn unsupported() -> MediaError {
    MediaError::permanent(
        "unsupported_format",
        "this file is not a film we can read: upload an MP4, MOV, WebM, MKV, AVI or Ogg video",
    )
}

fn corrupt() -> MediaError {
    MediaError::permanent(
        "corrupt_file",
        "this film is damaged or incomplete and its picture cannot be read",
    )
}

fn timed_out() -> MediaError {
    MediaError::permanent("processing_timeout", "the film took too long to process")
}

fn too_long(limits: &Limits) -> MediaError {
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
fn ours(what: &str, e: impl std::fmt::Display) -> MediaError {
    MediaError::internal(format!("{what}: {e}"))
}

/// An error from the muxer, which only ever sees packets from our encoders: system
/// errors (disk full, I/O) are transient, anything else is ours.
fn mux_error(e: ffmpeg::Error) -> MediaError {
    match e {
        // EINVAL is how a muxer refuses a packet: not an I/O problem.
        ffmpeg::Error::Other { errno } if errno != ffmpeg::util::error::EINVAL => {
            MediaError::io(std::io::Error::from_raw_os_error(errno))
        }
        e => ours("mp4 muxer", e),
    }
}

fn is_again(e: &ffmpeg::Error) -> bool {
    matches!(e, ffmpeg::Error::Other { errno } if *errno == ffmpeg::util::error::EAGAIN)
}

// ---------------------------------------------------------------------------------------
// Guarded input

/// An opened input whose every blocking read is bounded by a deadline.
///
/// FFmpeg keeps a raw pointer to `deadline` in the interrupt callback, so the `Input`
/// (which closes the format context) is always dropped before the box.
struct Guarded {
    input: Option<Input>,
    deadline: Box<Instant>,
}

impl Guarded {
    fn input(&self) -> &Input {
        self.input.as_ref().expect("input is present until drop")
    }

    fn input_mut(&mut self) -> &mut Input {
        self.input.as_mut().expect("input is present until drop")
    }

    fn expired(&self) -> bool {
        Instant::now() >= *self.deadline
    }

    fn check_deadline(&self) -> Result<(), MediaError> {
        if self.expired() {
            Err(timed_out())
        } else {
            Ok(())
        }
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // Close the format context (and with it the interrupt callback) first.
        drop(self.input.take());
    }
}

/// FFmpeg's interrupt callback: non-zero aborts the blocking operation in progress.
unsafe extern "C" fn deadline_passed(opaque: *mut c_void) -> c_int {
    if opaque.is_null() {
        return 0;
    }
    // SAFETY: opaque points to the Box<Instant> owned by the Guarded that owns the
    // format context; the context is closed before the box is freed.
    let deadline = unsafe { &*(opaque as *const Instant) };
    c_int::from(Instant::now() >= *deadline)
}

fn deadline_from(limits: &Limits) -> Instant {
    let now = Instant::now();
    now.checked_add(limits.timeout)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

fn path_url(path: &Path) -> Result<CString, MediaError> {
    use std::os::unix::ffi::OsStrExt;
    // The explicit `file:` scheme stops FFmpeg from reading a protocol out of the name.
    let mut url = b"file:".to_vec();
    url.extend_from_slice(path.as_os_str().as_bytes());
    CString::new(url).map_err(|_| unsupported())
}

/// The only way an input is opened.
fn open_guarded(path: &Path, deadline: Instant) -> Result<Guarded, MediaError> {
    let url = path_url(path)?;
    let deadline = Box::new(deadline);
    let expired = || Instant::now() >= *deadline;

    unsafe {
        let mut ctx = ffi::avformat_alloc_context();
        if ctx.is_null() {
            return Err(MediaError::transient("out_of_memory", "the server ran out of memory"));
        }
        (*ctx).interrupt_callback = ffi::AVIOInterruptCB {
            callback: Some(deadline_passed),
            opaque: &*deadline as *const Instant as *mut c_void,
        };

        let mut options: *mut ffi::AVDictionary = ptr::null_mut();
        for (key, value) in [
            ("protocol_whitelist", PROTOCOL_WHITELIST),
            ("format_whitelist", FORMAT_WHITELIST),
        ] {
            let key = CString::new(key).expect("static key");
            let value = CString::new(value).expect("static value");
            if ffi::av_dict_set(&mut options, key.as_ptr(), value.as_ptr(), 0) < 0 {
                ffi::av_dict_free(&mut options);
                ffi::avformat_free_context(ctx);
                return Err(MediaError::transient("out_of_memory", "the server ran out of memory"));
            }
        }

        // On failure avformat_open_input frees the context and sets ctx to null.
        let ret = ffi::avformat_open_input(&mut ctx, url.as_ptr(), ptr::null(), &mut options);
        let unused_options = !options.is_null() && ffi::av_dict_count(options) > 0;
        ffi::av_dict_free(&mut options);
        if ret < 0 {
            return Err(if expired() { timed_out() } else { unsupported() });
        }
        if unused_options {
            // An option we rely on for safety was not recognised: never read the file.
            ffi::avformat_close_input(&mut ctx);
            return Err(MediaError::internal("FFmpeg did not take protocol_whitelist/format_whitelist: the film tools are misconfigured"));
        }

        let ret = ffi::avformat_find_stream_info(ctx, ptr::null_mut());
        if ret < 0 {
            ffi::avformat_close_input(&mut ctx);
            return Err(if expired() { timed_out() } else { corrupt() });
        }

        Ok(Guarded { input: Some(Input::wrap(ctx)), deadline })
    }
}

// ---------------------------------------------------------------------------------------
// Probe

/// How the colours of the input are brought to BT.709 SDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    /// SDR (BT.709, BT.601 or untagged): the pixels only lose bits if they have more than 8.
    Keep,
    /// SDR with BT.2020 primaries: converted to BT.709 primaries.
    Gamut,
    /// PQ or HLG: tone-mapped to BT.709 SDR.
    Hdr,
}

/// The colour description of the input, as FFmpeg's `AVCOL_*` numbers.
#[derive(Debug, Clone, Copy)]
struct Colour {
    primaries: ffi::AVColorPrimaries,
    transfer: ffi::AVColorTransferCharacteristic,
    matrix: ffi::AVColorSpace,
    range: ffi::AVColorRange,
}

impl Colour {
    fn of_frame(frame: &frame::Video) -> Self {
        unsafe {
            let f = frame.as_ptr();
            Self {
                primaries: (*f).color_primaries,
                transfer: (*f).color_trc,
                matrix: (*f).colorspace,
                range: (*f).color_range,
            }
        }
    }

    /// Fills what the frame leaves unspecified from the stream's description.
    fn or(self, other: Colour) -> Colour {
        use ffi::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
        Colour {
            primaries: if self.primaries == P::AVCOL_PRI_UNSPECIFIED { other.primaries } else { self.primaries },
            transfer: if self.transfer == T::AVCOL_TRC_UNSPECIFIED { other.transfer } else { self.transfer },
            matrix: if self.matrix == S::AVCOL_SPC_UNSPECIFIED { other.matrix } else { self.matrix },
            range: if self.range == R::AVCOL_RANGE_UNSPECIFIED { other.range } else { self.range },
        }
    }

    /// The description completed for conversion: what the film leaves unspecified (or
    /// states in terms the converter does not know) is derived from what it does say,
    /// the way players and FFmpeg's own conventions read untagged video:
    ///
    /// - a PQ or HLG transfer means BT.2020 (HDR is only ever mastered so);
    /// - a missing matrix follows the primaries (BT.2020 → BT.2020 non-constant,
    ///   BT.709 → BT.709, BT.601 625/525 lines → BT.601); a missing primaries follows
    ///   the matrix the same way back;
    /// - when neither says anything, the size decides, as in mpv and the browsers: HD
    ///   (1280 wide or more, or taller than 576 lines) is BT.709, SD is BT.601
    ///   (SMPTE 170M, whose matrix is also BT.470BG's);
    /// - a missing transfer follows the primaries: BT.2020 → the BT.2020 curve for the
    ///   bit depth (10-bit constants up to 10 bits, 12-bit above; numerically the BT.709
    ///   curve), BT.601 → SMPTE 170M, anything else BT.709;
    /// - a missing range is limited (video), which is what untagged video uses.
    ///
    /// None of this makes a film HDR: only an explicit PQ or HLG transfer does.
    fn completed(self, bit_depth: u32, (width, height): (u32, u32)) -> Colour {
        use ffi::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
        let known = self.convertible();
        let hdr = matches!(known.transfer, T::AVCOL_TRC_SMPTE2084 | T::AVCOL_TRC_ARIB_STD_B67);
        let sd = width < 1280 && height <= 576;
        let matrix = match known.matrix {
            S::AVCOL_SPC_UNSPECIFIED => match known.primaries {
                _ if hdr => S::AVCOL_SPC_BT2020_NCL,
                P::AVCOL_PRI_BT2020 => S::AVCOL_SPC_BT2020_NCL,
                P::AVCOL_PRI_BT709 => S::AVCOL_SPC_BT709,
                P::AVCOL_PRI_BT470BG => S::AVCOL_SPC_BT470BG,
                P::AVCOL_PRI_SMPTE170M | P::AVCOL_PRI_SMPTE240M | P::AVCOL_PRI_BT470M => S::AVCOL_SPC_SMPTE170M,
                _ if sd => S::AVCOL_SPC_SMPTE170M,
                _ => S::AVCOL_SPC_BT709,
            },
            m => m,
        };
        let primaries = match known.primaries {
            P::AVCOL_PRI_UNSPECIFIED => match matrix {
                _ if hdr => P::AVCOL_PRI_BT2020,
                S::AVCOL_SPC_BT2020_NCL | S::AVCOL_SPC_BT2020_CL => P::AVCOL_PRI_BT2020,
                S::AVCOL_SPC_BT470BG => P::AVCOL_PRI_BT470BG,
                S::AVCOL_SPC_SMPTE170M => P::AVCOL_PRI_SMPTE170M,
                _ => P::AVCOL_PRI_BT709,
            },
            p => p,
        };
        let transfer = match known.transfer {
            T::AVCOL_TRC_UNSPECIFIED => match primaries {
                P::AVCOL_PRI_BT2020 if bit_depth > 10 => T::AVCOL_TRC_BT2020_12,
                P::AVCOL_PRI_BT2020 => T::AVCOL_TRC_BT2020_10,
                P::AVCOL_PRI_BT470BG | P::AVCOL_PRI_SMPTE170M | P::AVCOL_PRI_BT470M => T::AVCOL_TRC_SMPTE170M,
                _ => T::AVCOL_TRC_BT709,
            },
            t => t,
        };
        let range = if known.range == R::AVCOL_RANGE_JPEG { R::AVCOL_RANGE_JPEG } else { R::AVCOL_RANGE_MPEG };
        Colour { primaries, transfer, matrix, range }
    }

    /// The description with what `zscale` cannot convert from marked unspecified.
    fn convertible(self) -> Colour {
        use ffi::{AVColorPrimaries as P, AVColorSpace as S, AVColorTransferCharacteristic as T};
        let primaries = match self.primaries {
            p @ (P::AVCOL_PRI_BT709
            | P::AVCOL_PRI_BT470M
            | P::AVCOL_PRI_BT470BG
            | P::AVCOL_PRI_SMPTE170M
            | P::AVCOL_PRI_SMPTE240M
            | P::AVCOL_PRI_FILM
            | P::AVCOL_PRI_BT2020
            | P::AVCOL_PRI_SMPTE428
            | P::AVCOL_PRI_SMPTE431
            | P::AVCOL_PRI_SMPTE432) => p,
            _ => P::AVCOL_PRI_UNSPECIFIED,
        };
        let transfer = match self.transfer {
            t @ (T::AVCOL_TRC_SMPTE2084
            | T::AVCOL_TRC_ARIB_STD_B67
            | T::AVCOL_TRC_BT709
            | T::AVCOL_TRC_SMPTE170M
            | T::AVCOL_TRC_BT2020_10
            | T::AVCOL_TRC_BT2020_12
            | T::AVCOL_TRC_IEC61966_2_1
            | T::AVCOL_TRC_LINEAR) => t,
            _ => T::AVCOL_TRC_UNSPECIFIED,
        };
        let matrix = match self.matrix {
            m @ (S::AVCOL_SPC_BT709
            | S::AVCOL_SPC_BT470BG
            | S::AVCOL_SPC_SMPTE170M
            | S::AVCOL_SPC_BT2020_NCL
            | S::AVCOL_SPC_BT2020_CL) => m,
            _ => S::AVCOL_SPC_UNSPECIFIED,
        };
        Colour { primaries, transfer, matrix, range: self.range }
    }

    fn tone(&self) -> Tone {
        use ffi::{AVColorPrimaries as P, AVColorSpace as S, AVColorTransferCharacteristic as T};
        match self.transfer {
            T::AVCOL_TRC_SMPTE2084 | T::AVCOL_TRC_ARIB_STD_B67 => Tone::Hdr,
            _ if self.primaries == P::AVCOL_PRI_BT2020
                || matches!(self.matrix, S::AVCOL_SPC_BT2020_NCL | S::AVCOL_SPC_BT2020_CL) =>
            {
                Tone::Gamut
            }
            _ => Tone::Keep,
        }
    }
}

/// What the engine decided to do with a film after looking at its headers.
struct Plan {
    info: FilmInfo,
    video_index: usize,
    audio_index: Option<usize>,
    /// Size of the web rendition and the posters.
    out_width: u32,
    out_height: u32,
    /// Size of the low-bandwidth rendition.
    small_width: u32,
    small_height: u32,
    /// Start of the presentation, in AV_TIME_BASE units; subtracted from every timestamp.
    origin_us: i64,
    /// The colours as the stream's headers describe them.
    colour: Colour,
}

fn rational_f64(r: Rational) -> f64 {
    if r.numerator() <= 0 || r.denominator() <= 0 {
        0.0
    } else {
        f64::from(r.numerator()) / f64::from(r.denominator())
    }
}

/// Clockwise degrees (0/90/180/270) from a stream's display matrix, like FFmpeg's CLI.
fn stream_rotation(stream: &format::stream::Stream) -> i32 {
    for side in stream.side_data() {
        if side.kind() != codec::packet::side_data::Type::DisplayMatrix {
            continue;
        }
        let data = side.data();
        if data.len() < 9 * std::mem::size_of::<i32>() {
            continue;
        }
        let mut matrix = [0i32; 9];
        for (i, m) in matrix.iter_mut().enumerate() {
            let b = &data[i * 4..i * 4 + 4];
            *m = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
        }
        // av_display_rotation_get gives the counter-clockwise angle.
        let ccw = unsafe { ffi::av_display_rotation_get(matrix.as_ptr()) };
        if !ccw.is_finite() {
            return 0;
        }
        let cw = (-ccw / 90.0).round() as i64 * 90;
        return cw.rem_euclid(360) as i32;
    }
    0
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

fn plan(src: &Guarded, limits: &Limits) -> Result<Plan, MediaError> {
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
                let (rate, channels) = unsafe {
                    let p = params.as_ptr();
                    ((*p).sample_rate, (*p).ch_layout.nb_channels)
                };
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

    let (coded_w, coded_h, pix_fmt, colour) = unsafe {
        let p = params.as_ptr();
        (
            (*p).width,
            (*p).height,
            (*p).format,
            Colour {
                primaries: (*p).color_primaries,
                transfer: (*p).color_trc,
                matrix: (*p).color_space,
                range: (*p).color_range,
            },
        )
    };
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
    let bit_depth = if pix_fmt >= 0 {
        // SAFETY: a non-negative format from the demuxer is one of FFmpeg's AVPixelFormat values.
        pixel_depth(unsafe { std::mem::transmute::<i32, ffi::AVPixelFormat>(pix_fmt) })
    } else {
        0
    };

    // Square the pixels: stretch the side that the sample aspect ratio says is squeezed.
    let sar = unsafe {
        let ctx = input.as_ptr() as *mut ffi::AVFormatContext;
        let st = *(*ctx).streams.add(video_index);
        rational_f64(ffi::av_guess_sample_aspect_ratio(ctx, st, ptr::null_mut()).into())
    };
    let sar = if (0.1..=10.0).contains(&sar) { sar } else { 1.0 };
    let (mut display_w, mut display_h) = (f64::from(coded_w), f64::from(coded_h));
    if sar > 1.0 {
        display_w *= sar;
    } else {
        display_h /= sar;
    }
    let rotation = stream_rotation(&stream);
    if rotation == 90 || rotation == 270 {
        std::mem::swap(&mut display_w, &mut display_h);
    }
    let (out_width, out_height) = fit_within(display_w, display_h, WEB_LONG_SIDE, WEB_SHORT_SIDE);
    let (small_width, small_height) =
        fit_within(display_w, display_h, WEB_360_LONG_SIDE, WEB_360_SHORT_SIDE);

    let duration_s = if input.duration() > 0 {
        input.duration() as f64 / f64::from(TIME_BASE)
    } else if stream.duration() > 0 {
        stream.duration() as f64 * rational_f64(stream.time_base())
    } else {
        0.0
    };
    if duration_s > limits.max_duration_s {
        return Err(too_long(limits));
    }

    let mut frame_rate = rational_f64(stream.avg_frame_rate());
    if frame_rate <= 0.0 {
        frame_rate = rational_f64(stream.rate());
    }

    let origin_us = unsafe {
        let start = (*input.as_ptr()).start_time;
        if start == ffi::AV_NOPTS_VALUE {
            0
        } else {
            start
        }
    };

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

/// Bits per luma sample of a pixel format (0 when unknown).
fn pixel_depth(format: ffi::AVPixelFormat) -> u32 {
    unsafe {
        let desc = ffi::av_pix_fmt_desc_get(format);
        if desc.is_null() || (*desc).nb_components == 0 {
            0
        } else {
            (*desc).comp[0].depth.max(0) as u32
        }
    }
}

/// The colours of a decoded frame, completed from the stream's description and then
/// from the defaults ([`Colour::completed`]).
fn frame_colour(frame: &frame::Video, stream: Colour) -> Colour {
    let format: ffi::AVPixelFormat = frame.format().into();
    Colour::of_frame(frame).or(stream).completed(pixel_depth(format), (frame.width(), frame.height()))
}

/// Reads a film's headers (and as much of the start as FFmpeg needs to describe its
/// streams) and checks it against the limits. Nothing is decoded to pixels.
pub fn probe_film(input: &Path, limits: &Limits) -> Result<FilmInfo, MediaError> {
    init();
    let src = open_guarded(input, deadline_from(limits))?;
    Ok(plan(&src, limits)?.info)
}

// ---------------------------------------------------------------------------------------
// Decoding helpers

fn open_decoder(
    input: &Input,
    index: usize,
    limits: &Limits,
    threaded: bool,
) -> Result<codec::decoder::Decoder, MediaError> {
    let stream = input.stream(index).ok_or_else(corrupt)?;
    let mut ctx = codec::Context::from_parameters(stream.parameters()).map_err(|_| corrupt())?;
    unsafe {
        let p = ctx.as_mut_ptr();
        (*p).pkt_timebase = stream.time_base().into();
        // FFmpeg's own guard: frames larger than this are refused by the decoder.
        (*p).max_pixels = limits.max_video_pixels.min(i64::MAX as u64) as i64;
    }
    if threaded {
        ctx.set_threading(codec::threading::Config {
            kind: codec::threading::Type::Frame,
            ..Default::default()
        });
    }
    Ok(ctx.decoder())
}

/// Only the streams we use are demuxed: the rest is skipped by the demuxer.
fn discard_other_streams(input: &mut Input, keep: &[usize]) {
    unsafe {
        let ctx = input.as_mut_ptr();
        for i in 0..(*ctx).nb_streams as usize {
            if !keep.contains(&i) {
                (**(*ctx).streams.add(i)).discard = ffi::AVDiscard::AVDISCARD_ALL;
            }
        }
    }
}

enum Read {
    Packet(Packet),
    End,
}

/// Reads the next packet; read errors other than the deadline end the input, like
/// FFmpeg's own tools do (a truncated file keeps what could be read).
fn read_packet(src: &mut Guarded) -> Result<Read, MediaError> {
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

fn rescale(ts: i64, from: Rational, to: Rational) -> i64 {
    unsafe {
        ffi::av_rescale_q_rnd(
            ts,
            from.into(),
            to.into(),
            ffi::AVRounding::AV_ROUND_NEAR_INF,
        )
    }
}

// ---------------------------------------------------------------------------------------
// Output

fn open_output(path: &Path) -> Result<Output, MediaError> {
    let url = path_url(path).map_err(|_| {
        MediaError::io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad output path"))
    })?;
    let muxer = CString::new("mp4").expect("static");
    unsafe {
        let mut ctx: *mut ffi::AVFormatContext = ptr::null_mut();
        let ret = ffi::avformat_alloc_output_context2(&mut ctx, ptr::null(), muxer.as_ptr(), url.as_ptr());
        if ret < 0 || ctx.is_null() {
            return Err(ours("mp4 muxer", "not available in this FFmpeg"));
        }
        let ret = ffi::avio_open(&mut (*ctx).pb, url.as_ptr(), ffi::AVIO_FLAG_WRITE);
        if ret < 0 {
            ffi::avformat_free_context(ctx);
            return Err(mux_error(ffmpeg::Error::from(ret)));
        }
        Ok(Output::wrap(ctx))
    }
}

fn write_packets(
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
struct FrameDurations {
    known: std::collections::BTreeMap<i64, i64>,
    previous_pts: Option<i64>,
    /// Used when nothing better is known: one nominal frame, or the last gap seen.
    nominal: i64,
}

impl FrameDurations {
    /// A picture with this timestamp is about to be encoded.
    fn frame(&mut self, pts: i64) {
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
    fn end(&mut self, duration: Option<i64>) {
        if let Some(last) = self.previous_pts.take() {
            let d = duration.filter(|d| *d > 0).unwrap_or(self.nominal.max(1));
            self.known.insert(last, d);
        }
    }

    fn take(&mut self, pts: Option<i64>) -> i64 {
        pts.and_then(|p| self.known.remove(&p)).unwrap_or(self.nominal.max(1))
    }
}


// ---------------------------------------------------------------------------------------
// Colour

/// Whether this FFmpeg can tone-map HDR films to SDR (it has `zscale` and `tonemap`).
/// Without them, HDR and BT.2020 films are only reduced to 8 bits and keep their tags.
pub fn tone_mapping_available() -> bool {
    init();
    filter::find("zscale").is_some() && filter::find("tonemap").is_some()
}

/// `zscale` input options describing `colour`, which is complete ([`Colour::completed`]).
fn zscale_input(colour: Colour) -> String {
    use ffi::AVColorRange as R;
    // zscale takes FFmpeg's AVCOL_* numbers.
    let range = if colour.range == R::AVCOL_RANGE_JPEG { "full" } else { "limited" };
    format!(
        "tin={}:pin={}:min={}:rin={range}",
        colour.transfer as i32, colour.primaries as i32, colour.matrix as i32
    )
}

/// Filters (each preceded by a comma) that bring `colour` (complete: see
/// [`Colour::completed`]) to BT.709 SDR, ending with 8-bit limited-range YUV; empty when
/// the colours are kept as they are.
///
/// Every `zscale` states both what it receives and what it makes: left out, an output
/// property is copied from the frame, and a frame that leaves its primaries unspecified
/// would ask zimg to go from stated primaries to unspecified ones, which it cannot
/// ("no path between colorspaces").
fn colour_filters(colour: Colour) -> String {
    let tone = colour.tone();
    if tone == Tone::Keep || !tone_mapping_available() {
        return String::new();
    }
    // Work in linear light, in floating point, on BT.709 primaries; then compress the
    // highlights (HDR only: mobius keeps everything below SDR white nearly untouched)
    // and encode with the BT.709 transfer and matrix.
    let tonemap = if tone == Tone::Hdr { ",tonemap=tonemap=mobius:desat=0" } else { "" };
    let primaries = colour.primaries as i32;
    format!(
        ",zscale={}:t=linear:p={primaries}:npl={SDR_PEAK_NITS},format=gbrpf32le,\
         zscale=tin=linear:pin={primaries}:t=linear:p=709:npl={SDR_PEAK_NITS}{tonemap},\
         zscale=tin=linear:pin=709:t=709:p=709:m=709:r=limited,format=yuv420p",
        zscale_input(colour)
    )
}

/// The colour tags the web renditions carry.
fn output_colour(colour: Colour) -> Colour {
    use ffi::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
    if colour.tone() != Tone::Keep && tone_mapping_available() {
        Colour {
            primaries: P::AVCOL_PRI_BT709,
            transfer: T::AVCOL_TRC_BT709,
            matrix: S::AVCOL_SPC_BT709,
            range: R::AVCOL_RANGE_MPEG,
        }
    } else {
        // The pixels keep their primaries, transfer and matrix, and so do the tags (an
        // untagged film stays untagged: players fill in the same defaults as
        // `Colour::completed`); the range is made limited.
        Colour { range: R::AVCOL_RANGE_MPEG, ..colour }
    }
}

// ---------------------------------------------------------------------------------------
// Video filters

fn rotation_filters(rotation: i32) -> &'static str {
    match rotation {
        90 => ",transpose=clock",
        180 => ",hflip,vflip",
        270 => ",transpose=cclock",
        _ => "",
    }
}

/// What a video graph produces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pictures {
    /// 8-bit 4:2:0 for the encoders: one branch per size (`out0`, `out1`...).
    Yuv,
    /// One upright RGB picture, for the poster.
    Rgb,
}

/// The filter graph description from `[in]` to `[out0]` (and `[out1]`...).
///
/// The work shared by all sizes (scaling to the largest, colour conversion, rotation)
/// is done once; the smaller sizes are scaled from the largest after a `split`.
fn video_spec(colour: Colour, rotation: i32, sizes: &[(u32, u32)], pictures: Pictures) -> String {
    let (w, h) = sizes[0];
    // Scale before turning: the rotation then moves the small picture, not the big one.
    let (pre_w, pre_h) = if rotation == 90 || rotation == 270 { (h, w) } else { (w, h) };
    let colours = colour_filters(colour);
    let mut spec = match (pictures, colours.is_empty()) {
        (Pictures::Yuv, true) => {
            format!("[in]scale={pre_w}:{pre_h}:flags=bicubic:out_range=tv,format=yuv420p")
        }
        (Pictures::Yuv, false) => format!("[in]scale={pre_w}:{pre_h}:flags=bicubic{colours}"),
        (Pictures::Rgb, true) => format!(
            "[in]scale={pre_w}:{pre_h}:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24"
        ),
        (Pictures::Rgb, false) => format!(
            "[in]scale={pre_w}:{pre_h}:flags=bicubic{colours},\
             scale=flags=accurate_rnd+full_chroma_int:in_color_matrix=bt709:in_range=tv,format=rgb24"
        ),
    };
    spec.push_str(rotation_filters(rotation));
    spec.push_str(",setsar=1");
    if sizes.len() == 1 {
        spec.push_str("[out0]");
    } else {
        spec.push_str(&format!(",split={}[out0]", sizes.len()));
        for i in 1..sizes.len() {
            spec.push_str(&format!("[s{i}]"));
        }
        for (i, (w, h)) in sizes.iter().enumerate().skip(1) {
            spec.push_str(&format!(";[s{i}]scale={w}:{h}:flags=bicubic,format=yuv420p,setsar=1[out{i}]"));
        }
    }
    spec
}

const SINKS: [&str; 2] = ["out0", "out1"];

/// Builds the graph `spec` (see [`video_spec`]) for frames like `frame`. A failure is
/// ours: the frame was decoded, the graph is what we wrote.
fn video_graph(frame: &frame::Video, in_tb: Rational, spec: &str, outputs: usize) -> Result<filter::Graph, MediaError> {
    build_video_graph(frame, in_tb, spec, outputs).map_err(|e| ours(&format!("building the video filter graph `{spec}`"), e))
}

fn build_video_graph(frame: &frame::Video, in_tb: Rational, spec: &str, outputs: usize) -> Result<filter::Graph, ffmpeg::Error> {
    let sar = frame.aspect_ratio();
    let (sar_n, sar_d) = if sar.numerator() > 0 && sar.denominator() > 0 {
        (sar.numerator(), sar.denominator())
    } else {
        (1, 1)
    };
    let pix: ffi::AVPixelFormat = frame.format().into();
    let args = format!(
        "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
        frame.width(),
        frame.height(),
        pix as i32,
        in_tb.numerator(),
        in_tb.denominator(),
        sar_n,
        sar_d
    );
    let mut graph = filter::Graph::new();
    graph.add(&filter::find("buffer").ok_or(ffmpeg::Error::FilterNotFound)?, "in", &args)?;
    let sink = filter::find("buffersink").ok_or(ffmpeg::Error::FilterNotFound)?;
    for name in SINKS.iter().take(outputs) {
        graph.add(&sink, name, "")?;
    }
    let mut parser = graph.output("in", 0)?;
    for name in SINKS.iter().take(outputs) {
        parser = parser.input(name, 0)?;
    }
    parser.parse(spec)?;
    graph.validate()?;
    Ok(graph)
}

// ---------------------------------------------------------------------------------------
// Encoders and outputs

fn find_encoder(name: &str) -> Result<ffmpeg::Codec, MediaError> {
    codec::encoder::find_by_name(name).ok_or_else(|| ours(name, "encoder not installed on the server"))
}

fn encoder_failed(name: &str, e: ffmpeg::Error) -> MediaError {
    ours(&format!("opening the {name} encoder"), e)
}

/// One MP4 being written: its muxer, its H.264 encoder and (when there is sound) its AAC
/// encoder.
struct Muxed {
    octx: Output,
    video: VideoEnc,
    audio: Option<AudioEnc>,
}

struct VideoEnc {
    encoder: codec::encoder::video::Encoder,
    enc_tb: Rational,
    ost: usize,
    last_pts: Option<i64>,
    durations: FrameDurations,
    frames: u64,
}

impl VideoEnc {
    fn open(
        octx: &mut Output,
        x264: ffmpeg::Codec,
        (width, height): (u32, u32),
        in_tb: Rational,
        frame_rate: Rational,
        colour: Colour,
    ) -> Result<Self, MediaError> {
        let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);
        let mut venc = codec::Context::new_with_codec(x264)
            .encoder()
            .video()
            .map_err(|e| encoder_failed("libx264", e))?;
        venc.set_width(width);
        venc.set_height(height);
        venc.set_format(format::Pixel::YUV420P);
        venc.set_time_base(in_tb);
        venc.set_aspect_ratio(Rational::new(1, 1));
        let fps = rational_f64(frame_rate);
        if (1.0..=240.0).contains(&fps) {
            venc.set_frame_rate(Some(frame_rate));
        }
        if global_header {
            venc.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        unsafe {
            let p = venc.as_mut_ptr();
            (*p).color_primaries = colour.primaries;
            (*p).color_trc = colour.transfer;
            (*p).colorspace = colour.matrix;
            (*p).color_range = colour.range;
        }
        let mut vopts = Dictionary::new();
        vopts.set("preset", "veryfast");
        vopts.set("crf", "23");
        vopts.set("profile", "high");
        let encoder = venc.open_with(vopts).map_err(|e| encoder_failed("libx264", e))?;
        let enc_tb = encoder.time_base();
        let ost = {
            let mut ost = octx.add_stream(x264).map_err(|e| encoder_failed("libx264", e))?;
            ost.set_parameters(&encoder);
            ost.set_time_base(enc_tb);
            ost.index()
        };
        unsafe {
            // Parameters come from our encoder; leave the tag to the muxer.
            (*(*octx.stream(ost).ok_or_else(|| ours("mp4 muxer", "output stream missing"))?.as_ptr()).codecpar).codec_tag = 0;
        }
        let nominal = if fps > 0.0 {
            rescale(1, Rational::new(frame_rate.denominator(), frame_rate.numerator()), enc_tb)
        } else {
            0
        };
        Ok(Self {
            encoder,
            enc_tb,
            ost,
            last_pts: None,
            durations: FrameDurations { nominal, ..FrameDurations::default() },
            frames: 0,
        })
    }

    /// Encodes one filtered picture; returns its time in seconds.
    fn encode(&mut self, octx: &mut Output, frame: &mut frame::Video, sink_tb: Rational) -> Result<f64, MediaError> {
        let mut pts = frame
            .pts()
            .map(|p| rescale(p, sink_tb, self.enc_tb))
            .unwrap_or_else(|| self.last_pts.map_or(0, |l| l + 1));
        // The encoder and the muxer need strictly increasing timestamps.
        if let Some(last) = self.last_pts {
            if pts <= last {
                pts = last + 1;
            }
        }
        self.last_pts = Some(pts);
        self.durations.frame(pts);
        frame.set_pts(Some(pts));
        // Let the encoder choose frame types: the decoder's choices mean nothing here.
        frame.set_kind(ffmpeg::picture::Type::None);
        self.encoder.send_frame(frame).map_err(|e| ours("libx264 encoder", e))?;
        self.frames += 1;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, Some(&mut self.durations))?;
        Ok(pts as f64 * rational_f64(self.enc_tb))
    }

    /// `last_duration`: how long the input said its last picture lasts (encoder time base).
    fn finish(&mut self, octx: &mut Output, last_duration: Option<i64>) -> Result<(), MediaError> {
        if self.frames == 0 {
            return Err(corrupt());
        }
        self.durations.end(last_duration);
        self.encoder.send_eof().map_err(|e| ours("libx264 encoder", e))?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, Some(&mut self.durations))
    }

    /// When the last picture ends, in seconds.
    fn end_s(&self) -> f64 {
        let last = self.last_pts.unwrap_or(0);
        let d = self.durations.known.get(&last).copied().unwrap_or(self.durations.nominal.max(0));
        (last + d) as f64 * rational_f64(self.enc_tb)
    }
}

struct AudioEnc {
    encoder: codec::encoder::audio::Encoder,
    enc_tb: Rational,
    frame_size: u32,
    ost: usize,
    next_pts: Option<i64>,
}

impl AudioEnc {
    fn open(octx: &mut Output, aac: ffmpeg::Codec, bit_rate: usize) -> Result<Self, MediaError> {
        let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);
        let mut aenc = codec::Context::new_with_codec(aac)
            .encoder()
            .audio()
            .map_err(|e| encoder_failed("aac", e))?;
        aenc.set_rate(AUDIO_RATE);
        aenc.set_format(format::Sample::F32(format::sample::Type::Planar));
        aenc.set_channel_layout(ChannelLayout::STEREO);
        aenc.set_channels(2);
        aenc.set_bit_rate(bit_rate);
        aenc.set_time_base(Rational::new(1, AUDIO_RATE));
        if global_header {
            aenc.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let encoder = aenc.open().map_err(|e| encoder_failed("aac", e))?;
        let enc_tb = encoder.time_base();
        let frame_size = encoder.frame_size();
        let ost = {
            let mut ost = octx.add_stream(aac).map_err(|e| encoder_failed("aac", e))?;
            ost.set_parameters(&encoder);
            ost.set_time_base(enc_tb);
            ost.index()
        };
        unsafe {
            (*(*octx.stream(ost).ok_or_else(|| ours("mp4 muxer", "output stream missing"))?.as_ptr()).codecpar).codec_tag = 0;
        }
        Ok(Self { encoder, enc_tb, frame_size, ost, next_pts: None })
    }

    fn encode(&mut self, octx: &mut Output, frame: &mut frame::Audio, sink_tb: Rational) -> Result<(), MediaError> {
        let mut pts = frame
            .pts()
            .map(|p| rescale(p, sink_tb, self.enc_tb))
            .unwrap_or_else(|| self.next_pts.unwrap_or(0));
        // Never overlap the previous frame.
        if let Some(next) = self.next_pts {
            if pts < next {
                pts = next;
            }
        }
        let samples = i64::try_from(frame.samples()).unwrap_or(0);
        self.next_pts = Some(pts + samples);
        frame.set_pts(Some(pts));
        self.encoder.send_frame(frame).map_err(|e| ours("aac encoder", e))?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, None)
    }

    fn finish(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        self.encoder.send_eof().map_err(|e| ours("aac encoder", e))?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, None)
    }
}

// ---------------------------------------------------------------------------------------
// Video path

/// The decoder, and the filter graph feeding every output's encoder.
struct VideoPath {
    decoder: codec::decoder::Video,
    in_tb: Rational,
    origin: i64,
    rotation: i32,
    /// The colours as the stream's headers describe them (frames may say more).
    colour: Colour,
    /// Size of each output, in the order of the outputs.
    sizes: Vec<(u32, u32)>,
    /// The filter graph and the (width, height, pixel format) it was built for.
    graph: Option<(filter::Graph, (u32, u32, i32))>,
    /// The description of that graph, for the log when it fails.
    spec: String,
    next_in_pts: Option<i64>,
    /// Duration of the last decoded picture according to the input, in `in_tb`.
    last_in_duration: Option<i64>,
    errors: u32,
}

impl VideoPath {
    fn frame_key(frame: &frame::Video) -> (u32, u32, i32) {
        let pix: ffi::AVPixelFormat = frame.format().into();
        (frame.width(), frame.height(), pix as i32)
    }

    /// Feeds one decoded frame (or the end, with None) through the filters to the encoders.
    fn filter_and_encode(
        &mut self,
        frame: Option<&mut frame::Video>,
        outs: &mut [Muxed],
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        let Some(frame) = frame else { return self.drain_graph(outs, progress) };
        if u64::from(frame.width()) * u64::from(frame.height()) > limits.max_video_pixels {
            return Err(MediaError::permanent(
                "video_too_large",
                "this film's picture is too large: please upload it at a lower resolution",
            ));
        }
        if frame.width() == 0 || frame.height() == 0 || frame.format() == format::Pixel::None {
            return Err(corrupt());
        }
        // Keep the input's timestamps (variable frame rate), relative to the origin.
        let pts = match frame.timestamp() {
            Some(ts) => ts - self.origin,
            None => self.next_in_pts.unwrap_or(0),
        };
        self.next_in_pts = Some(pts + 1);
        frame.set_pts(Some(pts));
        let in_duration = unsafe { (*frame.as_ptr()).pkt_duration };
        self.last_in_duration = (in_duration > 0).then_some(in_duration);
        let seconds = pts as f64 * rational_f64(self.in_tb);
        if seconds > limits.max_duration_s + DURATION_SLACK_S {
            return Err(too_long(limits));
        }

        let key = Self::frame_key(frame);
        if self.graph.as_ref().map(|(_, k)| *k) != Some(key) {
            // First frame, or the picture changed size or format mid-stream: drain the
            // old graph and build one for the new frames.
            self.drain_graph(outs, progress)?;
            let colour = frame_colour(frame, self.colour);
            self.spec = video_spec(colour, self.rotation, &self.sizes, Pictures::Yuv);
            let graph = video_graph(frame, self.in_tb, &self.spec, self.sizes.len())?;
            self.graph = Some((graph, key));
        }
        let (graph, _) = self.graph.as_mut().expect("built above");
        let spec = &self.spec;
        graph
            .get("in")
            .expect("buffer source")
            .source()
            .add(frame)
            .map_err(|e| ours(&format!("video filters `{spec}`"), e))?;
        self.pull(outs, progress)
    }

    /// Sends the end of stream to the current graph (if any) and encodes what it held.
    fn drain_graph(&mut self, outs: &mut [Muxed], progress: &mut dyn FnMut(f64)) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            let spec = &self.spec;
            graph
                .get("in")
                .expect("buffer source")
                .source()
                .flush()
                .map_err(|e| ours(&format!("video filters `{spec}`"), e))?;
            self.pull(outs, progress)?;
            self.graph = None;
        }
        Ok(())
    }

    fn pull(&mut self, outs: &mut [Muxed], progress: &mut dyn FnMut(f64)) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else { return Ok(()) };
        for (out, name) in outs.iter_mut().zip(SINKS) {
            let mut sink = graph.get(name).expect("buffer sink");
            let sink_tb = sink.sink().time_base();
            loop {
                let mut filtered = frame::Video::empty();
                match sink.sink().frame(&mut filtered) {
                    Ok(()) => {}
                    Err(ffmpeg::Error::Eof) => break,
                    Err(e) if is_again(&e) => break,
                    Err(e) => return Err(ours(&format!("video filters `{}`", self.spec), e)),
                }
                let seconds = out.video.encode(&mut out.octx, &mut filtered, sink_tb)?;
                if name == SINKS[0] {
                    progress(seconds);
                }
            }
        }
        Ok(())
    }

    fn receive_decoded(
        &mut self,
        outs: &mut [Muxed],
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        loop {
            let mut decoded = frame::Video::empty();
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => self.filter_and_encode(Some(&mut decoded), outs, limits, progress)?,
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                Err(_) => {
                    self.errors += 1;
                    if self.errors > MAX_DECODE_ERRORS {
                        return Err(corrupt());
                    }
                    return Ok(());
                }
            }
        }
    }

    fn send(
        &mut self,
        packet: &Packet,
        outs: &mut [Muxed],
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors += 1;
            if self.errors > MAX_DECODE_ERRORS {
                return Err(corrupt());
            }
        }
        self.receive_decoded(outs, limits, progress)
    }

    fn finish(&mut self, outs: &mut [Muxed], limits: &Limits, progress: &mut dyn FnMut(f64)) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof();
        self.receive_decoded(outs, limits, progress)?;
        self.filter_and_encode(None, outs, limits, progress)?;
        for out in outs.iter_mut() {
            let last = self.last_in_duration.map(|d| rescale(d, self.in_tb, out.video.enc_tb));
            out.video.finish(&mut out.octx, last)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Audio path

/// (sample rate, sample format, channel mask, channel count) a graph was built for.
type AudioKey = (u32, i32, u64, i32);

/// The sound decoder and the filter graph feeding every output's AAC encoder.
struct AudioPath {
    decoder: codec::decoder::Audio,
    in_tb: Rational,
    origin: i64,
    graph: Option<(filter::Graph, AudioKey)>,
    frame_size: u32,
    next_in_pts: Option<i64>,
    errors: u32,
}

fn audio_key(frame: &frame::Audio) -> AudioKey {
    let fmt: ffi::AVSampleFormat = frame.format().into();
    let (mask, channels) = unsafe {
        let layout = &(*frame.as_ptr()).ch_layout;
        let mask = if layout.order == ffi::AVChannelOrder::AV_CHANNEL_ORDER_NATIVE {
            layout.u.mask
        } else {
            0
        };
        (mask, layout.nb_channels)
    };
    (frame.rate(), fmt as i32, mask, channels)
}

/// Builds the graph bringing sound like `key` to 48 kHz stereo. Sound the decoder gave
/// without a rate, channels or sample format is the film's fault; any other failure ours.
fn audio_graph(key: AudioKey, in_tb: Rational, frame_size: u32) -> Result<filter::Graph, MediaError> {
    let (rate, fmt, mask, channels) = key;
    if rate == 0 || channels <= 0 {
        return Err(corrupt());
    }
    let mask = if mask != 0 && mask.count_ones() as i32 == channels {
        mask
    } else {
        ChannelLayout::default(channels).bits()
    };
    let fmt_name = unsafe {
        let name = ffi::av_get_sample_fmt_name(std::mem::transmute::<i32, ffi::AVSampleFormat>(fmt));
        if name.is_null() {
            return Err(corrupt());
        }
        std::ffi::CStr::from_ptr(name).to_string_lossy().into_owned()
    };
    let args = format!(
        "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
        in_tb.numerator(),
        in_tb.denominator(),
        rate,
        fmt_name,
        mask
    );
    let spec = format!(
        "aresample={AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"
    );
    let build = || -> Result<filter::Graph, ffmpeg::Error> {
        let mut graph = filter::Graph::new();
        graph.add(&filter::find("abuffer").ok_or(ffmpeg::Error::FilterNotFound)?, "in", &args)?;
        graph.add(&filter::find("abuffersink").ok_or(ffmpeg::Error::FilterNotFound)?, "out", "")?;
        graph.output("in", 0)?.input("out", 0)?.parse(&spec)?;
        graph.validate()?;
        Ok(graph)
    };
    let mut graph = build().map_err(|e| ours(&format!("building the audio filter graph `{args}` -> `{spec}`"), e))?;
    if frame_size > 0 {
        graph.get("out").expect("sink").sink().set_frame_size(frame_size);
    }
    Ok(graph)
}

impl AudioPath {
    fn filter_and_encode(
        &mut self,
        frame: Option<&mut frame::Audio>,
        outs: &mut [Muxed],
        limits: &Limits,
    ) -> Result<(), MediaError> {
        let Some(frame) = frame else { return self.flush_graph(outs) };
        if frame.samples() == 0 {
            return Ok(());
        }
        let pts = match frame.timestamp() {
            Some(ts) => ts - self.origin,
            None => self.next_in_pts.unwrap_or(0),
        };
        if frame.rate() > 0 {
            let samples = i64::try_from(frame.samples()).unwrap_or(i64::MAX / 2);
            self.next_in_pts = Some(pts + rescale(samples, Rational::new(1, frame.rate() as i32), self.in_tb));
        }
        frame.set_pts(Some(pts));
        if pts as f64 * rational_f64(self.in_tb) > limits.max_duration_s + DURATION_SLACK_S {
            return Err(too_long(limits));
        }
        let key = audio_key(frame);
        if self.graph.as_ref().map(|(_, k)| *k) != Some(key) {
            self.flush_graph(outs)?;
            let graph = audio_graph(key, self.in_tb, self.frame_size)?;
            self.graph = Some((graph, key));
        }
        let (graph, _) = self.graph.as_mut().expect("built above");
        graph
            .get("in")
            .expect("abuffer")
            .source()
            .add(frame)
            .map_err(|e| ours("audio filters", e))?;
        self.pull(outs)
    }

    fn flush_graph(&mut self, outs: &mut [Muxed]) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph
                .get("in")
                .expect("abuffer")
                .source()
                .flush()
                .map_err(|e| ours("audio filters", e))?;
            self.pull(outs)?;
            self.graph = None;
        }
        Ok(())
    }

    /// Every output encodes the same filtered sound (at its own bit rate).
    fn pull(&mut self, outs: &mut [Muxed]) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else { return Ok(()) };
        let mut sink = graph.get("out").expect("abuffersink");
        let sink_tb = sink.sink().time_base();
        loop {
            let mut filtered = frame::Audio::empty();
            match sink.sink().frame(&mut filtered) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                Err(e) => return Err(ours("audio filters", e)),
            }
            let pts = filtered.pts();
            for out in outs.iter_mut() {
                if let Some(audio) = out.audio.as_mut() {
                    filtered.set_pts(pts);
                    audio.encode(&mut out.octx, &mut filtered, sink_tb)?;
                }
            }
        }
    }

    fn receive_decoded(&mut self, outs: &mut [Muxed], limits: &Limits) -> Result<(), MediaError> {
        loop {
            let mut decoded = frame::Audio::empty();
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => self.filter_and_encode(Some(&mut decoded), outs, limits)?,
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                Err(_) => {
                    self.errors += 1;
                    if self.errors > MAX_DECODE_ERRORS {
                        return Err(corrupt());
                    }
                    return Ok(());
                }
            }
        }
    }

    fn send(&mut self, packet: &Packet, outs: &mut [Muxed], limits: &Limits) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors += 1;
            if self.errors > MAX_DECODE_ERRORS {
                return Err(corrupt());
            }
        }
        self.receive_decoded(outs, limits)
    }

    fn finish(&mut self, outs: &mut [Muxed], limits: &Limits) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof();
        self.receive_decoded(outs, limits)?;
        self.filter_and_encode(None, outs, limits)?;
        for out in outs.iter_mut() {
            if let Some(audio) = out.audio.as_mut() {
                audio.finish(&mut out.octx)?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Web renditions

/// One MP4 to write.
struct Target<'a> {
    path: &'a Path,
    size: (u32, u32),
    audio_bit_rate: usize,
}

/// Transcodes the film to every target in one decode; returns the measured end of the
/// last picture (s).
fn transcode(
    src: &mut Guarded,
    plan: &Plan,
    targets: &[Target<'_>],
    limits: &Limits,
    progress: &mut dyn FnMut(f64),
) -> Result<f64, MediaError> {
    assert!(!targets.is_empty() && targets.len() <= SINKS.len(), "one or two renditions");
    let keep: Vec<usize> = std::iter::once(plan.video_index).chain(plan.audio_index).collect();
    discard_other_streams(src.input_mut(), &keep);

    let x264 = find_encoder("libx264")?;
    let aac = if plan.audio_index.is_some() { Some(find_encoder("aac")?) } else { None };

    let input = src.input();
    let vstream = input.stream(plan.video_index).ok_or_else(corrupt)?;
    let in_tb = vstream.time_base();
    if in_tb.numerator() <= 0 || in_tb.denominator() <= 0 {
        return Err(corrupt());
    }
    let frame_rate = vstream.avg_frame_rate();
    let out_colour = output_colour(plan.colour);

    let mut outs = Vec::with_capacity(targets.len());
    for target in targets {
        let mut octx = open_output(target.path)?;
        let video = VideoEnc::open(&mut octx, x264, target.size, in_tb, frame_rate, out_colour)?;
        let audio = match aac {
            Some(aac) => Some(AudioEnc::open(&mut octx, aac, target.audio_bit_rate)?),
            None => None,
        };
        outs.push(Muxed { octx, video, audio });
    }

    let mut video = VideoPath {
        decoder: open_decoder(input, plan.video_index, limits, true)?
            .video()
            .map_err(|_| corrupt())?,
        in_tb,
        origin: rescale(plan.origin_us, Rational::new(1, TIME_BASE), in_tb),
        rotation: plan.info.rotation,
        colour: plan.colour,
        sizes: targets.iter().map(|t| t.size).collect(),
        graph: None,
        spec: String::new(),
        next_in_pts: None,
        last_in_duration: None,
        errors: 0,
    };

    // Sound, when there is a readable track.
    let mut audio = match plan.audio_index {
        Some(index) if aac.is_some() => {
            let astream = input.stream(index).ok_or_else(corrupt)?;
            let a_in_tb = astream.time_base();
            if a_in_tb.numerator() <= 0 || a_in_tb.denominator() <= 0 {
                return Err(corrupt());
            }
            Some(AudioPath {
                decoder: open_decoder(input, index, limits, false)?
                    .audio()
                    .map_err(|_| corrupt())?,
                in_tb: a_in_tb,
                origin: rescale(plan.origin_us, Rational::new(1, TIME_BASE), a_in_tb),
                graph: None,
                frame_size: outs[0].audio.as_ref().map_or(0, |a| a.frame_size),
                next_in_pts: None,
                errors: 0,
            })
        }
        _ => None,
    };

    // Nothing of the input's metadata is copied: the output contexts and their streams
    // start with empty dictionaries and stay that way.
    for out in outs.iter_mut() {
        let mut mux_opts = Dictionary::new();
        mux_opts.set("movflags", "+faststart");
        out.octx.write_header_with(mux_opts).map_err(mux_error)?;
    }

    loop {
        let packet = match read_packet(src)? {
            Read::Packet(p) => p,
            Read::End => break,
        };
        let index = packet.stream();
        if index == plan.video_index {
            video.send(&packet, &mut outs, limits, progress)?;
        } else if let Some(audio) = audio.as_mut().filter(|_| Some(index) == plan.audio_index) {
            audio.send(&packet, &mut outs, limits)?;
        }
    }
    src.check_deadline()?;
    video.finish(&mut outs, limits, progress)?;
    if let Some(audio) = audio.as_mut() {
        audio.finish(&mut outs, limits)?;
    }
    src.check_deadline()?;
    for out in outs.iter_mut() {
        out.octx.write_trailer().map_err(mux_error)?;
    }

    Ok(outs[0].video.end_s())
}

// ---------------------------------------------------------------------------------------
// Poster

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

/// The key frame (stream time base) nearest to `ts` within `tolerance`, from the
/// container's index; None when there is no index or no key frame close enough.
fn nearest_key_frame(input: &Input, index: usize, ts: i64, tolerance: i64) -> Option<i64> {
    unsafe {
        let st = *(*input.as_ptr()).streams.add(index);
        if ffi::avformat_index_get_entries_count(st) <= 0 {
            return None;
        }
        [ffi::AVSEEK_FLAG_BACKWARD, 0]
            .into_iter()
            .map(|flags| ffi::avformat_index_get_entry_from_timestamp(st, ts, flags))
            .filter(|entry| !entry.is_null())
            .map(|entry| (*entry).timestamp)
            .filter(|&k| k.abs_diff(ts) <= tolerance.unsigned_abs())
            .min_by_key(|&k| k.abs_diff(ts))
    }
}

/// Where to seek for a poster candidate (stream time base).
#[derive(Debug, Clone, Copy)]
enum Seek {
    /// To this key frame from the container's index.
    KeyFrame(i64),
    /// To the key frame at or before this instant, then decode up to the instant.
    Before(i64),
}

/// Seeks and decodes up to the first picture at or after the wanted instant. At the end
/// of the film, the last picture. When the container cannot seek, decoding goes on from
/// where it was.
fn picture_at(
    src: &mut Guarded,
    decoder: &mut codec::decoder::Video,
    index: usize,
    seek: Seek,
    errors: &mut u32,
) -> Result<Option<frame::Video>, MediaError> {
    let ctx = unsafe { src.input_mut().as_mut_ptr() };
    let want_ts = match seek {
        Seek::KeyFrame(ts) => {
            // Forward, to the first key frame at or after the index's time: demuxers
            // such as MP4's index decoding times, which come slightly before the
            // presentation times, and a backward seek could land one key frame early.
            unsafe {
                let _ = ffi::avformat_seek_file(ctx, index as c_int, ts, ts, i64::MAX, 0);
            }
            ts
        }
        Seek::Before(ts) => {
            unsafe {
                let _ = ffi::avformat_seek_file(ctx, index as c_int, i64::MIN, ts, ts, 0);
            }
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
                    *errors += 1;
                    if *errors > MAX_DECODE_ERRORS {
                        return Err(corrupt());
                    }
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
                    *errors += 1;
                    if *errors > MAX_DECODE_ERRORS {
                        return Err(corrupt());
                    }
                }
            }
            Read::End => {
                let _ = decoder.send_eof();
                ended = true;
            }
        }
    }
}

/// Sends one decoded frame through the single-output graph `spec` and returns the picture
/// that comes out. Every failure is ours: the frame was decoded.
fn filter_one(frame: &frame::Video, tb: Rational, spec: &str) -> Result<frame::Video, MediaError> {
    let failed = |e: ffmpeg::Error| ours(&format!("video filters `{spec}`"), e);
    let mut graph = video_graph(frame, tb, spec, 1)?;
    let mut input = frame.clone();
    input.set_pts(Some(0));
    let mut source = graph.get("in").expect("buffer source");
    source.source().add(&input).map_err(failed)?;
    source.source().flush().map_err(failed)?;
    let mut out = frame::Video::empty();
    graph.get(SINKS[0]).expect("buffer sink").sink().frame(&mut out).map_err(failed)?;
    Ok(out)
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
fn choose_poster(
    src: &mut Guarded,
    plan: &Plan,
    duration_s: f64,
    limits: &Limits,
) -> Result<(image::RgbImage, f64), MediaError> {
    let index = plan.video_index;
    discard_other_streams(src.input_mut(), &[index]);
    let input = src.input();
    let tb = input.stream(index).ok_or_else(corrupt)?.time_base();
    if tb.numerator() <= 0 || tb.denominator() <= 0 {
        return Err(corrupt());
    }
    // With an index, each candidate is a key frame and one or two packets are decoded:
    // a single thread answers soonest. Without one, decoding runs from the previous key
    // frame to the instant, and frame threads make that faster.
    let indexed = unsafe { ffi::avformat_index_get_entries_count(*(*input.as_ptr()).streams.add(index)) > 0 };
    let mut decoder = open_decoder(input, index, limits, !indexed)?.video().map_err(|_| corrupt())?;
    let origin = rescale(plan.origin_us, Rational::new(1, TIME_BASE), tb);
    let seconds = |s: f64| rescale((s * f64::from(TIME_BASE)) as i64, Rational::new(1, TIME_BASE), tb);

    let (candidates, snap_s): (Vec<f64>, f64) = if duration_s > 0.0 {
        (POSTER_CANDIDATES.iter().map(|f| f * duration_s).collect(), POSTER_SNAP_S.min(duration_s * 0.05))
    } else {
        // Length unknown: a few instants near the start; past the end, the last picture.
        (vec![1.0, 3.0, 10.0, 30.0], 0.5)
    };
    let tolerance = seconds(snap_s);

    let mut seen: Vec<Option<i64>> = Vec::new();
    let mut best: Option<(f64, image::RgbImage, f64)> = None;
    let mut errors = 0u32;
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

fn write_posters(img: &image::RgbImage, jpeg_path: &Path, webp_path: &Path) -> Result<(), MediaError> {
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

// ---------------------------------------------------------------------------------------
// Entry points

fn rendition(name: &str, path: &Path, mime: &'static str, size: (u32, u32), duration_s: Option<f64>) -> Rendition {
    Rendition {
        name: name.to_string(),
        path: PathBuf::from(path),
        mime,
        width: size.0,
        height: size.1,
        duration_s,
    }
}

fn remove_all(paths: &[&Path]) {
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// Writes `web.mp4`, `web-360.mp4`, `poster.jpg` and `poster.webp` into `out_dir`.
///
/// `progress` is called with a fraction from 0.0 to 1.0 that never decreases. On
/// failure, whatever was written is removed.
pub fn process_film(
    input: &Path,
    out_dir: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(f32),
) -> Result<FilmOutputs, MediaError> {
    init();
    let deadline = deadline_from(limits);
    let web_path = out_dir.join(WEB_NAME);
    let web_360_path = out_dir.join(WEB_360_NAME);
    let jpeg_path = out_dir.join(POSTER_JPEG_NAME);
    let webp_path = out_dir.join(POSTER_WEBP_NAME);

    let result = run(input, limits, deadline, [&web_path, &web_360_path, &jpeg_path, &webp_path], progress);
    if result.is_err() {
        remove_all(&[&web_path, &web_360_path, &jpeg_path, &webp_path]);
    }
    result
}

fn run(
    input: &Path,
    limits: &Limits,
    deadline: Instant,
    [web_path, web_360_path, jpeg_path, webp_path]: [&Path; 4],
    progress: &mut dyn FnMut(f32),
) -> Result<FilmOutputs, MediaError> {
    progress(0.0);
    let mut src = open_guarded(input, deadline)?;
    let plan = plan(&src, limits)?;

    // The transcode is 95% of the work; the poster the rest.
    let mut reported = 0.0f32;
    let duration = plan.info.duration_s;
    let mut on_video = |seconds: f64| {
        if duration > 0.0 {
            let p = ((seconds / duration).clamp(0.0, 1.0) * 0.95) as f32;
            if p >= reported + 0.01 {
                reported = p;
                progress(p);
            }
        }
    };
    let big = (plan.out_width, plan.out_height);
    let small = (plan.small_width, plan.small_height);
    let targets = [
        Target { path: web_path, size: big, audio_bit_rate: AUDIO_BIT_RATE },
        Target { path: web_360_path, size: small, audio_bit_rate: AUDIO_360_BIT_RATE },
    ];
    let measured = transcode(&mut src, &plan, &targets, limits, &mut on_video)?;
    drop(src);
    progress(0.95);

    let mut info = plan.info.clone();
    if info.duration_s <= 0.0 {
        info.duration_s = measured;
    }

    let mut src = open_guarded(input, deadline)?;
    let (img, poster_at_s) = choose_poster(&mut src, &plan, info.duration_s, limits)?;
    drop(src);
    if Instant::now() >= deadline {
        return Err(timed_out());
    }
    write_posters(&img, jpeg_path, webp_path)?;
    progress(1.0);

    Ok(FilmOutputs {
        web: rendition(WEB_NAME, web_path, "video/mp4", big, Some(info.duration_s)),
        web_360: rendition(WEB_360_NAME, web_360_path, "video/mp4", small, Some(info.duration_s)),
        poster_jpeg: rendition(POSTER_JPEG_NAME, jpeg_path, "image/jpeg", big, None),
        poster_webp: rendition(POSTER_WEBP_NAME, webp_path, "image/webp", big, None),
        poster_at_s,
        info,
    })
}

/// Writes only `web.mp4` (the 1280x720 rendition) into `out_dir`: no small rendition,
/// no poster.
///
/// For benchmarks and tools (it is what `ffmpeg -vf scale=-2:720 -c:v libx264 ...`
/// does, so the two can be compared); the service uses [`process_film`].
pub fn transcode_web_only(input: &Path, out_dir: &Path, limits: &Limits) -> Result<Rendition, MediaError> {
    init();
    let web_path = out_dir.join(WEB_NAME);
    let result = (|| {
        let mut src = open_guarded(input, deadline_from(limits))?;
        let plan = plan(&src, limits)?;
        let size = (plan.out_width, plan.out_height);
        let target = Target { path: &web_path, size, audio_bit_rate: AUDIO_BIT_RATE };
        let measured = transcode(&mut src, &plan, &[target], limits, &mut |_| {})?;
        let duration = if plan.info.duration_s > 0.0 { plan.info.duration_s } else { measured };
        Ok(rendition(WEB_NAME, &web_path, "video/mp4", size, Some(duration)))
    })();
    if result.is_err() {
        remove_all(&[&web_path]);
    }
    result
}

/// Writes `poster.jpg` and `poster.webp` (the same posters as [`process_film`]) into
/// `out_dir`, seeking to the candidate instants instead of decoding the film.
pub fn extract_poster(input: &Path, out_dir: &Path, limits: &Limits) -> Result<Posters, MediaError> {
    init();
    let deadline = deadline_from(limits);
    let jpeg_path = out_dir.join(POSTER_JPEG_NAME);
    let webp_path = out_dir.join(POSTER_WEBP_NAME);
    let result = (|| {
        let mut src = open_guarded(input, deadline)?;
        let plan = plan(&src, limits)?;
        let (img, at_s) = choose_poster(&mut src, &plan, plan.info.duration_s, limits)?;
        drop(src);
        if Instant::now() >= deadline {
            return Err(timed_out());
        }
        write_posters(&img, &jpeg_path, &webp_path)?;
        let size = (plan.out_width, plan.out_height);
        Ok(Posters {
            jpeg: rendition(POSTER_JPEG_NAME, &jpeg_path, "image/jpeg", size, None),
            webp: rendition(POSTER_WEBP_NAME, &webp_path, "image/webp", size, None),
            at_s,
        })
    })();
    if result.is_err() {
        remove_all(&[&jpeg_path, &webp_path]);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use ffi::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};

    fn colour(primaries: P, transfer: T, matrix: S) -> Colour {
        Colour { primaries, transfer, matrix, range: R::AVCOL_RANGE_UNSPECIFIED }
    }

    fn untagged() -> Colour {
        colour(P::AVCOL_PRI_UNSPECIFIED, T::AVCOL_TRC_UNSPECIFIED, S::AVCOL_SPC_UNSPECIFIED)
    }

    /// (primaries, transfer, matrix) of a completed description.
    fn described(c: Colour) -> (P, T, S) {
        (c.primaries, c.transfer, c.matrix)
    }

    const SD: (u32, u32) = (426, 240);
    const HD: (u32, u32) = (1920, 1080);

    #[test]
    fn missing_primaries_and_transfer_follow_a_bt2020_matrix_and_the_bit_depth() {
        let issue_9 = Colour { matrix: S::AVCOL_SPC_BT2020_NCL, ..untagged() };
        for (depth, transfer) in [(8, T::AVCOL_TRC_BT2020_10), (10, T::AVCOL_TRC_BT2020_10), (12, T::AVCOL_TRC_BT2020_12)] {
            for size in [SD, HD] {
                let c = issue_9.completed(depth, size);
                assert_eq!(described(c), (P::AVCOL_PRI_BT2020, transfer, S::AVCOL_SPC_BT2020_NCL), "{depth} bits, {size:?}");
                assert_eq!(c.range, R::AVCOL_RANGE_MPEG);
                assert_eq!(c.tone(), Tone::Gamut, "SDR BT.2020 is converted, not tone-mapped");
            }
        }
        let constant = Colour { matrix: S::AVCOL_SPC_BT2020_CL, ..untagged() }.completed(10, HD);
        assert_eq!(described(constant), (P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT2020_10, S::AVCOL_SPC_BT2020_CL));
        // And the other way round: BT.2020 primaries alone bring their matrix.
        let primaries = Colour { primaries: P::AVCOL_PRI_BT2020, ..untagged() }.completed(10, SD);
        assert_eq!(described(primaries), (P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT2020_10, S::AVCOL_SPC_BT2020_NCL));
    }

    #[test]
    fn missing_primaries_and_transfer_follow_bt709_and_bt601_matrices() {
        for (matrix, primaries, transfer) in [
            (S::AVCOL_SPC_BT709, P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709),
            (S::AVCOL_SPC_SMPTE170M, P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M),
            (S::AVCOL_SPC_BT470BG, P::AVCOL_PRI_BT470BG, T::AVCOL_TRC_SMPTE170M),
        ] {
            // The matrix decides, whatever the size.
            for size in [SD, HD] {
                let c = Colour { matrix, ..untagged() }.completed(8, size);
                assert_eq!(described(c), (primaries, transfer, matrix), "{matrix:?} at {size:?}");
                assert_eq!(c.tone(), Tone::Keep);
            }
        }
    }

    #[test]
    fn untagged_films_are_bt709_when_hd_and_bt601_when_sd() {
        let bt709 = (P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709, S::AVCOL_SPC_BT709);
        let bt601 = (P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M, S::AVCOL_SPC_SMPTE170M);
        for (size, want) in [((1920, 1080), bt709), ((1280, 720), bt709), ((1080, 1920), bt709), ((720, 576), bt601), ((640, 480), bt601), (SD, bt601)] {
            let c = untagged().completed(8, size);
            assert_eq!(described(c), want, "{size:?}");
            assert_eq!(c.tone(), Tone::Keep, "{size:?}");
        }
        // A 10-bit untagged film is still SDR BT.709: bits say nothing of the gamut.
        assert_eq!(described(untagged().completed(10, HD)), bt709);
    }

    #[test]
    fn only_a_pq_or_hlg_transfer_makes_a_film_hdr() {
        for transfer in [T::AVCOL_TRC_SMPTE2084, T::AVCOL_TRC_ARIB_STD_B67] {
            let alone = Colour { transfer, ..untagged() };
            assert_eq!(alone.tone(), Tone::Hdr);
            let c = alone.completed(10, HD);
            assert_eq!(described(c), (P::AVCOL_PRI_BT2020, transfer, S::AVCOL_SPC_BT2020_NCL));
            assert_eq!(c.tone(), Tone::Hdr);
        }
        for c in [
            untagged(),
            Colour { matrix: S::AVCOL_SPC_BT2020_NCL, ..untagged() },
            colour(P::AVCOL_PRI_BT2020, T::AVCOL_TRC_UNSPECIFIED, S::AVCOL_SPC_BT2020_NCL),
            colour(P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT2020_10, S::AVCOL_SPC_BT2020_NCL),
            colour(P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709, S::AVCOL_SPC_BT709),
        ] {
            for depth in [8, 10, 12] {
                assert_ne!(c.tone(), Tone::Hdr, "{c:?}");
                assert_ne!(c.completed(depth, HD).tone(), Tone::Hdr, "{c:?} at {depth} bits");
                // Completing never changes what is done with the film, only how.
                assert_eq!(c.completed(depth, SD).tone(), c.tone(), "{c:?}");
            }
        }
    }

    #[test]
    fn stated_colours_are_kept_and_unconvertible_ones_replaced() {
        let odd = Colour { range: R::AVCOL_RANGE_JPEG, ..colour(P::AVCOL_PRI_BT709, T::AVCOL_TRC_SMPTE170M, S::AVCOL_SPC_BT2020_NCL) };
        let c = odd.completed(10, SD);
        assert_eq!(described(c), described(odd));
        assert_eq!(c.range, R::AVCOL_RANGE_JPEG);
        // A transfer zscale cannot read (gamma 2.2) is derived like a missing one.
        let gamma = colour(P::AVCOL_PRI_BT709, T::AVCOL_TRC_GAMMA22, S::AVCOL_SPC_BT709).completed(8, HD);
        assert_eq!(gamma.transfer, T::AVCOL_TRC_BT709);
    }

    /// A 10-bit mid-grey picture described like issue 9's film: matrix only.
    fn issue_9_frame() -> frame::Video {
        let mut frame = frame::Video::new(format::Pixel::YUV420P10LE, 64, 48);
        for plane in 0..3 {
            for pair in frame.data_mut(plane).chunks_exact_mut(2) {
                pair.copy_from_slice(&512u16.to_le_bytes());
            }
        }
        unsafe {
            let f = frame.as_mut_ptr();
            (*f).colorspace = S::AVCOL_SPC_BT2020_NCL;
            (*f).color_primaries = P::AVCOL_PRI_UNSPECIFIED;
            (*f).color_trc = T::AVCOL_TRC_UNSPECIFIED;
            (*f).color_range = R::AVCOL_RANGE_MPEG;
        }
        frame
    }

    #[test]
    fn sdr_bt2020_frame_without_primaries_or_transfer_is_converted_to_8_bit_bt709() {
        init();
        assert!(tone_mapping_available(), "this FFmpeg has no zscale/tonemap");
        let frame = issue_9_frame();
        let colour = frame_colour(&frame, untagged());
        let spec = video_spec(colour, 0, &[(64, 48)], Pictures::Yuv);
        assert!(spec.contains("zscale"), "not converted: {spec}");
        let out = filter_one(&frame, Rational::new(1, 25), &spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((out.width(), out.height(), out.format()), (64, 48, format::Pixel::YUV420P));
        // Grey stays grey at the same level: 10-bit 512 is 8-bit 128.
        let y = out.data(0)[out.stride(0) * 24 + 32];
        let (u, v) = (out.data(1)[out.stride(1) * 12 + 16], out.data(2)[out.stride(2) * 12 + 16]);
        assert!((126..=130).contains(&y) && (126..=130).contains(&u) && (126..=130).contains(&v), "{y} {u} {v}");
    }

    #[test]
    fn a_filter_graph_we_cannot_build_is_our_fault_not_the_films() {
        init();
        let frame = issue_9_frame();
        let e = video_graph(&frame, Rational::new(1, 25), "[in]no_such_filter=1[out0]", 1).map(|_| ()).unwrap_err();
        assert_eq!((e.class, e.code), (crate::FailureClass::Internal, crate::PROCESSING_ERROR), "{e}");
        assert!(!e.is_permanent());
        assert!(!e.message.contains("damaged"), "{e}");
        assert!(e.detail.as_deref().is_some_and(|d| d.contains("no_such_filter")), "{e:?}");
    }

    #[test]
    fn a_filter_failing_on_a_decoded_frame_is_our_fault_not_the_films() {
        init();
        assert!(tone_mapping_available(), "this FFmpeg has no zscale/tonemap");
        // Issue 9's failure: the chain as it was, whose first zscale left its output
        // primaries to the frame, which had none ("no path between colorspaces").
        let old = "[in]scale=64:48:flags=bicubic,zscale=tin=14:pin=9:min=9:rin=limited:t=linear:npl=100,format=gbrpf32le,\
                   zscale=p=709,zscale=t=709:m=709:r=limited,format=yuv420p,setsar=1[out0]";
        let e = filter_one(&issue_9_frame(), Rational::new(1, 25), old).map(|_| ()).unwrap_err();
        assert_eq!((e.class, e.code), (crate::FailureClass::Internal, crate::PROCESSING_ERROR), "{e}");
        assert_ne!(e.code, "corrupt_file");
        assert!(!e.message.contains("damaged"), "{e}");
        assert!(e.detail.as_deref().is_some_and(|d| d.contains("zscale")), "{e:?}");
    }
}
