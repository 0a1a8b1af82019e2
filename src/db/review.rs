//! What curators do to works (decide, shortlist, feature) and what authors do in answer
//! (resubmit after a request for changes), with the history of each work.

use super::jobs::{self, TASK_PROCESS_WORK};
use super::works::{from_row, Work, SELECT};
use super::{changes, now_ms, Db, DbResult};
use crate::domain::{Audience, Decision, Flag, Kind, Status};
use super::events::record_event;
use sqlx::Row;

/// Applies a decision; false if the work was not in a state the decision applies to:
/// approve and ask for changes apply to works waiting for review; reject also to published
/// works and to works waiting for the author's changes.
/// Publication and unpublication append to the change sequence in the same transaction.
pub async fn decide(db: &Db, work_id: &str, decision: Decision, reason: &str, actor_id: Option<&str>) -> DbResult<bool> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let from = status_list(decision.applies_to());
    let sql = match decision {
        Decision::Approve => format!("update work set status = 'published', published_at = $1, review_reason = null, updated_at = $1 where id = $2 and status in {from}"),
        Decision::RequestChanges => format!("update work set status = 'changes_requested', review_reason = $1, updated_at = $2 where id = $3 and status in {from}"),
        Decision::Reject => {
            format!("update work set status = 'rejected', review_reason = $1, featured_at = null, updated_at = $2 where id = $3 and status in {from}")
        }
    };
    let updated = match decision {
        Decision::Approve => sqlx::query(&sql).bind(now).bind(work_id),
        Decision::RequestChanges | Decision::Reject => sqlx::query(&sql).bind(reason).bind(now).bind(work_id),
    }
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    changes::record(&mut tx, db.backend, work_id).await?;
    // A curator's decision answers the reports made so far.
    sqlx::query("update work_report set resolved_at = $1 where work_id = $2 and resolved_at is null")
        .bind(now)
        .bind(work_id)
        .execute(&mut *tx)
        .await?;
    record_event(&mut tx, work_id, actor_id, decision.event(), reason).await?;
    super::audit::record(&mut tx, actor_id, &format!("work.{}", decision.event()), work_id, reason).await?;
    tx.commit().await?;
    Ok(true)
}

/// The statuses as an SQL list, from the domain's rules (fixed words, never input).
fn status_list(statuses: &[Status]) -> String {
    let quoted: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
    format!("({})", quoted.join(", "))
}

/// Puts a work on (or off) the call's shortlist, or features it on the call's page; false
/// when the work's status does not allow the mark.
pub async fn set_flag(db: &Db, work_id: &str, flag: Flag, on: bool, actor_id: &str) -> DbResult<bool> {
    let column = match flag {
        Flag::Featured => "featured_at",
        Flag::Shortlisted => "shortlisted_at",
    };
    let allowed = status_list(flag.allowed_for());
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let sql = if on {
        format!("update work set {column} = coalesce({column}, $1), updated_at = $1 where id = $2 and status in {allowed}")
    } else {
        format!("update work set {column} = null, updated_at = $1 where id = $2")
    };
    let updated = sqlx::query(&sql).bind(now).bind(work_id).execute(&mut *tx).await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let action = flag.event(on);
    record_event(&mut tx, work_id, Some(actor_id), action, "").await?;
    super::audit::record(&mut tx, Some(actor_id), &format!("work.{action}"), work_id, "").await?;
    tx.commit().await?;
    Ok(true)
}

/// A work's new version, as its author changed it after a request for changes.
#[derive(Debug, Clone)]
pub struct Resubmission {
    pub title: String,
    pub description: String,
    pub alt_text: String,
    pub body_text: Option<String>,
    /// Set when the author sent a new file; it is already in the store under the original's key.
    pub new_original: Option<super::works::NewOriginal>,
    /// A film's or a sound's transcript as the new version has it (None: none).
    pub transcript: Option<String>,
    /// New captions (WebVTT and language), none any more (`Some(None)`), or unchanged (`None`).
    pub captions: Option<Option<(String, String)>>,
}

