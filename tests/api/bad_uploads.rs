//! Bad uploads: each gets a 4xx with a stable code and leaves nothing behind.

use crate::both;
use crate::helpers::{TestApp, TEST_MAX_UPLOAD};
use crate::media_fixtures;
use piazza::domain::Role;
use serde_json::Value;

async fn expect_refusal(app: &TestApp, response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status().as_u16(), status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.len() > 10 && !message.contains("Error") && !message.contains("sqlx"), "message for people: {message}");
    assert_eq!(app.count("work").await, 0, "no work row after {code}");
    assert_eq!(app.count("job").await, 0, "no job row after {code}");
    assert_eq!(app.stored_files(), Vec::<String>::new(), "no file left after {code}");
}

async fn bad_uploads_are_refused_with_a_code_and_leave_nothing(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "tutto", &["photo", "film", "poem"]).await;
    let photo = |title: &'static str| vec![("call", "tutto"), ("kind", "photo"), ("title", title), ("licence", "cc-by-4.0"), ("alt_text", "una foto")];
    let film = vec![("call", "tutto"), ("kind", "film"), ("title", "Film"), ("licence", "cc-by-4.0")];

    let r = app.submit(&anna, &photo("Vuota"), Some(("vuota.jpg", Vec::new()))).await;
    expect_refusal(app, r, 422, "empty_file").await;

    // A text file that calls itself a JPEG.
    let r = app.submit(&anna, &photo("Finta"), Some(("foto.jpg", b"just some text, not a picture at all".to_vec()))).await;
    expect_refusal(app, r, 415, "unsupported_format").await;

    // SVG with script: never accepted as an image.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let r = app.submit(&anna, &photo("Svg"), Some(("disegno.svg", svg))).await;
    expect_refusal(app, r, 415, "unsupported_format").await;

    // An HLS playlist pointing at a local file, named .mp4.
    let hls = b"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n".to_vec();
    let r = app.submit(&anna, &film, Some(("video.mp4", hls))).await;
    expect_refusal(app, r, 415, "unsupported_format").await;

    // A photo sent as a film.
    let r = app.submit(&anna, &film, Some(("foto.mp4", media_fixtures::jpeg(64, 64)))).await;
    expect_refusal(app, r, 415, "unsupported_format").await;

    // Too large: one byte over the configured limit.
    let mut big = media_fixtures::jpeg(64, 64);
    big.resize(TEST_MAX_UPLOAD as usize + 1, 0);
    let r = app.submit(&anna, &photo("Enorme"), Some(("enorme.jpg", big))).await;
    expect_refusal(app, r, 413, "file_too_large").await;

    // A pixel bomb: a few hundred bytes declaring 100000x100000.
    let r = app.submit(&anna, &photo("Bomba"), Some(("bomba.png", media_fixtures::png_bomb(100_000, 100_000)))).await;
    expect_refusal(app, r, 422, "image_too_large").await;

    // Corrupt: a JPEG signature followed by garbage.
    let mut corrupt = vec![0xFF, 0xD8, 0xFF, 0xE0];
    corrupt.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    let r = app.submit(&anna, &photo("Rotta"), Some(("rotta.jpg", corrupt))).await;
    expect_refusal(app, r, 422, "corrupt_file").await;

    // A film that is not a film inside: MP4 signature, then garbage.
    let mut fake_mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    fake_mp4.extend((0..5000u32).map(|i| (i * 31 % 256) as u8));
    let r = app.submit(&anna, &film, Some(("rotto.mp4", fake_mp4))).await;
    assert!(r.status().is_client_error(), "corrupt film refused with a 4xx, got {}", r.status());
    let body: Value = r.json().await.unwrap();
    assert!(["corrupt_file", "unsupported_format"].contains(&body["error"].as_str().unwrap()), "{body}");
    assert_eq!(app.stored_files(), Vec::<String>::new());

    // Rules of the call and the form.
    let r = app.submit(&anna, &[("call", "tutto"), ("kind", "photo"), ("title", "Senza alt"), ("licence", "cc-by-4.0")], Some(("a.jpg", media_fixtures::jpeg(64, 64)))).await;
    expect_refusal(app, r, 422, "alt_text_required").await;
    let r = app.submit(&anna, &[("call", "tutto"), ("kind", "story"), ("title", "Storia"), ("licence", "cc-by-4.0"), ("text", "c'era una volta")], None).await;
    expect_refusal(app, r, 422, "kind_not_accepted").await;
    let r = app.submit(&anna, &[("call", "non-esiste"), ("kind", "poem"), ("title", "P"), ("licence", "cc-by-4.0"), ("text", "versi")], None).await;
    expect_refusal(app, r, 422, "unknown_call").await;
    let r = app.submit(&anna, &[("call", "tutto"), ("kind", "poem"), ("title", "P"), ("licence", "copyleft"), ("text", "versi")], None).await;
    expect_refusal(app, r, 422, "invalid_licence").await;
    let r = app.submit(&anna, &[("call", "tutto"), ("kind", "poem"), ("title", "  "), ("licence", "cc0-1.0"), ("text", "versi")], None).await;
    expect_refusal(app, r, 422, "invalid_title").await;
    let r = app.submit(&anna, &[("call", "tutto"), ("kind", "poem"), ("title", "Bin"), ("licence", "cc0-1.0")], Some(("p.txt", vec![0xff, 0xfe, 0x00, 0x41]))).await;
    expect_refusal(app, r, 422, "text_not_utf8").await;

    // Without a token, nothing is accepted.
    let r = app.client.post(app.url("/api/v1/works")).multipart(reqwest::multipart::Form::new().text("call", "tutto")).send().await.unwrap();
    expect_refusal(app, r, 401, "unauthenticated").await;
}
both!(bad_uploads_are_refused_with_a_code_and_leave_nothing, bad_uploads_are_refused_with_a_code_and_leave_nothing);

async fn truncated_photo_fails_with_a_reason_the_author_reads(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "foto", &["photo"]).await;
    let mut jpeg = media_fixtures::jpeg(400, 300);
    jpeg.truncate(jpeg.len() / 2);
    let id = app
        .submit_ok(&anna, &[("call", "foto"), ("kind", "photo"), ("title", "Metà"), ("licence", "cc0-1.0"), ("alt_text", "mezza foto")], Some(("meta.jpg", jpeg)))
        .await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["status"], "failed");
    assert_eq!(work["failure"]["code"], "corrupt_file");
    assert!(work["failure"]["message"].as_str().unwrap().contains("incomplete"));
    // A permanent failure is not retried.
    use sqlx::Row;
    let row = sqlx::query("select attempts, state from job where work_id = $1").bind(&id).fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(row.get::<i64, _>("attempts"), 1);
    assert_eq!(row.get::<String, _>("state"), "failed");
    let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("danneggiato o incompleto"), "the author reads the reason in Italian");
}
both!(truncated_photo_fails_with_a_reason_the_author_reads, truncated_photo_fails_with_a_reason_the_author_reads);
