//! New captions or a new transcript for a published work: the author sends them, curators
//! list, approve or decline them. The published version stays public until approval.

use super::{multipart, work_json, Multi, WorkId};
use crate::http::error::{AppError, ErrorBody};
use crate::http::json::ApiJson;
use crate::http::links::mail_base;
use crate::http::upload;
use crate::http::viewer::Viewer;
use crate::http::views::WorkView;
use crate::service::curation::DecisionInput;
use crate::service::updates;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// New captions and/or a new transcript, as `multipart/form-data`. A field left out (or the
/// same as the work's) stays as it is; at least one must change.
#[derive(ToSchema)]
#[allow(dead_code)] // the fields are read one by one from the stream by `upload`
pub struct AccessUpdateForm {
    /// The whole new transcript, line breaks kept.
    #[schema(max_length = 20000)]
    transcript: Option<String>,
    /// New captions as SRT or WebVTT (UTF-8, UTF-16 with a BOM, or Latin-1/Windows-1252), at
    /// most 2 MiB; checked against the work's length and stored as WebVTT.
    #[schema(value_type = Option<String>, format = Binary)]
    captions: Option<Vec<u8>>,
    /// The captions' language, a language code such as `it` (the default) or `en`.
    #[schema(max_length = 35)]
    captions_lang: Option<String>,
}

/// Sends new captions or a new transcript for the author's published film or sound; a
/// curator reviews them while the published version stays public.
#[utoipa::path(post, path = "/api/v1/works/{id}/accessibility", tag = "works", security(("bearer" = [])), params(WorkId),
    request_body(content = AccessUpdateForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "the work as published, with `pending_update`", body = WorkView),
        (status = 400, description = "`invalid_multipart`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 404, description = "no such work, or not the asker's", body = ErrorBody),
        (status = 409, description = "`not_updatable`: only a published film or sound takes new captions or a transcript", body = ErrorBody),
        (status = 413, description = "too large", body = ErrorBody),
        (status = 422, description = "`nothing_to_update`, a captions file with errors (with its line), an invalid language or transcript", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn propose(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, body: Multi) -> Result<impl IntoResponse, AppError> {
    // Checked before the captions are read.
    updates::updatable(&state, viewer.actor(), &id).await?;
    let input = upload::read_access_update(multipart(body)?).await?;
    updates::propose(&state, viewer.actor(), &id, input).await?;
    Ok((StatusCode::ACCEPTED, work_json(&state, &viewer, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateReviewBody {
    /// `approve` (the update becomes the work's next revision) or `reject` (the work stays
    /// as it is).
    #[schema(pattern = "^(approve|reject)$")]
    decision: String,
    /// What the author reads: required to reject (or a template).
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: String,
    /// The id of a ready-made reason, used when `reason` is empty.
    #[serde(default)]
    reason_template: Option<String>,
}

/// Approves or declines the captions or transcript waiting for a published work
/// (curators); the author is mailed.
#[utoipa::path(post, path = "/api/v1/works/{id}/accessibility/review", tag = "curation", security(("bearer" = [])), params(WorkId),
    request_body = UpdateReviewBody,
    responses(
        (status = 200, description = "the work after the decision", body = WorkView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such work", body = ErrorBody),
        (status = 409, description = "`no_update_waiting`: nothing is waiting (or someone decided first)", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_update_decision`, `reason_required`, `reason_too_long`, `unknown_reason_template`", body = ErrorBody),
        (status = 503, description = "database or store unavailable", body = ErrorBody),
    ))]
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateReviewBody>,
) -> Result<impl IntoResponse, AppError> {
    let base = mail_base(&state, &headers);
    let input = DecisionInput { decision: &body.decision, reason: &body.reason, template_id: body.reason_template.as_deref() };
    updates::decide(&state, viewer.actor(), &id, input, base.as_deref()).await?;
    work_json(&state, &viewer, &id).await
}

/// Published works with new captions or a transcript waiting.
#[derive(Serialize, ToSchema)]
pub struct UpdateQueue {
    /// Oldest update first, each with its `pending_update`.
    works: Vec<WorkView>,
}

/// The published works whose new captions or transcript wait for a curator (curators).
#[utoipa::path(get, path = "/api/v1/queue/updates", tag = "curation", security(("bearer" = [])),
    responses(
        (status = 200, description = "works with an update waiting, oldest first", body = UpdateQueue),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn queue(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    let waiting = updates::queue(&state, viewer.actor()).await?;
    Ok(Json(UpdateQueue { works: waiting.into_iter().map(WorkView::detail).collect() }))
}
