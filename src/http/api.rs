//! The JSON API under `/api/v1`.

use super::error::{ApiJson, AppError};
use super::upload;
use super::viewer::Viewer;
use super::views::WorkView;
use crate::db::users::User;
use crate::db::{jobs, works};
use crate::domain::{Kind, Status};
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

pub async fn create_work(State(state): State<AppState>, viewer: Viewer, multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Result<impl IntoResponse, AppError> {
    let user = viewer.require()?.clone();
    let multipart = multipart.map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))?;
    let input = upload::read_submission(&state, multipart).await?;
    let id = crate::submissions::submit(&state, &user, input).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id, "status": Status::Processing.as_str(), "url": format!("/api/v1/works/{id}") }))))
}

/// Loads a work the viewer may see, with its renditions; 404 for anything else.
pub async fn visible_work(state: &AppState, viewer: &Viewer, id: &str) -> Result<WorkView, AppError> {
    let work = works::find(&state.db, id).await?.filter(|w| viewer.can_see(w)).ok_or(AppError::NotFound)?;
    let renditions = works::renditions(&state.db, id).await?;
    let processing = work.status == Status::Processing;
    let reply = works::reply_of(&state.db, id).await?;
    let appreciations = crate::db::reactions::appreciations(&state.db, id).await?;
    let mut view = WorkView::new(work, &renditions);
    view.reply = reply;
    view.appreciations = appreciations;
    if processing {
        view.progress = jobs::progress_of(&state.db, id).await?;
    }
    // The shortlist is the curators' working list, not a promise to the author.
    if !viewer.is_curator() {
        view.shortlisted = false;
    }
    Ok(view)
}

pub async fn get_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    Ok(Json(visible_work(&state, &viewer, &id).await?))
}

pub async fn retry_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    apply_retry(&state, &id, &curator.id).await?;
    Ok(Json(visible_work(&state, &viewer, &id).await?))
}

/// A curator sends a failed work back to processing (after a fix, or a passing fault).
pub async fn apply_retry(state: &AppState, id: &str, curator_id: &str) -> Result<(), AppError> {
    works::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !works::retry_failed(&state.db, id, state.config.job_max_attempts, Some(curator_id)).await? {
        return Err(AppError::client(StatusCode::CONFLICT, "not_retryable"));
    }
    state.jobs_notify.notify_one();
    Ok(())
}

#[derive(Deserialize)]
pub struct ReplyBody {
    text: String,
}

pub async fn reply_work(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?;
    apply_reply(&state, &id, &body.text, &curator.id).await?;
    Ok(Json(visible_work(&state, &viewer, &id).await?))
}

/// The city answers a published work in public, under the work.
pub async fn apply_reply(state: &AppState, id: &str, text: &str, curator_id: &str) -> Result<(), AppError> {
    let text = crate::domain::Description::parse(text)?.into_inner();
    if text.is_empty() {
        return Err(AppError::unprocessable("reply_empty"));
    }
    let work = works::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if work.status != Status::Published {
        return Err(AppError::client(StatusCode::CONFLICT, "not_published"));
    }
    works::set_reply(&state.db, id, curator_id, &text).await?;
    Ok(())
}

pub async fn appreciate_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let user = viewer.require()?;
    let count = apply_appreciation(&state, user, &id).await?;
    Ok(Json(json!({ "appreciations": count })))
}

/// Only people with a confirmed address count in what the public says about works, so a
/// crowd of throwaway accounts cannot hide a work or inflate its appreciations.
fn require_confirmed(user: &User) -> Result<(), AppError> {
    if user.email_verified {
        return Ok(());
    }
    Err(AppError::client(StatusCode::FORBIDDEN, "email_not_verified"))
}

/// Appreciates a published work (once per person); returns the new count.
pub async fn apply_appreciation(state: &AppState, user: &User, id: &str) -> Result<i64, AppError> {
    require_confirmed(user)?;
    let user_id = &user.id;
    works::find(&state.db, id).await?.filter(|w| w.status == Status::Published).ok_or(AppError::NotFound)?;
    crate::db::reactions::appreciate(&state.db, id, user_id).await?;
    Ok(crate::db::reactions::appreciations(&state.db, id).await?)
}

