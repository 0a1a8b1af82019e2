//! The library desk's API: an operator sends a work on someone's behalf and lists the works
//! they helped with; anyone follows a work with its claim code, and a signed-in person makes
//! it theirs.

use super::super::error::{AppError, ErrorBody};
use super::super::upload;
use super::super::viewer::{ClientAddr, Viewer};
use super::super::views::{cards, WorkView};
use super::{multipart, Multi, SubmissionForm};
use crate::domain::Status;
use crate::service::desks;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// A work sent at a desk: every field of a citizen's submission, and who it is for.
#[derive(ToSchema)]
#[allow(dead_code)] // the fields are read one by one from the stream by `upload`
pub struct DeskSubmissionForm {
    #[serde(flatten)]
    form: SubmissionForm,
    /// How the person wants to be credited: shown as the work's author.
    #[schema(min_length = 1, max_length = 80)]
    on_behalf_name: String,
    /// An email address (status mails go there too, with the claim code) or a phone number.
    #[schema(max_length = 254)]
    on_behalf_contact: Option<String>,
    /// `yes`: the operator confirms the person agreed to the call's rules and the licence.
    #[schema(pattern = "^yes$")]
    consent: String,
}

/// A desk submission received.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskSubmitted {
    pub id: String,
    /// Always `processing`.
    #[schema(schema_with = crate::http::schemas::status)]
    pub status: &'static str,
    /// The code the person takes home, as printed: `7K3M-Q9XW-2BTR-5`.
    pub claim_code: String,
    /// The printable receipt.
    pub receipt_url: String,
}

/// An operator sends a work on behalf of a person who may have no account and no email.
#[utoipa::path(post, path = "/api/v1/desk/works", tag = "desk", security(("bearer" = [])),
    request_body(content = DeskSubmissionForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "received, processing", body = DeskSubmitted),
        (status = 400, description = "`invalid_multipart`", body = ErrorBody),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not an operator with a desk, or `email_not_verified`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`, `file_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_format`", body = ErrorBody),
        (status = 422, description = "a field is missing or invalid, `consent_required`, `contact_invalid`, the call is not open, the person's limit is reached", body = ErrorBody),
        (status = 503, description = "database or store unavailable (with `Retry-After`)", body = ErrorBody),
    ))]
pub async fn create(State(state): State<AppState>, viewer: Viewer, body: Multi) -> Result<impl IntoResponse, AppError> {
    viewer.require()?;
    let input = upload::read_submission(&state, multipart(body)?).await?;
    let sent = desks::submit(&state, viewer.actor(), input).await?;
    let receipt_url = format!("/desk/works/{}/receipt", sent.id);
    Ok((StatusCode::ACCEPTED, Json(DeskSubmitted { id: sent.id, status: Status::Processing.as_str(), claim_code: sent.claim_code.grouped(), receipt_url })))
}

/// The works an operator helped with.
#[derive(Serialize, ToSchema)]
pub struct HelpedWorks {
    pub works: Vec<WorkView>,
}

/// The works the operator asking sent at their desk, newest first, with their statuses.
#[utoipa::path(get, path = "/api/v1/desk/works", tag = "desk", security(("bearer" = [])),
    responses(
        (status = 200, description = "the works", body = HelpedWorks),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "not an operator with a desk", body = ErrorBody),
    ))]
pub async fn helped(State(state): State<AppState>, viewer: Viewer) -> Result<impl IntoResponse, AppError> {
    viewer.require()?;
    Ok(Json(HelpedWorks { works: cards(desks::helped(&state, viewer.actor()).await?) }))
}

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct Code {
    /// A claim code as printed (`7K3M-Q9XW-2BTR-5`); case, spaces and dashes do not matter.
    #[param(max_length = 64)]
    code: String,
}

/// What a claim code tells.
#[derive(Serialize, ToSchema)]
pub struct ClaimStatusView {
    #[schema(schema_with = crate::http::schemas::status)]
    pub status: &'static str,
    /// Why, when the work was rejected or changes were asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The status of the work a claim code follows, and the reason when it was rejected or
/// changes were asked: nothing else. Lookups are limited per address.
#[utoipa::path(get, path = "/api/v1/claims/{code}", tag = "desk", params(Code),
    responses(
        (status = 200, description = "the work's status", body = ClaimStatusView),
        (status = 404, description = "no such code, or it was already claimed", body = ErrorBody),
        (status = 422, description = "`claim_code_malformed`, `claim_code_mistyped`", body = ErrorBody),
        (status = 429, description = "`too_many_claim_lookups`: try again within the hour", body = ErrorBody),
    ))]
pub async fn follow(State(state): State<AppState>, client: ClientAddr, Path(Code { code }): Path<Code>) -> Result<impl IntoResponse, AppError> {
    let found = desks::follow(&state, &client.bucket(), &code).await?;
    Ok(Json(ClaimStatusView { status: found.status.as_str(), reason: found.reason }))
}

/// A claimed work.
#[derive(Serialize, ToSchema)]
pub struct Claimed {
    pub id: String,
    pub url: String,
}

/// Makes the work of a claim code the signed-in person's (a confirmed address is needed);
/// the code stops working.
#[utoipa::path(post, path = "/api/v1/claims/{code}/claim", tag = "desk", security(("bearer" = [])), params(Code),
    responses(
        (status = 200, description = "the work is now the person's", body = Claimed),
        (status = 401, description = "not signed in, or an unknown token", body = ErrorBody),
        (status = 403, description = "`email_not_verified`", body = ErrorBody),
        (status = 404, description = "no such code, or it was already claimed", body = ErrorBody),
        (status = 422, description = "`claim_code_malformed`, `claim_code_mistyped`", body = ErrorBody),
        (status = 429, description = "`too_many_claim_lookups`: try again within the hour", body = ErrorBody),
    ))]
pub async fn claim(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, Path(Code { code }): Path<Code>) -> Result<impl IntoResponse, AppError> {
    viewer.require()?;
    let id = desks::claim(&state, viewer.actor(), &client.bucket(), &code).await?;
    let url = format!("/api/v1/works/{id}");
    Ok(Json(Claimed { id, url }))
}
