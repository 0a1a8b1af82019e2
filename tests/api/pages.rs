//! The journeys a browser makes without JavaScript: sign in, submit through the form,
//! follow "my works", review as a curator, switch language.

use crate::both;
use crate::helpers::TestApp;
use crate::media_fixtures;
use piazza::domain::Role;
use reqwest::multipart::{Form, Part};

async fn sign_in(app: &TestApp, client: &reqwest::Client, email: &str) {
    let r = client
        .post(app.url("/signin"))
        .header("Origin", &app.base)
        .form(&[("email", email), ("password", "password-for-tests")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in redirects");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

async fn citizen_submits_through_the_form_and_curator_publishes_in_the_page(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "il-quartiere", &["photo", "poem"]).await;

    let citizen = browser();
    let r = citizen.get(app.url("/submit")).send().await.unwrap();
    assert_eq!(r.status(), 303, "anonymous visitors are sent to sign in");
    let r = citizen.post(app.url("/signin")).header("Origin", &app.base).form(&[("email", anna.email.as_str()), ("password", "wrong")]).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("Email o password non corrette"));
    sign_in(app, &citizen, &anna.email).await;
    let token = app.csrf_token(&citizen).await;

    let form_page = citizen.get(app.url("/submit?call=il-quartiere")).send().await.unwrap().text().await.unwrap();
    assert!(form_page.contains("enctype=\"multipart/form-data\""));
    assert!(form_page.contains("<label for=\"alt_text\">"), "fields have labels");

    // A refused form comes back with the reason in Italian and the right status.
    let form = Form::new()
        .text("csrf", token.clone())
        .text("call", "il-quartiere")
        .text("kind", "photo")
        .text("title", "La mia via")
        .text("licence", "cc-by-4.0")
        .text("alt_text", "")
        .part("file", Part::bytes(media_fixtures::jpeg(320, 240)).file_name("via.jpg"));
    let r = citizen.post(app.url("/submit")).header("Origin", &app.base).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Descrivi la foto"));

    let form = Form::new()
        .text("csrf", token.clone())
        .text("call", "il-quartiere")
        .text("kind", "photo")
        .text("title", "La mia via")
        .text("licence", "cc-by-4.0")
        .text("alt_text", "Una via con case colorate")
        .text("text", "")
        .part("file", Part::bytes(media_fixtures::jpeg(320, 240)).file_name("via.jpg"));
    let r = citizen.post(app.url("/submit")).header("Origin", &app.base).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id = location.trim_start_matches("/works/").to_owned();
    app.wait_processed(&anna, &id).await;
    let mine = citizen.get(app.url("/me/works")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("La mia via") && mine.contains("In attesa di revisione"), "my works shows the status");

    let city = browser();
    sign_in(app, &city, &curator.email).await;
    let city_token = app.csrf_token(&city).await;
    let queue = city.get(app.url("/curate")).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains(&format!("/works/{id}")));
    let r = city.post(app.url(&format!("/curate/{id}"))).header("Origin", &app.base).form(&[("decision", "approve"), ("csrf", city_token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let mine = citizen.get(app.url("/me/works")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("Pubblicata"));
    // The citizen cannot reach the curator queue.
    let r = citizen.get(app.url("/curate")).send().await.unwrap();
    assert_eq!(r.status(), 403);

    // Sign-out ends the session on the server: the old cookie no longer works.
    let r = citizen.post(app.url("/signout")).header("Origin", &app.base).form(&[("csrf", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = citizen.get(app.url("/me/works")).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed out");
}
both!(citizen_submits_through_the_form_and_curator_publishes_in_the_page, citizen_submits_through_the_form_and_curator_publishes_in_the_page);

async fn forms_from_other_sites_are_refused(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let client = browser();
    sign_in(app, &client, &anna.email).await;
    let r = client.post(app.url("/signout")).header("Origin", "https://evil.example").send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = client.post(app.url("/signout")).header("Sec-Fetch-Site", "cross-site").send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = client.get(app.url("/me/works")).send().await.unwrap();
    assert_eq!(r.status(), 200, "still signed in: the forged sign-out did nothing");
}
both!(forms_from_other_sites_are_refused, forms_from_other_sites_are_refused);

async fn pages_speak_italian_first_and_english_on_request(app: &TestApp) {
    let client = browser();
    let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("<html lang=\"it\">") && home.contains("Chiamate aperte"));
    let home = client.get(app.url("/")).header("Accept-Language", "en-GB,en;q=0.9").send().await.unwrap().text().await.unwrap();
    assert!(home.contains("<html lang=\"en\">") && home.contains("Open calls"));
    let r = client.post(app.url("/lang")).header("Origin", &app.base).form(&[("lang", "en"), ("back", "/search")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/search");
    let page = client.get(app.url("/search")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Search the piazza"));
    let r = client.post(app.url("/lang")).header("Origin", &app.base).form(&[("lang", "it"), ("back", "//evil.example")]).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
    let r = client.get(app.url("/non-esiste")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Pagina non trovata"));
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
both!(pages_speak_italian_first_and_english_on_request, pages_speak_italian_first_and_english_on_request);

const REFRESH: &str = "<meta http-equiv=\"refresh\" content=\"5\">";

async fn a_processing_work_page_refreshes_itself(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "in-lavorazione", &["poem"]).await;
    let fields = [("call", "in-lavorazione"), ("kind", "poem"), ("title", "Ancora in lavorazione"), ("licence", "cc0-1.0"), ("text", "Versi che aspettano.")];
    let id = app.submit_ok(&anna, &fields, None).await;
    let client = browser();
    sign_in(app, &client, &anna.email).await;
    let page = client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("In lavorazione") && page.contains(REFRESH), "a processing work's page reloads itself:\n{page}");
    let head = &page[..page.find("</head>").expect("a head")];
    assert!(head.contains(REFRESH), "the refresh is in the head");
    assert!(page.contains("Questa pagina si aggiorna da sola ogni 5 secondi."), "and says so");
    let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("http-equiv=\"refresh\""), "other pages do not reload themselves");
    app.leaves_jobs(1, "no runner: the work stays processing, which is what this test looks at");
}
crate::both_without_jobs!(a_processing_work_page_refreshes_itself, a_processing_work_page_refreshes_itself);

async fn a_processed_work_page_stays_still(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "lavorate", &["poem"]).await;
    let fields = [("call", "lavorate"), ("kind", "poem"), ("title", "Pronta"), ("licence", "cc0-1.0"), ("text", "Versi da leggere.")];
    let id = app.submit_ok(&anna, &fields, None).await;
    assert_eq!(app.wait_processed(&anna, &id).await["status"], "pending_review");
    let client = browser();
    sign_in(app, &client, &anna.email).await;
    let page = client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("In attesa di revisione"), "{page}");
    assert!(!page.contains("http-equiv=\"refresh\""), "a work waiting for review does not reload itself:\n{page}");
}
both!(a_processed_work_page_stays_still, a_processed_work_page_stays_still);

/// The multipart form a browser sends from /submit, in the page's order: the token first,
/// then every field the citizen filled in, the file among them.
fn typed_form(token: &str, kind: &str, title: &str, file: Option<Vec<u8>>) -> Form {
    let mut form = Form::new()
        .text("csrf", token.to_owned())
        .text("call", "racconti")
        .text("kind", kind.to_owned())
        .text("title", title.to_owned())
        .text("text", "Una sera di nebbia sul fiume,\nle luci del ponte tremavano.");
    if let Some(bytes) = file {
        form = form.part("file", Part::bytes(bytes).file_name("lungo.mp4"));
    }
    form.text("alt_text", "Il ponte di notte").text("description", "Girato dal mio balcone").text("licence", "cc-by-sa-4.0")
}

/// Everything the citizen typed is in the page again, they are still signed in, and the
/// error stands next to the field it is about.
fn keeps_what_was_typed(page: &str, title: &str, kind: &str, field: &str) {
    if !title.is_empty() {
        assert!(page.contains(&format!("value=\"{title}\"")), "the title is kept");
    }
    assert!(page.contains("Una sera di nebbia sul fiume,\nle luci del ponte tremavano.</textarea>"), "the text is kept");
    assert!(page.contains("value=\"Il ponte di notte\""), "the alt text is kept");
    assert!(page.contains("Girato dal mio balcone</textarea>"), "the description is kept");
    assert!(page.contains("value=\"cc-by-sa-4.0\" selected"), "the licence is kept");
    assert!(page.contains(&format!("value=\"{kind}\" required checked")), "the kind is kept");
    assert!(page.contains("Anna"), "the page still shows who is signed in");
    assert!(page.contains(&format!("id=\"{field}-error\"")), "the error is next to the {field} field");
    assert!(page.contains(&format!("aria-describedby=\"{field}-error")), "and the field points at it");
}

async fn a_refused_form_comes_back_with_everything_typed(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["film", "poem"]).await;
    let citizen = browser();
    sign_in(app, &citizen, &anna.email).await;
    let token = app.csrf_token(&citizen).await;

    // A film over the limit: refused, with the limit in words, and nothing kept on disk.
    let too_large = vec![0u8; (crate::helpers::TEST_MAX_UPLOAD + 200 * 1024) as usize];
    let r = citizen.post(app.url("/submit")).header("Origin", &app.base).multipart(typed_form(&token, "film", "Il ponte", Some(too_large))).send().await.unwrap();
    assert_eq!(r.status(), 413);
    let page = r.text().await.unwrap();
    assert!(page.contains("3 MB"), "the limit is in the message");
    keeps_what_was_typed(&page, "Il ponte", "film", "file");
    let temp: Vec<String> = app.stored_files();
    assert!(temp.is_empty(), "a refused file leaves nothing: {temp:?}");

    // A poem without a title.
    let r = citizen.post(app.url("/submit")).header("Origin", &app.base).multipart(typed_form(&token, "poem", "", None)).send().await.unwrap();
    assert_eq!(r.status(), 422);
    keeps_what_was_typed(&r.text().await.unwrap(), "", "poem", "title");
    assert_eq!(app.count("work").await, 0);
}
both!(a_refused_form_comes_back_with_everything_typed, a_refused_form_comes_back_with_everything_typed);

async fn the_submit_page_tells_the_limits_in_words(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["film", "photo", "poem"]).await;
    let citizen = browser();
    sign_in(app, &citizen, &anna.email).await;
    let page = citizen.get(app.url("/submit")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("video fino a 3 MB e 10 minuti"), "the film limit in words");
    assert!(page.contains("foto fino a 3 MB e 40 megapixel"), "the photo limit in words");
    assert!(page.contains("data-max-bytes=\"3145728\""), "and for the page's script");
}
both!(the_submit_page_tells_the_limits_in_words, the_submit_page_tells_the_limits_in_words);

/// The submit page is the one page that runs a script: its own file from this site, no
/// inline script, and its words from the catalogue in the page's language; every other
/// page still allows no script at all.
async fn only_the_submit_page_runs_a_script_of_this_site(app: &TestApp) {
    let anna = app.person("Anna", Role::Citizen).await;
    let citizen = browser();
    sign_in(app, &citizen, &anna.email).await;
    let r = citizen.get(app.url("/submit")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let page = r.text().await.unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}\n{}", &page[page.len().saturating_sub(1500)..]);
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("media-src 'self' blob:"), "{csp}");
    assert!(page.contains(r#"<script type="module" src="/static/submit.js"></script>"#), "the page loads its script");
    assert_eq!(page.matches("<script").count(), 1, "and no other script");
    assert!(page.contains(r#"data-msg-progress="{percent} % · inviati {sent} MB di {total} MB""#), "the script's words, in Italian");
    let english = citizen.get(app.url("/submit")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
    assert!(english.contains(r#"data-msg-offline="The connection dropped"#), "and in English");
    for path in ["/", "/me/works", "/search", "/signin"] {
        let r = citizen.get(app.url(path)).send().await.unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'none'"), "{path}: {csp}");
    }
    let script = app.client.get(app.url("/static/submit.js")).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(script.text().await.unwrap().contains("Tus-Resumable"), "the script speaks tus");
}
both!(only_the_submit_page_runs_a_script_of_this_site, only_the_submit_page_runs_a_script_of_this_site);

/// Text goes compressed to whoever asks (brotli, else gzip) — but a signed-in person's page,
/// which holds their CSRF token, never is (BREACH); the stylesheet and the script, which hold
/// no secret, always; pictures never. A picture the browser already holds costs a 304.
async fn text_is_compressed_where_it_holds_no_secret_and_media_revalidate(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["photo", "poem"]).await;
    let encoding = |r: &reqwest::Response| r.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_owned());
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = plain.get(app.url("/calls/racconti")).header("Accept-Encoding", "br, gzip").send().await.unwrap();
    assert_eq!(encoding(&r).as_deref(), Some("br"), "an anonymous page, brotli");
    assert!(r.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    let r = plain.get(app.url("/calls/racconti")).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(encoding(&r).as_deref(), Some("gzip"), "gzip where brotli is not offered");
    let r = plain.get(app.url("/calls/racconti")).send().await.unwrap();
    assert_eq!(encoding(&r), None, "nothing when nothing is offered");

    let citizen = browser();
    sign_in(app, &citizen, &anna.email).await;
    for path in ["/submit", "/me/works"] {
        let r = citizen.get(app.url(path)).header("Accept-Encoding", "br, gzip").send().await.unwrap();
        assert_eq!((r.status().as_u16(), encoding(&r)), (200, None), "{path}: a signed-in page is sent as it is");
    }
    let r = plain.get(app.url("/api/v1/me/works")).bearer_auth(&anna.token).header("Accept-Encoding", "br").send().await.unwrap();
    assert_eq!(encoding(&r), None, "nor an answer to a token");
    for path in ["/static/piazza.css", "/static/submit.js"] {
        let r = citizen.get(app.url(path)).header("Accept-Encoding", "br, gzip").send().await.unwrap();
        assert_eq!(encoding(&r).as_deref(), Some("br"), "{path} holds no secret");
    }

    let id = app
        .submit_ok(&anna, &[("call", "racconti"), ("kind", "photo"), ("title", "Il ponte"), ("licence", "cc0-1.0"), ("alt_text", "Il ponte sul fiume di sera")], Some(("p.jpg", media_fixtures::jpeg(640, 480))))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let url = work["renditions"][0]["url"].as_str().unwrap().to_owned();
    let r = plain.get(app.url(&url)).header("Accept-Encoding", "br, gzip").send().await.unwrap();
    assert_eq!((r.status().as_u16(), encoding(&r)), (200, None), "a picture is not compressed again");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = plain.get(app.url(&url)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(r.status(), 304, "the browser's copy is still good");
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = plain.get(app.url(&url)).header("If-None-Match", "\"something-else\"").send().await.unwrap();
    assert_eq!(r.status(), 200);
}
both!(text_is_compressed_where_it_holds_no_secret_and_media_revalidate, text_is_compressed_where_it_holds_no_secret_and_media_revalidate);

/// A published work's page carries its card for the sites it is shared on, with absolute
/// addresses and share links that are plain links; an unpublished one, or a page asked for
/// under a forged Host, carries none.
async fn published_works_carry_their_share_card(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["photo"]).await;
    let fields = [("call", "racconti"), ("kind", "photo"), ("title", "Il ponte & la sera"), ("licence", "cc0-1.0"), ("alt_text", "Il ponte sul fiume di sera"), ("description", "Scattata\ndal lungofiume.")];
    let id = app.submit_ok(&anna, &fields, Some(("p.jpg", media_fixtures::jpeg(640, 480)))).await;
    app.wait_processed(&anna, &id).await;
    let draft = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(!draft.contains("og:title") && !draft.contains("class=\"share\""), "nothing to share before it is published");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);

    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    let url = format!("{}/works/{id}", app.base);
    assert!(page.contains(&format!(r#"<meta property="og:url" content="{url}">"#)), "{page}");
    assert!(page.contains(r#"<meta property="og:title" content="Il ponte &amp; la sera">"#));
    assert!(page.contains(r#"<meta name="description" content="Scattata dal lungofiume.">"#), "one line");
    let image = page.split(r#"<meta property="og:image" content=""#).nth(1).and_then(|rest| rest.split('"').next()).expect("an image");
    assert!(image.starts_with(&format!("{}/media/{id}/", app.base)) && image.ends_with(".jpg"), "{image}");
    let (status, headers, _) = app.get_bytes(None, image.trim_start_matches(&app.base)).await;
    assert_eq!((status.as_u16(), headers["content-type"].to_str().unwrap()), (200, "image/jpeg"));
    assert!(page.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    let encoded: String = form_urlencoded::byte_serialize(url.as_bytes()).collect();
    assert!(page.contains(&format!("https://www.facebook.com/sharer/sharer.php?u={encoded}")), "share links are plain links");
    assert!(!page.contains("<script"), "and need no script");

    let forged = app.client.get(app.url(&format!("/works/{id}"))).header("Host", "evil.example").send().await.unwrap().text().await.unwrap();
    assert!(forged.contains("Il ponte") && !forged.contains("og:url") && !forged.contains("evil.example"), "a forged Host makes no card");
}
both!(published_works_carry_their_share_card, published_works_carry_their_share_card);

/// The city's social channels get a proper card through oEmbed, discovered from the page: a
/// photo as a photo, other works as a link with their picture. Unpublished works, other
/// sites' addresses and formats other than JSON get nothing. Calls have a card too.
async fn published_works_answer_oembed_and_calls_carry_a_card(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["photo", "poem"]).await;
    let fields = [("call", "racconti"), ("kind", "photo"), ("title", "Il ponte"), ("licence", "cc0-1.0"), ("alt_text", "Il ponte sul fiume di sera")];
    let photo = app.submit_ok(&anna, &fields, Some(("p.jpg", media_fixtures::jpeg(1600, 1200)))).await;
    let poem = app.submit_ok(&anna, &[("call", "racconti"), ("kind", "poem"), ("title", "Versi"), ("licence", "cc0-1.0"), ("text", "il fiume\nconosce i nomi")], None).await;
    for id in [&photo, &poem] {
        app.wait_processed(&anna, id).await;
    }
    let oembed_of = |id: &str| format!("{}/oembed?url={}&format=json", app.base, form_urlencoded::byte_serialize(format!("{}/works/{id}", app.base).as_bytes()).collect::<String>());
    let r = app.client.get(oembed_of(&photo)).send().await.unwrap();
    assert_eq!(r.status(), 404, "nothing for a work not yet published");
    assert_eq!(app.review(&curator, &photo, "approve", "").await.status(), 200);
    assert_eq!(app.review(&curator, &poem, "approve", "").await.status(), 200);

    let page = app.client.get(app.url(&format!("/works/{photo}"))).send().await.unwrap().text().await.unwrap();
    let discovered = page.split(r#"<link rel="alternate" type="application/json+oembed" href=""#).nth(1).and_then(|rest| rest.split('"').next()).expect("the page names its oEmbed address");
    let discovered = discovered.replace("&amp;", "&");
    assert_eq!(discovered, oembed_of(&photo));
    let r = app.client.get(&discovered).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "application/json"));
    let card: serde_json::Value = r.json().await.unwrap();
    assert_eq!((card["version"].as_str(), card["type"].as_str(), card["title"].as_str(), card["author_name"].as_str()), (Some("1.0"), Some("photo"), Some("Il ponte"), Some("Anna")), "{card}");
    let url = card["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/media/{photo}/", app.base)), "{card}");
    let (status, _, jpeg) = app.get_bytes(None, url.trim_start_matches(&app.base)).await;
    assert_eq!(status, 200);
    let picture = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((i64::from(picture.width()), i64::from(picture.height())), (card["width"].as_i64().unwrap(), card["height"].as_i64().unwrap()), "the size it states");
    let small: serde_json::Value = app.client.get(format!("{}&maxwidth=400", oembed_of(&photo))).send().await.unwrap().json().await.unwrap();
    assert!(small["width"].as_i64().unwrap() <= 400, "maxwidth is kept: {small}");
    let link: serde_json::Value = app.client.get(oembed_of(&poem)).send().await.unwrap().json().await.unwrap();
    assert_eq!((link["type"].as_str(), link["title"].as_str()), (Some("link"), Some("Versi")), "{link}");

    let elsewhere = format!("{}/oembed?url={}", app.base, form_urlencoded::byte_serialize(format!("https://evil.example/works/{photo}").as_bytes()).collect::<String>());
    assert_eq!(app.client.get(elsewhere).send().await.unwrap().status(), 404, "only this site's works");
    assert_eq!(app.client.get(oembed_of(&photo).replace("format=json", "format=xml")).send().await.unwrap().status(), 501);
    let r = app.client.delete(app.url(&format!("/api/v1/works/{photo}"))).bearer_auth(&anna.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.client.get(oembed_of(&photo)).send().await.unwrap().status(), 404, "nothing once withdrawn");

    let call = app.client.get(app.url("/calls/racconti")).send().await.unwrap().text().await.unwrap();
    assert!(call.contains(r#"<meta property="og:type" content="website">"#) && call.contains(r#"<meta property="og:title" content="Chiamata racconti">"#), "{call}");
    assert!(call.contains(&format!(r#"<meta property="og:url" content="{}/calls/racconti">"#, app.base)));
    assert!(call.contains("https://wa.me/?text="), "share links on the call's page");
    let r = app.client.post(app.url("/api/v1/calls")).bearer_auth(&curator.token).json(&serde_json::json!({
        "slug": "bozza", "title": "Bozza", "question": "?", "kinds": ["poem"], "state": "draft",
        "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"
    })).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let draft = app.client.get(app.url("/calls/bozza")).bearer_auth(&curator.token).send().await.unwrap().text().await.unwrap();
    assert!(draft.contains("Bozza") && !draft.contains("og:title"), "a draft call has no card");
}
both!(published_works_answer_oembed_and_calls_carry_a_card, published_works_answer_oembed_and_calls_carry_a_card);

/// While a photo loads, its card shows its average colour and its page its ThumbHash,
/// blurred: through the stylesheet's classes and a `data:` picture, never an inline style
/// (which the pages' CSP forbids).
async fn photos_show_their_placeholder_while_loading_without_inline_styles(app: &TestApp) {
    let curator = app.person("Giulia", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["photo"]).await;
    let fields = [("call", "racconti"), ("kind", "photo"), ("title", "Il ponte"), ("licence", "cc0-1.0"), ("alt_text", "Il ponte sul fiume di sera")];
    let id = app.submit_ok(&anna, &fields, Some(("p.jpg", media_fixtures::jpeg(640, 480)))).await;
    app.wait_processed(&anna, &id).await;
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    // An SVG stretches and blurs it behind the photo (an <img> would be a low-resolution picture).
    let svg = page.split(r#"<svg class="ph" aria-hidden="true""#).nth(1).expect("a placeholder on the work's page");
    let src = svg.split(r#"<image href="data:image/png;base64,"#).nth(1).and_then(|rest| rest.split('"').next()).expect("its picture");
    let png = {
        let table = |c: u8| "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".bytes().position(|x| x == c).unwrap() as u32;
        let digits: Vec<u32> = src.trim_end_matches('=').bytes().map(table).collect();
        let mut out = Vec::new();
        for group in digits.chunks(4) {
            let n = group.iter().enumerate().fold(0u32, |n, (i, d)| n | d << (18 - 6 * i));
            out.extend_from_slice(&n.to_be_bytes()[1..group.len()]);
        }
        out
    };
    let picture = image::load_from_memory(&png).expect("the placeholder is a picture");
    assert!(picture.width() > picture.height() && picture.width() <= 32, "small, and shaped like the photo: {}x{}", picture.width(), picture.height());
    let call = app.client.get(app.url("/calls/racconti")).send().await.unwrap().text().await.unwrap();
    let class = call.split(r#"<img class="tint-"#).nth(1).and_then(|rest| rest.split('"').next()).expect("the card's colour");
    let css = app.client.get(app.url("/static/piazza.css")).send().await.unwrap().text().await.unwrap();
    assert!(css.contains(&format!(".tint-{class}{{background-color:#")), "the stylesheet has tint-{class}");
    for body in [&page, &call] {
        assert!(!body.contains("style="), "no inline style anywhere");
    }
}
both!(photos_show_their_placeholder_while_loading_without_inline_styles, photos_show_their_placeholder_while_loading_without_inline_styles);

/// The city's own face: its name in the header and footer, its logo, its accent in the
/// stylesheet, the footer links it set (else the piazza's own notices), and the typeface
/// served from the site itself.
async fn pages_wear_the_citys_face(app: &TestApp) {
    let client = reqwest::Client::new();
    let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains(r#"<div class="slim">Comune di Terni</div>"#), "the city's name above the header");
    assert!(home.contains(r#"<img class="logo" src="/static/logo" alt="""#), "the logo beside the site's name");
    assert!(home.contains(r#"<a href="https://www.comune.terni.it/privacy">Informativa privacy</a>"#), "the city's own privacy notice");
    assert!(home.contains(r#"<a href="/legal-notes">Note legali</a>"#) && home.contains(r#"<a href="/accessibility">Dichiarazione di accessibilità</a>"#), "the piazza's own where the city has none");
    let logo = client.get(app.url("/static/logo")).send().await.unwrap();
    assert_eq!((logo.status().as_u16(), logo.headers()["content-type"].to_str().unwrap()), (200, "image/svg+xml"));
    assert!(logo.text().await.unwrap().starts_with("<svg"));
    let css = client.get(app.url("/static/piazza.css")).send().await.unwrap().text().await.unwrap();
    assert!(css.trim_end().ends_with(":root { --accent: #0066cc; }"), "the city's accent wins");
    for weight in ["400", "700"] {
        let font = client.get(app.url(&format!("/static/fonts/titillium-web-{weight}.woff2"))).send().await.unwrap();
        assert_eq!(font.headers()["content-type"], "font/woff2");
        let bytes = font.bytes().await.unwrap();
        assert_eq!(&bytes[..4], b"wOF2", "a WOFF2 font");
        assert!(css.contains(&format!("url(/static/fonts/titillium-web-{weight}.woff2)")));
    }
    for (path, heading, city) in [("/accessibility", "Dichiarazione di accessibilità", "Comune di Terni"), ("/legal-notes", "Note legali", "Comune di Terni")] {
        let page = client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("<h1>{heading}</h1>")) && page.contains(city), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_wear_the_citys_face_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("stemma.svg");
    std::fs::write(&logo, r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#0066cc"/></svg>"##).unwrap();
    let logo = logo.to_str().unwrap().to_owned();
    let Some(app) = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |config| {
        config.city.name = "Comune di Terni".into();
        config.city.logo = logo;
        config.city.accent = "#0066cc".into();
        config.city.privacy_url = "https://www.comune.terni.it/privacy".into();
    })
    .await
    else {
        return;
    };
    pages_wear_the_citys_face(&app).await;
    app.stop().await;
}
