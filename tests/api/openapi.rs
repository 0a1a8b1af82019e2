//! The generated OpenAPI document against the real server: schemathesis sends what the
//! document allows (and what it forbids) to every operation, as anonymous, a citizen and
//! a curator, and every answer must be one the document lists, with the schema it gives.
//!
//! SQLite only: the API's handlers are the same on both databases, and the run is long.

use crate::both;
use crate::helpers::{service_missing, Person, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use serde_json::{json, Value};
use std::process::Command;

/// Test cases per operation and phase: enough to reach every answer, few enough that the
/// three runs take well under a minute (`PIAZZA_SCHEMATHESIS_MAX_EXAMPLES` for more).
const MAX_EXAMPLES: &str = "25";
/// A fixed seed, so a failure can be reproduced; `PIAZZA_SCHEMATHESIS_SEED` picks another
/// (to look further, not in the suite).
const SEED: &str = "20261202";

/// Real ids for the operations on one thing, so they are reached beyond 404.
struct Ids {
    call: String,
    works: Vec<String>,
    reason: String,
    claim_code: String,
}

/// A call and works in every status a run should meet: published, pending review, changes
/// requested, failed; and a ready-made reason. Each run gets its own (runs change them).
async fn seed(app: &TestApp, curator: &Person, citizen: &Person, call: &str) -> Ids {
    app.open_call(curator, call, &["poem", "story", "photo"]).await;
    let poem = |title: &'static str| [("call", call), ("kind", "poem"), ("title", title), ("licence", "cc-by-4.0"), ("text", "Una piazza\nal mattino")];
    let mut works = Vec::new();
    for title in ["Pubblicata", "In attesa", "Da cambiare"] {
        let id = app.submit_ok(citizen, &poem(title), None).await;
        assert_eq!(app.wait_processed(citizen, &id).await["status"], "pending_review");
        works.push(id);
    }
    assert_eq!(app.review(curator, &works[0], "approve", "").await.status(), 200);
    assert_eq!(app.review(curator, &works[2], "request_changes", "Un titolo più breve").await.status(), 200);
    let mut broken = media_fixtures::jpeg(400, 300);
    broken.truncate(broken.len() / 2);
    let fields = [("call", call), ("kind", "photo"), ("title", "Rotta"), ("licence", "cc0-1.0"), ("alt_text", "una piazza")];
    let failed = app.submit_ok(citizen, &fields, Some(("rotta.jpg", broken))).await;
    assert_eq!(app.wait_processed(citizen, &failed).await["status"], "failed");
    works.push(failed);

    let created = app
        .client
        .post(app.url("/api/v1/reasons"))
        .bearer_auth(&curator.token)
        .json(&json!({ "label": "Fuori tema", "text": "L'opera non risponde alla domanda della chiamata." }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let reasons: Value = app.client.get(app.url("/api/v1/reasons")).bearer_auth(&curator.token).send().await.unwrap().json().await.unwrap();
    let reason = reasons["reasons"].as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_owned();
    Ids { call: call.into(), works, reason, claim_code: "7K3MQ9XW2BTR5".into() }
}

/// The served document with the real ids as examples of the path parameters.
fn with_examples(mut doc: Value, ids: &Ids) -> Value {
    for (path, item) in doc["paths"].as_object_mut().unwrap() {
        for operation in item.as_object_mut().unwrap().values_mut() {
            let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else { continue };
            for parameter in parameters.iter_mut().filter(|p| p["in"] == "path") {
                let values: Vec<&String> = match parameter["name"].as_str().unwrap() {
                    "slug" => vec![&ids.call],
                    "id" if path.starts_with("/api/v1/reasons") => vec![&ids.reason],
                    "id" => ids.works.iter().collect(),
                    // A well-formed code that no work has: claims answer 404 (or 429 once the
                    // address has asked too often), never anything undocumented.
                    "code" => vec![&ids.claim_code],
                    other => panic!("no example for path parameter {other} of {path}"),
                };
                let examples: serde_json::Map<String, Value> =
                    values.iter().enumerate().map(|(i, v)| (format!("real{i}"), json!({ "value": v }))).collect();
                parameter["examples"] = Value::Object(examples);
            }
        }
    }
    doc
}

/// Runs schemathesis with every check against the server; the output if it fails.
fn schemathesis(app: &TestApp, who: &str, document: &std::path::Path, token: Option<&str>, report_dir: &std::path::Path) -> Result<(), String> {
    let seed = std::env::var("PIAZZA_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.into());
    let max_examples = std::env::var("PIAZZA_SCHEMATHESIS_MAX_EXAMPLES").unwrap_or_else(|_| MAX_EXAMPLES.into());
    let mut command = Command::new("schemathesis");
    command
        .args(["--no-color", "--config-file", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis/schemathesis.toml"), "run"])
        .arg(document)
        .args(["--url", &app.base, "--checks", "all", "--max-examples", &max_examples, "--seed", &seed])
        .args(["--workers", "1", "--request-timeout", "20", "--generation-database", "none", "--report-dir"])
        .arg(report_dir)
        .current_dir(report_dir)
        // tests/schemathesis/hooks.py: how to send a tus chunk's bytes.
        .env("PYTHONPATH", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis"))
        .env("SCHEMATHESIS_HOOKS", "hooks");
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command.output().map_err(|e| format!("schemathesis did not start: {e}"))?;
    if output.status.success() {
        // Its summary, for `--success-output`: operations, phases, test cases and time.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let summary = stdout.find("SUMMARY").map_or(&stdout[..0], |at| &stdout[at..]);
        eprintln!("schemathesis as {who}:\n{summary}");
        return Ok(());
    }
    Err(format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_holds_for_schemathesis_as_anonymous_citizen_and_curator() {
    if let Err(e) = Command::new("schemathesis").arg("--version").output() {
        service_missing("schemathesis", &format!("not on PATH ({e}); scripts/test installs it in the test virtualenv"));
        return;
    }
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Sqlite).await else { return };
    let curator = app.person("Curatrice", Role::Curator).await;
    let citizen = app.person("Anna", Role::Citizen).await;
    let served = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(served.status(), 200);
    let doc: Value = served.json().await.unwrap();
    let dir = tempfile::tempdir().unwrap();

    let mut failures = Vec::new();
    for (who, token) in [("anonymous", None), ("citizen", Some(&citizen.token)), ("curator", Some(&curator.token))] {
        let ids = seed(&app, &curator, &citizen, &format!("piazza-{who}")).await;
        let document = dir.path().join(format!("openapi-{who}.json"));
        std::fs::write(&document, serde_json::to_vec_pretty(&with_examples(doc.clone(), &ids)).unwrap()).unwrap();
        let result = tokio::task::block_in_place(|| schemathesis(&app, who, &document, token.map(String::as_str), dir.path()));
        if let Err(output) = result {
            failures.push(format!("==== schemathesis as {who} against {}:\n{output}", app.base));
        }
    }
    // A retried failed work goes back to processing: let it finish before the end-of-test check.
    app.wait_jobs_settled().await;
    app.stop().await;
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// What schemathesis found, each kept as a test of its own.

async fn api_query_string_with_a_repeated_parameter_is_refused_as_json(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    for (path, who) in [("/api/v1/search?kind=poem&kind=poem", None), ("/api/v1/queue?status=published&status=published", Some(&curator)), ("/api/v1/me/works?page=1&page=2", Some(&curator))] {
        let mut request = app.client.get(app.url(path));
        if let Some(who) = who {
            request = request.bearer_auth(&who.token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
        let body: Value = response.json().await.expect("a JSON error body");
        assert_eq!(body["error"], "invalid_query", "{path}: {body}");
    }
}
both!(api_query_string_with_a_repeated_parameter_is_refused_as_json, api_query_string_with_a_repeated_parameter_is_refused_as_json);

async fn search_refuses_an_unknown_kind_even_without_words(app: &TestApp) {
    for path in ["/api/v1/search?kind=sculpture", "/api/v1/search?kind=sculpture&q=piazza"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 422, "{path}");
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_kind", "{path}");
    }
    let response = app.client.get(app.url("/api/v1/search?kind=")).send().await.unwrap();
    assert_eq!(response.status(), 200, "an empty kind is any kind");
}
both!(search_refuses_an_unknown_kind_even_without_words, search_refuses_an_unknown_kind_even_without_words);

async fn call_limit_is_read_as_a_whole_number_written_with_a_fraction(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let now = time::OffsetDateTime::now_utc();
    let fmt = &time::format_description::well_known::Rfc3339;
    let call = json!({
        "slug": "limite", "title": "Limite", "question": "Quante?", "kinds": ["poem"],
        "opens_at": now.format(fmt).unwrap(), "closes_at": (now + time::Duration::days(3)).format(fmt).unwrap(),
        "max_works_per_person": 3.0,
    });
    let created = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&call).send().await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.json::<Value>().await.unwrap()["max_works_per_person"], 3);
    let edit = |body: Value| app.client.patch(app.url("/api/v1/calls/limite")).bearer_auth(&curator.token).json(&body).send();
    let edited = edit(json!({ "max_works_per_person": 2.0 })).await.unwrap();
    assert_eq!(edited.status(), 200);
    assert_eq!(edited.json::<Value>().await.unwrap()["max_works_per_person"], 2);
    let refused = edit(json!({ "max_works_per_person": 2.5 })).await.unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.json::<Value>().await.unwrap()["error"], "invalid_json");
}
both!(call_limit_is_read_as_a_whole_number_written_with_a_fraction, call_limit_is_read_as_a_whole_number_written_with_a_fraction);

async fn json_body_that_is_not_an_object_is_refused(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let citizen = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "oggetti", &["poem"]).await;
    let fields = [("call", "oggetti"), ("kind", "poem"), ("title", "Forma"), ("licence", "cc0-1.0"), ("text", "versi")];
    let id = app.submit_ok(&citizen, &fields, None).await;
    app.wait_processed(&citizen, &id).await;
    for body in [json!([true, false]), json!([null, null]), json!("approve"), json!(3)] {
        let response = app.client.post(app.url(&format!("/api/v1/works/{id}/flags"))).bearer_auth(&curator.token).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_json", "{body}");
    }
    let work: Value = app.get_work(Some(&curator), &id).await.json().await.unwrap();
    assert_eq!(work["shortlisted"], false, "nothing was marked");
}
both!(json_body_that_is_not_an_object_is_refused, json_body_that_is_not_an_object_is_refused);
