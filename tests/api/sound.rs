//! Sound works over HTTP: every input family a phone or a computer writes (generated here
//! with FFmpeg's lavfi sources, and an AMR memo written frame by frame) is taken, plays as
//! Opus in WebM and AAC-LC in MP4, keeps mono mono, has a waveform, and comes out at −16
//! LUFS whatever its level; a sound sent as a film is a sound work where the call takes
//! them; calls may require transcripts; spoken words are found.

use crate::both;
use crate::helpers::{Person, TestApp};
use crate::media_fixtures::ffprobe;
use piazza::domain::Role;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// Runs ffmpeg to write `name` in `dir` from lavfi sound, and returns its bytes.
pub(crate) fn make(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/setup-system installs it)");
    assert!(status.success(), "ffmpeg could not write {name}");
    std::fs::read(out).unwrap()
}

/// Three seconds of a 440 Hz tone at `volume` dB, `channels` channels, as lavfi input args.
pub(crate) fn tone(volume: &str, channels: &str) -> Vec<String> {
    let filter = format!("sine=frequency=440:sample_rate=44100:duration=3,volume={volume}dB,aformat=channel_layouts={channels}");
    vec!["-f".into(), "lavfi".into(), "-i".into(), filter]
}

/// An AMR-NB voice memo, written by hand: the `#!AMR` header and 150 frames of the 12.2
/// kb/s mode with pseudo-random payloads (3 s of noise that the decoder reads as speech).
/// Debian's FFmpeg has no AMR encoder.
fn amr_memo() -> Vec<u8> {
    let mut bytes = b"#!AMR\n".to_vec();
    let mut state: u32 = 0x1234_5678;
    for _ in 0..150 {
        bytes.push(0x3C);
        for _ in 0..31 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            bytes.push((state >> 16) as u8);
        }
    }
    bytes
}

