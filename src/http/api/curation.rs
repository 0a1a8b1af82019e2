//! The curators' API: decisions, marks, bulk approval, the queue and reason templates.

use super::{page_json, work_json};
use crate::http::error::AppError;
use crate::http::json::ApiJson;
use crate::http::links::mail_base;
use crate::http::viewer::Viewer;
use crate::service::curation::{self, DecisionInput, QueueQuery};
use crate::service::Page;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

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
    let base = mail_base(&state, &headers);
    let input = DecisionInput { decision: &body.decision, reason: &body.reason, template_id: body.reason_template.as_deref() };
    curation::decide(&state, viewer.actor(), &id, input, base.as_deref()).await?;
    work_json(&state, &viewer, &id).await
}

#[derive(Deserialize)]
pub struct FlagsBody {
    shortlisted: Option<bool>,
    featured: Option<bool>,
}

pub async fn set_flags(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, ApiJson(body): ApiJson<FlagsBody>) -> Result<impl IntoResponse, AppError> {
    viewer.actor().require_curator()?;
    for (flag, on) in [("shortlisted", body.shortlisted), ("featured", body.featured)] {
        if let Some(on) = on {
            curation::set_flag(&state, viewer.actor(), &id, flag, on).await?;
        }
    }
    work_json(&state, &viewer, &id).await
}

#[derive(Deserialize)]
pub struct BulkBody {
    ids: Vec<String>,
}

pub async fn bulk_approve(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, ApiJson(body): ApiJson<BulkBody>) -> Result<impl IntoResponse, AppError> {
    let base = mail_base(&state, &headers);
    let outcome = curation::bulk_approve(&state, viewer.actor(), &body.ids, base.as_deref()).await?;
    Ok(Json(json!({ "approved": outcome.approved, "skipped": outcome.skipped })))
}

#[derive(Deserialize)]
pub struct QueueParams {
    pub call: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub shortlisted: Option<String>,
    /// From 1; a page holds [`curation::QUEUE_PAGE_SIZE`] works.
    pub page: Option<String>,
}

impl QueueParams {
    pub fn query(&self) -> QueueQuery {
        QueueQuery {
            call: self.call.clone(),
            status: self.status.clone(),
            kind: self.kind.clone(),
            shortlisted_only: self.shortlisted.as_deref().is_some_and(|s| s == "1" || s == "true" || s == "on"),
            page: Page::number_from(self.page.as_deref()),
        }
    }
}

pub async fn queue(State(state): State<AppState>, viewer: Viewer, Query(params): Query<QueueParams>) -> Result<impl IntoResponse, AppError> {
    Ok(page_json(curation::queue(&state, viewer.actor(), &params.query()).await?.works))
}

pub async fn list_reasons(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    let list = curation::reasons(&state, viewer.actor()).await?;
    Ok(Json(json!({ "reasons": list.iter().map(|r| json!({ "id": r.id, "label": r.label, "text": r.body })).collect::<Vec<_>>() })))
}

#[derive(Deserialize)]
pub struct ReasonBody {
    label: String,
    text: String,
}

pub async fn create_reason(State(state): State<AppState>, viewer: Viewer, ApiJson(body): ApiJson<ReasonBody>) -> Result<impl IntoResponse, AppError> {
    curation::save_reason(&state, viewer.actor(), None, &body.label, &body.text).await?;
    Ok(StatusCode::CREATED)
}

pub async fn update_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, ApiJson(body): ApiJson<ReasonBody>) -> Result<impl IntoResponse, AppError> {
    curation::save_reason(&state, viewer.actor(), Some(&id), &body.label, &body.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    curation::delete_reason(&state, viewer.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
