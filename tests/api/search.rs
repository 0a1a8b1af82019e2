//! Search and browse: facet counts that honour every filter but their own, paging that
//! returns every match once, light cards, visibility at once (no waiting for the indexer),
//! the search page without script, parameters refused with a clear code, and the shared
//! read of the newest change that keeps visibility at once cheap.

use crate::helpers::{Person, TestApp};
use crate::{both, media_fixtures};
use piazza::domain::Role;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The works of [`gallery`], by what tells them apart.
struct Gallery {
    author: Person,
    /// A poem of call A, CC BY, 2024.
    a_poem: String,
    /// A story of call A, CC0, published at 00:30 of New Year's Day 2025 in Rome (still
    /// 2024 in UTC).
    a_story: String,
    /// A photo of call A, CC BY, 2023.
    a_photo: String,
    /// A poem of call B, CC BY, 2025.
    b_poem: String,
    /// A poem of call B, CC0, 2024.
    b_poem_cc0: String,
    /// A story of call B, all rights reserved, 2025, without the word "fiume".
    b_other: String,
    /// Waiting for review: never counted.
    pending: String,
}

fn ms(rfc3339: &str) -> i64 {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).unwrap();
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Two calls and seven works, six published at chosen times. The times are set in the
/// database, with a change-log row as every change has, so the index applies them.
async fn gallery(app: &TestApp) -> Gallery {
    let curator = app.person("Curatrice", Role::Curator).await;
    let author = app.person("Lucia Fiori", Role::Citizen).await;
    app.open_call(&curator, "alfa", &["poem", "story", "photo"]).await;
    app.open_call(&curator, "beta", &["poem", "story"]).await;
    let text = |call: &'static str, kind: &'static str, title: &'static str, licence: &'static str, text: &'static str| {
        vec![("call", call), ("kind", kind), ("title", title), ("licence", licence), ("text", text)]
    };
    let mut ids = Vec::new();
    for fields in [
        text("alfa", "poem", "Il fiume di sera", "cc-by-4.0", "Il fiume scorre lento sotto il ponte."),
        text("alfa", "story", "Capodanno", "cc0-1.0", "Quella notte il fiume gelò."),
        text("beta", "poem", "Acque", "cc-by-4.0", "Due fiumi si incontrano alla foce."),
        text("beta", "poem", "Riva", "cc0-1.0", "Sulla riva del fiume, i pioppi."),
        text("beta", "story", "La piazza", "all-rights-reserved", "Una storia di mercato e campane."),
        text("alfa", "poem", "In attesa", "cc-by-4.0", "Un fiume che nessuno ha ancora letto."),
    ] {
        ids.push(app.submit_ok(&author, &fields, None).await);
    }
    let photo = app
        .submit_ok(
            &author,
            &[("call", "alfa"), ("kind", "photo"), ("title", "Foto del fiume"), ("licence", "cc-by-4.0"), ("alt_text", "Un fiume tra le case")],
            Some(("f.jpg", media_fixtures::jpeg(400, 300))),
        )
        .await;
    ids.push(photo.clone());
    for id in &ids {
        app.wait_processed(&author, id).await;
    }
    let [a_poem, a_story, b_poem, b_poem_cc0, b_other, pending, a_photo] = <[String; 7]>::try_from(ids).unwrap();
    for (id, at) in [
        (&a_poem, "2024-06-15T12:00:00Z"),
        (&a_story, "2024-12-31T23:30:00Z"),
        (&b_poem, "2025-06-15T12:00:00Z"),
        (&b_poem_cc0, "2024-03-01T12:00:00Z"),
        (&b_other, "2025-09-01T12:00:00Z"),
        (&a_photo, "2023-05-01T12:00:00Z"),
    ] {
        assert_eq!(app.review(&curator, id, "approve", "").await.status(), 200);
        sqlx::query("update work set published_at = $1 where id = $2").bind(ms(at)).bind(id).execute(&app.state.db.pool).await.unwrap();
        sqlx::query("insert into change_log (work_id, created_at) values ($1, $2)").bind(id).bind(ms(at)).execute(&app.state.db.pool).await.unwrap();
    }
    Gallery { author, a_poem, a_story, a_photo, b_poem, b_poem_cc0, b_other, pending }
}

async fn search_at(app: &TestApp, base: &str, query: &str) -> Value {
    let response = app.client.get(format!("{base}/api/v1/search?{query}")).send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{query}: {body}");
    body
}

async fn search(app: &TestApp, query: &str) -> Value {
    search_at(app, &app.base, query).await
}

