//! New captions or a new transcript for a published work: the author sends them, the work
//! stays public as it was while a curator reviews them, and approval makes them the work's
//! next revision (served, shown, searchable); a declined update leaves the work as it was.

use crate::both;
use crate::captions::{send_film, SRT};
use crate::helpers::{outbox_messages, Person, TestApp};
use piazza::domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

/// Sends an update as the API takes it.
async fn send_update(app: &TestApp, who: &Person, id: &str, transcript: Option<&str>, captions: Option<&str>) -> reqwest::Response {
    let mut form = Form::new();
    if let Some(t) = transcript {
        form = form.text("transcript", t.to_owned());
    }
    if let Some(c) = captions {
        form = form.part("captions", Part::bytes(c.as_bytes().to_vec()).file_name("nuovi.srt")).text("captions_lang", "it");
    }
    app.client.post(app.url(&format!("/api/v1/works/{id}/accessibility"))).bearer_auth(&who.token).multipart(form).send().await.unwrap()
}

async fn decide(app: &TestApp, curator: &Person, id: &str, decision: &str, reason: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/works/{id}/accessibility/review")))
        .bearer_auth(&curator.token)
        .json(&json!({ "decision": decision, "reason": reason }))
        .send()
        .await
        .unwrap()
}

async fn status_and_body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A published film without captions, sent by `author` to a new call.
async fn published_film(app: &TestApp, curator: &Person, author: &Person, title: &str) -> String {
    app.open_call(curator, "suoni", &["film", "audio", "poem"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let r = send_film(app, author, "suoni", title, film, &[], None).await;
    let (status, body) = status_and_body(r).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    app.wait_processed(author, &id).await;
    assert_eq!(app.review(curator, &id, "approve", "").await.status(), 200);
    id
}

/// A processed sound work (waiting for review) with `transcript`, sent to the call `suoni`.
async fn sound_work(app: &TestApp, author: &Person, transcript: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = crate::sound::tone("-20", "mono").into_iter().chain(["-c:a", "libvorbis"].iter().map(|s| s.to_string())).collect();
    let ogg = crate::sound::make(dir.path(), "voce.ogg", &args.iter().map(String::as_str).collect::<Vec<_>>());
    let fields = [("call", "suoni"), ("kind", "audio"), ("title", "La voce"), ("licence", "cc-by-4.0"), ("transcript", transcript)];
    let id = app.submit_ok(author, &fields, Some(("voce.ogg", ogg))).await;
    app.wait_processed(author, &id).await;
    id
}

async fn public_page(app: &TestApp, id: &str) -> String {
    app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap()
}

async fn a_published_film_gets_captions_once_a_curator_approves_them(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let bruno = app.person("Bruno", Role::Citizen).await;
    let id = published_film(app, &curator, &anna, "Il ponte").await;

    // Only the author may send, and only what fits the film.
    assert_eq!(send_update(app, &bruno, &id, None, Some(SRT)).await.status(), 404, "someone else's work is not found");
    let anonymous = app.client.post(app.url(&format!("/api/v1/works/{id}/accessibility"))).multipart(Form::new().text("transcript", "x")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let (status, body) = status_and_body(send_update(app, &anna, &id, None, Some("1\n00:00:01,000 --> 00:00:09,000\ntroppo lungo\n")).await).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("captions_past_end")), "{body}");
    assert!(body["message"].as_str().unwrap().contains('2'), "names the line: {body}");
    let (status, body) = status_and_body(send_update(app, &anna, &id, Some(""), None).await).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("nothing_to_update")), "{body}");
    assert_eq!(app.count("access_update").await, 0, "nothing refused was kept");

    let (status, sent) = status_and_body(send_update(app, &anna, &id, Some("Il fiume parla sotto il ponte."), Some(SRT)).await).await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["status"], "published", "the work stays published: {sent}");
    assert!(sent["captions"].is_null(), "its published version has no captions yet: {sent}");
    assert_eq!(sent["pending_update"]["transcript"], "Il fiume parla sotto il ponte.", "{sent}");
    assert!(sent["pending_update"]["captions_vtt"].as_str().unwrap().starts_with("WEBVTT\n\n00:00:00.500 --> 00:00:01.500\n"), "{sent}");

    // The public sees the published version, without the waiting update.
    let public: Value = app.get_work(None, &id).await.json().await.unwrap();
    assert_eq!(public["status"], "published");
    assert!(public.get("pending_update").is_none() && public["captions"].is_null() && public["transcript"].is_null(), "{public}");
    let page = public_page(app, &id).await;
    assert!(!page.contains("<track") && !page.contains("sotto il ponte"), "the public page is unchanged");
    let other: Value = app.get_work(Some(&bruno), &id).await.json().await.unwrap();
    assert!(other.get("pending_update").is_none(), "another citizen does not see it: {other}");

    // Curators find it waiting, and see what it says.
    let queue: Value = app.client.get(app.url("/api/v1/queue/updates")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    let waiting: Vec<&str> = queue["works"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(waiting, [id.as_str()], "{queue}");
    assert_eq!(app.client.get(app.url("/api/v1/queue/updates")).bearer_auth(&anna.token).send().await.unwrap().status(), 403);
    let curate = app.client.get(app.url("/curate")).bearer_auth(&curator.token).send().await.unwrap().text().await.unwrap();
    assert!(curate.contains(&format!(r##"<a href="/works/{id}#update-h">Il ponte</a>: nuovi sottotitoli e trascrizione"##)), "the queue page lists it");
    let (status, body) = status_and_body(decide(app, &anna, &id, "approve", "").await).await;
    assert_eq!(status, 403, "an author does not approve their own update: {body}");
    let (status, body) = status_and_body(decide(app, &curator, &id, "request_changes", "").await).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_update_decision")), "{body}");

    let (status, approved) = status_and_body(decide(app, &curator, &id, "approve", "").await).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!((approved["status"].as_str(), approved["revision"].as_i64()), (Some("published"), Some(2)), "{approved}");
    let (status, body) = status_and_body(decide(app, &curator, &id, "approve", "").await).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("no_update_waiting")), "decided once: {body}");

    // Everyone now gets the captions and the transcript; the first version is in the history.
    let public: Value = app.get_work(None, &id).await.json().await.unwrap();
    assert_eq!(public["transcript"], "Il fiume parla sotto il ponte.");
    let url = public["captions"]["url"].as_str().unwrap_or_else(|| panic!("captions: {public}")).to_owned();
    let (status, headers, body) = app.get_bytes(None, &url).await;
    assert_eq!((status.as_u16(), headers["content-type"].to_str().unwrap()), (200, "text/vtt; charset=utf-8"));
    let expected = "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nLa città si sveglia: «perché» è già giorno.\n\n00:00:01.800 --> 00:00:02.600\nsuonano le campane\n";
    assert_eq!(String::from_utf8(body).unwrap(), expected);
    let page = public_page(app, &id).await;
    assert!(page.contains(&format!(r#"<track kind="captions" src="{url}" srclang="it""#)), "the film plays with its captions");
    let history: Value = app.client.get(app.url(&format!("/api/v1/works/{id}/history"))).bearer_auth(&anna.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(history["revision"], 2, "{history}");
    assert_eq!(history["revisions"].as_array().map(Vec::len), Some(1), "the first version is kept: {history}");
    let actions: Vec<&str> = history["events"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.ends_with(&["update_proposed", "update_approved"]), "{actions:?}");
    // A spoken word of the captions is found.
    app.wait_searchable("campane", &id).await;
    let mails = outbox_messages(&app.state.config.data_dir.join("outbox"));
    assert!(mails.iter().any(|m| m.contains("ora ha i sottotitoli o la trascrizione che hai inviato")), "the author is told");
}
both!(a_published_film_gets_captions_once_a_curator_approves_them, a_published_film_gets_captions_once_a_curator_approves_them);

async fn a_declined_update_leaves_the_work_as_it_was(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["audio", "poem"]).await;
    let id = sound_work(app, &anna, "Prima riga").await;

    // Not yet published: an update is not the way (a resubmission is, when asked).
    let (status, body) = status_and_body(send_update(app, &anna, &id, Some("Seconda riga"), None).await).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("not_updatable")), "{body}");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let poem = app.submit_ok(&anna, &[("call", "suoni"), ("kind", "poem"), ("title", "Versi"), ("licence", "cc0-1.0"), ("text", "un verso")], None).await;
    app.wait_processed(&anna, &poem).await;
    assert_eq!(app.review(&curator, &poem, "approve", "").await.status(), 200);
    let (status, body) = status_and_body(send_update(app, &anna, &poem, Some("trascrizione"), None).await).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("not_updatable")), "a poem has no transcript: {body}");
    let (status, body) = status_and_body(send_update(app, &anna, &id, Some("Prima riga"), None).await).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("nothing_to_update")), "the same transcript changes nothing: {body}");

    // A newer update replaces the one waiting.
    assert_eq!(send_update(app, &anna, &id, Some("Seconda riga, con un errore"), None).await.status(), 202);
    let (status, sent) = status_and_body(send_update(app, &anna, &id, Some("Seconda riga"), None).await).await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(app.count("access_update").await, 1);
    let (status, body) = status_and_body(decide(app, &curator, &id, "reject", "").await).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("reason_required")), "{body}");
    let (status, declined) = status_and_body(decide(app, &curator, &id, "reject", "La trascrizione non corrisponde a quello che si sente.").await).await;
    assert_eq!(status, 200, "{declined}");
    assert_eq!((declined["transcript"].as_str(), declined["revision"].as_i64()), (Some("Prima riga"), Some(1)), "unchanged: {declined}");
    assert!(declined.get("pending_update").is_none(), "{declined}");
    assert_eq!(app.count("access_update").await, 0);
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("La trascrizione non corrisponde a quello che si sente."), "the author reads the reason in the work's history");
    let mails = outbox_messages(&app.state.config.data_dir.join("outbox"));
    let mail = mails.iter().find(|m| m.contains("non ha accolto i sottotitoli")).expect("the author is told");
    assert!(mail.contains("La trascrizione non corrisponde") && mail.contains(&format!("/works/{id}/accessibility")), "{mail}");
}
both!(a_declined_update_leaves_the_work_as_it_was, a_declined_update_leaves_the_work_as_it_was);

