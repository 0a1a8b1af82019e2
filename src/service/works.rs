//! A work as someone may see it, and what happens to one after it is sent: its history,
//! the author taking it back, a curator retrying its processing or replying in public.

use super::{Actor, Page, ServiceError, ServiceResult};
use crate::db::review::{Revision, WorkEvent};
use crate::db::works::{self, RenditionRow, Work};
use crate::db::{jobs, reactions, review};
use crate::domain::{self, Audience, Description, Status};
use crate::state::AppState;

/// Works a page of "my works" shows, in the API and on the page.
pub const MY_WORKS_PAGE_SIZE: i64 = 100;

/// A work with everything its page shows.
pub struct WorkDetail {
    pub work: Work,
    pub renditions: Vec<RenditionRow>,
    /// The city's public reply, if any.
    pub reply: Option<String>,
    pub appreciations: i64,
    /// Percent done while processing.
    pub progress: Option<i64>,
    /// New captions or transcript waiting for a curator (for the author and curators only).
    pub update: Option<crate::db::updates::AccessUpdate>,
}

/// Works with their renditions (one query for all of them), as lists show them.
pub struct WorkList {
    pub works: Vec<Work>,
    pub renditions: Vec<RenditionRow>,
    pub page: Page,
}

impl WorkList {
    /// Loads the renditions of `works`, one page of a longer list, as `reader` may see them:
    /// the shortlist mark only for curators.
    pub async fn load(state: &AppState, mut works: Vec<Work>, page: Page, reader: Option<domain::Reader<'_>>) -> ServiceResult<Self> {
        if !domain::sees_shortlist(reader) {
            works.iter_mut().for_each(|w| w.shortlisted = false);
        }
        for w in works.iter_mut().filter(|w| !domain::sees_privacy(&w.author_id, reader)) {
            w.privacy = None;
        }
        let ids: Vec<&str> = works.iter().map(|w| w.id.as_str()).collect();
        let renditions = works::renditions_of(&state.db, &ids).await?;
        Ok(Self { works, renditions, page })
    }

    /// A whole list, not a page of one.
    pub async fn all(state: &AppState, works: Vec<Work>, reader: Option<domain::Reader<'_>>) -> ServiceResult<Self> {
        Self::load(state, works, Page { number: 1, has_prev: false, has_next: false }, reader).await
    }
}

/// Loads a work `actor` may see, or `NotFound` (the same answer as for a missing one).
pub async fn visible(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<WorkDetail> {
    let mut work = works::find(&state.db, id)
        .await?
        .filter(|w| domain::may_see(w.status, &w.author_id, actor.reader()))
        .ok_or(ServiceError::NotFound)?;
    if !domain::sees_shortlist(actor.reader()) {
        work.shortlisted = false;
    }
    if !domain::sees_privacy(&work.author_id, actor.reader()) {
        work.privacy = None;
    }
    let renditions = works::renditions(&state.db, id).await?;
    let reply = works::reply_of(&state.db, id).await?;
    let appreciations = reactions::appreciations(&state.db, id).await?;
    let progress = if work.status == Status::Processing { jobs::progress_of(&state.db, id).await? } else { None };
    // New captions or a transcript waiting for review: for the author and curators only.
    let sees_update = work.status == Status::Published && (actor.reader().is_some_and(|r| r.id == work.author_id) || actor.is_curator());
    let update = if sees_update { crate::db::updates::pending(&state.db, id).await? } else { None };
    Ok(WorkDetail { work, renditions, reply, appreciations, progress, update })
}

/// A work's history and earlier versions.
pub struct History {
    pub revision: i64,
    pub events: Vec<WorkEvent>,
    pub revisions: Vec<Revision>,
}

/// The history of a work as `audience` may read it.
pub async fn history_for(state: &AppState, work: &Work, audience: Audience) -> ServiceResult<History> {
    let events = review::events_of(&state.db, &work.id, audience).await?;
    let revisions = review::revisions_of(&state.db, &work.id).await?;
    Ok(History { revision: work.revision, events, revisions })
}

/// The history of a work: for its author and curators only (`NotFound` to anyone else).
pub async fn history(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<History> {
    actor.require()?;
    let work = works::find(&state.db, id).await?.ok_or(ServiceError::NotFound)?;
    let audience = domain::history_audience(work.status, &work.author_id, actor.reader()).ok_or(ServiceError::NotFound)?;
    history_for(state, &work, audience).await
}

/// A page of the signed-in person's works, newest first, with their statuses and reasons.
pub async fn mine(state: &AppState, actor: Actor<'_>, page: i64) -> ServiceResult<WorkList> {
    let user = actor.require()?;
    let (limit, offset) = Page::window(page, MY_WORKS_PAGE_SIZE);
    let rows = works::list_by_author(&state.db, &user.id, limit, offset).await?;
    let (list, page) = Page::trim(page, MY_WORKS_PAGE_SIZE, rows);
    WorkList::load(state, list, page, actor.reader()).await
}

/// The author takes a work back: gone from the gallery, search and the store at once.
/// Someone else's work answers `NotFound`, as if it did not exist.
pub async fn withdraw(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<()> {
    let author = actor.require()?;
    let original = works::withdraw_by_author(&state.db, id, &author.id).await?.ok_or(ServiceError::NotFound)?;
    state.index_notify.notify_one();
    crate::storage::remove_unreferenced(&*state.store, original.as_slice(), &[id.to_owned()]).await;
    Ok(())
}

/// A curator sends a failed work back to processing (after a fix, or a passing fault).
pub async fn retry(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    works::find(&state.db, id).await?.ok_or(ServiceError::NotFound)?;
    if !works::retry_failed(&state.db, id, state.config.job_max_attempts, Some(&curator.id)).await? {
        return Err(ServiceError::conflict("not_retryable"));
    }
    state.jobs_notify.notify_one();
    Ok(())
}

/// The city answers a published work in public, under the work.
pub async fn reply(state: &AppState, actor: Actor<'_>, id: &str, text: &str) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    let text = Description::parse(text)?.into_inner();
    if text.is_empty() {
        return Err(ServiceError::invalid("reply_empty"));
    }
    let work = works::find(&state.db, id).await?.ok_or(ServiceError::NotFound)?;
    if !domain::may_reply(work.status) {
        return Err(ServiceError::conflict("not_published"));
    }
    works::set_reply(&state.db, id, &curator.id, &text).await?;
    Ok(())
}
