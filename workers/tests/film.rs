//! Films: web rendition, posters and refusals. Inputs are generated at test time with the
//! `ffmpeg` CLI (lavfi test sources) and outputs checked with `ffprobe`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use piazza_workers::film::{probe_film, process_film, FilmOutputs};
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
    let frame_times = |path: &Path| -> Vec<f64> {
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0"])
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
            .collect()
    };
    let before = frame_times(&input);
    assert!(before.len() >= 20, "{before:?}");
    let out = run(&input, &out_dir(&tmp), &Limits::default()).0.unwrap();
    let after = frame_times(&out.web.path);
    assert_eq!(before.len(), after.len(), "frames were dropped or duplicated: {before:?} {after:?}");
    let offset = after[0] - before[0];
    for (b, a) in before.iter().zip(&after) {
        assert!((a - offset - b).abs() < 0.002, "timestamps differ: {before:?} vs {after:?}");
    }
}
