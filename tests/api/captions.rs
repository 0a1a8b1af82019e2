//! Captions and transcripts of films: SRT or WebVTT in any of the encodings people's tools
//! write, checked and stored as WebVTT, served as `text/vtt` and shown with `<track>`;
//! transcripts kept as written; calls that require captions; both findable by search.

use crate::both;
use crate::helpers::{Person, TestApp};
use piazza::domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

/// The same two cues in every encoding the tests send.
pub(crate) const SRT: &str = "1\r\n00:00:00,500 --> 00:00:01,500\r\nLa città si sveglia: «perché» è già giorno.\r\n\r\n2\r\n00:00:01,800 --> 00:00:02,600\r\n<i>suonano</i> le campane\r\n";

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    bytes
}

/// Windows-1252 by hand: the test's text has only Latin-1 letters and the guillemets.
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character")).collect()
}

pub(crate) async fn send_film(app: &TestApp, who: &Person, call: &str, title: &str, film: Vec<u8>, extra: &[(&str, &str)], captions: Option<Vec<u8>>) -> reqwest::Response {
    let mut form = Form::new().text("call", call.to_owned()).text("kind", "film").text("title", title.to_owned()).text("licence", "cc-by-4.0");
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part("file", Part::bytes(film).file_name("film.mp4"));
    if let Some(captions) = captions {
        form = form.part("captions", Part::bytes(captions).file_name("film.srt"));
    }
    app.client.post(app.url("/api/v1/works")).bearer_auth(&who.token).multipart(form).send().await.unwrap()
}

