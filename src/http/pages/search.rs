//! The search page: words, the facets as plain links with their counts, the active
//! filters each with a link that removes it, and pages. No script: every choice is a link
//! to another `/search?...` address.

use super::super::frame::{page, render, Frame, PageResult};
use super::super::viewer::Viewer;
use super::super::views::media_url;
use crate::domain::{Kind, Licence};
use crate::i18n::T;
use crate::service::gallery::{self, Search, SearchQuery, SearchResults, DEFAULT_PER_PAGE};
use crate::search::Sort;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};

/// Page links shown on each side of the current one.
const PAGES_AROUND: i64 = 2;

/// A search as an address: what each link of the page changes.
#[derive(Clone, Default)]
struct Address {
    q: String,
    kind: Option<String>,
    call: Option<String>,
    licence: Option<String>,
    year: Option<String>,
    /// Only when asked for: the default follows the words.
    sort: Option<&'static str>,
    per_page: Option<i64>,
    page: Option<i64>,
}

impl Address {
    fn of(search: &Search, sort_asked: bool) -> Self {
        let f = &search.filters;
        Self {
            q: search.q.clone(),
            kind: f.kind.map(|k| k.as_str().to_owned()),
            call: f.call.clone(),
            licence: f.licence.map(|l| l.as_str().to_owned()),
            year: f.year.map(|y| y.to_string()),
            sort: sort_asked.then_some(sort_name(search.sort)),
            per_page: (search.per_page != DEFAULT_PER_PAGE).then_some(search.per_page),
            page: None,
        }
    }

    /// `/search?...` with this change made, from the first page unless the change says.
    fn with(&self, change: impl FnOnce(&mut Self)) -> String {
        let mut next = Self { page: None, ..self.clone() };
        change(&mut next);
        let mut query = form_urlencoded::Serializer::new(String::new());
        let per_page = next.per_page.map(|n| n.to_string());
        let page = next.page.filter(|p| *p > 1).map(|n| n.to_string());
        let pairs = [
            ("q", Some(next.q.as_str()).filter(|q| !q.is_empty())),
            ("kind", next.kind.as_deref()),
            ("call", next.call.as_deref()),
            ("licence", next.licence.as_deref()),
            ("year", next.year.as_deref()),
            ("sort", next.sort),
            ("per_page", per_page.as_deref()),
            ("page", page.as_deref()),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        let query = query.finish();
        if query.is_empty() { "/search".to_owned() } else { format!("/search?{query}") }
    }
}

fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "relevance",
        Sort::Newest => "newest",
    }
}

/// How a licence is named on the page: its short name, or words for all rights reserved.
fn licence_label(t: &T, licence: Licence) -> &'static str {
    match licence {
        Licence::AllRightsReserved => t.get("licence-all-rights-reserved"),
        other => other.label(),
    }
}

/// How a link sets a facet's value (None: removes it).
type Set = fn(&mut Address, Option<String>);

/// A facet as the page builds it: its heading's id and words, the value set now with its
/// label, how to set it, and its values with their labels and counts.
type FacetRow = (&'static str, &'static str, Option<(String, String)>, Set, Vec<(String, String, u64)>);

/// One value of a facet: a link that sets it, or (when active) removes it.
struct FacetLink {
    label: String,
    count: u64,
    href: String,
    active: bool,
}

/// A facet with its heading.
struct FacetGroup {
    id: &'static str,
    heading: &'static str,
    values: Vec<FacetLink>,
}

/// An active filter and the address without it.
struct ActiveFilter {
    label: String,
    remove_href: String,
    remove_label: String,
}

/// A link to another page of results.
struct PageLink {
    number: i64,
    href: String,
    current: bool,
}

