//! Sound works: renditions, loudness, tags, tracks and refusals. Inputs are generated at
//! test time with the `ffmpeg` CLI (lavfi sources) and espeak-ng, outputs checked with
//! `ffprobe` and FFmpeg's own `ebur128` meter.

use std::path::{Path, PathBuf};
use std::process::Command;

use piazza_workers::sound::{is_sound_only, probe_sound, process_sound, SoundOutputs};
use piazza_workers::Limits;
use serde_json::Value;
use tempfile::TempDir;

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg CLI is installed");
    assert!(out.status.success(), "ffmpeg {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn ffprobe(path: &Path) -> Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_streams", "-show_format", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe CLI is installed");
    assert!(out.status.success(), "ffprobe failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (integrated LUFS, true peak dBTP) as FFmpeg's `ebur128` filter measures them.
fn ebur128(path: &Path) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-i"])
        .arg(path)
        .args(["-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let summary = &log[log.rfind("Summary:").unwrap_or_else(|| panic!("{log}"))..];
    let value = |label: &str| -> f64 {
        let line = summary.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("{summary}"));
        line.split(':').nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every check each output must pass; returns the (opus, aac) probes.
fn check_outputs(out: &SoundOutputs, channels: u64, duration: f64) -> (Value, Value) {
    assert_eq!((out.opus.name.as_str(), out.opus.mime), ("sound.webm", "audio/webm"));
    assert_eq!((out.aac.name.as_str(), out.aac.mime), ("sound.m4a", "audio/mp4"));
    assert_eq!((out.waveform.name.as_str(), out.waveform.mime), ("waveform.png", "image/png"));
    assert!((out.info.duration_s - duration).abs() <= 0.1, "{:?}", out.info);
    let mut probes = Vec::new();
    for (r, codec) in [(&out.opus, "opus"), (&out.aac, "aac")] {
        assert_eq!((r.width, r.height), (0, 0));
        assert!((r.duration_s.unwrap() - duration).abs() <= 0.1, "{r:?}");
        let probe = ffprobe(&r.path);
        let streams = probe["streams"].as_array().unwrap();
        assert_eq!(streams.len(), 1, "only the sound: {probe:#}");
        let a = &streams[0];
        assert_eq!(a["codec_type"], "audio");
        assert_eq!(a["codec_name"], codec);
        assert_eq!(a["channels"], channels, "{a:#}");
        assert_eq!(a["sample_rate"], "48000");
        if codec == "aac" {
            assert_eq!(a["profile"], "LC");
        }
        let d: f64 = probe["format"]["duration"].as_str().unwrap().parse().unwrap();
        assert!((d - duration).abs() <= 0.1, "{} lasts {d}", r.name);
        // No tags but what the muxer itself must write (brands, Matroska's durations).
        let allowed = ["major_brand", "minor_version", "compatible_brands", "duration", "handler_name", "vendor_id", "language", "encoder"];
        for tags in [&probe["format"]["tags"], &a["tags"]] {
            if let Some(tags) = tags.as_object() {
                for (k, v) in tags {
                    assert!(allowed.contains(&k.to_ascii_lowercase().as_str()), "{} keeps {k}={v}", r.name);
                    if k.eq_ignore_ascii_case("encoder") || k.eq_ignore_ascii_case("handler_name") {
                        assert!(!v.as_str().unwrap().contains("Piazza test"), "{k}={v}");
                    }
                }
            }
        }
        probes.push(probe);
    }
    let boxes = std::fs::read(&out.aac.path).unwrap();
    let moov = boxes.windows(4).position(|w| w == b"moov").unwrap();
    let mdat = boxes.windows(4).position(|w| w == b"mdat").unwrap();
    assert!(moov < mdat, "faststart");
    let png = image::open(&out.waveform.path).unwrap().to_rgba8();
    assert_eq!(png.dimensions(), (800, 120));
    let inked = png.pixels().filter(|p| p[3] > 0).count();
    // More than the two-pixel line silence draws, less than a filled picture.
    assert!(inked > 800 * 2 + 400 && inked < 800 * 120, "waveform ink {inked}");
    let tallest = (0..800).map(|x| (0..120).filter(|&y| png.get_pixel(x, y)[3] > 0).count()).max().unwrap();
    assert!(tallest > 100, "the loudest moment fills the height: {tallest}");
    let aac = probes.pop().unwrap();
    (probes.pop().unwrap(), aac)
}

/// The measured loudness of both renditions is within 1 LU of −16 with the true peak
/// at most −1 dBTP (0.2 dB allowed for the decoders' rounding and the two meters).
fn check_loudness(out: &SoundOutputs) -> Vec<(f64, f64)> {
    let mut measured = Vec::new();
    for r in [&out.opus, &out.aac] {
        let (i, tp) = ebur128(&r.path);
        eprintln!("{}: in I {:.1} TP {:.1} -> out I {i:.1} TP {tp:.1} (engine: I {:.1} TP {:.1})", r.name, out.loudness.input_i, out.loudness.input_tp, out.loudness.output_i, out.loudness.output_tp);
        assert!((i + 16.0).abs() <= 1.0, "{}: I {i}", r.name);
        assert!(tp <= -1.0 + 0.2, "{}: TP {tp}", r.name);
        measured.push((i, tp));
    }
    assert!((out.loudness.output_i + 16.0).abs() <= 1.0, "{:?}", out.loudness);
    measured
}

fn out_dir(tmp: &TempDir) -> PathBuf {
    let dir = tmp.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cover(tmp: &TempDir) -> PathBuf {
    let path = tmp.path().join("cover.png");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=64x64:duration=1", "-frames:v", "1", s(&path)]);
    path
}

fn tag<'a>(out: &'a piazza_workers::sound::SoundInfo, what: &str) -> Vec<&'a str> {
    out.tags.iter().filter(|t| t.what == what).map(|t| t.detail.as_str()).collect()
}

// ---------------------------------------------------------------------------------------

#[test]
fn sound_every_input_family_becomes_opus_and_aac() {
    let tmp = TempDir::new().unwrap();
    let tone = "sine=frequency=440:sample_rate=44100:duration=3";
    // (file, encoder arguments, channels)
    let cases: &[(&str, &[&str], u64)] = &[
        ("a.mp3", &["-c:a", "libmp3lame", "-ac", "2"], 2),
        ("a.aac", &["-c:a", "aac", "-ac", "2", "-f", "adts"], 2),
        ("a.m4a", &["-c:a", "aac", "-ac", "1"], 1),
        ("a.wav", &["-c:a", "pcm_s16le", "-ac", "1"], 1),
        ("a.flac", &["-c:a", "flac", "-ac", "2"], 2),
        ("a.ogg", &["-c:a", "libvorbis", "-ac", "2"], 2),
        ("a.opus", &["-c:a", "libopus", "-ac", "1"], 1),
        ("a.webm", &["-c:a", "libopus", "-ac", "2"], 2),
        ("a.mkv", &["-c:a", "flac", "-ac", "1"], 1),
        ("a.mov", &["-c:a", "aac", "-ac", "2"], 2),
        ("a.mp4", &["-c:a", "aac", "-ac", "2"], 2),
        ("six.wav", &["-c:a", "pcm_s16le", "-ac", "6"], 2),
    ];
    for (name, args, channels) in cases {
        let input = tmp.path().join(name);
        let mut all = vec!["-f", "lavfi", "-i", tone, "-af", "volume=-10dB"];
        all.extend_from_slice(args);
        all.push(s(&input));
        ffmpeg(&all);
        let info = probe_sound(&input, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((info.tracks, info.chosen_track, info.cover_art), (1, 0, false), "{name}");
        assert!((info.duration_s - 3.0).abs() <= 0.1, "{name}: {info:?}");
        let expected_channels = if *name == "six.wav" { 6 } else { *channels as u32 };
        assert_eq!(info.channels, expected_channels, "{name}: {info:?}");
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = process_sound(&input, &dir, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!("{name}: {:?}", out.info);
        check_outputs(&out, *channels, 3.0);
        check_loudness(&out);
    }
}

#[test]
fn sound_quiet_and_loud_memos_come_out_at_minus_16_lufs() {
    let tmp = TempDir::new().unwrap();
    // A quiet mono sine memo at −35 LUFS and a loud stereo noise at −8 LUFS.
    let quiet = tmp.path().join("quiet.wav");
    ffmpeg(&["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=6", "-af", "volume=-14dB", "-c:a", "pcm_f32le", s(&quiet)]);
    let loud = tmp.path().join("loud.flac");
    ffmpeg(&["-f", "lavfi", "-i", "anoisesrc=d=6:c=pink:a=1:r=48000", "-ac", "2", "-af", "volume=12dB,alimiter=limit=0.99:level=false", s(&loud)]);
    // Noise with sharp clicks: the gain to -16 LUFS needs the limiter, on noise (where
    // lossy codecs overshoot most).
    let clicks = tmp.path().join("clicks.wav");
    ffmpeg(&[
        "-f", "lavfi", "-i", "anoisesrc=d=6:c=white:a=0.02:r=48000", "-f", "lavfi", "-i", "aevalsrc=if(lt(mod(t\\,0.5)\\,0.002)\\,0.9\\,0):d=6:s=48000",
        "-filter_complex", "amix=inputs=2:normalize=0", "-c:a", "pcm_f32le", s(&clicks),
    ]);
    let (clicks_i, _) = ebur128(&clicks);
    for (input, level) in [(&quiet, -35.0), (&loud, -8.0), (&clicks, clicks_i)] {
        let (i, _) = ebur128(input);
        assert!((i - level).abs() < 1.0, "{input:?} reads {i}, meant {level}");
        let dir = out_dir(&tmp);
        let out = process_sound(input, &dir, &Limits::default()).unwrap();
        assert!((out.loudness.input_i - i).abs() < 0.3, "engine {:?} vs ffmpeg {i}", out.loudness);
        check_outputs(&out, if input == &loud { 2 } else { 1 }, 6.0);
        check_loudness(&out);
    }
}

#[test]
fn sound_spoken_memo_from_espeak_is_normalised_and_kept_mono() {
    let tmp = TempDir::new().unwrap();
    let spoken = tmp.path().join("spoken.wav");
    let status = Command::new("espeak-ng")
        .args(["-v", "it", "-w", s(&spoken), "Che suono ha il tuo quartiere? Le voci della piazza al mattino."])
        .status()
        .expect("espeak-ng is installed (scripts/setup-system)");
    assert!(status.success());
    for (name, gain) in [("quiet.m4a", "-13dB"), ("loud.ogg", "10dB")] {
        let input = tmp.path().join(name);
        ffmpeg(&["-i", s(&spoken), "-af", &format!("volume={gain}"), "-ac", "1", s(&input)]);
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = process_sound(&input, &dir, &Limits::default()).unwrap();
        let d = out.info.duration_s;
        check_outputs(&out, 1, d);
        check_loudness(&out);
    }
}

#[test]
fn sound_tags_and_cover_art_are_found_and_none_reach_the_renditions() {
    let tmp = TempDir::new().unwrap();
    let picture = cover(&tmp);
    for (name, codec) in [("tagged.mp3", "libmp3lame"), ("tagged.m4a", "aac"), ("tagged.flac", "flac")] {
        let input = tmp.path().join(name);
        ffmpeg(&[
            "-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-i", s(&picture),
            "-map", "0:a", "-map", "1:v", "-c:a", codec, "-c:v", "png",
            "-disposition:v", "attached_pic",
            "-metadata", "title=Piazza test title", "-metadata", "artist=Maria Rossi",
            "-metadata", "album=Quartiere", "-metadata", "date=2024", "-metadata", "comment=registrato in via Roma",
            s(&input),
        ]);
        let info = probe_sound(&input, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(info.cover_art, "{name}: {info:?}");
        assert_eq!(tag(&info, "title"), ["Piazza test title"], "{name}: {info:?}");
        assert_eq!(tag(&info, "artist"), ["Maria Rossi"], "{name}: {info:?}");
        assert_eq!(tag(&info, "album"), ["Quartiere"], "{name}: {info:?}");
        assert!(!tag(&info, "date").is_empty(), "{name}: {info:?}");
        assert_eq!(tag(&info, "comment"), ["registrato in via Roma"], "{name}: {info:?}");
        let dir = tmp.path().join(format!("out-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = process_sound(&input, &dir, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_outputs(&out, 1, 2.0);
        for r in [&out.opus, &out.aac] {
            let bytes = std::fs::read(&r.path).unwrap();
            for needle in [&b"Maria Rossi"[..], b"Quartiere", b"via Roma", b"Piazza test"] {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} keeps {:?}", r.name, String::from_utf8_lossy(needle));
            }
        }
    }
}

#[test]
fn sound_of_several_tracks_keeps_the_default_one() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("tracks.mkv");
    // Track 0 is loud noise, track 1 (the default) a quiet 1 kHz sine.
    ffmpeg(&[
        "-f", "lavfi", "-i", "anoisesrc=d=3:c=white:a=0.5", "-f", "lavfi", "-i", "sine=frequency=1000:duration=3",
        "-map", "0:a", "-map", "1:a", "-c:a", "flac", "-ac", "1",
        "-disposition:a:0", "0", "-disposition:a:1", "default", s(&input),
    ]);
    let info = probe_sound(&input, &Limits::default()).unwrap();
    assert_eq!((info.tracks, info.chosen_track), (2, 1), "{info:?}");
    let out = process_sound(&input, &out_dir(&tmp), &Limits::default()).unwrap();
    check_outputs(&out, 1, 3.0);
    // A sine's true peak is 3 dB above its loudness; noise's far more: the sine was kept.
    assert!(out.loudness.input_tp - out.loudness.input_i < 4.5, "{:?}", out.loudness);
}

#[test]
fn sound_only_containers_are_told_from_films() {
    let tmp = TempDir::new().unwrap();
    let picture = cover(&tmp);
    let limits = Limits::default();
    let only = tmp.path().join("only.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", s(&only)]);
    let covered = tmp.path().join("covered.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=1", "-i", s(&picture), "-map", "0:a", "-map", "1:v", "-c:a", "aac", "-c:v", "png", "-disposition:v", "attached_pic", s(&covered)]);
    let mkv = tmp.path().join("only.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libopus", s(&mkv)]);
    let film = tmp.path().join("film.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=160x120:duration=1", "-f", "lavfi", "-i", "sine=duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", s(&film)]);
    let silent_film = tmp.path().join("silent.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=160x120:duration=1", "-c:v", "libx264", "-preset", "ultrafast", s(&silent_film)]);
    assert!(is_sound_only(&only, &limits).unwrap());
    assert!(is_sound_only(&covered, &limits).unwrap());
    assert!(is_sound_only(&mkv, &limits).unwrap());
    assert!(!is_sound_only(&film, &limits).unwrap());
    assert!(!is_sound_only(&silent_film, &limits).unwrap());

    let e = process_sound(&film, &out_dir(&tmp), &limits).unwrap_err();
    assert_eq!((e.code, e.is_permanent()), ("sound_has_picture", true), "{e}");
    let e = process_sound(&silent_film, &out_dir(&tmp), &limits).unwrap_err();
    assert_eq!(e.code, "sound_has_picture", "{e}");
}

#[test]
fn sound_refusals_name_what_is_wrong() {
    let tmp = TempDir::new().unwrap();
    let dir = out_dir(&tmp);
    let long = tmp.path().join("long.ogg");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=5", "-c:a", "libvorbis", s(&long)]);
    let short_limit = Limits { max_duration_s: 2.0, ..Limits::default() };
    assert_eq!(probe_sound(&long, &short_limit).unwrap_err().code, "sound_too_long");
    assert_eq!(process_sound(&long, &dir, &short_limit).unwrap_err().code, "sound_too_long");
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "nothing left behind");

    let garbage = tmp.path().join("garbage.mp3");
    std::fs::write(&garbage, b"this is not a recording at all, just words".repeat(100)).unwrap();
    let e = process_sound(&garbage, &dir, &Limits::default()).unwrap_err();
    assert!(e.is_permanent() && ["unsupported_format", "corrupt_file"].contains(&e.code), "{e}");

    // A playlist is refused: HLS is not among the sound demuxers.
    let hls = tmp.path().join("list.mp3");
    std::fs::write(&hls, "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n/etc/passwd\n#EXT-X-ENDLIST\n").unwrap();
    assert_eq!(process_sound(&hls, &dir, &Limits::default()).unwrap_err().code, "unsupported_format");

    // Only a picture: no sound.
    let mute = tmp.path().join("mute.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=64x64:duration=1", "-c:v", "ffv1", s(&mute)]);
    assert_eq!(probe_sound(&mute, &Limits::default()).unwrap_err().code, "sound_has_picture");
    let subs_only = tmp.path().join("subs.mkv");
    let srt = tmp.path().join("s.srt");
    std::fs::write(&srt, "1\n00:00:00,000 --> 00:00:01,000\nciao\n").unwrap();
    ffmpeg(&["-i", s(&srt), "-c:s", "srt", s(&subs_only)]);
    assert_eq!(probe_sound(&subs_only, &Limits::default()).unwrap_err().code, "no_audio");
}

