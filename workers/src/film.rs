//! Films: probing, the H.264/AAC web rendition and the poster, through FFmpeg.
//!
//! Every input is a hostile upload. It is opened through one function, [`open_guarded`],
//! which restricts FFmpeg to the `file` protocol and to a short list of container
//! demuxers (so playlists such as HLS or ffconcat, which would make FFmpeg open other
//! files, are refused before anything they reference is touched) and which installs an
//! interrupt callback enforcing the wall-clock budget from [`Limits::timeout`].
//!
//! The web rendition is H.264 (libx264) + AAC in an MP4 with the index at the front,
//! upright (the display matrix is applied to the pixels), with square pixels, fitted
//! within 1280x720 (720x1280 for portrait) and without any metadata from the input.

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
use ffmpeg::software::scaling;
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
}

/// Everything [`process_film`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct FilmOutputs {
    pub info: FilmInfo,
    /// `web.mp4`: H.264 + AAC, fast start.
    pub web: Rendition,
    /// `poster.jpg`, at the web rendition's size.
    pub poster_jpeg: Rendition,
    /// `poster.webp`, at the web rendition's size.
    pub poster_webp: Rendition,
}

const WEB_NAME: &str = "web.mp4";
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

const AUDIO_RATE: i32 = 48_000;
/// FFmpeg's AV_TIME_BASE: container-level times are in microseconds.
const TIME_BASE: i32 = 1_000_000;
const AUDIO_BIT_RATE: usize = 128_000;

/// Decode errors tolerated (a damaged packet here and there) before the file is refused.
const MAX_DECODE_ERRORS: u32 = 16;
/// Slack allowed when checking decoded timestamps against the duration limit.
const DURATION_SLACK_S: f64 = 1.0;

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

/// An error from the muxer: disk problems are ours (transient), anything else means the
/// streams we produced from this input could not be written.
fn mux_error(e: ffmpeg::Error) -> MediaError {
    match e {
        ffmpeg::Error::Other { errno } => MediaError::io(std::io::Error::from_raw_os_error(errno)),
        _ => corrupt(),
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
            return Err(MediaError::transient(
                "ffmpeg_misconfigured",
                "the film tools on the server are misconfigured",
            ));
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

/// What the engine decided to do with a film after looking at its headers.
struct Plan {
    info: FilmInfo,
    video_index: usize,
    audio_index: Option<usize>,
    /// Size of the web rendition and the posters.
    out_width: u32,
    out_height: u32,
    /// Start of the presentation, in AV_TIME_BASE units; subtracted from every timestamp.
    origin_us: i64,
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

/// Fit (w, h) within the web box without upscaling; both sides even and at least 2.
fn fit_web(display_w: f64, display_h: f64) -> (u32, u32) {
    let (box_w, box_h) = if display_h > display_w {
        (WEB_SHORT_SIDE, WEB_LONG_SIDE)
    } else {
        (WEB_LONG_SIDE, WEB_SHORT_SIDE)
    };
    let scale = (f64::from(box_w) / display_w)
        .min(f64::from(box_h) / display_h)
        .min(1.0);
    let even = |x: f64, max: u32| ((((x / 2.0).round()) as u32) * 2).clamp(2, max);
    (even(display_w * scale, box_w), even(display_h * scale, box_h))
}

fn plan(src: &Guarded, limits: &Limits) -> Result<Plan, MediaError> {
    let input = src.input();

    let mut video = None;
    let mut audio = None;
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
                if audio.is_none()
                    && rate > 0
                    && channels > 0
                    && codec::decoder::find(params.id()).is_some()
                {
                    audio = Some(stream.index());
                }
            }
            _ => {}
        }
    }

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

    let (coded_w, coded_h) = unsafe {
        let p = params.as_ptr();
        ((*p).width, (*p).height)
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
    let (out_width, out_height) = fit_web(display_w, display_h);

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
    };

    Ok(Plan { info, video_index, audio_index: audio, out_width, out_height, origin_us })
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
            return Err(MediaError::transient("encoder_missing", "the MP4 writer is not available"));
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
    let ost_tb = octx.stream(stream_index).ok_or_else(corrupt)?.time_base();
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
            Err(_) => return Err(corrupt()),
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
// Video path

struct VideoPath {
    decoder: codec::decoder::Video,
    in_tb: Rational,
    origin: i64,
    rotation: i32,
    out_w: u32,
    out_h: u32,
    /// The filter graph and the (width, height, pixel format) it was built for.
    graph: Option<(filter::Graph, (u32, u32, i32))>,
    encoder: codec::encoder::video::Encoder,
    enc_tb: Rational,
    ost: usize,
    last_pts: Option<i64>,
    next_in_pts: Option<i64>,
    durations: FrameDurations,
    /// Duration of the last decoded picture according to the input, in `in_tb`.
    last_in_duration: Option<i64>,
    frames: u64,
    last_s: f64,
    errors: u32,
}

fn rotation_filters(rotation: i32) -> &'static str {
    match rotation {
        90 => ",transpose=clock",
        180 => ",hflip,vflip",
        270 => ",transpose=cclock",
        _ => "",
    }
}

