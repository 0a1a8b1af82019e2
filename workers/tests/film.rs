//! Films: web rendition, posters and refusals. Inputs are generated at test time with the
//! `ffmpeg` CLI (lavfi test sources) and outputs checked with `ffprobe`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use piazza_workers::film::{extract_poster, probe_film, process_film, transcode_web_only, FilmOutputs};
use piazza_workers::{Limits, MediaError};
use serde_json::Value;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------
// Helpers

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg CLI is installed");
    assert!(
        out.status.success(),
        "ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ffprobe(path: &Path) -> Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_streams", "-show_format", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe CLI is installed");
    assert!(out.status.success(), "ffprobe failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("ffprobe prints JSON")
}

fn streams_of<'a>(probe: &'a Value, kind: &str) -> Vec<&'a Value> {
    probe["streams"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["codec_type"] == kind)
        .collect()
}

fn format_duration(probe: &Value) -> f64 {
    probe["format"]["duration"].as_str().unwrap().parse().unwrap()
}

/// Types of the top-level boxes of an MP4 file, in order.
fn mp4_top_boxes(path: &Path) -> Vec<String> {
    let data = std::fs::read(path).unwrap();
    let mut boxes = Vec::new();
    let mut pos = 0usize;
    while pos + 8 <= data.len() {
        let size32 = u32::from_be_bytes(data[pos..pos + 4].try_into().unwrap()) as u64;
        let kind = String::from_utf8_lossy(&data[pos + 4..pos + 8]).into_owned();
        let size = match size32 {
            0 => (data.len() - pos) as u64,
            1 => u64::from_be_bytes(data[pos + 8..pos + 16].try_into().unwrap()),
            n => n,
        };
        assert!(size >= 8, "bad box size {size} for {kind}");
        boxes.push(kind);
        pos += size as usize;
    }
    boxes
}

fn run(input: &Path, out_dir: &Path, limits: &Limits) -> (Result<FilmOutputs, MediaError>, Vec<f32>) {
    let mut seen = Vec::new();
    let result = process_film(input, out_dir, limits, &mut |p| seen.push(p));
    (result, seen)
}

fn expect_code(result: Result<impl std::fmt::Debug, MediaError>, code: &str) -> MediaError {
    match result {
        Ok(v) => panic!("expected {code}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.code, code, "unexpected error: {e}");
            e
        }
    }
}

fn out_dir(tmp: &TempDir) -> PathBuf {
    let dir = tmp.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn luma_mean(img: &image::RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> f64 {
    let mut sum = 0f64;
    let mut n = 0f64;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y);
            sum += (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) as f64 / 3.0;
            n += 1.0;
        }
    }
    sum / n
}

fn assert_web_basics(web: &Path, max_w: u32, max_h: u32) -> Value {
    let probe = ffprobe(web);
    let video = streams_of(&probe, "video");
    assert_eq!(video.len(), 1, "{probe:#}");
    let v = video[0];
    assert_eq!(v["codec_name"], "h264");
    assert_eq!(v["profile"], "High");
    assert_eq!(v["pix_fmt"], "yuv420p");
    let (w, h) = (v["width"].as_u64().unwrap() as u32, v["height"].as_u64().unwrap() as u32);
    assert!(w % 2 == 0 && h % 2 == 0, "odd size {w}x{h}");
    assert!(w <= max_w && h <= max_h, "{w}x{h} exceeds {max_w}x{max_h}");
    if let Some(sar) = v["sample_aspect_ratio"].as_str() {
        assert!(sar == "1:1" || sar == "0:1", "non-square pixels: {sar}");
    }
    // Upright: no rotation left for the player to apply.
    assert!(v["tags"].get("rotate").is_none(), "{v:#}");
    let side = v.get("side_data_list").and_then(Value::as_array).cloned().unwrap_or_default();
    assert!(
        side.iter().all(|s| s["side_data_type"] != "Display Matrix"),
        "display matrix survived: {v:#}"
    );
    // Fast start: the index comes before the media data.
    let boxes = mp4_top_boxes(web);
    let moov = boxes.iter().position(|b| b == "moov").expect("moov box");
    let mdat = boxes.iter().position(|b| b == "mdat").expect("mdat box");
    assert!(moov < mdat, "moov after mdat: {boxes:?}");
    probe
}

fn check_posters(out: &FilmOutputs) -> (image::RgbImage, image::RgbImage) {
    assert_eq!(out.poster_jpeg.name, "poster.jpg");
    assert_eq!(out.poster_jpeg.mime, "image/jpeg");
    assert_eq!(out.poster_jpeg.duration_s, None);
    assert_eq!(out.poster_webp.name, "poster.webp");
    assert_eq!(out.poster_webp.mime, "image/webp");
    assert_eq!(out.poster_webp.duration_s, None);
    let jpeg = image::load_from_memory_with_format(
        &std::fs::read(&out.poster_jpeg.path).unwrap(),
        image::ImageFormat::Jpeg,
    )
    .unwrap()
    .to_rgb8();
    let webp = image::load_from_memory_with_format(
        &std::fs::read(&out.poster_webp.path).unwrap(),
        image::ImageFormat::WebP,
    )
    .unwrap()
    .to_rgb8();
    for (img, r) in [(&jpeg, &out.poster_jpeg), (&webp, &out.poster_webp)] {
        assert_eq!(img.dimensions(), (out.web.width, out.web.height));
        assert_eq!(img.dimensions(), (r.width, r.height));
    }
    (jpeg, webp)
}

/// The low-bandwidth rendition: same settings as `web.mp4`, fitted within 640x360
/// (360x640 for portrait), never larger than the web rendition; same pictures and length.
fn check_web_360(out: &FilmOutputs) -> Value {
    assert_eq!(out.web_360.name, "web-360.mp4");
    assert_eq!(out.web_360.mime, "video/mp4");
    assert_eq!(out.web_360.path.file_name().unwrap(), "web-360.mp4");
    assert_eq!(out.web_360.duration_s, out.web.duration_s);
    let (w, h) = (out.web_360.width, out.web_360.height);
    assert!(w <= out.web.width && h <= out.web.height, "{w}x{h} larger than the web rendition");
    let (max_w, max_h) = if out.web.height > out.web.width { (360, 640) } else { (640, 360) };
    let probe = assert_web_basics(&out.web_360.path, max_w, max_h);
    let v = streams_of(&probe, "video")[0];
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(w.into()), Some(h.into())));
    // Same aspect ratio as the web rendition (within the rounding to even sizes).
    let (ra, rb) = (f64::from(w) / f64::from(h), f64::from(out.web.width) / f64::from(out.web.height));
    assert!((ra / rb - 1.0).abs() < 0.02, "aspect {ra} vs {rb}");
    // The same pictures at the same instants as the web rendition.
    assert_eq!(frame_times(&out.web_360.path), frame_times(&out.web.path));
    let big = ffprobe(&out.web.path);
    assert_eq!(streams_of(&probe, "audio").len(), streams_of(&big, "audio").len());
    if let Some(a) = streams_of(&probe, "audio").first() {
        assert_eq!(a["codec_name"], "aac");
        assert_eq!(a["channels"], 2);
        let bit_rate: f64 = a["bit_rate"].as_str().unwrap().parse().unwrap();
        assert!((56_000.0..=110_000.0).contains(&bit_rate), "small audio bit rate {bit_rate}");
    }
    let (d_small, d_big) = (format_duration(&probe), format_duration(&big));
    assert!((d_small - d_big).abs() < 0.05, "durations {d_small} vs {d_big}");
    probe
}

