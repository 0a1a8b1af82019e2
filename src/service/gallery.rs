//! What the public browses: the front page, a call's gallery, the archive, the feeds and
//! search. Only published works, whoever asks.

use super::works::WorkList;
use super::{Actor, Page, ServiceError, ServiceResult};
use crate::db::{calls, changes, review, works};
use crate::domain::{Call, Kind, Licence};
use crate::search::{Card, Facets, Filters, Found, Request, SearchIndex, Sort};
use crate::state::AppState;
use std::sync::Arc;

/// Works on the front page.
const FRONT_WORKS: i64 = 24;
/// Works shown per page of a call's gallery: light enough for an old phone.
pub const CALL_PAGE_SIZE: i64 = 30;
/// Entries in a feed.
const FEED_ENTRIES: i64 = 50;
/// Results on a page of search, unless asked otherwise, and at most.
pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 50;
/// The last page a search may ask for.
pub const MAX_PAGE: i64 = 10_000;
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

/// A search as typed: every value as the asker sent it (a query string reads into it),
/// checked by [`search`].
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    pub kind: Option<String>,
    pub call: Option<String>,
    pub licence: Option<String>,
    pub year: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// A search as understood: the words, the filters, the order and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub q: String,
    pub filters: Filters,
    pub sort: Sort,
    pub page: i64,
    pub per_page: i64,
}

impl SearchQuery {
    /// Checks every value, so a mistake is told whatever else was asked (a wrong kind is
    /// the asker's mistake even with nothing to search for). Empty values mean "any".
    pub fn parse(&self) -> ServiceResult<Search> {
        let given = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
        if self.q.chars().count() > MAX_QUERY_CHARS {
            return Err(ServiceError::invalid("query_too_long"));
        }
        let q = self.q.trim().to_owned();
        // Digits only: ` 3`, `+3` and `3.0` are not what the document calls a whole number.
        let number = |value: Option<String>, code: &'static str, range: std::ops::RangeInclusive<i64>| -> ServiceResult<Option<i64>> {
            let Some(value) = value else { return Ok(None) };
            match value.parse::<i64>() {
                Ok(n) if range.contains(&n) && value.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
                _ => Err(ServiceError::invalid(code).arg("value", value).arg("min", *range.start()).arg("max", *range.end())),
            }
        };
        let filters = Filters {
            kind: given(&self.kind).map(|k| Kind::parse(&k)).transpose()?,
            call: given(&self.call),
            licence: given(&self.licence).map(|l| Licence::parse(&l)).transpose()?,
            year: number(given(&self.year), "invalid_year", 1..=9999)?.map(|y| y as i32),
        };
        let sort = match given(&self.sort).as_deref() {
            None => None,
            Some("relevance") => Some(Sort::Relevance),
            Some("newest") => Some(Sort::Newest),
            Some(other) => return Err(ServiceError::invalid("invalid_sort").arg("value", other.to_owned())),
        };
        // Without words there is no relevance: browsing is newest first.
        let sort = if q.is_empty() { Sort::Newest } else { sort.unwrap_or(Sort::Relevance) };
        let page = number(given(&self.page), "invalid_page", 1..=MAX_PAGE)?.unwrap_or(1);
        let per_page = number(given(&self.per_page), "invalid_per_page", 1..=MAX_PER_PAGE)?.unwrap_or(DEFAULT_PER_PAGE);
        Ok(Search { q, filters, sort, page, per_page })
    }
}

/// What a search found, with the search as understood.
pub struct SearchResults {
    pub search: Search,
    pub total: u64,
    pub next_page: Option<i64>,
    pub facets: Facets,
    pub cards: Vec<Card>,
}

/// Searches (or, without words, browses) the published works: the facets of every match
/// and one page of light cards. Answered from this process's index alone, once it is
/// known to reflect every change the database has committed (see [`fresh_index`]).
pub async fn search(state: &AppState, query: &SearchQuery) -> ServiceResult<SearchResults> {
    let search = query.parse()?;
    let index = fresh_index(state).await?;
    let offset = ((search.page - 1) * search.per_page) as usize;
    let request = Request { text: search.q.clone(), filters: search.filters.clone(), sort: search.sort, offset, limit: search.per_page as usize };
    let found = match index.kept_answer(&request) {
        Some(found) => found,
        None => state.request_pool.run(move || index.search(&request)).await??,
    };
    let next_page = (found.total > (offset as u64) + search.per_page as u64).then_some(search.page + 1);
    let Found { total, facets, cards } = Arc::unwrap_or_clone(found);
    Ok(SearchResults { total, next_page, facets, cards, search })
}

/// The index, once it has applied every change the database had committed when this was
/// asked: one indexed `max(seq)` query, and a catch-up only when the index is behind. So
/// a work withdrawn, rejected or hidden by reports is gone from results and facet counts
/// by the next search that starts after the change committed, on every web node (each has
/// its own index, all read the one change log), and nothing needs the database per result.
async fn fresh_index(state: &AppState) -> ServiceResult<Arc<SearchIndex>> {
    let index = state.search.clone().ok_or_else(|| ServiceError::Unavailable("no search index in this process".into()))?;
    let latest = changes::latest_shared(&state.db).await?;
    if index.applied_seq() < latest {
        catch_up_index(state, &index, Some(latest)).await?;
    }
    Ok(index)
}

/// The index's sequence once it reflects every change the database has committed (see
/// [`fresh_index`]): what a kept search answer must have been made at to be served.
pub async fn fresh_seq(state: &AppState) -> ServiceResult<i64> {
    Ok(fresh_index(state).await?.applied_seq())
}

/// Applies the change log to the index, a batch per commit on the request pool: up to
/// `target` (a search waits for no more than it needs), or all of it. Returns how many
/// batches were applied.
pub async fn catch_up_index(state: &AppState, index: &Arc<SearchIndex>, target: Option<i64>) -> ServiceResult<usize> {
    let _applying = index.lock_catch_up().await;
    let mut batches = 0;
    while target.is_none_or(|t| index.applied_seq() < t) {
        let Some(batch) = crate::search::read_changes(&state.db, index.applied_seq()).await? else { break };
        let index = index.clone();
        state.request_pool.run(move || index.apply(batch)).await??;
        batches += 1;
    }
    Ok(batches)
}
