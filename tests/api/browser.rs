//! Tests in a real browser: Debian's Chromium, driven by playwright-core from the Node.js
//! scripts in `tests/browser/` against the test's own server. The page's look is the same
//! on either database, so these run on SQLite only.

use crate::helpers::{service_missing, TestApp};
use piazza::domain::Role;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
/// The oldest Node.js that the pinned playwright-core supports (its `engines`).
const NODE_MAJOR: u32 = 20;
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the browser tests cannot run here, if they cannot: Node.js, Chromium or the
/// scripts' packages (`npm ci --prefix tests/browser`, which `scripts/test` runs) missing.
fn missing_tools() -> Option<String> {
    let node = std::process::Command::new("node").arg("--version").output();
    let Ok(node) = node.as_ref().map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned()) else {
        return Some("`node` is not on PATH (scripts/setup-system installs it)".into());
    };
    let major: u32 = node.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < NODE_MAJOR {
        return Some(format!("Node.js {node} is older than the {NODE_MAJOR} that playwright-core needs"));
    }
    if !Path::new(CHROMIUM).exists() {
        return Some(format!("{CHROMIUM} does not exist (scripts/setup-system installs Debian's chromium)"));
    }
    let dir = browser_dir();
    let read_json = |path: PathBuf| -> Option<serde_json::Value> { serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok() };
    let wanted = read_json(dir.join("package.json")).expect("tests/browser/package.json is readable JSON");
    let wanted = wanted["dependencies"]["playwright-core"].as_str().expect("package.json pins playwright-core").to_owned();
    match read_json(dir.join("node_modules/playwright-core/package.json")) {
        Some(installed) if installed["version"] == wanted.as_str() => None,
        Some(installed) => Some(format!("tests/browser/node_modules has playwright-core {}, not {wanted}; run npm ci --prefix tests/browser", installed["version"])),
        None => Some("tests/browser/node_modules is missing; run npm ci --prefix tests/browser (scripts/test does)".into()),
    }
}