/// Presentation times of every picture of the first video stream.
fn frame_times(path: &Path) -> Vec<f64> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect()
}

/// `signalstats` of the first picture of `path` (after `vf`, e.g. "format=yuv420p,").
fn first_picture_stats(path: &Path, vf: &str) -> std::collections::HashMap<String, f64> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-i"])
        .arg(path)
        .args(["-vf", &format!("{vf}signalstats,metadata=print:file=-"), "-frames:v", "1", "-f", "null", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("lavfi.signalstats."))
        .filter_map(|kv| kv.split_once('='))
        .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
        .collect()
}

/// Mean volume (dB) of the first audio stream.
fn mean_volume_db(path: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-i"])
        .arg(path)
        .args(["-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let line = log.lines().find(|l| l.contains("mean_volume:")).unwrap_or_else(|| panic!("{log}"));
    line.split("mean_volume:").nth(1).unwrap().trim().trim_end_matches("dB").trim().parse().unwrap()
}

/// Every check a web rendition of any input must pass, for both sizes.
fn check_outputs(out: &FilmOutputs) {
    let (max_w, max_h) = if out.web.height > out.web.width { (720, 1280) } else { (1280, 720) };
    assert_web_basics(&out.web.path, max_w, max_h);
    check_web_360(out);
    check_posters(out);
}

/// A named pipe plus a thread that notices if anyone opens it for reading.
struct Tripwire {
    path: PathBuf,
    opened: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Tripwire {
    fn new(path: PathBuf) -> Self {
        let status = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
        assert!(status.success());
        let opened = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (path, opened, stop) = (path.clone(), opened.clone(), stop.clone());
            std::thread::spawn(move || {
                use std::os::unix::fs::OpenOptionsExt;
                const O_NONBLOCK: i32 = 0o4000;
                while !stop.load(Ordering::SeqCst) {
                    // Opening a FIFO for writing without blocking only succeeds while a
                    // reader has it open: a reader means the referenced file was read.
                    if std::fs::OpenOptions::new()
                        .write(true)
                        .custom_flags(O_NONBLOCK)
                        .open(&path)
                        .is_ok()
                    {
                        opened.store(true, Ordering::SeqCst);
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
            })
        };
        Self { path, opened, stop, thread: Some(thread) }
    }

    fn was_opened(mut self) -> bool {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap();
        self.opened.load(Ordering::SeqCst)
    }
}


/// Positive control: unrestricted FFmpeg (the ffprobe CLI) does follow the reference, so
/// the tripwire would have noticed if our guarded open had read it.
fn unrestricted_ffprobe_opens(wire_dir: &Path, list_text: impl Fn(&Path) -> String, extra: &[&str]) -> bool {
    let wire = Tripwire::new(wire_dir.join("control-trap.ts"));
    let list = wire_dir.join("control-list.mp4");
    std::fs::write(&list, list_text(&wire.path)).unwrap();
    let _ = Command::new("ffprobe")
        .args(["-v", "quiet"])
        .args(extra)
        .arg(&list)
        .output()
        .expect("ffprobe CLI is installed");
    wire.was_opened()
}

// ---------------------------------------------------------------------------------------
// Happy paths

#[test]
fn landscape_h264_aac_becomes_720p_web_film_with_posters() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=1920x1080:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-ac", "1", "-shortest",
        input.to_str().unwrap(),
    ]);
    let limits = Limits::default();

    let info = probe_film(&input, &limits).unwrap();
    assert_eq!((info.width, info.height), (1920, 1080));
    assert_eq!(info.rotation, 0);
    assert!(info.has_audio);
    assert_eq!(info.video_codec, "h264");
    assert!((info.frame_rate - 25.0).abs() < 0.01, "{info:?}");
    assert!((info.duration_s - 2.0).abs() < 0.1, "{info:?}");

    let dir = out_dir(&tmp);
    let (result, progress) = run(&input, &dir, &limits);
    let out = result.unwrap();

    assert_eq!(out.web.name, "web.mp4");
    assert_eq!(out.web.mime, "video/mp4");
    assert_eq!(out.web.path, dir.join("web.mp4"));
    assert_eq!((out.web.width, out.web.height), (1280, 720));
    assert!((out.web.duration_s.unwrap() - 2.0).abs() < 0.1);

    let probe = assert_web_basics(&out.web.path, 1280, 720);
    let v = streams_of(&probe, "video")[0];
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(1280), Some(720)));
    let audio = streams_of(&probe, "audio");
    assert_eq!(audio.len(), 1);
    let a = audio[0];
    assert_eq!(a["codec_name"], "aac");
    assert_eq!(a["sample_rate"], "48000");
    assert_eq!(a["channels"], 2);
    let bit_rate: f64 = a["bit_rate"].as_str().unwrap().parse().unwrap();
    assert!((100_000.0..=160_000.0).contains(&bit_rate), "audio bit rate {bit_rate}");
    let duration = format_duration(&probe);
    assert!((duration - 2.0).abs() < 0.15, "duration {duration}");
    let frames: u64 = v["nb_frames"].as_str().unwrap().parse().unwrap();
    assert_eq!(frames, 50);
    // Every picture is also presented (none cut off by the edit list at the end).
    let counted = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(&out.web.path)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&counted.stdout).trim().trim_end_matches(','), "50");

    check_posters(&out);
    assert_eq!((out.web_360.width, out.web_360.height), (640, 360));
    let small = check_web_360(&out);
    let v = streams_of(&small, "video")[0];
    assert_eq!(v["nb_frames"], "50");

    assert!(!progress.is_empty());
    assert_eq!(progress.first().copied(), Some(0.0));
    assert_eq!(progress.last().copied(), Some(1.0));
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert!(progress.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(progress.len() > 3, "progress too coarse: {progress:?}");
}

