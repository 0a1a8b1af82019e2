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
    let warnings: Vec<String> = outbox(app).into_iter().filter(|m| m.contains("/signin/link?token=")).collect();
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