#[derive(Deserialize)]
pub struct ReportBody {
    #[serde(default)]
    reason: String,
}

pub async fn report_work(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<impl IntoResponse, AppError> {
    let user = viewer.require()?;
    let base = super::links::mail_base(&state, &headers);
    let outcome = apply_report(&state, user, &id, &body.reason, base.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "recorded": outcome.recorded }))))
}

/// Reports a published work to the curators; enough open reports hide it pending review.
pub async fn apply_report(state: &AppState, user: &User, id: &str, reason: &str, link_base: Option<&str>) -> Result<crate::db::reactions::ReportOutcome, AppError> {
    require_confirmed(user)?;
    let user_id = &user.id;
    let reason = crate::domain::Description::parse(reason)?.into_inner();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::unprocessable("reason_required"));
    }
    works::find(&state.db, id).await?.filter(|w| w.status == Status::Published).ok_or(AppError::NotFound)?;
    let outcome = crate::db::reactions::report(&state.db, id, user_id, &reason, state.config.report_hide_threshold).await?;
    if outcome.hidden {
        state.index_notify.notify_one();
        tracing::info!(work.id = %id, "work hidden by reports until a curator decides");
        crate::notify::hidden_by_reports(state, id, link_base).await;
    }
    Ok(outcome)
}

pub async fn withdraw_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let user = viewer.require()?;
    apply_withdraw(&state, &user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The author takes a work back: gone from the gallery, search and the store at once.
/// Someone else's work answers 404, as if it did not exist.
pub async fn apply_withdraw(state: &AppState, author_id: &str, id: &str) -> Result<(), AppError> {
    let original = works::withdraw_by_author(&state.db, id, author_id).await?.ok_or(AppError::NotFound)?;
    state.index_notify.notify_one();
    crate::storage::remove_unreferenced(&*state.store, original.as_slice(), &[id.to_owned()]).await;
    Ok(())
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub kind: Option<String>,
    pub call: Option<String>,
}

/// Runs a search and loads the hits that are (still) published, in rank order.
pub async fn run_search(state: &AppState, params: &SearchParams) -> Result<Vec<(WorkView, String)>, AppError> {
    let q = params.q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    if q.chars().count() > 200 {
        return Err(AppError::unprocessable("query_too_long"));
    }
    let kind = match params.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(Kind::parse(k)?),
        None => None,
    };
    let call = params.call.clone().filter(|c| !c.is_empty());
    let index = state.search.clone().ok_or_else(|| AppError::Unavailable("no search index in this process".into()))?;
    let query = q.to_owned();
    let hits = tokio::task::spawn_blocking(move || index.search(&query, kind, call.as_deref(), 50))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let ids: Vec<&str> = hits.iter().map(|h| h.work_id.as_str()).collect();
    let renditions = works::renditions_of(&state.db, &ids).await?;
    // The index may lag the database by a moment: the database has the last word.
    let mut found: std::collections::HashMap<String, works::Work> = works::find_many(&state.db, &ids)
        .await?
        .into_iter()
        .filter(|w| w.status == Status::Published)
        .map(|w| (w.id.clone(), w))
        .collect();
    Ok(hits
        .into_iter()
        .filter_map(|hit| found.remove(&hit.work_id).map(|work| (WorkView::new(work, &renditions), hit.snippet_html)))
        .collect())
}

pub async fn search(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Result<impl IntoResponse, AppError> {
    let results = run_search(&state, &params).await?;
    let items: Vec<_> = results
        .into_iter()
        .map(|(work, snippet)| json!({ "work": work, "snippet_html": snippet }))
        .collect();
    Ok(Json(json!({ "query": params.q, "results": items })))
}

pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database_unavailable" }))),
    }
}
