//! The video path: decoded pictures through one filter graph, split per size, to every
//! output's H.264 encoder, with the input's timestamps (variable frame rate) kept.

use ffmpeg::codec;
use ffmpeg::ffi as sys;
use ffmpeg::filter;
use ffmpeg::format;
use ffmpeg::frame;
use ffmpeg::{Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::colour::{frame_colour, Colour};
use super::decode::{DecodeErrors, DURATION_SLACK_S};
use super::encode::Muxed;
use super::errors::{corrupt, is_again, ours, too_long};
use super::ffi;
use super::graph::{video_graph, video_spec, Pictures, SINKS};
use super::time::{rational_f64, rescale};
use crate::{Limits, MediaError};

/// The decoder, and the filter graph feeding every output's encoder.
pub(super) struct VideoPath {
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
    errors: DecodeErrors,
}

impl VideoPath {
    /// `origin`: the start of the presentation in `in_tb`, subtracted from every timestamp;
    /// `sizes`: the size of each output, in the order of the outputs.
    pub(super) fn new(
        decoder: codec::decoder::Video,
        in_tb: Rational,
        origin: i64,
        rotation: i32,
        colour: Colour,
        sizes: Vec<(u32, u32)>,
    ) -> Self {
        Self {
            decoder,
            in_tb,
            origin,
            rotation,
            colour,
            sizes,
            graph: None,
            spec: String::new(),
            next_in_pts: None,
            last_in_duration: None,
            errors: DecodeErrors::default(),
        }
    }

    fn frame_key(frame: &frame::Video) -> (u32, u32, i32) {
        let pix: sys::AVPixelFormat = frame.format().into();
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
        let in_duration = ffi::packet_duration(frame);
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
                    self.errors.count()?;
                    return Ok(());
                }
            }
        }
    }

    pub(super) fn send(
        &mut self,
        packet: &Packet,
        outs: &mut [Muxed],
        limits: &Limits,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), MediaError> {
        if self.decoder.send_packet(packet).is_err() {
            self.errors.count()?;
        }
        self.receive_decoded(outs, limits, progress)
    }

    pub(super) fn finish(&mut self, outs: &mut [Muxed], limits: &Limits, progress: &mut dyn FnMut(f64)) -> Result<(), MediaError> {
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
