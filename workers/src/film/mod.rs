//! Films: probing, the H.264/AAC web renditions and the poster, through FFmpeg.
//!
//! Every input is a hostile upload. It is opened through one function, [`open_guarded`],
//! which restricts FFmpeg to the `file` protocol and to a short list of container
//! demuxers (so playlists such as HLS or ffconcat, which would make FFmpeg open other
//! files, are refused before anything they reference is touched) and which installs an
//! interrupt callback enforcing the wall-clock budget from [`Limits::timeout`].
//!
//! The web renditions are H.264 High 8-bit 4:2:0 (libx264) + AAC in MP4s with the index
//! at the front, upright (the display matrix is applied to the pixels), with square
//! pixels and without any metadata from the input: `web.mp4` fitted within 1280x720 and
//! `web-360.mp4` within 640x360 (swapped for portrait), never upscaled. Both come out of
//! one decode: the decoded pictures go through one filter graph that splits them
//! after the shared work (scaling, tone mapping, rotation) into one branch per size.
//!
//! HDR films (PQ or HLG) are tone-mapped to BT.709 SDR with `zscale` + `tonemap`; films
//! with BT.2020 primaries or matrix but an SDR transfer are converted to BT.709
//! primaries. Both come out tagged BT.709. A film is HDR only when its transfer says so:
//! what its colour description leaves unspecified is filled in from what it does say
//! (see `Colour::completed`), so a BT.2020 film that names only its matrix is SDR
//! BT.2020. When this FFmpeg lacks `zscale` or `tonemap`, the pictures are only reduced
//! to 8 bits and keep the input's colour tags (players that honour the tags still show
//! them right; others show them flat): see [`tone_mapping_available`].
//!
//! Failures are classified by whose they are: the demuxer or decoder refusing the
//! citizen's bytes is the film's (`corrupt_file`); our filter graph, encoders or muxer
//! failing on pictures that were decoded is ours ([`MediaError::internal`]).
//!
//! The poster is a picture that is neither black nor blank: a few candidate instants
//! are tried (by seeking, never by decoding from the start; snapped to a nearby key
//! frame when the container has an index, so that usually one picture is decoded) and
//! the first whose brightness and contrast look like content is kept.
//!
//! The work is split by stage, and every `unsafe` touch of FFmpeg's structs is in `ffi`:
//! `guard` opens inputs under the allowlists and the deadline; `probe` reads the headers
//! into a `Plan`; `colour` completes colour descriptions and chooses their conversion;
//! `graph` describes and builds the filter graphs; `decode`, `video`, `audio`, `encode`
//! and `mux` are the stages `transcode` runs in one pass; `seek` and `poster` find and
//! write the poster.

pub(crate) mod audio;
mod colour;
pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod errors;
pub(crate) mod ffi;
pub(crate) mod graph;
pub(crate) mod guard;
pub(crate) mod mux;
mod poster;
mod probe;
mod seek;
mod subtitles;
pub(crate) mod time;
mod transcode;
mod video;

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Instant;

use ffmpeg_next as ffmpeg;
use serde::Serialize;

use crate::privacy::{self, Receipt};
use crate::{Limits, MediaError, Rendition};
use errors::timed_out;
use guard::{deadline_from, open_guarded};
use poster::{choose_poster, write_posters};
use probe::plan;
use transcode::{transcode, Target};

pub use colour::tone_mapping_available;
pub use subtitles::text_subtitles;

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
    /// Bits per luma sample of the decoded picture (8, 10, 12...; 0 when unknown).
    pub bit_depth: u32,
    /// The picture is HDR (PQ or HLG transfer): the web renditions are tone-mapped.
    pub hdr: bool,
}

/// Everything [`process_film`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct FilmOutputs {
    pub info: FilmInfo,
    /// `web.mp4`: H.264 + AAC 128 kb/s, fast start, within 1280x720.
    pub web: Rendition,
    /// `web-360.mp4`: the low-bandwidth rendition, H.264 + AAC 96 kb/s, within 640x360.
    pub web_360: Rendition,
    /// `poster.jpg`, at the web rendition's size.
    pub poster_jpeg: Rendition,
    /// `poster.webp`, at the web rendition's size.
    pub poster_webp: Rendition,
    /// Where in the film (seconds from its start) the poster was taken.
    pub poster_at_s: f64,
    /// What identifying tags the original carried, and that no public file has any.
    pub privacy: Receipt,
}

