//! The curators' API: decisions, marks, bulk approval, the queue and reason templates.

use super::{page_json, work_json, WorkId};
use crate::http::error::{AppError, ErrorBody};
use crate::http::json::{ApiJson, ApiQuery};
use crate::http::links::mail_base;
use crate::http::viewer::Viewer;
use crate::http::views::{BulkApproval, ReasonList, ReasonView, WorkPage, WorkView};
use crate::service::curation::{self, DecisionInput, QueueQuery};
use crate::service::Page;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    #[schema(schema_with = crate::http::schemas::decision)]
    decision: String,
    /// What the author reads: required to reject or to ask for changes (or a template).
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: String,
    /// The id of a ready-made reason, used when `reason` is empty.
    #[serde(default)]
    reason_template: Option<String>,
}

/// The `{id}` of a ready-made reason in a path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documents `Path<String>`
pub struct ReasonId {
    /// The reason's id.
    id: String,
}

/// Approves, rejects or asks for changes (curators); the author is mailed.
#[utoipa::path(post, path = "/api/v1/works/{id}/review", tag = "curation", security(("bearer" = [])), params(WorkId), request_body = ReviewBody,
    responses(
        (status = 200, description = "the work after the decision", body = WorkView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such work", body = ErrorBody),
        (status = 409, description = "`not_reviewable`: the work is not waiting for a decision", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_decision`, `reason_required`, `reason_too_long`, `unknown_reason_template`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
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

/// Marks to set or clear; a mark left out keeps its value.
#[derive(Deserialize, ToSchema)]
pub struct FlagsBody {
    /// On the curators' shortlist (works waiting for review or published).
    shortlisted: Option<bool>,
    /// Featured on the call's page (published works).
    featured: Option<bool>,
}

/// Shortlists or features a work (curators).
#[utoipa::path(post, path = "/api/v1/works/{id}/flags", tag = "curation", security(("bearer" = [])), params(WorkId), request_body = FlagsBody,
    responses(
        (status = 200, description = "the work", body = WorkView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such work", body = ErrorBody),
        (status = 409, description = "`not_published`, `not_reviewable`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn set_flags(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, ApiJson(body): ApiJson<FlagsBody>) -> Result<impl IntoResponse, AppError> {
    viewer.actor().require_curator()?;
    for (flag, on) in [("shortlisted", body.shortlisted), ("featured", body.featured)] {
        if let Some(on) = on {
            curation::set_flag(&state, viewer.actor(), &id, flag, on).await?;
        }
    }
    work_json(&state, &viewer, &id).await
}

#[derive(Deserialize, ToSchema)]
pub struct BulkBody {
    /// The works to approve.
    #[schema(min_items = 1, max_items = 200)]
    ids: Vec<String>,
}

/// Approves several works at once (curators); each author is mailed.
#[utoipa::path(post, path = "/api/v1/works/bulk-approve", tag = "curation", security(("bearer" = [])), request_body = BulkBody,
    responses(
        (status = 200, description = "which works were approved, which skipped", body = BulkApproval),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`nothing_selected`, `too_many_works`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn bulk_approve(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, ApiJson(body): ApiJson<BulkBody>) -> Result<impl IntoResponse, AppError> {
    let base = mail_base(&state, &headers);
    let outcome = curation::bulk_approve(&state, viewer.actor(), &body.ids, base.as_deref()).await?;
    Ok(Json(BulkApproval { approved: outcome.approved, skipped: outcome.skipped }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// A call's slug.
    pub call: Option<String>,
    /// Works waiting for review when left out or empty.
    #[param(schema_with = crate::http::schemas::queue_status)]
    pub status: Option<String>,
    /// Empty: any kind.
    #[param(schema_with = crate::http::schemas::kind_filter)]
    pub kind: Option<String>,
    /// `1`, `true` or `on`: only shortlisted works.
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
            shortlisted_only: QueueQuery::ticked(self.shortlisted.as_deref()),
            page: Page::number_from(self.page.as_deref()),
        }
    }
}

/// The review queue (curators), filtered.
#[utoipa::path(get, path = "/api/v1/queue", tag = "curation", security(("bearer" = [])), params(QueueParams),
    responses(
        (status = 200, description = "a page of works", body = WorkPage),
        (status = 400, description = "`invalid_query`: a parameter given twice", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such call", body = ErrorBody),
        (status = 422, description = "`invalid_status`, `invalid_kind`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn queue(State(state): State<AppState>, viewer: Viewer, ApiQuery(params): ApiQuery<QueueParams>) -> Result<impl IntoResponse, AppError> {
    Ok(page_json(curation::queue(&state, viewer.actor(), &params.query()).await?.works))
}

/// The ready-made reasons (curators).
#[utoipa::path(get, path = "/api/v1/reasons", tag = "curation", security(("bearer" = [])),
    responses(
        (status = 200, description = "the reasons", body = ReasonList),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn list_reasons(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    let list = curation::reasons(&state, viewer.actor()).await?;
    let reasons = list.into_iter().map(|r| ReasonView { id: r.id, label: r.label, text: r.body }).collect();
    Ok(Json(ReasonList { reasons }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    /// What curators pick it by.
    #[schema(min_length = 1, max_length = 200)]
    label: String,
    /// What the author reads.
    #[schema(min_length = 1, max_length = 2000)]
    text: String,
}

/// Adds a ready-made reason (curators).
#[utoipa::path(post, path = "/api/v1/reasons", tag = "curation", security(("bearer" = [])), request_body = ReasonBody,
    responses(
        (status = 201, description = "added"),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_label`, `invalid_reason`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn create_reason(State(state): State<AppState>, viewer: Viewer, ApiJson(body): ApiJson<ReasonBody>) -> Result<impl IntoResponse, AppError> {
    curation::save_reason(&state, viewer.actor(), None, &body.label, &body.text).await?;
    Ok(StatusCode::CREATED)
}

/// Replaces a ready-made reason (curators).
#[utoipa::path(put, path = "/api/v1/reasons/{id}", tag = "curation", security(("bearer" = [])), params(ReasonId), request_body = ReasonBody,
    responses(
        (status = 204, description = "saved"),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such reason", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_label`, `invalid_reason`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn update_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, ApiJson(body): ApiJson<ReasonBody>) -> Result<impl IntoResponse, AppError> {
    curation::save_reason(&state, viewer.actor(), Some(&id), &body.label, &body.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a ready-made reason (curators).
#[utoipa::path(delete, path = "/api/v1/reasons/{id}", tag = "curation", security(("bearer" = [])), params(ReasonId),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such reason", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn delete_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    curation::delete_reason(&state, viewer.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
