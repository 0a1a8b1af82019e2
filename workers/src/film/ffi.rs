//! Every read and write of FFmpeg's C structs, and every FFmpeg call ffmpeg-next does not
//! wrap, as small safe functions: the only module of `film` with `unsafe`.
//!
//! Each function takes ffmpeg-next's owning wrappers (`Input`, `frame::Video`...), never a
//! raw pointer, so the pointers below are valid for as long as the borrow they come from;
//! indexes into a context's stream array are checked against `nb_streams` first.

use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::time::Instant;

use ffmpeg::codec;
use ffmpeg::ffi as sys;
use ffmpeg::format;
use ffmpeg::format::context::{Input, Output};
use ffmpeg::frame;
use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;

use super::colour::Colour;

// ---------------------------------------------------------------------------------------
// Inputs with a deadline

/// An opened input whose every blocking read FFmpeg aborts once the deadline has passed.
///
/// FFmpeg keeps a raw pointer to `deadline` in the interrupt callback, so the `Input`
/// (which closes the format context) is always dropped before the box.
pub(crate) struct DeadlineInput {
    input: Option<Input>,
    deadline: Box<Instant>,
}

impl DeadlineInput {
    pub(crate) fn input(&self) -> &Input {
        self.input.as_ref().expect("input is present until drop")
    }

    pub(crate) fn input_mut(&mut self) -> &mut Input {
        self.input.as_mut().expect("input is present until drop")
    }

    pub(crate) fn deadline(&self) -> Instant {
        *self.deadline
    }
}

impl Drop for DeadlineInput {
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
    // SAFETY: opaque points to the Box<Instant> owned by the DeadlineInput that owns the
    // format context; the context is closed before the box is freed (see its Drop).
    let deadline = unsafe { &*(opaque as *const Instant) };
    c_int::from(Instant::now() >= *deadline)
}

/// Why [`open_input`] failed; the caller decides whose fault it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenFailure {
    OutOfMemory,
    /// `avformat_open_input` refused the file: no allowed protocol or demuxer, unreadable,
    /// or interrupted by the deadline.
    Open,
    /// FFmpeg left some of the options unused: it does not know them.
    OptionsIgnored,
    /// `avformat_find_stream_info` failed or was interrupted.
    StreamInfo,
}

/// Opens `url` with the format `options`, with an interrupt callback that aborts every
/// blocking operation once `deadline` has passed, and reads the stream information.
pub(crate) fn open_input(url: &CStr, deadline: Instant, options: &[(&str, &str)]) -> Result<DeadlineInput, OpenFailure> {
    let deadline = Box::new(deadline);

    // SAFETY: avformat_alloc_context has no preconditions; null is checked below.
    let mut ctx = unsafe { sys::avformat_alloc_context() };
    if ctx.is_null() {
        return Err(OpenFailure::OutOfMemory);
    }
    // SAFETY: ctx was just allocated and is not shared. The opaque pointer is the boxed
    // deadline, which the returned DeadlineInput owns and frees only after closing ctx;
    // on every early return below ctx is freed before the box is.
    unsafe {
        (*ctx).interrupt_callback = sys::AVIOInterruptCB {
            callback: Some(deadline_passed),
            opaque: &*deadline as *const Instant as *mut c_void,
        };
    }

    let mut dict: *mut sys::AVDictionary = ptr::null_mut();
    for (key, value) in options {
        let key = CString::new(*key).expect("option names have no NUL");
        let value = CString::new(*value).expect("option values have no NUL");
        // SAFETY: dict is null or a dictionary made by av_dict_set; key and value are
        // NUL-terminated and copied by FFmpeg (flags 0). On failure both the dictionary
        // and the unopened ctx are ours to free, and neither is used again.
        unsafe {
            if sys::av_dict_set(&mut dict, key.as_ptr(), value.as_ptr(), 0) < 0 {
                sys::av_dict_free(&mut dict);
                sys::avformat_free_context(ctx);
                return Err(OpenFailure::OutOfMemory);
            }
        }
    }

    // SAFETY: ctx is an allocated, unopened context; url is NUL-terminated; dict is ours.
    // On failure avformat_open_input frees the context and sets ctx to null, so it is not
    // touched again; the dictionary (holding what was not consumed) is freed either way.
    let (opened, options_ignored) = unsafe {
        let ret = sys::avformat_open_input(&mut ctx, url.as_ptr(), ptr::null(), &mut dict);
        let ignored = !dict.is_null() && sys::av_dict_count(dict) > 0;
        sys::av_dict_free(&mut dict);
        (ret >= 0, ignored)
    };
    if !opened {
        return Err(OpenFailure::Open);
    }
    if options_ignored {
        // SAFETY: ctx was opened above and nothing else refers to it.
        unsafe { sys::avformat_close_input(&mut ctx) };
        return Err(OpenFailure::OptionsIgnored);
    }

    // SAFETY: ctx is an opened input context; null options are allowed.
    let ret = unsafe { sys::avformat_find_stream_info(ctx, ptr::null_mut()) };
    if ret < 0 {
        // SAFETY: as above: ctx is opened and only ours.
        unsafe { sys::avformat_close_input(&mut ctx) };
        return Err(OpenFailure::StreamInfo);
    }

    // SAFETY: ctx is an opened input context that nothing else owns; Input closes it on drop.
    let input = unsafe { Input::wrap(ctx) };
    Ok(DeadlineInput { input: Some(input), deadline })
}

