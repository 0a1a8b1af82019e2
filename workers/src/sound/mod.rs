//! Sound works: probing, loudness-normalised Opus/WebM and AAC/M4A renditions and the
//! waveform picture, through the film engine's guarded input, decoder, graphs and muxers.
//!
//! Inputs are read only by the demuxers in [`SOUND_DEMUXERS`] under the same deadline
//! and limits as films. One audio track is kept: the first with the default
//! disposition, else the first (among those this FFmpeg can decode).
//!
//! Loudness (EBU R128): pass 1 decodes the track to 48 kHz and measures its integrated
//! loudness and true peak with our own BS.1770-4 meter (`loudness`) while the waveform's
//! peaks are gathered. Pass 2 decodes again and applies one gain to −16 LUFS; when that
//! gain would push the true peak above the ceiling, a limiter runs at 192 kHz (4x, so its
//! sample peaks are true peaks) with its ceiling at −2 dBFS, a decibel of room below the
//! −1 dBTP target for what the lossy encoders add. Limiting takes away loudness, so then
//! the gained and limited sound is measured once more (without encoding) and the gain
//! corrected, at most twice. Each rendition is then encoded and decoded again to be
//! measured: an encoder's low-pass can take a decibel or two from noisy sound (rain,
//! wind, white noise), and such a rendition is encoded once more with the gain corrected.
//!
//! Renditions: Opus in WebM (64 kb/s stereo, 48 kb/s mono; cues at the front) and AAC-LC
//! in MP4 (128 kb/s stereo, 96 kb/s mono; `faststart`), both 48 kHz, mono kept mono and
//! more than two channels downmixed to stereo, without any tag, chapter or cover art of
//! the input (and `bitexact`, so the muxers add no encoder name either).

mod errors;
mod loudness;
mod probe;
mod waveform;

use std::path::{Path, PathBuf};
use std::time::Instant;

use ffmpeg::format;
use ffmpeg::frame;
use ffmpeg::{Dictionary, Rational};
use ffmpeg_next as ffmpeg;
use serde::Serialize;

use crate::film::audio::{AudioPath, Deliver};
use crate::film::decode::{open_decoder, read_packet, Read};
use crate::film::encode::{find_encoder, AudioEnc, AUDIO_RATE};
use crate::film::errors::{corrupt, mux_error};
use crate::film::ffi;
use crate::film::graph::AudioGraphSpec;
use crate::film::guard::{deadline_from, open_guarded_with, FILM_DEMUXERS, SOUND_DEMUXERS};
use crate::film::mux::open_output_as;
use crate::film::time::{rescale, TIME_BASE};
use crate::{Limits, MediaError, Rendition};
use errors::of_sound;
use loudness::Meter;
use probe::{plan, SoundPlan};
use waveform::Peaks;

/// What the probe found out about a recording.
#[derive(Debug, Clone, Serialize)]
pub struct SoundInfo {
    /// Length in seconds: the container's in [`probe_sound`], the decoded sound's in
    /// [`process_sound`].
    pub duration_s: f64,
    /// Channels of the kept track as decoded (1 = mono).
    pub channels: u32,
    pub sample_rate: u32,
    /// FFmpeg's short name of the kept track's codec (`mp3`, `aac`, `opus`...).
    pub codec: String,
    /// Audio tracks in the file.
    pub tracks: u32,
    /// Which audio track is kept, counted from 0 among the audio tracks: the first with
    /// the default disposition, else the first.
    pub chosen_track: u32,
    /// Identifying metadata found in the input (none of it reaches the renditions).
    pub tags: Vec<FoundTag>,
    /// The input has an attached picture (ID3 APIC, MP4 `covr`, FLAC picture...).
    pub cover_art: bool,
}

/// One piece of identifying metadata found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundTag {
    /// `title`, `artist`, `album`, `date`, `comment`, `encoder`, `location`, `copyright`
    /// or `other`.
    pub what: &'static str,
    /// The value, trimmed, at most 200 characters; for `other`, `key: value`.
    pub detail: String,
}

/// Integrated loudness (LUFS) and true peak (dBTP) before and after normalisation.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Loudness {
    pub input_i: f64,
    pub input_tp: f64,
    pub output_i: f64,
    pub output_tp: f64,
}

