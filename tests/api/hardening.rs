//! What a hostile citizen tried (issue 9), each over real HTTP: forged Host headers, parallel
//! password guesses on one and on two web nodes, the lock-out link, tokens after a reset,
//! characters XML forbids, redirects taken from the request.

use crate::both;
use crate::helpers::{browser, link, outbox_messages, post_form, TestApp};
use piazza::domain::Role;
use serde_json::Value;

const RIGHT: &str = "password-for-tests";

async fn sign_in(base: &str, client: &reqwest::Client, email: &str, password: &str) -> reqwest::StatusCode {
    client.post(format!("{base}/signin")).header("Origin", base).form(&[("email", email), ("password", password)]).send().await.unwrap().status()
}

fn outbox(app: &TestApp) -> Vec<String> {
    outbox_messages(&app.state.config.data_dir.join("outbox"))
}

async fn reset_request_with_host(app: &TestApp, host: &str, email: &str) -> reqwest::Response {
    browser()
        .post(app.url("/reset-password"))
        .header("Host", host)
        .form(&[("email", email)])
        .send()
        .await
        .unwrap()
}

async fn mail_links_and_feed_ids_ignore_a_forged_host(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let port = app.base.rsplit(':').next().unwrap().to_owned();
    for forged in ["localhost:@evil.example", "127.0.0.1:1@evil.example", "[::1]:@evil.example", "evil.example", "localhost:80:81"] {
        let r = reset_request_with_host(app, forged, &anna.email).await;
        assert_eq!(r.status(), 503, "{forged}: no link can be made for this Host");
        let body = r.text().await.unwrap();
        assert!(!body.contains("evil.example"), "{forged}: {body}");
    }
    assert!(outbox(app).iter().all(|m| !m.contains("evil.example")), "no mail carries the forged host");
    assert_eq!(outbox(app).len(), 0);
    // A real local Host still makes working links, rebuilt from its parts.
    let r = reset_request_with_host(app, &format!("localhost:{port}"), &anna.email).await;
    assert_eq!(r.status(), 200);
    let url = link(&outbox(app)[0], "/reset");
    assert!(url.starts_with(&format!("http://localhost:{port}/reset?token=")), "{url}");

    // Feed ids do not follow the Host a reader used; links only for a local one.
    for host in ["localhost:@evil.example".to_owned(), format!("127.0.0.1:{port}")] {
        let feed = browser().get(app.url("/feed.xml")).header("Host", &host).send().await.unwrap().text().await.unwrap();
        assert!(!feed.contains("evil.example"), "{feed}");
        let doc = roxmltree::Document::parse(&feed).unwrap();
        let id = doc.descendants().find(|n| n.has_tag_name("id")).unwrap().text().unwrap();
        assert_eq!(id, "tag:localhost,2026:feed");
    }
}
both!(mail_links_and_feed_ids_ignore_a_forged_host, mail_links_and_feed_ids_ignore_a_forged_host);

/// Fires `n` sign-ins at once, alternating between the given web nodes; counts the answers.
async fn parallel_sign_ins(bases: &[String], emails: impl Fn(usize) -> String, password: &str, n: usize) -> (usize, usize, usize) {
    let mut tasks = Vec::new();
    for i in 0..n {
        let base = bases[i % bases.len()].clone();
        let email = emails(i);
        let password = password.to_owned();
        tasks.push(tokio::spawn(async move { sign_in(&base, &browser(), &email, &password).await }));
    }
    let (mut wrong, mut waits, mut other) = (0, 0, 0);
    for t in tasks {
        match t.await.unwrap().as_u16() {
            401 => wrong += 1,
            429 => waits += 1,
            _ => other += 1,
        }
    }
    (wrong, waits, other)
}