fn video_graph(
    frame: &frame::Video,
    in_tb: Rational,
    rotation: i32,
    out_w: u32,
    out_h: u32,
) -> Result<filter::Graph, ffmpeg::Error> {
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
    // Scale before turning: the rotation then moves the small picture, not the big one.
    let (pre_w, pre_h) = if rotation == 90 || rotation == 270 { (out_h, out_w) } else { (out_w, out_h) };
    let spec = format!(
        "scale={pre_w}:{pre_h}:flags=bicubic,format=yuv420p{},setsar=1",
        rotation_filters(rotation)
    );

    let mut graph = filter::Graph::new();
    graph.add(&filter::find("buffer").ok_or(ffmpeg::Error::FilterNotFound)?, "in", &args)?;
    graph.add(&filter::find("buffersink").ok_or(ffmpeg::Error::FilterNotFound)?, "out", "")?;
    graph.output("in", 0)?.input("out", 0)?.parse(&spec)?;
    graph.validate()?;
    Ok(graph)
}

impl VideoPath {
    fn frame_key(frame: &frame::Video) -> (u32, u32, i32) {
        let pix: ffi::AVPixelFormat = frame.format().into();
        (frame.width(), frame.height(), pix as i32)
    }

    /// Feeds one decoded frame (or the end, with None) through the filters to the encoder.
    fn filter_and_encode(
        &mut self,
        frame: Option<&mut frame::Video>,
        octx: &mut Output,
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        if let Some(frame) = frame {
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
                self.drain_graph(octx, progress)?;
                let graph = video_graph(frame, self.in_tb, self.rotation, self.out_w, self.out_h)
                    .map_err(|_| corrupt())?;
                self.graph = Some((graph, key));
            }
            let (graph, _) = self.graph.as_mut().expect("built above");
            graph
                .get("in")
                .expect("buffer source")
                .source()
                .add(frame)
                .map_err(|_| corrupt())?;
            self.pull(octx, progress)
        } else {
            self.drain_graph(octx, progress)
        }
    }

    /// Sends the end of stream to the current graph (if any) and encodes what it held.
    fn drain_graph(&mut self, octx: &mut Output, progress: &mut dyn FnMut(f64)) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph
                .get("in")
                .expect("buffer source")
                .source()
                .flush()
                .map_err(|_| corrupt())?;
            self.pull(octx, progress)?;
            self.graph = None;
        }
        Ok(())
    }

    fn pull(&mut self, octx: &mut Output, progress: &mut dyn FnMut(f64)) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else { return Ok(()) };
        let mut sink = graph.get("out").expect("buffer sink");
        let sink_tb = sink.sink().time_base();
        loop {
            let mut filtered = frame::Video::empty();
            match sink.sink().frame(&mut filtered) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                Err(_) => return Err(corrupt()),
            }
            let mut pts = filtered
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
            filtered.set_pts(Some(pts));
            // Let the encoder choose frame types: the decoder's choices mean nothing here.
            filtered.set_kind(ffmpeg::picture::Type::None);
            self.encoder.send_frame(&filtered).map_err(|_| corrupt())?;
            self.frames += 1;
            self.last_s = pts as f64 * rational_f64(self.enc_tb);
            progress(self.last_s);
            write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, Some(&mut self.durations))?;
        }
    }

    fn receive_decoded(
        &mut self,
        octx: &mut Output,
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        loop {
            let mut decoded = frame::Video::empty();
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => self.filter_and_encode(Some(&mut decoded), octx, limits, progress)?,
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
        octx: &mut Output,
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors += 1;
            if self.errors > MAX_DECODE_ERRORS {
                return Err(corrupt());
            }
        }
        self.receive_decoded(octx, limits, progress)
    }

    fn finish(
        &mut self,
        octx: &mut Output,
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof();
        self.receive_decoded(octx, limits, progress)?;
        self.filter_and_encode(None, octx, limits, progress)?;
        if self.frames == 0 {
            return Err(corrupt());
        }
        let last = self.last_in_duration.map(|d| rescale(d, self.in_tb, self.enc_tb));
        self.durations.end(last);
        self.encoder.send_eof().map_err(|_| corrupt())?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, Some(&mut self.durations))
    }

    /// When the last picture ends, in seconds.
    fn end_s(&self) -> f64 {
        let last = self.last_pts.unwrap_or(0);
        let d = self.durations.known.get(&last).copied().unwrap_or(self.durations.nominal.max(0));
        (last + d) as f64 * rational_f64(self.enc_tb)
    }
}

