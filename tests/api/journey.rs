//! The whole life of a work, per kind: upload, processing, approval, and then visible in
//! the gallery, the API and search.

use crate::both;
use crate::helpers::TestApp;
use crate::media_fixtures::{self, ffprobe, has_gps, has_metadata};
use piazza::domain::Role;
use serde_json::Value;

/// Approves a processed work and checks it is public on every surface.
async fn approve_and_check_public(app: &TestApp, curator: &crate::helpers::Person, id: &str, title: &str, query: &str) -> Value {
    let response = app.review(curator, id, "approve", "").await;
    assert_eq!(response.status(), 200);
    let public = app.get_work(None, id).await;
    assert_eq!(public.status(), 200, "published work visible to anyone");
    let work: Value = public.json().await.unwrap();
    assert_eq!(work["status"], "published");

    let home = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains(&format!("/works/{id}")), "home page links the new work");
    let call_page = app.client.get(app.url(&format!("/calls/{}", work["call"].as_str().unwrap()))).send().await.unwrap().text().await.unwrap();
    assert!(call_page.contains(&format!("/works/{id}")), "call page lists the work");
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&html_escape(title)), "work page shows the title");

    let results = app.wait_searchable(query, id).await;
    assert_eq!(results.iter().filter(|r| r["id"] == id).count(), 1);
    work
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#x27;")
}

async fn poem_keeps_its_layout_and_is_found_by_stem_and_accent(app: &TestApp) {
    let curator = app.person("Giulia Curatrice", Role::Curator).await;
    let anna = app.person("Anna Rossi", Role::Citizen).await;
    app.open_call(&curator, "voci-del-fiume", &["poem", "story"]).await;
    let poem = "I fiumi della città\n  scorrono lenti\n\nsotto i ponti\n\n\nverso il mare";
    let id = app
        .submit_ok(&anna, &[("call", "voci-del-fiume"), ("kind", "poem"), ("title", "Acqua"), ("licence", "cc-by-4.0"), ("text", poem)], None)
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    assert_eq!(
        work["html"],
        "<p>I fiumi della città\n  scorrono lenti</p>\n<p>sotto i ponti</p>\n<p>\nverso il mare</p>\n",
        "stanzas, indentation and the extra blank line are kept"
    );
    approve_and_check_public(app, &curator, &id, "Acqua", "fiume").await;
    // Accent folding and stemming: "citta" finds "città", "fiume" found "fiumi" above.
    app.wait_searchable("citta", &id).await;
    // The author's name and the call title are searchable too.
    app.wait_searchable("Rossi", &id).await;
}
both!(poem_keeps_its_layout_and_is_found_by_stem_and_accent, poem_keeps_its_layout_and_is_found_by_stem_and_accent);

async fn story_uploaded_as_text_file_is_published(app: &TestApp) {
    let curator = app.person("Curatore", Role::Curator).await;
    let marco = app.person("Marco Bianchi", Role::Citizen).await;
    app.open_call(&curator, "racconti", &["story"]).await;
    let story = "C'era una volta una piazza.\r\nOgni sera si riempiva di biciclette.\r\n";
    let id = app
        .submit_ok(
            &marco,
            &[("call", "racconti"), ("kind", "story"), ("title", "Biciclette"), ("licence", "cc0-1.0")],
            Some(("storia.txt", story.as_bytes().to_vec())),
        )
        .await;
    let work = app.wait_processed(&marco, &id).await;
    assert_eq!(work["status"], "pending_review");
    assert_eq!(work["html"], "<p>C&#39;era una volta una piazza.\nOgni sera si riempiva di biciclette.</p>\n");
    approve_and_check_public(app, &curator, &id, "Biciclette", "bicicletta").await;
}
both!(story_uploaded_as_text_file_is_published, story_uploaded_as_text_file_is_published);

async fn rotated_photo_with_gps_comes_out_upright_without_gps(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "foto-del-quartiere", &["photo"]).await;
    let original = media_fixtures::jpeg_rotated_with_gps();
    assert!(has_gps(&original), "the fixture itself carries GPS");
    let id = app
        .submit_ok(
            &anna,
            &[("call", "foto-del-quartiere"), ("kind", "photo"), ("title", "Il ponte rosso"), ("licence", "cc-by-4.0"), ("alt_text", "Un ponte rosso sopra un fiume blu")],
            Some(("IMG_0001.jpg", original)),
        )
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    assert_eq!((work["width"].as_i64(), work["height"].as_i64()), (Some(100), Some(200)), "orientation applied");
    let work = approve_and_check_public(app, &curator, &id, "Il ponte rosso", "ponti").await;

    let renditions = work["renditions"].as_array().unwrap();
    assert!(renditions.iter().any(|r| r["mime"] == "image/webp"));
    assert!(renditions.iter().any(|r| r["mime"] == "image/jpeg"));
    for r in renditions {
        let (status, headers, bytes) = app.get_bytes(None, r["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], r["mime"].as_str().unwrap());
        assert!(!has_gps(&bytes) && !has_metadata(&bytes), "{} carries metadata", r["name"]);
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!((i64::from(img.width()), i64::from(img.height())), (r["width"].as_i64().unwrap(), r["height"].as_i64().unwrap()));
        assert!(img.height() > img.width(), "{} is upright (portrait)", r["name"]);
        let top = img.get_pixel(img.width() / 2, img.height() / 4);
        let bottom = img.get_pixel(img.width() / 2, img.height() * 3 / 4);
        assert!(top[0] > 150 && top[2] < 100, "top is red in {}: {top:?}", r["name"]);
        assert!(bottom[2] > 150 && bottom[0] < 100, "bottom is blue in {}: {bottom:?}", r["name"]);
    }
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("srcset="), "the photo page offers a srcset");
    assert!(page.contains("alt=\"Un ponte rosso sopra un fiume blu\""), "alt text reaches the page");
}
both!(rotated_photo_with_gps_comes_out_upright_without_gps, rotated_photo_with_gps_comes_out_upright_without_gps);