/// Integrated loudness (LUFS) and true peak (dBTP) of a file, measured by FFmpeg's EBU R128
/// filter.
fn loudness(bytes: &[u8]) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sound");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(&path)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg is installed");
    let log = String::from_utf8_lossy(&out.stderr);
    let summary = log.rsplit("Summary:").next().unwrap_or_default();
    let value = |label: &str| -> f64 {
        let line = summary.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("no {label} in {summary}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

async fn sent(app: &TestApp, who: &Person, call: &str, kind: &str, title: &str, name: &str, bytes: Vec<u8>, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut fields = vec![("call", call), ("kind", kind), ("title", title), ("licence", "cc-by-4.0")];
    fields.extend_from_slice(extra);
    app.submit(who, &fields, Some((name, bytes))).await
}

async fn accepted(response: reqwest::Response) -> String {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 202, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The work's two sound renditions and its waveform, checked; returns the measured
/// loudness of each sound rendition.
async fn plays(app: &TestApp, who: &Person, id: &str, name: &str, channels: u64) -> Vec<(f64, f64)> {
    let work = app.wait_processed(who, id).await;
    assert_eq!((work["status"].as_str(), work["kind"].as_str()), (Some("pending_review"), Some("audio")), "{name}: {work}");
    let duration = work["duration_s"].as_f64().unwrap();
    assert!((duration - 3.0).abs() < 0.2, "{name}: lasts {duration} s");
    let renditions = work["renditions"].as_array().unwrap();
    let mut measured = Vec::new();
    for (file, mime, codec) in [("sound.webm", "audio/webm", "opus"), ("sound.m4a", "audio/mp4", "aac")] {
        let r = renditions.iter().find(|r| r["name"] == file).unwrap_or_else(|| panic!("{name}: no {file} in {work}"));
        assert_eq!(r["mime"], mime, "{name}");
        let (status, headers, bytes) = app.get_bytes(Some(who), r["url"].as_str().unwrap()).await;
        assert_eq!((status.as_u16(), headers["content-type"].to_str().unwrap()), (200, mime), "{name} {file}");
        let probe = ffprobe(&bytes);
        let streams = probe["streams"].as_array().unwrap();
        assert_eq!(streams.len(), 1, "{name} {file}: one sound stream, no picture: {probe}");
        assert_eq!((streams[0]["codec_name"].as_str(), streams[0]["channels"].as_u64()), (Some(codec), Some(channels)), "{name} {file}: {probe}");
        if codec == "aac" {
            assert_eq!(streams[0]["profile"], "LC", "{name}: {probe}");
        }
        let tags = probe["format"]["tags"].as_object().map(|t| t.keys().filter(|k| !["major_brand", "minor_version", "compatible_brands", "encoder"].contains(&k.as_str())).cloned().collect::<Vec<_>>());
        assert!(tags.unwrap_or_default().is_empty(), "{name} {file}: no tags of the original: {probe}");
        let (i, tp) = loudness(&bytes);
        println!("{name} {file}: {i:.1} LUFS, {tp:.1} dBTP");
        measured.push((i, tp));
    }
    let wave = renditions.iter().find(|r| r["name"] == "waveform.png").unwrap_or_else(|| panic!("{name}: no waveform"));
    let (_, _, png) = app.get_bytes(Some(who), wave["url"].as_str().unwrap()).await;
    let picture = image::load_from_memory(&png).unwrap_or_else(|e| panic!("{name}: the waveform is a picture: {e}"));
    assert_eq!((u64::from(picture.width()), u64::from(picture.height())), (wave["width"].as_u64().unwrap(), wave["height"].as_u64().unwrap()), "{name}");
    measured
}

async fn every_sound_a_phone_or_a_computer_writes_plays(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "il-quartiere-suona", &["audio"]).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = |volume: &str, channels: &str, rest: &[&str]| -> Vec<String> {
        tone(volume, channels).into_iter().chain(rest.iter().map(|s| s.to_string())).collect()
    };
    let run = |name: &str, a: Vec<String>| make(d, name, &a.iter().map(String::as_str).collect::<Vec<_>>());
    let cover = ["-f", "lavfi", "-i", "color=c=teal:s=64x64:d=1"];
    let mp3_args: Vec<String> = tone("-20", "stereo")
        .into_iter()
        .chain(cover.iter().map(|s| s.to_string()))
        .chain(
            ["-map", "0", "-map", "1", "-c:a", "libmp3lame", "-c:v", "mjpeg", "-disposition:v", "attached_pic", "-id3v2_version", "3"]
                .iter()
                .map(|s| s.to_string()),
        )
        .chain(["-metadata", "title=Il mercato", "-metadata", "artist=Anna Rossi"].iter().map(|s| s.to_string()))
        .collect();
    let inputs: Vec<(&str, Vec<u8>, u64)> = vec![
        ("memo.mp3", run("memo.mp3", mp3_args), 2),
        ("memo.m4a", run("memo.m4a", args("-20", "mono", &["-c:a", "aac"])), 1),
        ("memo.aac", run("memo.aac", args("-20", "stereo", &["-c:a", "aac", "-f", "adts"])), 2),
        ("memo.wav", run("memo.wav", args("-20", "mono", &["-c:a", "pcm_s16le"])), 1),
        ("memo.flac", run("memo.flac", args("-20", "stereo", &["-c:a", "flac"])), 2),
        ("memo.ogg", run("memo.ogg", args("-20", "stereo", &["-c:a", "libvorbis"])), 2),
        ("memo.opus", run("memo.opus", args("-20", "mono", &["-c:a", "libopus"])), 1),
        ("memo.weba", run("memo.weba", args("-20", "stereo", &["-c:a", "libopus", "-f", "webm"])), 2),
        ("memo.amr", amr_memo(), 1),
        ("memo.3gp", run("memo.3gp", args("-20", "mono", &["-c:a", "aac", "-ar", "16000", "-f", "3gp"])), 1),
        ("sound.mp4", run("sound.mp4", args("-20", "stereo", &["-c:a", "aac", "-f", "mp4"])), 2),
        ("sound.mov", run("sound.mov", args("-20", "mono", &["-c:a", "aac", "-f", "mov"])), 1),
        ("sound.mkv", run("sound.mkv", args("-20", "stereo", &["-c:a", "flac", "-f", "matroska"])), 2),
        ("sound.webm", run("sound.webm", args("-20", "stereo", &["-c:a", "libvorbis", "-f", "webm"])), 2),
    ];
    for (name, bytes, channels) in inputs {
        let id = accepted(sent(app, &anna, "il-quartiere-suona", "audio", name, name, bytes, &[]).await).await;
        for (i, tp) in plays(app, &anna, &id, name, channels).await {
            assert!((i + 16.0).abs() <= 1.0, "{name}: {i} LUFS, not −16 ± 1");
            assert!(tp <= -0.5, "{name}: true peak {tp} dBTP");
        }
    }
}
both!(every_sound_a_phone_or_a_computer_writes_plays, every_sound_a_phone_or_a_computer_writes_plays);

/// A quiet memo and a loud one both come out at −16 LUFS (±1 LU), peaks under −1 dBTP.
async fn quiet_and_loud_sounds_come_out_equally_loud(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "il-quartiere-suona", &["audio"]).await;
    let dir = tempfile::tempdir().unwrap();
    let noise = |volume: &str| -> Vec<String> {
        let filter = format!("anoisesrc=color=pink:amplitude=0.5:duration=3:sample_rate=48000:seed=3,volume={volume}dB");
        ["-f", "lavfi", "-i", &filter, "-ac", "1", "-c:a", "pcm_f32le"].iter().map(|s| s.to_string()).collect()
    };
    let probe_level = |bytes: &[u8]| loudness(bytes).0;
    let reference = make(dir.path(), "ref.wav", &noise("0").iter().map(String::as_str).collect::<Vec<_>>());
    let level = probe_level(&reference);
    let quiet_gain = format!("{:.2}", -35.0 - level);
    let loud_gain = format!("{:.2}", -8.0 - level);
    let quiet = make(dir.path(), "quiet.wav", &noise(&quiet_gain).iter().map(String::as_str).collect::<Vec<_>>());
    let loud = make(dir.path(), "loud.wav", &noise(&loud_gain).iter().map(String::as_str).collect::<Vec<_>>());
    for (name, bytes) in [("quiet.wav", quiet), ("loud.wav", loud)] {
        let before = probe_level(&bytes);
        let id = accepted(sent(app, &anna, "il-quartiere-suona", "audio", name, name, bytes, &[]).await).await;
        for (i, tp) in plays(app, &anna, &id, name, 1).await {
            println!("{name}: {before:.1} LUFS in, {i:.1} LUFS and {tp:.1} dBTP out");
            assert!((i + 16.0).abs() <= 1.0, "{name} ({before:.1} LUFS in): {i} LUFS out");
            assert!(tp <= -0.5, "{name}: true peak {tp} dBTP");
        }
    }
}
both!(quiet_and_loud_sounds_come_out_equally_loud, quiet_and_loud_sounds_come_out_equally_loud);

/// A sound without a picture sent as a film: a sound work where the call takes them; where
/// it does not, the refusal names what the call takes.
async fn a_sound_sent_as_a_film_is_a_sound_work(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni-e-video", &["film", "audio"]).await;
    app.open_call(&curator, "solo-video", &["film", "photo"]).await;
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = tone("-20", "stereo").into_iter().chain(["-c:a", "aac", "-f", "mp4"].iter().map(|s| s.to_string())).collect();
    let mp4 = make(dir.path(), "voce.mp4", &args.iter().map(String::as_str).collect::<Vec<_>>());
    let id = accepted(sent(app, &anna, "suoni-e-video", "film", "Voce", "voce.mp4", mp4.clone(), &[]).await).await;
    plays(app, &anna, &id, "voce.mp4 as a film", 2).await;
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<audio controls preload=\"metadata\">") && page.contains("type=\"audio/webm\"") && page.contains("class=\"waveform\""), "the page plays it as a sound");

    let r = sent(app, &anna, "solo-video", "film", "Voce", "voce.mp4", mp4, &[]).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "sound_not_accepted", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("Film") && message.contains("Photo"), "names the kinds the call takes: {message}");
}
both!(a_sound_sent_as_a_film_is_a_sound_work, a_sound_sent_as_a_film_is_a_sound_work);

async fn a_call_that_requires_transcripts_refuses_a_sound_without_one(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "per-tutti", &["audio"]).await;
    let r = app.client.patch(app.url("/api/v1/calls/per-tutti")).bearer_auth(&curator.token).json(&json!({ "transcript_required": true })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = tone("-20", "mono").into_iter().chain(["-c:a", "libvorbis"].iter().map(|s| s.to_string())).collect();
    let ogg = make(dir.path(), "poesia.ogg", &args.iter().map(String::as_str).collect::<Vec<_>>());
    let r = sent(app, &anna, "per-tutti", "audio", "Senza parole", "poesia.ogg", ogg.clone(), &[]).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "transcript_required", "{body}");
    assert!(body["message"].as_str().unwrap().contains("help page"), "says how: {body}");
    let transcript = "Il vento sul ponte\nporta le voci del mercato.";
    let id = accepted(sent(app, &anna, "per-tutti", "audio", "Con le parole", "poesia.ogg", ogg, &[("transcript", transcript)]).await).await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["transcript"], transcript);
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    app.wait_searchable("mercato", &id).await;
}
both!(a_call_that_requires_transcripts_refuses_a_sound_without_one, a_call_that_requires_transcripts_refuses_a_sound_without_one);