async fn parallel_guesses_get_no_more_checks_than_the_limit(app: &TestApp) {
    let curator = app.person("Cura", Role::Curator).await;
    let node = app.second_node().await;
    let bases = [app.base.clone(), node.base.clone()];
    let (wrong, waits, other) = parallel_sign_ins(&bases, |_| curator.email.clone(), "indovino", 60).await;
    assert_eq!((wrong, waits, other), (5, 55, 0), "at most 5 passwords checked per account, across both nodes");
    // The right password waits too: the lock holds for everyone...
    assert_eq!(sign_in(&app.base, &browser(), &curator.email, RIGHT).await, 429);
    // ...but the owner was told, once, and given a way in.
    let mut all = outbox(app);
    all.extend(outbox_messages(&node.outbox()));
    let warnings: Vec<String> = all.into_iter().filter(|m| m.contains("/signin/link?token=")).collect();
    assert_eq!(warnings.len(), 1, "one warning, however many guesses");
    assert!(warnings[0].contains(&format!("To: {}", curator.email)));
    assert!(warnings[0].contains("qualcuno ha sbagliato"), "{}", warnings[0]);
    // The link names the node that answered the locking guess; any node serves it.
    let url = link(&warnings[0], "/signin/link");
    let path = url[url.find("/signin/link").unwrap()..].to_owned();
    let owner = browser();
    let page = owner.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200, "opening the link changes nothing yet");
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let r = post_form(app, &owner, "/signin/link/use", &[("token", &token)]).await;
    assert_eq!(r.status(), 303);
    let account = owner.get(app.url("/me/account")).send().await.unwrap();
    assert_eq!(account.status(), 200);
    assert!(account.text().await.unwrap().contains(&curator.email), "signed in despite the lock");
    let again = post_form(app, &browser(), "/signin/link/use", &[("token", &token)]).await;
    assert_eq!(again.status(), 400, "the link works once");

    // The owner, locked out, can also ask for a fresh link from the sign-in page.
    let r = browser().post(app.url("/signin")).header("Origin", &app.base).form(&[("email", curator.email.as_str()), ("password", RIGHT)]).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("action=\"/signin/link\""), "the lock-out page offers a link by mail");
    let before = outbox(app).len();
    let r = browser().post(app.url("/signin/link")).header("Origin", &app.base).form(&[("email", curator.email.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(outbox(app).len(), before + 1);
    let r = browser().post(app.url("/signin/link")).header("Origin", &app.base).form(&[("email", "nessuno@example.org")]).send().await.unwrap();
    assert_eq!(r.status(), 303, "the same answer for an address without an account");
    assert_eq!(outbox(app).len(), before + 1, "and no mail");
    node.stop().await;
}
both!(parallel_guesses_get_no_more_checks_than_the_limit, parallel_guesses_get_no_more_checks_than_the_limit);

async fn parallel_guesses_from_one_address_stop_at_its_limit(app: &TestApp) {
    let node = app.second_node().await;
    let bases = [app.base.clone(), node.base.clone()];
    let (wrong, waits, other) = parallel_sign_ins(&bases, |i| format!("persona{i}@example.org"), "indovino", 50).await;
    assert_eq!((wrong, waits, other), (20, 30, 0), "at most 20 checks per address, across both nodes");
    node.stop().await;
}
both!(parallel_guesses_from_one_address_stop_at_its_limit, parallel_guesses_from_one_address_stop_at_its_limit);

async fn deleting_an_account_checks_the_password_under_the_same_limit(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let client = browser();
    assert_eq!(sign_in(&app.base, &client, &anna.email, RIGHT).await, 303);
    let csrf = app.csrf_token(&client).await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (client, url, origin, csrf) = (client.clone(), app.url("/me/delete"), app.base.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            client.post(url).header("Origin", origin).form(&[("csrf", csrf.as_str()), ("password", "indovino")]).send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 403).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 25, "{statuses:?}");
}
both!(deleting_an_account_checks_the_password_under_the_same_limit, deleting_an_account_checks_the_password_under_the_same_limit);

async fn a_password_reset_ends_sessions_and_api_tokens(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let me = |token: String| {
        let url = app.url("/api/v1/me/works");
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(me(anna.token.clone()).await, 200);
    let session = browser();
    assert_eq!(sign_in(&app.base, &session, &anna.email, RIGHT).await, 303);
    let r = browser().post(app.url("/reset-password")).header("Origin", &app.base).form(&[("email", anna.email.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let url = link(&outbox(app).pop().unwrap(), "/reset");
    let path = url.strip_prefix(&app.base).unwrap().to_owned();
    let form = browser().get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("chiavi API"), "the page says what a reset ends");
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let r = browser().post(app.url("/reset")).header("Origin", &app.base).form(&[("token", token.as_str()), ("password", "una nuova password lunga")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(me(anna.token.clone()).await, 401, "the API token was revoked");
    assert_eq!(session.get(app.url("/me/account")).send().await.unwrap().status(), 303, "the session ended");
}
both!(a_password_reset_ends_sessions_and_api_tokens, a_password_reset_ends_sessions_and_api_tokens);

async fn characters_xml_forbids_are_refused_and_never_reach_a_feed(app: &TestApp) {
    let curator = app.person("Cura", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "fiume", &["poem"]).await;
    for title in ["Il fiume\u{FFFF}", "Il \u{FFFE}fiume", "Il fiume\u{1}", "\u{FDD0}"] {
        let r = app.submit(&anna, &[("call", "fiume"), ("kind", "poem"), ("title", title), ("text", "acqua"), ("licence", "cc-by-4.0")], None).await;
        assert_eq!(r.status(), 422, "{title:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid_title");
        assert!(body["message"].as_str().unwrap().contains("invisible"), "{body}");
    }
    let r = app.submit(&anna, &[("call", "fiume"), ("kind", "poem"), ("title", "Acqua"), ("text", "acqua\u{FFFF} che scorre"), ("licence", "cc-by-4.0")], None).await;
    assert_eq!(r.status(), 422, "the text too");
    // A row from before the rule: the feed writer drops what XML cannot carry.
    let id = app.submit_ok(&anna, &[("call", "fiume"), ("kind", "poem"), ("title", "Acqua"), ("text", "acqua che scorre"), ("licence", "cc-by-4.0")], None).await;
    app.wait_processed(&anna, &id).await;
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    sqlx::query("update work set title = $1 where id = $2").bind("Ac\u{FFFF}qua\u{1}\u{FFFE}").bind(&id).execute(&app.state.db.pool).await.unwrap();
    for path in ["/feed.xml", "/calls/fiume/feed.xml"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let xml = r.text().await.unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path} is not XML: {e}\n{xml}"));
        let titles: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("entry")).flat_map(|e| e.children().filter(|c| c.has_tag_name("title"))).filter_map(|t| t.text()).collect();
        assert_eq!(titles, ["Acqua"], "{path}");
    }
}
both!(characters_xml_forbids_are_refused_and_never_reach_a_feed, characters_xml_forbids_are_refused_and_never_reach_a_feed);

async fn the_language_switch_only_goes_back_to_this_site(app: &TestApp) {
    let client = browser();
    for (back, expected) in [
        ("/%09/evil.example", "/"),
        ("/%0a", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/calls/fiume?page=2", "/calls/fiume?page=2"),
    ] {
        let body = format!("lang=en&back={}", back.replace('?', "%3F").replace('=', "%3D"));
        let r = client
            .post(app.url("/lang"))
            .header("Origin", &app.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{back}");
        assert_eq!(r.headers()["location"], expected, "{back}");
    }
}
both!(the_language_switch_only_goes_back_to_this_site, the_language_switch_only_goes_back_to_this_site);

// ---- slow, stalled and oversized requests ------------------------------------------------

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

/// Reads an HTTP response's status line and the rest, until the server closes or `limit`.
async fn read_response(stream: &mut (impl AsyncReadExt + Unpin), limit: Duration) -> (u16, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)));
            if length.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

async fn slow_clients_are_cut_off(app: &TestApp) {
    // Half-sent headers, and nothing at all: both closed after the header timeout.
    let started = Instant::now();
    let mut idle = Vec::new();
    for i in 0..50 {
        let mut s = TcpStream::connect(addr(app)).await.unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
        }
        idle.push(s);
    }
    for mut s in idle {
        let mut byte = [0u8; 1024];
        let closed = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match s.read(&mut byte).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => continue,
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "a connection with unfinished headers is still open after {:?}", started.elapsed());
    }
    // A body that stops arriving on a small route: 408, in the visitor's language.
    let mut s = TcpStream::connect(addr(app)).await.unwrap();
    let head = format!(
        "POST /signin HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a",
        addr(app)
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let (status, text) = read_response(&mut s, Duration::from_secs(20)).await;
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("rete"), "the page says what to do, in Italian: {text}");
}

fn poem_multipart(text: &str) -> (String, Vec<u8>) {
    let boundary = "XpiazzaX";
    let mut body = String::new();
    for (k, v) in [("call", "lenta"), ("kind", "poem"), ("title", "Piano piano"), ("licence", "cc-by-4.0"), ("text", text)] {
        body += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n");
    }
    body += &format!("--{boundary}--\r\n");
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

async fn uploads_may_be_slow_but_must_keep_moving(app: &TestApp) {
    let curator = app.person("Cura", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "lenta", &["poem"]).await;
    let (content_type, body) = poem_multipart(&"il fiume scorre piano\n".repeat(400));
    let head = |length: usize| {
        format!(
            "POST /api/v1/works HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n",
            addr(app),
            anna.token
        )
    };
    // About 3 KB a second for three seconds: slower than any window, but always moving.
    // (The pause paces the client under test; nothing is asserted after it.)
    let mut s = TcpStream::connect(addr(app)).await.unwrap();
    s.write_all(head(body.len()).as_bytes()).await.unwrap();
    for piece in body.chunks(1500) {
        s.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (status, text) = read_response(&mut s, Duration::from_secs(30)).await;
    assert_eq!(status, 202, "{text}");
    app.wait_jobs_settled().await;
    let works_before = app.count("work").await;
    // The same upload, stalled after its first piece: 408, and nothing kept.
    let mut s = TcpStream::connect(addr(app)).await.unwrap();
    s.write_all(head(body.len()).as_bytes()).await.unwrap();
    s.write_all(&body[..2000]).await.unwrap();
    let (status, text) = read_response(&mut s, Duration::from_secs(30)).await;
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    assert_eq!(app.count("work").await, works_before);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read_dir(app.state.config.tmp_dir()).map(|d| d.count() == 0).unwrap_or(true) {
        assert!(Instant::now() < deadline, "temp files left: {:?}", app.stored_files());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn oversized_bodies_are_refused_before_they_are_read(app: &TestApp) {
    let curator = app.person("Cura", Role::Curator).await;
    for (path, auth, content_type) in [
        ("/api/v1/works", format!("Authorization: Bearer {}\r\n", curator.token), "multipart/form-data; boundary=x"),
        ("/submit", String::new(), "multipart/form-data; boundary=x"),
        ("/api/v1/reasons", format!("Authorization: Bearer {}\r\n", curator.token), "application/json"),
    ] {
        let mut s = TcpStream::connect(addr(app)).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\n{auth}Content-Type: {content_type}\r\nContent-Length: 10000000000\r\n\r\n",
            addr(app)
        );
        s.write_all(head.as_bytes()).await.unwrap();
        // Not a byte of the body is sent: the answer must come anyway.
        let (status, text) = read_response(&mut s, Duration::from_secs(10)).await;
        assert_eq!(status, 413, "{path}: {text}");
        assert!(text.contains("MB") || text.contains("KB"), "{path}: the limit is in the message: {text}");
    }
    // A JSON body with no announced length, larger than the limit: 413, not "invalid JSON".
    let s = TcpStream::connect(addr(app)).await.unwrap();
    let (mut reader, mut writer) = s.into_split();
    let head = format!(
        "POST /api/v1/reasons HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        addr(app),
        curator.token
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    let sender = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()].concat();
        for _ in 0..1600 {
            if writer.write_all(&framed).await.is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"0\r\n\r\n").await;
    });
    let (status, text) = read_response(&mut reader, Duration::from_secs(30)).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("payload_too_large"), "{text}");
    sender.abort();
}

mod timeouts {
    use super::*;
    use crate::helpers::Backend;

    async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, |c| {
            c.header_timeout_s = 2;
            c.body_idle_timeout_s = 2;
            c.upload_window_s = 2;
            c.upload_min_bytes = 1024;
        })
        .await
    }

    macro_rules! on_both {
        ($name:ident) => {
            mod $name {
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = spawn(Backend::Sqlite).await {
                        super::super::$name(&app).await;
                        app.stop().await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = spawn(Backend::Postgres).await {
                        super::super::$name(&app).await;
                        app.stop().await;
                    }
                }
            }
        };
    }
    on_both!(slow_clients_are_cut_off);
    on_both!(uploads_may_be_slow_but_must_keep_moving);
    on_both!(oversized_bodies_are_refused_before_they_are_read);
}

