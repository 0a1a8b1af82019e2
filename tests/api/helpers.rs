//! The test harness: a fresh server, data directory and database per test.

use piazza::app::Application;
use piazza::config::Config;
use piazza::db::users;
use piazza::domain::Role;
use piazza::state::AppState;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a scenario once per database: `both!(name, scenario_fn)` makes `name::sqlite` and
/// `name::postgres` tests.
#[macro_export]
macro_rules! both_without_jobs {
    ($name:ident, $scenario:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::helpers::TestApp::spawn_without_jobs($crate::helpers::Backend::Sqlite).await {
                    $scenario(&app).await;
                    app.stop().await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::spawn_without_jobs($crate::helpers::Backend::Postgres).await {
                    $scenario(&app).await;
                    app.stop().await;
                }
            }
        }
    };
}

#[macro_export]
macro_rules! both {
    ($name:ident, $scenario:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await {
                    $scenario(&app).await;
                    app.stop().await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await {
                    $scenario(&app).await;
                    app.stop().await;
                }
            }
        }
    };
}

/// Called when a service a test needs (PostgreSQL, SeaweedFS, an SMTP server) is missing:
/// fails the test, unless `PIAZZA_TEST_SKIP_SERVICES=1` opts out, in which case it says
/// loudly on stderr what was skipped and returns so the caller can give up.
pub fn service_missing(service: &str, problem: &str) {
    let test = std::thread::current().name().unwrap_or("this test").to_owned();
    if std::env::var("PIAZZA_TEST_SKIP_SERVICES").as_deref() == Ok("1") {
        eprintln!("\n!!!! SKIPPED {test}: {service} is missing: {problem}.\n!!!! PIAZZA_TEST_SKIP_SERVICES=1 is set, so this test proved nothing.\n");
    } else {
        panic!("{test} needs {service}: {problem}\n(to skip the tests that need a missing service on purpose, set PIAZZA_TEST_SKIP_SERVICES=1)");
    }
}

/// A database created for one test and dropped after it.
pub struct PgTestDb {
    admin_url: String,
    name: String,
}