#[test]
fn rotated_film_is_turned_upright_with_swapped_dimensions() {
    let tmp = TempDir::new().unwrap();
    let plain = tmp.path().join("plain.mp4");
    let input = tmp.path().join("rotated.mp4");
    // Left half white, right half black: the orientation is easy to check.
    ffmpeg(&[
        "-f", "lavfi", "-i",
        "color=c=white:size=640x360:rate=10:duration=1,drawbox=x=320:y=0:w=320:h=360:color=black:t=fill",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        plain.to_str().unwrap(),
    ]);
    ffmpeg(&["-i", plain.to_str().unwrap(), "-c", "copy", "-metadata:s:v", "rotate=90", input.to_str().unwrap()]);
    let probe_in = ffprobe(&input);
    let side = &streams_of(&probe_in, "video")[0]["side_data_list"];
    assert!(side.to_string().contains("Display Matrix"), "test input is not rotated: {probe_in:#}");

    // How FFmpeg's own player/CLI shows this film (autorotate), as the reference.
    let reference = tmp.path().join("reference.png");
    ffmpeg(&["-i", input.to_str().unwrap(), "-frames:v", "1", reference.to_str().unwrap()]);
    let reference = image::open(&reference).unwrap().to_rgb8();
    assert_eq!(reference.dimensions(), (360, 640));
    let ref_top = luma_mean(&reference, 0, 0, 360, 320);
    let ref_bottom = luma_mean(&reference, 0, 320, 360, 640);
    assert!((ref_top - ref_bottom).abs() > 100.0);

    let limits = Limits::default();
    let info = probe_film(&input, &limits).unwrap();
    assert_eq!((info.width, info.height), (360, 640));
    assert!(info.rotation == 90 || info.rotation == 270, "{info:?}");
    assert!(!info.has_audio);

    let dir = out_dir(&tmp);
    let out = run(&input, &dir, &limits).0.unwrap();
    assert_eq!((out.web.width, out.web.height), (360, 640));
    let probe = assert_web_basics(&out.web.path, 720, 1280);
    let v = streams_of(&probe, "video")[0];
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(360), Some(640)));
    assert!(streams_of(&probe, "audio").is_empty());

    // The web film's pixels are upright: same orientation as the reference.
    let first = tmp.path().join("web-first.png");
    ffmpeg(&["-i", out.web.path.to_str().unwrap(), "-frames:v", "1", first.to_str().unwrap()]);
    let first = image::open(&first).unwrap().to_rgb8();
    assert_eq!(first.dimensions(), (360, 640));
    let (top, bottom) = (luma_mean(&first, 0, 0, 360, 320), luma_mean(&first, 0, 320, 360, 640));
    assert_eq!(top > bottom, ref_top > ref_bottom, "web film is not upright");

    assert_eq!((out.web_360.width, out.web_360.height), (360, 640));
    check_web_360(&out);
    let (jpeg, webp) = check_posters(&out);
    for img in [&jpeg, &webp] {
        let (top, bottom) = (luma_mean(img, 0, 0, 360, 320), luma_mean(img, 0, 320, 360, 640));
        assert_eq!(top > bottom, ref_top > ref_bottom, "poster is not upright");
        assert!((top - bottom).abs() > 100.0);
    }
}

#[test]
fn webm_vp9_without_audio() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in.webm");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=1",
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k",
        input.to_str().unwrap(),
    ]);
    let limits = Limits::default();
    let info = probe_film(&input, &limits).unwrap();
    assert_eq!(info.video_codec, "vp9");
    assert!(!info.has_audio);

    let dir = out_dir(&tmp);
    let out = run(&input, &dir, &limits).0.unwrap();
    assert_eq!((out.web.width, out.web.height), (320, 240));
    let probe = assert_web_basics(&out.web.path, 1280, 720);
    assert!(streams_of(&probe, "audio").is_empty());
    let duration = format_duration(&probe);
    assert!((duration - 1.0).abs() < 0.15, "duration {duration}");
    check_posters(&out);
    // Never upscaled: a film smaller than 640x360 keeps its size in both renditions.
    assert_eq!((out.web_360.width, out.web_360.height), (320, 240));
    check_web_360(&out);
}

#[test]
fn other_whitelisted_containers_are_read() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    for (name, codec) in [("in.avi", "mpeg4"), ("in.ogv", "libtheora"), ("in.mkv", "ffv1")] {
        let input = tmp.path().join(name);
        ffmpeg(&[
            "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=1",
            "-f", "lavfi", "-i", "sine=duration=1",
            "-c:v", codec, "-shortest", input.to_str().unwrap(),
        ]);
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.web.width, out.web.height), (96, 64), "{name}");
        assert!(out.info.has_audio, "{name}");
        let probe = assert_web_basics(&out.web.path, 1280, 720);
        assert_eq!(streams_of(&probe, "audio").len(), 1, "{name}");
    }
}

#[test]
fn anamorphic_pixels_are_squared() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("anamorphic.mp4");
    // 480x360 stored, 4:3 pixels: shown as 640x360.
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=480x360:rate=10:duration=1,setsar=4/3",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        input.to_str().unwrap(),
    ]);
    let limits = Limits::default();
    let info = probe_film(&input, &limits).unwrap();
    assert_eq!((info.width, info.height), (640, 360));
    let out = run(&input, &out_dir(&tmp), &limits).0.unwrap();
    assert_eq!((out.web.width, out.web.height), (640, 360));
    assert_web_basics(&out.web.path, 1280, 720);
}

#[test]
fn location_and_other_metadata_do_not_survive() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("phone.mov");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
        "-f", "lavfi", "-i", "sine=duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-metadata", "location=+45.4642+009.1900/",
        "-metadata", "title=Secret title",
        "-metadata", "comment=serial number 1234",
        "-metadata:s:v", "handler_name=MyPhone Camera",
        input.to_str().unwrap(),
    ]);
    let probe_in = ffprobe(&input);
    assert_eq!(probe_in["format"]["tags"]["location"], "+45.4642+009.1900/", "test input has no location");

    let out = run(&input, &out_dir(&tmp), &Limits::default()).0.unwrap();
    let probe = assert_web_basics(&out.web.path, 1280, 720);
    let tags = probe["format"]["tags"].as_object().cloned().unwrap_or_default();
    for key in tags.keys() {
        assert!(!key.starts_with("location"), "location survived: {tags:?}");
    }
    assert!(tags.get("title").is_none() && tags.get("comment").is_none(), "{tags:?}");
    for s in probe["streams"].as_array().unwrap() {
        assert!(!s["tags"].to_string().contains("MyPhone"), "{s:#}");
    }
    let bytes = std::fs::read(&out.web.path).unwrap();
    for needle in [&b"+45.4642"[..], b"Secret title", b"serial number", b"MyPhone"] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{:?} found in output", String::from_utf8_lossy(needle));
    }
}