async fn a_panicking_handler_answers_the_generic_500(app: &TestApp) {
    let routes = axum::Router::new().route("/boom", axum::routing::get(|| async {
        if std::hint::black_box(true) {
            panic!("a bug");
        }
        "never"
    }))
    .route("/fine", axum::routing::get(|| async { "ok" }));
    let router = piazza::http::router::finish(app.state.clone(), routes);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(piazza::app::serve(listener, router, Duration::from_secs(10), shutdown.clone()));
    for _ in 0..2 {
        let r = reqwest::get(format!("{base}/boom")).await.unwrap();
        assert_eq!(r.status(), 500);
        assert!(r.headers().contains_key("content-security-policy"), "the usual headers too");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "internal_error");
        assert!(!body.to_string().contains("a bug"), "nothing of the panic is told: {body}");
    }
    assert_eq!(reqwest::get(format!("{base}/fine")).await.unwrap().status(), 200, "the server goes on");
    shutdown.cancel();
    let _ = server.await;
}
both!(a_panicking_handler_answers_the_generic_500, a_panicking_handler_answers_the_generic_500);

// ---- throwaway accounts, the reset form's two answers, lists that never stop short ----

async fn sign_up_and_sign_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = browser();
    let r = client.post(app.url("/signup")).header("Origin", &app.base).form(&[("email", email), ("name", "Usa e getta"), ("password", "una password qualsiasi")]).send().await.unwrap();
    assert_eq!(r.status(), 303, "sign-up of {email}");
    assert_eq!(sign_in(&app.base, &client, email, "una password qualsiasi").await, 303);
    client
}

