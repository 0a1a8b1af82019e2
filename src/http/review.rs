//! Curation of works: decisions with their reasons (and the mail that tells the author),
//! shortlists and features, bulk approval, reason templates, and the author's answer to
//! a request for changes. Shared by the API handlers here and the pages.

use super::links::mail_base;
use super::api::visible_work;
use super::error::{ApiJson, AppError};
use super::viewer::Viewer;
use super::views::rfc3339_ms;
use crate::db::review::{self, Decision, FlagOutcome, QueueFilter, Reader};
use crate::db::{reasons, works};
use crate::domain::{Description, Kind, Status, Title};
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

/// The most works one bulk approval takes: a page of the queue.
const MAX_BULK: usize = 200;

/// The reason a curator gives: typed, or taken from a template when left empty.
pub async fn resolve_reason(state: &AppState, reason: &str, template_id: Option<&str>) -> Result<String, AppError> {
    let reason = reason.trim();
    if !reason.is_empty() {
        return Ok(reason.to_owned());
    }
    match template_id.filter(|t| !t.is_empty()) {
        Some(id) => Ok(reasons::find(&state.db, id)
            .await?
            .ok_or_else(|| AppError::unprocessable("unknown_reason_template"))?
            .body),
        None => Ok(String::new()),
    }
}

/// Applies a curator's decision and tells the author by mail. `link_base` makes the link
/// in the mail; without it the mail goes without a link.
pub async fn apply_decision(
    state: &AppState,
    id: &str,
    decision: &str,
    reason: &str,
    template_id: Option<&str>,
    curator_id: &str,
    link_base: Option<&str>,
) -> Result<(), AppError> {
    let decision = Decision::parse(decision)
        .ok_or_else(|| AppError::unprocessable("invalid_decision"))?;
    let reason = resolve_reason(state, reason, template_id).await?;
    if decision != Decision::Approve && reason.is_empty() {
        return Err(AppError::unprocessable("reason_required"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::unprocessable("reason_too_long").arg("max", 2000));
    }
    let work = works::find(&state.db, id).await?.filter(|w| w.status != Status::Withdrawn).ok_or(AppError::NotFound)?;
    if !review::decide(&state.db, id, decision, &reason, Some(curator_id)).await? {
        return Err(AppError::client(StatusCode::CONFLICT, "not_reviewable"));
    }
    state.index_notify.notify_one();
    crate::notify::work_status(state, &work, decision.status(), &reason, &reason, link_base).await;
    Ok(())
}

#[derive(Deserialize)]
pub struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reason_template: Option<String>,
}

pub async fn review_work(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    let base = mail_base(&state, &headers);
    apply_decision(&state, &id, &body.decision, &body.reason, body.reason_template.as_deref(), &curator.id, base.as_deref()).await?;
    Ok(Json(visible_work(&state, &viewer, &id).await?))
}

/// Shortlists or features a work (or takes the mark away).
pub async fn apply_flag(state: &AppState, id: &str, flag: &str, on: bool, curator_id: &str) -> Result<(), AppError> {
    if flag != "shortlisted" && flag != "featured" {
        return Err(AppError::unprocessable("invalid_flag"));
    }
    works::find(&state.db, id).await?.filter(|w| w.status != Status::Withdrawn).ok_or(AppError::NotFound)?;
    match review::set_flag(&state.db, id, flag, on, curator_id).await? {
        FlagOutcome::Done => Ok(()),
        FlagOutcome::NotPublished => {
            Err(AppError::client(StatusCode::CONFLICT, "not_published"))
        }
        FlagOutcome::NotReviewable => Err(AppError::client(StatusCode::CONFLICT, "not_reviewable")),
    }
}

#[derive(Deserialize)]
pub struct FlagsBody {
    shortlisted: Option<bool>,
    featured: Option<bool>,
}

pub async fn set_flags(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FlagsBody>,
) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    if let Some(on) = body.shortlisted {
        apply_flag(&state, &id, "shortlisted", on, &curator.id).await?;
    }
    if let Some(on) = body.featured {
        apply_flag(&state, &id, "featured", on, &curator.id).await?;
    }
    Ok(Json(visible_work(&state, &viewer, &id).await?))
}