/// What [`extract_poster`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Posters {
    /// `poster.jpg`, at the web rendition's size.
    pub jpeg: Rendition,
    /// `poster.webp`, at the web rendition's size.
    pub webp: Rendition,
    /// Where in the film (seconds from its start) the picture was taken.
    pub at_s: f64,
}

const WEB_NAME: &str = "web.mp4";
const WEB_360_NAME: &str = "web-360.mp4";
const POSTER_JPEG_NAME: &str = "poster.jpg";
const POSTER_WEBP_NAME: &str = "poster.webp";

const AUDIO_BIT_RATE: usize = 128_000;
const AUDIO_360_BIT_RATE: usize = 96_000;

static INIT: Once = Once::new();

pub(crate) fn init() {
    INIT.call_once(|| {
        // init() only registers devices and sets up nothing fallible that we depend on.
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
    });
}

/// Reads a film's headers (and as much of the start as FFmpeg needs to describe its
/// streams) and checks it against the limits. Nothing is decoded to pixels.
pub fn probe_film(input: &Path, limits: &Limits) -> Result<FilmInfo, MediaError> {
    init();
    let src = open_guarded(input, deadline_from(limits))?;
    Ok(plan(&src, limits)?.info)
}

fn rendition(name: &str, path: &Path, mime: &'static str, size: (u32, u32), duration_s: Option<f64>) -> Rendition {
    Rendition {
        name: name.to_string(),
        path: PathBuf::from(path),
        mime,
        width: size.0,
        height: size.1,
        duration_s,
    }
}

fn remove_all(paths: &[&Path]) {
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// Writes `web.mp4`, `web-360.mp4`, `poster.jpg` and `poster.webp` into `out_dir`.
///
/// `progress` is called with a fraction from 0.0 to 1.0 that never decreases. On
/// failure, whatever was written is removed.
pub fn process_film(
    input: &Path,
    out_dir: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(f32),
) -> Result<FilmOutputs, MediaError> {
    init();
    let deadline = deadline_from(limits);
    let web_path = out_dir.join(WEB_NAME);
    let web_360_path = out_dir.join(WEB_360_NAME);
    let jpeg_path = out_dir.join(POSTER_JPEG_NAME);
    let webp_path = out_dir.join(POSTER_WEBP_NAME);

    let result = run(input, limits, deadline, [&web_path, &web_360_path, &jpeg_path, &webp_path], progress);
    if result.is_err() {
        remove_all(&[&web_path, &web_360_path, &jpeg_path, &webp_path]);
    }
    result
}

fn run(
    input: &Path,
    limits: &Limits,
    deadline: Instant,
    [web_path, web_360_path, jpeg_path, webp_path]: [&Path; 4],
    progress: &mut dyn FnMut(f32),
) -> Result<FilmOutputs, MediaError> {
    progress(0.0);
    let mut src = open_guarded(input, deadline)?;
    let plan = plan(&src, limits)?;
    let (container, streams) = tags(src.input());
    let found = privacy::in_film_tags(&container, &streams, plan.info.rotation);

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
    let big = (plan.out_width, plan.out_height);
    let small = (plan.small_width, plan.small_height);
    let targets = [
        Target { path: web_path, size: big, audio_bit_rate: AUDIO_BIT_RATE },
        Target { path: web_360_path, size: small, audio_bit_rate: AUDIO_360_BIT_RATE },
    ];
    let measured = transcode(&mut src, &plan, &targets, limits, &mut on_video)?;
    drop(src);
    progress(0.95);

    let mut info = plan.info.clone();
    if info.duration_s <= 0.0 {
        info.duration_s = measured;
    }

    let mut src = open_guarded(input, deadline)?;
    let (img, poster_at_s) = choose_poster(&mut src, &plan, info.duration_s, limits)?;
    drop(src);
    if Instant::now() >= deadline {
        return Err(timed_out());
    }
    write_posters(&img, jpeg_path, webp_path)?;
    let public_files_clean = films_are_clean(&[web_path, web_360_path], deadline)?
        && [jpeg_path, webp_path].iter().try_fold(true, |clean, path| {
            Ok::<_, MediaError>(clean && privacy::photo_file_is_clean(&std::fs::read(path).map_err(MediaError::io)?))
        })?;
    progress(1.0);

    Ok(FilmOutputs {
        privacy: Receipt { found, public_files_clean },
        web: rendition(WEB_NAME, web_path, "video/mp4", big, Some(info.duration_s)),
        web_360: rendition(WEB_360_NAME, web_360_path, "video/mp4", small, Some(info.duration_s)),
        poster_jpeg: rendition(POSTER_JPEG_NAME, jpeg_path, "image/jpeg", big, None),
        poster_webp: rendition(POSTER_WEBP_NAME, webp_path, "image/webp", big, None),
        poster_at_s,
        info,
    })
}

/// A file's container and stream tags as (lower-case key, value) pairs.
pub(crate) fn tags(input: &ffmpeg::format::context::Input) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let pairs = |dict: ffmpeg::DictionaryRef<'_>| dict.iter().map(|(k, v)| (k.to_lowercase(), v.to_owned())).collect::<Vec<_>>();
    let container = pairs(input.metadata());
    let streams = input.streams().flat_map(|stream| pairs(stream.metadata())).collect();
    (container, streams)
}