/// The form without JavaScript: a refused captions file brings the form back with the
/// transcript as typed and the reason; a good one waits for review.
async fn the_update_form_keeps_what_was_typed(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let id = published_film(app, &curator, &anna, "Il ponte").await;
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(r#"<a class="button" href="/works/{id}/accessibility">Aggiungi sottotitoli o trascrizione</a>"#)), "the author is offered the form");
    let form = app.client.get(app.url(&format!("/works/{id}/accessibility"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let csrf = crate::helpers::extract_csrf(&form.text().await.unwrap()).expect("a token");
    let send = |captions: &'static str| {
        let form = Form::new()
            .text("csrf", csrf.clone())
            .part("captions", Part::bytes(captions.as_bytes().to_vec()).file_name("sottotitoli.srt"))
            .text("captions_lang", "en")
            .text("transcript", "Le campane, poi il fiume.");
        app.client.post(app.url(&format!("/works/{id}/accessibility"))).bearer_auth(&anna.token).multipart(form).send()
    };
    let refused = send("1\n00:00:02,000 --> 00:00:01,000\nall'indietro\n").await.unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains(r#"<p class="error" role="alert">"#) && html.contains("Riga 2"), "says what and where: {html}");
    assert!(html.contains(">Le campane, poi il fiume.</textarea>"), "the transcript as typed");
    assert!(html.contains(r#"<option value="en" lang="en" selected>"#), "the language as chosen");
    let accepted = send(SRT).await.unwrap();
    assert_eq!(accepted.status(), 303, "back to the work");
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sottotitoli o trascrizione nuovi in attesa di revisione"), "the author sees it waiting");
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&curator.token).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(r#"action="/curate/{id}/accessibility""#)) && page.contains("Le campane, poi il fiume."), "the curator reviews it on the work's page");
}
both!(the_update_form_keeps_what_was_typed, the_update_form_keeps_what_was_typed);

/// Asked for changes, the author of a sound work may replace its transcript in the new
/// version (as for a film), and the form offers the field.
async fn a_resubmitted_sound_takes_its_new_transcript(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["audio"]).await;
    let id = sound_work(app, &anna, "Prima riga").await;
    assert_eq!(app.review(&curator, &id, "request_changes", "La trascrizione è incompleta.").await.status(), 200);
    let edit = app.client.get(app.url(&format!("/works/{id}/edit"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(edit.contains(r#"<textarea id="transcript" name="transcript""#) && edit.contains(">Prima riga</textarea>"), "the form offers the transcript: {edit}");
    let form = Form::new().text("title", "La voce").text("transcript", "Prima riga\nseconda riga");
    let r = app.client.post(app.url(&format!("/api/v1/works/{id}/resubmit"))).bearer_auth(&anna.token).multipart(form).send().await.unwrap();
    let (status, body) = status_and_body(r).await;
    assert_eq!(status, 202, "{body}");
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["transcript"], "Prima riga\nseconda riga", "{work}");
}
both!(a_resubmitted_sound_takes_its_new_transcript, a_resubmitted_sound_takes_its_new_transcript);
