//! Piazza's media engine.
//!
//! Files in, files and metadata out: this crate knows nothing of HTTP, SQL or object
//! stores, so it can be tested and benchmarked alone on `media-samples/`. Every entry
//! point is blocking and CPU-bound; callers run it on a bounded pool off the async runtime.

/// Colour management: embedded ICC profiles and CMYK converted to sRGB.
mod colour;
/// Failures, each classified permanent (the file is bad), transient (try again) or internal (our fault).
pub mod error;
/// A bounded reader of EXIF/TIFF directories (orientation, TIFF size).
mod exif;
/// Films: probing, the H.264/AAC web rendition and the poster, through FFmpeg.
pub mod film;
/// Where each photo format states its size, read by hand before any decoder runs.
mod headers;
/// HEIC/HEIF stills through libheif.
mod heif;
/// Configurable limits checked before anything is decoded.
pub mod limits;
/// Photos: header checks, orientation, resized WebP/JPEG derivatives without metadata.
pub mod photo;
/// The privacy receipt: identifying metadata found in an original, and public files read back.
pub mod privacy;
/// ThumbHash placeholder and average colour.
pub mod placeholder;
/// Sound works: probing, loudness-normalised Opus/WebM and AAC/M4A renditions, the waveform.
pub mod sound;
/// Deciding what a file is from its first bytes, never from its name.
pub mod sniff;
/// Poems and stories: UTF-8 checks and rendering to inert HTML that keeps the layout.
pub mod text;

pub use error::{FailureClass, MediaError, PROCESSING_ERROR};
pub use limits::Limits;

use serde::Serialize;
use std::path::PathBuf;

/// One derived file written by the engine, with its decoded properties.
#[derive(Debug, Clone, Serialize)]
pub struct Rendition {
    /// File name inside the output directory; also the last segment of its storage key.
    pub name: String,
    #[serde(skip)]
    pub path: PathBuf,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub duration_s: Option<f64>,
}
