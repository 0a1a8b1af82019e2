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

    let anonymous = ["/", "/signin", "/signup", "/reset-password", "/archive", "/search", "/search?q=fontana", "/calls/il-quartiere"]
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