// ---------------------------------------------------------------------------------------
// Audio path

/// (sample rate, sample format, channel mask, channel count) a graph was built for.
type AudioKey = (u32, i32, u64, i32);

struct AudioPath {
    decoder: codec::decoder::Audio,
    in_tb: Rational,
    origin: i64,
    graph: Option<(filter::Graph, AudioKey)>,
    encoder: codec::encoder::audio::Encoder,
    enc_tb: Rational,
    frame_size: u32,
    ost: usize,
    next_pts: Option<i64>,
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

fn audio_graph(key: AudioKey, in_tb: Rational, frame_size: u32) -> Result<filter::Graph, ffmpeg::Error> {
    let (rate, fmt, mask, channels) = key;
    if rate == 0 || channels <= 0 {
        return Err(ffmpeg::Error::InvalidData);
    }
    let mask = if mask != 0 && mask.count_ones() as i32 == channels {
        mask
    } else {
        ChannelLayout::default(channels).bits()
    };
    let fmt_name = unsafe {
        let name = ffi::av_get_sample_fmt_name(std::mem::transmute::<i32, ffi::AVSampleFormat>(fmt));
        if name.is_null() {
            return Err(ffmpeg::Error::InvalidData);
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
    let mut graph = filter::Graph::new();
    graph.add(&filter::find("abuffer").ok_or(ffmpeg::Error::FilterNotFound)?, "in", &args)?;
    graph.add(&filter::find("abuffersink").ok_or(ffmpeg::Error::FilterNotFound)?, "out", "")?;
    graph.output("in", 0)?.input("out", 0)?.parse(&spec)?;
    graph.validate()?;
    if frame_size > 0 {
        graph.get("out").expect("sink").sink().set_frame_size(frame_size);
    }
    Ok(graph)
}

impl AudioPath {
    fn filter_and_encode(
        &mut self,
        frame: Option<&mut frame::Audio>,
        octx: &mut Output,
        limits: &Limits,
    ) -> Result<(), MediaError> {
        if let Some(frame) = frame {
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
                self.flush_graph(octx)?;
                let graph = audio_graph(key, self.in_tb, self.frame_size).map_err(|_| corrupt())?;
                self.graph = Some((graph, key));
            }
            let (graph, _) = self.graph.as_mut().expect("built above");
            graph
                .get("in")
                .expect("abuffer")
                .source()
                .add(frame)
                .map_err(|_| corrupt())?;
            self.pull(octx)
        } else {
            self.flush_graph(octx)
        }
    }

    fn flush_graph(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph
                .get("in")
                .expect("abuffer")
                .source()
                .flush()
                .map_err(|_| corrupt())?;
            self.pull(octx)?;
            self.graph = None;
        }
        Ok(())
    }

    fn pull(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else { return Ok(()) };
        let mut sink = graph.get("out").expect("abuffersink");
        let sink_tb = sink.sink().time_base();
        loop {
            let mut filtered = frame::Audio::empty();
            match sink.sink().frame(&mut filtered) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                Err(_) => return Err(corrupt()),
            }
            let mut pts = filtered
                .pts()
                .map(|p| rescale(p, sink_tb, self.enc_tb))
                .unwrap_or_else(|| self.next_pts.unwrap_or(0));
            // Never overlap the previous frame.
            if let Some(next) = self.next_pts {
                if pts < next {
                    pts = next;
                }
            }
            let samples = i64::try_from(filtered.samples()).unwrap_or(0);
            self.next_pts = Some(pts + samples);
            filtered.set_pts(Some(pts));
            self.encoder.send_frame(&filtered).map_err(|_| corrupt())?;
            write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, None)?;
        }
    }

    fn receive_decoded(&mut self, octx: &mut Output, limits: &Limits) -> Result<(), MediaError> {
        loop {
            let mut decoded = frame::Audio::empty();
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => self.filter_and_encode(Some(&mut decoded), octx, limits)?,
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

    fn send(&mut self, packet: &Packet, octx: &mut Output, limits: &Limits) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors += 1;
            if self.errors > MAX_DECODE_ERRORS {
                return Err(corrupt());
            }
        }
        self.receive_decoded(octx, limits)
    }

    fn finish(&mut self, octx: &mut Output, limits: &Limits) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof();
        self.receive_decoded(octx, limits)?;
        self.filter_and_encode(None, octx, limits)?;
        self.encoder.send_eof().map_err(|_| corrupt())?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, None)
    }
}

