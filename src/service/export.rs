//! A person's data export: a zip of everything they gave the piazza, `account.json`,
//! `works.json` (metadata, statuses, history), `texts/` and `originals/`. Built in an
//! unnamed temp file (gone when closed, even after a crash) so big originals never sit in
//! memory; the caller streams it.

use super::works::History;
use super::{Actor, ServiceError, ServiceResult};
use crate::clock::rfc3339_ms;
use crate::db::users::User;
use crate::db::{now_ms, works};
use crate::domain::Audience;
use crate::state::AppState;
use bytes::Bytes;
use futures_util::StreamExt;
use std::io::{Seek, Write};

/// A work's history and earlier versions as the export writes them.
fn history_json(history: &History) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    (
        history.events.iter().map(|e| serde_json::json!({ "action": e.action, "reason": e.reason, "at": rfc3339_ms(e.created_at) })).collect(),
        history
            .revisions
            .iter()
            .map(|r| {
                serde_json::json!({
                    "revision": r.revision, "title": r.title, "description": r.description, "text": r.body_text,
                    "file_name": r.original_name, "review_reason": r.review_reason,
                })
            })
            .collect(),
    )
}

type Zip = zip::ZipWriter<std::fs::File>;

fn zip_error(e: zip::result::ZipError) -> ServiceError {
    match e {
        zip::result::ZipError::Io(io) => io.into(),
        other => ServiceError::Internal(other.into()),
    }
}

fn zip_name(work_id: &str, original_name: &str) -> String {
    let clean: String = original_name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() { work_id.to_owned() } else { format!("{work_id}-{clean}") }
}

/// What the export's writer thread is told to do next.
enum ZipStep {
    Start(String, zip::write::SimpleFileOptions),
    Write(Bytes),
}

/// Works read from the database at a time while exporting: memory holds one page, however
/// many works the person has.
const EXPORT_PAGE: i64 = 100;

/// Builds the export of the signed-in person, rewound to its start.
pub async fn build(state: &AppState, actor: Actor<'_>) -> ServiceResult<std::fs::File> {
    let user = actor.require()?;
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    // Media is compressed already: stored as is, it costs no CPU.
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    let file = tempfile::tempfile_in(state.config.tmp_dir()).map_err(ServiceError::from)?;
    // One blocking thread writes the zip; this task feeds it through a small channel, so
    // memory holds a few chunks and one page of works.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ZipStep>(8);
    let writer = tokio::task::spawn_blocking(move || -> zip::result::ZipResult<std::fs::File> {
        let mut zip = Zip::new(file);
        while let Some(step) = rx.blocking_recv() {
            match step {
                ZipStep::Start(name, options) => zip.start_file(name, options)?,
                ZipStep::Write(bytes) => zip.write_all(&bytes)?,
            }
        }
        zip.finish()
    });
    let fed = feed_export(state, user, &tx, deflated, stored).await;
    drop(tx);
    let written = writer.await.map_err(|e| ServiceError::Internal(e.into()))?.map_err(zip_error);
    fed?;
    let mut file = written?;
    file.rewind().map_err(ServiceError::from)?;
    Ok(file)
}

/// Feeds the zip in one pass over the author's works, a page at a time: each work's text
/// and original go in as they come, its `works.json` entry to a spooled temp file that
/// becomes the archive's last entry. Memory holds one page and a few chunks.
async fn feed_export(
    state: &AppState,
    user: &User,
    tx: &tokio::sync::mpsc::Sender<ZipStep>,
    deflated: zip::write::SimpleFileOptions,
    stored: zip::write::SimpleFileOptions,
) -> Result<(), ServiceError> {
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    let send = |step: ZipStep| async move { tx.send(step).await.map_err(|_| ServiceError::Internal(anyhow::anyhow!("the export writer stopped"))) };
    let json = |value: &serde_json::Value| serde_json::to_vec_pretty(value).map(Bytes::from).map_err(|e| ServiceError::Internal(e.into()));
    let account = serde_json::json!({
        "email": user.email,
        "name": user.name,
        "role": user.role.as_str(),
        "email_verified": user.email_verified,
        "exported_at": rfc3339_ms(now_ms()),
    });
    send(ZipStep::Start("account.json".into(), deflated)).await?;
    send(ZipStep::Write(json(&account)?)).await?;

    let mut entries = tokio::fs::File::from_std(tempfile::tempfile_in(state.config.tmp_dir()).map_err(ServiceError::from)?);
    entries.write_all(b"[").await.map_err(ServiceError::from)?;
    let mut before = (i64::MAX, String::new());
    let mut first = true;
    loop {
        let page = works::list_by_author_before(&state.db, &user.id, (before.0, &before.1), EXPORT_PAGE).await?;
        let Some(last) = page.last() else { break };
        before = (last.created_at, last.id.clone());
        for w in page {
            let (history, earlier) = history_json(&super::works::history_for(state, &w, Audience::Author).await?);
            let text_file = w.body_text.as_ref().map(|_| format!("texts/{}.txt", w.id));
            let original_file = w.original_key.as_ref().map(|_| format!("originals/{}", zip_name(&w.id, w.original_name.as_deref().unwrap_or(""))));
            let entry = serde_json::json!({
                "id": w.id,
                "call": w.call_slug,
                "call_title": w.call_title,
                "kind": w.kind.as_str(),
                "title": w.title,
                "description": w.description,
                "alt_text": w.alt_text,
                "licence": w.licence.as_str(),
                "status": w.status.as_str(),
                "review_reason": w.review_reason,
                "failure": w.failure_code.as_ref().map(|code| serde_json::json!({ "code": code, "message": w.failure_message })),
                "created_at": rfc3339_ms(w.created_at),
                "published_at": w.published_at.map(rfc3339_ms),
                "original_name": w.original_name,
                "text_file": text_file,
                "original_file": original_file,
                "revision": w.revision,
                "history": history,
                "earlier_versions": earlier,
            });
            entries.write_all(if std::mem::take(&mut first) { b"\n" } else { b",\n" }).await.map_err(ServiceError::from)?;
            entries.write_all(&json(&entry)?).await.map_err(ServiceError::from)?;
            if let (Some(name), Some(text)) = (text_file, w.body_text) {
                send(ZipStep::Start(name, deflated)).await?;
                send(ZipStep::Write(Bytes::from(text))).await?;
            }
            if let (Some(name), Some(key)) = (original_file, w.original_key.as_ref()) {
                match state.store.get(key, None).await {
                    Ok(object) => {
                        send(ZipStep::Start(name, stored)).await?;
                        let mut body = object.body;
                        while let Some(chunk) = body.next().await {
                            send(ZipStep::Write(chunk.map_err(ServiceError::from)?)).await?;
                        }
                    }
                    Err(crate::storage::StorageError::NotFound) => tracing::warn!("original missing from the store; left out of the export"),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    entries.write_all(b"\n]\n").await.map_err(ServiceError::from)?;
    entries.flush().await.map_err(ServiceError::from)?;
    entries.rewind().await.map_err(ServiceError::from)?;
    send(ZipStep::Start("works.json".into(), deflated)).await?;
    let mut spooled = tokio_util::io::ReaderStream::new(entries);
    while let Some(chunk) = spooled.next().await {
        send(ZipStep::Write(chunk.map_err(ServiceError::from)?)).await?;
    }
    Ok(())
}
