//! Filter graphs: the video graph (scaling, colour, rotation, then one branch per size)
//! and the audio graphs (the film's to 48 kHz stereo; sound works' own), their
//! descriptions and how they are built.

use ffmpeg::ffi as sys;
use ffmpeg::filter;
use ffmpeg::format;
use ffmpeg::frame;
use ffmpeg::{ChannelLayout, Rational};
use ffmpeg_next as ffmpeg;

use super::colour::{colour_filters, Colour};
use super::encode::AUDIO_RATE;
use super::errors::{corrupt, ours};
use super::ffi;
use crate::MediaError;

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
pub(super) enum Pictures {
    /// 8-bit 4:2:0 for the encoders: one branch per size (`out0`, `out1`...).
    Yuv,
    /// One upright RGB picture, for the poster.
    Rgb,
}

/// The filter graph description from `[in]` to `[out0]` (and `[out1]`...).
///
/// The work shared by all sizes (scaling to the largest, colour conversion, rotation)
/// is done once; the smaller sizes are scaled from the largest after a `split`.
pub(super) fn video_spec(colour: Colour, rotation: i32, sizes: &[(u32, u32)], pictures: Pictures) -> String {
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

pub(crate) const SINKS: [&str; 2] = ["out0", "out1"];

/// Builds the graph `spec` (see [`video_spec`]) for frames like `frame`. A failure is
/// ours: the frame was decoded, the graph is what we wrote.
pub(crate) fn video_graph(frame: &frame::Video, in_tb: Rational, spec: &str, outputs: usize) -> Result<filter::Graph, MediaError> {
    build_video_graph(frame, in_tb, spec, outputs).map_err(|e| ours(&format!("building the video filter graph `{spec}`"), e))
}

fn build_video_graph(frame: &frame::Video, in_tb: Rational, spec: &str, outputs: usize) -> Result<filter::Graph, ffmpeg::Error> {
    let sar = frame.aspect_ratio();
    let (sar_n, sar_d) = if sar.numerator() > 0 && sar.denominator() > 0 {
        (sar.numerator(), sar.denominator())
    } else {
        (1, 1)
    };
    let pix: sys::AVPixelFormat = frame.format().into();
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

/// Sends one decoded frame through the single-output graph `spec` and returns the picture
/// that comes out. Every failure is ours: the frame was decoded.
pub(crate) fn filter_one(frame: &frame::Video, tb: Rational, spec: &str) -> Result<frame::Video, MediaError> {
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

/// (sample rate, sample format, channel mask, channel count) a graph was built for.
pub(crate) type AudioKey = (u32, format::Sample, u64, i32);

pub(crate) fn audio_key(frame: &frame::Audio) -> AudioKey {
    let (mask, channels) = ffi::channel_layout(frame);
    (frame.rate(), frame.format(), mask, channels)
}

/// The channel layout the audio graph is told its input has: the decoder's mask when it
/// names every channel, else FFmpeg's default layout for that many channels.
fn source_channel_mask(mask: u64, channels: i32) -> u64 {
    if mask != 0 && mask.count_ones() as i32 == channels {
        mask
    } else {
        ChannelLayout::default(channels).bits()
    }
}

/// The film's sound graph: to 48 kHz stereo in the AAC encoder's sample format.
pub(crate) fn film_audio_spec() -> String {
    format!("[in]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo[out0]")
}

/// A sound graph to build for each kind of decoded sound: `spec` goes from `[in]` to
/// `[out0]` (and `[out1]`... when the sound is split), and each sink hands out frames of
/// the size its encoder wants (0: any).
#[derive(Debug, Clone)]
pub(crate) struct AudioGraphSpec {
    pub spec: String,
    pub frame_sizes: Vec<u32>,
}

/// Builds the graph `spec` for sound like `key`. Sound the decoder gave without a rate,
/// channels or sample format is the file's fault; any other failure ours.
pub(crate) fn audio_graph(key: AudioKey, in_tb: Rational, spec: &AudioGraphSpec) -> Result<filter::Graph, MediaError> {
    let (rate, fmt, mask, channels) = key;
    if rate == 0 || channels <= 0 {
        return Err(corrupt());
    }
    assert!(!spec.frame_sizes.is_empty() && spec.frame_sizes.len() <= SINKS.len(), "one or two sinks");
    let mask = source_channel_mask(mask, channels);
    let fmt_name = ffi::sample_format_name(fmt).ok_or_else(corrupt)?;
    let args = format!(
        "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
        in_tb.numerator(),
        in_tb.denominator(),
        rate,
        fmt_name,
        mask
    );
    let sinks = &SINKS[..spec.frame_sizes.len()];
    let build = || -> Result<filter::Graph, ffmpeg::Error> {
        let mut graph = filter::Graph::new();
        graph.add(&filter::find("abuffer").ok_or(ffmpeg::Error::FilterNotFound)?, "in", &args)?;
        let sink = filter::find("abuffersink").ok_or(ffmpeg::Error::FilterNotFound)?;
        for name in sinks {
            graph.add(&sink, name, "")?;
        }
        let mut parser = graph.output("in", 0)?;
        for name in sinks {
            parser = parser.input(name, 0)?;
        }
        parser.parse(&spec.spec)?;
        graph.validate()?;
        Ok(graph)
    };
    let mut graph =
        build().map_err(|e| ours(&format!("building the audio filter graph `{args}` -> `{}`", spec.spec), e))?;
    for (name, &size) in sinks.iter().zip(&spec.frame_sizes) {
        if size > 0 {
            graph.get(name).expect("sink added above").sink().set_frame_size(size);
        }
    }
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::film::colour::{frame_colour, tone_mapping_available};
    use crate::film::init;
    use sys::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};

    fn untagged() -> Colour {
        Colour {
            primaries: P::AVCOL_PRI_UNSPECIFIED,
            transfer: T::AVCOL_TRC_UNSPECIFIED,
            matrix: S::AVCOL_SPC_UNSPECIFIED,
            range: R::AVCOL_RANGE_UNSPECIFIED,
        }
    }

    /// A 10-bit mid-grey picture described like issue 9's film: matrix only.
    fn issue_9_frame() -> frame::Video {
        let mut frame = frame::Video::new(format::Pixel::YUV420P10LE, 64, 48);
        for plane in 0..3 {
            for pair in frame.data_mut(plane).chunks_exact_mut(2) {
                pair.copy_from_slice(&512u16.to_le_bytes());
            }
        }
        let colour = Colour {
            primaries: P::AVCOL_PRI_UNSPECIFIED,
            transfer: T::AVCOL_TRC_UNSPECIFIED,
            matrix: S::AVCOL_SPC_BT2020_NCL,
            range: R::AVCOL_RANGE_MPEG,
        };
        ffi::set_frame_colour(&mut frame, colour);
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

    const WEB: (u32, u32) = (1280, 720);
    const WEB_360: (u32, u32) = (640, 360);

    /// An 8-bit untagged HD film: its colours are kept.
    fn sdr() -> Colour {
        untagged().completed(8, (1920, 1080))
    }

    #[test]
    fn both_sizes_come_from_one_scaled_picture_split_in_two() {
        assert_eq!(
            video_spec(sdr(), 0, &[WEB, WEB_360], Pictures::Yuv),
            "[in]scale=1280:720:flags=bicubic:out_range=tv,format=yuv420p,setsar=1,split=2[out0][s1];\
             [s1]scale=640:360:flags=bicubic,format=yuv420p,setsar=1[out1]"
        );
        assert_eq!(
            video_spec(sdr(), 0, &[WEB], Pictures::Yuv),
            "[in]scale=1280:720:flags=bicubic:out_range=tv,format=yuv420p,setsar=1[out0]"
        );
    }

    #[test]
    fn a_turned_film_is_scaled_at_its_coded_shape_then_turned() {
        // A portrait phone film coded 1920x1080 and turned 90° clockwise.
        assert_eq!(
            video_spec(sdr(), 90, &[(720, 1280), (360, 640)], Pictures::Yuv),
            "[in]scale=1280:720:flags=bicubic:out_range=tv,format=yuv420p,transpose=clock,setsar=1,split=2[out0][s1];\
             [s1]scale=360:640:flags=bicubic,format=yuv420p,setsar=1[out1]"
        );
        assert!(video_spec(sdr(), 270, &[(720, 1280)], Pictures::Yuv).contains("scale=1280:720:flags=bicubic:out_range=tv,format=yuv420p,transpose=cclock,"));
        assert!(video_spec(sdr(), 180, &[WEB], Pictures::Yuv).contains("scale=1280:720:flags=bicubic:out_range=tv,format=yuv420p,hflip,vflip,"));
    }

    #[test]
    fn the_poster_picture_is_one_upright_rgb_picture() {
        assert_eq!(
            video_spec(sdr(), 180, &[WEB], Pictures::Rgb),
            "[in]scale=1280:720:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24,hflip,vflip,setsar=1[out0]"
        );
        assert!(tone_mapping_available(), "this FFmpeg has no zscale/tonemap");
        let hdr = Colour { transfer: T::AVCOL_TRC_ARIB_STD_B67, ..untagged() }.completed(10, (1920, 1080));
        let spec = video_spec(hdr, 0, &[WEB], Pictures::Rgb);
        assert!(spec.starts_with(&format!("[in]scale=1280:720:flags=bicubic{},", colour_filters(hdr))), "{spec}");
        assert!(
            spec.ends_with(",scale=flags=accurate_rnd+full_chroma_int:in_color_matrix=bt709:in_range=tv,format=rgb24,setsar=1[out0]"),
            "{spec}"
        );
    }

    #[test]
    fn the_sound_graph_is_told_a_layout_that_names_every_channel() {
        assert_eq!(source_channel_mask(0x3, 2), 0x3);
        assert_eq!(source_channel_mask(0x4, 1), 0x4);
        // No mask, or one that does not match the count: FFmpeg's default for the count.
        assert_eq!(source_channel_mask(0, 2), 0x3, "stereo");
        assert_eq!(source_channel_mask(0x4, 2), 0x3, "stereo");
        assert_eq!(source_channel_mask(0, 1), 0x4, "mono is front centre");
        assert_eq!(source_channel_mask(0, 6).count_ones(), 6, "5.1");
        assert_eq!(source_channel_mask(0x7, 6).count_ones(), 6, "5.1");
    }

    #[test]
    fn sound_without_a_rate_channels_or_format_is_the_films_fault() {
        init();
        let tb = Rational::new(1, 44_100);
        let fltp = format::Sample::F32(format::sample::Type::Planar);
        let spec = AudioGraphSpec { spec: film_audio_spec(), frame_sizes: vec![1024] };
        for key in [(0, fltp, 0x3, 2), (44_100, fltp, 0, 0), (44_100, format::Sample::None, 0x3, 2)] {
            let e = audio_graph(key, tb, &spec).map(|_| ()).unwrap_err();
            assert_eq!(e.code, "corrupt_file", "{key:?}");
        }
        assert!(audio_graph((44_100, fltp, 0, 2), tb, &spec).is_ok());
    }
}