// ---------------------------------------------------------------------------------------
// Refusals

#[test]
fn sound_only_is_refused_as_no_video() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("song.m4a");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", input.to_str().unwrap()]);
    let limits = Limits::default();
    let e = expect_code(probe_film(&input, &limits), "no_video");
    assert!(e.is_permanent());
    assert_eq!(e.message, "this file has no picture: only sound");
    let dir = out_dir(&tmp);
    expect_code(run(&input, &dir, &limits).0, "no_video");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing is left behind");
}

#[test]
fn sound_with_cover_art_is_refused_as_no_video() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("song-with-cover.m4a");
    ffmpeg(&[
        "-f", "lavfi", "-i", "sine=duration=1",
        "-f", "lavfi", "-i", "color=c=red:size=64x64:duration=1",
        "-map", "0:a", "-map", "1:v", "-c:a", "aac", "-c:v", "mjpeg", "-frames:v", "1",
        "-disposition:v:0", "attached_pic",
        input.to_str().unwrap(),
    ]);
    let limits = Limits::default();
    expect_code(probe_film(&input, &limits), "no_video");
    expect_code(run(&input, &out_dir(&tmp), &limits).0, "no_video");
}

#[test]
fn film_longer_than_the_limit_is_refused() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("tiny.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=black:size=2x2:rate=5:duration=3,format=gray,scale=1:1",
        "-c:v", "ffv1", input.to_str().unwrap(),
    ]);
    let limits = Limits { max_duration_s: 1.0, ..Limits::default() };
    let e = expect_code(probe_film(&input, &limits), "film_too_long");
    assert!(e.is_permanent());
    expect_code(run(&input, &out_dir(&tmp), &limits).0, "film_too_long");

    // The same 1x1 film is fine under the default limits (output padded to even 2x2).
    let out = run(&input, &out_dir(&tmp), &Limits::default()).0.unwrap();
    assert_eq!((out.web.width, out.web.height), (2, 2));
}

#[test]
fn film_without_declared_duration_is_measured_while_decoding() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("live.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=3",
        "-c:v", "ffv1", "-f", "matroska", "-live", "1", input.to_str().unwrap(),
    ]);
    let info = probe_film(&input, &Limits::default()).unwrap();
    assert_eq!(info.duration_s, 0.0, "test input declares a duration: {info:?}");

    let limits = Limits { max_duration_s: 1.0, ..Limits::default() };
    let dir = out_dir(&tmp);
    expect_code(run(&input, &dir, &limits).0, "film_too_long");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "partial output is removed");

    let out = run(&input, &dir, &Limits::default()).0.unwrap();
    let measured = out.info.duration_s;
    assert!((measured - 3.0).abs() < 0.3, "measured {measured}");
}

#[test]
fn too_many_pixels_is_refused() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("big.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=320x240:rate=5:duration=1", "-c:v", "ffv1", input.to_str().unwrap()]);
    let limits = Limits { max_video_pixels: 320 * 240 - 1, ..Limits::default() };
    expect_code(probe_film(&input, &limits), "video_too_large");
    expect_code(run(&input, &out_dir(&tmp), &limits).0, "video_too_large");
}

#[test]
fn garbage_and_empty_files_are_refused() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    let empty = tmp.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let zeros = tmp.path().join("zeros.mp4");
    std::fs::write(&zeros, vec![0u8; 64 * 1024]).unwrap();
    let noise = tmp.path().join("noise.mov");
    let mut x = 0x1234_5678_9abc_def0u64;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&noise, bytes).unwrap();
    // A real MP4 cut in half: the header promises more than there is.
    let whole = tmp.path().join("whole.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", whole.to_str().unwrap(),
    ]);
    let data = std::fs::read(&whole).unwrap();
    let truncated = tmp.path().join("truncated.mp4");
    std::fs::write(&truncated, &data[..data.len() / 3]).unwrap();

    for path in [&empty, &zeros, &noise] {
        for e in [probe_film(path, &limits).unwrap_err(), run(path, &out_dir(&tmp), &limits).0.unwrap_err()] {
            assert!(e.is_permanent(), "{path:?}: {e}");
            assert!(e.code == "unsupported_format" || e.code == "corrupt_file", "{path:?}: {e}");
        }
    }
    // A truncated film either yields what could be decoded or is refused as corrupt.
    match run(&truncated, &out_dir(&tmp), &limits).0 {
        Ok(out) => assert!(out.web.path.exists()),
        Err(e) => assert!(e.code == "corrupt_file" || e.code == "unsupported_format", "{e}"),
    }
}

#[test]
fn hls_playlist_named_mp4_is_refused_without_reading_its_segments() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    // A real segment: if the playlist were followed, this would decode fine.
    let segment = tmp.path().join("segment.ts");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "mpegts",
        segment.to_str().unwrap(),
    ]);
    let wire = Tripwire::new(tmp.path().join("trap.ts"));
    let playlist = tmp.path().join("holiday.mp4");
    std::fs::write(
        &playlist,
        format!(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n\
             #EXTINF:1.0,\n{}\n#EXTINF:1.0,\n{}\n#EXTINF:1.0,\nsegment.ts\n#EXT-X-ENDLIST\n",
            wire.path.display(),
            segment.display(),
        ),
    )
    .unwrap();

    let e = expect_code(probe_film(&playlist, &limits), "unsupported_format");
    assert!(e.is_permanent());
    let dir = out_dir(&tmp);
    expect_code(run(&playlist, &dir, &limits).0, "unsupported_format");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    assert!(!wire.was_opened(), "the playlist's segment was opened");

    let control = unrestricted_ffprobe_opens(tmp.path(), |trap| {
        format!("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{}\n#EXT-X-ENDLIST\n", trap.display())
    }, &[]);
    assert!(control, "control failed: the tripwire does not notice reads");
}

