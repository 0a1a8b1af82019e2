//! The JSON API under `/api/v1`: works here, curation and calls in their modules. Each
//! handler parses, calls the application layer and answers JSON.

pub mod calls;
pub mod curation;

use super::error::AppError;
use super::json::ApiJson;
use super::upload;
use super::viewer::Viewer;
use super::views::{cards, WorkView};
use crate::domain::Status;
use crate::service::gallery::{self, SearchQuery};
use crate::service::works::{self as work_ops, WorkList};
use crate::service::{reactions, submissions, Page};
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

type Multi = Result<Multipart, axum::extract::multipart::MultipartRejection>;

fn multipart(multipart: Multi) -> Result<Multipart, AppError> {
    multipart.map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))
}

/// The work as the viewer may see it now.
async fn work_json(state: &AppState, viewer: &Viewer, id: &str) -> Result<Json<WorkView>, AppError> {
    Ok(Json(WorkView::detail(work_ops::visible(state, viewer.actor(), id).await?)))
}

/// A page of works with the number of the next page, if any.
fn page_json(list: WorkList) -> Json<serde_json::Value> {
    let page = list.page;
    Json(json!({ "works": cards(list), "page": page.number, "next_page": page.has_next.then_some(page.number + 1) }))
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

pub async fn create_work(State(state): State<AppState>, viewer: Viewer, body: Multi) -> Result<impl IntoResponse, AppError> {
    viewer.require()?;
    let input = upload::read_submission(&state, multipart(body)?).await?;
    let id = submissions::submit(&state, viewer.actor(), input).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id, "status": Status::Processing.as_str(), "url": format!("/api/v1/works/{id}") }))))
}

pub async fn get_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    work_json(&state, &viewer, &id).await
}

pub async fn resubmit(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, body: Multi) -> Result<impl IntoResponse, AppError> {
    // Checked before any byte of the upload is read.
    let work = submissions::resubmittable(&state, viewer.actor(), &id).await?;
    let input = upload::read_resubmission(&state, multipart(body)?, &work).await?;
    submissions::resubmit(&state, viewer.actor(), &id, input).await?;
    Ok((StatusCode::ACCEPTED, work_json(&state, &viewer, &id).await?))
}

pub async fn retry_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    work_ops::retry(&state, viewer.actor(), &id).await?;
    work_json(&state, &viewer, &id).await
}

#[derive(Deserialize)]
pub struct ReplyBody {
    text: String,
}

pub async fn reply_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, ApiJson(body): ApiJson<ReplyBody>) -> Result<impl IntoResponse, AppError> {
    work_ops::reply(&state, viewer.actor(), &id, &body.text).await?;
    work_json(&state, &viewer, &id).await
}

pub async fn appreciate_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let count = reactions::appreciate(&state, viewer.actor(), &id).await?;
    Ok(Json(json!({ "appreciations": count })))
}

#[derive(Deserialize)]
pub struct ReportBody {
    #[serde(default)]
    reason: String,
}

pub async fn report_work(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<impl IntoResponse, AppError> {
    let base = super::links::mail_base(&state, &headers);
    let outcome = reactions::report(&state, viewer.actor(), &id, &body.reason, base.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "recorded": outcome.recorded }))))
}

pub async fn withdraw_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    work_ops::withdraw(&state, viewer.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The history of a work: its author and curators only (404 to others).
pub async fn history(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let history = work_ops::history(&state, viewer.actor(), &id).await?;
    let (events, revisions) = crate::service::export::history_json(&history);
    Ok(Json(json!({ "revision": history.revision, "events": events, "revisions": revisions })))
}

/// The signed-in person's works with their status and the curators' reasons.
pub async fn my_works(State(state): State<AppState>, viewer: Viewer, Query(q): Query<PageQuery>) -> Result<impl IntoResponse, AppError> {
    Ok(page_json(work_ops::mine(&state, viewer.actor(), Page::number_from(q.page.as_deref())).await?))
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    kind: Option<String>,
    call: Option<String>,
}

pub async fn search(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Result<impl IntoResponse, AppError> {
    let query = SearchQuery { q: params.q.clone(), kind: params.kind, call: params.call };
    let results = gallery::search(&state, &query).await?;
    let items: Vec<_> = cards(results.works).into_iter().zip(results.snippets).map(|(work, (_, snippet))| json!({ "work": work, "snippet_html": snippet })).collect();
    Ok(Json(json!({ "query": params.q, "results": items })))
}

pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match crate::service::health(&state).await {
        true => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        false => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database_unavailable" }))),
    }
}
