//! The privacy receipt: what identifying metadata a photo's or film's original carried, seen
//! by its author and curators in the API and in plain words on their pages, never by the
//! public, and none of it in any public file.

use crate::both;
use crate::helpers::TestApp;
use crate::media_fixtures::{self, ffprobe, has_gps, has_metadata};
use piazza::domain::Role;
use serde_json::Value;

fn found<'a>(work: &'a Value, what: &str) -> Option<&'a str> {
    work["privacy"]["found"].as_array()?.iter().find(|f| f["what"] == what).and_then(|f| f["detail"].as_str())
}

async fn page(app: &TestApp, token: Option<&str>, path: &str) -> String {
    let mut request = app.client.get(app.url(path)).header("Accept-Language", "it");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

async fn a_photos_receipt_names_gps_and_camera_for_its_author_and_curators_only(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    let other = app.person("Bruno", Role::Citizen).await;
    app.open_call(&curator, "foto-privacy", &["photo"]).await;
    let original = media_fixtures::jpeg_with_camera_and_gps();
    assert!(has_gps(&original), "the fixture itself carries GPS");
    let id = app
        .submit_ok(
            &anna,
            &[("call", "foto-privacy"), ("kind", "photo"), ("title", "La cascata"), ("licence", "cc-by-4.0"), ("alt_text", "Una cascata tra gli alberi")],
            Some(("IMG_2024.jpg", original)),
        )
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");

    // The author reads what the file carried, with the values it would have revealed.
    assert_eq!(found(&work, "gps"), Some("42.56 N, 12.64 E"), "{work}");
    assert_eq!(found(&work, "camera"), Some("Canon EOS 80D"), "{work}");
    assert_eq!(found(&work, "serial"), Some("SN-0123456789"), "{work}");
    assert_eq!(found(&work, "author"), Some("Maria Rossi"), "{work}");
    assert_eq!(found(&work, "date_taken"), Some("2024-05-17 18:03:11"), "{work}");
    assert_eq!(found(&work, "upright"), None, "the photo was stored upright: {work}");
    assert_eq!(work["privacy"]["public_files_clean"], true);

    let as_curator: Value = app.get_work(Some(&curator), &id).await.json().await.unwrap();
    assert_eq!(as_curator["privacy"], work["privacy"], "curators see the receipt");
    let author_page = page(app, Some(&anna.token), &format!("/works/{id}")).await;
    assert!(author_page.contains("Nella foto c&#x27;era la posizione GPS (42,56 N, 12,64 E): l&#x27;abbiamo tolta da tutte le copie pubbliche."), "{author_page}");
    assert!(author_page.contains("Canon EOS 80D"));
    let mine = page(app, Some(&anna.token), "/me/works").await;
    assert!(mine.contains("42,56 N, 12,64 E"), "my works shows the receipt: {mine}");

    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    // The public, and another citizen, never see it: not in the API, not on the page.
    for who in [None, Some(&other)] {
        let public: Value = app.get_work(who, &id).await.json().await.unwrap();
        assert_eq!(public["status"], "published");
        assert!(public.get("privacy").is_none(), "{public}");
        let html = page(app, who.map(|p| p.token.as_str()), &format!("/works/{id}")).await;
        assert!(!html.contains("42,56") && !html.contains("Canon") && !html.contains("receipt-h"), "the public page leaks the receipt");
    }
    let gallery: Value = app.client.get(app.url("/api/v1/search?q=cascata")).send().await.unwrap().json().await.unwrap();
    assert!(!gallery.to_string().contains("Canon"), "{gallery}");

    // And no public file carries any of it.
    let public: Value = app.get_work(None, &id).await.json().await.unwrap();
    let renditions = public["renditions"].as_array().unwrap();
    assert!(renditions.len() >= 2);
    for r in renditions {
        let (status, _, bytes) = app.get_bytes(None, r["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert!(!has_gps(&bytes) && !has_metadata(&bytes), "{} carries metadata", r["name"]);
        for secret in [&b"Canon"[..], b"SN-0123456789", b"Maria Rossi", b"2024:05:17"] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret), "{} carries {:?}", r["name"], String::from_utf8_lossy(secret));
        }
    }
}
both!(a_photos_receipt_names_gps_and_camera_for_its_author_and_curators_only, a_photos_receipt_names_gps_and_camera_for_its_author_and_curators_only);

async fn a_films_receipt_names_its_place_people_and_phone(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "video-privacy", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = media_fixtures::film_with_location_and_names(dir.path());
    let id = app
        .submit_ok(&anna, &[("call", "video-privacy"), ("kind", "film"), ("title", "Il mercato"), ("licence", "cc-by-4.0")], Some(("VID_0001.mp4", film)))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "pending_review", "{work}");
    assert_eq!(found(&work, "location"), Some("42.56 N, 12.64 E"), "{work}");
    assert_eq!(found(&work, "author"), Some("Maria Rossi"), "{work}");
    assert_eq!(found(&work, "camera"), Some("Apple iPhone 12"), "{work}");
    assert_eq!(work["privacy"]["public_files_clean"], true);
    let author_page = page(app, Some(&anna.token), &format!("/works/{id}")).await;
    assert!(author_page.contains("Nel video c&#x27;era il luogo delle riprese (42,56 N, 12,64 E)"), "{author_page}");

    for r in work["renditions"].as_array().unwrap() {
        let (_, _, bytes) = app.get_bytes(Some(&anna), r["url"].as_str().unwrap()).await;
        if r["mime"] == "video/mp4" {
            let probe = ffprobe(&bytes);
            let text = probe.to_string();
            assert!(!text.contains("42.5636") && !text.contains("Maria Rossi") && !text.contains("iPhone"), "{} keeps tags: {text}", r["name"]);
        } else {
            assert!(!has_metadata(&bytes), "{} carries metadata", r["name"]);
        }
    }
}
both!(a_films_receipt_names_its_place_people_and_phone, a_films_receipt_names_its_place_people_and_phone);

async fn a_plain_photo_says_nothing_was_found_and_texts_have_no_receipt(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "misto", &["photo", "poem"]).await;
    let photo = app
        .submit_ok(
            &anna,
            &[("call", "misto"), ("kind", "photo"), ("title", "Tetti"), ("licence", "cc-by-4.0"), ("alt_text", "Tetti rossi")],
            Some(("tetti.jpg", media_fixtures::jpeg(64, 48))),
        )
        .await;
    let poem = app.submit_ok(&anna, &[("call", "misto"), ("kind", "poem"), ("title", "Sera"), ("licence", "cc0-1.0"), ("text", "La sera scende")], None).await;
    let photo = app.wait_processed(&anna, &photo).await;
    assert_eq!(photo["privacy"]["found"], serde_json::json!([]), "{photo}");
    assert_eq!(photo["privacy"]["public_files_clean"], true);
    let html = page(app, Some(&anna.token), &format!("/works/{}", photo["id"].as_str().unwrap())).await;
    assert!(html.contains("Nella foto non c&#x27;erano dati nascosti"), "{html}");
    let poem = app.wait_processed(&anna, &poem).await;
    assert!(poem.get("privacy").is_none(), "{poem}");
}
both!(a_plain_photo_says_nothing_was_found_and_texts_have_no_receipt, a_plain_photo_says_nothing_was_found_and_texts_have_no_receipt);