async fn only_confirmed_accounts_can_hide_a_work_and_only_once(app: &TestApp) {
    let curator = app.person("Cura", Role::Curator).await;
    let author = app.person("Autrice", Role::Citizen).await;
    app.open_call(&curator, "piazza", &["poem"]).await;
    let id = app.submit_ok(&author, &[("call", "piazza"), ("kind", "poem"), ("title", "Fontana"), ("licence", "cc-by-4.0"), ("text", "acqua")], None).await;
    app.wait_processed(&author, &id).await;
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let public = || async { app.get_work(None, &id).await.status() };
    // Three fresh, unconfirmed accounts: refused, and the work stays.
    for i in 0..3 {
        let client = sign_up_and_sign_in(app, &format!("sybil{i}@example.org")).await;
        let r = post_form(app, &client, &format!("/works/{id}/report"), &[("reason", "non mi piace")]).await;
        assert_eq!(r.status(), 403, "an unconfirmed account cannot report");
        assert!(r.text().await.unwrap().contains("Conferma"), "it is told what to do");
        let r = post_form(app, &client, &format!("/works/{id}/appreciate"), &[]).await;
        assert_eq!(r.status(), 403, "nor appreciate");
    }
    assert_eq!(public().await, 200);
    assert_eq!(app.count("work_report").await, 0);
    assert_eq!(app.count("appreciation").await, 0);
    // Three confirmed people can still hide it until a curator decides...
    let reporters = [app.person("Uno", Role::Citizen).await, app.person("Due", Role::Citizen).await, app.person("Tre", Role::Citizen).await];
    let report = |who: &crate::helpers::Person| {
        let (url, token) = (app.url(&format!("/api/v1/works/{id}/report")), who.token.clone());
        async move { reqwest::Client::new().post(url).bearer_auth(token).json(&serde_json::json!({ "reason": "offensiva" })).send().await.unwrap() }
    };
    for who in &reporters {
        assert_eq!(report(who).await.status(), 202);
    }
    assert_eq!(public().await, 404, "hidden pending review");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    assert_eq!(public().await, 200);
    // ...and the same crowd cannot undo the decision.
    for who in &reporters {
        let r = report(who).await;
        assert_eq!(r.status(), 202);
        assert_eq!(r.json::<Value>().await.unwrap()["recorded"], false);
    }
    assert_eq!(public().await, 200, "reports made before the decision do not count again");
}
both!(only_confirmed_accounts_can_hide_a_work_and_only_once, only_confirmed_accounts_can_hide_a_work_and_only_once);