impl PgTestDb {
    fn admin_url() -> String {
        std::env::var("PIAZZA_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
    }

    /// Creates the database, or fails the test when PostgreSQL is not reachable; None only
    /// when `PIAZZA_TEST_SKIP_SERVICES=1` says to skip (see [`service_missing`]).
    pub async fn create() -> Option<(Self, String)> {
        use sqlx::Connection;
        let admin_url = Self::admin_url();
        let mut conn = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(e) => {
                service_missing("PostgreSQL", &format!("not reachable at {admin_url} ({e}); start it or set PIAZZA_TEST_POSTGRES_URL"));
                return None;
            }
        };
        let name = format!("piazza_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("create database {name}")).execute(&mut conn).await.expect("create test database");
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("PIAZZA_TEST_POSTGRES_URL must end with a database name"),
        };
        Some((Self { admin_url, name }, url))
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        // Runs on its own thread and runtime: Drop cannot await, and the test's runtime
        // may be shutting down.
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
                    let _ = sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// One test's server. When the test ends (through [`TestApp::stop`], or by dropping it on
/// any other way out) the `job` table must have no job queued or running, unless the test
/// said so with [`TestApp::leaves_jobs`]: a test that did not wait for the work it started
/// has not seen its outcome, and its leftovers would run into the next assertions.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _data_dir: tempfile::TempDir,
    shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    jobs_checked: bool,
    jobs_left_on_purpose: std::sync::Mutex<Option<(usize, String)>>,
    _pg: Option<PgTestDb>,
}

pub struct Person {
    pub id: String,
    pub email: String,
    pub token: String,
}

/// Largest upload in tests, small so the limit can be crossed cheaply.
pub const TEST_MAX_UPLOAD: u64 = 3 * 1024 * 1024;

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        Self::spawn_full(backend, true, adjust).await
    }

    /// A server whose job runner is off, for tests that drive the queue by hand.
    pub async fn spawn_without_jobs(backend: Backend) -> Option<Self> {
        Self::spawn_full(backend, false, |_| {}).await
    }

    pub async fn spawn_full(backend: Backend, run_jobs: bool, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (pg, database_url) = match backend {
            Backend::Sqlite => (None, String::new()),
            Backend::Postgres => {
                let (db, url) = PgTestDb::create().await?;
                (Some(db), url)
            }
        };
        let mut config = Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            data_dir: data_dir.path().to_owned(),
            database_url,
            max_upload_bytes: TEST_MAX_UPLOAD,
            job_concurrency: 2,
            ..Config::default()
        };
        adjust(&mut config);
        let app = Application::build(config, run_jobs).await.expect("application starts");
        let port = app.port();
        let state = app.state().clone();
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(app.run_until(shutdown.clone()));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        Some(Self {
            base: format!("http://127.0.0.1:{port}"),
            client,
            state,
            _data_dir: data_dir,
            shutdown,
            server: Some(server),
            jobs_checked: false,
            jobs_left_on_purpose: std::sync::Mutex::new(None),
            _pg: pg,
        })
    }

    /// Checks that no job was left behind, then shuts the server down.
    pub async fn stop(mut self) {
        self.jobs_checked = true;
        let expected = self.jobs_left_on_purpose.lock().unwrap().clone();
        check_jobs_left(&self.state.db, expected).await;
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(40), server).await;
        }
        self.state.db.pool.close().await;
    }

    /// Says that the test leaves `count` jobs queued or running on purpose (it drives the
    /// queue by hand, or its point is a job that never finishes), and why; the end-of-test
    /// check then wants exactly that many.
    pub fn leaves_jobs(&self, count: usize, why: &str) {
        *self.jobs_left_on_purpose.lock().unwrap() = Some((count, why.to_owned()));
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Adds a person with an API token.
    pub async fn person(&self, name: &str, role: Role) -> Person {
        let email = format!("{}-{}@example.org", name.to_lowercase().replace(' ', "."), &uuid::Uuid::new_v4().simple().to_string()[..6]);
        let hash = piazza::auth::hash_password("password-for-tests").unwrap();
        let user = users::insert(&self.state.db, &email, name, role, &hash).await.unwrap();
        let token = piazza::auth::new_token();
        users::insert_api_token(&self.state.db, &piazza::auth::token_hash(&token), &user.id).await.unwrap();
        Person { id: user.id, email, token }
    }

    /// Creates an open call through the API, as a curator.
    pub async fn open_call(&self, curator: &Person, slug: &str, kinds: &[&str]) -> Value {
        let now = time::OffsetDateTime::now_utc();
        let fmt = &time::format_description::well_known::Rfc3339;
        let response = self
            .client
            .post(self.url("/api/v1/calls"))
            .bearer_auth(&curator.token)
            .json(&serde_json::json!({
                "slug": slug,
                "title": format!("Chiamata {slug}"),
                "description": "Una chiamata di prova per la città.",
                "question": "Che cosa racconta la tua città?",
                "kinds": kinds,
                "opens_at": (now - time::Duration::days(1)).format(fmt).unwrap(),
                "closes_at": (now + time::Duration::days(30)).format(fmt).unwrap(),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "creating a call: {}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// Submits a work through the API and returns the raw response.
    pub async fn submit(&self, who: &Person, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> reqwest::Response {
        let mut form = Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, bytes)) = file {
            form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
        }
        self.client.post(self.url("/api/v1/works")).bearer_auth(&who.token).multipart(form).send().await.unwrap()
    }

    /// Submits and expects 202; returns the work id.
    pub async fn submit_ok(&self, who: &Person, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> String {
        let response = self.submit(who, fields, file).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 202, "submission refused: {body}");
        assert_eq!(body["status"], "processing");
        body["id"].as_str().unwrap().to_owned()
    }

    pub async fn get_work(&self, who: Option<&Person>, id: &str) -> reqwest::Response {
        let mut request = self.client.get(self.url(&format!("/api/v1/works/{id}")));
        if let Some(who) = who {
            request = request.bearer_auth(&who.token);
        }
        request.send().await.unwrap()
    }

    /// Polls the work as its author until it leaves `processing`.
    pub async fn wait_processed(&self, author: &Person, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let work: Value = self.get_work(Some(author), id).await.json().await.unwrap();
            if work["status"] != "processing" {
                return work;
            }
            assert!(Instant::now() < deadline, "work {id} still processing after 120 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no job is queued or running: every work submitted so far has been
    /// processed (or has failed). For tests that do not hold the work's id.
    pub async fn wait_jobs_settled(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let live = piazza::db::jobs::count_live(&self.state.db).await.unwrap();
            if live == 0 {
                return;
            }
            assert!(Instant::now() < deadline, "{live} jobs still queued or running after 120 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn review(&self, curator: &Person, id: &str, decision: &str, reason: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/works/{id}/review")))
            .bearer_auth(&curator.token)
            .json(&serde_json::json!({ "decision": decision, "reason": reason }))
            .send()
            .await
            .unwrap()
    }

    pub async fn search(&self, query: &str) -> Vec<Value> {
        let response = self.client.get(self.url("/api/v1/search")).query(&[("q", query)]).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["results"].as_array().cloned().unwrap_or_default()
    }

    /// Polls search until `id` appears (the index follows the change sequence in the background).
    pub async fn wait_searchable(&self, query: &str, id: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let results = self.search(query).await;
            if results.iter().any(|r| r["id"] == id) {
                return results;
            }
            assert!(Instant::now() < deadline, "work {id} not found by {query:?} after 20 s: {results:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the index has applied every change in the database.
    pub async fn wait_index_caught_up(&self) {
        let latest = piazza::db::changes::latest(&self.state.db).await.unwrap();
        let index = self.state.search.clone().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while index.applied_seq() < latest {
            assert!(Instant::now() < deadline, "index did not catch up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn get_bytes(&self, who: Option<&Person>, path: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let mut request = self.client.get(self.url(path));
        if let Some(who) = who {
            request = request.bearer_auth(&who.token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    /// Every file under the media store and the temp dir: what an upload left behind.
    pub fn stored_files(&self) -> Vec<String> {
        let mut files = Vec::new();
        for dir in [self.state.config.media_dir(), self.state.config.tmp_dir()] {
            walk(&dir, &mut files);
        }
        files
    }

    /// The CSRF token a browser's forms carry: read from a page, as a browser would.
    pub async fn csrf_token(&self, client: &reqwest::Client) -> String {
        let page = client.get(self.url("/")).send().await.unwrap().text().await.unwrap();
        extract_csrf(&page).expect("pages carry a csrf field")
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("select count(*) as n from {table}")).fetch_one(&self.state.db.pool).await.unwrap().get::<i64, _>("n")
    }
}

impl Drop for TestApp {
    /// A test that returned without [`TestApp::stop`] is checked here (Drop cannot await,
    /// so with a connection of its own on another thread). Not while panicking:
    /// the test has already failed, and a second panic would abort the process.
    fn drop(&mut self) {
        if self.jobs_checked || std::thread::panicking() {
            return;
        }
        let expected = self.jobs_left_on_purpose.lock().unwrap().clone();
        check_jobs_left_blocking(&self.state.config.database_url(), expected);
        self.shutdown.cancel();
    }
}

/// [`check_jobs_left`] from synchronous code (a `Drop`): on its own thread and runtime, with
/// a connection of its own, since the caller's runtime may be blocked or shutting down.
pub fn check_jobs_left_blocking(database_url: &str, expected: Option<(usize, String)>) {
    let url = database_url.to_owned();
    let checked = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let db = piazza::db::Db::connect(&url, 1).await.expect("connecting to check the job table");
            check_jobs_left(&db, expected).await;
            db.pool.close().await;
        });
    })
    .join();
    if let Err(failure) = checked {
        std::panic::resume_unwind(failure);
    }
}

/// Fails unless the jobs queued or running are exactly the ones the test said it leaves
/// (none, unless [`TestApp::leaves_jobs`] said otherwise), listing them.
pub async fn check_jobs_left(db: &piazza::db::Db, expected: Option<(usize, String)>) {
    use sqlx::Row;
    let rows = sqlx::query(
        "select id, task, work_id, state, attempts, last_error from job where state in ('queued', 'running') order by id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("reading the job table");
    let mut live: Vec<String> = rows
        .iter()
        .take(20)
        .map(|r| {
            format!(
                "  job {} {} of work {}: {} after {} attempts, last error {:?}",
                r.get::<i64, _>("id"),
                r.get::<String, _>("task"),
                r.get::<String, _>("work_id"),
                r.get::<String, _>("state"),
                r.get::<i64, _>("attempts"),
                r.get::<Option<String>, _>("last_error"),
            )
        })
        .collect();
    if rows.len() > live.len() {
        live.push(format!("  and {} more", rows.len() - live.len()));
    }
    let (want, why) = expected.unwrap_or((0, String::new()));
    assert!(
        rows.len() == want,
        "the test ended with {} queued or running job(s), expected {want}{}; wait for the work it started (e.g. wait_processed) \
         or say why with TestApp::leaves_jobs:\n{}",
        rows.len(),
        if why.is_empty() { String::new() } else { format!(" ({why})") },
        live.join("\n")
    );
}

/// Another web node on the same database (its own data dir and index, no job runner), as
/// a second `piazza serve --no-jobs` behind a load balancer would be.
pub struct Node {
    pub base: String,
    shutdown: CancellationToken,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn second_node(&self) -> Node {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = (*self.state.config).clone();
        config.database_url = self.state.config.database_url();
        config.data_dir = data_dir.path().to_owned();
        config.bind = "127.0.0.1:0".parse().unwrap();
        let app = Application::build(config, false).await.expect("second node starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(app.run_until(shutdown.clone()));
        Node { base, shutdown, server, _data_dir: data_dir }
    }
}

impl Node {
    /// This node's own mail outbox (each node delivers the mail it wrote).
    pub fn outbox(&self) -> std::path::PathBuf {
        self._data_dir.path().join("outbox")
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = tokio::time::timeout(Duration::from_secs(20), self.server).await;
    }
}

/// Every file below `dir`, recursively.
pub fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path.display().to_string());
        }
    }
}

/// The value of the first `csrf` hidden field in a page.
pub fn extract_csrf(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(page[at..].split('"').next()?.to_owned())
}

/// A browser without JavaScript: keeps cookies, does not follow redirects (tests check them).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

/// Posts a form as a signed-in browser: same-origin, with the session's token.
pub async fn post_form(app: &TestApp, client: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token(client).await;
    let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    client.post(app.url(path)).header("Origin", &app.base).form(&all).send().await.unwrap()
}

/// The messages in the mail outbox, oldest first.
pub fn outbox_messages(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<std::path::PathBuf> =
        std::fs::read_dir(dir).map(|e| e.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect()).unwrap_or_default();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The full link to `path?token=...` in a message.
pub fn link(message: &str, path: &str) -> String {
    let at = message.find(&format!("{path}?token=")).unwrap_or_else(|| panic!("no {path} link in:\n{message}"));
    let start = message[..at].rfind("http").unwrap();
    message[start..].split_whitespace().next().unwrap().to_owned()
}
