//! The audio path: decoded sound through one filter graph to whoever takes the filtered
//! frames. A film's graph brings the sound to 48 kHz stereo for every output's AAC
//! encoder; a sound work's graphs measure it first and then split it to Opus and AAC.

use ffmpeg::codec;
use ffmpeg::filter;
use ffmpeg::frame;
use ffmpeg::{Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::decode::{DecodeErrors, DURATION_SLACK_S};
use super::errors::{is_again, ours, too_long};
use super::graph::{audio_graph, audio_key, AudioGraphSpec, AudioKey, SINKS};
use super::time::{rational_f64, rescale};
use crate::{Limits, MediaError};

/// Takes each filtered frame: the index of the sink it came out of, the frame, and the
/// sink's time base.
pub(crate) type Deliver<'a> = dyn FnMut(usize, &mut frame::Audio, Rational) -> Result<(), MediaError> + 'a;

/// The sound decoder and the filter graph its frames go through.
pub(crate) struct AudioPath {
    decoder: codec::decoder::Audio,
    in_tb: Rational,
    origin: i64,
    spec: AudioGraphSpec,
    graph: Option<(filter::Graph, AudioKey)>,
    next_in_pts: Option<i64>,
    errors: DecodeErrors,
}

impl AudioPath {
    /// `origin`: the start of the presentation in `in_tb`; `spec`: the graph to build
    /// (again whenever the decoded sound changes rate, format or channels).
    pub(crate) fn new(decoder: codec::decoder::Audio, in_tb: Rational, origin: i64, spec: AudioGraphSpec) -> Self {
        Self { decoder, in_tb, origin, spec, graph: None, next_in_pts: None, errors: DecodeErrors::default() }
    }

    fn filter(&mut self, frame: Option<&mut frame::Audio>, deliver: &mut Deliver<'_>, limits: &Limits) -> Result<(), MediaError> {
        let Some(frame) = frame else { return self.flush_graph(deliver) };
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
            self.flush_graph(deliver)?;
            let graph = audio_graph(key, self.in_tb, &self.spec)?;
            self.graph = Some((graph, key));
        }
        let (graph, _) = self.graph.as_mut().expect("built above");
        graph
            .get("in")
            .expect("abuffer")
            .source()
            .add(frame)
            .map_err(|e| ours("audio filters", e))?;
        self.pull(deliver)
    }

    fn flush_graph(&mut self, deliver: &mut Deliver<'_>) -> Result<(), MediaError> {
        if let Some((graph, _)) = self.graph.as_mut() {
            graph
                .get("in")
                .expect("abuffer")
                .source()
                .flush()
                .map_err(|e| ours("audio filters", e))?;
            self.pull(deliver)?;
            self.graph = None;
        }
        Ok(())
    }

    /// Hands out whatever every sink has ready.
    fn pull(&mut self, deliver: &mut Deliver<'_>) -> Result<(), MediaError> {
        let Some((graph, _)) = self.graph.as_mut() else { return Ok(()) };
        for (index, name) in SINKS.iter().enumerate().take(self.spec.frame_sizes.len()) {
            let mut sink = graph.get(name).expect("abuffersink");
            let sink_tb = sink.sink().time_base();
            loop {
                let mut filtered = frame::Audio::empty();
                match sink.sink().frame(&mut filtered) {
                    Ok(()) => deliver(index, &mut filtered, sink_tb)?,
                    Err(ffmpeg::Error::Eof) => break,
                    Err(e) if is_again(&e) => break,
                    Err(e) => return Err(ours("audio filters", e)),
                }
            }
        }
        Ok(())
    }

    fn receive_decoded(&mut self, deliver: &mut Deliver<'_>, limits: &Limits) -> Result<(), MediaError> {
        loop {
            let mut decoded = frame::Audio::empty();
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => self.filter(Some(&mut decoded), deliver, limits)?,
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                Err(_) => {
                    self.errors.count()?;
                    return Ok(());
                }
            }
        }
    }

    pub(crate) fn send(&mut self, packet: &Packet, deliver: &mut Deliver<'_>, limits: &Limits) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors.count()?;
        }
        self.receive_decoded(deliver, limits)
    }

    /// Drains the decoder and the graph; the encoders are the caller's to finish.
    pub(crate) fn finish(&mut self, deliver: &mut Deliver<'_>, limits: &Limits) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof();
        self.receive_decoded(deliver, limits)?;
        self.filter(None, deliver, limits)
    }
}