mod sign_up_limits {
    use super::*;
    use crate::helpers::Backend;

    async fn scenario(app: &TestApp) {
        let sign_up_from = |address: &'static str, n: usize| {
            let app_url = app.url("/signup");
            let origin = app.base.clone();
            async move {
                browser()
                    .post(app_url)
                    .header("Origin", origin)
                    .header("X-Forwarded-For", address)
                    .form(&[("email", format!("nuova{n}@example.org")), ("name", format!("Nuova {n}")), ("password", "una password qualsiasi".into())])
                    .send()
                    .await
                    .unwrap()
            }
        };
        for n in 0..3 {
            assert_eq!(sign_up_from("203.0.113.7", n).await.status(), 303);
        }
        let r = sign_up_from("203.0.113.7", 3).await;
        assert_eq!(r.status(), 429, "a fourth account from one address in an hour");
        let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 3000 && retry <= 3600, "{retry}");
        let page = r.text().await.unwrap();
        assert!(page.contains("riprova tra 60 minuti") || page.contains("riprova tra 59 minuti"), "{page}");
        assert!(page.contains("nuova3@example.org") && page.contains("Nuova 3"), "what was typed comes back");
        // Many addresses: the ceiling for the whole piazza.
        assert_eq!(sign_up_from("198.51.100.1", 4).await.status(), 303);
        assert_eq!(sign_up_from("198.51.100.2", 5).await.status(), 303);
        let r = sign_up_from("198.51.100.3", 6).await;
        assert_eq!(r.status(), 429);
        assert!(r.text().await.unwrap().contains("moltissime iscrizioni"));
        // IPv6: one /64 is one address.
        let r = sign_up_from("2001:db8:1:2::10", 7).await;
        assert_eq!(r.status(), 429);
    }

    async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, |c| {
            c.trust_proxy = true;
            c.signups_per_address_per_hour = 3;
            c.signups_per_hour = 5;
        })
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        if let Some(app) = spawn(Backend::Sqlite).await {
            scenario(&app).await;
            app.stop().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = spawn(Backend::Postgres).await {
            scenario(&app).await;
            app.stop().await;
        }
    }
}

