//! Accounts: sign-up with a real SMTP server, verification, password reset, the outbox
//! without SMTP, sign-in limits, CSRF tokens, data export, account deletion, roles, and
//! signing out everywhere.

use crate::both;
use crate::helpers::{browser, extract_csrf, link, outbox_messages, post_form, Backend, TestApp};
use crate::media_fixtures;
use piazza::db::users;
use piazza::domain::Role;
use reqwest::multipart::Form;
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "una passeggiata in piazza";

async fn sign_in_with(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    client.post(app.url("/signin")).header("Origin", &app.base).form(&[("email", email), ("password", password)]).send().await.unwrap()
}

/// A real SMTP server (Python's aiosmtpd) writing what it receives into a maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> Option<Self> {
        let available = Command::new("python3").args(["-c", "import aiosmtpd"]).status().map(|s| s.success()).unwrap_or(false);
        if !available {
            crate::helpers::service_missing("an SMTP server (aiosmtpd)", "`python3 -c 'import aiosmtpd'` fails; `scripts/test` installs it, or `pip install aiosmtpd`");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let mailbox = dir.path().join("mail");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&mailbox)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Self { child, port, dir })
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    fn messages(&self) -> Vec<String> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail").join(sub)) {
                for e in entries.flatten() {
                    files.push((e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), e.path()));
                }
            }
        }
        files.sort();
        files.into_iter().map(|(_, p)| std::fs::read_to_string(p).unwrap()).collect()
    }

    /// Waits for the `n`th message (1-based) and returns it.
    async fn wait_message(&self, n: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages[n - 1].clone();
            }
            assert!(Instant::now() < deadline, "no message {n} after 20 s (have {})", messages.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first link in a message that goes to `path`.
fn path_of(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.base).unwrap_or_else(|| panic!("{url} is not on {}", app.base)).to_owned()
}

fn token_of(url: &str) -> String {
    url.split("token=").nth(1).unwrap().to_owned()
}

async fn sign_up(app: &TestApp, client: &reqwest::Client, email: &str, name: &str) -> reqwest::Response {
    client
        .post(app.url("/signup"))
        .header("Origin", &app.base)
        .form(&[("email", email), ("name", name), ("password", PASSWORD)])
        .send()
        .await
        .unwrap()
}

async fn spawn_with_smtp(backend: Backend, smtp: &SmtpServer) -> Option<TestApp> {
    let url = smtp.url();
    TestApp::spawn_with(backend, move |c| {
        c.smtp_url = url;
        c.mail_from = "Piazza <piazza@comune.example>".into();
    })
    .await
}

