//! Anonymous pages kept rendered: answered from memory with an ETag (304 to a browser that
//! has the page), compressed once, and rendered again as soon as what they show changes —
//! a publication, a withdrawal, the city's reply — on this node at once and on another node
//! sharing the database once its index has followed the change. Signed-in visitors' pages
//! are never kept.

use crate::both;
use crate::helpers::{browser, TestApp};
use crate::media_fixtures;
use piazza::domain::Role;
use std::time::{Duration, Instant};

fn plain() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn get(client: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = client.get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.send().await.unwrap()
}

fn etag(r: &reqwest::Response) -> String {
    r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_else(|| panic!("no ETag on {}", r.url()))
}

async fn published_photo(app: &TestApp, curator: &crate::helpers::Person, author: &crate::helpers::Person, title: &str) -> String {
    let fields = [("call", "fiume"), ("kind", "photo"), ("title", title), ("licence", "cc0-1.0"), ("alt_text", "il fiume di sera, dal ponte")];
    let id = app.submit_ok(author, &fields, Some(("p.jpg", media_fixtures::jpeg(320, 240)))).await;
    app.wait_processed(author, &id).await;
    assert_eq!(app.review(curator, &id, "approve", "").await.status(), 200);
    id
}

async fn kept_pages_change_when_what_they_show_changes(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "fiume", &["photo"]).await;
    let id = published_photo(app, &curator, &anna, "Il ponte").await;
    let client = plain();
    let work_url = app.url(&format!("/works/{id}"));

    let first = get(&client, &work_url, &[]).await;
    assert_eq!(first.status(), 200);
    let tag = etag(&first);
    assert_eq!(first.headers()["cache-control"], "no-cache", "browsers ask again, and get a 304 while it is the same");
    let first = first.text().await.unwrap();
    let again = get(&client, &work_url, &[]).await;
    assert_eq!((etag(&again), again.text().await.unwrap()), (tag.clone(), first.clone()), "the same page, kept");
    let revalidated = get(&client, &work_url, &[("If-None-Match", &tag)]).await;
    assert_eq!(revalidated.status(), 304);
    assert_eq!(etag(&revalidated), tag);
    for name in ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"] {
        assert!(revalidated.headers().contains_key(name), "a 304 keeps {name}");
    }
    assert!(revalidated.bytes().await.unwrap().is_empty());
    assert_eq!(get(&client, &work_url, &[("If-None-Match", "\"another\"")]).await.status(), 200);

    // The city's reply (a change the search index does not hold) shows at once.
    let r = app.client.post(app.url(&format!("/api/v1/works/{id}/reply"))).bearer_auth(&curator.token).json(&serde_json::json!({ "text": "Grazie: la useremo per la mostra." })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let replied = get(&client, &work_url, &[("If-None-Match", &tag)]).await;
    assert_eq!(replied.status(), 200, "the browser's copy is out of date");
    assert_ne!(etag(&replied), tag);
    assert!(replied.text().await.unwrap().contains("Grazie: la useremo per la mostra."));

    // A new publication is on the home page and the call's page at once.
    let home = get(&client, &app.url("/"), &[]).await.text().await.unwrap();
    assert!(home.contains("Il ponte") && !home.contains("La torre"));
    let call = get(&client, &app.url("/calls/fiume"), &[]).await.text().await.unwrap();
    assert!(!call.contains("La torre"));
    let tower = published_photo(app, &curator, &anna, "La torre").await;
    assert!(get(&client, &app.url("/"), &[]).await.text().await.unwrap().contains("La torre"), "home shows the new work");
    assert!(get(&client, &app.url("/calls/fiume"), &[]).await.text().await.unwrap().contains("La torre"), "the call shows the new work");

    // A withdrawal takes it away at once.
    let r = app.client.delete(app.url(&format!("/api/v1/works/{tower}"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(get(&client, &app.url(&format!("/works/{tower}")), &[]).await.status(), 404);
    assert!(!get(&client, &app.url("/"), &[]).await.text().await.unwrap().contains("La torre"), "gone from home");
    assert!(!get(&client, &app.url("/feed.xml"), &[]).await.text().await.unwrap().contains("La torre"), "gone from the feed");

    // Each language is kept apart.
    let english = get(&client, &app.url("/"), &[("Accept-Language", "en")]).await.text().await.unwrap();
    assert!(english.contains("<html lang=\"en\">"), "an English visitor gets the English page");
    assert!(get(&client, &app.url("/"), &[]).await.text().await.unwrap().contains("<html lang=\"it\">"));
}
both!(kept_pages_change_when_what_they_show_changes, kept_pages_change_when_what_they_show_changes);

/// Brotli, gzip and no compression decode to the very same page, kept or not.
async fn compressed_and_plain_pages_decode_to_the_same_bytes(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "fiume", &["photo"]).await;
    let id = published_photo(app, &curator, &anna, "Il ponte").await;
    // The search page must show it before it is read three ways.
    app.wait_searchable("ponte", &id).await;
    let client = plain();
    for path in ["/".to_owned(), "/calls/fiume".to_owned(), format!("/works/{id}"), "/search?q=ponte".to_owned(), "/feed.xml".to_owned()] {
        let url = app.url(&path);
        let identity = get(&client, &url, &[]).await;
        assert_eq!(identity.headers().get("content-encoding"), None, "{path}");
        let identity = identity.bytes().await.unwrap().to_vec();
        let br = get(&client, &url, &[("Accept-Encoding", "gzip, br")]).await;
        assert_eq!(br.headers()["content-encoding"], "br", "{path}");
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &br.bytes().await.unwrap()[..], &mut unbrotli).unwrap();
        let gz = get(&client, &url, &[("Accept-Encoding", "gzip")]).await;
        assert_eq!(gz.headers()["content-encoding"], "gzip", "{path}");
        let mut ungzip = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..]), &mut ungzip).unwrap();
        assert!(identity.len() > 500, "{path}: a real page");
        assert_eq!(unbrotli, identity, "{path}: brotli");
        assert_eq!(ungzip, identity, "{path}: gzip");
    }
}
both!(compressed_and_plain_pages_decode_to_the_same_bytes, compressed_and_plain_pages_decode_to_the_same_bytes);

