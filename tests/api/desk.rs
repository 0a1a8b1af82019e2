//! The library desk: an operator sends a work for a person with no account, prints the
//! receipt (its QR code decodes to the follow-up address), the person follows the status
//! with the code, a curator's rejection and its reason show there, and once the person has
//! an account the work becomes theirs and the code stops working.

use crate::both;
use crate::helpers::{outbox_messages, Person, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// A desk and its operator, named as an admin names them.
pub async fn desk_with_operator(app: &TestApp, admin: &Person, slug: &str, name: &str, operator_name: &str) -> Person {
    let r = app.client.post(app.url("/admin/desks")).bearer_auth(&admin.token).form(&[("slug", slug), ("name", name)]).send().await.unwrap();
    assert!(r.status().is_redirection() || r.status().is_success(), "creating a desk: {}", r.status());
    let operator = app.person(operator_name, Role::Citizen).await;
    let r = app.client.post(app.url("/admin/desks/operators")).bearer_auth(&admin.token).form(&[("email", operator.email.as_str()), ("desk", slug)]).send().await.unwrap();
    assert!(r.status().is_redirection() || r.status().is_success(), "naming an operator: {}", r.status());
    operator
}

pub fn desk_form(fields: &[(&str, &str)], file: Option<Vec<u8>>) -> Form {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(bytes) = file {
        form = form.part("file", Part::bytes(bytes).file_name("IMG_0042.jpg"));
    }
    form
}

async fn send(app: &TestApp, who: &Person, form: Form) -> (u16, Value) {
    let r = app.client.post(app.url("/api/v1/desk/works")).bearer_auth(&who.token).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("select count(*) as n from audit_event where action = $1").bind(action).fetch_one(&app.state.db.pool).await.unwrap().try_get("n").unwrap()
}

async fn a_person_without_an_account_sends_follows_and_claims_a_work(app: &TestApp) {
    let admin = app.person("Amministratrice", Role::Admin).await;
    let curator = app.person("Curatrice", Role::Curator).await;
    let citizen = app.person("Carlo", Role::Citizen).await;
    let operator = desk_with_operator(app, &admin, "cesure", "Biblioteca di quartiere Cesure", "Olga Operatrice").await;
    let elsewhere = desk_with_operator(app, &admin, "centro", "Biblioteca del centro", "Ugo Operatore").await;
    app.open_call(&curator, "foto-sportello", &["photo"]).await;
    let fields = [
        ("call", "foto-sportello"),
        ("kind", "photo"),
        ("title", "Il mio cortile"),
        ("licence", "cc-by-4.0"),
        ("alt_text", "Un cortile con i panni stesi"),
        ("on_behalf_name", "Nonna Pina"),
        ("on_behalf_contact", "Pina.Rossi@example.org"),
    ];

    // Refused, and nothing kept: no consent; not an operator; a bad contact.
    let works_before = app.count("work").await;
    let (status, body) = send(app, &operator, desk_form(&fields, Some(media_fixtures::jpeg_with_camera_and_gps()))).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("consent_required")), "{body}");
    let mut with_consent = fields.to_vec();
    with_consent.push(("consent", "yes"));
    let (status, _) = send(app, &citizen, desk_form(&with_consent, Some(media_fixtures::jpeg(64, 48)))).await;
    assert_eq!(status, 403, "a citizen is no operator");
    let mut bad_contact = with_consent.clone();
    bad_contact[6] = ("on_behalf_contact", "chiamatemi");
    let (status, body) = send(app, &operator, desk_form(&bad_contact, Some(media_fixtures::jpeg(64, 48)))).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("contact_invalid")), "{body}");
    assert_eq!(app.count("work").await, works_before);
    assert!(app.stored_files().iter().all(|f| !f.contains("originals/")), "a refused desk submission leaves no file: {:?}", app.stored_files());

    let (status, body) = send(app, &operator, desk_form(&with_consent, Some(media_fixtures::jpeg_with_camera_and_gps()))).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let code = body["claim_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 16, "12 characters in groups of four and a check character: {code}");
    assert_eq!(audit_count(app, "desk.work_sent").await, 1, "the operator's action is in the audit log");

    // The work shows the person's chosen name; the operator follows it, and sees its privacy receipt.
    let work = app.wait_processed(&operator, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    assert_eq!(work["author"], "Nonna Pina");
    assert_eq!(work["desk"], "Biblioteca di quartiere Cesure");
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&operator.token).header("Accept-Language", "it").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Nonna Pina (inviata allo sportello Biblioteca di quartiere Cesure)"), "{page}");
    assert!(work["privacy"]["found"].as_array().unwrap().iter().any(|f| f["what"] == "gps"), "{work}");
    let helped: Value = app.client.get(app.url("/api/v1/desk/works")).bearer_auth(&operator.token).send().await.unwrap().json().await.unwrap();
    assert!(helped["works"].as_array().unwrap().iter().any(|w| w["id"] == id.as_str()), "{helped}");
    let theirs: Value = app.client.get(app.url("/api/v1/desk/works")).bearer_auth(&elsewhere.token).send().await.unwrap().json().await.unwrap();
    assert!(!theirs.to_string().contains(&id), "another desk sees nothing of this one: {theirs}");
    let mine: Value = app.client.get(app.url("/api/v1/me/works")).bearer_auth(&operator.token).send().await.unwrap().json().await.unwrap();
    assert!(!mine.to_string().contains(&id), "the operator's own works are theirs only: {mine}");

    // The receipt: the title, the call, the desk, the code, the privacy receipt; its QR code
    // decodes to the follow-up address.
    let receipt = app.client.get(app.url(&format!("/desk/works/{id}/receipt"))).bearer_auth(&operator.token).header("Accept-Language", "it").send().await.unwrap();
    assert_eq!(receipt.status(), 200);
    let html = receipt.text().await.unwrap();
    for expected in ["Il mio cortile", "Chiamata foto-sportello", "Biblioteca di quartiere Cesure", code.as_str(), "42,56 N, 12,64 E", "@media print"] {
        if expected == "@media print" {
            let css = app.client.get(app.url("/static/piazza.css")).send().await.unwrap().text().await.unwrap();
            assert!(css.contains(expected), "a print stylesheet");
        } else {
            assert!(html.contains(expected), "the receipt shows {expected}: {html}");
        }
    }
    let other_receipt = app.client.get(app.url(&format!("/desk/works/{id}/receipt"))).bearer_auth(&elsewhere.token).send().await.unwrap();
    assert_eq!(other_receipt.status(), 404);
    let (status, headers, png) = app.get_bytes(Some(&operator), &format!("/desk/works/{id}/qr.png")).await;
    assert_eq!((status.as_u16(), headers["content-type"].to_str().unwrap()), (200, "image/png"));
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the receipt");
    let (_, decoded) = grids[0].decode().unwrap();
    let raw_code = code.replace('-', "");
    assert_eq!(decoded, format!("{}/claim/{raw_code}", app.base));

    // The person follows the status with the code: status only, whatever way it is typed.
    let follow = |typed: String| async move { app.client.get(app.url(&format!("/api/v1/claims/{typed}"))).send().await.unwrap() };
    let r = follow(code.to_lowercase()).await;
    assert_eq!(r.status(), 200);
    let status: Value = r.json().await.unwrap();
    assert_eq!(status, serde_json::json!({"status": "pending_review"}));
    let mut typo: Vec<char> = code.chars().collect();
    typo[0] = if typo[0] == '7' { '8' } else { '7' };
    let r = follow(typo.into_iter().collect()).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "claim_code_mistyped");

    // A curator rejects with a reason: it shows on the claim page, and reaches the contact's inbox.
    assert_eq!(app.review(&curator, &id, "reject", "La foto è troppo scura: riprova di giorno").await.status(), 200);
    let status: Value = follow(code.clone()).await.json().await.unwrap();
    assert_eq!(status["status"], "rejected");
    assert_eq!(status["reason"], "La foto è troppo scura: riprova di giorno");
    let page = app.client.get(app.url(&format!("/claim/{raw_code}"))).header("Accept-Language", "it").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("La foto è troppo scura: riprova di giorno"), "{page}");
    assert!(!page.contains("Il mio cortile"), "the claim page shows the status and the reason, nothing else");
    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Some(m) = outbox_messages(&app.state.config.data_dir.join("outbox")).into_iter().find(|m| m.contains("pina.rossi@example.org")) {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the contact is mailed the decision");
    assert!(mail.contains(&format!("/claim/{raw_code}")), "with the code's address: {mail}");

    // The person signs up (a confirmed address) and claims the work: it is theirs, and the code stops working.
    let pina = app.person("Pina Rossi", Role::Citizen).await;
    let r = app.client.post(app.url(&format!("/api/v1/claims/{code}/claim"))).bearer_auth(&pina.token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["id"], id.as_str());
    let hers: Value = app.client.get(app.url("/api/v1/me/works")).bearer_auth(&pina.token).send().await.unwrap().json().await.unwrap();
    assert!(hers.to_string().contains(&id), "in her works: {hers}");
    assert_eq!(follow(code.clone()).await.status(), 404, "the code no longer works");
    let again = app.client.post(app.url(&format!("/api/v1/claims/{code}/claim"))).bearer_auth(&citizen.token).send().await.unwrap();
    assert_eq!(again.status(), 404, "nor can anyone else claim it");
    assert_eq!(app.get_work(Some(&operator), &id).await.status(), 404, "the operator no longer holds it");
    let history: Value = app.client.get(app.url(&format!("/api/v1/works/{id}/history"))).bearer_auth(&pina.token).send().await.unwrap().json().await.unwrap();
    assert!(history.to_string().contains("claimed"), "{history}");
    // Hers to delete, too.
    let r = app.client.delete(app.url(&format!("/api/v1/works/{id}"))).bearer_auth(&pina.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
}
both!(a_person_without_an_account_sends_follows_and_claims_a_work, a_person_without_an_account_sends_follows_and_claims_a_work);

async fn the_per_person_limit_counts_the_person_and_lookups_are_limited(app: &TestApp) {
    let admin = app.person("Amministratrice", Role::Admin).await;
    let curator = app.person("Curatrice", Role::Curator).await;
    let operator = desk_with_operator(app, &admin, "cesure", "Biblioteca Cesure", "Olga").await;
    let r = app
        .client
        .post(app.url("/api/v1/calls"))
        .bearer_auth(&curator.token)
        .json(&serde_json::json!({
            "slug": "una-sola", "title": "Una poesia a testa", "question": "?", "kinds": ["poem"], "max_works_per_person": 1,
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let poem = |who: &'static str| {
        desk_form(&[("call", "una-sola"), ("kind", "poem"), ("title", "Versi"), ("licence", "cc0-1.0"), ("text", "versi"), ("on_behalf_name", who), ("consent", "yes")], None)
    };
    let (status, first) = send(app, &operator, poem("Aldo")).await;
    assert_eq!(status, 202, "{first}");
    let (status, second) = send(app, &operator, poem("Bice")).await;
    assert_eq!(status, 202, "another person at the same desk has their own limit: {second}");
    let (status, body) = send(app, &operator, poem("aldo")).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("call_limit_reached")), "the same person again: {body}");
    for id in [&first["id"], &second["id"]] {
        app.wait_processed(&operator, id.as_str().unwrap()).await;
    }

    // Claim codes cannot be tried at will: the address's hourly allowance ends in 429.
    let limit = app.state.config.claim_lookups_per_address_per_hour;
    let code = first["claim_code"].as_str().unwrap();
    for _ in 0..limit {
        assert_eq!(app.client.get(app.url(&format!("/api/v1/claims/{code}"))).send().await.unwrap().status(), 200);
    }
    let r = app.client.get(app.url(&format!("/api/v1/claims/{code}"))).send().await.unwrap();
    assert_eq!(r.status(), 429);
    // A program is told when to ask again, as a browser is.
    let retry: u64 = r.headers().get("retry-after").expect("a 429 says when to try again").to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "{retry}");
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "too_many_claim_lookups");
}
both!(the_per_person_limit_counts_the_person_and_lookups_are_limited, the_per_person_limit_counts_the_person_and_lookups_are_limited);
