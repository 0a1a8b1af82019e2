//! The JSON API under `/api/v1`: works here, curation and calls in their modules. Each
//! handler parses, calls the application layer and answers JSON.

pub mod calls;
pub mod curation;
pub mod desk;
pub mod updates;
pub mod uploads;
/// The OpenAPI document, generated from these handlers' annotations and types.
pub mod openapi;

use super::error::AppError;
use super::json::{ApiJson, ApiQuery};
use super::upload;
use super::viewer::Viewer;
use super::error::ErrorBody;
use super::views::{Appreciations, Health, HistoryView, ReportReceipt, SearchResults, Submitted, WorkPage, WorkView};
use crate::domain::Status;
use crate::service::gallery::{self, SearchQuery};
use crate::service::works::{self as work_ops, WorkList};
use crate::service::{reactions, submissions, Page};
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

type Multi = Result<Multipart, axum::extract::multipart::MultipartRejection>;

fn multipart(multipart: Multi) -> Result<Multipart, AppError> {
    multipart.map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))
}

/// The work as the viewer may see it now.
async fn work_json(state: &AppState, viewer: &Viewer, id: &str) -> Result<Json<WorkView>, AppError> {
    Ok(Json(WorkView::detail(work_ops::visible(state, viewer.actor(), id).await?)))
}

/// A page of works with the number of the next page, if any.
fn page_json(list: WorkList) -> Json<WorkPage> {
    Json(WorkPage::new(list))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1; anything else is the first page.
    #[serde(default)]
    page: Option<String>,
}

/// A new work, as `multipart/form-data`: a poem or story as `text` (or a `.txt`/`.md`
/// `file`), a photo or film as `file` or as a finished resumable `upload`.
#[derive(ToSchema)]
#[allow(dead_code)] // the fields are read one by one from the stream by `upload`
pub struct SubmissionForm {
    /// The call's slug.
    call: String,
    #[schema(schema_with = crate::http::schemas::kind)]
    kind: String,
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    #[schema(schema_with = crate::http::schemas::licence)]
    licence: String,
    #[schema(max_length = 5000)]
    description: Option<String>,
    /// Required for photos when the call says so.
    #[schema(max_length = 1000)]
    alt_text: Option<String>,
    text: Option<String>,
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
    /// Instead of `file`: the id of a finished resumable upload (`/api/v1/uploads`) of the
    /// same person to the same call, which becomes this work's file.
    upload: Option<String>,    /// Films: what is said in them, line breaks kept.
    #[schema(max_length = 20000)]
    transcript: Option<String>,
    /// Films: captions as SRT or WebVTT (UTF-8, UTF-16 with a BOM, or Latin-1/Windows-1252),
    /// at most 2 MiB; stored as WebVTT.
    #[schema(value_type = Option<String>, format = Binary)]
    captions: Option<Vec<u8>>,
    /// The captions' language, a language code such as `it` (the default) or `en`.
    #[schema(max_length = 35)]
    captions_lang: Option<String>,
}

/// A new version, as `multipart/form-data`: the whole form again; without a new `text` or
/// `file` the current one stays.
#[derive(ToSchema)]
#[allow(dead_code)] // the fields are read one by one from the stream by `upload`
pub struct ResubmissionForm {
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    #[schema(max_length = 5000)]
    description: Option<String>,
    #[schema(max_length = 1000)]
    alt_text: Option<String>,
    text: Option<String>,
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
    /// Films: what is said in them, line breaks kept.
    #[schema(max_length = 20000)]
    transcript: Option<String>,
    /// Films: new captions as SRT or WebVTT (UTF-8, UTF-16 with a BOM, or Latin-1/Windows-1252),
    /// at most 2 MiB; stored as WebVTT.
    #[schema(value_type = Option<String>, format = Binary)]
    captions: Option<Vec<u8>>,
    /// The captions' language, a language code such as `it` (the default) or `en`.
    #[schema(max_length = 35)]
    captions_lang: Option<String>,
}