#[test]
fn ffconcat_list_is_refused_without_reading_what_it_names() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();

    let passwd = tmp.path().join("list.mp4");
    std::fs::write(&passwd, "ffconcat version 1.0\nfile '/etc/passwd'\n").unwrap();
    expect_code(probe_film(&passwd, &limits), "unsupported_format");
    expect_code(run(&passwd, &out_dir(&tmp), &limits).0, "unsupported_format");

    let wire = Tripwire::new(tmp.path().join("trap.mp4"));
    let list = tmp.path().join("list2.mov");
    std::fs::write(&list, format!("ffconcat version 1.0\nfile '{}'\n", wire.path.display())).unwrap();
    expect_code(probe_film(&list, &limits), "unsupported_format");
    expect_code(run(&list, &out_dir(&tmp), &limits).0, "unsupported_format");
    assert!(!wire.was_opened(), "the concat list's file was opened");

    let control = unrestricted_ffprobe_opens(
        tmp.path(),
        |trap| format!("ffconcat version 1.0\nfile '{}'\n", trap.display()),
        &["-safe", "0"],
    );
    assert!(control, "control failed: the tripwire does not notice reads");
}

#[test]
fn time_budget_is_enforced() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        input.to_str().unwrap(),
    ]);
    let limits = Limits { timeout: Duration::from_millis(1), ..Limits::default() };
    let dir = out_dir(&tmp);
    let e = expect_code(run(&input, &dir, &limits).0, "processing_timeout");
    assert!(e.is_permanent());
    assert_eq!(e.message, "the film took too long to process");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn time_budget_stops_work_in_progress_promptly() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=3",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        input.to_str().unwrap(),
    ]);
    let budget = Duration::from_millis(150);
    let limits = Limits { timeout: budget, ..Limits::default() };
    // Opening normally fits well within the budget, so the refusal comes from the
    // transcode loop (on a badly overloaded machine it may come from the open instead).
    match probe_film(&input, &limits) {
        Ok(info) => assert_eq!((info.width, info.height), (1280, 720)),
        Err(e) => assert_eq!(e.code, "processing_timeout", "{e}"),
    }
    let started = std::time::Instant::now();
    let e = expect_code(run(&input, &out_dir(&tmp), &limits).0, "processing_timeout");
    assert!(e.is_permanent());
    let elapsed = started.elapsed();
    assert!(elapsed < budget + Duration::from_secs(2), "stopped only after {elapsed:?}");
}

#[test]
fn variable_frame_rate_timestamps_are_kept() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("vfr.mkv");
    // 10 frames 100 ms apart, then 10 frames 40 ms apart, then one 500 ms gap.
    ffmpeg(&[
        "-f", "lavfi", "-i",
        "testsrc=size=160x120:rate=10:duration=2.1,settb=1/1000,setpts='(if(lt(N,10),N*0.1,if(lt(N,20),1+(N-10)*0.04,1.9+(N-19)*0.5)))/TB'",
        "-fps_mode", "passthrough", "-c:v", "ffv1", input.to_str().unwrap(),
    ]);
    let before = frame_times(&input);
    assert!(before.len() >= 20, "{before:?}");
    let out = run(&input, &out_dir(&tmp), &Limits::default()).0.unwrap();
    let after = frame_times(&out.web.path);
    assert_eq!(before.len(), after.len(), "frames were dropped or duplicated: {before:?} {after:?}");
    let offset = after[0] - before[0];
    for (b, a) in before.iter().zip(&after) {
        assert!((a - offset - b).abs() < 0.002, "timestamps differ: {before:?} vs {after:?}");
    }
    // The small rendition keeps the same instants.
    assert_eq!(frame_times(&out.web_360.path), after);
}

// ---------------------------------------------------------------------------------------
// Renditions, colours, inputs and posters

#[test]
fn both_renditions_fit_their_boxes_without_upscaling() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    // (source size, web size, web-360 size)
    for (size, web, small) in [
        ("1280x720", (1280, 720), (640, 360)),
        ("720x1280", (720, 1280), (360, 640)),
        ("854x480", (854, 480), (640, 360)),
        ("640x360", (640, 360), (640, 360)),
        ("1440x1080", (960, 720), (480, 360)),
        // Odd sizes: always even, never larger than the source.
        ("321x241", (320, 240), (320, 240)),
        ("1919x1079", (1280, 720), (640, 360)),
    ] {
        let input = tmp.path().join(format!("in-{size}.mp4"));
        ffmpeg(&[
            "-f", "lavfi", "-i", &format!("testsrc=size={size}:rate=10:duration=1"),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p",
            input.to_str().unwrap(),
        ]);
        let dir = tmp.path().join(format!("out-{size}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("{size}: {e}"));
        assert_eq!((out.web.width, out.web.height), web, "{size}");
        assert_eq!((out.web_360.width, out.web_360.height), small, "{size}");
        check_outputs(&out);
    }
}

#[test]
fn web_only_transcode_writes_just_the_720p_rendition() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=10:duration=1",
        "-f", "lavfi", "-i", "sine=duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        input.to_str().unwrap(),
    ]);
    let dir = out_dir(&tmp);
    let web = transcode_web_only(&input, &dir, &Limits::default()).unwrap();
    assert_eq!((web.name.as_str(), web.width, web.height), ("web.mp4", 1280, 720));
    let probe = assert_web_basics(&web.path, 1280, 720);
    assert_eq!(streams_of(&probe, "audio").len(), 1);
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["web.mp4"]);
}