/// Approves several works; returns the ones approved and the ones that were not waiting
/// for review (someone else decided first), so nothing fails half-way silently.
pub async fn apply_bulk_approve(state: &AppState, ids: &[String], curator_id: &str, link_base: Option<&str>) -> Result<(Vec<String>, Vec<String>), AppError> {
    if ids.is_empty() {
        return Err(AppError::unprocessable("nothing_selected"));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::unprocessable("too_many_works").arg("max", MAX_BULK));
    }
    let mut approved = Vec::new();
    let mut skipped = Vec::new();
    for id in ids {
        match apply_decision(state, id, "approve", "", None, curator_id, link_base).await {
            Ok(()) => approved.push(id.clone()),
            Err(AppError::NotFound) => skipped.push(id.clone()),
            Err(e) if e.parts().0 == StatusCode::CONFLICT => skipped.push(id.clone()),
            Err(e) => return Err(e),
        }
    }
    Ok((approved, skipped))
}

#[derive(Deserialize)]
pub struct BulkBody {
    ids: Vec<String>,
}

pub async fn bulk_approve(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(body): ApiJson<BulkBody>,
) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    let base = mail_base(&state, &headers);
    let (approved, skipped) = apply_bulk_approve(&state, &body.ids, &curator.id, base.as_deref()).await?;
    Ok(Json(json!({ "approved": approved, "skipped": skipped })))
}

#[derive(Deserialize)]
pub struct QueueParams {
    pub call: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub shortlisted: Option<String>,
    /// From 1; a page holds [`QUEUE_PAGE_SIZE`] works.
    pub page: Option<String>,
}

/// Works per page of the review queue.
pub const QUEUE_PAGE_SIZE: i64 = 100;

/// Turns the queue's query into a filter; unknown values are refused, not ignored.
pub async fn queue_filter(state: &AppState, params: &QueueParams) -> Result<QueueFilter, AppError> {
    let mut filter = QueueFilter::default();
    if let Some(slug) = params.call.as_deref().filter(|s| !s.is_empty()) {
        let call = crate::db::calls::find_any_by_slug(&state.db, slug).await?.ok_or(AppError::NotFound)?;
        filter.call_id = Some(call.id);
    }
    if let Some(s) = params.status.as_deref().filter(|s| !s.is_empty()) {
        filter.status = Some(
            Status::parse(s)
                .filter(|s| *s != Status::Withdrawn)
                .ok_or_else(|| AppError::unprocessable("invalid_status"))?,
        );
    }
    if let Some(k) = params.kind.as_deref().filter(|s| !s.is_empty()) {
        filter.kind = Some(Kind::parse(k)?);
    }
    filter.shortlisted_only = params.shortlisted.as_deref().is_some_and(|s| s == "1" || s == "true" || s == "on");
    Ok(filter)
}

pub async fn queue(State(state): State<AppState>, viewer: Viewer, Query(params): Query<QueueParams>) -> Result<impl IntoResponse, AppError> {
    viewer.require_curator()?;
    let filter = queue_filter(&state, &params).await?;
    let number = super::pages::Pager::from_query(params.page.as_deref());
    let rows = review::queue(&state.db, &filter, QUEUE_PAGE_SIZE + 1, (number - 1) * QUEUE_PAGE_SIZE).await?;
    let (list, pager) = super::pages::Pager::trim(number, QUEUE_PAGE_SIZE, rows);
    let views = super::pages::cards(&state, list).await?;
    Ok(Json(json!({ "works": views, "page": pager.page, "next_page": pager.has_next.then_some(pager.page + 1) })))
}

/// A work's history and earlier versions as JSON, as `reader` may see them; shared by the
/// API and the data export.
pub async fn history_values(state: &AppState, work_id: &str, reader: Reader) -> Result<(Vec<serde_json::Value>, Vec<serde_json::Value>), AppError> {
    let events = review::events_of(&state.db, work_id, reader).await?;
    let revisions = review::revisions_of(&state.db, work_id).await?;
    Ok((
        events.iter().map(|e| json!({ "action": e.action, "reason": e.reason, "at": rfc3339_ms(e.created_at) })).collect(),
        revisions
            .iter()
            .map(|r| {
                json!({
                    "revision": r.revision, "title": r.title, "description": r.description, "text": r.body_text,
                    "file_name": r.original_name, "review_reason": r.review_reason,
                })
            })
            .collect(),
    ))
}