async fn sign_up_verify_and_reset_through_smtp(backend: Backend) {
    let Some(smtp) = SmtpServer::start() else { return };
    let Some(app) = spawn_with_smtp(backend, &smtp).await else { return };
    let curator = app.person("Giulia", Role::Curator).await;
    app.open_call(&curator, "voci", &["poem"]).await;
    let email = "lucia@example.org";

    let citizen = browser();
    let page = citizen.get(app.url("/signup")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<label for=\"password\">") && page.contains("<h1>Crea un account</h1>"));
    let r = sign_up(&app, &citizen, email, "Lucia").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signin?done=signup");
    let message = smtp.wait_message(1).await;
    assert!(message.contains("X-RcptTo: lucia@example.org"), "{message}");
    assert!(message.contains("Ciao Lucia") && message.contains("Hello Lucia"), "Italian first, English below");
    let verify_url = link(&message, "/verify");
    assert!(verify_url.starts_with(&app.base), "the link points at this server: {verify_url}");

    // Signed in before verifying, but no submissions yet: on the form and on the API.
    let r = sign_in_with(&app, &citizen, email, PASSWORD).await;
    assert_eq!(r.status(), 303);
    let submit_page = citizen.get(app.url("/submit")).send().await.unwrap().text().await.unwrap();
    assert!(submit_page.contains("Conferma il tuo indirizzo email"));
    let token = app.csrf_token(&citizen).await;
    let poem = || {
        Form::new().text("call", "voci").text("kind", "poem").text("title", "Campane").text("licence", "cc0-1.0").text("text", "Din don\nla sera")
    };
    let mut form = Form::new().text("csrf", token.clone());
    for (k, v) in [("call", "voci"), ("kind", "poem"), ("title", "Campane"), ("licence", "cc0-1.0"), ("text", "Din don")] {
        form = form.text(k, v);
    }
    let r = citizen.post(app.url("/submit")).header("Origin", &app.base).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Conferma prima il tuo indirizzo email"));
    let user = users::find_by_email(&app.state.db, email).await.unwrap().unwrap().user;
    assert!(!user.email_verified);
    let api_token = piazza::auth::new_token();
    users::insert_api_token(&app.state.db, &piazza::auth::token_hash(&api_token), &user.id).await.unwrap();
    let r = app.client.post(app.url("/api/v1/works")).bearer_auth(&api_token).multipart(poem()).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "email_not_verified");

    // The link opens a page with a button (a GET changes nothing); the button verifies, once.
    let r = citizen.get(app.url(&path_of(&app, &verify_url))).send().await.unwrap();
    assert_eq!(r.status(), 200, "{verify_url}");
    let verify_page = r.text().await.unwrap();
    assert!(verify_page.contains("name=\"token\""));
    let r = post_form(&app, &citizen, "/verify", &[("token", &token_of(&verify_url))]).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{verify_url} {text}");
    assert!(text.contains("Indirizzo confermato"));
    let r = post_form(&app, &citizen, "/verify", &[("token", &token_of(&verify_url))]).await;
    assert_eq!(r.status(), 400, "a link works once");
    let r = app.client.post(app.url("/api/v1/works")).bearer_auth(&api_token).multipart(poem()).send().await.unwrap();
    assert_eq!(r.status(), 202, "verified authors may submit");
    app.wait_jobs_settled().await;

    // Password reset: the same answer for a known and an unknown address.
    let stranger = browser();
    let known = post_form(&app, &stranger, "/reset-password", &[("email", "LUCIA@example.org")]).await;
    assert_eq!(known.status(), 200);
    let known = known.text().await.unwrap();
    let unknown = post_form(&app, &stranger, "/reset-password", &[("email", "nessuno@example.org")]).await;
    assert_eq!(unknown.status(), 200);
    assert_eq!(known, unknown.text().await.unwrap(), "the page does not tell whether the address exists");
    // Each address hears what applies to it: a reset link, or that it has no account.
    smtp.wait_message(3).await;
    let messages = smtp.messages();
    let reset_mail = messages.iter().find(|m| m.contains("/reset?token=")).expect("the reset link was delivered");
    let reset_url = link(reset_mail, "/reset");
    let no_account = messages.iter().find(|m| m.contains("nessuno@example.org")).expect("the unknown address was told");
    assert!(no_account.contains("non corrisponde nessun account") && !no_account.contains("token="), "{no_account}");
    let r = stranger.get(app.url(&path_of(&app, &reset_url))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = post_form(&app, &stranger, "/reset", &[("token", &token_of(&reset_url)), ("password", "corta")]).await;
    assert_eq!(r.status(), 422, "too short");
    let r = post_form(&app, &stranger, "/reset", &[("token", &token_of(&reset_url)), ("password", "una nuova password lunga")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signin?done=reset");
    let r = citizen.get(app.url("/me/works")).send().await.unwrap();
    assert_eq!(r.status(), 303, "a reset ends every session");
    let r = post_form(&app, &stranger, "/reset", &[("token", &token_of(&reset_url)), ("password", "ancora un'altra password")]).await;
    assert_eq!(r.status(), 400, "a reset link works once");
    assert_eq!(sign_in_with(&app, &browser(), email, PASSWORD).await.status(), 401);
    assert_eq!(sign_in_with(&app, &browser(), email, "una nuova password lunga").await.status(), 303);

    // Signing up again with a taken address looks the same; only the inbox learns why.
    let r = sign_up(&app, &browser(), email, "Lucia di nuovo").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signin?done=signup");
    let message = smtp.wait_message(4).await;
    assert!(message.contains("hai già un account") || message.contains("ha già uno"), "{message}");
    // The server has the message a moment before the sender removes its outbox copy.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.state.mailer.pending_count() != 0 {
        assert!(std::time::Instant::now() < deadline, "delivered mail leaves the outbox");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.stop().await;
}

mod sign_up_verify_and_reset_through_a_real_smtp_server {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        sign_up_verify_and_reset_through_smtp(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        sign_up_verify_and_reset_through_smtp(Backend::Postgres).await;
    }
}

async fn without_smtp_mail_is_written_to_the_outbox(app: &TestApp) {
    let client = browser();
    let r = sign_up(app, &client, "pietro@example.org", "Pietro").await;
    assert_eq!(r.status(), 303);
    let outbox = app.state.config.data_dir.join("outbox");
    let messages = outbox_messages(&outbox);
    assert_eq!(messages.len(), 1, "written before the answer");
    let verify_url = link(&messages[0], "/verify");
    assert!(messages[0].contains("To: pietro@example.org"));
    sign_in_with(app, &client, "pietro@example.org", PASSWORD).await;
    let r = post_form(app, &client, "/verify", &[("token", &token_of(&verify_url))]).await;
    assert_eq!(r.status(), 200);
    let user = users::find_by_email(&app.state.db, "pietro@example.org").await.unwrap().unwrap().user;
    assert!(user.email_verified);
    // Bad input comes back on the form, in Italian, with the right status, and sends nothing.
    let r = browser().post(app.url("/signup")).header("Origin", &app.base).form(&[("email", "x@example.org"), ("name", "X"), ("password", "corta")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("almeno 10 caratteri"));
    assert_eq!(outbox_messages(&outbox).len(), 1);
}
both!(without_smtp_mail_is_written_to_the_outbox, without_smtp_mail_is_written_to_the_outbox);

async fn sign_in_is_limited_per_account_and_per_address(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let marco = app.person("Marco", Role::Citizen).await;
    let client = browser();
    for _ in 0..5 {
        assert_eq!(sign_in_with(app, &client, &anna.email, "sbagliata").await.status(), 401);
    }
    let r = sign_in_with(app, &client, &anna.email, "password-for-tests").await;
    assert_eq!(r.status(), 429, "even the right password waits once the account is locked");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900, "{retry}");
    assert!(r.text().await.unwrap().contains("Troppe password sbagliate"));
    assert_eq!(sign_in_with(app, &client, &marco.email, "password-for-tests").await.status(), 303, "other accounts are not locked");
    // 5 failures so far from this address; 15 more on unknown accounts reach the limit of 20.
    for i in 0..15 {
        assert_eq!(sign_in_with(app, &browser(), &format!("nessuno{i}@example.org"), "x").await.status(), 401);
    }
    let r = sign_in_with(app, &browser(), &marco.email, "password-for-tests").await;
    assert_eq!(r.status(), 429, "the address is limited too");
    assert!(r.headers().contains_key("retry-after"));
    assert!(app.count("sign_in_throttle").await >= 2, "counters live in the database, shared by web nodes");
}
both!(sign_in_is_limited_per_account_and_per_address, sign_in_is_limited_per_account_and_per_address);

async fn cookie_forms_need_the_session_token(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "voci", &["poem"]).await;
    let client = browser();
    assert_eq!(sign_in_with(app, &client, &anna.email, "password-for-tests").await.status(), 303);
    let r = client.post(app.url("/signout")).header("Origin", &app.base).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "csrf_token_invalid");
    let r = client.post(app.url("/signout")).header("Origin", &app.base).form(&[("csrf", "not-the-token")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let token = app.csrf_token(&client).await;
    // Multipart: the token must be the first part.
    let late = Form::new().text("call", "voci").text("csrf", token.clone()).text("kind", "poem").text("title", "T").text("licence", "cc0-1.0").text("text", "x");
    let r = client.post(app.url("/submit")).header("Origin", &app.base).multipart(late).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let first = Form::new().text("csrf", token.clone()).text("call", "voci").text("kind", "poem").text("title", "T").text("licence", "cc0-1.0").text("text", "x");
    let r = client.post(app.url("/submit")).header("Origin", &app.base).multipart(first).send().await.unwrap();
    assert_eq!(r.status(), 303, "with the token first the submission goes through");
    app.wait_jobs_settled().await;
    // Every POST form in the pages carries the token.
    let page = client.get(app.url("/me/account")).send().await.unwrap().text().await.unwrap();
    assert_eq!(page.matches("<form method=\"post\"").count(), page.matches("name=\"csrf\"").count());
    // The header works for scripts; the Origin check still comes first.
    let r = client.post(app.url("/lang")).header("Origin", &app.base).header("X-CSRF-Token", &token).form(&[("lang", "en")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = client.post(app.url("/signout")).header("Origin", "https://evil.example").form(&[("csrf", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = client.post(app.url("/signout")).header("Origin", &app.base).form(&[("csrf", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    // A new session has a new token.
    sign_in_with(app, &client, &anna.email, "password-for-tests").await;
    assert_ne!(app.csrf_token(&client).await, token);
}
both!(cookie_forms_need_the_session_token, cookie_forms_need_the_session_token);

pub fn read_zip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        files.insert(f.name().to_owned(), content);
    }
    files
}

async fn export_holds_works_texts_and_originals(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "voci", &["poem", "photo"]).await;
    let poem = app.submit_ok(&anna, &[("call", "voci"), ("kind", "poem"), ("title", "Campane"), ("licence", "cc0-1.0"), ("text", "Din don\nla sera")], None).await;
    let jpeg = media_fixtures::jpeg(320, 240);
    let photo = app
        .submit_ok(&anna, &[("call", "voci"), ("kind", "photo"), ("title", "La via"), ("licence", "cc-by-4.0"), ("alt_text", "Una via")], Some(("via.jpg", jpeg.clone())))
        .await;
    app.wait_processed(&anna, &poem).await;
    app.wait_processed(&anna, &photo).await;
    app.review(&curator, &poem, "approve", "").await;

    let client = browser();
    assert_eq!(client.get(app.url("/me/export")).send().await.unwrap().status(), 303, "signed in only");
    sign_in_with(app, &client, &anna.email, "password-for-tests").await;
    let r = client.get(app.url("/me/export")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let files = read_zip(&r.bytes().await.unwrap());
    let account: Value = serde_json::from_slice(&files["account.json"]).unwrap();
    assert_eq!(account["email"], anna.email);
    let works: Vec<Value> = serde_json::from_slice(&files["works.json"]).unwrap();
    assert_eq!(works.len(), 2);
    let status_of = |id: &str| works.iter().find(|w| w["id"] == id).unwrap()["status"].as_str().unwrap().to_owned();
    assert_eq!(status_of(&poem), "published");
    assert_eq!(status_of(&photo), "pending_review");
    assert_eq!(files[&format!("texts/{poem}.txt")], b"Din don\nla sera");
    assert_eq!(files[&format!("originals/{photo}-via.jpg")], jpeg, "the original, byte for byte");
    assert_eq!(std::fs::read_dir(app.state.config.tmp_dir()).unwrap().count(), 0, "the archive left no temp file");
}
both!(export_holds_works_texts_and_originals, export_holds_works_texts_and_originals);

async fn deleting_an_account_withdraws_works_and_keeps_cc0_anonymised(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Annabella Rossini", Role::Citizen).await;
    app.open_call(&curator, "voci", &["poem", "photo"]).await;
    let photo = app
        .submit_ok(
            &anna,
            &[("call", "voci"), ("kind", "photo"), ("title", "Lampione solitario"), ("licence", "cc-by-4.0"), ("alt_text", "Un lampione")],
            Some(("via.jpg", media_fixtures::jpeg(320, 240))),
        )
        .await;
    let cc0 = app.submit_ok(&anna, &[("call", "voci"), ("kind", "poem"), ("title", "Campane serali"), ("licence", "cc0-1.0"), ("text", "Din don")], None).await;
    let pending = app.submit_ok(&anna, &[("call", "voci"), ("kind", "poem"), ("title", "Bozza"), ("licence", "cc0-1.0"), ("text", "Ancora")], None).await;
    for id in [&photo, &cc0, &pending] {
        app.wait_processed(&anna, id).await;
    }
    app.review(&curator, &photo, "approve", "").await;
    // The CC0 poem went through a request for changes: its first version is in the history.
    app.review(&curator, &cc0, "request_changes", "Manca l'ultimo verso").await;
    let resubmit = Form::new().text("title", "Campane serali").text("text", "Din don\ndan");
    let r = app.client.post(app.url(&format!("/api/v1/works/{cc0}/resubmit"))).bearer_auth(&anna.token).multipart(resubmit).send().await.unwrap();
    assert_eq!(r.status(), 202);
    app.wait_processed(&anna, &cc0).await;
    assert_eq!(app.count("work_revision").await, 1);
    app.review(&curator, &cc0, "approve", "").await;
    app.wait_searchable("lampione", &photo).await;
    let work: Value = app.get_work(None, &photo).await.json().await.unwrap();
    let media_url = work["renditions"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(app.get_bytes(None, &media_url).await.0, 200);

    let client = browser();
    sign_in_with(app, &client, &anna.email, "password-for-tests").await;
    let r = post_form(app, &client, "/me/delete", &[("password", "sbagliata")]).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("La password non è corretta"));
    let r = post_form(app, &client, "/me/delete", &[("password", "password-for-tests")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signin?done=deleted");

    // Withdrawn: 404 for everyone, curators included, on API, page and media; out of search.
    for id in [&photo, &pending] {
        assert_eq!(app.get_work(None, id).await.status(), 404);
        assert_eq!(app.get_work(Some(&curator), id).await.status(), 404);
        assert_eq!(app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().status(), 404);
    }
    assert_eq!(app.get_bytes(None, &media_url).await.0, 404);
    assert_eq!(app.get_bytes(Some(&curator), &media_url).await.0, 404);
    app.wait_index_caught_up().await;
    assert!(app.search("lampione").await.is_empty());
    assert!(app.stored_files().iter().all(|f| !f.contains(&photo) && !f.contains(&pending)), "{:?}", app.stored_files());
    assert!(app.stored_files().iter().all(|f| !f.contains(&format!("originals/{cc0}"))), "originals may carry metadata: gone");

    // CC0 and published: kept, anonymised, also in search.
    let kept: Value = app.get_work(None, &cc0).await.json().await.unwrap();
    assert_eq!(kept["author"], "Autore anonimo");
    let page = app.client.get(app.url(&format!("/works/{cc0}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Autore anonimo") && !page.contains("Rossini"));
    app.wait_searchable("campane", &cc0).await;
    assert!(app.search("Rossini").await.is_empty(), "the name is gone from the index");
    assert_eq!(app.count("work_revision").await, 0, "earlier versions, never public, are gone");

    // The person is gone: no sign-in, no session, no API token, no email in the database.
    assert_eq!(client.get(app.url("/me/works")).send().await.unwrap().status(), 303);
    assert_eq!(sign_in_with(app, &browser(), &anna.email, "password-for-tests").await.status(), 401);
    assert_eq!(app.get_work(Some(&anna), &cc0).await.status(), 401);
    assert!(users::find_by_email(&app.state.db, &anna.email).await.unwrap().is_none());
}
both!(deleting_an_account_withdraws_works_and_keeps_cc0_anonymised, deleting_an_account_withdraws_works_and_keeps_cc0_anonymised);

async fn admins_change_roles_in_the_page_and_the_cli(app: &TestApp) {
    let admin = app.person("Sindaca", Role::Admin).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let client = browser();
    sign_in_with(app, &client, &admin.email, "password-for-tests").await;
    let page = client.get(app.url("/admin/people")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&anna.email) && page.contains(">Persone e ruoli</h1>"));
    let r = post_form(app, &client, &format!("/admin/people/{}/role", anna.id), &[("role", "curator")]).await;
    assert_eq!(r.status(), 303);
    let role = |email: String| async move { users::find_by_email(&app.state.db, &email).await.unwrap().unwrap().user.role };
    assert_eq!(role(anna.email.clone()).await, Role::Curator);
    let r = post_form(app, &client, &format!("/admin/people/{}/role", admin.id), &[("role", "citizen")]).await;
    assert_eq!(r.status(), 409, "an admin cannot demote themselves");
    let r = post_form(app, &client, "/admin/people/nobody/role", &[("role", "citizen")]).await;
    assert_eq!(r.status(), 404);

    let citizen = browser();
    let marco = app.person("Marco", Role::Citizen).await;
    sign_in_with(app, &citizen, &marco.email, "password-for-tests").await;
    assert_eq!(citizen.get(app.url("/admin/people")).send().await.unwrap().status(), 403);
    let r = post_form(app, &citizen, &format!("/admin/people/{}/role", marco.id), &[("role", "admin")]).await;
    assert_eq!(r.status(), 403);

    let out = Command::new(env!("CARGO_BIN_EXE_piazza"))
        .env("PIAZZA_DATA_DIR", &app.state.config.data_dir)
        .env("PIAZZA_DATABASE_URL", app.state.config.database_url())
        .env_remove("PIAZZA_CONFIG")
        .args(["user", "role", "--email", &marco.email, "--role", "curator"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is now curator"));
    assert_eq!(role(marco.email.clone()).await, Role::Curator);
    assert_eq!(citizen.get(app.url("/curate")).send().await.unwrap().status(), 200, "the new role applies at once");
}
both!(admins_change_roles_in_the_page_and_the_cli, admins_change_roles_in_the_page_and_the_cli);

async fn signing_out_everywhere_ends_every_session(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let phone = browser();
    let laptop = browser();
    sign_in_with(app, &phone, &anna.email, "password-for-tests").await;
    sign_in_with(app, &laptop, &anna.email, "password-for-tests").await;
    let page = laptop.get(app.url("/me/account")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sessioni aperte: 2"), "{page}");
    assert!(extract_csrf(&page).is_some());
    let r = post_form(app, &laptop, "/me/signout-everywhere", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(phone.get(app.url("/me/works")).send().await.unwrap().status(), 303);
    assert_eq!(laptop.get(app.url("/me/works")).send().await.unwrap().status(), 303);
    assert_eq!(app.count("session").await, 0);
    // API tokens are not browser sessions: they stay until revoked.
    assert_eq!(app.get_work(Some(&anna), "nope").await.status(), 404);
}
both!(signing_out_everywhere_ends_every_session, signing_out_everywhere_ends_every_session);