/// A result as the page lists it.
struct ResultView {
    id: String,
    title: String,
    kind: &'static str,
    author: String,
    call_title: String,
    day: String,
    published_at: String,
    snippet_html: String,
    thumb: Option<(String, i64, i64)>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    frame: Frame,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    /// The filters the form keeps as hidden fields (the kind has its own field).
    kept: Vec<(&'static str, String)>,
    browsing: bool,
    total_text: String,
    sorts: Vec<(&'static str, String, bool)>,
    active: Vec<ActiveFilter>,
    facets: Vec<FacetGroup>,
    results: Vec<ResultView>,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
    page_label: String,
}

pub async fn search(State(state): State<AppState>, viewer: Viewer, Query(query): Query<SearchQuery>) -> PageResult {
    page(&viewer, async {
        let sort_asked = query.sort.as_deref().is_some_and(|s| !s.is_empty());
        let found = gallery::search(&state, &query).await?;
        render(search_page(Frame::new(&viewer), found, sort_asked))
    })
    .await
}

fn search_page(frame: Frame, found: SearchResults, sort_asked: bool) -> SearchPage {
    let t = frame.t;
    let search = &found.search;
    let here = Address::of(search, sort_asked);
    let f = &search.filters;

    let kind_label = |k: Kind| t.kind(k.as_str()).to_owned();
    let call_label = |slug: &str| found.facets.call.iter().find(|c| c.slug == slug).map_or_else(|| slug.to_owned(), |c| c.title.clone());
    let facets: [FacetRow; 4] = [
        (
            "facet-kind",
            t.get("search-facet-kind"),
            f.kind.map(|k| (k.as_str().to_owned(), kind_label(k))),
            |a, v| a.kind = v,
            found.facets.kind.iter().map(|(k, n)| (k.as_str().to_owned(), kind_label(*k), *n)).collect(),
        ),
        (
            "facet-call",
            t.get("search-facet-call"),
            f.call.as_ref().map(|c| (c.clone(), call_label(c))),
            |a, v| a.call = v,
            found.facets.call.iter().map(|c| (c.slug.clone(), c.title.clone(), c.count)).collect(),
        ),
        (
            "facet-licence",
            t.get("search-facet-licence"),
            f.licence.map(|l| (l.as_str().to_owned(), licence_label(&t, l).to_owned())),
            |a, v| a.licence = v,
            found.facets.licence.iter().map(|(l, n)| (l.as_str().to_owned(), licence_label(&t, *l).to_owned(), *n)).collect(),
        ),
        (
            "facet-year",
            t.get("search-facet-year"),
            f.year.map(|y| (y.to_string(), y.to_string())),
            |a, v| a.year = v,
            found.facets.year.iter().map(|(y, n)| (y.to_string(), y.to_string(), *n)).collect(),
        ),
    ];
    let mut active = Vec::new();
    let mut groups = Vec::new();
    for (id, heading, current, set, values) in facets {
        if let Some((_, shown)) = &current {
            let label = format!("{heading}: {shown}");
            let remove_label = t.with("search-remove-filter", "filter", label.clone());
            active.push(ActiveFilter { label, remove_href: here.with(|a| set(a, None)), remove_label });
        }
        let current = current.map(|(value, _)| value);
        let links: Vec<FacetLink> = values
            .into_iter()
            .map(|(value, label, count)| {
                let is_active = current.as_deref() == Some(value.as_str());
                let href = here.with(|a| set(a, (!is_active).then_some(value)));
                FacetLink { label, count, href, active: is_active }
            })
            .collect();
        if !links.is_empty() {
            groups.push(FacetGroup { id, heading, values: links });
        }
    }
    let facets = groups;

    let browsing = search.q.is_empty();
    let sorts = if browsing {
        Vec::new()
    } else {
        [(Sort::Relevance, "search-sort-relevance"), (Sort::Newest, "search-sort-newest")]
            .into_iter()
            .map(|(sort, key)| (t.get(key), here.with(|a| a.sort = Some(sort_name(sort))), search.sort == sort))
            .collect()
    };

    let number = search.page;
    let last = (found.total.div_ceil(search.per_page as u64) as i64).max(1);
    let page_href = |n: i64| here.with(|a| a.page = Some(n));
    let pages = ((number - PAGES_AROUND).max(1)..=(number + PAGES_AROUND).min(last.max(number)))
        .map(|n| PageLink { number: n, href: page_href(n), current: n == number })
        .collect::<Vec<_>>();
    let results = found
        .cards
        .into_iter()
        .map(|card| ResultView {
            thumb: card.thumb.as_ref().map(|th| (media_url(&card.id, &th.sha256, &th.name), th.width, th.height)),
            kind: t.kind(card.kind.as_str()),
            day: crate::local_time::day(card.published_at),
            published_at: crate::clock::rfc3339_ms(card.published_at),
            id: card.id,
            title: card.title,
            author: card.author,
            call_title: card.call_title,
            snippet_html: card.snippet_html,
        })
        .collect();
    let kept = [("call", f.call.clone()), ("licence", f.licence.map(|l| l.as_str().to_owned())), ("year", f.year.map(|y| y.to_string()))]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .chain(here.sort.map(|s| ("sort", s.to_owned())))
        .collect();
    SearchPage {
        q: search.q.clone(),
        kind: f.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
        kept,
        browsing,
        total_text: t.with("search-total", "count", found.total as i64),
        sorts,
        active,
        facets,
        results,
        prev: (number > 1).then(|| page_href(number - 1)),
        next: found.next_page.map(page_href),
        pages: if last > 1 || number > 1 { pages } else { Vec::new() },
        page_label: t.with2("search-page-of", "page", number, "pages", last),
        frame,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_other_filters_and_start_from_the_first_page() {
        let here = Address { q: "città nuova".into(), kind: Some("poem".into()), year: Some("2025".into()), page: Some(3), ..Address::default() };
        assert_eq!(here.with(|a| a.kind = None), "/search?q=citt%C3%A0+nuova&year=2025");
        assert_eq!(here.with(|a| a.page = Some(2)), "/search?q=citt%C3%A0+nuova&kind=poem&year=2025&page=2");
        assert_eq!(Address::default().with(|_| {}), "/search");
    }
}