/// The history of a work: its author and curators only (404 to others).
pub async fn history_json(state: &AppState, viewer: &Viewer, id: &str) -> Result<serde_json::Value, AppError> {
    let user = viewer.require()?;
    let work = works::find(&state.db, id)
        .await?
        .filter(|w| w.status != Status::Withdrawn && (w.author_id == user.id || user.role.can_curate()))
        .ok_or(AppError::NotFound)?;
    let reader = if user.role.can_curate() { Reader::Curator } else { Reader::Author };
    let (events, revisions) = history_values(state, &work.id, reader).await?;
    Ok(json!({ "revision": work.revision, "events": events, "revisions": revisions }))
}

pub async fn history(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    Ok(Json(history_json(&state, &viewer, &id).await?))
}

/// Checks before any byte of the upload is read that `viewer` may resubmit `id`, and
/// returns the revision number the new version will get.
pub async fn check_resubmittable(state: &AppState, viewer: &Viewer, id: &str) -> Result<i64, AppError> {
    let user = viewer.require()?;
    let work = works::find(&state.db, id).await?.filter(|w| w.author_id == user.id && w.status != Status::Withdrawn).ok_or(AppError::NotFound)?;
    if work.status != Status::ChangesRequested {
        return Err(crate::submissions::ResubmitError::NotAwaitingChanges.into());
    }
    Ok(work.revision + 1)
}

pub async fn resubmit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<impl IntoResponse, AppError> {
    let revision = check_resubmittable(&state, &viewer, &id).await?;
    let user = viewer.require()?.clone();
    let multipart = multipart.map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))?;
    let input = super::upload::read_resubmission(&state, multipart, &id, revision).await?;
    crate::submissions::resubmit(&state, &user, &id, input).await?;
    Ok((StatusCode::ACCEPTED, Json(visible_work(&state, &viewer, &id).await?)))
}

/// The signed-in person's works with their status and the curators' reasons.
/// Works a page of "my works" shows, in the API and on the page.
pub const MY_WORKS_PAGE_SIZE: i64 = 100;

pub async fn my_works(State(state): State<AppState>, viewer: Viewer, Query(q): Query<super::pages::PageQuery>) -> Result<impl IntoResponse, AppError> {
    let user = viewer.require()?;
    let number = super::pages::Pager::from_query(q.page.as_deref());
    let rows = works::list_by_author(&state.db, &user.id, MY_WORKS_PAGE_SIZE + 1, (number - 1) * MY_WORKS_PAGE_SIZE).await?;
    let (list, pager) = super::pages::Pager::trim(number, MY_WORKS_PAGE_SIZE, rows);
    let views = super::pages::cards(&state, list).await?;
    Ok(Json(json!({ "works": views, "page": pager.page, "next_page": pager.has_next.then_some(pager.page + 1) })))
}

/// Checks a template's label and text.
pub fn parse_template(label: &str, body: &str) -> Result<(String, String), AppError> {
    let label = Title::parse(label).map_err(|_| AppError::unprocessable("invalid_label"))?;
    let body = Description::parse(body)?.into_inner();
    if body.is_empty() || body.chars().count() > 2000 {
        return Err(AppError::unprocessable("invalid_reason"));
    }
    Ok((label.into_inner(), body))
}

pub async fn list_reasons(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    viewer.require_curator()?;
    let list = reasons::list(&state.db).await?;
    Ok(Json(json!({ "reasons": list.iter().map(|r| json!({ "id": r.id, "label": r.label, "text": r.body })).collect::<Vec<_>>() })))
}

#[derive(Deserialize)]
pub struct ReasonBody {
    label: String,
    text: String,
}

pub async fn create_reason(State(state): State<AppState>, viewer: Viewer, ApiJson(body): ApiJson<ReasonBody>) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    let (label, text) = parse_template(&body.label, &body.text)?;
    reasons::save(&state.db, None, &label, &text, &curator.id).await?;
    Ok(StatusCode::CREATED)
}

pub async fn update_reason(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    let (label, text) = parse_template(&body.label, &body.text)?;
    if !reasons::save(&state.db, Some(&id), &label, &text, &curator.id).await? {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    if !reasons::delete(&state.db, &id, &curator.id).await? {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
