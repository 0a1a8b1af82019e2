//! The access matrix: every route, pages and API, asked by each of six actors (anonymous,
//! the author, another citizen, a curator, an admin, a library desk's operator), with the
//! answer each must get. An operator is answered as another citizen is, except where a row
//! says otherwise (the desk's routes).
//! Routes that change something are asked with input that passes the permission check but
//! fails validation (a 409 or 422 proves the actor was let in without changing anything),
//! so one fixture serves every row; the only allowed changes run last.

use crate::both;
use crate::helpers::{Person, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use reqwest::multipart::Form;
use serde_json::{json, Value};

/// Who asks, in the order each row is asked (the author last: their allowed changes must
/// not change what the others are asked about).
const ACTORS: [&str; 6] = ["anonymous", "other citizen", "curator", "admin", "operator", "author"];

enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
    Multipart(Vec<(&'static str, String)>),
    /// A tus request: its headers, and a chunk's bytes (empty for none).
    Tus(Vec<(&'static str, String)>, Vec<u8>),
}

struct Row {
    method: &'static str,
    path: String,
    body: Body,
    /// Expected status for anonymous, author, other citizen, curator, admin.
    expect: [u16; 5],
    /// Expected for the operator, when not what another citizen gets.
    operator: Option<u16>,
}

fn row(method: &'static str, path: impl Into<String>, body: Body, expect: [u16; 5]) -> Row {
    Row { method, path: path.into(), body, expect, operator: None }
}

/// A row of the desk's routes, where the operator's answer differs.
fn desk_row(method: &'static str, path: impl Into<String>, body: Body, expect: [u16; 5], operator: u16) -> Row {
    Row { operator: Some(operator), ..row(method, path, body, expect) }
}

/// What `actor` must be answered for `row`.
fn expected(row: &Row, actor: &str) -> u16 {
    match actor {
        "anonymous" => row.expect[0],
        "author" => row.expect[1],
        "other citizen" => row.expect[2],
        "curator" => row.expect[3],
        "operator" => row.operator.unwrap_or(row.expect[2]),
        _ => row.expect[4],
    }
}

async fn ask(app: &TestApp, who: Option<&Person>, row: &Row) -> (u16, String) {
    let url = app.url(&row.path);
    let mut request = match row.method {
        "GET" => app.client.get(&url),
        "POST" => app.client.post(&url),
        "PATCH" => app.client.patch(&url),
        "PUT" => app.client.put(&url),
        "DELETE" => app.client.delete(&url),
        "HEAD" => app.client.head(&url),
        other => panic!("method {other}"),
    };
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    request = match &row.body {
        Body::None => request,
        Body::Json(v) => request.json(v),
        Body::Form(fields) => request.form(fields),
        Body::Multipart(fields) => {
            let mut form = Form::new();
            for (k, v) in fields {
                form = form.text(k.to_string(), v.clone());
            }
            request.multipart(form)
        }
        Body::Tus(headers, bytes) => {
            let mut request = request.header("Tus-Resumable", "1.0.0");
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            if bytes.is_empty() { request } else { request.body(bytes.clone()) }
        }
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn form(fields: &[(&'static str, &str)]) -> Body {
    Body::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

fn multipart(fields: &[(&'static str, &str)]) -> Body {
    Body::Multipart(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

async fn every_route_answers_every_actor_as_it_should(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let admin = app.person("Amministratore", Role::Admin).await;
    let author = app.person("Anna", Role::Citizen).await;
    let other = app.person("Bruno", Role::Citizen).await;
    let operator = crate::desk::desk_with_operator(app, &admin, "cesure", "Biblioteca Cesure", "Olga").await;

    // Fixture: an open call, a draft call with a cover, and the author's works in every state.
    app.open_call(&curator, "aperta", &["photo", "poem", "film", "audio"]).await;
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&json!({
        "slug": "bozza", "title": "Bozza segreta", "question": "?", "kinds": ["poem"], "state": "draft",
        "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"
    })).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let form_cover = Form::new().text("alt", "copertina").part("file", reqwest::multipart::Part::bytes(media_fixtures::jpeg(400, 300)).file_name("c.jpg"));
    let r = app.client.post(app.url("/api/v1/calls/bozza/cover")).bearer_auth(&curator.token).multipart(form_cover).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let draft_cover = r.json::<Value>().await.unwrap()["cover"]["url"].as_str().unwrap().to_owned();

    let photo = |title: &'static str| [("call", "aperta"), ("kind", "photo"), ("title", title), ("licence", "cc-by-4.0"), ("alt_text", "una foto")];
    let poem = |title: &'static str| [("call", "aperta"), ("kind", "poem"), ("title", title), ("licence", "cc0-1.0"), ("text", "matrice di versi")];
    let published = app.submit_ok(&author, &photo("Matrice pubblica"), Some(("p.jpg", media_fixtures::jpeg(320, 240)))).await;
    let pending = app.submit_ok(&author, &photo("Matrice in attesa"), Some(("a.jpg", media_fixtures::jpeg(320, 240)))).await;
    let rejected = app.submit_ok(&author, &poem("Matrice rifiutata"), None).await;
    let changes = app.submit_ok(&author, &poem("Matrice da cambiare"), None).await;
    let withdrawn = app.submit_ok(&author, &poem("Matrice ritirata"), None).await;
    let mut media = Vec::new();
    for id in [&published, &pending, &rejected, &changes, &withdrawn] {
        let work = app.wait_processed(&author, id).await;
        assert_eq!(work["status"], "pending_review");
        media.push(work["renditions"][0]["url"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(app.review(&curator, &published, "approve", "").await.status(), 200);
    assert_eq!(app.review(&curator, &rejected, "reject", "fuori tema").await.status(), 200);
    assert_eq!(app.review(&curator, &changes, "request_changes", "manca un titolo migliore").await.status(), 200);
    let r = app.client.delete(app.url(&format!("/api/v1/works/{withdrawn}"))).bearer_auth(&author.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (published_media, pending_media) = (media[0].clone(), media[1].clone());
    // A film with captions, waiting for review: its captions are as private as its film.
    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let r = crate::captions::send_film(&app, &author, "aperta", "Matrice sottotitolata", film, &[], Some(crate::captions::SRT.into())).await;
    assert_eq!(r.status(), 202);
    let captioned = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let pending_captions = app.wait_processed(&author, &captioned).await["captions"]["url"].as_str().unwrap().to_owned();
    // A sound waiting for review: its renditions and waveform are as private.
    let tone = dir.path().join("suono.ogg");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:a", "libvorbis"])
        .arg(&tone)
        .status()
        .unwrap();
    assert!(made.success());
    let fields = [("call", "aperta"), ("kind", "audio"), ("title", "Matrice sonora"), ("licence", "cc0-1.0")];
    let sound = app.submit_ok(&author, &fields, Some(("suono.ogg", std::fs::read(&tone).unwrap()))).await;
    let sound = app.wait_processed(&author, &sound).await;
    let sound_url = |name: &str| sound["renditions"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["url"].as_str().unwrap().to_owned();
    let (pending_sound, pending_waveform) = (sound_url("sound.webm"), sound_url("waveform.png"));
    // The author's unfinished resumable upload: only its owner may see or add to it.
    let r = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&author.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1000")
        .header("Upload-Metadata", "call YXBlcnRh,kind cGhvdG8=")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let upload = r.headers()["location"].to_str().unwrap().to_owned();
    let chunk = || Body::Tus(vec![("Upload-Offset", "0".into()), ("Content-Type", "application/offset+octet-stream".into())], vec![7u8; 10]);
    app.wait_searchable("matrice", &published).await;
    // A work the operator sent at the desk for someone, and its claim code.
    let desk_poem = [("call", "aperta"), ("kind", "poem"), ("title", "Matrice allo sportello"), ("licence", "cc0-1.0"), ("text", "versi"), ("on_behalf_name", "Pina"), ("consent", "yes")];
    let r = app.client.post(app.url("/api/v1/desk/works")).bearer_auth(&operator.token).multipart(crate::desk::desk_form(&desk_poem, None)).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let sent: Value = r.json().await.unwrap();
    let desk_work = sent["id"].as_str().unwrap().to_owned();
    let claim_code = sent["claim_code"].as_str().unwrap().replace('-', "");
    app.wait_processed(&operator, &desk_work).await;

    let all_200 = [200; 5];
    let private = [404, 200, 404, 200, 200];
    let curators = [401, 403, 403, 200, 200];
    let signed_in = [401, 200, 200, 200, 200];
    let page_signed_in = [303, 200, 200, 200, 200];
    let admins = [401, 403, 403, 403, 200];
    // Changes: refused before validation to those who may not, validation fails for the others.
    let curators_422 = [401, 403, 403, 422, 422];
    let curators_409 = [401, 403, 403, 409, 409];
    let rows = vec![
        // API: reading
        row("GET", "/api/v1/calls", Body::None, all_200),
        row("GET", "/api/v1/calls/aperta", Body::None, all_200),
        row("GET", "/api/v1/calls/bozza", Body::None, [404, 404, 404, 200, 200]),
        row("GET", format!("/api/v1/works/{published}"), Body::None, all_200),
        row("GET", format!("/api/v1/works/{pending}"), Body::None, private),
        row("GET", format!("/api/v1/works/{rejected}"), Body::None, private),
        row("GET", format!("/api/v1/works/{changes}"), Body::None, private),
        row("GET", format!("/api/v1/works/{withdrawn}"), Body::None, [404; 5]),
        row("GET", format!("/api/v1/works/{published}/history"), Body::None, [401, 200, 404, 200, 200]),
        row("GET", format!("/api/v1/works/{pending}/history"), Body::None, [401, 200, 404, 200, 200]),
        row("GET", format!("/api/v1/works/{withdrawn}/history"), Body::None, [401, 404, 404, 404, 404]),
        row("GET", "/api/v1/queue", Body::None, curators),
        row("GET", "/api/v1/queue?status=changes_requested", Body::None, curators),
        row("GET", "/api/v1/reasons", Body::None, curators),
        row("GET", "/api/v1/me/works", Body::None, signed_in),
        row("GET", "/api/v1/search?q=matrice", Body::None, all_200),
        row("GET", "/api/v1/search", Body::None, all_200),
        row("GET", "/api/v1/openapi.json", Body::None, all_200),
        row("GET", "/healthz", Body::None, all_200),
        // media
        row("GET", published_media.clone(), Body::None, all_200),
        row("GET", pending_media.clone(), Body::None, private),
        row("GET", pending_captions.clone(), Body::None, private),
        row("GET", pending_sound.clone(), Body::None, private),
        row("GET", pending_waveform.clone(), Body::None, private),
        row("GET", "/help/accessible-works", Body::None, all_200),
        row("GET", "/privacy", Body::None, all_200),
        row("GET", "/legal-notes", Body::None, all_200),
        row("GET", "/accessibility", Body::None, all_200),
        row("GET", "/static/fonts/titillium-web-400.woff2", Body::None, all_200),
        row("GET", "/static/logo", Body::None, [404; 5]),
        row("GET", format!("/oembed?url={}/works/{published}&format=json", app.base), Body::None, all_200),
        row("GET", format!("/oembed?url={}/works/{pending}&format=json", app.base), Body::None, [404; 5]),
        row("GET", draft_cover.clone(), Body::None, [404, 404, 404, 200, 200]),
        // pages: reading
        row("GET", "/", Body::None, all_200),
        row("GET", "/archive", Body::None, all_200),
        row("GET", "/search?q=matrice", Body::None, all_200),
        row("GET", "/search", Body::None, all_200),
        row("GET", "/feed.xml", Body::None, all_200),
        row("GET", "/calls/aperta", Body::None, all_200),
        row("GET", "/calls/aperta/feed.xml", Body::None, all_200),
        row("GET", "/calls/bozza", Body::None, [404, 404, 404, 200, 200]),
        row("GET", "/calls/bozza/feed.xml", Body::None, [404; 5]),
        row("GET", format!("/works/{published}"), Body::None, all_200),
        row("GET", format!("/works/{pending}"), Body::None, private),
        row("GET", format!("/works/{changes}"), Body::None, private),
        row("GET", format!("/works/{withdrawn}"), Body::None, [404; 5]),
        row("GET", format!("/works/{changes}/edit"), Body::None, [303, 200, 404, 404, 404]),
        row("GET", format!("/works/{pending}/edit"), Body::None, [303, 409, 404, 404, 404]),
        // new captions or a transcript: only for the author's published film or sound
        row("GET", format!("/works/{published}/accessibility"), Body::None, [303, 409, 404, 404, 404]),
        row("GET", format!("/works/{pending}/accessibility"), Body::None, [303, 409, 404, 404, 404]),
        row("GET", "/api/v1/queue/updates", Body::None, [401, 403, 403, 200, 200]),
        row("GET", "/submit", Body::None, page_signed_in),
        row("GET", "/me/works", Body::None, page_signed_in),
        row("GET", "/me/account", Body::None, page_signed_in),
        row("GET", "/me/export", Body::None, page_signed_in),
        row("GET", "/curate", Body::None, curators),
        row("GET", "/curate?status=rejected&kind=poem", Body::None, curators),
        row("GET", "/curate/calls", Body::None, curators),
        row("GET", "/curate/calls/new", Body::None, curators),
        row("GET", "/curate/calls/bozza", Body::None, curators),
        row("GET", "/curate/reasons", Body::None, curators),
        row("GET", "/admin/people", Body::None, admins),
        row("GET", "/admin/audit", Body::None, admins),
        // the library desk: the operator's own; claim codes: anyone's
        desk_row("GET", "/desk", Body::None, [303, 403, 403, 403, 403], 200),
        desk_row("GET", "/desk/works/new", Body::None, [303, 403, 403, 403, 403], 200),
        desk_row("GET", "/api/v1/desk/works", Body::None, [401, 403, 403, 403, 403], 200),
        desk_row("GET", format!("/desk/works/{desk_work}/receipt"), Body::None, [303, 403, 403, 403, 403], 200),
        desk_row("GET", format!("/desk/works/{desk_work}/qr.png"), Body::None, [401, 403, 403, 403, 403], 200),
        desk_row("GET", format!("/works/{desk_work}"), Body::None, [404, 404, 404, 200, 200], 200),
        desk_row("GET", format!("/api/v1/works/{desk_work}"), Body::None, [404, 404, 404, 200, 200], 200),
        row("GET", "/claim", Body::None, all_200),
        row("GET", format!("/claim/{claim_code}"), Body::None, all_200),
        row("GET", format!("/api/v1/claims/{claim_code}"), Body::None, all_200),
        row("GET", "/api/v1/claims/0000-0000-0000-1", Body::None, [422; 5]),
        row("GET", "/admin/desks", Body::None, admins),
        // sign-in through a provider: not configured here, so not there
        row("GET", "/auth/oidc/start", Body::None, [404; 5]),
        row("GET", "/auth/oidc/callback?state=x&code=y", Body::None, [404; 5]),
        row("GET", "/auth/oidc/link?token=x", Body::None, [404; 5]),
        // API: changing
        row("POST", "/api/v1/calls", Body::Json(json!({
            "slug": "nuova", "title": "Nuova", "question": "?", "kinds": [],
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"
        })), curators_422),
        row("PATCH", "/api/v1/calls/aperta", Body::Json(json!({ "kinds": [] })), curators_422),
        row("PATCH", "/api/v1/calls/bozza", Body::Json(json!({ "kinds": [] })), curators_422),
        row("POST", "/api/v1/calls/bozza/state", Body::Json(json!({ "state": "archived" })), curators_409),
        row("POST", "/api/v1/calls/aperta/cover", multipart(&[("alt", "senza file")]), curators_422),
        row("POST", format!("/api/v1/works/{pending}/review"), Body::Json(json!({ "decision": "bogus" })), curators_422),
        row("POST", format!("/api/v1/works/{pending}/flags"), Body::Json(json!({ "featured": true })), curators_409),
        row("POST", "/api/v1/works/bulk-approve", Body::Json(json!({ "ids": [] })), curators_422),
        row("POST", format!("/api/v1/works/{pending}/retry"), Body::None, curators_409),
        row("POST", format!("/api/v1/works/{pending}/reply"), Body::Json(json!({ "text": "grazie" })), curators_409),
        row("POST", "/api/v1/reasons", Body::Json(json!({ "label": "", "text": "" })), curators_422),
        row("PUT", "/api/v1/reasons/off-topic", Body::Json(json!({ "label": "", "text": "" })), curators_422),
        row("DELETE", "/api/v1/reasons/nessuno", Body::None, [401, 403, 403, 404, 404]),
        row("POST", format!("/api/v1/works/{changes}/resubmit"), multipart(&[("title", "")]), [401, 422, 404, 404, 404]),
        row("POST", format!("/api/v1/works/{pending}/resubmit"), multipart(&[("title", "x")]), [401, 409, 404, 404, 404]),
        row("POST", format!("/api/v1/works/{captioned}/accessibility"), multipart(&[("transcript", "x")]), [401, 409, 404, 404, 404]),
        row("POST", format!("/api/v1/works/{published}/accessibility/review"), Body::Json(json!({ "decision": "approve" })), curators_409),
        row("POST", format!("/api/v1/works/{pending}/appreciate"), Body::None, [401, 404, 404, 404, 404]),
        row("POST", format!("/api/v1/works/{pending}/report"), Body::Json(json!({ "reason": "brutta" })), [401, 404, 404, 404, 404]),
        row("POST", format!("/api/v1/works/{published}/report"), Body::Json(json!({ "reason": "" })), [401, 422, 422, 422, 422]),
        row("POST", "/api/v1/works", multipart(&[("call", "bozza"), ("kind", "poem"), ("title", "x"), ("licence", "cc0-1.0"), ("text", "x")]), [401, 422, 422, 422, 422]),
        desk_row("POST", "/api/v1/desk/works", multipart(&[("call", "aperta"), ("kind", "poem"), ("title", "x"), ("licence", "cc0-1.0"), ("text", "x"), ("on_behalf_name", "Pina")]), [401, 403, 403, 403, 403], 422),
        row("POST", "/api/v1/claims/0000-0000-0000-1/claim", Body::None, [401, 422, 422, 422, 422]),
        // resumable uploads: someone else's does not exist; a draft call takes none
        row("HEAD", upload.clone(), Body::Tus(vec![], vec![]), [401, 200, 404, 404, 404]),
        row("PATCH", upload.clone(), chunk(), [401, 204, 404, 404, 404]),
        row("POST", "/api/v1/uploads", Body::Tus(vec![("Upload-Length", "10".into()), ("Upload-Metadata", "call Ym96emE=,kind cG9lbQ==".into())], vec![]), [401, 422, 422, 422, 422]),
        // pages: changing (a bearer token stands in for the browser's session and form token)
        row("POST", "/curate/calls/new", form(&[("slug", "nuova"), ("title", "Nuova"), ("question", "?"), ("opens_at", "2020-01-01T00:00"), ("closes_at", "2099-01-01T00:00")]), curators_422),
        row("POST", "/curate/calls/aperta", form(&[("title", "Aperta"), ("question", "?"), ("opens_at", "2020-01-01T00:00"), ("closes_at", "2099-01-01T00:00")]), curators_422),
        row("POST", "/curate/calls/bozza/state", form(&[("state", "archived")]), curators_409),
        row("POST", format!("/curate/{pending}"), form(&[("decision", "bogus")]), curators_422),
        row("POST", format!("/curate/{pending}/flag"), form(&[("flag", "featured"), ("on", "1")]), curators_409),
        row("POST", format!("/curate/{pending}/reply"), form(&[("text", "grazie")]), curators_409),
        row("POST", format!("/curate/{pending}/retry"), Body::None, curators_409),
        row("POST", "/curate/bulk-approve", form(&[]), curators_422),
        row("POST", "/curate/reasons", form(&[("label", ""), ("text", "")]), curators_422),
        row("POST", "/curate/reasons/nessuno/delete", Body::None, [401, 403, 403, 404, 404]),
        row("POST", format!("/admin/people/{}/role", other.id), form(&[("role", "sovrano")]), [401, 403, 403, 403, 422]),
        row("POST", format!("/works/{pending}/edit"), multipart(&[("title", "x")]), [303, 409, 404, 404, 404]),
        desk_row("POST", "/desk/works", multipart(&[("call", "aperta"), ("kind", "poem"), ("title", "x"), ("licence", "cc0-1.0"), ("text", "x"), ("on_behalf_name", "Pina")]), [303, 403, 403, 403, 403], 422),
        row("POST", "/claim/00000000000001", Body::None, [303, 422, 422, 422, 422]),
        row("POST", "/admin/desks", form(&[("slug", ""), ("name", "")]), [401, 403, 403, 403, 422]),
        row("POST", "/admin/desks/operators", form(&[("email", "nessuno@example.org"), ("desk", "nessuna")]), [401, 403, 403, 403, 422]),
        row("POST", format!("/works/{captioned}/accessibility"), multipart(&[("transcript", "x")]), [303, 409, 404, 404, 404]),
        row("POST", format!("/curate/{published}/accessibility"), form(&[("decision", "approve")]), curators_409),
        // the only allowed changes, the author's, last
        row("POST", format!("/works/{published}/appreciate"), Body::None, [401, 303, 303, 303, 303]),
        row("DELETE", format!("/api/v1/works/{rejected}"), Body::None, [401, 204, 404, 404, 404]),
        row("DELETE", upload.clone(), Body::Tus(vec![], vec![]), [401, 204, 404, 404, 404]),
    ];

    let people = [None, Some(&other), Some(&curator), Some(&admin), Some(&operator), Some(&author)];
    let mut wrong = Vec::new();
    for r in &rows {
        for (actor, who) in ACTORS.iter().zip(people) {
            let expected = expected(r, actor);
            let (status, body) = ask(app, who, r).await;
            if status != expected {
                wrong.push(format!("{} {} as {actor}: {status}, expected {expected}: {}", r.method, r.path, body.chars().take(160).collect::<String>()));
            }
            // What may be seen is also checked in the bodies of lists, search and feeds.
            if r.method == "GET" && status == 200 {
                for hidden in [&pending, &rejected, &changes, &withdrawn] {
                    let listing = ["/api/v1/search", "/search", "/feed.xml", "/calls/aperta", "/"].iter().any(|p| r.path == *p || r.path.starts_with(&format!("{p}?")) || r.path.starts_with("/calls/aperta/"));
                    if listing && body.contains(hidden.as_str()) {
                        wrong.push(format!("{} as {actor} shows the unpublished work {hidden}", r.path));
                    }
                }
                let public = matches!(*actor, "anonymous" | "author" | "other citizen" | "operator");
                if public && (body.contains("Bozza segreta") || (r.path == "/api/v1/calls" && body.contains("\"bozza\""))) {
                    wrong.push(format!("{} as {actor} shows the draft call", r.path));
                }
                if r.path == "/api/v1/me/works" && *actor != "author" && body.contains(published.as_str()) {
                    wrong.push(format!("{actor} sees the author's works as their own"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers break the access rules:\n{}", wrong.len(), wrong.join("\n"));

    // Curators see drafts in their list; a citizen cannot set curator-only fields.
    let (_, body) = ask(app, Some(&curator), &row("GET", "/api/v1/calls", Body::None, all_200)).await;
    assert!(body.contains("\"bozza\""));
    let sneaky = app
        .submit_ok(&other, &[("call", "aperta"), ("kind", "poem"), ("title", "Furba"), ("licence", "cc0-1.0"), ("text", "x"), ("status", "published"), ("featured", "1"), ("shortlisted", "1"), ("revision", "9")], None)
        .await;
    let work = app.wait_processed(&other, &sneaky).await;
    assert_eq!(work["status"], "pending_review");
    assert_eq!(work["featured"], false);
    assert_eq!(work["revision"], 1);
    let (_, body) = ask(app, Some(&curator), &row("GET", format!("/api/v1/works/{sneaky}"), Body::None, all_200)).await;
    assert!(body.contains("\"shortlisted\":false"));
    // The author's deletion went through and left nothing visible.
    assert_eq!(app.get_work(Some(&author), &rejected).await.status(), 404);
}
both!(every_route_answers_every_actor_as_it_should, every_route_answers_every_actor_as_it_should);
