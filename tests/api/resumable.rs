//! Resumable uploads (tus 1.0.0) against a real server, with tuspy (the tus project's
//! Python client) as the client: on the filesystem and on SeaweedFS with two web nodes,
//! a film sent in chunks, cut off mid-chunk, resumed from the offset HEAD reports, and
//! made into a work that plays.

use crate::helpers::{Backend, Person, TestApp};
use crate::media_fixtures::ffprobe;
use crate::seaweed::Seaweed;
use piazza::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub(crate) const MIB: u64 = 1024 * 1024;

/// A film of about `megabytes` MB: a test pattern at a fixed high bitrate, with sound.
pub(crate) fn film(dir: &Path, seconds: u32, megabytes: u32) -> Vec<u8> {
    let out = dir.join(format!("film-{seconds}-{megabytes}.mp4"));
    let bitrate = format!("{}k", megabytes * 8 * 1024 / seconds);
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440"])
        .args(["-t", &seconds.to_string(), "-c:v", "mpeg4", "-b:v", &bitrate, "-minrate", &bitrate, "-maxrate", &bitrate, "-bufsize", "1M"])
        .args(["-c:a", "aac", "-movflags", "+faststart"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/setup-system installs it)");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn metadata(call: &str, kind: &str, name: &str) -> String {
    format!("filename {},filetype {},call {},kind {}", b64(name), b64("video/mp4"), b64(call), b64(kind))
}

/// `POST /api/v1/uploads` on `base`.
async fn create(app: &TestApp, base: &str, who: &Person, length: u64, metadata: &str) -> reqwest::Response {
    app.client
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(&who.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap()
}

async fn create_ok(app: &TestApp, who: &Person, length: u64, call: &str) -> String {
    let response = create(app, &app.base, who, length, &metadata(call, "film", "clip.mp4")).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/api/v1/uploads/"), "{location}");
    assert!(response.headers().contains_key("upload-expires"));
    location
}

pub(crate) async fn head(app: &TestApp, base: &str, who: &Person, path: &str) -> reqwest::Response {
    app.client.head(format!("{base}{path}")).bearer_auth(&who.token).header("Tus-Resumable", "1.0.0").send().await.unwrap()
}

pub(crate) async fn offset(app: &TestApp, who: &Person, path: &str) -> u64 {
    let response = head(app, &app.base, who, path).await;
    assert_eq!(response.status(), 200);
    response.headers()["upload-offset"].to_str().unwrap().parse().unwrap()
}

async fn patch(app: &TestApp, who: &Person, path: &str, at: u64, bytes: Vec<u8>, checksum: Option<String>) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(path))
        .bearer_auth(&who.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", at.to_string())
        .header("Content-Type", "application/offset+octet-stream");
    if let Some(sum) = checksum {
        request = request.header("Upload-Checksum", sum);
    }
    request.body(bytes).send().await.unwrap()
}

fn sha1_b64(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha1::Digest;
    format!("sha1 {}", base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(bytes)))
}

/// Sends a PATCH of `announced` bytes, but only `sent` of them, then drops the connection
/// (a phone losing its signal mid-chunk).
fn patch_and_cut(base: &str, token: &str, path: &str, at: u64, bytes: &[u8], announced: usize) {
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Offset: {at}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {announced}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(bytes).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    drop(stream);
}

/// Waits until HEAD reports an offset other than `from` (the cut request is recorded
/// once the server notices the connection is gone).
async fn wait_offset_moves(app: &TestApp, who: &Person, path: &str, from: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = offset(app, who, path).await;
        if now != from {
            return now;
        }
        assert!(Instant::now() < deadline, "the bytes of a cut chunk were never recorded (offset still {from})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn tuspy(args: &[&str]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tus/tuspy_upload.py");
    let python = which("python3");
    let out = match Command::new(&python).arg(&script).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("cannot run {python}: {e}"),
    };
    assert!(
        out.status.success(),
        "tuspy failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The Python with tuspy: the test virtualenv's (scripts/test puts it first on PATH).
fn which(program: &str) -> String {
    let found = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file() && Command::new(p).args(["-c", "import tusclient"]).output().is_ok_and(|o| o.status.success()));
    match found {
        Some(path) => path.to_string_lossy().into_owned(),
        None => panic!("no {program} with tuspy on PATH: run the tests with scripts/test, which installs it in the test virtualenv"),
    }
}

/// The upload's id, from its address.
pub(crate) fn id_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap()
}