async fn a_reset_for_an_address_without_account_gets_its_own_mail(app: &TestApp) {
    let r = browser().post(app.url("/reset-password")).header("Origin", &app.base).form(&[("email", "nessuno@example.org")]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mail = outbox(app);
    assert_eq!(mail.len(), 1, "the same durable work as for an account");
    assert!(mail[0].contains("To: nessuno@example.org"));
    assert!(mail[0].contains("non corrisponde nessun account"));
    assert!(!mail[0].contains("token="), "no link that does anything");
}
both!(a_reset_for_an_address_without_account_gets_its_own_mail, a_reset_for_an_address_without_account_gets_its_own_mail);

async fn an_author_with_many_works_gets_every_one_in_pages_and_in_the_export(app: &TestApp) {
    let curator = app.person("Cura", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "tante", &["poem"]).await;
    const MANY: usize = 530;
    let mut ids = std::collections::BTreeSet::new();
    for batch in (0..MANY).collect::<Vec<_>>().chunks(10) {
        let mut tasks = Vec::new();
        for &n in batch {
            let (url, token) = (app.url("/api/v1/works"), anna.token.clone());
            tasks.push(tokio::spawn(async move {
                let form = reqwest::multipart::Form::new()
                    .text("call", "tante")
                    .text("kind", "poem")
                    .text("title", format!("Poesia {n}"))
                    .text("licence", "cc-by-4.0")
                    .text("text", format!("verso numero {n}"));
                let r = reqwest::Client::new().post(url).bearer_auth(token).multipart(form).send().await.unwrap();
                assert_eq!(r.status(), 202);
                r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
            }));
        }
        for t in tasks {
            ids.insert(t.await.unwrap());
        }
    }
    let mut listed = std::collections::BTreeSet::new();
    let mut page = Some(1);
    while let Some(n) = page {
        let r = reqwest::Client::new().get(app.url(&format!("/api/v1/me/works?page={n}"))).bearer_auth(&anna.token).send().await.unwrap();
        let body: Value = r.json().await.unwrap();
        let works = body["works"].as_array().unwrap();
        assert!(works.len() <= 100);
        listed.extend(works.iter().map(|w| w["id"].as_str().unwrap().to_owned()));
        page = body["next_page"].as_i64();
    }
    assert_eq!(listed, ids, "every work, on some page, once");

    let client = browser();
    assert_eq!(sign_in(&app.base, &client, &anna.email, RIGHT).await, 303);
    let r = client.get(app.url("/me/export")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    let name = disposition.split("filename=\"").nth(1).unwrap().trim_end_matches('"');
    assert!(name.starts_with("piazza-20") && name.ends_with(".zip") && !name.contains('/'), "{disposition}");
    let files = crate::accounts::read_zip(&r.bytes().await.unwrap());
    let works: Vec<Value> = serde_json::from_slice(&files["works.json"]).unwrap();
    let exported: std::collections::BTreeSet<String> = works.iter().map(|w| w["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(exported, ids, "the export holds everything");
    assert_eq!(files.keys().filter(|k| k.starts_with("texts/")).count(), MANY);
    app.leaves_jobs(MANY, "no runner: every work stays queued, and pages and export must list them anyway");
}
crate::both_without_jobs!(an_author_with_many_works_gets_every_one_in_pages_and_in_the_export, an_author_with_many_works_gets_every_one_in_pages_and_in_the_export);
