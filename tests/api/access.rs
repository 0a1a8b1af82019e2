//! Who may see what: unpublished works are 404 to everyone but their author and curators,
//! on pages, API, media URLs and search alike.

use crate::both;
use crate::helpers::{Person, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use serde_json::Value;

async fn check_hidden(app: &TestApp, stage: &str, id: &str, media_url: &str, anna: &Person, other: &Person, curator: &Person) {
    for who in [None, Some(other)] {
        assert_eq!(app.get_work(who, id).await.status(), 404, "{stage}: API");
        let (status, _, _) = app.get_bytes(who, media_url).await;
        assert_eq!(status, 404, "{stage}: media URL");
        let mut page = app.client.get(app.url(&format!("/works/{id}")));
        if let Some(who) = who {
            page = page.bearer_auth(&who.token);
        }
        assert_eq!(page.send().await.unwrap().status(), 404, "{stage}: page");
    }
    assert_eq!(app.get_work(Some(anna), id).await.status(), 200, "{stage}: the author sees it");
    assert_eq!(app.get_work(Some(curator), id).await.status(), 200, "{stage}: a curator sees it");
    let (status, headers, _) = app.get_bytes(Some(anna), media_url).await;
    assert_eq!(status, 200, "{stage}: the author sees the media");
    assert_eq!(headers["cache-control"], "private, no-store");
    app.wait_index_caught_up().await;
    let results = app.search("zanzibar").await;
    assert!(results.iter().all(|r| r["id"] != id), "{stage}: not in search");
    let home = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains(id), "{stage}: not in the gallery");
}

async fn unpublished_works_are_404_to_others_everywhere(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let other = app.person("Bruno", Role::Citizen).await;
    app.open_call(&curator, "segreti", &["photo", "poem"]).await;
    let id = app
        .submit_ok(
            &anna,
            &[("call", "segreti"), ("kind", "photo"), ("title", "Zanzibar nascosta"), ("licence", "cc-by-4.0"), ("alt_text", "una foto nascosta")],
            Some(("x.jpg", media_fixtures::jpeg(300, 200))),
        )
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review");
    let media_url = work["renditions"][0]["url"].as_str().unwrap().to_owned();

    // A published poem makes sure the index has run past this work's time.
    let visible = app
        .submit_ok(&anna, &[("call", "segreti"), ("kind", "poem"), ("title", "Zanzibar pubblica"), ("licence", "cc0-1.0"), ("text", "Zanzibar")], None)
        .await;
    app.wait_processed(&anna, &visible).await;
    assert_eq!(app.review(&curator, &visible, "approve", "").await.status(), 200);
    app.wait_searchable("zanzibar", &visible).await;

    check_hidden(app, "pending review", &id, &media_url, &anna, &other, &curator).await;

    let r = app.review(&curator, &id, "reject", "La foto è sfocata").await;
    assert_eq!(r.status(), 200);
    let work: Value = app.get_work(Some(&anna), &id).await.json().await.unwrap();
    assert_eq!(work["status"], "rejected");
    assert_eq!(work["review_reason"], "La foto è sfocata", "the author reads the reason");
    check_hidden(app, "rejected", &id, &media_url, &anna, &other, &curator).await;

    // A media URL with the wrong hash is 404 even for the author.
    let mut segments: Vec<&str> = media_url.split('/').collect();
    assert_eq!(segments.len(), 5, "/media/{{work}}/{{hash}}/{{name}}");
    segments[3] = "0123456789abcdef";
    let wrong = segments.join("/");
    assert_eq!(app.get_bytes(Some(&anna), &wrong).await.0, 404);
    // Originals have no URL at all.
    assert_eq!(app.get_bytes(Some(&anna), &format!("/media/{id}/0000000000000000/original")).await.0, 404);
}
both!(unpublished_works_are_404_to_others_everywhere, unpublished_works_are_404_to_others_everywhere);

async fn only_curators_create_calls_and_review(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let call = serde_json::json!({
        "slug": "mia", "title": "Mia", "question": "?", "kinds": ["poem"],
        "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"
    });
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&anna.token).json(&call).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    let r = app.client.post(app.url("/api/v1/calls")).json(&call).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth("not-a-token").json(&call).send().await.unwrap();
    assert_eq!(r.status(), 401);

    app.open_call(&curator, "poesie", &["poem"]).await;
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&serde_json::json!({
        "slug": "poesie", "title": "Doppia", "question": "?", "kinds": ["poem"],
        "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"
    })).send().await.unwrap();
    assert_eq!(r.status(), 409, "duplicate slug");
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&serde_json::json!({
        "slug": "date", "title": "Date", "question": "?", "kinds": ["poem"],
        "opens_at": "2030-01-01T00:00:00Z", "closes_at": "2026-01-01T00:00:00Z"
    })).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_dates");

    let id = app.submit_ok(&anna, &[("call", "poesie"), ("kind", "poem"), ("title", "Io"), ("licence", "cc0-1.0"), ("text", "io")], None).await;
    app.wait_processed(&anna, &id).await;
    let r = app.review(&anna, &id, "approve", "").await;
    assert_eq!(r.status(), 403, "the author cannot approve their own work");
    let r = app.review(&curator, &id, "reject", "").await;
    assert_eq!(r.status(), 422, "a rejection needs a reason");
    let r = app.review(&curator, &id, "approve", "").await;
    assert_eq!(r.status(), 200);
    let r = app.review(&curator, &id, "approve", "").await;
    assert_eq!(r.status(), 409, "already published");
}
both!(only_curators_create_calls_and_review, only_curators_create_calls_and_review);