/// A facet as value → count.
fn facet(body: &Value, name: &str) -> BTreeMap<String, u64> {
    body["facets"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["value"].as_str().map(str::to_owned).unwrap_or_else(|| v["value"].to_string()), v["count"].as_u64().unwrap()))
        .collect()
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn ids(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

async fn facets_count_every_filter_but_their_own(app: &TestApp) {
    let g = gallery(app).await;
    // Kind and call together: one work, and each facet drops only its own filter.
    let body = search(app, "q=fiume&kind=poem&call=alfa").await;
    assert_eq!(body["total"], 1);
    assert_eq!(ids(&body), [g.a_poem.as_str()]);
    assert_eq!(facet(&body, "kind"), counts(&[("poem", 1), ("story", 1), ("photo", 1)]), "kinds of call A's matches");
    assert_eq!(facet(&body, "call"), counts(&[("alfa", 1), ("beta", 2)]), "calls of the matching poems");
    assert_eq!(facet(&body, "licence"), counts(&[("cc-by-4.0", 1)]));
    assert_eq!(facet(&body, "year"), counts(&[("2024", 1)]));
    let calls = body["facets"]["call"].as_array().unwrap();
    assert_eq!(calls[0]["value"], "beta", "most works first");
    assert_eq!(calls[0]["title"], "Chiamata beta", "with the call's title");

    // Licence and year together; the story published at 00:30 in Rome on New Year's Day
    // counts in 2025, the Italian year.
    let body = search(app, "q=fiume&licence=cc-by-4.0&year=2025").await;
    assert_eq!(ids(&body), [g.b_poem.as_str()]);
    assert_eq!(facet(&body, "licence"), counts(&[("cc-by-4.0", 1), ("cc0-1.0", 1)]), "2025's matches: the B poem and the New Year story");
    assert_eq!(facet(&body, "year"), counts(&[("2023", 1), ("2024", 1), ("2025", 1)]), "CC BY matches by year");
    assert_eq!(facet(&body, "kind"), counts(&[("poem", 1)]));
    assert_eq!(facet(&body, "call"), counts(&[("beta", 1)]));
    let years: Vec<i64> = body["facets"]["year"].as_array().unwrap().iter().map(|y| y["value"].as_i64().unwrap()).collect();
    assert_eq!(years, [2025, 2024, 2023], "years are numbers, newest first");

    // Without filters: every published match, and never the pending work.
    let body = search(app, "q=fiume").await;
    assert_eq!(body["total"], 5);
    assert_eq!(facet(&body, "kind"), counts(&[("poem", 3), ("story", 1), ("photo", 1)]));
    assert_eq!(facet(&body, "licence"), counts(&[("cc-by-4.0", 3), ("cc0-1.0", 2)]));
    assert_eq!(facet(&body, "year"), counts(&[("2023", 1), ("2024", 2), ("2025", 2)]));
    assert!(!ids(&body).contains(&g.pending));
    // A filter nothing matches: no results, and its own facet still shows what there is.
    let body = search(app, "q=fiume&call=nessuna").await;
    assert_eq!(body["total"], 0);
    assert_eq!(facet(&body, "call"), counts(&[("alfa", 3), ("beta", 2)]));
    assert!(facet(&body, "kind").is_empty());
}
both!(facets_count_every_filter_but_their_own, facets_count_every_filter_but_their_own);

/// Walks every page of `query` and returns the ids in order, checking the page fields.
async fn walk(app: &TestApp, query: &str, per_page: u64) -> (u64, Vec<String>) {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let body = search(app, &format!("{query}&per_page={per_page}&page={page}")).await;
        assert_eq!(body["page"], page);
        assert_eq!(body["per_page"], per_page);
        let found = ids(&body);
        assert!(found.len() as u64 <= per_page);
        all.extend(found);
        let total = body["total"].as_u64().unwrap();
        match body["next_page"].as_u64() {
            Some(next) => {
                assert_eq!(next, page + 1);
                assert!((all.len() as u64) < total, "a next page after all {total} matches");
                page = next;
            }
            None => {
                assert_eq!(all.len() as u64, total, "the last page ends at the total");
                return (total, all);
            }
        }
    }
}

async fn paging_returns_every_match_exactly_once(app: &TestApp) {
    let g = gallery(app).await;
    for (query, expected) in [("q=fiume", 5), ("q=", 6), ("q=fiume&sort=newest", 5), ("kind=poem", 3)] {
        let (total, seen) = walk(app, query, 2).await;
        assert_eq!(total, expected, "{query}");
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{query}: a work on two pages: {seen:?}");
        let (_, one_page) = walk(app, query, 50).await;
        assert_eq!(BTreeSet::from_iter(one_page.iter()), unique, "{query}: small pages find what one page finds");
    }
    // Past the last page: nothing, and no next page.
    let body = search(app, "q=fiume&per_page=2&page=9").await;
    assert_eq!(body["results"].as_array().unwrap().len(), 0);
    assert_eq!(body["next_page"], Value::Null);
    assert!(!walk(app, "q=", 1).await.1.contains(&g.pending));
}
both!(paging_returns_every_match_exactly_once, paging_returns_every_match_exactly_once);

