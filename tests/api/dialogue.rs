//! The three journeys of the dialogue between the city and its citizens, in a browser
//! without JavaScript (forms, redirects, cookies): a curator opens a call; a citizen
//! registers, verifies, submits, is asked for a change, resubmits and is published; the
//! public reads the work and the city's reply. Then the call closes, shows its results and
//! goes to the archive.

use crate::both;
use crate::helpers::{browser, link, outbox_messages, post_form, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::time::{Duration, Instant};

const PASSWORD: &str = "una passeggiata in piazza";

async fn sign_in(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) {
    let r = client.post(app.url("/signin")).header("Origin", &app.base).form(&[("email", email), ("password", password)]).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed in as {email}");
}

/// Posts a multipart form as a browser does: the token first, then the fields, then the file.
async fn post_multipart(app: &TestApp, client: &reqwest::Client, path: &str, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> reqwest::Response {
    let token = app.csrf_token(client).await;
    let mut form = Form::new().text("csrf", token);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
    }
    client.post(app.url(path)).header("Origin", &app.base).multipart(form).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Waits until the work leaves `processing`, as its author sees it through the API.
async fn wait_settled(app: &TestApp, client: &reqwest::Client, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let work: Value = client.get(app.url(&format!("/api/v1/works/{id}"))).send().await.unwrap().json().await.unwrap();
        if work["status"] != "processing" {
            return work;
        }
        assert!(Instant::now() < deadline, "still processing");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn the_city_and_a_citizen_talk_through_a_call(app: &TestApp) {
    let outbox = app.state.config.data_dir.join("outbox");
    let curator = app.person("Curatrice", Role::Curator).await;
    let redazione = browser();
    sign_in(app, &redazione, &curator.email, "password-for-tests").await;
    let public = browser();

    // 1. A curator opens a call: a draft first, invisible, then opened with a button.
    let (status, form) = page(&redazione, app, "/curate/calls/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("type=\"datetime-local\""));
    let call_fields = [
        ("slug", "il-fiume"),
        ("title", "Una poesia per il fiume"),
        ("question", "Che cosa ti racconta il Nera?"),
        ("description", "Il fiume attraversa la città: raccontalo."),
        ("kinds", "poem"),
        ("kinds", "photo"),
        ("opens_at", "2020-01-01T09:00"),
        ("closes_at", "2099-01-01T09:00"),
        ("max_works_per_person", "2"),
        ("licences", "cc-by-4.0"),
        ("licences", "cc0-1.0"),
        ("alt_text_required", "on"),
        ("results_text", "Grazie a tutti: ecco le opere scelte dalla giuria."),
    ];
    // A mistake comes back on the form, in Italian, with what was typed.
    let mut wrong = call_fields.to_vec();
    wrong[7] = ("closes_at", "2019-01-01T09:00");
    let r = post_form(app, &redazione, "/curate/calls/new", &wrong).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("deve chiudere dopo"), "{body}");
    assert!(body.contains("Una poesia per il fiume"), "the form keeps what was typed");

    let r = post_form(app, &redazione, "/curate/calls/new", &call_fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/curate/calls/il-fiume");
    assert_eq!(page(&public, app, "/calls/il-fiume").await.0, 404, "a draft is invisible");
    assert!(!page(&public, app, "/").await.1.contains("Una poesia per il fiume"));
    assert_eq!(page(&redazione, app, "/calls/il-fiume").await.0, 200, "curators preview drafts");

    let r = post_multipart(app, &redazione, "/curate/calls/il-fiume/cover", &[("alt", "Il Nera al tramonto")], Some(("nera.jpg", media_fixtures::jpeg(1600, 900)))).await;
    assert_eq!(r.status(), 303, "cover stored");
    let r = post_form(app, &redazione, "/curate/calls/il-fiume/state", &[("state", "open")]).await;
    assert_eq!(r.status(), 303);

    let (status, call_page) = page(&public, app, "/calls/il-fiume").await;
    assert_eq!(status, 200);
    assert!(call_page.contains("Che cosa ti racconta il Nera?"));
    assert!(call_page.contains("alt=\"Il Nera al tramonto\""));
    let cover_url = call_page.split("class=\"cover\" src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = public.get(app.url(&cover_url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/webp");
    let cover = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
    assert_eq!((cover.width(), cover.height()), (1280, 720), "the cover is one web-sized picture");
    assert!(page(&public, app, "/").await.1.contains("Una poesia per il fiume"));

    // 2. A citizen registers and confirms the address from the mail.
    let citizen = browser();
    let r = citizen
        .post(app.url("/signup"))
        .header("Origin", &app.base)
        .form(&[("email", "giulia@example.org"), ("name", "Giulia"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let verify = link(&outbox_messages(&outbox)[0], "/verify");
    sign_in(app, &citizen, "giulia@example.org", PASSWORD).await;
    let token = verify.split("token=").nth(1).unwrap();
    assert_eq!(post_form(app, &citizen, "/verify", &[("token", token)]).await.status(), 200);

    // The call's rules are told in words: a licence it does not offer is refused.
    let (status, submit_page) = page(&citizen, app, "/submit?call=il-fiume").await;
    assert_eq!(status, 200);
    assert!(submit_page.contains("value=\"il-fiume\" selected"));
    let poem = [("call", "il-fiume"), ("kind", "poem"), ("title", "Acqua lenta"), ("licence", "cc-by-sa-4.0"), ("text", "Scorre il Nera\nsotto il ponte vecchio")];
    let r = post_multipart(app, &citizen, "/submit", &poem, None).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("non propone la licenza CC BY-SA 4.0; scegli tra: CC BY 4.0, CC0 1.0"), "says the licence is the problem and what is allowed: {body}");
    let mut poem = poem.to_vec();
    poem[3] = ("licence", "cc-by-4.0");
    let r = post_multipart(app, &citizen, "/submit", &poem, None).await;
    assert_eq!(r.status(), 303);
    let id = location(&r).trim_start_matches("/works/").to_owned();
    assert_eq!(wait_settled(app, &citizen, &id).await["status"], "pending_review");

    // 3. The curator finds it in the call's queue and asks for a change with a ready-made reason.
    let (status, queue) = page(&redazione, app, "/curate?call=il-fiume&kind=poem").await;
    assert_eq!(status, 200);
    assert!(queue.contains("Acqua lenta"));
    assert!(!page(&redazione, app, "/curate?call=il-fiume&kind=photo").await.1.contains("Acqua lenta"), "the kind filter filters");
    let (_, work_page) = page(&redazione, app, &format!("/works/{id}")).await;
    assert!(work_page.contains("value=\"off-topic\""), "reason templates are offered");
    let r = post_form(app, &redazione, &format!("/curate/{id}"), &[("decision", "request_changes"), ("reason", ""), ("reason_template", "off-topic")]).await;
    assert_eq!(r.status(), 303);

    // The author learns it by mail and on "my works", with the reason.
    let mails = outbox_messages(&outbox);
    let mail = mails.iter().find(|m| m.contains("Acqua lenta") && m.contains("modifica")).expect("a status mail");
    assert!(mail.contains("To: giulia@example.org"));
    assert!(mail.contains("non risponde alla domanda"), "the reason is in the mail");
    assert!(mail.contains(&format!("/works/{id}/edit")));
    let (_, mine) = page(&citizen, app, "/me/works").await;
    assert!(mine.contains("Modifiche richieste"));
    assert!(mine.contains("non risponde alla domanda"));
    assert!(mine.contains(&format!("/works/{id}/edit")));

    // 4. The author edits and resubmits; the first version stays in the history.
    let (status, edit) = page(&citizen, app, &format!("/works/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(edit.contains("Scorre il Nera"), "the form holds the current text");
    let r = post_multipart(
        app,
        &citizen,
        &format!("/works/{id}/edit"),
        &[("title", "Acqua lenta sul Nera"), ("text", "Scorre il Nera\nsotto il ponte vecchio\ne porta via la sera"), ("description", "")],
        None,
    )
    .await;
    assert_eq!(r.status(), 303);
    let work = wait_settled(app, &citizen, &id).await;
    assert_eq!(work["status"], "pending_review");
    assert_eq!(work["revision"], 2);
    assert!(work["html"].as_str().unwrap().contains("porta via la sera"));
    assert_eq!(page(&citizen, app, &format!("/works/{id}/edit")).await.0, 409, "nothing to change any more");
    let history: Value = citizen.get(app.url(&format!("/api/v1/works/{id}/history"))).send().await.unwrap().json().await.unwrap();
    let actions: Vec<&str> = history["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submitted", "changes_requested", "resubmitted"]);
    assert_eq!(history["revisions"][0]["title"], "Acqua lenta");
    assert!(history["revisions"][0]["text"].as_str().unwrap().contains("ponte vecchio"));
    assert!(!history["revisions"][0]["text"].as_str().unwrap().contains("sera"));

    // 5. The curator publishes it, features it and answers in public.
    assert_eq!(post_form(app, &redazione, &format!("/curate/{id}"), &[("decision", "approve")]).await.status(), 303);
    assert_eq!(post_form(app, &redazione, &format!("/curate/{id}/flag"), &[("flag", "featured"), ("on", "1")]).await.status(), 303);
    let reply = "Grazie Giulia: la leggeremo sul ponte il giorno della festa.";
    assert_eq!(post_form(app, &redazione, &format!("/curate/{id}/reply"), &[("text", reply)]).await.status(), 303);
    let mails = outbox_messages(&outbox);
    assert!(mails.iter().any(|m| m.contains("Acqua lenta sul Nera") && m.contains("pubblicata")), "the author hears of the publication");

    // 6. The public reads the new version and the city's reply; the history is not public.
    let (status, public_work) = page(&public, app, &format!("/works/{id}")).await;
    assert_eq!(status, 200);
    assert!(public_work.contains("porta via la sera"));
    assert!(public_work.contains(reply));
    assert!(!public_work.contains("non risponde alla domanda"), "the curators' reason is not public");
    assert_eq!(public.get(app.url(&format!("/api/v1/works/{id}/history"))).send().await.unwrap().status(), 401);
    let (_, call_page) = page(&public, app, "/calls/il-fiume").await;
    let featured = call_page.split("In evidenza").nth(1).expect("a featured section");
    assert!(featured.contains("Acqua lenta sul Nera"));
    app.wait_searchable("sera", &id).await;
    let (status, feed) = page(&public, app, "/calls/il-fiume/feed.xml").await;
    assert_eq!(status, 200);
    assert!(feed.contains("<title>Acqua lenta sul Nera</title>"));

    // 7. The call closes by hand, shows its results, and goes to the archive.
    for state in ["closed", "results"] {
        assert_eq!(post_form(app, &redazione, "/curate/calls/il-fiume/state", &[("state", state)]).await.status(), 303);
    }
    let (_, call_page) = page(&public, app, "/calls/il-fiume").await;
    assert!(call_page.contains("ecco le opere scelte dalla giuria"));
    let home = page(&public, app, "/").await.1;
    assert!(home.split("Chiamate con i risultati").nth(1).is_some_and(|results| results.contains("Una poesia per il fiume")), "listed with its results");
    assert!(!call_page.contains("/submit?call=il-fiume"), "no more answers");
    let r = post_multipart(app, &citizen, "/submit", &[("call", "il-fiume"), ("kind", "poem"), ("title", "Tardi"), ("licence", "cc0-1.0"), ("text", "tardi")], None).await;
    assert_eq!(r.status(), 422, "a closed call refuses works");
    assert!(r.text().await.unwrap().contains("«Una poesia per il fiume» si è chiusa il"), "and says since when");
    assert_eq!(post_form(app, &redazione, "/curate/calls/il-fiume/state", &[("state", "archived")]).await.status(), 303);
    assert!(!page(&public, app, "/").await.1.contains("Una poesia per il fiume"));
    assert!(page(&public, app, "/archive").await.1.contains("Una poesia per il fiume"));
    assert_eq!(page(&public, app, &format!("/works/{id}")).await.0, 200, "archived works stay readable");
    // A step the lifecycle does not allow is refused with its reason.
    let r = post_form(app, &redazione, "/curate/calls/il-fiume/state", &[("state", "open")]).await;
    assert_eq!(r.status(), 409);

    // The audit log holds every curator step.
    let admin = app.person("Admin", Role::Admin).await;
    let admin_browser = browser();
    sign_in(app, &admin_browser, &admin.email, "password-for-tests").await;
    let (_, audit) = page(&admin_browser, app, "/admin/audit").await;
    for action in ["call.create", "call.cover", "call.open", "work.changes_requested", "work.approved", "work.featured", "call.results", "call.archived"] {
        assert!(audit.contains(action), "audit log lacks {action}");
    }
}
both!(the_city_and_a_citizen_talk_through_a_call, the_city_and_a_citizen_talk_through_a_call);