/// Keeps the current version in the history and stores the new one: back to processing
/// (with a job) when the text or the file changed, straight back to review otherwise.
/// Returns the key of the original the new file replaces (to delete), or None when the
/// work is not the author's or nobody asked for changes.
pub async fn resubmit(db: &Db, work_id: &str, author_id: &str, new: &Resubmission, max_attempts: i64) -> DbResult<Option<Option<String>>> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let old_key: Option<String> = match sqlx::query("select original_key from work where id = $1").bind(work_id).fetch_optional(&mut *tx).await? {
        Some(row) => row.try_get("original_key")?,
        None => None,
    };
    let copied = sqlx::query(
        "insert into work_revision (work_id, revision, title, description, alt_text, body_text, original_name, review_reason, created_at,
                                    transcript)
         select id, revision, title, description, alt_text, body_text, original_name, review_reason, $1, transcript
         from work where id = $2 and author_id = $3 and status = 'changes_requested'",
    )
    .bind(now)
    .bind(work_id)
    .bind(author_id)
    .execute(&mut *tx)
    .await?;
    if copied.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    // New captions become a new rendition: the job writes them.
    let reprocess = new.body_text.is_some() || new.new_original.is_some() || new.captions.is_some();
    let captions = new.captions.as_ref().and_then(|c| c.as_ref());
    let original = new.new_original.as_ref();
    sqlx::query(
        "update work set title = $1, description = $2, alt_text = $3, body_text = coalesce($4, body_text),
                original_key = coalesce($11, original_key), original_name = coalesce($5, original_name), original_mime = coalesce($6, original_mime),
                original_size = coalesce($7, original_size), status = $8, revision = revision + 1,
                review_reason = null, updated_at = $9, transcript = $12,
                captions_vtt = case when $13 = 1 then $14 else captions_vtt end,
                captions_lang = case when $13 = 1 then $15 else captions_lang end
         where id = $10",
    )
    .bind(&new.title)
    .bind(&new.description)
    .bind(&new.alt_text)
    .bind(new.body_text.as_deref())
    .bind(original.map(|o| o.name.as_str()))
    .bind(original.map(|o| o.mime.as_str()))
    .bind(original.map(|o| o.size))
    .bind(if reprocess { "processing" } else { "pending_review" })
    .bind(now)
    .bind(work_id)
    .bind(original.map(|o| o.key.as_str()))
    .bind(new.transcript.as_deref())
    .bind(new.captions.is_some() as i64)
    .bind(captions.map(|c| c.0.as_str()))
    .bind(captions.map(|c| c.1.as_str()))
    .execute(&mut *tx)
    .await?;
    if reprocess {
        jobs::enqueue(&mut tx, TASK_PROCESS_WORK, work_id, max_attempts).await?;
    }
    record_event(&mut tx, work_id, Some(author_id), "resubmitted", "").await?;
    tx.commit().await?;
    Ok(Some(if original.is_some() { old_key } else { None }))
}

/// One step in a work's history.
#[derive(Debug, Clone)]
pub struct WorkEvent {
    pub action: String,
    pub reason: String,
    pub created_at: i64,
}


/// A work's history as `audience` may see it, oldest first.
pub async fn events_of(db: &Db, work_id: &str, audience: Audience) -> DbResult<Vec<WorkEvent>> {
    let mut sql = String::from("select action, reason, created_at from work_event where work_id = $1");
    if !audience.sees_shortlist() {
        sql.push_str(" and action not in ('shortlisted', 'unshortlisted')");
    }
    sql.push_str(" order by id");
    let rows = sqlx::query(&sql).bind(work_id).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok(WorkEvent { action: r.try_get("action")?, reason: r.try_get("reason")?, created_at: r.try_get("created_at")? }))
        .collect()
}

/// An earlier version of a work.
#[derive(Debug, Clone)]
pub struct Revision {
    pub revision: i64,
    pub title: String,
    pub description: String,
    pub body_text: Option<String>,
    pub original_name: Option<String>,
    pub review_reason: Option<String>,
}

/// A work's earlier versions, oldest first.
pub async fn revisions_of(db: &Db, work_id: &str) -> DbResult<Vec<Revision>> {
    let rows = sqlx::query(
        "select revision, title, description, body_text, original_name, review_reason from work_revision
         where work_id = $1 order by revision",
    )
    .bind(work_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Revision {
                revision: r.try_get("revision")?,
                title: r.try_get("title")?,
                description: r.try_get("description")?,
                body_text: r.try_get("body_text")?,
                original_name: r.try_get("original_name")?,
                review_reason: r.try_get("review_reason")?,
            })
        })
        .collect()
}

/// What the review queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub call_id: Option<String>,
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub shortlisted_only: bool,
}

/// Works for the review queue, oldest first, `limit` from `offset`. Without a status: the
/// ones that need a curator (waiting for review).
pub async fn queue(db: &Db, filter: &QueueFilter, limit: i64, offset: i64) -> DbResult<Vec<Work>> {
    let mut sql = format!("{SELECT} where w.status = $1");
    let status = filter.status.unwrap_or(Status::PendingReview);
    let mut binds: Vec<String> = vec![status.as_str().to_owned()];
    if let Some(call) = &filter.call_id {
        binds.push(call.clone());
        sql.push_str(&format!(" and w.call_id = ${}", binds.len()));
    }
    if let Some(kind) = filter.kind {
        binds.push(kind.as_str().to_owned());
        sql.push_str(&format!(" and w.kind = ${}", binds.len()));
    }
    if filter.shortlisted_only {
        sql.push_str(" and w.shortlisted_at is not null");
    }
    sql.push_str(&format!(" order by w.created_at, w.id limit {} offset {}", limit.clamp(1, 500), offset.max(0)));
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b.as_str());
    }
    query.fetch_all(&db.pool).await?.iter().map(from_row).collect()
}

/// Featured works of a call, for its page: most recently featured first.
pub async fn featured_in(db: &Db, call_id: &str) -> DbResult<Vec<Work>> {
    let rows = sqlx::query(&format!(
        "{SELECT} where w.call_id = $1 and w.status = 'published' and w.featured_at is not null order by w.featured_at desc limit 24"
    ))
    .bind(call_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}
