//! Encoding: the H.264 and AAC encoders of one MP4, fed filtered pictures and sound with
//! strictly increasing timestamps, and their packets written to its muxer.

use ffmpeg::codec;
use ffmpeg::format;
use ffmpeg::format::context::Output;
use ffmpeg::frame;
use ffmpeg::{ChannelLayout, Dictionary, Rational};
use ffmpeg_next as ffmpeg;

use super::colour::Colour;
use super::errors::{corrupt, ours};
use super::ffi;
use super::mux::{write_packets, FrameDurations};
use super::time::{rational_f64, rescale};
use crate::MediaError;

/// Sample rate of the renditions' sound.
pub(crate) const AUDIO_RATE: i32 = 48_000;

pub(crate) fn find_encoder(name: &str) -> Result<ffmpeg::Codec, MediaError> {
    codec::encoder::find_by_name(name).ok_or_else(|| ours(name, "encoder not installed on the server"))
}

fn encoder_failed(name: &str, e: ffmpeg::Error) -> MediaError {
    ours(&format!("opening the {name} encoder"), e)
}

/// One MP4 being written: its muxer, its H.264 encoder and (when there is sound) its AAC
/// encoder.
pub(super) struct Muxed {
    pub octx: Output,
    pub video: VideoEnc,
    pub audio: Option<AudioEnc>,
}

pub(super) struct VideoEnc {
    encoder: codec::encoder::video::Encoder,
    /// The encoder's time base, in which `encode` and `finish` take timestamps.
    pub enc_tb: Rational,
    ost: usize,
    last_pts: Option<i64>,
    durations: FrameDurations,
    frames: u64,
}

impl VideoEnc {
    pub(super) fn open(
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
        ffi::set_encoder_colour(&mut venc, colour);
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
        // Parameters come from our encoder; leave the tag to the muxer.
        if !ffi::clear_codec_tag(octx, ost) {
            return Err(ours("mp4 muxer", "output stream missing"));
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
            durations: FrameDurations::with_nominal(nominal),
            frames: 0,
        })
    }

    /// Encodes one filtered picture; returns its time in seconds.
    pub(super) fn encode(&mut self, octx: &mut Output, frame: &mut frame::Video, sink_tb: Rational) -> Result<f64, MediaError> {
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
    pub(super) fn finish(&mut self, octx: &mut Output, last_duration: Option<i64>) -> Result<(), MediaError> {
        if self.frames == 0 {
            return Err(corrupt());
        }
        self.durations.end(last_duration);
        self.encoder.send_eof().map_err(|e| ours("libx264 encoder", e))?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, Some(&mut self.durations))
    }

    /// When the last picture ends, in seconds.
    pub(super) fn end_s(&self) -> f64 {
        let last = self.last_pts.unwrap_or(0);
        let d = self.durations.lasting(last);
        (last + d) as f64 * rational_f64(self.enc_tb)
    }
}

pub(crate) struct AudioEnc {
    encoder: codec::encoder::audio::Encoder,
    enc_tb: Rational,
    /// Samples per frame the encoder wants (0: any).
    pub frame_size: u32,
    ost: usize,
    next_pts: Option<i64>,
    /// The codec's name, for the operator's log.
    name: String,
}

impl AudioEnc {
    /// A film's AAC encoder: 48 kHz stereo, planar float.
    pub(crate) fn open(octx: &mut Output, aac: ffmpeg::Codec, bit_rate: usize) -> Result<Self, MediaError> {
        Self::open_as(octx, aac, bit_rate, 2, format::Sample::F32(format::sample::Type::Planar))
    }

    /// An encoder of `codec` (AAC, Opus...) at 48 kHz taking `channels` (1: mono, else
    /// stereo) in `sample_format` (the one the codec wants).
    pub(crate) fn open_as(
        octx: &mut Output,
        codec: ffmpeg::Codec,
        bit_rate: usize,
        channels: u32,
        sample_format: format::Sample,
    ) -> Result<Self, MediaError> {
        let name = codec.name().to_string();
        let name = name.as_str();
        let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);
        let mut aenc = codec::Context::new_with_codec(codec)
            .encoder()
            .audio()
            .map_err(|e| encoder_failed(name, e))?;
        let (layout, channels) = if channels == 1 { (ChannelLayout::MONO, 1) } else { (ChannelLayout::STEREO, 2) };
        aenc.set_rate(AUDIO_RATE);
        aenc.set_format(sample_format);
        aenc.set_channel_layout(layout);
        aenc.set_channels(channels);
        aenc.set_bit_rate(bit_rate);
        aenc.set_time_base(Rational::new(1, AUDIO_RATE));
        if global_header {
            aenc.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let encoder = aenc.open().map_err(|e| encoder_failed(name, e))?;
        let enc_tb = encoder.time_base();
        let frame_size = encoder.frame_size();
        let ost = {
            let mut ost = octx.add_stream(codec).map_err(|e| encoder_failed(name, e))?;
            ost.set_parameters(&encoder);
            ost.set_time_base(enc_tb);
            ost.index()
        };
        if !ffi::clear_codec_tag(octx, ost) {
            return Err(ours("muxer", "output stream missing"));
        }
        Ok(Self { encoder, enc_tb, frame_size, ost, next_pts: None, name: name.to_string() })
    }

    pub(crate) fn encode(&mut self, octx: &mut Output, frame: &mut frame::Audio, sink_tb: Rational) -> Result<(), MediaError> {
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
        self.encoder.send_frame(frame).map_err(|e| ours(&self.name, e))?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, None)
    }

    pub(crate) fn finish(&mut self, octx: &mut Output) -> Result<(), MediaError> {
        self.encoder.send_eof().map_err(|e| ours(&self.name, e))?;
        write_packets(&mut self.encoder, octx, self.ost, self.enc_tb, None)
    }
}
