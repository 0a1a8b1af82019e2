//! New captions or a new transcript for a published film or sound: its author sends them,
//! the published version stays public as it is, and a curator approves them (they become
//! the work's next revision, the earlier one kept in its history) or declines them with a
//! reason. Either way the author is told by mail.

use super::curation::{checked_reason, DecisionInput};
use super::works::WorkDetail;
use super::{Actor, ServiceError, ServiceResult};
use crate::db::updates::{self, AccessUpdate};
use crate::db::works::{self, RenditionRow, Work};
use crate::db::{new_id, now_ms};
use crate::domain::{self, CaptionLang, Captions, Decision, Status, Transcript};
use crate::state::AppState;
use crate::storage::{derivative_key, CAPTIONS_NAME};
use sha2::{Digest, Sha256};

/// What the author sent: a transcript (the whole text, as it should read) and a captions
/// file with its language. What is left empty, or equal to what the work has, stays.
#[derive(Debug, Default)]
pub struct UpdateInput {
    pub transcript: String,
    pub captions: Option<Vec<u8>>,
    pub captions_lang: String,
}

/// The author's own published film or sound, if they may send new captions or a new
/// transcript for it now; `NotFound` for anyone else's.
pub async fn updatable(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<Work> {
    let author = actor.require()?;
    let work = works::find(&state.db, id).await?.filter(|w| w.author_id == author.id && w.status != Status::Withdrawn).ok_or(ServiceError::NotFound)?;
    if !domain::may_update_access(work.kind, work.status) {
        return Err(ServiceError::conflict("not_updatable"));
    }
    Ok(work)
}

/// Checks what the author sent against the work (captions must fit its length) and keeps
/// it for a curator, replacing an earlier update still waiting.
pub async fn propose(state: &AppState, actor: Actor<'_>, id: &str, input: UpdateInput) -> ServiceResult<AccessUpdate> {
    let work = updatable(state, actor, id).await?;
    let transcript = Transcript::parse(&input.transcript)?.into_inner();
    let transcript = Some(transcript).filter(|t| !t.is_empty() && Some(t) != work.transcript.as_ref());
    let captions = match input.captions.filter(|b| !b.is_empty()) {
        Some(bytes) => {
            let lang = CaptionLang::parse(&input.captions_lang)?;
            let duration_ms = work.duration_ms.filter(|d| *d > 0).map(|d| d as u64);
            // Up to 2 MiB of text to decode and check: CPU work, off the async threads.
            let parsed = state
                .request_pool
                .run(move || Captions::parse_in(&bytes, duration_ms, &lang).map(|c| (c.to_webvtt(), lang.as_str().to_owned())))
                .await??;
            Some(parsed).filter(|c| work.captions_vtt.as_ref() != Some(&c.0) || work.captions_lang.as_ref() != Some(&c.1))
        }
        None => None,
    };
    if transcript.is_none() && captions.is_none() {
        return Err(ServiceError::invalid("nothing_to_update"));
    }
    let update = AccessUpdate { transcript, captions, id: new_id(), created_at: now_ms() };
    if !updates::propose(&state.db, &work.id, &work.author_id, &update).await? {
        // Unpublished or withdrawn since it was read.
        return Err(ServiceError::conflict("not_updatable"));
    }
    Ok(update)
}

/// Published works with an update waiting, oldest first, each as its page shows it
/// (curators).
pub async fn queue(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<WorkDetail>> {
    actor.require_curator()?;
    let mut found = Vec::new();
    for work in updates::waiting(&state.db, super::curation::QUEUE_PAGE_SIZE).await? {
        match super::works::visible(state, actor, &work.id).await {
            Ok(detail) if detail.update.is_some() => found.push(detail),
            // Decided or withdrawn since the list was read.
            Ok(_) | Err(ServiceError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(found)
}

/// A curator approves the waiting update (`approve`) or declines it with a reason
/// (`reject`); the author is mailed. `link_base` makes the mail's link.
pub async fn decide(state: &AppState, actor: Actor<'_>, id: &str, input: DecisionInput<'_>, link_base: Option<&str>) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    let decision = match Decision::parse(input.decision) {
        Some(d @ (Decision::Approve | Decision::Reject)) => d,
        _ => return Err(ServiceError::invalid("invalid_update_decision")),
    };
    let reason = checked_reason(state, &input, decision).await?;
    let work = works::find(&state.db, id).await?.filter(|w| w.status != Status::Withdrawn).ok_or(ServiceError::NotFound)?;
    let update = match (work.status, updates::pending(&state.db, id).await?) {
        (Status::Published, Some(update)) => update,
        _ => return Err(ServiceError::conflict("no_update_waiting")),
    };
    if decision == Decision::Reject {
        if !updates::decline(&state.db, id, &update, &reason, &curator.id).await? {
            return Err(ServiceError::conflict("no_update_waiting"));
        }
        crate::notify::update_decided(state, &work, false, &reason, link_base).await;
        return Ok(());
    }
    let rendition = match &update.captions {
        Some((vtt, _)) => Some(store_captions(state, id, vtt).await?),
        None => None,
    };
    match updates::approve(&state.db, id, &update, rendition.as_ref(), &curator.id).await {
        Ok(Some(replaced)) => {
            crate::storage::remove_unreferenced(&*state.store, &replaced.into_iter().collect::<Vec<_>>(), &[]).await;
        }
        outcome => {
            // Not recorded: the captions file stays only if the work points at it (the same
            // words approved a moment ago by another curator); the sweeper catches the rest.
            if let Some(r) = &rendition {
                if !works::rendition_keys(&state.db, id).await?.contains(&r.storage_key) {
                    crate::storage::remove_unreferenced(&*state.store, std::slice::from_ref(&r.storage_key), &[]).await;
                }
            }
            outcome?;
            return Err(ServiceError::conflict("no_update_waiting"));
        }
    }
    state.index_notify.notify_one();
    let fresh = works::find(&state.db, id).await?.unwrap_or(work);
    crate::notify::update_decided(state, &fresh, true, "", link_base).await;
    Ok(())
}

/// Writes checked WebVTT into the store as the work's captions rendition (named by its
/// content, like every derivative).
async fn store_captions(state: &AppState, work_id: &str, vtt: &str) -> ServiceResult<RenditionRow> {
    let sha256 = hex::encode(Sha256::digest(vtt.as_bytes()));
    let key = derivative_key(work_id, &sha256, CAPTIONS_NAME);
    let tmp = state.config.tmp_dir();
    let bytes = vtt.as_bytes().to_vec();
    let file = tokio::task::spawn_blocking(move || -> std::io::Result<tempfile::TempPath> {
        std::fs::create_dir_all(&tmp)?;
        let mut file = tempfile::NamedTempFile::new_in(&tmp)?;
        std::io::Write::write_all(&mut file, &bytes)?;
        Ok(file.into_temp_path())
    })
    .await
    .map_err(|e| ServiceError::Internal(e.into()))??;
    state.store.put_file(&key, &file).await?;
    Ok(RenditionRow {
        work_id: work_id.to_owned(),
        name: CAPTIONS_NAME.to_owned(),
        mime: "text/vtt".to_owned(),
        width: 0,
        height: 0,
        duration_ms: None,
        size_bytes: vtt.len() as i64,
        sha256,
        storage_key: key,
    })
}