// ---------------------------------------------------------------------------------------
// Web rendition

fn find_encoder(name: &str) -> Result<ffmpeg::Codec, MediaError> {
    codec::encoder::find_by_name(name).ok_or_else(|| {
        MediaError::transient(
            "encoder_missing",
            format!("the {name} encoder is not installed on the server"),
        )
    })
}

fn encoder_failed(name: &str) -> MediaError {
    MediaError::transient("encoder_failed", format!("the {name} encoder could not be started"))
}

/// Transcodes the film to `web.mp4`; returns the measured end of the last picture (s).
fn write_web(
    src: &mut Guarded,
    plan: &Plan,
    path: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(f64),
) -> Result<f64, MediaError> {
    let keep: Vec<usize> = std::iter::once(plan.video_index).chain(plan.audio_index).collect();
    discard_other_streams(src.input_mut(), &keep);

    let x264 = find_encoder("libx264")?;
    let aac = if plan.audio_index.is_some() { Some(find_encoder("aac")?) } else { None };

    let mut octx = open_output(path)?;
    let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);

    // Video: decoder, encoder, output stream.
    let input = src.input();
    let vstream = input.stream(plan.video_index).ok_or_else(corrupt)?;
    let in_tb = vstream.time_base();
    if in_tb.numerator() <= 0 || in_tb.denominator() <= 0 {
        return Err(corrupt());
    }
    let frame_rate = vstream.avg_frame_rate();
    let video_decoder = open_decoder(input, plan.video_index, limits, true)?
        .video()
        .map_err(|_| corrupt())?;

    let mut venc = codec::Context::new_with_codec(x264)
        .encoder()
        .video()
        .map_err(|_| encoder_failed("libx264"))?;
    venc.set_width(plan.out_width);
    venc.set_height(plan.out_height);
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
    let mut vopts = Dictionary::new();
    vopts.set("preset", "veryfast");
    vopts.set("crf", "23");
    vopts.set("profile", "high");
    let venc = venc.open_with(vopts).map_err(|_| encoder_failed("libx264"))?;
    let enc_tb = venc.time_base();
    let v_ost = {
        let mut ost = octx.add_stream(x264).map_err(|_| encoder_failed("libx264"))?;
        ost.set_parameters(&venc);
        ost.set_time_base(enc_tb);
        ost.index()
    };
    unsafe {
        // Parameters come from our encoder; leave the tag to the muxer.
        (*(*octx.stream(v_ost).ok_or_else(corrupt)?.as_ptr()).codecpar).codec_tag = 0;
    }

    let mut video = VideoPath {
        decoder: video_decoder,
        in_tb,
        origin: rescale(plan.origin_us, Rational::new(1, TIME_BASE), in_tb),
        rotation: plan.info.rotation,
        out_w: plan.out_width,
        out_h: plan.out_height,
        graph: None,
        encoder: venc,
        enc_tb,
        ost: v_ost,
        last_pts: None,
        next_in_pts: None,
        durations: FrameDurations {
            nominal: if fps > 0.0 { rescale(1, Rational::new(frame_rate.denominator(), frame_rate.numerator()), enc_tb) } else { 0 },
            ..FrameDurations::default()
        },
        last_in_duration: None,
        frames: 0,
        last_s: 0.0,
        errors: 0,
    };

    // Audio, when there is a readable track.
    let mut audio = match (plan.audio_index, aac) {
        (Some(index), Some(aac)) => {
            let astream = input.stream(index).ok_or_else(corrupt)?;
            let a_in_tb = astream.time_base();
            if a_in_tb.numerator() <= 0 || a_in_tb.denominator() <= 0 {
                return Err(corrupt());
            }
            let decoder = open_decoder(input, index, limits, false)?
                .audio()
                .map_err(|_| corrupt())?;
            let mut aenc = codec::Context::new_with_codec(aac)
                .encoder()
                .audio()
                .map_err(|_| encoder_failed("aac"))?;
            aenc.set_rate(AUDIO_RATE);
            aenc.set_format(format::Sample::F32(format::sample::Type::Planar));
            aenc.set_channel_layout(ChannelLayout::STEREO);
            aenc.set_channels(2);
            aenc.set_bit_rate(AUDIO_BIT_RATE);
            aenc.set_time_base(Rational::new(1, AUDIO_RATE));
            if global_header {
                aenc.set_flags(codec::Flags::GLOBAL_HEADER);
            }
            let aenc = aenc.open().map_err(|_| encoder_failed("aac"))?;
            let a_enc_tb = aenc.time_base();
            let frame_size = aenc.frame_size();
            let a_ost = {
                let mut ost = octx.add_stream(aac).map_err(|_| encoder_failed("aac"))?;
                ost.set_parameters(&aenc);
                ost.set_time_base(a_enc_tb);
                ost.index()
            };
            unsafe {
                (*(*octx.stream(a_ost).ok_or_else(corrupt)?.as_ptr()).codecpar).codec_tag = 0;
            }
            Some(AudioPath {
                decoder,
                in_tb: a_in_tb,
                origin: rescale(plan.origin_us, Rational::new(1, TIME_BASE), a_in_tb),
                graph: None,
                encoder: aenc,
                enc_tb: a_enc_tb,
                frame_size,
                ost: a_ost,
                next_pts: None,
                next_in_pts: None,
                errors: 0,
            })
        }
        _ => None,
    };

    // Nothing of the input's metadata is copied: the output context and its streams start
    // with empty dictionaries and stay that way.
    let mut mux_opts = Dictionary::new();
    mux_opts.set("movflags", "+faststart");
    octx.write_header_with(mux_opts).map_err(mux_error)?;

    loop {
        let packet = match read_packet(src)? {
            Read::Packet(p) => p,
            Read::End => break,
        };
        let index = packet.stream();
        if index == plan.video_index {
            video.send(&packet, &mut octx, limits, progress)?;
        } else if let Some(audio) = audio.as_mut().filter(|_| Some(index) == plan.audio_index) {
            audio.send(&packet, &mut octx, limits)?;
        }
    }
    src.check_deadline()?;
    video.finish(&mut octx, limits, progress)?;
    if let Some(audio) = audio.as_mut() {
        audio.finish(&mut octx, limits)?;
    }
    src.check_deadline()?;
    octx.write_trailer().map_err(mux_error)?;

    Ok(video.end_s())
}

