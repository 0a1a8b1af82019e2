//! The transcode: one decode of the film feeding every web rendition, from the headers
//! to the trailers.

use std::path::Path;

use ffmpeg::{Dictionary, Rational};
use ffmpeg_next as ffmpeg;

use super::audio::AudioPath;
use super::colour::output_colour;
use super::decode::{open_decoder, read_packet, Read};
use super::encode::{find_encoder, AudioEnc, Muxed, VideoEnc};
use super::errors::{corrupt, mux_error};
use super::ffi;
use super::graph::{film_audio_spec, AudioGraphSpec, SINKS};
use super::guard::Guarded;
use super::mux::open_output;
use super::probe::Plan;
use super::time::{rescale, TIME_BASE};
use super::video::VideoPath;
use crate::{Limits, MediaError};

/// One MP4 to write.
pub(super) struct Target<'a> {
    pub path: &'a Path,
    pub size: (u32, u32),
    pub audio_bit_rate: usize,
}

/// Transcodes the film to every target in one decode; returns the measured end of the
/// last picture (s).
pub(super) fn transcode(
    src: &mut Guarded,
    plan: &Plan,
    targets: &[Target<'_>],
    limits: &Limits,
    progress: &mut dyn FnMut(f64),
) -> Result<f64, MediaError> {
    assert!(!targets.is_empty() && targets.len() <= SINKS.len(), "one or two renditions");
    let keep: Vec<usize> = std::iter::once(plan.video_index).chain(plan.audio_index).collect();
    ffi::discard_streams_except(src.input_mut(), &keep);

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

    let mut video = VideoPath::new(
        open_decoder(input, plan.video_index, limits, true)?.video().map_err(|_| corrupt())?,
        in_tb,
        rescale(plan.origin_us, Rational::new(1, TIME_BASE), in_tb),
        plan.info.rotation,
        plan.colour,
        targets.iter().map(|t| t.size).collect(),
    );

    // Sound, when there is a readable track.
    let mut audio = match plan.audio_index {
        Some(index) if aac.is_some() => {
            let astream = input.stream(index).ok_or_else(corrupt)?;
            let a_in_tb = astream.time_base();
            if a_in_tb.numerator() <= 0 || a_in_tb.denominator() <= 0 {
                return Err(corrupt());
            }
            let frame_size = outs[0].audio.as_ref().map_or(0, |a| a.frame_size);
            Some(AudioPath::new(
                open_decoder(input, index, limits, false)?.audio().map_err(|_| corrupt())?,
                a_in_tb,
                rescale(plan.origin_us, Rational::new(1, TIME_BASE), a_in_tb),
                AudioGraphSpec { spec: film_audio_spec(), frame_sizes: vec![frame_size] },
            ))
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
            audio.send(&packet, &mut |_, frame, tb| encode_everywhere(&mut outs, frame, tb), limits)?;
        }
    }
    src.check_deadline()?;
    video.finish(&mut outs, limits, progress)?;
    if let Some(audio) = audio.as_mut() {
        audio.finish(&mut |_, frame, tb| encode_everywhere(&mut outs, frame, tb), limits)?;
        for out in outs.iter_mut() {
            if let Some(enc) = out.audio.as_mut() {
                enc.finish(&mut out.octx)?;
            }
        }
    }
    src.check_deadline()?;
    for out in outs.iter_mut() {
        out.octx.write_trailer().map_err(mux_error)?;
    }

    Ok(outs[0].video.end_s())
}

/// Every output encodes the same filtered sound (at its own bit rate).
fn encode_everywhere(outs: &mut [Muxed], frame: &mut ffmpeg::frame::Audio, sink_tb: Rational) -> Result<(), MediaError> {
    let pts = frame.pts();
    for out in outs.iter_mut() {
        if let Some(audio) = out.audio.as_mut() {
            frame.set_pts(pts);
            audio.encode(&mut out.octx, frame, sink_tb)?;
        }
    }
    Ok(())
}