/// SDR reference and HDR version of the same 10-bit HEVC picture, with the HDR one's
/// SDR white at 203 cd/m² (BT.2408) as cameras record it.
fn hdr_inputs(dir: &Path, transfer: &str) -> (PathBuf, PathBuf) {
    let reference = dir.join("sdr.mp4");
    let hdr = dir.join(format!("hdr-{transfer}.mp4"));
    let source = "testsrc2=size=640x360:rate=10:duration=1";
    ffmpeg(&["-f", "lavfi", "-i", source, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", reference.to_str().unwrap()]);
    ffmpeg(&[
        "-f", "lavfi", "-i", source,
        "-vf", &format!("zscale=tin=bt709:pin=bt709:min=bt709:t={transfer}:p=bt2020:m=bt2020nc:npl=203,format=yuv420p10le"),
        "-c:v", "libx265", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le",
        "-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc",
        hdr.to_str().unwrap(),
    ]);
    (reference, hdr)
}

#[test]
fn hdr_hevc_10_bit_is_tone_mapped_to_8_bit_bt709() {
    assert!(piazza_workers::film::tone_mapping_available(), "this FFmpeg has no zscale/tonemap");
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    for transfer in ["smpte2084", "arib-std-b67"] {
        let (reference, input) = hdr_inputs(tmp.path(), transfer);
        let probe_in = ffprobe(&input);
        let v_in = streams_of(&probe_in, "video")[0];
        assert_eq!((v_in["pix_fmt"].as_str(), v_in["color_transfer"].as_str()), (Some("yuv420p10le"), Some(transfer)));

        let info = probe_film(&input, &limits).unwrap();
        assert!(info.hdr && info.bit_depth == 10 && info.video_codec == "hevc", "{info:?}");

        let dir = tmp.path().join(format!("out-{transfer}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap();
        check_outputs(&out);
        for path in [&out.web.path, &out.web_360.path] {
            let probe = ffprobe(path);
            let v = streams_of(&probe, "video")[0];
            assert_eq!(v["pix_fmt"], "yuv420p");
            assert_eq!(v["profile"], "High");
            for key in ["color_space", "color_transfer", "color_primaries"] {
                assert!(v.get(key).is_none_or(|c| c == "bt709" || c == "unknown"), "{key}: {v:#}");
            }
        }

        // Brightness, contrast and saturation close to the SDR original: not washed out.
        let want = first_picture_stats(&reference, "");
        let naive = first_picture_stats(&input, "format=yuv420p,");
        let got = first_picture_stats(&out.web.path, "");
        let spread = |s: &std::collections::HashMap<String, f64>| s["YHIGH"] - s["YLOW"];
        let close = |s: &std::collections::HashMap<String, f64>| {
            (s["YAVG"] / want["YAVG"] - 1.0).abs() < 0.2
                && spread(s) > 0.75 * spread(&want)
                && s["SATAVG"] > 0.7 * want["SATAVG"]
        };
        assert!(close(&got), "{transfer}: got {got:?}, SDR original {want:?}");
        // Control: merely dropping to 8 bits is recognisably washed out.
        assert!(!close(&naive), "{transfer}: the check cannot tell: {naive:?}");

        // The poster gets the same treatment.
        let (jpeg, _) = check_posters(&out);
        let poster_mean = luma_mean(&jpeg, 0, 0, jpeg.width(), jpeg.height());
        let ref_png = tmp.path().join("ref.png");
        ffmpeg(&["-ss", &format!("{}", out.poster_at_s), "-i", reference.to_str().unwrap(), "-frames:v", "1", ref_png.to_str().unwrap()]);
        let ref_img = image::open(&ref_png).unwrap().to_rgb8();
        let ref_mean = luma_mean(&ref_img, 0, 0, ref_img.width(), ref_img.height());
        assert!((poster_mean / ref_mean - 1.0).abs() < 0.2, "{transfer}: poster {poster_mean} vs {ref_mean}");
    }
}

#[test]
fn mp4_and_mov_with_h264_or_hevc_and_rotation_come_out_upright() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    let plain_source =
        "color=c=white:size=320x180:rate=10:duration=1,drawbox=x=160:y=0:w=160:h=180:color=black:t=fill";
    for (name, codec, rotate) in [
        ("h264-90.mp4", "libx264", "90"),
        ("h264-270.mov", "libx264", "270"),
        ("hevc-90.mov", "libx265", "90"),
        ("hevc-180.mp4", "libx265", "180"),
    ] {
        let plain = tmp.path().join(format!("plain-{name}"));
        let input = tmp.path().join(name);
        let mut args = vec!["-f", "lavfi", "-i", plain_source, "-c:v", codec, "-pix_fmt", "yuv420p"];
        if codec == "libx265" {
            args.extend(["-x265-params", "log-level=error", "-tag:v", "hvc1"]);
        } else {
            args.extend(["-preset", "ultrafast"]);
        }
        args.push(plain.to_str().unwrap());
        ffmpeg(&args);
        ffmpeg(&["-i", plain.to_str().unwrap(), "-c", "copy", "-metadata:s:v", &format!("rotate={rotate}"), input.to_str().unwrap()]);

        // How FFmpeg's own CLI shows it (autorotate), as the reference.
        let reference = tmp.path().join(format!("ref-{name}.png"));
        ffmpeg(&["-i", input.to_str().unwrap(), "-frames:v", "1", reference.to_str().unwrap()]);
        let reference = image::open(&reference).unwrap().to_rgb8();

        let info = probe_film(&input, &limits).unwrap();
        assert_eq!(info.video_codec, if codec == "libx264" { "h264" } else { "hevc" });
        assert_eq!((info.width, info.height), reference.dimensions(), "{name}");
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.web.width, out.web.height), reference.dimensions(), "{name}");
        check_outputs(&out);

        // Compare the quadrant brightness pattern of our first picture with the reference.
        for path in [&out.web.path, &out.web_360.path] {
            let png = tmp.path().join(format!("first-{name}.png"));
            ffmpeg(&["-i", path.to_str().unwrap(), "-frames:v", "1", "-vf", &format!("scale={}:{}", reference.width(), reference.height()), png.to_str().unwrap()]);
            let ours = image::open(&png).unwrap().to_rgb8();
            let (w, h) = reference.dimensions();
            for (x0, y0, x1, y1) in [(0, 0, w / 2, h / 2), (w / 2, 0, w, h / 2), (0, h / 2, w / 2, h), (w / 2, h / 2, w, h)] {
                let (a, b) = (luma_mean(&ours, x0, y0, x1, y1), luma_mean(&reference, x0, y0, x1, y1));
                assert!((a - b).abs() < 40.0, "{name}: quadrant ({x0},{y0}) {a} vs {b}");
            }
        }
    }
}

#[test]
fn webm_vp8_and_vp9_with_alpha_or_10_bits_are_read() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    for (name, args) in [
        ("vp8-alpha.webm", &["-c:v", "libvpx", "-pix_fmt", "yuva420p", "-auto-alt-ref", "0", "-b:v", "300k"][..]),
        ("vp9-alpha.webm", &["-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"][..]),
        ("vp9-10bit.webm", &["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p10le", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"][..]),
    ] {
        let input = tmp.path().join(name);
        // Half the picture transparent, so that dropping the alpha shows.
        let mut cmd = vec![
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=1,format=yuva420p,geq=lum='lum(X,Y)':cb='cb(X,Y)':cr='cr(X,Y)':a='if(lt(X,160),255,0)'",
            "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libopus", "-shortest",
        ];
        cmd.extend(args);
        cmd.push(input.to_str().unwrap());
        ffmpeg(&cmd);
        let probe_in = ffprobe(&input);
        let v_in = streams_of(&probe_in, "video")[0];
        if name.contains("alpha") {
            assert_eq!(v_in["tags"]["alpha_mode"], "1", "test input has no alpha: {v_in:#}");
        } else {
            assert_eq!(v_in["pix_fmt"], "yuv420p10le");
        }

        let info = probe_film(&input, &limits).unwrap();
        assert!(info.has_audio && !info.hdr, "{name}: {info:?}");
        assert_eq!(info.bit_depth, if name.contains("10bit") { 10 } else { 8 }, "{name}");
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.web.width, out.web.height), (320, 240));
        check_outputs(&out);
        // The output plays: every picture decodes.
        assert_eq!(frame_times(&out.web.path).len(), 10, "{name}");
        let stats = first_picture_stats(&out.web.path, "");
        assert!(stats["YAVG"] > 30.0, "{name}: {stats:?}");
    }
}

