//! Reading what the media store holds for the public: a work's derivatives (only of a work
//! the actor may see, only the one whose content hash is asked for; originals never) and
//! calls' covers (public once the call is, to curators while it is a draft).

use super::{Actor, ServiceError, ServiceResult};
use crate::db::works::{self, RenditionRow};
use crate::db::calls;
use crate::domain::{self, CallState, Status};
use crate::state::AppState;
use crate::storage::StoredObject;

/// A derivative that may be served, and whether anyone may cache it.
pub struct Rendition {
    pub row: RenditionRow,
    pub public: bool,
}

/// The rendition `name` of a work `actor` may see, if its content hash starts with `hash`.
pub async fn rendition(state: &AppState, actor: Actor<'_>, work_id: &str, hash: &str, name: &str) -> ServiceResult<Rendition> {
    let work = works::find(&state.db, work_id).await?.filter(|w| domain::may_see(w.status, &w.author_id, actor.reader())).ok_or(ServiceError::NotFound)?;
    let row = works::find_rendition(&state.db, work_id, name)
        .await?
        .filter(|r| hash.len() >= 8 && r.sha256.starts_with(hash))
        .ok_or(ServiceError::NotFound)?;
    Ok(Rendition { row, public: work.status == Status::Published })
}

/// Reads an object the caller was allowed, whole or the byte range `(start, length)`.
pub async fn read(state: &AppState, key: &str, range: Option<(u64, u64)>) -> ServiceResult<StoredObject> {
    Ok(state.store.get(key, range).await?)
}

/// A call's cover with the hash in its URL, and whether anyone may cache it.
pub async fn cover(state: &AppState, actor: Actor<'_>, call_id: &str, hash: &str) -> ServiceResult<(StoredObject, bool)> {
    let call = calls::find_by_id(&state.db, call_id).await?.filter(|c| c.state != CallState::Draft || actor.is_curator()).ok_or(ServiceError::NotFound)?;
    let cover = call.cover.filter(|c| hash.len() == 16 && c.key == crate::storage::cover_key(call_id, hash)).ok_or(ServiceError::NotFound)?;
    let object = read(state, &cover.key, None).await?;
    Ok((object, call.state != CallState::Draft))
}