/// Only the streams in `keep` are demuxed: the others are skipped by the demuxer.
pub(crate) fn discard_streams_except(input: &mut Input, keep: &[usize]) {
    // SAFETY: the context is open for as long as `input` is borrowed; only the first
    // nb_streams entries of `streams` are read, each a valid AVStream.
    unsafe {
        let ctx = input.as_mut_ptr();
        for i in 0..(*ctx).nb_streams as usize {
            if !keep.contains(&i) {
                (**(*ctx).streams.add(i)).discard = sys::AVDiscard::AVDISCARD_ALL;
            }
        }
    }
}

/// The AVStream at `index` of an input, or None past its last stream.
fn stream_ptr(input: &Input, index: usize) -> Option<*mut sys::AVStream> {
    // SAFETY: the context is open for as long as `input` is borrowed, and the index is
    // checked against nb_streams before the array is read.
    unsafe {
        let ctx = input.as_ptr();
        (index < (*ctx).nb_streams as usize).then(|| *(*ctx).streams.add(index))
    }
}

/// Presentation start of the input in AV_TIME_BASE units (None when the container does not say).
pub(crate) fn start_time(input: &Input) -> Option<i64> {
    // SAFETY: the context is open for as long as `input` is borrowed.
    let start = unsafe { (*input.as_ptr()).start_time };
    (start != sys::AV_NOPTS_VALUE).then_some(start)
}

/// FFmpeg's best guess at a stream's sample aspect ratio, from the stream and the codec
/// (0/1 when unknown).
pub(crate) fn sample_aspect_ratio(input: &Input, index: usize) -> Rational {
    let Some(st) = stream_ptr(input, index) else { return Rational::new(0, 1) };
    // SAFETY: ctx and st are valid while `input` is borrowed; av_guess_sample_aspect_ratio
    // only reads them (the context is declared mutable in C but is not written) and
    // accepts a null frame.
    unsafe { sys::av_guess_sample_aspect_ratio(input.as_ptr() as *mut sys::AVFormatContext, st, ptr::null_mut()).into() }
}

/// Whether the container has an index of key frames for this stream.
pub(crate) fn has_index(input: &Input, index: usize) -> bool {
    // SAFETY: st is a valid stream of the open context (stream_ptr checked the index).
    stream_ptr(input, index).is_some_and(|st| unsafe { sys::avformat_index_get_entries_count(st) } > 0)
}