#[test]
fn webm_without_duration_written_to_a_pipe_is_measured() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("live.webm");
    let file = std::fs::File::create(&input).unwrap();
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2"])
        .args(["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "libvorbis", "-shortest"])
        .args(["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-f", "webm", "pipe:1"])
        .stdout(file)
        .status()
        .unwrap();
    assert!(status.success());
    let limits = Limits::default();
    let info = probe_film(&input, &limits).unwrap();
    assert_eq!(info.duration_s, 0.0, "test input declares a duration: {info:?}");

    let dir = out_dir(&tmp);
    let (result, progress) = run(&input, &dir, &limits);
    let out = result.unwrap();
    assert!((out.info.duration_s - 2.0).abs() < 0.2, "{:?}", out.info);
    assert_eq!(out.web.duration_s, Some(out.info.duration_s));
    check_outputs(&out);
    let duration = format_duration(&ffprobe(&out.web.path));
    assert!((duration - 2.0).abs() < 0.2, "duration {duration}");
    // Without a length, progress only says started and finished; still monotonic.
    assert_eq!(progress.first().copied(), Some(0.0));
    assert_eq!(progress.last().copied(), Some(1.0));
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
}

/// Issue 9: a VP9 profile 2 WebM that says its matrix (BT.2020 non-constant) but neither
/// its primaries nor its transfer, and whose stream declares no duration.
fn vp9_profile_2_without_primaries_or_transfer(dir: &Path) -> PathBuf {
    let input = dir.join("vp9-profile-2.webm");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=426x240:rate=25:duration=3",
        "-c:v", "libvpx-vp9", "-profile:v", "2", "-pix_fmt", "yuv420p10le", "-colorspace", "bt2020nc",
        "-b:v", "200k", "-deadline", "realtime", "-cpu-used", "8",
        input.to_str().unwrap(),
    ]);
    let probe_in = ffprobe(&input);
    let v_in = streams_of(&probe_in, "video")[0];
    assert_eq!((v_in["codec_name"].as_str(), v_in["profile"].as_str()), (Some("vp9"), Some("Profile 2")), "{v_in:#}");
    assert_eq!((v_in["pix_fmt"].as_str(), v_in["color_space"].as_str()), (Some("yuv420p10le"), Some("bt2020nc")), "{v_in:#}");
    for key in ["color_primaries", "color_transfer"] {
        assert!(v_in.get(key).is_none_or(|c| c == "unknown"), "test input states {key}: {v_in:#}");
    }
    // The Matroska muxer writes a DURATION tag, but the stream itself has no duration:
    // only the container's.
    assert!(v_in.get("duration").is_none(), "test input has a stream duration: {v_in:#}");
    input
}

#[test]
fn vp9_profile_2_bt2020_without_primaries_or_transfer_becomes_bt709_web_film() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    let input = vp9_profile_2_without_primaries_or_transfer(tmp.path());

    let info = probe_film(&input, &limits).unwrap();
    assert_eq!((info.video_codec.as_str(), info.bit_depth, info.hdr), ("vp9", 10, false), "{info:?}");
    assert_eq!((info.width, info.height), (426, 240));

    let dir = out_dir(&tmp);
    let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("refused: {e} ({e:?})"));
    // 426 is even and smaller than both boxes: never upscaled, same size twice.
    assert_eq!((out.web.width, out.web.height), (426, 240));
    assert_eq!((out.web_360.width, out.web_360.height), (426, 240));
    check_outputs(&out);
    for path in [&out.web.path, &out.web_360.path] {
        let probe = ffprobe(path);
        let v = streams_of(&probe, "video")[0];
        assert_eq!((v["codec_name"].as_str(), v["pix_fmt"].as_str()), (Some("h264"), Some("yuv420p")), "{v:#}");
        for key in ["color_space", "color_transfer", "color_primaries"] {
            assert_eq!(v[key], "bt709", "{path:?} {key}: {v:#}");
        }
        let duration = format_duration(&probe);
        assert!((duration - 3.0).abs() < 0.15, "{path:?}: duration {duration}");
        assert_eq!(frame_times(path).len(), 75, "{path:?}");
    }
    // Converted from BT.2020 SDR as FFmpeg itself converts it when told those defaults:
    // neither left as it was (merely cut to 8 bits) nor treated as HDR.
    let want = first_picture_stats(&input, "zscale=tin=bt2020-10:pin=bt2020:min=bt2020nc:rin=limited:t=bt709:p=bt709:m=bt709:r=limited,format=yuv420p,");
    let naive = first_picture_stats(&input, "format=yuv420p,");
    let got = first_picture_stats(&out.web.path, "");
    // Saturation tells the two apart: on Debian's FFmpeg 5.1.9 the naive picture's is 7 %
    // below the converted one's (ours is within 0.2 %), so the margin must be tighter.
    let close = |s: &std::collections::HashMap<String, f64>| {
        (s["YAVG"] / want["YAVG"] - 1.0).abs() < 0.03 && (s["SATAVG"] / want["SATAVG"] - 1.0).abs() < 0.03
    };
    assert!(close(&got), "got {got:?}, FFmpeg's conversion {want:?}");
    assert!(!close(&naive), "the check cannot tell: naive {naive:?} want {want:?} got {got:?}");
}

#[test]
fn mkv_with_subtitles_and_several_sound_tracks_uses_the_default_one() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    let subs = tmp.path().join("subs.srt");
    std::fs::write(&subs, "1\n00:00:00,000 --> 00:00:01,500\nCiao, piazza!\n\n").unwrap();
    // (name, disposition of track 0 (silent), disposition of track 1 (tone))
    for (name, first, second) in [("default-second.mkv", "0", "default"), ("no-default.mkv", "0", "0")] {
        let input = tmp.path().join(name);
        ffmpeg(&[
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo:d=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-i", subs.to_str().unwrap(),
            "-map", "0:v", "-map", if second == "default" { "1:a" } else { "2:a" },
            "-map", if second == "default" { "2:a" } else { "1:a" }, "-map", "3:s",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "libvorbis", "-c:s", "srt",
            "-disposition:a:0", first, "-disposition:a:1", second,
            input.to_str().unwrap(),
        ]);
        let probe_in = ffprobe(&input);
        assert_eq!(streams_of(&probe_in, "audio").len(), 2);
        assert_eq!(streams_of(&probe_in, "subtitle").len(), 1);

        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("{name}: {e}"));
        check_outputs(&out);
        for path in [&out.web.path, &out.web_360.path] {
            let probe = ffprobe(path);
            assert_eq!(streams_of(&probe, "audio").len(), 1, "{name}");
            assert!(streams_of(&probe, "subtitle").is_empty(), "{name}");
            assert_eq!(probe["streams"].as_array().unwrap().len(), 2, "{name}");
        }
        // With a default track, that one; without, the first. Either way it is the tone
        // in this test (the other track is silent).
        let volume = mean_volume_db(&out.web.path);
        assert!(volume > -40.0, "{name}: the silent track was used ({volume} dB)");
    }
}

