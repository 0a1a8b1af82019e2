//! The city's side: public replies, the per-person limit of a call, the audit log.

use crate::both;
use crate::helpers::TestApp;
use piazza::domain::Role;
use serde_json::Value;

async fn poem(app: &TestApp, who: &crate::helpers::Person, call: &str, title: &str) -> reqwest::Response {
    app.submit(who, &[("call", call), ("kind", "poem"), ("title", title), ("licence", "cc0-1.0"), ("text", "versi")], None).await
}

async fn the_city_replies_in_public_and_every_action_is_audited(app: &TestApp) {
    let admin = app.person("Sindaca", Role::Admin).await;
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "risposte", &["poem"]).await;
    let id = app.submit_ok(&anna, &[("call", "risposte"), ("kind", "poem"), ("title", "Domanda"), ("licence", "cc0-1.0"), ("text", "versi")], None).await;
    app.wait_processed(&anna, &id).await;
    let reply = |who: &crate::helpers::Person, text: &str| {
        app.client.post(app.url(&format!("/api/v1/works/{id}/reply"))).bearer_auth(&who.token).json(&serde_json::json!({ "text": text })).send()
    };
    assert_eq!(reply(&curator, "Grazie").await.unwrap().status(), 409, "only published works get a reply");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    assert_eq!(reply(&anna, "Mi rispondo da sola").await.unwrap().status(), 403);
    let r = reply(&curator, "Grazie Anna: <b>la leggeremo</b> in piazza.").await.unwrap();
    assert_eq!(r.status(), 200);
    let work: Value = r.json().await.unwrap();
    assert_eq!(work["reply"], "Grazie Anna: <b>la leggeremo</b> in piazza.");
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("La risposta del Comune") && page.contains("&lt;b&gt;la leggeremo&lt;/b&gt;"), "shown, and inert");

    let other = app.submit_ok(&anna, &[("call", "risposte"), ("kind", "poem"), ("title", "Seconda"), ("licence", "cc0-1.0"), ("text", "altri versi")], None).await;
    app.wait_processed(&anna, &other).await;
    assert_eq!(app.review(&curator, &other, "reject", "Fuori tema").await.status(), 200);

    let audit = app.client.get(app.url("/admin/audit")).bearer_auth(&admin.token).send().await.unwrap();
    assert_eq!(audit.status(), 200);
    let audit = audit.text().await.unwrap();
    for expected in ["work.approve", "work.reply", "work.reject", "Fuori tema", "Giulia"] {
        assert!(audit.contains(expected), "the audit log shows {expected}");
    }
    assert_eq!(app.client.get(app.url("/admin/audit")).bearer_auth(&curator.token).send().await.unwrap().status(), 403);
    assert_eq!(app.client.get(app.url("/admin/audit")).send().await.unwrap().status(), 401);
}
both!(the_city_replies_in_public_and_every_action_is_audited, the_city_replies_in_public_and_every_action_is_audited);