async fn film_gets_a_web_rendition_that_plays_and_seeks(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "corti", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = media_fixtures::film_with_location(dir.path());
    let id = app
        .submit_ok(&anna, &[("call", "corti"), ("kind", "film"), ("title", "La fontana di notte"), ("licence", "cc-by-sa-4.0")], Some(("clip.mp4", film)))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    let work = approve_and_check_public(app, &curator, &id, "La fontana di notte", "fontane").await;

    let renditions = work["renditions"].as_array().unwrap();
    let web = renditions.iter().find(|r| r["name"] == "web.mp4").expect("web rendition");
    let low = renditions.iter().find(|r| r["name"] == "web-360.mp4").expect("low-bandwidth rendition");
    let (_, _, low_bytes) = app.get_bytes(None, low["url"].as_str().unwrap()).await;
    let low_probe = ffprobe(&low_bytes);
    let low_video = low_probe["streams"].as_array().unwrap().iter().find(|s| s["codec_type"] == "video").unwrap().clone();
    assert!(low_video["height"].as_i64().unwrap() <= 360 && low_video["codec_name"] == "h264", "{low_video}");
    let url = web["url"].as_str().unwrap();
    let (status, _, full) = app.get_bytes(None, url).await;
    assert_eq!(status, 200);
    let probe = ffprobe(&full);
    let streams = probe["streams"].as_array().unwrap();
    let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
    let audio = streams.iter().find(|s| s["codec_type"] == "audio").unwrap();
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(video["pix_fmt"], "yuv420p");
    assert_eq!(audio["codec_name"], "aac");
    let (w, h) = (video["width"].as_i64().unwrap(), video["height"].as_i64().unwrap());
    assert!(w % 2 == 0 && h % 2 == 0 && h <= 720, "{w}x{h}");
    let duration: f64 = probe["format"]["duration"].as_str().unwrap().parse().unwrap();
    assert!((duration - 2.0).abs() < 0.3, "duration {duration}");
    let tags = probe["format"]["tags"].as_object().cloned().unwrap_or_default();
    assert!(!tags.keys().any(|k| k.contains("location")), "no location metadata: {tags:?}");

    // Seeking: a byte range answers 206 with exactly those bytes.
    let response = app.client.get(app.url(url)).header("Range", "bytes=100-1099").send().await.unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(response.headers()["content-range"], format!("bytes 100-1099/{}", full.len()));
    assert_eq!(response.bytes().await.unwrap().as_ref(), &full[100..1100]);
    let response = app.client.get(app.url(url)).header("Range", format!("bytes={}-", full.len() + 10)).send().await.unwrap();
    assert_eq!(response.status(), 416);

    let poster = renditions.iter().find(|r| r["name"] == "poster.jpg").expect("poster");
    let (_, _, poster_bytes) = app.get_bytes(None, poster["url"].as_str().unwrap()).await;
    let img = image::load_from_memory(&poster_bytes).unwrap();
    assert_eq!((i64::from(img.width()), i64::from(img.height())), (w, h));
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<video") && page.contains("poster="), "the film page has a video with a poster");
}
both!(film_gets_a_web_rendition_that_plays_and_seeks, film_gets_a_web_rendition_that_plays_and_seeks);

async fn script_in_a_poem_and_title_renders_inert(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "versi", &["poem"]).await;
    let title = "<img src=x onerror=alert(1)> Notte";
    let id = app
        .submit_ok(
            &anna,
            &[("call", "versi"), ("kind", "poem"), ("title", title), ("licence", "cc0-1.0"), ("text", "Luna <script>alert('piazza')</script>\n<b>grassetto</b>")],
            None,
        )
        .await;
    app.wait_processed(&anna, &id).await;
    approve_and_check_public(app, &curator, &id, title, "luna").await;
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("<script>alert"), "script tag reached the page");
    assert!(!page.contains("<img src=x"), "title markup reached the page");
    assert!(!page.contains("<b>grassetto"), "markup in the text reached the page");
    assert!(page.contains("&lt;script&gt;alert(&#39;piazza&#39;)&lt;/script&gt;"));
    let search_page = app.client.get(app.url("/search?q=luna")).send().await.unwrap().text().await.unwrap();
    assert!(search_page.contains(&format!("/works/{id}")));
    assert!(!search_page.contains("<script>alert") && !search_page.contains("<img src=x"), "search page is inert too");
    let csp = app.client.get(app.url("/")).send().await.unwrap().headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'none'") && csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"));
}
both!(script_in_a_poem_and_title_renders_inert, script_in_a_poem_and_title_renders_inert);