/// Makes the finished upload a work through `base`.
pub(crate) async fn submit_upload(app: &TestApp, base: &str, who: &Person, call: &str, upload: &str, title: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("call", call.to_owned())
        .text("kind", "film")
        .text("title", title.to_owned())
        .text("licence", "cc-by-4.0")
        .text("upload", upload.to_owned());
    app.client.post(format!("{base}/api/v1/works")).bearer_auth(&who.token).multipart(form).send().await.unwrap()
}

/// The work's web rendition plays: ffprobe reads H.264 video and AAC sound of the length sent.
pub(crate) async fn plays(app: &TestApp, curator: &Person, id: &str, seconds: f64) {
    let work: Value = app.get_work(Some(curator), id).await.json().await.unwrap();
    let web = work["renditions"].as_array().unwrap().iter().find(|r| r["name"] == "web.mp4").expect("web rendition").clone();
    let (status, _, bytes) = app.get_bytes(Some(curator), web["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let probe = ffprobe(&bytes);
    let streams = probe["streams"].as_array().unwrap();
    assert!(streams.iter().any(|s| s["codec_type"] == "video" && s["codec_name"] == "h264"), "{probe}");
    assert!(streams.iter().any(|s| s["codec_type"] == "audio" && s["codec_name"] == "aac"), "{probe}");
    let duration: f64 = probe["format"]["duration"].as_str().unwrap().parse().unwrap();
    assert!((duration - seconds).abs() < 0.5, "duration {duration}, sent {seconds}");
}

/// The whole journey: tuspy starts the upload and sends two chunks, a third chunk is cut
/// off halfway (its bytes are kept), tuspy resumes from the offset HEAD gives, each chunk
/// through the next of `bases`, and the finished upload becomes a work that plays.
async fn film_survives_a_cut_connection(app: &TestApp, bases: &[String], chunk: u64) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "borghi", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = film(dir.path(), 6, (chunk * 5 / MIB) as u32);
    let path = dir.path().join("borgo.mp4");
    std::fs::write(&path, &bytes).unwrap();
    let file = path.to_str().unwrap();
    let chunk_s = chunk.to_string();

    let started = tuspy(&["start", &anna.token, file, &chunk_s, "2", &format!("{}/api/v1/uploads", bases[0]), "borghi", "film"]);
    let url = started[0]["url"].as_str().unwrap().to_owned();
    let upload = url.trim_start_matches(bases[0].as_str()).to_owned();
    assert_eq!(started[0]["offset"], 2 * chunk);

    // The third chunk: half of it arrives, then the signal is gone.
    let at = 2 * chunk;
    let half = (chunk / 2) as usize;
    patch_and_cut(bases.last().unwrap(), &anna.token, &upload, at, &bytes[at as usize..at as usize + half], chunk as usize);
    let after_cut = wait_offset_moves(app, &anna, &upload, at).await;
    assert_eq!(after_cut, at + half as u64, "every byte that arrived before the cut is kept");

    let resumed = tuspy(&["resume", &anna.token, file, &chunk_s, &url].into_iter().chain(bases.iter().map(String::as_str)).collect::<Vec<_>>());
    assert_eq!(resumed.last().unwrap()["offset"], bytes.len() as u64, "{resumed:?}");
    if bases.len() > 1 {
        let nodes: std::collections::HashSet<i64> = resumed.iter().map(|r| r["node"].as_i64().unwrap()).collect();
        assert_eq!(nodes.len(), bases.len(), "the chunks alternated between the web nodes: {resumed:?}");
    }

    let response = submit_upload(app, bases.last().unwrap(), &anna, "borghi", id_of(&upload), "Il borgo").await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    plays(app, &curator, &id, 6.0).await;

    // The upload became exactly one work: it is gone, and cannot be used again.
    assert_eq!(head(app, &app.base, &anna, &upload).await.status(), 404);
    let again = submit_upload(app, &app.base, &anna, "borghi", id_of(&upload), "Di nuovo").await;
    assert_eq!(again.status(), 422);
    assert_eq!(again.json::<Value>().await.unwrap()["error"], "unknown_upload");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tuspy_film_survives_a_cut_connection_on_the_filesystem() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let base = app.base.clone();
    film_survives_a_cut_connection(&app, &[base], 512 * 1024).await;
    let leftovers: Vec<String> = app.stored_files().into_iter().filter(|f| f.contains("uploads/")).collect();
    assert!(leftovers.is_empty(), "the upload's growing file is gone: {leftovers:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tuspy_film_survives_a_cut_connection_on_s3_across_two_web_nodes() {
    let Some(weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |c| {
        weed.configure(c, "tus");
        c.max_upload_bytes = 64 * MIB;
    })
    .await
    else {
        return;
    };
    let second = app.second_node().await;
    // 3 MiB chunks: each is too short for an S3 part (5 MiB) on its own, so tails are
    // kept in the store and joined with the next chunk, on whichever node it reaches.
    film_survives_a_cut_connection(&app, &[app.base.clone(), second.base.clone()], 3 * MIB).await;
    nothing_left_in(&weed, "tus").await;
    second.stop().await;
    app.stop().await;
}

/// After an upload became a work: no temporary object and no open multipart upload in `bucket`.
pub(crate) async fn nothing_left_in(weed: &Seaweed, bucket: &str) {
    let keys = weed.keys(bucket).await;
    assert!(!keys.iter().any(|k| k.contains("/uploads/")), "no temporary object is left: {keys:?}");
    let open = weed.client().list_multipart_uploads().bucket(bucket).send().await.unwrap();
    assert!(open.uploads().is_empty(), "no multipart upload is left open");
}

/// Refusals before any byte: the protocol version, the call's kinds and size limit, the
/// signed-out; and what OPTIONS tells.
async fn refusals_before_any_byte(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "foto", &["photo"]).await;
    app.open_call(&curator, "corti", &["film"]).await;

    let options = app.client.request(reqwest::Method::OPTIONS, app.url("/api/v1/uploads")).send().await.unwrap();
    assert_eq!(options.status(), 204);
    assert_eq!(options.headers()["tus-version"], "1.0.0");
    let extensions = options.headers()["tus-extension"].to_str().unwrap();
    for extension in ["creation", "creation-with-upload", "termination", "expiration", "checksum"] {
        assert!(extensions.split(',').any(|e| e == extension), "{extensions}");
    }
    assert_eq!(options.headers()["tus-max-size"].to_str().unwrap(), crate::helpers::TEST_MAX_UPLOAD.to_string());
    assert!(options.headers()["tus-checksum-algorithm"].to_str().unwrap().split(',').any(|a| a == "sha1"));

    let no_version = app.client.post(app.url("/api/v1/uploads")).bearer_auth(&anna.token).header("Upload-Length", "10").send().await.unwrap();
    assert_eq!(no_version.status(), 412);
    assert_eq!(no_version.headers()["tus-version"], "1.0.0");

    let signed_out = app.client.post(app.url("/api/v1/uploads")).header("Tus-Resumable", "1.0.0").header("Upload-Length", "10").send().await.unwrap();
    assert_eq!(signed_out.status(), 401);

    let wrong_kind = create(app, &app.base, &anna, 1000, &metadata("foto", "film", "clip.mp4")).await;
    assert_eq!(wrong_kind.status(), 422);
    let body: Value = wrong_kind.json().await.unwrap();
    assert_eq!(body["error"], "kind_not_accepted", "{body}");

    let too_large = create(app, &app.base, &anna, crate::helpers::TEST_MAX_UPLOAD + 1, &metadata("corti", "film", "lungo.mp4")).await;
    assert_eq!(too_large.status(), 413);
    let body: Value = too_large.json().await.unwrap();
    assert_eq!(body["error"], "file_too_large");
    assert!(body["message"].as_str().unwrap().contains("3 MB"), "the limit is in the message: {body}");

    let unknown = create(app, &app.base, &anna, 1000, &metadata("nessuna", "film", "clip.mp4")).await;
    assert_eq!(unknown.status(), 422);
    let broken = create(app, &app.base, &anna, 1000, "call !!!").await;
    assert_eq!(broken.status(), 400);
    assert_eq!(broken.json::<Value>().await.unwrap()["error"], "invalid_upload_metadata");
    let no_length = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&anna.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Metadata", metadata("corti", "film", "clip.mp4"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_length.status(), 400);
    assert_eq!(app.count("upload").await, 0, "nothing refused was recorded");
}
crate::both!(refusals_before_any_byte_are_clear, refusals_before_any_byte);

/// Checksums, offsets, owners, two writers at once, creation with a first chunk, and
/// termination.
async fn the_protocol_keeps_an_upload_consistent(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let bruno = app.person("Bruno", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let path = create_ok(app, &anna, data.len() as u64, "corti").await;

    // A damaged chunk is dropped whole.
    let damaged = patch(app, &anna, &path, 0, data[..100_000].to_vec(), Some(sha1_b64(&data[1..100_001]))).await;
    assert_eq!(damaged.status().as_u16(), 460);
    assert_eq!(offset(app, &anna, &path).await, 0);
    let good = patch(app, &anna, &path, 0, data[..100_000].to_vec(), Some(sha1_b64(&data[..100_000]))).await;
    assert_eq!(good.status(), 204);
    assert_eq!(good.headers()["upload-offset"], "100000");
    assert_eq!(good.headers()["tus-resumable"], "1.0.0");

    // A chunk that does not start where the upload stopped.
    let wrong = patch(app, &anna, &path, 50_000, data[50_000..60_000].to_vec(), None).await;
    assert_eq!(wrong.status(), 409);
    let unknown_algorithm = patch(app, &anna, &path, 100_000, data[100_000..110_000].to_vec(), Some("md5 AAAA".into())).await;
    assert_eq!(unknown_algorithm.status(), 400);
    let not_a_chunk = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&anna.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "100000")
        .header("Content-Type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_chunk.status(), 415);

    // Someone else's upload does not exist for them.
    assert_eq!(head(app, &app.base, &bruno, &path).await.status(), 404);
    assert_eq!(patch(app, &bruno, &path, 100_000, data[100_000..110_000].to_vec(), None).await.status(), 404);
    let delete = app.client.delete(app.url(&path)).bearer_auth(&bruno.token).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(delete.status(), 404);

    // Two writers at once: while one chunk is arriving, another on the same upload is
    // refused, and the first one's bytes all count.
    let slow = {
        let (client, url, token, first) = (app.client.clone(), app.url(&path), anna.token.clone(), data[100_000..200_000].to_vec());
        tokio::spawn(async move {
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
            let sender = tokio::spawn(async move {
                for piece in first.chunks(25_000) {
                    tx.send(Ok(piece.to_vec())).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(400)).await;
                }
            });
            let body = reqwest::Body::wrap_stream(tokio_stream_from(rx));
            let response = client
                .patch(url)
                .bearer_auth(token)
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", "100000")
                .header("Content-Type", "application/offset+octet-stream")
                .header("Content-Length", "100000")
                .body(body)
                .send()
                .await
                .unwrap();
            sender.await.unwrap();
            response.status()
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = patch(app, &anna, &path, 100_000, data[100_000..200_000].to_vec(), None).await;
    assert!(matches!(second.status().as_u16(), 409 | 423), "a second writer is refused: {}", second.status());
    assert_eq!(slow.await.unwrap(), StatusCode::NO_CONTENT);
    assert_eq!(offset(app, &anna, &path).await, 200_000);

    // More than the upload's length is refused, and nothing of it kept.
    let mut past = data[200_000..].to_vec();
    past.extend_from_slice(b"one byte too many");
    assert_eq!(patch(app, &anna, &path, 200_000, past, None).await.status(), 422);
    assert_eq!(offset(app, &anna, &path).await, 200_000);

    // A client behind a proxy that passes only POST names the method it means.
    let overridden = app
        .client
        .post(app.url(&path))
        .bearer_auth(&anna.token)
        .header("X-HTTP-Method-Override", "PATCH")
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "200000")
        .header("Content-Type", "application/offset+octet-stream")
        .body(data[200_000..210_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(overridden.status(), 204);
    assert_eq!(offset(app, &anna, &path).await, 210_000);

    // Termination removes it.
    let delete = app.client.delete(app.url(&path)).bearer_auth(&anna.token).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(delete.status(), 204);
    assert_eq!(head(app, &app.base, &anna, &path).await.status(), 404);
    let leftovers: Vec<String> = app.stored_files().into_iter().filter(|f| f.contains("uploads/")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // creation-with-upload: the first chunk comes with the creation.
    let with_data = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&anna.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", data.len().to_string())
        .header("Upload-Metadata", metadata("corti", "film", "clip.mp4"))
        .header("Content-Type", "application/offset+octet-stream")
        .body(data[..1000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(with_data.status(), 201);
    assert_eq!(with_data.headers()["upload-offset"], "1000");
    let created = with_data.headers()["location"].to_str().unwrap().to_owned();
    let delete = app.client.delete(app.url(&created)).bearer_auth(&anna.token).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(delete.status(), 204);
}
crate::both!(the_protocol_keeps_an_upload_consistent_under_mistakes, the_protocol_keeps_an_upload_consistent);

/// A body stream from a channel, for a chunk sent slowly.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_upload_is_gone_and_its_multipart_upload_aborted() {
    let Some(weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| {
        weed.configure(c, "expiry");
        c.max_upload_bytes = 64 * MIB;
    })
    .await
    else {
        return;
    };
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let data: Vec<u8> = (0..(12 * MIB) as u32).map(|i| (i % 253) as u8).collect();
    let path = create_ok(&app, &anna, data.len() as u64, "corti").await;
    // One full part (8 MiB) and a tail.
    assert_eq!(patch(&app, &anna, &path, 0, data[..(9 * MIB) as usize].to_vec(), None).await.status(), 204);
    let open = weed.client().list_multipart_uploads().bucket("expiry").send().await.unwrap();
    assert_eq!(open.uploads().len(), 1, "the upload's bytes are in a multipart upload");
    assert!(weed.keys("expiry").await.iter().any(|k| k.contains("/uploads/")), "the tail is a temporary object");

    // A day passes without a chunk.
    sqlx::query("update upload set expires_at = $1").bind(piazza::db::now_ms() - 1).execute(&app.state.db.pool).await.unwrap();
    assert_eq!(head(&app, &app.base, &anna, &path).await.status(), 410, "expired");
    let report = piazza::jobs::maintenance::sweep_once(&app.state, 24 * 3_600_000).await.unwrap();
    assert_eq!(report.expired_uploads, 1);
    assert_eq!(head(&app, &app.base, &anna, &path).await.status(), 404, "and then gone");
    let open = weed.client().list_multipart_uploads().bucket("expiry").send().await.unwrap();
    assert!(open.uploads().is_empty(), "its multipart upload was aborted");
    let keys = weed.keys("expiry").await;
    assert!(!keys.iter().any(|k| k.contains("/uploads/") || k.contains("/originals/")), "{keys:?}");
    assert_eq!(app.count("upload").await, 0);
    app.stop().await;
}

/// An upload becomes one work only, even when two submissions race for it; a refused
/// submission leaves the upload for the next try.
async fn an_upload_becomes_exactly_one_work(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = film(dir.path(), 2, 1);
    let path = create_ok(app, &anna, bytes.len() as u64, "corti").await;
    assert_eq!(patch(app, &anna, &path, 0, bytes.clone(), Some(sha1_b64(&bytes))).await.status(), 204);
    let upload = id_of(&path);

    let refused = submit_upload(app, &app.base, &anna, "corti", upload, "").await;
    assert_eq!(refused.status(), 422, "a missing title is refused");
    let racers = futures_util::future::join_all((0..4).map(|i| submit_upload(app, &app.base, &anna, "corti", upload, ["A", "B", "C", "D"][i]))).await;
    let statuses: Vec<u16> = racers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 202).count(), 1, "{statuses:?}");
    assert_eq!(app.count("work").await, 1);
    let ids: Vec<Value> = futures_util::future::join_all(racers.into_iter().map(|r| r.json::<Value>())).await.into_iter().map(Result::unwrap).collect();
    let id = ids.iter().find_map(|b| b["id"].as_str()).unwrap().to_owned();
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
}
crate::both!(an_upload_becomes_exactly_one_work_even_in_a_race, an_upload_becomes_exactly_one_work);

/// The call says what a work may be, before anything is sent.
async fn calls_tell_their_limits(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    app.open_call(&curator, "misto", &["photo", "film", "poem"]).await;
    let call: Value = app.client.get(app.url("/api/v1/calls/misto")).send().await.unwrap().json().await.unwrap();
    let limits = &call["limits"];
    assert_eq!(limits["max_bytes"], crate::helpers::TEST_MAX_UPLOAD);
    assert_eq!(limits["max_duration_s"], 600);
    assert_eq!(limits["max_pixels"], 40_000_000);
    assert_eq!(limits["max_text_chars"], 60_000);
    let types = limits["types"].as_object().unwrap();
    assert_eq!(types.keys().collect::<Vec<_>>(), ["film", "photo", "poem"]);
    assert!(types["film"].as_array().unwrap().iter().any(|t| t == "video/quicktime"));
    assert!(types["photo"].as_array().unwrap().iter().any(|t| t == "image/heic"));
    assert!(types["poem"].as_array().unwrap().is_empty());
}
crate::both!(calls_tell_their_limits_before_anything_is_sent, calls_tell_their_limits);

/// The number of open uploads per person is a limit reserved atomically: a crowd of
/// parallel creations gets exactly that many.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_creations_get_exactly_the_open_upload_limit() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn_with(backend, |c| c.max_open_uploads = 3).await else { return };
        let curator = app.person("Curatrice", Role::Curator).await;
        let anna = app.person("Anna", Role::Citizen).await;
        app.open_call(&curator, "corti", &["film"]).await;
        let meta = metadata("corti", "film", "clip.mp4");
        let answers = futures_util::future::join_all((0..30).map(|_| create(&app, &app.base, &anna, 1000, &meta))).await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        statuses.sort();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{backend:?}: {statuses:?}");
        assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{backend:?}: {statuses:?}");
        assert_eq!(app.count("upload").await, 3);
        app.stop().await;
    }
}