async fn browsing_lists_published_works_newest_first_as_light_cards(app: &TestApp) {
    let g = gallery(app).await;
    let body = search(app, "").await;
    assert_eq!(body["query"], "");
    assert_eq!(body["total"], 6);
    assert_eq!(body["per_page"], 20, "the default page size");
    assert_eq!(body["next_page"], Value::Null);
    assert_eq!(ids(&body), [&g.b_other, &g.b_poem, &g.a_story, &g.a_poem, &g.b_poem_cc0, &g.a_photo].map(|s| s.clone()), "newest first");
    assert_eq!(facet(&body, "kind"), counts(&[("poem", 3), ("story", 2), ("photo", 1)]));
    // Even asked for relevance, no words means newest first.
    assert_eq!(ids(&search(app, "sort=relevance").await), ids(&body));
    let cards = body["results"].as_array().unwrap();
    let story = cards.iter().find(|c| c["id"] == g.a_story.as_str()).unwrap();
    let keys: BTreeSet<&str> = story.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["id", "kind", "title", "author", "call", "call_title", "snippet_html", "thumb", "published_at"]), "a light card");
    assert_eq!(story["kind"], "story");
    assert_eq!(story["author"], "Lucia Fiori");
    assert_eq!(story["call"], "alfa");
    assert_eq!(story["published_at"], "2024-12-31T23:30:00Z");
    assert_eq!(story["thumb"], Value::Null, "a text has no picture");
    let photo = cards.iter().find(|c| c["id"] == g.a_photo.as_str()).unwrap();
    let thumb = &photo["thumb"];
    assert_eq!((thumb["width"].as_i64(), thumb["height"].as_i64()), (Some(320), Some(240)), "the smallest WebP: {thumb}");
    let (status, headers, _) = app.get_bytes(None, thumb["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/webp");
    // Words give a marked snippet, escaped.
    let body = search(app, "q=pioppi").await;
    assert_eq!(ids(&body), [g.b_poem_cc0.as_str()]);
    assert!(body["results"][0]["snippet_html"].as_str().unwrap().contains("<mark>pioppi</mark>"), "{body}");
}
both!(browsing_lists_published_works_newest_first_as_light_cards, browsing_lists_published_works_newest_first_as_light_cards);

async fn a_withdrawn_work_leaves_results_and_facets_at_once(app: &TestApp) {
    let g = gallery(app).await;
    // A second web node with its own index: it must not answer from a stale one either.
    let other = app.second_node().await;
    for base in [&app.base, &other.base] {
        let body = search_at(app, base, "q=fiume&kind=poem").await;
        assert_eq!(body["total"], 3);
        assert_eq!(facet(&body, "call"), counts(&[("alfa", 1), ("beta", 2)]));
        // Kept in memory by both nodes, the API answer and the page.
        assert_eq!(search_at(app, base, "q=fiume&kind=poem").await, body);
        let page = app.client.get(format!("{base}/search?q=fiume")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&g.b_poem), "{base}");
    }
    let r = app.client.delete(app.url(&format!("/api/v1/works/{}", g.b_poem))).bearer_auth(&g.author.token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    // No waiting and no polling: the very next search on either node has it gone.
    for base in [&other.base, &app.base] {
        let body = search_at(app, base, "q=fiume&kind=poem").await;
        assert_eq!(body["total"], 2, "{base}: {body}");
        assert!(!ids(&body).contains(&g.b_poem));
        assert_eq!(facet(&body, "call"), counts(&[("alfa", 1), ("beta", 1)]), "{base}");
        assert_eq!(facet(&body, "kind"), counts(&[("poem", 2), ("story", 1), ("photo", 1)]), "{base}");
        assert_eq!(facet(&body, "year"), counts(&[("2024", 2)]), "{base}");
        let page = app.client.get(format!("{base}/search?q=fiume")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains(&g.b_poem), "{base}: the page too");
    }
    other.stop().await;
}
both!(a_withdrawn_work_leaves_results_and_facets_at_once, a_withdrawn_work_leaves_results_and_facets_at_once);