/// AMR-NB: Debian's FFmpeg decodes it but has no AMR encoder (no libopencore_amrnb), so
/// the memo is written by hand: `#!AMR\n` and 12.2 kb/s frames (a header byte and 31
/// bytes of speech parameters each; any bits decode to some sound), then the same frames
/// copied into a 3GP as a phone would store them.
#[test]
fn sound_amr_and_3gp_voice_memos_are_read() {
    let tmp = TempDir::new().unwrap();
    let amr = tmp.path().join("memo.amr");
    let mut bytes = b"#!AMR\n".to_vec();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..150 {
        // Frame type 7 (12.2 kb/s) with the quality bit set, then pseudo-random parameters.
        let mut frame = vec![0x3C];
        frame.extend((0..31).map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        }));
        bytes.extend(frame);
    }
    std::fs::write(&amr, bytes).unwrap();
    let gp = tmp.path().join("memo.3gp");
    ffmpeg(&["-i", s(&amr), "-c:a", "copy", s(&gp)]);
    for input in [&amr, &gp] {
        let info = probe_sound(input, &Limits::default()).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!((info.codec.as_str(), info.channels, info.sample_rate), ("amr_nb", 1, 8000), "{info:?}");
        let dir = tmp.path().join(format!("out-{}", input.extension().unwrap().to_str().unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = process_sound(input, &dir, &Limits::default()).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        check_outputs(&out, 1, 3.0);
        check_loudness(&out);
    }
}

#[test]
fn sound_and_film_subtitle_tracks_are_offered_as_subrip() {
    use piazza_workers::film::text_subtitles;
    let tmp = TempDir::new().unwrap();
    let srt = tmp.path().join("in.srt");
    std::fs::write(&srt, "1\n00:00:00,500 --> 00:00:01,200\n<i>Buongiorno</i>, piazza\n\n2\n00:00:01,500 --> 00:00:02,750\nprima riga\nseconda riga\n").unwrap();
    let mkv = tmp.path().join("subs.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=3", "-i", s(&srt), "-map", "0:a", "-map", "1:s", "-c:a", "flac", "-c:s", "srt", "-metadata:s:s:0", "language=ita", s(&mkv)]);
    let mp4 = tmp.path().join("subs.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=160x120:duration=3", "-i", s(&srt), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-preset", "ultrafast", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", s(&mp4)]);
    let expected = "1\n00:00:00,500 --> 00:00:01,200\nBuongiorno, piazza\n\n2\n00:00:01,500 --> 00:00:02,750\nprima riga\nseconda riga\n\n";
    let (text, lang) = text_subtitles(&mkv, &Limits::default()).unwrap().expect("a track");
    assert_eq!((text.as_str(), lang.as_deref()), (expected, Some("ita")));
    let (text, lang) = text_subtitles(&mp4, &Limits::default()).unwrap().expect("a track");
    assert_eq!((text.as_str(), lang.as_deref()), (expected, Some("eng")));
    let none = tmp.path().join("none.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "flac", s(&none)]);
    assert!(text_subtitles(&none, &Limits::default()).unwrap().is_none());
}

#[test]
fn sound_time_budget_is_enforced() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("a.flac");
    ffmpeg(&["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "flac", s(&input)]);
    let no_time = Limits { timeout: std::time::Duration::ZERO, ..Limits::default() };
    let dir = out_dir(&tmp);
    assert_eq!(process_sound(&input, &dir, &no_time).unwrap_err().code, "processing_timeout");
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "nothing left behind");
}

#[test]
fn sound_of_silence_is_kept_as_it_is() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("silence.wav");
    ffmpeg(&["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "2", s(&input)]);
    let out = process_sound(&input, &out_dir(&tmp), &Limits::default()).unwrap();
    assert!(out.loudness.input_i.is_infinite() && out.loudness.output_i.is_infinite(), "{:?}", out.loudness);
    assert!((out.info.duration_s - 2.0).abs() <= 0.1);
    let png = image::open(&out.waveform.path).unwrap().to_rgba8();
    let inked = png.pixels().filter(|p| p[3] > 0).count();
    assert_eq!(inked, 800 * 2, "a flat line");
}