/// Reads back the films written and checks that their tags are the muxer's own.
pub(crate) fn films_are_clean(paths: &[&Path], deadline: Instant) -> Result<bool, MediaError> {
    for path in paths {
        let written = open_guarded(path, deadline)?;
        let (container, streams) = tags(written.input());
        if !privacy::tags_are_clean(&container, &streams) {
            tracing::error!(file = %path.display(), ?container, ?streams, "a public film carries tags");
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes only `web.mp4` (the 1280x720 rendition) into `out_dir`: no small rendition,
/// no poster.
///
/// For benchmarks and tools (it is what `ffmpeg -vf scale=-2:720 -c:v libx264 ...`
/// does, so the two can be compared); the service uses [`process_film`].
pub fn transcode_web_only(input: &Path, out_dir: &Path, limits: &Limits) -> Result<Rendition, MediaError> {
    init();
    let web_path = out_dir.join(WEB_NAME);
    let result = (|| {
        let mut src = open_guarded(input, deadline_from(limits))?;
        let plan = plan(&src, limits)?;
        let size = (plan.out_width, plan.out_height);
        let target = Target { path: &web_path, size, audio_bit_rate: AUDIO_BIT_RATE };
        let measured = transcode(&mut src, &plan, &[target], limits, &mut |_| {})?;
        let duration = if plan.info.duration_s > 0.0 { plan.info.duration_s } else { measured };
        Ok(rendition(WEB_NAME, &web_path, "video/mp4", size, Some(duration)))
    })();
    if result.is_err() {
        remove_all(&[&web_path]);
    }
    result
}

/// Writes `poster.jpg` and `poster.webp` (the same posters as [`process_film`]) into
/// `out_dir`, seeking to the candidate instants instead of decoding the film.
pub fn extract_poster(input: &Path, out_dir: &Path, limits: &Limits) -> Result<Posters, MediaError> {
    init();
    let deadline = deadline_from(limits);
    let jpeg_path = out_dir.join(POSTER_JPEG_NAME);
    let webp_path = out_dir.join(POSTER_WEBP_NAME);
    let result = (|| {
        let mut src = open_guarded(input, deadline)?;
        let plan = plan(&src, limits)?;
        let (img, at_s) = choose_poster(&mut src, &plan, plan.info.duration_s, limits)?;
        drop(src);
        if Instant::now() >= deadline {
            return Err(timed_out());
        }
        write_posters(&img, &jpeg_path, &webp_path)?;
        let size = (plan.out_width, plan.out_height);
        Ok(Posters {
            jpeg: rendition(POSTER_JPEG_NAME, &jpeg_path, "image/jpeg", size, None),
            webp: rendition(POSTER_WEBP_NAME, &webp_path, "image/webp", size, None),
            at_s,
        })
    })();
    if result.is_err() {
        remove_all(&[&jpeg_path, &webp_path]);
    }
    result
}
