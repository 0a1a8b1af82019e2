//! The audio path: decoded sound through one filter graph (48 kHz stereo) to every
//! output's AAC encoder, each at its own bit rate.

use ffmpeg::codec;
use ffmpeg::filter;
use ffmpeg::frame;
use ffmpeg::{Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::decode::{DecodeErrors, DURATION_SLACK_S};
use super::encode::Muxed;
use super::errors::{is_again, ours, too_long};
use super::graph::{audio_graph, audio_key, AudioKey};
use super::time::{rational_f64, rescale};
use crate::{Limits, MediaError};

/// The sound decoder and the filter graph feeding every output's AAC encoder.
pub(super) struct AudioPath {
    decoder: codec::decoder::Audio,
    in_tb: Rational,
    origin: i64,
    graph: Option<(filter::Graph, AudioKey)>,
    frame_size: u32,
    next_in_pts: Option<i64>,
    errors: DecodeErrors,
}

impl AudioPath {
    /// `origin`: the start of the presentation in `in_tb`; `frame_size`: the samples per
    /// frame the encoders want (0: any).
    pub(super) fn new(decoder: codec::decoder::Audio, in_tb: Rational, origin: i64, frame_size: u32) -> Self {
        Self { decoder, in_tb, origin, graph: None, frame_size, next_in_pts: None, errors: DecodeErrors::default() }
    }

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
                    self.errors.count()?;
                    return Ok(());
                }
            }
        }
    }

    pub(super) fn send(&mut self, packet: &Packet, outs: &mut [Muxed], limits: &Limits) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors.count()?;
        }
        self.receive_decoded(outs, limits)
    }

    pub(super) fn finish(&mut self, outs: &mut [Muxed], limits: &Limits) -> Result<(), MediaError> {
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