/// Timestamps (stream time base) of the index entries nearest to `ts`: the one at or
/// before it and the one at or after it, when the container has them.
pub(crate) fn indexed_key_frames_around(input: &Input, index: usize, ts: i64) -> Vec<i64> {
    let Some(st) = stream_ptr(input, index) else { return Vec::new() };
    if !has_index(input, index) {
        return Vec::new();
    }
    [sys::AVSEEK_FLAG_BACKWARD, 0]
        .into_iter()
        // SAFETY: st is a valid stream of the open context; a non-null entry points into
        // its index, which nothing changes while `input` is borrowed, and is read at once.
        .filter_map(|flags| unsafe {
            let entry = sys::avformat_index_get_entry_from_timestamp(st, ts, flags);
            (!entry.is_null()).then(|| (*entry).timestamp)
        })
        .collect()
}

/// Seeks stream `index` to a key frame with a timestamp in `min..=max` as near `ts` as
/// possible. When the container cannot seek, reading goes on from where it was.
pub(crate) fn seek(input: &mut Input, index: usize, min: i64, ts: i64, max: i64) {
    let Ok(stream) = c_int::try_from(index) else { return };
    // SAFETY: the context is open and exclusively borrowed; FFmpeg checks the stream index
    // and the timestamps itself. A failed seek is harmless: decoding goes on from where
    // it was, which is what the poster search wants.
    unsafe {
        let _ = sys::avformat_seek_file(input.as_mut_ptr(), stream, min, ts, max, 0);
    }
}

// ---------------------------------------------------------------------------------------
// Codec parameters and decoders

/// What a video stream's codec parameters say of its pictures.
pub(super) struct VideoParameters {
    pub width: i32,
    pub height: i32,
    /// The pixel format, when it is one this FFmpeg knows.
    pub format: Option<sys::AVPixelFormat>,
    pub colour: Colour,
}

pub(super) fn video_parameters(params: &codec::Parameters) -> VideoParameters {
    // SAFETY: the parameters are valid for as long as `params` is borrowed; only plain
    // fields are read.
    let (width, height, format, colour) = unsafe {
        let p = params.as_ptr();
        (
            (*p).width,
            (*p).height,
            (*p).format,
            Colour { primaries: (*p).color_primaries, transfer: (*p).color_trc, matrix: (*p).color_space, range: (*p).color_range },
        )
    };
    VideoParameters { width, height, format: pixel_format(format), colour }
}

/// (sample rate, channel count) of an audio stream's codec parameters.
pub(crate) fn audio_parameters(params: &codec::Parameters) -> (i32, i32) {
    // SAFETY: the parameters are valid for as long as `params` is borrowed; only plain
    // fields are read.
    unsafe {
        let p = params.as_ptr();
        ((*p).sample_rate, (*p).ch_layout.nb_channels)
    }
}

/// The AVPixelFormat with this number (the type of AVCodecParameters.format), if any.
fn pixel_format(raw: c_int) -> Option<sys::AVPixelFormat> {
    if !(0..sys::AVPixelFormat::AV_PIX_FMT_NB as c_int).contains(&raw) {
        return None;
    }
    // SAFETY: AVPixelFormat numbers its values consecutively from NONE (-1) to NB, and
    // the bindings are generated from the headers of the FFmpeg we link, so every number
    // in 0..NB is one of the enum's values.
    Some(unsafe { std::mem::transmute::<c_int, sys::AVPixelFormat>(raw) })
}

/// Bits per luma sample of a pixel format (0 when unknown).
pub(crate) fn pixel_depth(format: sys::AVPixelFormat) -> u32 {
    // SAFETY: av_pix_fmt_desc_get returns null or a pointer to a static descriptor;
    // comp[0] exists in every descriptor (the array has 4 entries) and is read only
    // when the format has at least one component.
    unsafe {
        let desc = sys::av_pix_fmt_desc_get(format);
        if desc.is_null() || (*desc).nb_components == 0 {
            0
        } else {
            (*desc).comp[0].depth.max(0) as u32
        }
    }
}