async fn a_call_limits_works_per_person(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let bruno = app.person("Bruno", Role::Citizen).await;
    let r = app
        .client
        .post(app.url("/api/v1/calls"))
        .bearer_auth(&curator.token)
        .json(&serde_json::json!({
            "slug": "due-a-testa", "title": "Due a testa", "question": "?", "kinds": ["poem"],
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z", "max_works_per_person": 2
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["max_works_per_person"], 2);
    let first = poem(app, &anna, "due-a-testa", "Uno").await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let second = poem(app, &anna, "due-a-testa", "Due").await;
    assert_eq!(second.status(), 202);
    let mut accepted = vec![(&anna, second.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned())];
    let r = poem(app, &anna, "due-a-testa", "Tre").await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "call_limit_reached");
    assert!(body["message"].as_str().unwrap().contains("at most 2"));
    let r = poem(app, &bruno, "due-a-testa", "Di Bruno").await;
    assert_eq!(r.status(), 202, "the limit is per person");
    accepted.push((&bruno, r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()));
    // A rejected work no longer counts.
    app.wait_processed(&anna, &first).await;
    assert_eq!(app.review(&curator, &first, "reject", "Ripetuta").await.status(), 200);
    let r = poem(app, &anna, "due-a-testa", "Tre").await;
    assert_eq!(r.status(), 202);
    accepted.push((&anna, r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()));
    for (author, id) in &accepted {
        app.wait_processed(author, id).await;
    }
    let r = app
        .client
        .post(app.url("/api/v1/calls"))
        .bearer_auth(&curator.token)
        .json(&serde_json::json!({
            "slug": "zero", "title": "Zero", "question": "?", "kinds": ["poem"],
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z", "max_works_per_person": 0
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_limit");
}
both!(a_call_limits_works_per_person, a_call_limits_works_per_person);

async fn appreciations_count_once_and_enough_reports_hide_a_work_until_a_curator_decides(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let mut readers = Vec::new();
    for i in 0..3 {
        readers.push(app.person(&format!("Lettore {i}"), Role::Citizen).await);
    }
    app.open_call(&curator, "voci", &["poem"]).await;
    let id = app.submit_ok(&anna, &[("call", "voci"), ("kind", "poem"), ("title", "Ornitorinco"), ("licence", "cc0-1.0"), ("text", "ornitorinco")], None).await;
    app.wait_processed(&anna, &id).await;
    let appreciate = |who: &crate::helpers::Person| app.client.post(app.url(&format!("/api/v1/works/{id}/appreciate"))).bearer_auth(&who.token).send();
    assert_eq!(appreciate(&readers[0]).await.unwrap().status(), 404, "unpublished works cannot be appreciated");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let n = |r: reqwest::Response| async move { r.json::<Value>().await.unwrap()["appreciations"].as_i64().unwrap() };
    assert_eq!(n(appreciate(&readers[0]).await.unwrap()).await, 1);
    assert_eq!(n(appreciate(&readers[0]).await.unwrap()).await, 1, "once per person");
    assert_eq!(n(appreciate(&readers[1]).await.unwrap()).await, 2);
    assert_eq!(app.client.post(app.url(&format!("/api/v1/works/{id}/appreciate"))).send().await.unwrap().status(), 401);
    app.wait_searchable("ornitorinco", &id).await;

    let report = |who: &crate::helpers::Person, reason: &str| {
        app.client.post(app.url(&format!("/api/v1/works/{id}/report"))).bearer_auth(&who.token).json(&serde_json::json!({ "reason": reason })).send()
    };
    assert_eq!(report(&readers[0], "").await.unwrap().status(), 422, "a report needs a reason");
    assert_eq!(report(&readers[0], "Offensiva").await.unwrap().status(), 202);
    assert_eq!(report(&readers[0], "Offensiva davvero").await.unwrap().json::<Value>().await.unwrap()["recorded"], false, "once per person");
    assert_eq!(report(&readers[1], "Copiata").await.unwrap().status(), 202);
    assert_eq!(app.get_work(None, &id).await.status(), 200, "two reports are not enough");
    assert_eq!(report(&readers[2], "Non è sua").await.unwrap().status(), 202);
    assert_eq!(app.get_work(None, &id).await.status(), 404, "hidden after three reports");
    let work: Value = app.get_work(Some(&anna), &id).await.json().await.unwrap();
    assert_eq!(work["status"], "pending_review");
    let mails = crate::helpers::outbox_messages(&app.state.config.data_dir.join("outbox"));
    let to_anna: Vec<&String> = mails.iter().filter(|m| m.contains(&format!("To: {}", anna.email))).collect();
    assert!(to_anna.iter().any(|m| m.contains("nascosta dopo alcune segnalazioni")), "the author learns why the work is hidden: {to_anna:?}");
    assert!(mails.iter().all(|m| !m.contains("Offensiva") && !m.contains("Copiata")), "reporters' words stay with the curators");
    app.wait_index_caught_up().await;
    assert!(app.search("ornitorinco").await.is_empty(), "gone from search");
    let queue = app.client.get(app.url("/curate")).bearer_auth(&curator.token).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains("Copiata") && queue.contains("Offensiva"), "reports land in the curator queue");

    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    assert_eq!(app.get_work(None, &id).await.status(), 200, "back after review");
    app.wait_searchable("ornitorinco", &id).await;
    let queue = app.client.get(app.url("/curate")).bearer_auth(&curator.token).send().await.unwrap().text().await.unwrap();
    assert!(!queue.contains("Copiata"), "the decision resolved the reports");
}
both!(
    appreciations_count_once_and_enough_reports_hide_a_work_until_a_curator_decides,
    appreciations_count_once_and_enough_reports_hide_a_work_until_a_curator_decides
);

async fn draft_calls_stay_invisible_until_opened_and_closed_calls_refuse_works(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let r = app
        .client
        .post(app.url("/api/v1/calls"))
        .bearer_auth(&curator.token)
        .json(&serde_json::json!({
            "slug": "in-preparazione", "title": "Segreta per ora", "question": "?", "kinds": ["poem"], "state": "draft",
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "draft");
    assert_eq!(app.client.get(app.url("/calls/in-preparazione")).send().await.unwrap().status(), 404);
    let listed = app.client.get(app.url("/api/v1/calls")).send().await.unwrap().text().await.unwrap();
    assert!(!listed.contains("in-preparazione"), "drafts are not listed");
    assert!(!app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap().contains("Segreta per ora"));
    let r = poem(app, &anna, "in-preparazione", "Troppo presto").await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unknown_call", "a draft does not exist for citizens");

    let set = |who: &crate::helpers::Person, state: &str| {
        app.client.post(app.url("/api/v1/calls/in-preparazione/state")).bearer_auth(&who.token).json(&serde_json::json!({ "state": state })).send()
    };
    assert_eq!(set(&anna, "open").await.unwrap().status(), 403);
    assert_eq!(set(&curator, "archived-forever").await.unwrap().status(), 422);
    assert_eq!(set(&curator, "open").await.unwrap().status(), 200);
    assert_eq!(app.client.get(app.url("/calls/in-preparazione")).send().await.unwrap().status(), 200);
    let r = poem(app, &anna, "in-preparazione", "Adesso").await;
    assert_eq!(r.status(), 202);
    app.wait_processed(&anna, r.json::<Value>().await.unwrap()["id"].as_str().unwrap()).await;
    assert_eq!(set(&curator, "closed").await.unwrap().status(), 200);
    let r = poem(app, &anna, "in-preparazione", "Tardi").await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "call_closed");
    assert_eq!(app.client.get(app.url("/calls/in-preparazione")).send().await.unwrap().status(), 200, "a closed call stays readable");
    assert_eq!(
        app.client.post(app.url("/api/v1/calls/non-esiste/state")).bearer_auth(&curator.token).json(&serde_json::json!({ "state": "open" })).send().await.unwrap().status(),
        404
    );
}
both!(
    draft_calls_stay_invisible_until_opened_and_closed_calls_refuse_works,
    draft_calls_stay_invisible_until_opened_and_closed_calls_refuse_works
);
