//! New captions or a new transcript that the author of a published work sent: kept beside
//! the work, which stays public as it is, until a curator approves (the work becomes its
//! next revision, the earlier one kept in the history) or declines it.

use super::events::record_event;
use super::works::{from_row, insert_rendition, RenditionRow, Work, SELECT};
use super::{changes, now_ms, Db, DbResult};
use sqlx::Row;

/// What an author proposes; `None` keeps what the work has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessUpdate {
    pub transcript: Option<String>,
    /// Checked WebVTT and its language.
    pub captions: Option<(String, String)>,
    /// Fresh for every update sent, so a decision applies to the one the curator read.
    pub id: String,
    pub created_at: i64,
}

fn from_update_row(row: &sqlx::any::AnyRow) -> DbResult<AccessUpdate> {
    let vtt: Option<String> = row.try_get("captions_vtt")?;
    let lang: Option<String> = row.try_get("captions_lang")?;
    Ok(AccessUpdate {
        transcript: row.try_get("transcript")?,
        captions: vtt.zip(lang),
        id: row.try_get("id")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores (or replaces) the update waiting for `work_id`, only while the work is the
/// author's and published; false otherwise.
pub async fn propose(db: &Db, work_id: &str, author_id: &str, update: &AccessUpdate) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    let captions = update.captions.as_ref();
    let stored = sqlx::query(
        "insert into access_update (work_id, id, transcript, captions_vtt, captions_lang, created_at)
         select id, $7, $1, $2, $3, $4 from work where id = $5 and author_id = $6 and status = 'published'
         on conflict (work_id) do update set id = excluded.id, transcript = excluded.transcript,
                captions_vtt = excluded.captions_vtt, captions_lang = excluded.captions_lang, created_at = excluded.created_at",
    )
    .bind(update.transcript.as_deref())
    .bind(captions.map(|c| c.0.as_str()))
    .bind(captions.map(|c| c.1.as_str()))
    .bind(update.created_at)
    .bind(work_id)
    .bind(author_id)
    .bind(&update.id)
    .execute(&mut *tx)
    .await?;
    if stored.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    record_event(&mut tx, work_id, Some(author_id), "update_proposed", "").await?;
    tx.commit().await?;
    Ok(true)
}

/// The update waiting for a work, if any.
pub async fn pending(db: &Db, work_id: &str) -> DbResult<Option<AccessUpdate>> {
    let row = sqlx::query("select id, transcript, captions_vtt, captions_lang, created_at from access_update where work_id = $1")
        .bind(work_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_update_row).transpose()
}

/// Published works with an update waiting, oldest update first.
pub async fn waiting(db: &Db, limit: i64) -> DbResult<Vec<Work>> {
    let rows = sqlx::query(&format!(
        "{SELECT} join access_update a on a.work_id = w.id where w.status = 'published' order by a.created_at, w.id limit {}",
        limit.clamp(1, 500)
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Makes the waiting update `expected` the work's next revision: the current version goes
/// to the history, the new transcript and captions (with `captions_rendition`, already in
/// the store) replace the old. Returns the storage key of the captions rendition it
/// replaced (to delete), or None (outer) when the work is no longer published or its
/// waiting update is no longer `expected` (the author sent a newer one, or another curator
/// decided first).
pub async fn approve(
    db: &Db,
    work_id: &str,
    expected: &AccessUpdate,
    captions_rendition: Option<&RenditionRow>,
    curator_id: &str,
) -> DbResult<Option<Option<String>>> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    if !take(&mut tx, work_id, expected).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let copied = sqlx::query(
        "insert into work_revision (work_id, revision, title, description, alt_text, body_text, original_name, review_reason, created_at,
                                    transcript, captions_vtt, captions_lang)
         select id, revision, title, description, alt_text, body_text, original_name, review_reason, $1, transcript, captions_vtt, captions_lang
         from work where id = $2 and status = 'published'",
    )
    .bind(now)
    .bind(work_id)
    .execute(&mut *tx)
    .await?;
    if copied.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let captions = expected.captions.as_ref();
    sqlx::query(
        "update work set revision = revision + 1, updated_at = $1, transcript = coalesce($2, transcript),
                captions_vtt = coalesce($3, captions_vtt), captions_lang = coalesce($4, captions_lang)
         where id = $5",
    )
    .bind(now)
    .bind(expected.transcript.as_deref())
    .bind(captions.map(|c| c.0.as_str()))
    .bind(captions.map(|c| c.1.as_str()))
    .bind(work_id)
    .execute(&mut *tx)
    .await?;
    let mut replaced = None;
    if let Some(r) = captions_rendition {
        replaced = sqlx::query("select storage_key from rendition where work_id = $1 and name = $2")
            .bind(work_id)
            .bind(&r.name)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<String, _>("storage_key"))
            .transpose()?
            .filter(|old| *old != r.storage_key);
        sqlx::query("delete from rendition where work_id = $1 and name = $2").bind(work_id).bind(&r.name).execute(&mut *tx).await?;
        insert_rendition(&mut tx, r, now).await?;
    }
    // The search index holds the transcript and the captions' words.
    changes::record(&mut tx, db.backend, work_id).await?;
    record_event(&mut tx, work_id, Some(curator_id), "update_approved", "").await?;
    super::audit::record(&mut tx, Some(curator_id), "work.update_approved", work_id, "").await?;
    tx.commit().await?;
    Ok(Some(replaced))
}

/// Declines the waiting update `expected` with the curator's reason; the work stays as it
/// is. False when that update is no longer waiting.
pub async fn decline(db: &Db, work_id: &str, expected: &AccessUpdate, reason: &str, curator_id: &str) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    if !take(&mut tx, work_id, expected).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    record_event(&mut tx, work_id, Some(curator_id), "update_declined", reason).await?;
    super::audit::record(&mut tx, Some(curator_id), "work.update_declined", work_id, reason).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes the waiting update if it is still the one the curator read: two curators, or a
/// curator and an author sending a newer one, never both win.
async fn take(tx: &mut sqlx::Transaction<'_, sqlx::Any>, work_id: &str, expected: &AccessUpdate) -> DbResult<bool> {
    let taken = sqlx::query("delete from access_update where work_id = $1 and id = $2")
        .bind(work_id)
        .bind(&expected.id)
        .execute(&mut **tx)
        .await?;
    Ok(taken.rows_affected() == 1)
}
