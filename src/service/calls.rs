//! Running calls: what curators do to a call (create, edit, move along its lifecycle, give
//! it a cover) and which calls each person may see.

use super::{Actor, ServiceError, ServiceResult};
use crate::db::calls;
use crate::domain::{Call, CallFields, CallState, NewCall, RawCallFields};
use crate::state::AppState;

/// A cover is a picture for a page, not a work: a small upload limit.
pub const MAX_COVER_BYTES: u64 = 20 * 1024 * 1024;

/// What a work sent to a call may be: told before anything is sent, so no one uploads a
/// film for an hour to learn it is too long.
#[derive(Debug, Clone)]
pub struct SubmissionLimits {
    /// Largest photo or film file, in bytes.
    pub max_bytes: u64,
    /// Longest film, in whole seconds.
    pub max_duration_s: u64,
    /// Largest photo, in pixels (width × height).
    pub max_pixels: u64,
    /// Longest poem or story, in characters.
    pub max_text_chars: usize,
    /// For each kind the call takes, the file types it may be sent as (none for texts).
    pub types: Vec<(crate::domain::Kind, &'static [&'static str])>,
}

/// The limits of works sent to `call`.
pub fn limits(state: &AppState, call: &Call) -> SubmissionLimits {
    limits_of(state, &call.kinds)
}

/// The limits of works of `kinds`, whatever the call.
pub fn limits_of(state: &AppState, kinds: &[crate::domain::Kind]) -> SubmissionLimits {
    let config = &state.config;
    SubmissionLimits {
        max_bytes: config.max_upload_bytes,
        max_duration_s: config.limits.max_duration_s.floor() as u64,
        max_pixels: config.limits.max_image_pixels,
        max_text_chars: config.max_text_chars,
        types: kinds.iter().map(|k| (*k, k.file_types())).collect(),
    }
}

pub fn parse_state(s: &str) -> ServiceResult<CallState> {
    CallState::parse(s).ok_or_else(|| ServiceError::invalid("invalid_state").arg("problem", "other"))
}

/// A call in any state for curators; others see only calls that are not drafts.
pub async fn call_for(state: &AppState, actor: Actor<'_>, slug: &str) -> ServiceResult<Call> {
    let call = if actor.is_curator() { calls::find_any_by_slug(&state.db, slug).await? } else { calls::find_by_slug(&state.db, slug).await? };
    call.ok_or(ServiceError::NotFound)
}

/// A call the public can see, whoever asks (feed readers share their URLs).
pub async fn public(state: &AppState, slug: &str) -> ServiceResult<Call> {
    calls::find_by_slug(&state.db, slug).await?.ok_or(ServiceError::NotFound)
}

/// The call as it is now, read again after a change.
pub async fn reload(state: &AppState, call: &Call) -> ServiceResult<Call> {
    calls::find_by_id(&state.db, &call.id).await?.ok_or(ServiceError::NotFound)
}

/// Every call for curators, in any state; for others the visible ones, then the archive.
pub async fn list(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<Call>> {
    if actor.is_curator() {
        return Ok(calls::list_all(&state.db).await?);
    }
    let mut visible = calls::list_visible(&state.db).await?;
    visible.extend(calls::list_archived(&state.db).await?);
    Ok(visible)
}

/// Every call, for the curators' pages.
pub async fn all(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<Call>> {
    actor.require_curator()?;
    Ok(calls::list_all(&state.db).await?)
}

/// Creates a call in its first state.
pub async fn create(state: &AppState, actor: Actor<'_>, slug: &str, raw: &RawCallFields, initial: CallState) -> ServiceResult<Call> {
    let curator = actor.require_curator()?;
    let new_call = NewCall::parse(slug, raw, initial)?;
    calls::insert(&state.db, &new_call, Some(&curator.id)).await.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            ServiceError::conflict("slug_taken")
        } else {
            e.into()
        }
    })
}

/// Replaces a call's editable fields; the slug stays (links to the call keep working).
pub async fn edit(state: &AppState, actor: Actor<'_>, call: &Call, raw: &RawCallFields) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    let fields = CallFields::parse(raw)?;
    calls::update(&state.db, call, &fields, &curator.id).await?;
    state.index_notify.notify_one();
    Ok(())
}

/// Moves a call along its lifecycle.
pub async fn set_state(state: &AppState, actor: Actor<'_>, call: &Call, to: CallState) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    call.state.check_move(to).map_err(|e| ServiceError::Refused { refusal: super::Refusal::Conflict, code: e.code, args: e.args })?;
    if call.state != to && !calls::set_state(&state.db, call, to, &curator.id).await? {
        return Err(ServiceError::conflict("call_changed"));
    }
    Ok(())
}

/// Gives the call a cover made from the bytes of a picture, with its description.
pub async fn set_cover(state: &AppState, actor: Actor<'_>, call: &Call, bytes: Vec<u8>, alt: &str) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    super::covers::store(state, call, bytes, alt, &curator.id).await
}