/// Submits a work to an open call; it is processed in the background.
#[utoipa::path(post, path = "/api/v1/works", tag = "works", security(("bearer" = [])),
    request_body(content = SubmissionForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "received, processing", body = Submitted),
        (status = 400, description = "`invalid_multipart`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "`email_not_verified`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`, `file_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_format`", body = ErrorBody),
        (status = 422, description = "a field is missing or invalid, `unknown_call`, the call is not open, the person's limit is reached", body = ErrorBody),
        (status = 503, description = "database or store unavailable (with `Retry-After`)", body = ErrorBody),
    ))]
pub async fn create_work(State(state): State<AppState>, viewer: Viewer, body: Multi) -> Result<impl IntoResponse, AppError> {
    viewer.require()?;
    let input = upload::read_submission(&state, multipart(body)?).await?;
    let id = submissions::submit(&state, viewer.actor(), input).await?;
    let url = format!("/api/v1/works/{id}");
    Ok((StatusCode::ACCEPTED, Json(Submitted { id, status: Status::Processing.as_str(), url })))
}

/// A work: published ones to anyone, others to their author and curators (404 to others).
#[utoipa::path(get, path = "/api/v1/works/{id}", tag = "works", security((), ("bearer" = [])), params(WorkId),
    responses(
        (status = 200, description = "the work", body = WorkView),
        (status = 401, description = "an unknown token", body = ErrorBody),
        (status = 404, description = "no such work, or not one the asker may see", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn get_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    work_json(&state, &viewer, &id).await
}

/// Sends a new version of a work a curator asked changes of (its author only).
#[utoipa::path(post, path = "/api/v1/works/{id}/resubmit", tag = "works", security(("bearer" = [])), params(WorkId),
    request_body(content = ResubmissionForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "the work, processing again or waiting for review", body = WorkView),
        (status = 400, description = "`invalid_multipart`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 404, description = "no such work, or not the asker's", body = ErrorBody),
        (status = 409, description = "no changes were asked", body = ErrorBody),
        (status = 413, description = "too large", body = ErrorBody),
        (status = 415, description = "`unsupported_format`", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
        (status = 503, description = "database or store unavailable", body = ErrorBody),
    ))]
pub async fn resubmit(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, body: Multi) -> Result<impl IntoResponse, AppError> {
    // Checked before any byte of the upload is read.
    let work = submissions::resubmittable(&state, viewer.actor(), &id).await?;
    let input = upload::read_resubmission(&state, multipart(body)?, &work).await?;
    submissions::resubmit(&state, viewer.actor(), &id, input).await?;
    Ok((StatusCode::ACCEPTED, work_json(&state, &viewer, &id).await?))
}

/// Sends a failed work back to processing (curators).
#[utoipa::path(post, path = "/api/v1/works/{id}/retry", tag = "curation", security(("bearer" = [])), params(WorkId),
    responses(
        (status = 200, description = "the work, processing again", body = WorkView),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such work", body = ErrorBody),
        (status = 409, description = "`not_retryable`: the work has not failed", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn retry_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    work_ops::retry(&state, viewer.actor(), &id).await?;
    work_json(&state, &viewer, &id).await
}

#[derive(Deserialize, ToSchema)]
pub struct ReplyBody {
    #[schema(min_length = 1, max_length = 5000)]
    text: String,
}

/// The city's public reply under a published work (curators).
#[utoipa::path(post, path = "/api/v1/works/{id}/reply", tag = "curation", security(("bearer" = [])), params(WorkId), request_body = ReplyBody,
    responses(
        (status = 200, description = "the work with its reply", body = WorkView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such work", body = ErrorBody),
        (status = 409, description = "`not_published`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "the text is invalid", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn reply_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, ApiJson(body): ApiJson<ReplyBody>) -> Result<impl IntoResponse, AppError> {
    work_ops::reply(&state, viewer.actor(), &id, &body.text).await?;
    work_json(&state, &viewer, &id).await
}

/// Appreciates a published work, once per person.
#[utoipa::path(post, path = "/api/v1/works/{id}/appreciate", tag = "works", security(("bearer" = [])), params(WorkId),
    responses(
        (status = 200, description = "how many appreciate it now", body = Appreciations),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "`email_not_verified`: only confirmed addresses count", body = ErrorBody),
        (status = 404, description = "no such published work", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn appreciate_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let count = reactions::appreciate(&state, viewer.actor(), &id).await?;
    Ok(Json(Appreciations { appreciations: count }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportBody {
    /// What is wrong with the work (without it: `reason_required`).
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 1000)]
    reason: String,
}

/// Reports a published work to the curators; enough open reports hide it until reviewed.
#[utoipa::path(post, path = "/api/v1/works/{id}/report", tag = "works", security(("bearer" = [])), params(WorkId), request_body = ReportBody,
    responses(
        (status = 202, description = "received", body = ReportReceipt),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "`email_not_verified`: only confirmed addresses count", body = ErrorBody),
        (status = 404, description = "no such published work", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`reason_required` or too long", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn report_work(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<impl IntoResponse, AppError> {
    let base = super::links::mail_base(&state, &headers);
    let outcome = reactions::report(&state, viewer.actor(), &id, &body.reason, base.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(ReportReceipt { recorded: outcome.recorded })))
}

/// Withdraws the asker's own work: gone from gallery, search and storage.
#[utoipa::path(delete, path = "/api/v1/works/{id}", tag = "works", security(("bearer" = [])), params(WorkId),
    responses(
        (status = 204, description = "withdrawn"),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 404, description = "no such work, or someone else's", body = ErrorBody),
        (status = 503, description = "database or store unavailable", body = ErrorBody),
    ))]
pub async fn withdraw_work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    work_ops::withdraw(&state, viewer.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The history of a work: its author and curators only (404 to others).
#[utoipa::path(get, path = "/api/v1/works/{id}/history", tag = "works", security(("bearer" = [])), params(WorkId),
    responses(
        (status = 200, description = "decisions and earlier versions", body = HistoryView),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 404, description = "no such work, or not the asker's", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn history(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let history = work_ops::history(&state, viewer.actor(), &id).await?;
    let (events, revisions) = super::views::history_view(&history);
    Ok(Json(HistoryView { revision: history.revision, events, revisions }))
}

/// The signed-in person's works with their status and the curators' reasons.
#[utoipa::path(get, path = "/api/v1/me/works", tag = "works", security(("bearer" = [])), params(PageQuery),
    responses(
        (status = 200, description = "a page of the asker's works, newest first", body = WorkPage),
        (status = 400, description = "`invalid_query`: a parameter given twice", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn my_works(State(state): State<AppState>, viewer: Viewer, ApiQuery(q): ApiQuery<PageQuery>) -> Result<impl IntoResponse, AppError> {
    Ok(page_json(work_ops::mine(&state, viewer.actor(), Page::number_from(q.page.as_deref())).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find; empty browses every published work, newest first.
    #[serde(default)]
    #[param(max_length = 200)]
    q: String,
    /// Empty: any kind.
    #[param(schema_with = crate::http::schemas::kind_filter)]
    kind: Option<String>,
    /// A call's slug; empty: any call.
    call: Option<String>,
    /// Empty: any licence.
    #[param(schema_with = crate::http::schemas::licence_filter)]
    licence: Option<String>,
    /// The year of publication (Italian time); empty: any year.
    #[param(schema_with = crate::http::schemas::year_filter)]
    year: Option<String>,
    /// `relevance` (the default with words) or `newest` (always, without words).
    #[param(schema_with = crate::http::schemas::search_sort)]
    sort: Option<String>,
    /// From 1; empty: the first.
    #[param(schema_with = crate::http::schemas::search_page)]
    page: Option<String>,
    /// Results a page: 20 unless asked, at most 50.
    #[param(schema_with = crate::http::schemas::search_per_page)]
    per_page: Option<String>,
}

impl From<SearchParams> for SearchQuery {
    fn from(p: SearchParams) -> Self {
        Self { q: p.q, kind: p.kind, call: p.call, licence: p.licence, year: p.year, sort: p.sort, page: p.page, per_page: p.per_page }
    }
}

/// Searches the published works, or browses them without words: the facets of every
/// matching work and a page of light cards.
#[utoipa::path(get, path = "/api/v1/search", tag = "gallery", params(SearchParams),
    responses(
        (status = 200, description = "a page of results in rank order (newest first without words), with the facets", body = SearchResults),
        (status = 400, description = "`invalid_query`: a parameter given twice", body = ErrorBody),
        (status = 422, description = "`query_too_long`, `invalid_kind`, `invalid_licence`, `invalid_year`, `invalid_sort`, `invalid_page`, `invalid_per_page`", body = ErrorBody),
        (status = 503, description = "database or index unavailable", body = ErrorBody),
    ))]
pub async fn search(State(state): State<AppState>, ApiQuery(params): ApiQuery<SearchParams>) -> Result<impl IntoResponse, AppError> {
    Ok(Json(SearchResults::new(gallery::search(&state, &params.into()).await?)))
}

/// Whether the server answers and reaches its database.
#[utoipa::path(get, path = "/healthz", tag = "gallery",
    responses(
        (status = 200, description = "`ok`", body = Health),
        (status = 503, description = "`database_unavailable`", body = Health),
    ))]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match crate::service::health(&state).await {
        true => (StatusCode::OK, Json(Health { status: "ok" })),
        false => (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "database_unavailable" })),
    }
}

/// The `{id}` of a work in a path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documents `Path<String>`
pub struct WorkId {
    /// The work's id.
    id: String,
}