async fn accepted(response: reqwest::Response) -> String {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 202, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn refused(response: reqwest::Response, code: &str) -> String {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!((status.as_u16(), body["error"].as_str().unwrap()), (422, code), "{body}");
    body["message"].as_str().unwrap().to_owned()
}

async fn captions_of_every_encoding_come_out_as_the_same_webvtt(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(SRT.as_bytes());
    let vtt = SRT.replace("\r\n", "\n").replace(",500", ".500").replace(",800", ".800").replace(",600", ".600");
    let inputs = [
        ("utf-8", SRT.as_bytes().to_vec()),
        ("utf-8 bom", bom),
        ("utf-16le bom", utf16le_with_bom(SRT)),
        ("windows-1252", windows_1252(SRT)),
        ("webvtt", format!("WEBVTT\n\n{vtt}").into_bytes()),
    ];
    let mut served = Vec::new();
    for (name, bytes) in inputs {
        let id = accepted(send_film(app, &anna, "suoni", name, film.clone(), &[("captions_lang", "it")], Some(bytes)).await).await;
        let work = app.wait_processed(&anna, &id).await;
        let captions = &work["captions"];
        assert_eq!((captions["mime"].as_str(), captions["lang"].as_str()), (Some("text/vtt"), Some("it")), "{name}: {work}");
        let (status, headers, body) = app.get_bytes(Some(&anna), captions["url"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(headers["content-type"], "text/vtt; charset=utf-8", "{name}");
        served.push((name, String::from_utf8(body).unwrap()));
        let page = app.client.get(app.url(&format!("/works/{id}"))).bearer_auth(&anna.token).send().await.unwrap().text().await.unwrap();
        let track = format!(r#"<track kind="captions" src="{}" srclang="it" label="Sottotitoli (it)" default>"#, captions["url"].as_str().unwrap());
        assert!(page.contains(&track), "{name}: the page plays the film with its captions");
    }
    let expected = "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nLa città si sveglia: «perché» è già giorno.\n\n00:00:01.800 --> 00:00:02.600\nsuonano le campane\n";
    for (name, body) in &served {
        assert_eq!(body, expected, "{name}");
    }
}
both!(captions_of_every_encoding_come_out_as_the_same_webvtt, captions_of_every_encoding_come_out_as_the_same_webvtt);

async fn broken_captions_are_refused_with_their_line(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let backwards = "1\n00:00:01,000 --> 00:00:02,000\nprima\n\n2\n00:00:02,500 --> 00:00:02,100\ndopo\n";
    let message = refused(send_film(app, &anna, "suoni", "Rotti", film.clone(), &[], Some(backwards.into())).await, "captions_invalid_timing").await;
    assert!(message.contains("6"), "names the line of the broken timing: {message}");
    let past_end = "1\n00:00:01,000 --> 00:00:09,000\ntroppo lungo\n";
    let message = refused(send_film(app, &anna, "suoni", "Lunghi", film.clone(), &[], Some(past_end.into())).await, "captions_past_end").await;
    assert!(message.contains("2"), "{message}");
    let message = refused(send_film(app, &anna, "suoni", "Lingua", film, &[("captions_lang", "italiano!")], Some(SRT.into())).await, "captions_invalid_lang").await;
    assert!(message.contains("italiano!"), "{message}");
    let mine: Value = app.client.get(app.url("/api/v1/me/works")).bearer_auth(&anna.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["works"].as_array().map(Vec::len), Some(0), "nothing was kept: {mine}");
}
both!(broken_captions_are_refused_with_their_line, broken_captions_are_refused_with_their_line);

async fn a_call_that_requires_captions_refuses_a_film_without_them(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "per-tutti", &["film"]).await;
    let r = app.client.patch(app.url("/api/v1/calls/per-tutti")).bearer_auth(&curator.token).json(&json!({ "captions_required": true })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let call: Value = app.client.get(app.url("/api/v1/calls/per-tutti")).send().await.unwrap().json().await.unwrap();
    assert_eq!((call["captions_required"].as_bool(), call["transcript_required"].as_bool()), (Some(true), Some(false)), "{call}");
    let page = app.client.get(app.url("/calls/per-tutti")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Ogni video ha i sottotitoli") && page.contains(r#"href="/help/accessible-works""#), "the call page states the rule");
    let help = app.client.get(app.url("/help/accessible-works")).send().await.unwrap();
    assert_eq!(help.status(), 200);
    assert!(help.text().await.unwrap().contains("00:00:01,000 --> 00:00:04,000"), "the help page shows an SRT file");

    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let message = refused(send_film(app, &anna, "per-tutti", "Senza", film.clone(), &[], None).await, "captions_required").await;
    assert!(message.contains("captions") && message.contains("SRT") && message.contains("help page"), "says what is needed and how: {message}");
    let id = accepted(send_film(app, &anna, "per-tutti", "Con", film, &[], Some(SRT.into())).await).await;
    app.wait_processed(&anna, &id).await;
}
both!(a_call_that_requires_captions_refuses_a_film_without_them, a_call_that_requires_captions_refuses_a_film_without_them);

async fn spoken_words_are_found_by_search(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let transcript = "Il vecchio campanaro racconta\nla torre di San Francesco.";
    let id = accepted(send_film(app, &anna, "suoni", "La torre", film, &[("transcript", transcript)], Some(SRT.into())).await).await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["transcript"], transcript, "kept as written, line break included");
    assert_eq!(app.review(&curator, &id, "approve", "").await.status(), 200);
    app.wait_searchable("campanaro", &id).await;
    app.wait_searchable("campane", &id).await;
    let page = app.client.get(app.url(&format!("/works/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<h2 id=\"transcript-h\">Trascrizione</h2><p>Il vecchio campanaro racconta\nla torre di San Francesco.</p>"), "the page shows the transcript");
}
both!(spoken_words_are_found_by_search, spoken_words_are_found_by_search);

/// The queue marks what a work lacks to reach everyone, where its call did not require it.
async fn the_curator_queue_marks_what_a_work_lacks(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["film", "photo"]).await;
    let r = app.client.patch(app.url("/api/v1/calls/suoni")).bearer_auth(&curator.token).json(&json!({ "alt_text_required": false })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let film = crate::resumable::film(dir.path(), 3, 1);
    let bare = accepted(send_film(app, &anna, "suoni", "Film muto", film.clone(), &[], None).await).await;
    let captioned = accepted(send_film(app, &anna, "suoni", "Film sottotitolato", film, &[], Some(SRT.into())).await).await;
    let photo = app
        .submit_ok(&anna, &[("call", "suoni"), ("kind", "photo"), ("title", "Il molo"), ("licence", "cc0-1.0"), ("alt_text", "il mare")], Some(("molo.jpg", crate::media_fixtures::jpeg(320, 240))))
        .await;
    for id in [&bare, &captioned, &photo] {
        app.wait_processed(&anna, id).await;
    }
    let queue = app.client.get(app.url("/curate")).bearer_auth(&curator.token).send().await.unwrap().text().await.unwrap();
    let item = |title: &str| {
        let at = queue.find(title).unwrap_or_else(|| panic!("{title} is in the queue"));
        queue[at..].split("</li>").next().unwrap().to_owned()
    };
    assert!(item("Film muto").contains(r#"<span class="gap">Senza sottotitoli</span>"#), "{}", item("Film muto"));
    assert!(!item("Film sottotitolato").contains("class=\"gap\""), "{}", item("Film sottotitolato"));
    assert!(item("Il molo").contains(r#"<span class="gap">Descrizione molto breve</span>"#), "{}", item("Il molo"));
}
both!(the_curator_queue_marks_what_a_work_lacks, the_curator_queue_marks_what_a_work_lacks);

/// An MKV that carries its own subtitle track: the track becomes the work's captions, in
/// the language the container names, checked like a captions file.
async fn a_films_own_subtitle_track_becomes_its_captions(app: &TestApp) {
    let curator = app.person("Curatrice", Role::Curator).await;
    let anna = app.person("Anna", Role::Citizen).await;
    app.open_call(&curator, "suoni", &["film"]).await;
    let dir = tempfile::tempdir().unwrap();
    let film = dir.path().join("film.mp4");
    std::fs::write(&film, crate::resumable::film(dir.path(), 3, 1)).unwrap();
    let srt = dir.path().join("film.srt");
    std::fs::write(&srt, SRT).unwrap();
    let mkv = dir.path().join("con-sottotitoli.mkv");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&film)
        .arg("-i")
        .arg(&srt)
        .args(["-map", "0", "-map", "1", "-c:v", "copy", "-c:a", "copy", "-c:s", "srt", "-metadata:s:s:0", "language=ita"])
        .arg(&mkv)
        .status()
        .expect("ffmpeg is installed");
    assert!(made.success());
    let id = accepted(send_film(app, &anna, "suoni", "Con i suoi sottotitoli", std::fs::read(&mkv).unwrap(), &[("captions_lang", "en")], None).await).await;
    let work = app.wait_processed(&anna, &id).await;
    assert_eq!(work["captions"]["lang"], "it", "the container's language, not the form's default: {work}");
    let (_, _, body) = app.get_bytes(Some(&anna), work["captions"]["url"].as_str().unwrap()).await;
    let body = String::from_utf8(body).unwrap();
    // FFmpeg's muxer moved the track by the film's 23 ms start (its audio priming): the cues
    // keep the film's timeline, so compare the words exactly and the times to 50 ms.
    let millis = |t: &str| -> i64 {
        let (hms, ms) = t.split_once('.').unwrap();
        let parts: Vec<i64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
        ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + ms.parse::<i64>().unwrap()
    };
    let blocks: Vec<&str> = body.trim_end().split("\n\n").collect();
    assert_eq!(blocks[0], "WEBVTT", "{body}");
    let cues: Vec<(i64, i64, &str)> = blocks[1..]
        .iter()
        .map(|b| {
            let (timing, text) = b.split_once('\n').unwrap();
            let (start, end) = timing.split_once(" --> ").unwrap();
            (millis(start), millis(end), text)
        })
        .collect();
    let expected = [(500, 1500, "La città si sveglia: «perché» è già giorno."), (1800, 2600, "suonano le campane")];
    assert_eq!(cues.len(), expected.len(), "{body}");
    for ((start, end, text), (s, e, t)) in cues.iter().zip(expected) {
        assert_eq!(*text, t, "{body}");
        assert!((start - s).abs() <= 50 && (end - e).abs() <= 50, "{body}");
    }
}
both!(a_films_own_subtitle_track_becomes_its_captions, a_films_own_subtitle_track_becomes_its_captions);
