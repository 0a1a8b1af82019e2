//! Running calls: what curators do to a call (create, edit, move along its lifecycle, give
//! it a cover), shared by the API handlers here and the curator pages.

use super::error::{ApiJson, AppError};
use super::upload::too_large;
use super::viewer::Viewer;
use crate::db::{calls, now_ms};
use crate::domain::{Call, CallState, NewCall, RawCallFields};
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

/// A cover is a picture for a page, not a work: a small upload limit.
pub const MAX_COVER_BYTES: u64 = 20 * 1024 * 1024;

pub fn parse_call_state(s: &str) -> Result<CallState, AppError> {
    CallState::parse(s).ok_or_else(|| AppError::unprocessable("invalid_state").arg("problem", "other"))
}

fn parse_time(field: &'static str, value: &str) -> Result<i64, AppError> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| AppError::unprocessable("invalid_date").arg("field", field))
}

pub fn cover_url(call: &Call) -> Option<String> {
    call.cover.as_ref().map(|c| format!("/covers/{}/{}", call.id, c.key.split('/').nth(2).unwrap_or("")))
}

pub fn call_json(call: &Call) -> serde_json::Value {
    let now = now_ms();
    json!({
        "id": call.id,
        "slug": call.slug,
        "title": call.title,
        "description": call.description,
        "question": call.question,
        "kinds": call.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "opens_at": super::views::rfc3339_ms(call.opens_at),
        "closes_at": super::views::rfc3339_ms(call.closes_at),
        "state": call.state.as_str(),
        "phase": call.phase(now),
        "open": call.is_open(now),
        "max_works_per_person": call.max_works_per_person,
        "licences": call.licences.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "alt_text_required": call.alt_text_required,
        "results_text": call.public_results_text(),
        "cover": call.cover.as_ref().map(|c| json!({ "url": cover_url(call), "width": c.width, "height": c.height, "alt": c.alt })),
    })
}

/// A call as curators see it: the results text even before it is published.
fn curator_call_json(call: &Call) -> serde_json::Value {
    let mut value = call_json(call);
    value["results_text"] = json!(call.results_text);
    value
}

/// A call as curators see it after a change, read again from the database.
async fn changed_call_json(state: &AppState, call: &Call) -> Result<Json<serde_json::Value>, AppError> {
    let call = calls::find_by_id(&state.db, &call.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(curator_call_json(&call)))
}

fn slug_taken(e: sqlx::Error) -> AppError {
    if crate::db::is_unique_violation(&e) {
        AppError::client(StatusCode::CONFLICT, "slug_taken")
    } else {
        e.into()
    }
}

/// Creates a call; shared by the API and the curator page.
pub async fn apply_create(state: &AppState, slug: &str, raw: &RawCallFields, initial: CallState, curator_id: &str) -> Result<Call, AppError> {
    let new_call = NewCall::parse(slug, raw, initial)?;
    calls::insert(&state.db, &new_call, Some(curator_id)).await.map_err(slug_taken)
}

/// Replaces a call's editable fields; the slug stays (links to the call keep working).
pub async fn apply_edit(state: &AppState, call: &Call, raw: &RawCallFields, curator_id: &str) -> Result<(), AppError> {
    let fields = crate::domain::CallFields::parse(raw)?;
    calls::update(&state.db, call, &fields, curator_id).await?;
    state.index_notify.notify_one();
    Ok(())
}

/// Moves a call along its lifecycle.
pub async fn apply_state(state: &AppState, call: &Call, to: CallState, curator_id: &str) -> Result<(), AppError> {
    call.state.check_move(to).map_err(|e| AppError::Client { status: StatusCode::CONFLICT, code: e.code, args: e.args })?;
    if call.state != to && !calls::set_state(&state.db, call, to, curator_id).await? {
        return Err(AppError::client(StatusCode::CONFLICT, "call_changed"));
    }
    Ok(())
}

/// Reads a cover form (`file`, `alt`) and gives the call that cover.
pub async fn apply_cover(state: &AppState, call: &Call, mut multipart: Multipart, curator_id: &str) -> Result<(), AppError> {
    let mut bytes = Vec::new();
    let mut alt = String::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))?
    {
        match field.name().unwrap_or("") {
            "file" => {
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large(MAX_COVER_BYTES))? {
                    if (bytes.len() + chunk.len()) as u64 > MAX_COVER_BYTES {
                        return Err(too_large(MAX_COVER_BYTES));
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            "alt" => alt = field.text().await.map_err(|_| AppError::bad_request("invalid_text"))?,
            _ => {}
        }
    }
    crate::covers::store(state, call, bytes, &alt, curator_id).await?;
    Ok(())
}

/// A call in any state for curators; others see only calls that are not drafts.
pub async fn call_for(state: &AppState, viewer: &Viewer, slug: &str) -> Result<Call, AppError> {
    let call = if viewer.is_curator() { calls::find_any_by_slug(&state.db, slug).await? } else { calls::find_by_slug(&state.db, slug).await? };
    call.ok_or(AppError::NotFound)
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
    let user = viewer.require_curator()?;
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
    let initial = parse_call_state(body.state.as_deref().unwrap_or("open"))?;
    let call = apply_create(&state, &body.slug, &raw, initial, &user.id).await?;
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
    let curator = viewer.require_curator()?;
    let call = call_for(&state, &viewer, &slug).await?;
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
    apply_edit(&state, &call, &raw, &curator.id).await?;
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
    let curator = viewer.require_curator()?;
    let to = parse_call_state(&body.state)?;
    let call = call_for(&state, &viewer, &slug).await?;
    apply_state(&state, &call, to, &curator.id).await?;
    changed_call_json(&state, &call).await
}

pub async fn set_cover(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<impl IntoResponse, AppError> {
    let curator = viewer.require_curator()?.clone();
    let call = call_for(&state, &viewer, &slug).await?;
    let multipart = multipart.map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))?;
    apply_cover(&state, &call, multipart, &curator.id).await?;
    changed_call_json(&state, &call).await
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    if viewer.is_curator() {
        let all = calls::list_all(&state.db).await?;
        return Ok(Json(json!({ "calls": all.iter().map(curator_call_json).collect::<Vec<_>>() })));
    }
    let mut visible = calls::list_visible(&state.db).await?;
    visible.extend(calls::list_archived(&state.db).await?);
    Ok(Json(json!({ "calls": visible.iter().map(call_json).collect::<Vec<_>>() })))
}

pub async fn get(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>) -> Result<impl IntoResponse, AppError> {
    let call = call_for(&state, &viewer, &slug).await?;
    Ok(Json(if viewer.is_curator() { curator_call_json(&call) } else { call_json(&call) }))
}
