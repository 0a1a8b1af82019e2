//! Calls and curation through the API: editing a call, its lifecycle and its rules
//! (licences, alt text, dates), reason templates, shortlists and features, bulk approval,
//! and a resubmission that brings a new photo.

use crate::both;
use crate::helpers::{Person, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

async fn patch_call(app: &TestApp, who: &Person, slug: &str, body: Value) -> reqwest::Response {
    app.client.patch(app.url(&format!("/api/v1/calls/{slug}"))).bearer_auth(&who.token).json(&body).send().await.unwrap()
}

async fn move_call(app: &TestApp, who: &Person, slug: &str, state: &str) -> reqwest::Response {
    app.client.post(app.url(&format!("/api/v1/calls/{slug}/state"))).bearer_auth(&who.token).json(&json!({ "state": state })).send().await.unwrap()
}

async fn calls_are_edited_and_their_rules_hold(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "regole", &["photo", "poem"]).await;

    // A partial edit keeps the rest; the slug never changes.
    let r = patch_call(app, &curator, "regole", json!({ "title": "Regole nuove", "licences": ["cc0-1.0"], "max_works_per_person": 1 })).await;
    assert_eq!(r.status(), 200);
    let call: Value = r.json().await.unwrap();
    assert_eq!(call["title"], "Regole nuove");
    assert_eq!(call["question"], "Che cosa racconta la tua città?");
    assert_eq!(call["licences"], json!(["cc0-1.0"]));
    assert_eq!(call["slug"], "regole");
    let r = patch_call(app, &curator, "regole", json!({ "opens_at": "2099-01-01T00:00:00Z" })).await;
    assert_eq!(r.status(), 422, "closing before opening");
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_dates");

    // Licences and alt text follow the call's rules, and say what is allowed.
    let photo = |licence: &'static str, alt: &'static str| {
        vec![("call", "regole"), ("kind", "photo"), ("title", "Foto"), ("licence", licence), ("alt_text", alt)]
    };
    let r = app.submit(&anna, &photo("cc-by-4.0", "un ponte"), Some(("a.jpg", media_fixtures::jpeg(64, 64)))).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "licence_not_offered");
    assert!(body["message"].as_str().unwrap().contains("cc0-1.0"), "names the licences offered: {body}");
    let r = app.submit(&anna, &photo("cc0-1.0", ""), Some(("a.jpg", media_fixtures::jpeg(64, 64)))).await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "alt_text_required");
    assert_eq!(patch_call(app, &curator, "regole", json!({ "alt_text_required": false })).await.status(), 200);
    let id = app.submit_ok(&anna, &photo("cc0-1.0", ""), Some(("a.jpg", media_fixtures::jpeg(64, 64)))).await;
    let r = app.submit(&anna, &photo("cc0-1.0", ""), Some(("b.jpg", media_fixtures::jpeg(64, 64)))).await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "call_limit_reached");
    let r = patch_call(app, &curator, "regole", json!({ "max_works_per_person": null })).await;
    assert!(r.json::<Value>().await.unwrap()["max_works_per_person"].is_null(), "null removes the limit");
    app.wait_processed(&anna, &id).await;

    // The lifecycle moves one step at a time; results only after closing.
    let r = move_call(app, &curator, "regole", "results").await;
    assert_eq!(r.status(), 409);
    assert!(r.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("closed"));
    assert_eq!(move_call(app, &curator, "regole", "closed").await.status(), 200);
    let r = app.submit(&anna, &photo("cc0-1.0", "x"), Some(("c.jpg", media_fixtures::jpeg(64, 64)))).await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "call_closed");
    assert_eq!(patch_call(app, &curator, "regole", json!({ "results_text": "Vince la foto del ponte." })).await.status(), 200);
    let public: Value = app.client.get(app.url("/api/v1/calls/regole")).send().await.unwrap().json().await.unwrap();
    assert_eq!(public["results_text"], "", "results stay private until published");
    assert_eq!(move_call(app, &curator, "regole", "results").await.status(), 200);
    let public: Value = app.client.get(app.url("/api/v1/calls/regole")).send().await.unwrap().json().await.unwrap();
    assert_eq!(public["results_text"], "Vince la foto del ponte.");
    assert_eq!(public["phase"], "results");
    assert_eq!(move_call(app, &curator, "regole", "archived").await.status(), 200);
    assert_eq!(move_call(app, &anna, "regole", "results").await.status(), 403);

    // A call opens and closes by itself with its dates.
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&json!({
        "slug": "domani", "title": "Domani", "question": "?", "kinds": ["poem"],
        "opens_at": "2099-01-01T00:00:00Z", "closes_at": "2099-02-01T00:00:00Z"
    })).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["phase"], "upcoming");
    let r = app.submit(&anna, &[("call", "domani"), ("kind", "poem"), ("title", "T"), ("licence", "cc0-1.0"), ("text", "x")], None).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "call_not_open_yet");
    assert!(body["message"].as_str().unwrap().contains("2099-01-01"), "says when it opens: {body}");
    let r = patch_call(app, &curator, "domani", json!({ "opens_at": "2020-01-01T00:00:00Z" })).await;
    assert_eq!(r.json::<Value>().await.unwrap()["phase"], "open");
    let id = app.submit_ok(&anna, &[("call", "domani"), ("kind", "poem"), ("title", "T"), ("licence", "cc0-1.0"), ("text", "x")], None).await;
    app.wait_processed(&anna, &id).await;
}
both!(calls_are_edited_and_their_rules_hold, calls_are_edited_and_their_rules_hold);

