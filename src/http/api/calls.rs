//! The calls' API: curators create, edit and move calls along their lifecycle and give them
//! covers; everyone lists and reads the calls they may see.

use crate::http::error::{AppError, ErrorBody};
use crate::http::json::ApiJson;
use crate::http::upload::read_cover;
use crate::http::viewer::Viewer;
use crate::http::views::{call_view, curator_call_view, CallList, CallView};
use crate::domain::{Call, RawCallFields};
use crate::service::calls;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The `{slug}` of a call in a path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documents `Path<String>`
pub struct CallSlug {
    /// The call's slug.
    slug: String,
}

fn parse_time(field: &'static str, value: &str) -> Result<i64, AppError> {
    crate::clock::parse_rfc3339_ms(value).ok_or_else(|| AppError::unprocessable("invalid_date").arg("field", field))
}

/// A call as curators see it after a change, read again.
async fn changed_call_json(state: &AppState, call: &Call) -> Result<Json<CallView>, AppError> {
    let call = calls::reload(state, call).await?;
    Ok(Json(curator_call_view(&call, &calls::limits(state, &call))))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateCall {
    /// The call's address: lowercase letters, digits and dashes.
    #[schema(min_length = 2, max_length = 80, pattern = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    slug: String,
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    description: String,
    /// What the city asks its citizens.
    #[schema(min_length = 1, max_length = 5000)]
    question: String,
    #[schema(schema_with = crate::http::schemas::kinds)]
    kinds: Vec<String>,
    #[schema(format = DateTime)]
    opens_at: String,
    /// After `opens_at`.
    #[schema(format = DateTime)]
    closes_at: String,
    /// How many works one person may send; null or left out: no limit.
    #[serde(default, deserialize_with = "crate::http::json::whole_number::option")]
    #[schema(minimum = 1)]
    max_works_per_person: Option<i64>,
    /// The licences offered; empty or left out: all of them.
    #[serde(default)]
    #[schema(schema_with = crate::http::schemas::licences)]
    licences: Vec<String>,
    /// Photos must carry alt text (the default).
    #[serde(default = "yes")]
    #[schema(default = true)]
    alt_text_required: bool,
    /// Films must come with captions (default false).
    #[serde(default)]
    captions_required: bool,
    /// Sound works must come with a transcript (default false).
    #[serde(default)]
    transcript_required: bool,
    #[serde(default)]
    #[schema(max_length = 5000)]
    results_text: String,
    /// `draft` (invisible until opened), `open` (the default) or `closed`.
    #[serde(default)]
    #[schema(schema_with = crate::http::schemas::new_call_state)]
    state: Option<String>,
}

fn yes() -> bool {
    true
}

/// Creates a call (curators).
#[utoipa::path(post, path = "/api/v1/calls", tag = "calls", security(("bearer" = [])), request_body = CreateCall,
    responses(
        (status = 201, description = "the new call", body = CallView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 409, description = "`slug_taken`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "a field is invalid (`invalid_dates`, `invalid_slug`, ...)", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn create(State(state): State<AppState>, viewer: Viewer, ApiJson(body): ApiJson<CreateCall>) -> Result<impl IntoResponse, AppError> {
    viewer.actor().require_curator()?;
    let raw = RawCallFields {
        title: body.title,
        description: body.description,
        question: body.question,
        kinds: body.kinds,
        opens_at: parse_time("opens_at", &body.opens_at)?,
        closes_at: parse_time("closes_at", &body.closes_at)?,
        max_works_per_person: body.max_works_per_person,
        licences: body.licences,
        alt_text_required: body.alt_text_required,
        captions_required: body.captions_required,
        transcript_required: body.transcript_required,
        results_text: body.results_text,
    };
    let initial = calls::parse_state(body.state.as_deref().unwrap_or("open"))?;
    let call = calls::create(&state, viewer.actor(), &body.slug, &raw, initial).await?;
    Ok((StatusCode::CREATED, Json(curator_call_view(&call, &calls::limits(&state, &call)))))
}

/// A partial edit: fields left out keep their value. `max_works_per_person: null` removes the limit.
#[derive(Deserialize, ToSchema)]
pub struct EditCall {
    #[schema(min_length = 1, max_length = 200)]
    title: Option<String>,
    #[schema(max_length = 5000)]
    description: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    question: Option<String>,
    #[schema(schema_with = crate::http::schemas::kinds)]
    kinds: Option<Vec<String>>,
    #[schema(format = DateTime)]
    opens_at: Option<String>,
    #[schema(format = DateTime)]
    closes_at: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    max_works_per_person: Option<Option<i64>>,
    #[schema(schema_with = crate::http::schemas::licences)]
    licences: Option<Vec<String>>,
    alt_text_required: Option<bool>,
    captions_required: Option<bool>,
    transcript_required: Option<bool>,
    #[schema(max_length = 5000)]
    results_text: Option<String>,
}

/// Tells a field set to `null` apart from a field left out.
mod double_option {
    use serde::Deserializer;
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        crate::http::json::whole_number::option(d).map(Some)
    }
}

/// Edits a call (curators).
#[utoipa::path(patch, path = "/api/v1/calls/{slug}", tag = "calls", security(("bearer" = [])), params(CallSlug), request_body = EditCall,
    responses(
        (status = 200, description = "the call as edited", body = CallView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such call", body = ErrorBody),
        (status = 409, description = "`call_changed`: edited by someone else meanwhile", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<EditCall>,
) -> Result<impl IntoResponse, AppError> {
    viewer.actor().require_curator()?;
    let call = calls::call_for(&state, viewer.actor(), &slug).await?;
    let mut raw = call.fields();
    raw.title = body.title.unwrap_or(raw.title);
    raw.description = body.description.unwrap_or(raw.description);
    raw.question = body.question.unwrap_or(raw.question);
    raw.kinds = body.kinds.unwrap_or(raw.kinds);
    if let Some(v) = body.opens_at {
        raw.opens_at = parse_time("opens_at", &v)?;
    }
    if let Some(v) = body.closes_at {
        raw.closes_at = parse_time("closes_at", &v)?;
    }
    raw.max_works_per_person = body.max_works_per_person.unwrap_or(raw.max_works_per_person);
    raw.licences = body.licences.unwrap_or(raw.licences);
    raw.alt_text_required = body.alt_text_required.unwrap_or(raw.alt_text_required);
    raw.captions_required = body.captions_required.unwrap_or(raw.captions_required);
    raw.transcript_required = body.transcript_required.unwrap_or(raw.transcript_required);
    raw.results_text = body.results_text.unwrap_or(raw.results_text);
    calls::edit(&state, viewer.actor(), &call, &raw).await?;
    changed_call_json(&state, &call).await
}

#[derive(Deserialize, ToSchema)]
pub struct CallStateBody {
    #[schema(schema_with = crate::http::schemas::call_state)]
    state: String,
}

/// A curator moves a call along its lifecycle (draft, open, closed, results, archived), one
/// step at a time.
#[utoipa::path(post, path = "/api/v1/calls/{slug}/state", tag = "calls", security(("bearer" = [])), params(CallSlug), request_body = CallStateBody,
    responses(
        (status = 200, description = "the call in its new state", body = CallView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such call", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `call_changed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_state`", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn set_state(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<CallStateBody>,
) -> Result<impl IntoResponse, AppError> {
    viewer.actor().require_curator()?;
    let to = calls::parse_state(&body.state)?;
    let call = calls::call_for(&state, viewer.actor(), &slug).await?;
    calls::set_state(&state, viewer.actor(), &call, to).await?;
    changed_call_json(&state, &call).await
}

/// A call's cover picture, as `multipart/form-data`.
#[derive(ToSchema)]
#[allow(dead_code)] // the fields are read one by one from the stream by `upload`
pub struct CoverForm {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// What the picture shows, for people who cannot see it.
    #[schema(min_length = 1, max_length = 1000)]
    alt: String,
}

/// Sets a call's cover picture (curators).
#[utoipa::path(post, path = "/api/v1/calls/{slug}/cover", tag = "calls", security(("bearer" = [])), params(CallSlug),
    request_body(content = CoverForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "the call with its cover", body = CallView),
        (status = 400, description = "`invalid_multipart`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not a curator", body = ErrorBody),
        (status = 404, description = "no such call", body = ErrorBody),
        (status = 413, description = "too large", body = ErrorBody),
        (status = 415, description = "`unsupported_format`", body = ErrorBody),
        (status = 422, description = "`file_required`, `alt_text_required`, `corrupt_file`", body = ErrorBody),
        (status = 503, description = "database or store unavailable", body = ErrorBody),
    ))]
pub async fn set_cover(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<impl IntoResponse, AppError> {
    viewer.actor().require_curator()?;
    let call = calls::call_for(&state, viewer.actor(), &slug).await?;
    let multipart = multipart.map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))?;
    let (bytes, alt) = read_cover(multipart).await?;
    calls::set_cover(&state, viewer.actor(), &call, bytes, &alt).await?;
    changed_call_json(&state, &call).await
}

/// The calls the asker may see (drafts only to curators).
#[utoipa::path(get, path = "/api/v1/calls", tag = "calls", security((), ("bearer" = [])),
    responses(
        (status = 200, description = "the calls", body = CallList),
        (status = 401, description = "an unknown token", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    let list = calls::list(&state, viewer.actor()).await?;
    let show = if viewer.is_curator() { curator_call_view } else { call_view };
    Ok(Json(CallList { calls: list.iter().map(|call| show(call, &calls::limits(&state, call))).collect() }))
}

/// One call; the results text before publication only to curators.
#[utoipa::path(get, path = "/api/v1/calls/{slug}", tag = "calls", security((), ("bearer" = [])), params(CallSlug),
    responses(
        (status = 200, description = "the call", body = CallView),
        (status = 401, description = "an unknown token", body = ErrorBody),
        (status = 404, description = "no such call, or a draft", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn get(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>) -> Result<impl IntoResponse, AppError> {
    let call = calls::call_for(&state, viewer.actor(), &slug).await?;
    let limits = calls::limits(&state, &call);
    Ok(Json(if viewer.is_curator() { curator_call_view(&call, &limits) } else { call_view(&call, &limits) }))
}
