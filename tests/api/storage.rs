//! The storage contract, run against the filesystem backend and a real S3-compatible
//! server, and the whole journey of a work on S3.

use crate::helpers::{Backend, TestApp};
use crate::media_fixtures;
use crate::seaweed::Seaweed;
use futures_util::StreamExt;
use piazza::domain::Role;
use piazza::storage::{LocalStore, MediaStore, S3Settings, S3Store, StorageError};
use std::sync::Arc;

async fn read_all(store: &dyn MediaStore, key: &str, range: Option<(u64, u64)>) -> Vec<u8> {
    let mut object = store.get(key, range).await.unwrap();
    let mut out = Vec::new();
    while let Some(chunk) = object.body.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

fn temp_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

async fn contract(store: Arc<dyn MediaStore>) {
    let dir = tempfile::tempdir().unwrap();
    let small: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let size = store.put_file("works/w1/a.bin", &temp_file(dir.path(), "a", &small)).await.unwrap();
    assert_eq!(size, small.len() as u64);
    assert!(!dir.path().join("a").exists(), "the source file is consumed");
    assert_eq!(read_all(&*store, "works/w1/a.bin", None).await, small);
    assert_eq!(read_all(&*store, "works/w1/a.bin", Some((10, 20))).await, &small[10..30]);
    assert_eq!(store.get("works/w1/a.bin", Some((10, 20))).await.unwrap().total_size, small.len() as u64);
    assert_eq!(store.size("works/w1/a.bin").await.unwrap(), Some(small.len() as u64));
    assert_eq!(store.size("works/w1/missing").await.unwrap(), None);
    assert!(matches!(store.get("works/w1/missing", None).await, Err(StorageError::NotFound)));

    // Large enough for a multipart upload on S3 (parts of 8 MiB).
    let large: Vec<u8> = (0..20 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
    store.put_file("originals/w2", &temp_file(dir.path(), "b", &large)).await.unwrap();
    let back = read_all(&*store, "originals/w2", None).await;
    assert!(back == large, "large object round-trips");
    store.fetch_to("originals/w2", &dir.path().join("fetched")).await.unwrap();
    assert!(std::fs::read(dir.path().join("fetched")).unwrap() == large);

    // Overwrite is atomic from a reader's view: the new content replaces the old.
    store.put_file("works/w1/a.bin", &temp_file(dir.path(), "c", b"new")).await.unwrap();
    assert_eq!(read_all(&*store, "works/w1/a.bin", None).await, b"new");
    store.put_file("works/w1/b.bin", &temp_file(dir.path(), "d", b"b")).await.unwrap();
    let mut keys: Vec<String> = store.list("works/").await.unwrap().into_iter().map(|o| o.key).collect();
    keys.sort();
    assert_eq!(keys, vec!["works/w1/a.bin", "works/w1/b.bin"]);
    store.delete_prefix("works/w1/").await.unwrap();
    assert!(store.list("works/").await.unwrap().is_empty());
    store.delete("originals/w2").await.unwrap();
    store.delete("originals/w2").await.unwrap();
    assert_eq!(store.size("originals/w2").await.unwrap(), None);
}

#[tokio::test]
async fn storage_contract_on_the_filesystem() {
    let dir = tempfile::tempdir().unwrap();
    contract(Arc::new(LocalStore::new(dir.path().join("media")).unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_contract_on_s3() {
    let Some(weed) = Seaweed::start().await else { return };
    let settings = S3Settings {
        endpoint: weed.endpoint.clone(),
        region: "us-east-1".into(),
        bucket: "contract".into(),
        access_key_id: "k".into(),
        secret_access_key: "s".into(),
        path_style: true,
        prefix: "tenant-a/".into(),
    };
    let store = S3Store::new(&settings).await.unwrap();
    store.ensure_bucket().await.unwrap();
    contract(Arc::new(store)).await;
    assert!(weed.keys("contract").await.iter().all(|k| k.starts_with("tenant-a/")) , "the prefix is applied");
}

async fn photo_journey_on_s3(backend: Backend) {
    let Some(weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_with(backend, |c| weed.configure(c, "journey")).await else { return };
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "s3", &["photo"]).await;
    let id = app
        .submit_ok(&anna, &[("call", "s3"), ("kind", "photo"), ("title", "Nel secchio"), ("licence", "cc0-1.0"), ("alt_text", "una foto")], Some(("f.jpg", media_fixtures::jpeg_rotated_with_gps())))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    let keys = weed.keys("journey").await;
    assert!(keys.contains(&format!("piazza/originals/{id}")), "{keys:?}");
    assert!(keys.iter().any(|k| k.starts_with(&format!("piazza/works/{id}/")) && k.ends_with("/fallback.jpg")), "{keys:?}");
    assert!(app.stored_files().is_empty(), "nothing kept on local disk: {:?}", app.stored_files());
    let url = work["renditions"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(app.get_bytes(None, &url).await.0, 404, "unpublished media is not reachable");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let (status, _, full) = app.get_bytes(None, &url).await;
    assert_eq!(status, 200);
    assert!(!media_fixtures::has_gps(&full));
    let partial = app.client.get(app.url(&url)).header("Range", "bytes=0-99").send().await.unwrap();
    assert_eq!(partial.status(), 206);
    assert_eq!(partial.bytes().await.unwrap().as_ref(), &full[..100]);

    // A call's cover lives in the bucket too.
    let form = reqwest::multipart::Form::new().text("alt", "il secchio").part("file", reqwest::multipart::Part::bytes(media_fixtures::jpeg(640, 480)).file_name("c.jpg"));
    let r = app.client.post(app.url("/api/v1/calls/s3/cover")).bearer_auth(&curator.token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cover_url = r.json::<serde_json::Value>().await.unwrap()["cover"]["url"].as_str().unwrap().to_owned();
    assert!(weed.keys("journey").await.iter().any(|k| k.starts_with("piazza/calls/") && k.ends_with("/cover.webp")));
    let (status, headers, bytes) = app.get_bytes(None, &cover_url).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/webp");
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 640);
    assert!(app.stored_files().is_empty(), "nothing kept on local disk: {:?}", app.stored_files());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_journey_on_s3_sqlite() {
    photo_journey_on_s3(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_journey_on_s3_postgres() {
    photo_journey_on_s3(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_outage_gives_503_and_jobs_finish_when_it_returns() {
    let Some(mut weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_full(Backend::Sqlite, false, |c| weed.configure(c, "outage")).await else { return };
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "guasto", &["photo"]).await;
    let fields = [("call", "guasto"), ("kind", "photo"), ("title", "Prima"), ("licence", "cc0-1.0"), ("alt_text", "una foto")];
    let queued = app.submit_ok(&anna, &fields, Some(("a.jpg", media_fixtures::jpeg(200, 150)))).await;

    weed.stop();
    let r = app.submit(&anna, &fields, Some(("b.jpg", media_fixtures::jpeg(200, 150)))).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "30");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "service_unavailable");
    assert_eq!(app.count("work").await, 1, "the refused upload left no row");
    assert!(app.stored_files().is_empty(), "and no temp file");

    // The job of the first work cannot fetch its original: a transient failure, retried.
    assert!(piazza::jobs::run_one(&app.state).await.unwrap());
    use sqlx::Row;
    let row = sqlx::query("select state, attempts, last_error from job where work_id = $1").bind(&queued).fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(row.get::<String, _>("state"), "queued");
    assert!(row.get::<String, _>("last_error").contains("media store"));

    weed.restart().await;
    sqlx::query("update job set run_after = 0").execute(&app.state.db.pool).await.unwrap();
    assert!(piazza::jobs::run_one(&app.state).await.unwrap());
    let work = app.wait_processed(&anna, &queued).await;
    assert_eq!(work["status"], "pending_review", "finished once the store came back: {work}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installation_moves_from_the_filesystem_to_s3() {
    let Some(weed) = Seaweed::start().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("media-samples");
    let piazza = |storage: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_piazza"));
        cmd.env_remove("PIAZZA_CONFIG")
            .env("PIAZZA_DATA_DIR", dir.path())
            .env("PIAZZA_STORAGE", storage)
            .env("PIAZZA_S3_ENDPOINT", &weed.endpoint)
            .env("PIAZZA_S3_BUCKET", "moved")
            .env("PIAZZA_S3_ACCESS_KEY_ID", "k")
            .env("PIAZZA_S3_SECRET_ACCESS_KEY", "s");
        cmd
    };
    let out = piazza("fs").arg("demo").arg("--samples").arg(&samples).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = piazza("fs").args(["storage", "migrate", "--from", "fs", "--to", "s3"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let mut local = Vec::new();
    crate::helpers::walk(&dir.path().join("media"), &mut local);
    let local_files = local.len();
    assert!(stdout.contains(&format!("copied and verified {local_files} objects")), "{stdout}");
    assert_eq!(weed.keys("moved").await.len(), local_files);
    // Run again: nothing to do, still consistent.
    let out = piazza("fs").args(["storage", "migrate", "--from", "fs", "--to", "s3"]).output().unwrap();
    assert!(out.status.success());

    // The same installation now serves its media from S3 with the local copies gone.
    std::fs::remove_dir_all(dir.path().join("media")).unwrap();
    let mut config = piazza::config::Config { data_dir: dir.path().to_owned(), ..Default::default() };
    weed.configure(&mut config, "moved");
    config.s3_prefix = String::new();
    let state = piazza::state::AppState::build(config, false).await.unwrap();
    let published = piazza::db::works::list_published(&state.db, None, 10, 0).await.unwrap();
    assert_eq!(published.len(), 6);
    for work in published {
        for r in piazza::db::works::renditions(&state.db, &work.id).await.unwrap() {
            assert_eq!(state.store.size(&r.storage_key).await.unwrap(), Some(r.size_bytes as u64), "{}", r.storage_key);
        }
    }
    let call = piazza::db::calls::find_by_slug(&state.db, "la-voce-del-fiume").await.unwrap().unwrap();
    let cover = call.cover.expect("the demo call has a cover");
    assert!(state.store.size(&cover.key).await.unwrap().is_some(), "the cover moved too");
}

/// A real film padded with a large `free` box: valid, and as big as wanted.
fn padded_film(dir: &std::path::Path, total: usize) -> Vec<u8> {
    let mut film = media_fixtures::film_with_location(dir);
    let pad = total - film.len();
    film.extend_from_slice(&(pad as u32).to_be_bytes());
    film.extend_from_slice(b"free");
    film.extend((0..pad - 8).map(|i| (i % 253) as u8));
    film
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_stream_into_s3_and_refused_ones_leave_nothing() {
    let Some(weed) = Seaweed::start().await else { return };
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| {
        weed.configure(c, "streamed");
        c.max_upload_bytes = 64 * 1024 * 1024;
    })
    .await
    else {
        return;
    };
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "flusso", &["film", "photo", "story"]).await;
    let dir = tempfile::tempdir().unwrap();

    // Larger than two S3 parts: streamed as a multipart upload while it arrives.
    let film = padded_film(dir.path(), 12 * 1024 * 1024);
    let id = app
        .submit_ok(&anna, &[("call", "flusso"), ("kind", "film"), ("title", "Grande"), ("licence", "cc0-1.0")], Some(("grande.mp4", film.clone())))
        .await;
    let head = weed.client().head_object().bucket("streamed").key(format!("piazza/originals/{id}")).send().await.unwrap();
    assert_eq!(head.content_length(), Some(film.len() as i64), "the whole original arrived in the store");

    // Refused after its bytes were streamed: the object goes away again.
    let mut bomb = media_fixtures::png_bomb(100_000, 100_000);
    bomb.resize(6 * 1024 * 1024, 0);
    let r = app.submit(&anna, &[("call", "flusso"), ("kind", "photo"), ("title", "Bomba"), ("licence", "cc0-1.0"), ("alt_text", "x")], Some(("b.png", bomb))).await;
    assert_eq!(r.status(), 422);
    // A story sent as a file keeps its text in the database, not the file.
    let story = app
        .submit_ok(&anna, &[("call", "flusso"), ("kind", "story"), ("title", "Storia"), ("licence", "cc0-1.0")], Some(("s.txt", b"c'era una volta".to_vec())))
        .await;
    let originals: Vec<String> = weed.keys("streamed").await.into_iter().filter(|k| k.starts_with("piazza/originals/")).collect();
    assert_eq!(originals, vec![format!("piazza/originals/{id}")], "only the accepted film's original is stored");
    app.wait_processed(&anna, &story).await;
    assert_eq!(app.wait_processed(&anna, &id).await["status"], "pending_review");
    let listed = weed.client().list_multipart_uploads().bucket("streamed").send().await.unwrap();
    assert!(listed.uploads().is_empty(), "no unfinished multipart upload is left");
    assert!(app.stored_files().is_empty(), "no temp file is left: {:?}", app.stored_files());
    app.stop().await;
}