/// Runs `node tests/browser/{script}.mjs` with `PIAZZA_BASE_URL` set to the app and `env`
/// added, and fails the test with the script's output unless it exits 0. Returns what it
/// printed, or None when the tools are missing and `PIAZZA_TEST_SKIP_SERVICES=1` skips.
pub async fn run_script(app: &TestApp, script: &str, env: &[(&str, &str)]) -> Option<String> {
    if let Some(problem) = missing_tools() {
        service_missing("a browser (Node.js, Chromium and tests/browser/node_modules)", &problem);
        return None;
    }
    let mut command = tokio::process::Command::new("node");
    command.arg(browser_dir().join(format!("{script}.mjs"))).current_dir(browser_dir()).env("PIAZZA_BASE_URL", &app.base).kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = match tokio::time::timeout(SCRIPT_TIMEOUT, command.output()).await {
        Ok(output) => output.expect("starting node"),
        Err(_) => panic!("tests/browser/{script}.mjs did not finish in {} s", SCRIPT_TIMEOUT.as_secs()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tests/browser/{script}.mjs failed ({}):\n{stdout}\n{stderr}", output.status);
    Some(stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_signs_in_through_the_form() {
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Sqlite).await else { return };
    let anna = app.person("Anna Browser", Role::Citizen).await;
    let printed = run_script(&app, "sign_in", &[("PIAZZA_EMAIL", &anna.email), ("PIAZZA_PASSWORD", "password-for-tests"), ("PIAZZA_NAME", "Anna Browser")]).await;
    if let Some(printed) = printed {
        assert!(printed.contains("signed in as Anna Browser"), "{printed}");
    }
    app.stop().await;
}

/// Every page, as a visitor and as an admin (who sees every curator and admin page), on a
/// 360 px wide phone: none may be wider than the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_360px_phone() {
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Sqlite).await else { return };
    let admin = app.person("Giulia Amministratrice", Role::Admin).await;
    let anna = app.person("Anna Cittadina", Role::Citizen).await;
    app.open_call(&admin, "il-quartiere", &["photo", "poem", "story"]).await;
    let poem = "La fontana della piazza\ncanta ogni mattina\nper chi passa di fretta.";
    let fields = [("call", "il-quartiere"), ("kind", "poem"), ("title", "La fontana"), ("licence", "cc-by-4.0"), ("text", poem)];
    let poem_id = app.submit_ok(&anna, &fields, None).await;
    let fields = [("call", "il-quartiere"), ("kind", "photo"), ("title", "La via dei colori"), ("licence", "cc-by-4.0"), ("alt_text", "Una via con case colorate")];
    let photo_id = app.submit_ok(&anna, &fields, Some(("via.jpg", crate::media_fixtures::jpeg(640, 480)))).await;
    let fields = [("call", "il-quartiere"), ("kind", "poem"), ("title", "In attesa"), ("licence", "cc0-1.0"), ("text", "Una poesia ancora da leggere.")];
    let waiting_id = app.submit_ok(&admin, &fields, None).await;
    for (author, id) in [(&anna, &poem_id), (&anna, &photo_id), (&admin, &waiting_id)] {
        app.wait_processed(author, id).await;
    }
    for id in [&poem_id, &photo_id] {
        assert_eq!(app.review(&admin, id, "approve", "").await.status(), 200);
    }
    app.wait_searchable("fontana", &poem_id).await;
    let r = app
        .client
        .post(app.url("/api/v1/reasons"))
        .bearer_auth(&admin.token)
        .json(&serde_json::json!({ "label": "Troppo lunga", "text": "Accorcia la poesia a venti versi, per favore." }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    let anonymous = ["/", "/signin", "/signup", "/reset-password", "/archive", "/search", "/search?q=fontana", "/search?q=la&kind=poem&call=il-quartiere&per_page=1", "/calls/il-quartiere"]
        .map(String::from)
        .into_iter()
        .chain([format!("/works/{poem_id}"), format!("/works/{photo_id}")]);
    let signed_in = [
        "/",
        "/search?q=fontana",
        "/submit",
        "/submit?call=il-quartiere",
        "/me/works",
        "/me/account",
        "/curate",
        "/curate/calls",
        "/curate/calls/new",
        "/curate/calls/il-quartiere",
        "/curate/reasons",
        "/admin/people",
        "/admin/audit",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("/works/{poem_id}"), format!("/works/{photo_id}"), format!("/works/{waiting_id}")]);
    let anonymous = anonymous.collect::<Vec<_>>().join("\n");
    let signed_in = signed_in.collect::<Vec<_>>().join("\n");
    let shots = std::env::var("PIAZZA_SCREENSHOT_DIR").unwrap_or_default();
    run_script(
        &app,
        "pages_fit_a_phone",
        &[
            ("PIAZZA_EMAIL", &admin.email),
            ("PIAZZA_PASSWORD", "password-for-tests"),
            ("PIAZZA_ANONYMOUS_PAGES", &anonymous),
            ("PIAZZA_SIGNED_IN_PAGES", &signed_in),
            ("PIAZZA_SCREENSHOT_DIR", &shots),
        ],
    )
    .await;
    app.stop().await;
}

/// What every submit-form journey needs: a verified citizen, an open call for films and
/// photos, and uploads allowed up to 40 MiB and two minutes.
async fn the_form_for(adjust: impl FnOnce(&mut piazza::config::Config)) -> Option<(TestApp, crate::helpers::Person, crate::helpers::Person, tempfile::TempDir)> {
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |c| {
        c.max_upload_bytes = FORM_LIMIT_MB * 1024 * 1024;
        c.limits.max_duration_s = 120.0;
        adjust(c);
    })
    .await?;
    let curator = app.person("Carla Curatrice", Role::Curator).await;
    let anna = app.person("Anna Cittadina", Role::Citizen).await;
    app.open_call(&curator, "il-mercato", &["film", "photo", "poem"]).await;
    Some((app, curator, anna, tempfile::tempdir().unwrap()))
}

const FORM_LIMIT_MB: u64 = 40;

/// Runs one journey of `tests/browser/submit_form.mjs` as `anna` and returns what it
/// measured.
async fn journey(app: &TestApp, anna: &crate::helpers::Person, scenario: &str, env: &[(&str, &str)]) -> Option<serde_json::Value> {
    let mut all = vec![("PIAZZA_SCENARIO", scenario), ("PIAZZA_EMAIL", anna.email.as_str()), ("PIAZZA_PASSWORD", "password-for-tests"), ("PIAZZA_CALL", "il-mercato")];
    all.extend_from_slice(env);
    let printed = run_script(app, "submit_form", &all).await?;
    let last = printed.lines().last().unwrap_or_default();
    Some(serde_json::from_str(last).unwrap_or_else(|e| panic!("the script's last line is not JSON ({e}): {printed}")))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// A 20 MB film: the browser goes offline at about half, the upload pauses, and when the
/// network is back it goes on by itself; the work arrives and plays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_upload_pauses_offline_and_goes_on() {
    let Some((app, curator, anna, dir)) = the_form_for(|_| {}).await else { return };
    let film = write(dir.path(), "mercato.mp4", &crate::resumable::film(dir.path(), 20, 20));
    if let Some(seen) = journey(&app, &anna, "offline", &[("PIAZZA_FILM", &film)]).await {
        let id = seen["work"].as_str().unwrap();
        let (size, bytes) = (seen["size"].as_u64().unwrap(), seen["bytes"].as_u64().unwrap());
        let at = seen["offline_at"].as_u64().unwrap();
        assert!((40..=75).contains(&at), "offline at {at} %: {seen}");
        assert_eq!(seen["creations"], 1, "{seen}");
        assert!(bytes >= size && bytes < size * 13 / 10, "sent {bytes} bytes for a file of {size}: {seen}");
        app.wait_processed(&anna, id).await;
        crate::resumable::plays(&app, &curator, id, 20.0).await;
    }
    app.stop().await;
}

/// The page is reloaded at about half: the typed fields come back from the browser, the
/// same file goes on from where it stopped (in all under 1.3 times its bytes), and the work
/// arrives and plays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_upload_goes_on_after_a_reload() {
    let Some((app, curator, anna, dir)) = the_form_for(|_| {}).await else { return };
    let film = write(dir.path(), "mercato.mp4", &crate::resumable::film(dir.path(), 20, 20));
    if let Some(seen) = journey(&app, &anna, "reload", &[("PIAZZA_FILM", &film)]).await {
        let id = seen["work"].as_str().unwrap();
        let (size, bytes) = (seen["size"].as_u64().unwrap(), seen["bytes"].as_u64().unwrap());
        let at = seen["reloaded_at"].as_u64().unwrap();
        assert!((45..=80).contains(&at), "reloaded at {at} %: {seen}");
        assert_eq!(seen["creations"], 1, "one upload, resumed: {seen}");
        assert!(bytes >= size && bytes < size * 13 / 10, "sent {bytes} bytes for a file of {size}: {seen}");
        let work = app.wait_processed(&anna, id).await;
        assert_eq!(work["title"], "Il mercato del sabato", "{work}");
        crate::resumable::plays(&app, &curator, id, 20.0).await;
    }
    app.stop().await;
}