/// Sets what a decoder about to be opened needs besides the stream's parameters: the
/// packets' time base and FFmpeg's own guard against pictures larger than `max_pixels`.
pub(crate) fn limit_decoder(ctx: &mut codec::Context, pkt_timebase: Rational, max_pixels: i64) {
    // SAFETY: the codec context is valid and exclusively borrowed; plain fields are written.
    unsafe {
        let p = ctx.as_mut_ptr();
        (*p).pkt_timebase = pkt_timebase.into();
        (*p).max_pixels = max_pixels;
    }
}

/// Counter-clockwise degrees of a display matrix, as FFmpeg reads it (may be NaN).
pub(crate) fn display_rotation_ccw(matrix: &[i32; 9]) -> f64 {
    // SAFETY: av_display_rotation_get reads exactly 9 int32_t from the pointer.
    unsafe { sys::av_display_rotation_get(matrix.as_ptr()) }
}

// ---------------------------------------------------------------------------------------
// Frames

/// The colour tags of a decoded picture, as they are (possibly unspecified).
pub(super) fn frame_colour(frame: &frame::Video) -> Colour {
    // SAFETY: the frame is valid for as long as it is borrowed; only plain fields are read.
    unsafe {
        let f = frame.as_ptr();
        Colour { primaries: (*f).color_primaries, transfer: (*f).color_trc, matrix: (*f).colorspace, range: (*f).color_range }
    }
}

/// Sets the colour tags of a picture.
#[cfg(test)]
pub(super) fn set_frame_colour(frame: &mut frame::Video, colour: Colour) {
    // SAFETY: the frame is valid and exclusively borrowed; only plain fields are written.
    unsafe {
        let f = frame.as_mut_ptr();
        (*f).color_primaries = colour.primaries;
        (*f).color_trc = colour.transfer;
        (*f).colorspace = colour.matrix;
        (*f).color_range = colour.range;
    }
}

/// How long the input said a decoded picture lasts (its packet's duration; 0 when unknown).
pub(crate) fn packet_duration(frame: &frame::Video) -> i64 {
    // SAFETY: the frame is valid for as long as it is borrowed; a plain field is read.
    unsafe { (*frame.as_ptr()).pkt_duration }
}

/// (channel mask, channel count) of decoded sound; the mask is 0 unless the layout is in
/// native order (a bit per channel).
pub(crate) fn channel_layout(frame: &frame::Audio) -> (u64, i32) {
    // SAFETY: the frame is valid for as long as it is borrowed; `u.mask` is the member of
    // the union that AV_CHANNEL_ORDER_NATIVE says is set, and is read only then.
    unsafe {
        let layout = &(*frame.as_ptr()).ch_layout;
        let mask = if layout.order == sys::AVChannelOrder::AV_CHANNEL_ORDER_NATIVE { layout.u.mask } else { 0 };
        (mask, layout.nb_channels)
    }
}

/// FFmpeg's name of a sample format (`fltp`, `s16`...), None for none or an unknown one.
pub(crate) fn sample_format_name(format: format::Sample) -> Option<String> {
    // SAFETY: av_get_sample_fmt_name returns null or a static NUL-terminated string.
    unsafe {
        let name = sys::av_get_sample_fmt_name(format.into());
        (!name.is_null()).then(|| CStr::from_ptr(name).to_string_lossy().into_owned())
    }
}

// ---------------------------------------------------------------------------------------
// Outputs

/// Why [`open_output`] failed.
#[derive(Debug)]
pub(crate) enum OutputFailure {
    /// This FFmpeg has no such muxer (or could not allocate the context).
    NoMuxer,
    /// The file could not be opened for writing.
    Open(ffmpeg::Error),
}