/// Everything [`process_sound`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct SoundOutputs {
    pub info: SoundInfo,
    /// `sound.webm`: Opus in WebM.
    pub opus: Rendition,
    /// `sound.m4a`: AAC-LC in MP4 with the index first.
    pub aac: Rendition,
    /// `waveform.png`, 800x120.
    pub waveform: Rendition,
    pub loudness: Loudness,
}

const OPUS_NAME: &str = "sound.webm";
const AAC_NAME: &str = "sound.m4a";
const WAVEFORM_NAME: &str = "waveform.png";

const TARGET_LUFS: f64 = -16.0;
/// How many times a rendition may be encoded to bring its loudness and peaks in line.
const ENCODE_ATTEMPTS: usize = 4;

/// The limiter's ceiling (sample peaks at 192 kHz), a decibel under the −1 dBTP target.
const CEILING_DB: f64 = -2.0;
/// The most a rendition's true peak may reach, in dBTP.
const MAX_TRUE_PEAK_DBTP: f64 = -1.0;
/// Gains stay within this many decibels: beyond, a recording is mostly noise or silence.
const MAX_GAIN_DB: f64 = 40.0;
/// A gained and limited result this close to the target needs no correction.
const CLOSE_ENOUGH_LU: f64 = 0.3;

fn bit_rates(channels: u32) -> (usize, usize) {
    if channels == 1 {
        (48_000, 96_000)
    } else {
        (64_000, 128_000)
    }
}

/// Reads a recording's headers and checks them against the limits; nothing is decoded.
pub fn probe_sound(input: &Path, limits: &Limits) -> Result<SoundInfo, MediaError> {
    crate::film::init();
    let src = open_guarded_with(input, deadline_from(limits), SOUND_DEMUXERS).map_err(|e| of_sound(e, limits))?;
    plan(&src, limits).map(|p| p.info).map_err(|e| of_sound(e, limits))
}

/// For a file sniffed as a film container (MP4/MOV/3GP/MKV/WebM/Ogg): true when it has
/// sound and no picture stream (cover art does not count as a picture) and is in a
/// container sound works take (so an AVI is never sound-only).
pub fn is_sound_only(input: &Path, limits: &Limits) -> Result<bool, MediaError> {
    crate::film::init();
    let src = open_guarded_with(input, deadline_from(limits), FILM_DEMUXERS)?;
    let demuxer = src.input().format().name().to_string();
    let taken = demuxer.split(',').any(|name| SOUND_DEMUXERS.split(',').any(|ok| ok == name));
    let (audio, picture, _) = probe::streams(&src);
    Ok(taken && !audio.is_empty() && !picture)
}