/// A file over the size limit and a film over the duration limit are refused in the
/// page, in Italian and with the limit, before a byte is sent; the typed title stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_refuses_a_file_over_the_limits_before_sending() {
    let Some((app, _curator, anna, dir)) = the_form_for(|_| {}).await else { return };
    let big = dir.path().join("troppo-grande.mp4");
    std::fs::File::create(&big).unwrap().set_len(FORM_LIMIT_MB * 1024 * 1024 + 1).unwrap();
    let long = dir.path().join("troppo-lungo.webm");
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=teal:s=64x64:r=2", "-t", "190", "-c:v", "libvpx", "-b:v", "20k"])
        .arg(&long)
        .status()
        .expect("ffmpeg is installed (scripts/setup-system installs it)");
    assert!(status.success());
    let env = [("PIAZZA_BIG_FILE", big.to_str().unwrap()), ("PIAZZA_LONG_FILM", long.to_str().unwrap()), ("PIAZZA_MAX_MB", "40"), ("PIAZZA_MAX_MINUTES", "2 minuti")];
    if let Some(seen) = journey(&app, &anna, "refused", &env).await {
        let too_large = seen["too_large"].as_str().unwrap();
        assert!(too_large.contains("file più piccolo"), "says what to do: {too_large}");
        assert!(seen["too_long"].as_str().unwrap().contains("4 minuti"), "says how long the film is: {seen}");
    }
    let uploads: i64 = sqlx::query_scalar("select count(*) from upload").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(uploads, 0, "no upload was created");
    app.stop().await;
}

/// The server refuses the form after the file arrived (the call asks for alt text): the
/// page comes back with the upload kept, and sending again sends no byte of the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_keeps_the_upload_when_the_form_is_refused() {
    let Some((app, curator, anna, dir)) = the_form_for(|_| {}).await else { return };
    let r = app
        .client
        .patch(app.url("/api/v1/calls/il-mercato"))
        .bearer_auth(&curator.token)
        .json(&serde_json::json!({ "alt_text_required": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let photo = write(dir.path(), "bancarelle.jpg", &crate::media_fixtures::jpeg(800, 600));
    if let Some(seen) = journey(&app, &anna, "kept", &[("PIAZZA_PHOTO", &photo)]).await {
        let work = app.wait_processed(&anna, seen["work"].as_str().unwrap()).await;
        assert_eq!(work["alt_text"], "Bancarelle di frutta sotto un portico", "{work}");
    }
    app.stop().await;
}

/// With JavaScript off the form is a plain multipart POST: a film arrives, and so does a
/// poem sent with the file field left empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_sends_a_film_without_javascript() {
    let Some((app, curator, anna, dir)) = the_form_for(|_| {}).await else { return };
    let film = write(dir.path(), "breve.mp4", &crate::resumable::film(dir.path(), 4, 2));
    if let Some(seen) = journey(&app, &anna, "nojs", &[("PIAZZA_FILM", &film)]).await {
        let id = seen["work"].as_str().unwrap();
        app.wait_processed(&anna, id).await;
        crate::resumable::plays(&app, &curator, id, 4.0).await;
        let poem = app.wait_processed(&anna, seen["poem"].as_str().unwrap()).await;
        assert_eq!(poem["kind"], "poem", "{poem}");
    }
    app.stop().await;
}