async fn the_search_page_shows_facet_links_active_filters_and_the_total(app: &TestApp) {
    let g = gallery(app).await;
    let page = app.client.get(app.url("/search?q=fiume&kind=poem")).header("Accept-Language", "it").send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("3 opere"), "the total, in words");
    // Facets: plain links with counts, each keeping the other filters.
    assert!(html.contains(r#"<h3 id="facet-kind">Tipo</h3>"#), "a heading per facet");
    assert!(html.contains(r#"<a href="/search?q=fiume&amp;kind=story">Racconto <span class="count">(1)</span></a>"#), "switch kind: {html}");
    assert!(html.contains(r#"<a href="/search?q=fiume&amp;kind=poem&amp;call=beta">Chiamata beta <span class="count">(2)</span></a>"#));
    assert!(html.contains(r#"<a href="/search?q=fiume&amp;kind=poem&amp;year=2024">2024 <span class="count">(2)</span></a>"#));
    // The active filter, with a link that removes it.
    assert!(html.contains(r#"<a href="/search?q=fiume" aria-label="Togli il filtro Tipo: Poesia">Tipo: Poesia"#), "{html}");
    assert!(html.contains(&format!("/works/{}", g.b_poem_cc0)));
    assert!(!html.contains("<script"), "no script");

    // One work, in English; two pages, with the current one marked.
    let html = app.client.get(app.url("/search?q=pioppi")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
    assert!(html.contains(">1 work<"), "singular: {html}");
    let html = app.client.get(app.url("/search?kind=poem&per_page=2")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
    assert!(html.contains(">3 works<"));
    assert!(html.contains(r#"<a rel="next" href="/search?kind=poem&amp;per_page=2&amp;page=2">"#), "{html}");
    assert!(html.contains(r#"aria-current="page" aria-label="Page 1 of 2""#));
    let html = app.client.get(app.url("/search?kind=poem&per_page=2&page=2")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"<a rel="prev" href="/search?kind=poem&amp;per_page=2">"#));
    assert!(!html.contains(r#"rel="next""#), "no next page after the last");
    // A wrong value is a page that says what to do, in the visitor's language.
    let r = app.client.get(app.url("/search?per_page=500")).header("Accept-Language", "it").send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("da 1 a 50"));
}
both!(the_search_page_shows_facet_links_active_filters_and_the_total, the_search_page_shows_facet_links_active_filters_and_the_total);

async fn bad_search_parameters_are_refused_with_a_stable_code(app: &TestApp) {
    for (query, code, words) in [
        ("per_page=51", "invalid_per_page", "from 1 to 50"),
        ("per_page=0", "invalid_per_page", "from 1 to 50"),
        ("per_page=ten", "invalid_per_page", "\"ten\""),
        ("page=0", "invalid_page", "from 1 to 10000"),
        ("page=-3", "invalid_page", "\"-3\""),
        ("year=duemila", "invalid_year", "\"duemila\""),
        ("year=0", "invalid_year", "2025"),
        ("sort=oldest", "invalid_sort", "relevance or newest"),
        ("licence=gpl", "invalid_licence", "cc-by-4.0"),
        ("kind=sculpture", "invalid_kind", "\"sculpture\""),
        ("kind=sculpture", "invalid_kind", "film or audio"),
        ("q=piazza&per_page=1000", "invalid_per_page", "from 1 to 50"),
    ] {
        let r = app.client.get(app.url(&format!("/api/v1/search?{query}"))).send().await.unwrap();
        assert_eq!(r.status(), 422, "{query}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], code, "{query}: {body}");
        assert!(body["message"].as_str().unwrap().contains(words), "{query}: {body}");
    }
    let r = app.client.get(app.url("/api/v1/search?per_page=5&per_page=6")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_query");
    // Empty values mean "any".
    let body = search(app, "q=&kind=&call=&licence=&year=&sort=&page=&per_page=").await;
    assert_eq!(body["total"], 0);
    assert_eq!(body["page"], 1);
}
both!(bad_search_parameters_are_refused_with_a_stable_code, bad_search_parameters_are_refused_with_a_stable_code);

/// Searches ask for the newest change together (`changes::latest_shared`), and each must
/// still get a read that began after it asked: one that began before might miss a change
/// committed just before the search, and list a work withdrawn by it.
async fn a_shared_read_of_the_newest_change_is_never_older_than_the_asking(app: &TestApp) {
    use piazza::db::changes;
    let db = &app.state.db;
    for round in 0..40 {
        let mut tx = db.pool.begin().await.unwrap();
        changes::record(&mut tx, db.backend, &format!("round-{round}")).await.unwrap();
        tx.commit().await.unwrap();
        let committed = changes::latest(db).await.unwrap();
        // Many at once, while another change commits: all see at least `committed`.
        let askers: Vec<_> = (0..16)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { changes::latest_shared(&db).await.unwrap() })
            })
            .collect();
        let mut tx = db.pool.begin().await.unwrap();
        changes::record(&mut tx, db.backend, &format!("round-{round}-meanwhile")).await.unwrap();
        tx.commit().await.unwrap();
        for asker in askers {
            let seen = asker.await.unwrap();
            assert!(seen >= committed, "round {round}: a search read {seen}, older than {committed} committed before it asked");
        }
    }
}
both!(a_shared_read_of_the_newest_change_is_never_older_than_the_asking, a_shared_read_of_the_newest_change_is_never_older_than_the_asking);