/// Writes `sound.webm`, `sound.m4a` and `waveform.png` into `out_dir`; on failure,
/// whatever was written is removed.
pub fn process_sound(input: &Path, out_dir: &Path, limits: &Limits) -> Result<SoundOutputs, MediaError> {
    crate::film::init();
    let paths = [out_dir.join(OPUS_NAME), out_dir.join(AAC_NAME), out_dir.join(WAVEFORM_NAME)];
    let result = run(input, limits, &paths).map_err(|e| of_sound(e, limits));
    if result.is_err() {
        for path in &paths {
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

fn rendition(name: &str, path: &Path, mime: &'static str, size: (u32, u32), duration_s: Option<f64>) -> Rendition {
    Rendition { name: name.to_string(), path: PathBuf::from(path), mime, width: size.0, height: size.1, duration_s }
}

fn run(input: &Path, limits: &Limits, [opus_path, aac_path, waveform_path]: &[PathBuf; 3]) -> Result<SoundOutputs, MediaError> {
    let deadline = deadline_from(limits);
    let plan = {
        let src = open_guarded_with(input, deadline, SOUND_DEMUXERS)?;
        plan(&src, limits)?
    };
    let layout = if plan.out_channels == 1 { "mono" } else { "stereo" };
    let to_48k = format!("[in]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts={layout}");

    // Pass 1: measure, gather the waveform, count the samples.
    let mut meter = Meter::new(plan.out_channels as usize);
    let mut peaks = Peaks::default();
    let mut samples = 0u64;
    decode_through(input, deadline, &plan, limits, AudioGraphSpec { spec: format!("{to_48k}[out0]"), frame_sizes: vec![0] }, &mut |_, frame, _| {
        let planes = planes(frame, plan.out_channels);
        meter.add(&planes);
        peaks.add(&planes);
        samples += frame.samples() as u64;
        Ok(())
    })?;
    if samples == 0 {
        return Err(corrupt());
    }
    let duration_s = samples as f64 / f64::from(AUDIO_RATE);
    let input_i = meter.integrated();
    let input_tp = meter.true_peak_db();

    // The gain; a limiter holds the peaks under the ceiling whenever a gain would push
    // them above it.
    let mut gain = input_i.map_or(0.0, |i| (TARGET_LUFS - i).clamp(-MAX_GAIN_DB, MAX_GAIN_DB));
    let chain = |gain: f64, ceiling: f64| {
        let limiter = if input_tp + gain > ceiling - 0.5 {
            format!(
                ",aresample=192000,alimiter=limit={:.4}:level=false:latency=true,aresample={AUDIO_RATE},\
                 aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts={layout}",
                10f64.powf(ceiling / 20.0)
            )
        } else {
            String::new()
        };
        format!("{to_48k},volume={gain:.2}dB{limiter}")
    };
    if input_tp + gain > CEILING_DB - 0.5 && input_i.is_some() {
        for _ in 0..2 {
            let mut check = Meter::new(plan.out_channels as usize);
            decode_through(input, deadline, &plan, limits, AudioGraphSpec { spec: format!("{}[out0]", chain(gain, CEILING_DB)), frame_sizes: vec![0] }, &mut |_, frame, _| {
                check.add(&planes(frame, plan.out_channels));
                Ok(())
            })?;
            let Some(reached) = check.integrated() else { break };
            if (reached - TARGET_LUFS).abs() <= CLOSE_ENOUGH_LU {
                break;
            }
            gain = (gain + TARGET_LUFS - reached).clamp(-MAX_GAIN_DB, MAX_GAIN_DB);
        }
    }

    // Pass 2, once per rendition: apply and encode, then decode what was written and
    // measure it. The encoders' low-pass takes away what lies above it, which on noisy
    // sound (rain, wind) can be a decibel or two; such a rendition is encoded once more
    // with the gain corrected by what was lost.
    let (opus_rate, aac_rate) = bit_rates(plan.out_channels);
    let renditions = [
        Encoding { path: opus_path, muxer: "webm", codec: "libopus", bit_rate: opus_rate, sample: format::Sample::F32(format::sample::Type::Packed) },
        Encoding { path: aac_path, muxer: "mp4", codec: "aac", bit_rate: aac_rate, sample: format::Sample::F32(format::sample::Type::Planar) },
    ];
    let mut output_i: Option<f64> = None;
    let mut output_tp = f64::NEG_INFINITY;
    for encoding in &renditions {
        let (mut rendition_gain, mut ceiling) = (gain, CEILING_DB);
        let mut measured = (None, f64::NEG_INFINITY);
        // Noise-like sound (a harsh AMR memo) can overshoot again after one correction.
        for attempt in 0..ENCODE_ATTEMPTS {
            encode(input, deadline, &plan, limits, &chain(rendition_gain, ceiling), encoding)?;
            measured = measure_file(encoding.path, deadline, limits)?;
            let (i, tp) = measured;
            let off = i.filter(|_| input_i.is_some()).map_or(0.0, |i| TARGET_LUFS - i);
            // The encoder's overshoot past −1 dBTP comes off the limiter's ceiling.
            let over = tp - MAX_TRUE_PEAK_DBTP;
            if attempt + 1 == ENCODE_ATTEMPTS || (off.abs() <= CLOSE_ENOUGH_LU + 0.2 && over <= 0.0) {
                break;
            }
            rendition_gain = (rendition_gain + off).clamp(-MAX_GAIN_DB, MAX_GAIN_DB);
            if over > 0.0 {
                ceiling -= over + 0.3;
            }
        }
        if let Some(i) = measured.0 {
            if output_i.is_none_or(|o| (i - TARGET_LUFS).abs() > (o - TARGET_LUFS).abs()) {
                output_i = Some(i);
            }
        }
        output_tp = output_tp.max(measured.1);
    }
    peaks.write_png(waveform_path)?;

    let mut info = plan.info;
    info.duration_s = duration_s;
    let loudness = Loudness {
        input_i: input_i.unwrap_or(f64::NEG_INFINITY),
        input_tp,
        output_i: output_i.unwrap_or(f64::NEG_INFINITY),
        output_tp,
    };
    Ok(SoundOutputs {
        opus: rendition(OPUS_NAME, opus_path, "audio/webm", (0, 0), Some(duration_s)),
        aac: rendition(AAC_NAME, aac_path, "audio/mp4", (0, 0), Some(duration_s)),
        waveform: rendition(WAVEFORM_NAME, waveform_path, "image/png", (waveform::WIDTH, waveform::HEIGHT), None),
        info,
        loudness,
    })
}

/// One rendition to write.
struct Encoding<'a> {
    path: &'a Path,
    muxer: &'static str,
    codec: &'static str,
    bit_rate: usize,
    /// The sample format the encoder takes.
    sample: format::Sample,
}

/// Decodes the input through `chain` (which ends in 48 kHz planar float) into one
/// rendition, without any metadata of the input.
fn encode(input: &Path, deadline: Instant, plan: &SoundPlan, limits: &Limits, chain: &str, to: &Encoding<'_>) -> Result<(), MediaError> {
    let mut octx = open_output_as(to.path, to.muxer)?;
    let mut enc = AudioEnc::open_as(&mut octx, find_encoder(to.codec)?, to.bit_rate, plan.out_channels, to.sample)?;
    let mut opts = Dictionary::new();
    // bitexact: the muxers write no encoder name of their own either.
    opts.set("fflags", "+bitexact");
    if to.muxer == "mp4" {
        opts.set("movflags", "+faststart");
    } else {
        opts.set("cues_to_front", "1");
    }
    octx.write_header_with(opts).map_err(mux_error)?;
    let sample = crate::film::ffi::sample_format_name(to.sample).unwrap_or_default();
    let spec = AudioGraphSpec { spec: format!("{chain},aformat=sample_fmts={sample}[out0]"), frame_sizes: vec![enc.frame_size] };
    decode_through(input, deadline, plan, limits, spec, &mut |_, frame, tb| enc.encode(&mut octx, frame, tb))?;
    enc.finish(&mut octx)?;
    if Instant::now() >= deadline {
        return Err(crate::film::errors::timed_out());
    }
    octx.write_trailer().map_err(mux_error)
}

/// (integrated loudness, true peak) of a rendition as it decodes.
fn measure_file(path: &Path, deadline: Instant, limits: &Limits) -> Result<(Option<f64>, f64), MediaError> {
    let plan = plan(&open_guarded_with(path, deadline, SOUND_DEMUXERS)?, limits)?;
    let layout = if plan.out_channels == 1 { "mono" } else { "stereo" };
    let spec = format!("[in]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts={layout}[out0]");
    let mut meter = Meter::new(plan.out_channels as usize);
    decode_through(path, deadline, &plan, limits, AudioGraphSpec { spec, frame_sizes: vec![0] }, &mut |_, frame, _| {
        meter.add(&planes(frame, plan.out_channels));
        Ok(())
    })?;
    Ok((meter.integrated(), meter.true_peak_db()))
}

/// The channels of a planar float frame as slices.
fn planes(frame: &frame::Audio, channels: u32) -> Vec<&[f32]> {
    (0..channels as usize).map(|ch| &frame.plane::<f32>(ch)[..frame.samples()]).collect()
}

/// Decodes the kept track from the start through `spec`, handing every filtered frame
/// to `deliver`.
fn decode_through(
    input: &Path,
    deadline: Instant,
    plan: &SoundPlan,
    limits: &Limits,
    spec: AudioGraphSpec,
    deliver: &mut Deliver<'_>,
) -> Result<(), MediaError> {
    let mut src = open_guarded_with(input, deadline, SOUND_DEMUXERS)?;
    ffi::discard_streams_except(src.input_mut(), &[plan.index]);
    let stream = src.input().stream(plan.index).ok_or_else(corrupt)?;
    let tb = stream.time_base();
    if tb.numerator() <= 0 || tb.denominator() <= 0 {
        return Err(corrupt());
    }
    let decoder = open_decoder(src.input(), plan.index, limits, false)?.audio().map_err(|_| corrupt())?;
    let mut path = AudioPath::new(decoder, tb, rescale(plan.origin_us, Rational::new(1, TIME_BASE), tb), spec);
    loop {
        match read_packet(&mut src)? {
            Read::Packet(packet) if packet.stream() == plan.index => path.send(&packet, deliver, limits)?,
            Read::Packet(_) => {}
            Read::End => break,
        }
    }
    src.check_deadline()?;
    path.finish(deliver, limits)?;
    src.check_deadline()
}