#[test]
fn phone_and_legacy_containers_are_read() {
    let tmp = TempDir::new().unwrap();
    let limits = Limits::default();
    // No AMR encoder in this FFmpeg: 3GP is made with H.263 and AAC, as phones also did.
    for (name, size, args) in [
        ("phone.3gp", "176x144", &["-c:v", "h263", "-c:a", "aac", "-ar", "16000", "-ac", "1"][..]),
        ("mpeg4.avi", "320x240", &["-c:v", "mpeg4", "-c:a", "pcm_s16le"][..]),
        ("mjpeg.avi", "320x240", &["-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-c:a", "pcm_s16le"][..]),
        ("theora.ogv", "320x240", &["-c:v", "libtheora", "-c:a", "libvorbis"][..]),
    ] {
        let input = tmp.path().join(name);
        let source = format!("testsrc=size={size}:rate=10:duration=2");
        let mut cmd = vec!["-f", "lavfi", "-i", &source, "-f", "lavfi", "-i", "sine=duration=2", "-shortest"];
        cmd.extend(args);
        cmd.push(input.to_str().unwrap());
        ffmpeg(&cmd);

        let info = probe_film(&input, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(info.has_audio, "{name}");
        assert!((info.frame_rate - 10.0).abs() < 0.01, "{name}: {info:?}");
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(&input, &dir, &limits).0.unwrap_or_else(|e| panic!("{name}: {e}"));
        let (w, h) = size.split_once('x').unwrap();
        assert_eq!((out.web.width, out.web.height), (w.parse().unwrap(), h.parse().unwrap()), "{name}");
        check_outputs(&out);
        let probe = ffprobe(&out.web.path);
        let v = streams_of(&probe, "video")[0];
        assert!(v.get("color_range").is_none_or(|r| r == "tv" || r == "unknown"), "{name}: {v:#}");
        assert_eq!(frame_times(&out.web.path).len(), 20, "{name}");
        let duration = format_duration(&probe);
        assert!((duration - 2.0).abs() < 0.15, "{name}: duration {duration}");
        // Full-range (JPEG) pictures are brought to limited range, not clipped or faded.
        let stats = first_picture_stats(&out.web.path, "");
        let want = first_picture_stats(&input, "scale=out_range=tv,format=yuv420p,");
        assert!((stats["YAVG"] - want["YAVG"]).abs() < 8.0, "{name}: {stats:?} vs {want:?}");
    }
}

#[test]
fn poster_skips_a_black_opening() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("late-start.mp4");
    // Two black seconds, then four bright ones.
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=black:size=320x240:rate=25:duration=2",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=4",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        input.to_str().unwrap(),
    ]);
    let limits = Limits::default();
    let out = run(&input, &out_dir(&tmp), &limits).0.unwrap();
    let (jpeg, webp) = check_posters(&out);
    for img in [&jpeg, &webp] {
        let mean = luma_mean(img, 0, 0, img.width(), img.height());
        assert!(mean > 60.0, "poster is (nearly) black: mean luma {mean}");
    }
    assert!(out.poster_at_s >= 2.0 && out.poster_at_s <= 6.0, "poster at {}", out.poster_at_s);

    // The standalone poster is the same picture.
    let dir = tmp.path().join("posters");
    std::fs::create_dir_all(&dir).unwrap();
    let posters = extract_poster(&input, &dir, &limits).unwrap();
    assert_eq!(posters.at_s, out.poster_at_s);
    assert_eq!((posters.jpeg.width, posters.jpeg.height), (320, 240));
    let img = image::open(&posters.jpeg.path).unwrap().to_rgb8();
    assert!(luma_mean(&img, 0, 0, 320, 240) > 60.0);
    assert!(posters.webp.path.exists());
}

#[test]
fn poster_of_an_all_black_film_is_still_written() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("black.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "color=c=black:size=64x48:rate=10:duration=2", "-c:v", "ffv1", input.to_str().unwrap()]);
    let out = run(&input, &out_dir(&tmp), &Limits::default()).0.unwrap();
    check_posters(&out);
    assert!(out.poster_at_s < 2.0);
}

#[test]
fn poster_of_a_long_film_is_found_by_seeking() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("long.mp4");
    // 3 minutes of tiny pictures, with B-frames (MP4 decoding times come before the
    // presentation times) and key frames every 10 s.
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=180",
        "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "100", "-pix_fmt", "yuv420p",
        input.to_str().unwrap(),
    ]);
    let limits = Limits::default();
    let dir = out_dir(&tmp);
    let started = std::time::Instant::now();
    let posters = extract_poster(&input, &dir, &limits).unwrap();
    let took = started.elapsed();
    // 10% in, snapped to the key frame at 20 s.
    assert!((posters.at_s - 20.0).abs() < 0.01, "poster at {}", posters.at_s);
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let img = image::open(&posters.jpeg.path).unwrap().to_rgb8();
    assert!(luma_mean(&img, 0, 0, 64, 48) > 40.0);
}

#[test]
fn progress_is_monotonic_from_0_to_1() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in.webm");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=4",
        "-f", "lavfi", "-i", "sine=duration=4", "-c:a", "libopus",
        "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k",
        input.to_str().unwrap(),
    ]);
    let (result, progress) = run(&input, &out_dir(&tmp), &Limits::default());
    let out = result.unwrap();
    check_outputs(&out);
    assert!((out.info.duration_s - 4.0).abs() < 0.1, "{:?}", out.info);
    assert!((out.info.frame_rate - 25.0).abs() < 0.01, "{:?}", out.info);
    assert!(out.info.has_audio && out.info.video_codec == "vp8", "{:?}", out.info);
    assert_eq!(progress.first().copied(), Some(0.0));
    assert_eq!(progress.last().copied(), Some(1.0));
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert!(progress.iter().all(|p| (0.0..=1.0).contains(p)));
    // Reported while working, not only at the ends.
    assert!(progress.iter().filter(|p| **p > 0.1 && **p < 0.9).count() >= 5, "{progress:?}");
}
