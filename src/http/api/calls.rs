//! The calls' API: curators create, edit and move calls along their lifecycle and give them
//! covers; everyone lists and reads the calls they may see.

use crate::http::error::AppError;
use crate::http::json::ApiJson;
use crate::http::upload::read_cover;
use crate::http::viewer::Viewer;
use crate::http::views::{call_json, curator_call_json};
use crate::domain::{Call, RawCallFields};
use crate::service::calls;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

fn parse_time(field: &'static str, value: &str) -> Result<i64, AppError> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| AppError::unprocessable("invalid_date").arg("field", field))
}

/// A call as curators see it after a change, read again.
async fn changed_call_json(state: &AppState, call: &Call) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(curator_call_json(&calls::reload(state, call).await?)))
}

#[derive(Deserialize)]
pub struct CreateCall {
    slug: String,
    title: String,
    #[serde(default)]
    description: String,
    question: String,
    kinds: Vec<String>,
    opens_at: String,
    closes_at: String,
    #[serde(default)]
    max_works_per_person: Option<i64>,
    #[serde(default)]
    licences: Vec<String>,
    #[serde(default = "yes")]
    alt_text_required: bool,
    #[serde(default)]
    results_text: String,
    /// "draft" (invisible until opened) or "open" (the default).
    #[serde(default)]
    state: Option<String>,
}

fn yes() -> bool {
    true
}

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
        results_text: body.results_text,
    };
    let initial = calls::parse_state(body.state.as_deref().unwrap_or("open"))?;
    let call = calls::create(&state, viewer.actor(), &body.slug, &raw, initial).await?;
    Ok((StatusCode::CREATED, Json(curator_call_json(&call))))
}

/// A partial edit: fields left out keep their value. `max_works_per_person: null` removes the limit.
#[derive(Deserialize)]
pub struct EditCall {
    title: Option<String>,
    description: Option<String>,
    question: Option<String>,
    kinds: Option<Vec<String>>,
    opens_at: Option<String>,
    closes_at: Option<String>,
    #[serde(default, with = "double_option")]
    max_works_per_person: Option<Option<i64>>,
    licences: Option<Vec<String>>,
    alt_text_required: Option<bool>,
    results_text: Option<String>,
}

/// Tells a field set to `null` apart from a field left out.
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Option::<i64>::deserialize(d).map(Some)
    }
}

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
    raw.results_text = body.results_text.unwrap_or(raw.results_text);
    calls::edit(&state, viewer.actor(), &call, &raw).await?;
    changed_call_json(&state, &call).await
}

#[derive(Deserialize)]
pub struct CallStateBody {
    state: String,
}

/// A curator moves a call along its lifecycle (draft, open, closed, results, archived).
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

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    let list = calls::list(&state, viewer.actor()).await?;
    let show = if viewer.is_curator() { curator_call_json } else { call_json };
    Ok(Json(json!({ "calls": list.iter().map(show).collect::<Vec<_>>() })))
}

pub async fn get(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>) -> Result<impl IntoResponse, AppError> {
    let call = calls::call_for(&state, viewer.actor(), &slug).await?;
    Ok(Json(if viewer.is_curator() { curator_call_json(&call) } else { call_json(&call) }))
}