async fn closed_and_future_calls_refuse_works(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    for (slug, opens, closes) in [("passata", "2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z"), ("futura", "2099-01-01T00:00:00Z", "2099-02-01T00:00:00Z")] {
        let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&serde_json::json!({
            "slug": slug, "title": slug, "question": "?", "kinds": ["poem"], "opens_at": opens, "closes_at": closes
        })).send().await.unwrap();
        assert_eq!(r.status(), 201);
    }
    let r = app.submit(&anna, &[("call", "passata"), ("kind", "poem"), ("title", "T"), ("licence", "cc0-1.0"), ("text", "x")], None).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "call_closed");
    let r = app.submit(&anna, &[("call", "futura"), ("kind", "poem"), ("title", "T"), ("licence", "cc0-1.0"), ("text", "x")], None).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "call_not_open_yet");
    assert_eq!(app.count("work").await, 0);
}
both!(closed_and_future_calls_refuse_works, closed_and_future_calls_refuse_works);

async fn curators_retry_failed_works(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "riprova", &["photo"]).await;
    let mut jpeg = media_fixtures::jpeg(400, 300);
    jpeg.truncate(jpeg.len() / 2);
    let id = app
        .submit_ok(&anna, &[("call", "riprova"), ("kind", "photo"), ("title", "Rotta"), ("licence", "cc0-1.0"), ("alt_text", "x")], Some(("r.jpg", jpeg)))
        .await;
    assert_eq!(app.wait_processed(&anna, &id).await["status"], "failed");
    // The author hears of it by mail, with the reason, in both languages.
    let mails = crate::helpers::outbox_messages(&app.state.config.data_dir.join("outbox"));
    let mail = mails.iter().find(|m| m.contains(&format!("To: {}", anna.email))).expect("a mail to the author");
    assert!(mail.contains("«Rotta» non è stata elaborata") && mail.contains("\"Rotta\" could not be processed"), "{mail}");
    assert!(mail.contains("damaged") || mail.contains("incomplete"), "the engine's reason: {mail}");
    let retry = |who: &Person| app.client.post(app.url(&format!("/api/v1/works/{id}/retry"))).bearer_auth(&who.token).send();
    assert_eq!(retry(&anna).await.unwrap().status(), 403, "authors cannot retry");
    let r = retry(&curator).await.unwrap();
    assert_eq!(r.status(), 200);
    let work: Value = r.json().await.unwrap();
    assert_eq!(work["status"], "processing");
    assert!(work["failure"].is_null());
    // The file is still broken: it fails again, with the same reason, after a second run.
    assert_eq!(app.wait_processed(&anna, &id).await["failure"]["code"], "corrupt_file");
    assert_eq!(app.count("job").await, 2, "the retry queued one new job");
    let ok = app.submit_ok(&anna, &[("call", "riprova"), ("kind", "photo"), ("title", "Buona"), ("licence", "cc0-1.0"), ("alt_text", "x")], Some(("b.jpg", media_fixtures::jpeg(64, 64)))).await;
    app.wait_processed(&anna, &ok).await;
    let r = app.client.post(app.url(&format!("/api/v1/works/{ok}/retry"))).bearer_auth(&curator.token).send().await.unwrap();
    assert_eq!(r.status(), 409, "only failed works can be retried");
}
both!(curators_retry_failed_works, curators_retry_failed_works);

async fn authors_withdraw_works_and_they_vanish_everywhere(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let other = app.person("Bruno", Role::Citizen).await;
    app.open_call(&curator, "ritiri", &["photo"]).await;
    let id = app
        .submit_ok(&anna, &[("call", "ritiri"), ("kind", "photo"), ("title", "Quokka ritirabile"), ("licence", "cc-by-4.0"), ("alt_text", "x")], Some(("q.jpg", media_fixtures::jpeg(300, 200))))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    app.wait_searchable("quokka", &id).await;
    let media_url = work["renditions"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(app.get_bytes(None, &media_url).await.0, 200);

    let r = app.client.delete(app.url(&format!("/api/v1/works/{id}"))).bearer_auth(&other.token).send().await.unwrap();
    assert_eq!(r.status(), 404, "someone else's work cannot be withdrawn");
    let r = app.client.delete(app.url(&format!("/api/v1/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    for who in [None, Some(&anna), Some(&curator)] {
        assert_eq!(app.get_work(who, &id).await.status(), 404);
        assert_eq!(app.get_bytes(who, &media_url).await.0, 404);
    }
    app.wait_index_caught_up().await;
    assert!(app.search("quokka").await.is_empty(), "gone from search");
    let home = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains(&id));
    assert!(app.stored_files().is_empty(), "original and derivatives deleted: {:?}", app.stored_files());
    let r = app.client.delete(app.url(&format!("/api/v1/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(r.status(), 404, "already withdrawn");
}
both!(authors_withdraw_works_and_they_vanish_everywhere, authors_withdraw_works_and_they_vanish_everywhere);