/// A signed-in visitor gets their own page, never a kept one, and nobody gets theirs.
async fn a_signed_in_visitors_page_is_never_kept(app: &TestApp) {
    let anna = app.person("Anna Bellini", Role::Citizen).await;
    let client = plain();
    let anonymous = get(&client, &app.url("/"), &[]).await;
    assert!(anonymous.headers().contains_key("etag"));
    let citizen = browser();
    let r = citizen.post(app.url("/signin")).header("Origin", &app.base).form(&[("email", anna.email.as_str()), ("password", "password-for-tests")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let mine = citizen.get(app.url("/")).send().await.unwrap();
    assert!(!mine.headers().contains_key("etag"), "not a kept page");
    assert!(mine.text().await.unwrap().contains("Anna Bellini"), "their own page, with their name");
    let again = get(&client, &app.url("/"), &[]).await.text().await.unwrap();
    assert!(!again.contains("Anna Bellini"), "and the next anonymous visitor gets the anonymous page");
}
both!(a_signed_in_visitors_page_is_never_kept, a_signed_in_visitors_page_is_never_kept);

/// Another node sharing the database shows a withdrawal once its index has followed it.
async fn another_node_follows_a_change_made_on_this_one(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "fiume", &["photo"]).await;
    let id = published_photo(app, &curator, &anna, "Il ponte").await;
    let node = app.second_node().await;
    let client = plain();
    let url = format!("{}/calls/fiume", node.base);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(&client, &url, &[]).await.text().await.unwrap().contains("Il ponte") {
        assert!(Instant::now() < deadline, "the second node never showed the work");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = app.client.delete(app.url(&format!("/api/v1/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    while get(&client, &url, &[]).await.text().await.unwrap().contains("Il ponte") {
        assert!(Instant::now() < deadline, "the second node kept showing a withdrawn work");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    node.stop().await;
}
both!(another_node_follows_a_change_made_on_this_one, another_node_follows_a_change_made_on_this_one);

/// A HEAD has no body: it may be answered from a kept page, but it never makes one, or
/// the next visitor would be kept an empty page.
async fn a_head_request_never_makes_the_kept_page(app: &TestApp) {
    let client = plain();
    for path in ["/", "/archive", "/search?q=fiume", "/api/v1/search?q=fiume"] {
        let url = app.url(path);
        let head = client.head(&url).send().await.unwrap();
        assert_eq!(head.status(), 200, "{path}");
        let page = get(&client, &url, &[]).await;
        assert_eq!(page.status(), 200, "{path}");
        let body = page.bytes().await.unwrap();
        assert!(body.len() > 100, "{path}: the page after a HEAD has its body ({} bytes)", body.len());
        // Kept now: a HEAD is answered from it, with its validator.
        let again = client.head(&url).send().await.unwrap();
        assert_eq!((again.status(), again.headers().contains_key("etag")), (reqwest::StatusCode::OK, true), "{path}");
        assert_eq!(get(&client, &url, &[]).await.bytes().await.unwrap(), body, "{path}");
    }
}
both!(a_head_request_never_makes_the_kept_page, a_head_request_never_makes_the_kept_page);