async fn curators_shortlist_feature_bulk_approve_and_keep_reasons(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "scelte", &["poem"]).await;
    let mut ids = Vec::new();
    for title in ["Uno", "Due", "Tre"] {
        ids.push(app.submit_ok(&anna, &[("call", "scelte"), ("kind", "poem"), ("title", title), ("licence", "cc0-1.0"), ("text", title)], None).await);
    }
    for id in &ids {
        app.wait_processed(&anna, id).await;
    }
    let flags = |id: &str, body: Value| app.client.post(app.url(&format!("/api/v1/works/{id}/flags"))).bearer_auth(&curator.token).json(&body).send();
    let r = flags(&ids[0], json!({ "shortlisted": true })).await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["shortlisted"], true);
    assert_eq!(app.get_work(Some(&anna), &ids[0]).await.json::<Value>().await.unwrap()["shortlisted"], false, "the shortlist is the curators' own");
    // Nor does a list show it: the author's own works, a call's gallery, search.
    let mine: Value = app.client.get(app.url("/api/v1/me/works")).bearer_auth(&anna.token).send().await.unwrap().json().await.unwrap();
    let listed = mine["works"].as_array().unwrap().iter().find(|w| w["id"] == ids[0].as_str()).expect("listed").clone();
    assert_eq!(listed["shortlisted"], false, "the author's list does not show the shortlist: {listed}");
    let queue: Value = app.client.get(app.url("/api/v1/queue?call=scelte&shortlisted=1")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(queue["works"][0]["shortlisted"], true, "curators see their marks in the queue");
    let queue: Value = app.client.get(app.url("/api/v1/queue?call=scelte&shortlisted=1")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(queue["works"].as_array().unwrap().len(), 1);
    let r = app.client.get(app.url("/api/v1/queue?status=bogus")).bearer_auth(&curator.token).send().await.unwrap();
    assert_eq!(r.status(), 422);

    // Bulk approval approves what waits and says what it skipped.
    assert_eq!(app.review(&curator, &ids[2], "reject", "doppione").await.status(), 200);
    let r = app.client.post(app.url("/api/v1/works/bulk-approve")).bearer_auth(&curator.token).json(&json!({ "ids": ids })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["approved"], json!([ids[0], ids[1]]));
    assert_eq!(body["skipped"], json!([ids[2]]));
    let r = flags(&ids[0], json!({ "featured": true })).await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["featured"], true);
    let page = app.client.get(app.url("/calls/scelte")).send().await.unwrap().text().await.unwrap();
    assert!(page.split("In evidenza").nth(1).is_some_and(|featured| featured.contains(&ids[0])));

    // Reason templates are edited by curators; a decision copies the text.
    let r = app.client.post(app.url("/api/v1/reasons")).bearer_auth(&curator.token).json(&json!({ "label": "Troppo lunga", "text": "Accorcia la poesia a venti versi." })).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let list: Value = app.client.get(app.url("/api/v1/reasons")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    let template = list["reasons"].as_array().unwrap().iter().find(|r| r["label"] == "Troppo lunga").unwrap()["id"].as_str().unwrap().to_owned();
    let four = app.submit_ok(&anna, &[("call", "scelte"), ("kind", "poem"), ("title", "Quattro"), ("licence", "cc0-1.0"), ("text", "quattro")], None).await;
    app.wait_processed(&anna, &four).await;
    let r = app.client.post(app.url(&format!("/api/v1/works/{four}/review"))).bearer_auth(&curator.token)
        .json(&json!({ "decision": "request_changes", "reason_template": template })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["review_reason"], "Accorcia la poesia a venti versi.");
    let r = app.client.put(app.url(&format!("/api/v1/reasons/{template}"))).bearer_auth(&curator.token).json(&json!({ "label": "Troppo lunga", "text": "Altro testo" })).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let work: Value = app.get_work(Some(&anna), &four).await.json().await.unwrap();
    assert_eq!(work["review_reason"], "Accorcia la poesia a venti versi.", "history is not rewritten");
    let r = app.client.delete(app.url(&format!("/api/v1/reasons/{template}"))).bearer_auth(&curator.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app.review(&curator, &four, "reject", "").await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "reason_required");
    let mine: Value = app.client.get(app.url("/api/v1/me/works")).bearer_auth(&anna.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["works"].as_array().unwrap().len(), 4);
}
both!(curators_shortlist_feature_bulk_approve_and_keep_reasons, curators_shortlist_feature_bulk_approve_and_keep_reasons);

async fn resubmit(app: &TestApp, who: &Person, id: &str, fields: &[(&str, &str)], file: Option<Vec<u8>>) -> reqwest::Response {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(bytes) = file {
        form = form.part("file", Part::bytes(bytes).file_name("nuova.jpg"));
    }
    app.client.post(app.url(&format!("/api/v1/works/{id}/resubmit"))).bearer_auth(&who.token).multipart(form).send().await.unwrap()
}

async fn a_resubmission_brings_a_new_photo_and_keeps_the_history(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "foto", &["photo"]).await;
    let id = app
        .submit_ok(&anna, &[("call", "foto"), ("kind", "photo"), ("title", "Volti"), ("licence", "cc-by-4.0"), ("alt_text", "volti in piazza")], Some(("v.jpg", media_fixtures::jpeg(400, 300))))
        .await;
    let first = app.wait_processed(&anna, &id).await;
    let first_url = first["renditions"][0]["url"].as_str().unwrap().to_owned();
    let r = resubmit(app, &anna, &id, &[("title", "Presto")], None).await;
    assert_eq!(r.status(), 409, "only after a request for changes");
    assert_eq!(app.review(&curator, &id, "request_changes", "Si riconoscono i volti: servono il consenso o un'altra foto").await.status(), 200);

    // A refused new version changes nothing and leaves no file.
    let files_before = app.stored_files();
    let r = resubmit(app, &anna, &id, &[("title", "Piazza vuota"), ("alt_text", "la piazza vuota")], Some(b"not a photo at all".to_vec())).await;
    assert_eq!(r.status(), 415);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unsupported_format");
    assert_eq!(app.stored_files(), files_before);
    let work: Value = app.get_work(Some(&anna), &id).await.json().await.unwrap();
    assert_eq!(work["status"], "changes_requested");

    let r = resubmit(app, &anna, &id, &[("title", "Piazza vuota"), ("alt_text", "la piazza vuota all'alba")], Some(media_fixtures::jpeg(300, 400))).await;
    assert_eq!(r.status(), 202);
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review");
    assert_eq!(work["revision"], 2);
    assert_eq!((work["width"].as_i64(), work["height"].as_i64()), (Some(300), Some(400)), "the new photo was processed");
    assert_eq!(app.get_bytes(Some(&anna), &first_url).await.0, 404, "the old renditions are gone");
    let originals: Vec<String> = app.stored_files().into_iter().filter(|f| f.contains("/originals/")).collect();
    assert_eq!(originals.len(), 1, "only the new original is kept: {originals:?}");
    assert!(originals[0].ends_with(&format!("{id}.r2")));
    // The sweeper keeps the new original: the work points at it.
    piazza::jobs::maintenance::sweep_once(&app.state, -60_000).await.unwrap();
    assert!(app.stored_files().iter().any(|f| f.ends_with(&format!("{id}.r2"))));
    let history: Value = app.client.get(app.url(&format!("/api/v1/works/{id}/history"))).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(history["revisions"][0]["title"], "Volti");
    assert_eq!(history["revisions"][0]["file_name"], "v.jpg");
    assert_eq!(history["revisions"][0]["review_reason"], "Si riconoscono i volti: servono il consenso o un'altra foto");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let flag = app.client.post(app.url(&format!("/api/v1/works/{id}/flags"))).bearer_auth(&curator.token).json(&json!({ "shortlisted": true })).send().await.unwrap();
    assert_eq!(flag.status(), 200);
    // The author's view of the history, and their data export, hold every step but the shortlist.
    let mine: Value = app.client.get(app.url(&format!("/api/v1/works/{id}/history"))).bearer_auth(&anna.token).send().await.unwrap().json().await.unwrap();
    let actions: Vec<&str> = mine["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submitted", "changes_requested", "resubmitted", "approved"]);
    let export = app.client.get(app.url("/me/export")).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(export.status(), 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(export.bytes().await.unwrap().to_vec())).unwrap();
    let mut works_json = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("works.json").unwrap(), &mut works_json).unwrap();
    let exported: Value = serde_json::from_str(&works_json).unwrap();
    assert_eq!(exported[0]["earlier_versions"][0]["title"], "Volti");
    assert_eq!(exported[0]["history"].as_array().unwrap().len(), 4, "{exported}");
    // Withdrawing erases the earlier versions too.
    let r = app.client.delete(app.url(&format!("/api/v1/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.count("work_revision").await, 0);
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
}
both!(a_resubmission_brings_a_new_photo_and_keeps_the_history, a_resubmission_brings_a_new_photo_and_keeps_the_history);

async fn a_call_with_many_works_is_paged(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "tante", &["poem"]).await;
    let mut ids = Vec::new();
    for n in 0..31 {
        let title = format!("Verso numero {n}");
        ids.push(app.submit_ok(&anna, &[("call", "tante"), ("kind", "poem"), ("title", &title), ("licence", "cc0-1.0"), ("text", &title)], None).await);
    }
    for id in &ids {
        app.wait_processed(&anna, id).await;
    }
    let r = app.client.post(app.url("/api/v1/works/bulk-approve")).bearer_auth(&curator.token).json(&json!({ "ids": ids })).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["approved"].as_array().unwrap().len(), 31);
    let cards = |page: &str| page.matches("class=\"card\"").count();
    let first = app.client.get(app.url("/calls/tante")).send().await.unwrap().text().await.unwrap();
    assert_eq!(cards(&first), 30);
    assert!(first.contains("href=\"/calls/tante?page=2\""));
    assert!(!first.contains("rel=\"prev\""));
    let second = app.client.get(app.url("/calls/tante?page=2")).send().await.unwrap().text().await.unwrap();
    assert_eq!(cards(&second), 1);
    assert!(second.contains("href=\"/calls/tante?page=1\""));
    // Together the two pages show every work once.
    assert!(ids.iter().all(|id| first.contains(id.as_str()) ^ second.contains(id.as_str())));
    let odd = app.client.get(app.url("/calls/tante?page=ciao")).send().await.unwrap();
    assert_eq!(odd.status(), 200, "a page that is not a number is the first page");
    let queue: Value = app.client.get(app.url("/api/v1/queue?status=published&call=tante")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(queue["works"].as_array().unwrap().len(), 31);
    assert!(queue["next_page"].is_null());
    let queue: Value = app.client.get(app.url("/api/v1/queue?status=published&call=tante&page=2")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    assert!(queue["works"].as_array().unwrap().is_empty());
}
both!(a_call_with_many_works_is_paged, a_call_with_many_works_is_paged);

async fn a_call_closing_after_midnight_shows_the_italian_day(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    // 00:30 on 1 December in Rome is 23:30 UTC on 30 November: the page and the refusal
    // must say 1 December, the day the city announced, not the UTC day before.
    for (slug, closes_at) in [("mezzanotte", "2099-11-30T23:30:00Z"), ("chiusa", "2025-11-30T23:30:00Z")] {
        let r = app
            .client
            .post(app.url("/api/v1/calls"))
            .bearer_auth(&curator.token)
            .json(&json!({
                "slug": slug, "title": "Dopo mezzanotte", "question": "Che cosa si sente di notte?", "kinds": ["poem"],
                "opens_at": "2020-01-01T00:00:00+01:00", "closes_at": closes_at,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let page = app.client.get(app.url("/calls/mezzanotte")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("01/12/2099 00:30"), "the open call shows its Italian closing time: {page}");
    assert!(!page.contains("30/11/2099"), "{page}");
    let r = app.submit(&anna, &[("call", "chiusa"), ("kind", "poem"), ("title", "Tardi"), ("licence", "cc0-1.0"), ("text", "tardi")], None).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "call_closed");
    assert!(body["message"].as_str().unwrap().contains("closed on 2025-12-01"), "{body}");
}
both!(a_call_closing_after_midnight_shows_the_italian_day, a_call_closing_after_midnight_shows_the_italian_day);