// ---------------------------------------------------------------------------------------
// Poster

/// Decodes the frame to show as the poster: the first at or after min(1 s, 10%).
fn poster_frame(src: &mut Guarded, plan: &Plan, limits: &Limits) -> Result<frame::Video, MediaError> {
    discard_other_streams(src.input_mut(), &[plan.video_index]);
    let input = src.input();
    let stream = input.stream(plan.video_index).ok_or_else(corrupt)?;
    let tb = stream.time_base();
    let mut decoder = open_decoder(input, plan.video_index, limits, false)?
        .video()
        .map_err(|_| corrupt())?;

    let target_s = if plan.info.duration_s > 0.0 { (plan.info.duration_s * 0.1).min(1.0) } else { 0.0 };
    let target_us = plan.origin_us + (target_s * f64::from(TIME_BASE)) as i64;
    if target_s > 0.0 {
        // Jump to the key frame at or before the target; if the container cannot seek,
        // we are still at the start and simply decode from there.
        let _ = src.input_mut().seek(target_us, ..target_us);
    }
    let target_ts = rescale(target_us, Rational::new(1, TIME_BASE), tb);

    let mut last: Option<frame::Video> = None;
    let mut errors = 0u32;
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
                    if decoded.timestamp().is_none_or(|ts| ts >= target_ts) {
                        return Ok(decoded);
                    }
                    last = Some(decoded);
                }
                Err(ffmpeg::Error::Eof) => {
                    return last.ok_or_else(corrupt);
                }
                Err(e) if is_again(&e) => break,
                Err(_) => {
                    errors += 1;
                    if errors > MAX_DECODE_ERRORS {
                        return Err(corrupt());
                    }
                    break;
                }
            }
        }
        if ended {
            return last.ok_or_else(corrupt);
        }
        match read_packet(src)? {
            Read::Packet(packet) => {
                if packet.stream() == plan.video_index && decoder.send_packet(&packet).is_err() {
                    errors += 1;
                    if errors > MAX_DECODE_ERRORS {
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

/// Converts a decoded frame to upright RGB at the web rendition's size.
fn poster_rgb(frame: &frame::Video, plan: &Plan) -> Result<image::RgbImage, MediaError> {
    let rotation = plan.info.rotation;
    let (pre_w, pre_h) = if rotation == 90 || rotation == 270 {
        (plan.out_height, plan.out_width)
    } else {
        (plan.out_width, plan.out_height)
    };
    let mut scaler = scaling::Context::get(
        frame.format(),
        frame.width(),
        frame.height(),
        format::Pixel::RGB24,
        pre_w,
        pre_h,
        scaling::Flags::BICUBIC | scaling::Flags::ACCURATE_RND | scaling::Flags::FULL_CHR_H_INT,
    )
    .map_err(|_| corrupt())?;
    let mut rgb = frame::Video::empty();
    scaler.run(frame, &mut rgb).map_err(|_| corrupt())?;

    let stride = rgb.stride(0);
    let row = pre_w as usize * 3;
    let data = rgb.data(0);
    let mut buf = Vec::with_capacity(row * pre_h as usize);
    for y in 0..pre_h as usize {
        let start = y * stride;
        buf.extend_from_slice(data.get(start..start + row).ok_or_else(corrupt)?);
    }
    let img = image::RgbImage::from_raw(pre_w, pre_h, buf).ok_or_else(corrupt)?;
    Ok(match rotation {
        90 => image::imageops::rotate90(&img),
        180 => image::imageops::rotate180(&img),
        270 => image::imageops::rotate270(&img),
        _ => img,
    })
}

fn write_posters(img: &image::RgbImage, jpeg_path: &Path, webp_path: &Path) -> Result<(), MediaError> {
    use std::io::Write;

    let (w, h) = img.dimensions();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
        .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| MediaError::transient("encoder_failed", format!("could not write the poster: {e}")))?;
    let webp = webp::Encoder::from_rgb(img.as_raw(), w, h).encode(80.0);

    for (path, bytes) in [(jpeg_path, &jpeg[..]), (webp_path, &webp[..])] {
        let mut file = std::fs::File::create(path).map_err(MediaError::io)?;
        file.write_all(bytes).map_err(MediaError::io)?;
        file.sync_all().map_err(MediaError::io)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Entry point

/// Writes `web.mp4`, `poster.jpg` and `poster.webp` into `out_dir`.
///
/// `progress` is called with a fraction from 0.0 to 1.0. On failure, whatever was
/// written is removed.
pub fn process_film(
    input: &Path,
    out_dir: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(f32),
) -> Result<FilmOutputs, MediaError> {
    init();
    let deadline = deadline_from(limits);
    let web_path = out_dir.join(WEB_NAME);
    let jpeg_path = out_dir.join(POSTER_JPEG_NAME);
    let webp_path = out_dir.join(POSTER_WEBP_NAME);

    let result = run(input, limits, deadline, &web_path, &jpeg_path, &webp_path, progress);
    if result.is_err() {
        for path in [&web_path, &jpeg_path, &webp_path] {
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

fn run(
    input: &Path,
    limits: &Limits,
    deadline: Instant,
    web_path: &Path,
    jpeg_path: &Path,
    webp_path: &Path,
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
    let measured = write_web(&mut src, &plan, web_path, limits, &mut on_video)?;
    drop(src);
    progress(0.95);

    let mut src = open_guarded(input, deadline)?;
    let frame = poster_frame(&mut src, &plan, limits)?;
    drop(src);
    let img = poster_rgb(&frame, &plan)?;
    if Instant::now() >= deadline {
        return Err(timed_out());
    }
    write_posters(&img, jpeg_path, webp_path)?;
    progress(1.0);

    let mut info = plan.info.clone();
    if info.duration_s <= 0.0 {
        info.duration_s = measured;
    }
    let rendition = |name: &str, path: &Path, mime: &'static str, duration_s: Option<f64>| Rendition {
        name: name.to_string(),
        path: PathBuf::from(path),
        mime,
        width: plan.out_width,
        height: plan.out_height,
        duration_s,
    };
    Ok(FilmOutputs {
        web: rendition(WEB_NAME, web_path, "video/mp4", Some(info.duration_s)),
        poster_jpeg: rendition(POSTER_JPEG_NAME, jpeg_path, "image/jpeg", None),
        poster_webp: rendition(POSTER_WEBP_NAME, webp_path, "image/webp", None),
        info,
    })
}
