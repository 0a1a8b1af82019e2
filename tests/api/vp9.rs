//! Issue 9: a real film once refused as damaged. A 10-bit VP9 (profile 2) WebM whose
//! colour description names only its matrix (BT.2020 non-constant), with neither
//! primaries nor transfer, and no stream duration: it is SDR BT.2020 and must come out as
//! BT.709 8-bit web renditions, never as `corrupt_file`.

use crate::both;
use crate::helpers::{Person, TestApp};
use crate::media_fixtures::ffprobe;
use piazza::domain::Role;
use serde_json::Value;
use std::process::Command;

/// The film: 3 s, 426x240, VP9 profile 2, 10 bits, matrix BT.2020 only.
fn vp9_profile_2_without_primaries_or_transfer(dir: &std::path::Path) -> Vec<u8> {
    let out = dir.join("film.webm");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=426x240:rate=25:duration=3"])
        .args(["-c:v", "libvpx-vp9", "-profile:v", "2", "-pix_fmt", "yuv420p10le", "-colorspace", "bt2020nc"])
        .args(["-b:v", "200k", "-deadline", "realtime", "-cpu-used", "8"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/setup-system installs it)");
    assert!(status.success());
    let bytes = std::fs::read(out).unwrap();
    let probe = ffprobe(&bytes);
    let video = &probe["streams"][0];
    assert_eq!((video["codec_name"].as_str(), video["pix_fmt"].as_str()), (Some("vp9"), Some("yuv420p10le")), "{video}");
    assert_eq!(video["color_space"], "bt2020nc", "{video}");
    for key in ["color_primaries", "color_transfer", "duration"] {
        assert!(video.get(key).is_none_or(|v| v == "unknown"), "test input states {key}: {video}");
    }
    bytes
}

/// ffprobe's video stream and duration (s) of a rendition fetched over HTTP as `who`.
async fn probe_rendition(app: &TestApp, who: &Person, rendition: &Value) -> (Value, f64) {
    let (status, headers, bytes) = app.get_bytes(Some(who), rendition["url"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{rendition}");
    assert_eq!(headers["content-type"], "video/mp4", "{rendition}");
    let probe = ffprobe(&bytes);
    let video = probe["streams"].as_array().unwrap().iter().find(|s| s["codec_type"] == "video").expect("a video stream").clone();
    let duration = probe["format"]["duration"].as_str().unwrap().parse().unwrap();
    (video, duration)
}

async fn vp9_profile_2_bt2020_film_reaches_review_with_bt709_renditions(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "corti-vp9", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = vp9_profile_2_without_primaries_or_transfer(dir.path());
    let id = app
        .submit_ok(&anna, &[("call", "corti-vp9"), ("kind", "film"), ("title", "Il fiume in dieci bit"), ("licence", "cc-by-sa-4.0")], Some(("fiume.webm", film)))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "refused: {work}");
    assert!(work["failure"].is_null(), "{work}");

    let renditions = work["renditions"].as_array().unwrap();
    for name in ["web.mp4", "web-360.mp4", "poster.jpg", "poster.webp"] {
        assert!(renditions.iter().any(|r| r["name"] == name), "no {name}: {work}");
    }
    for name in ["web.mp4", "web-360.mp4"] {
        let rendition = renditions.iter().find(|r| r["name"] == name).unwrap();
        let (video, duration) = probe_rendition(app, &anna, rendition).await;
        assert_eq!((video["codec_name"].as_str(), video["pix_fmt"].as_str()), (Some("h264"), Some("yuv420p")), "{name}: {video}");
        // Smaller than both boxes: never upscaled.
        assert_eq!((video["width"].as_i64(), video["height"].as_i64()), (Some(426), Some(240)), "{name}: {video}");
        for key in ["color_space", "color_transfer", "color_primaries"] {
            assert_eq!(video[key], "bt709", "{name} {key}: {video}");
        }
        assert!((duration - 3.0).abs() < 0.2, "{name}: duration {duration}");
    }
}
both!(vp9_profile_2_bt2020_film_reaches_review_with_bt709_renditions, vp9_profile_2_bt2020_film_reaches_review_with_bt709_renditions);
