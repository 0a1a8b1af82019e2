//! What the public browses: the front page, a call's gallery, the archive, the feeds and
//! search. Only published works, whoever asks.

use super::works::WorkList;
use super::{Actor, Page, ServiceError, ServiceResult};
use crate::db::{calls, review, works};
use crate::domain::{Call, Kind, Status};
use crate::state::AppState;

/// Works on the front page.
const FRONT_WORKS: i64 = 24;
/// Works shown per page of a call's gallery: light enough for an old phone.
pub const CALL_PAGE_SIZE: i64 = 30;
/// Entries in a feed.
const FEED_ENTRIES: i64 = 50;
/// Hits a search shows.
const SEARCH_HITS: usize = 50;
/// The longest search, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// The front page: calls open or opening soon, calls with results, the latest works.
pub struct Front {
    pub calls: Vec<Call>,
    pub results: Vec<Call>,
    pub works: WorkList,
}

pub async fn front(state: &AppState, now_ms: i64) -> ServiceResult<Front> {
    let (calls, results): (Vec<Call>, Vec<Call>) = calls::list_visible(&state.db)
        .await?
        .into_iter()
        .filter(|c| matches!(c.phase(now_ms), "open" | "upcoming" | "results"))
        .partition(|c| c.phase(now_ms) != "results");
    let works = WorkList::all(state, works::list_published(&state.db, None, FRONT_WORKS, 0).await?, None).await?;
    Ok(Front { calls, results, works })
}

/// The calls a citizen can answer now.
pub async fn open_calls(state: &AppState, now_ms: i64) -> ServiceResult<Vec<Call>> {
    Ok(calls::list_visible(&state.db).await?.into_iter().filter(|c| c.is_open(now_ms)).collect())
}

/// Calls the city has archived: off the front page, still readable.
pub async fn archive(state: &AppState) -> ServiceResult<Vec<Call>> {
    Ok(calls::list_archived(&state.db).await?)
}

/// A call's gallery: its featured works on the first page, then its published works.
pub struct CallGallery {
    pub call: Call,
    pub featured: WorkList,
    pub works: WorkList,
}

/// A call's page: drafts only for curators (a preview), `NotFound` to everyone else.
pub async fn call(state: &AppState, actor: Actor<'_>, slug: &str, page: i64) -> ServiceResult<CallGallery> {
    let call = super::calls::call_for(state, actor, slug).await?;
    let featured = if page == 1 { review::featured_in(&state.db, &call.id).await? } else { Vec::new() };
    let (limit, offset) = Page::window(page, CALL_PAGE_SIZE);
    let rows = works::list_published(&state.db, Some(&call.id), limit, offset).await?;
    let (rows, page) = Page::trim(page, CALL_PAGE_SIZE, rows);
    Ok(CallGallery { featured: WorkList::all(state, featured, actor.reader()).await?, works: WorkList::load(state, rows, page, actor.reader()).await?, call })
}

/// The latest published works, of the whole piazza or of one call, for a feed.
pub async fn latest(state: &AppState, call: Option<&Call>) -> ServiceResult<WorkList> {
    WorkList::all(state, works::list_published(&state.db, call.map(|c| c.id.as_str()), FEED_ENTRIES, 0).await?, None).await
}

/// A search as typed.
#[derive(Debug, Default, Clone)]
pub struct SearchQuery {
    pub q: String,
    pub kind: Option<String>,
    pub call: Option<String>,
}

/// Published works matching a search, in rank order, each with its highlighted snippet.
pub struct SearchResults {
    pub works: WorkList,
    /// The snippet of each work, by id.
    pub snippets: Vec<(String, String)>,
}

/// Runs a search and loads the hits that are (still) published, in rank order.
pub async fn search(state: &AppState, query: &SearchQuery) -> ServiceResult<SearchResults> {
    let q = query.q.trim();
    // The filters are checked even when there is nothing to search for: a wrong kind is
    // the asker's mistake either way.
    let kind = match query.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(Kind::parse(k)?),
        None => None,
    };
    if q.is_empty() {
        return Ok(SearchResults { works: WorkList::all(state, Vec::new(), None).await?, snippets: Vec::new() });
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ServiceError::invalid("query_too_long"));
    }
    let call = query.call.clone().filter(|c| !c.is_empty());
    let index = state.search.clone().ok_or_else(|| ServiceError::Unavailable("no search index in this process".into()))?;
    let text = q.to_owned();
    let hits = tokio::task::spawn_blocking(move || index.search(&text, kind, call.as_deref(), SEARCH_HITS))
        .await
        .map_err(|e| ServiceError::Internal(e.into()))??;
    let ids: Vec<&str> = hits.iter().map(|h| h.work_id.as_str()).collect();
    // The index may lag the database by a moment: the database has the last word.
    let mut found: std::collections::HashMap<String, works::Work> =
        works::find_many(&state.db, &ids).await?.into_iter().filter(|w| w.status == Status::Published).map(|w| (w.id.clone(), w)).collect();
    let mut list = Vec::new();
    let mut snippets = Vec::new();
    for hit in hits {
        if let Some(work) = found.remove(&hit.work_id) {
            snippets.push((hit.work_id, hit.snippet_html));
            list.push(work);
        }
    }
    Ok(SearchResults { works: WorkList::all(state, list, None).await?, snippets })
}