/// Creates the file at `url` and a context writing it with the muxer named `muxer`.
pub(crate) fn open_output(muxer: &CStr, url: &CStr) -> Result<Output, OutputFailure> {
    let mut ctx: *mut sys::AVFormatContext = ptr::null_mut();
    // SAFETY: ctx is an out-pointer; muxer and url are NUL-terminated; null is checked.
    let ret = unsafe { sys::avformat_alloc_output_context2(&mut ctx, ptr::null(), muxer.as_ptr(), url.as_ptr()) };
    if ret < 0 || ctx.is_null() {
        return Err(OutputFailure::NoMuxer);
    }
    // SAFETY: ctx is a fresh output context owned here; its pb is opened once. On failure
    // the context (with no open pb) is freed and not used again; on success Output owns it.
    unsafe {
        let ret = sys::avio_open(&mut (*ctx).pb, url.as_ptr(), sys::AVIO_FLAG_WRITE);
        if ret < 0 {
            sys::avformat_free_context(ctx);
            return Err(OutputFailure::Open(ffmpeg::Error::from(ret)));
        }
        Ok(Output::wrap(ctx))
    }
}

/// Clears the codec tag of output stream `index` so the muxer picks its own; false when
/// there is no such stream.
pub(crate) fn clear_codec_tag(octx: &mut Output, index: usize) -> bool {
    let Some(mut stream) = octx.stream_mut(index) else { return false };
    // SAFETY: the stream and its codecpar (allocated with the stream) are valid and
    // exclusively borrowed through `octx`; a plain field is written.
    unsafe { (*(*stream.as_mut_ptr()).codecpar).codec_tag = 0 };
    true
}

/// Tags what an encoder about to be opened makes with `colour`.
pub(super) fn set_encoder_colour(ctx: &mut codec::Context, colour: Colour) {
    // SAFETY: the codec context is valid and exclusively borrowed; plain fields are written.
    unsafe {
        let p = ctx.as_mut_ptr();
        (*p).color_primaries = colour.primaries;
        (*p).color_trc = colour.transfer;
        (*p).colorspace = colour.matrix;
        (*p).color_range = colour.range;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sys::AVPixelFormat as Px;

    #[test]
    fn only_known_pixel_format_numbers_become_formats() {
        assert_eq!(pixel_format(Px::AV_PIX_FMT_YUV420P10LE as c_int), Some(Px::AV_PIX_FMT_YUV420P10LE));
        assert_eq!(pixel_format(-1), None);
        assert_eq!(pixel_format(Px::AV_PIX_FMT_NB as c_int), None);
        assert_eq!(pixel_format(c_int::MAX), None);
    }

    #[test]
    fn pixel_depth_is_the_bits_of_the_luma_sample() {
        assert_eq!(pixel_depth(Px::AV_PIX_FMT_YUV420P), 8);
        assert_eq!(pixel_depth(Px::AV_PIX_FMT_YUV420P10LE), 10);
        assert_eq!(pixel_depth(Px::AV_PIX_FMT_YUV422P12LE), 12);
        assert_eq!(pixel_depth(Px::AV_PIX_FMT_NONE), 0);
    }

    #[test]
    fn sample_formats_have_ffmpeg_names_and_none_has_none() {
        assert_eq!(sample_format_name(format::Sample::F32(format::sample::Type::Planar)).as_deref(), Some("fltp"));
        assert_eq!(sample_format_name(format::Sample::I16(format::sample::Type::Packed)).as_deref(), Some("s16"));
        assert_eq!(sample_format_name(format::Sample::None), None);
    }

    #[test]
    fn a_frames_colour_tags_are_read_as_written() {
        use sys::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
        let mut frame = frame::Video::new(format::Pixel::YUV420P, 16, 16);
        let hlg = Colour {
            primaries: P::AVCOL_PRI_BT2020,
            transfer: T::AVCOL_TRC_ARIB_STD_B67,
            matrix: S::AVCOL_SPC_BT2020_NCL,
            range: R::AVCOL_RANGE_JPEG,
        };
        set_frame_colour(&mut frame, hlg);
        let read = frame_colour(&frame);
        assert_eq!((read.primaries, read.transfer, read.matrix, read.range), (hlg.primaries, hlg.transfer, hlg.matrix, hlg.range));
    }
}
