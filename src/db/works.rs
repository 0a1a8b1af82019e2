//! Works, their renditions, and the transitions of their life.

use super::jobs::{self, ClaimedJob, TASK_PROCESS_WORK};
use super::{changes, now_ms, Db, DbResult};
use crate::domain::{Kind, Licence, Status};
use sqlx::Row;

/// A work with the names of its call and author, as pages and the API show it.
#[derive(Debug, Clone)]
pub struct Work {
    pub id: String,
    pub call_id: String,
    pub call_slug: String,
    pub call_title: String,
    pub author_id: String,
    pub author_name: String,
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub alt_text: String,
    pub licence: Licence,
    pub status: Status,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub review_reason: Option<String>,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub original_key: Option<String>,
    pub original_name: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub dominant_color: Option<String>,
    /// A photo's ThumbHash (base64), shown blurred while the photo loads.
    pub placeholder: Option<String>,
    /// The media engine's privacy receipt as JSON; loaders clear it for anyone but the
    /// author and curators (`domain::sees_privacy`).
    pub privacy: Option<String>,
    /// The library desk it was sent at, and the operator who helped (its author until the
    /// person claims it).
    pub desk_id: Option<String>,
    pub helper_id: Option<String>,
    /// The desk's name, shown beside the author ("inviata alla Biblioteca …").
    pub desk_name: Option<String>,
    pub published_at: Option<i64>,
    pub created_at: i64,
    /// 1 for the first version; each resubmission after a request for changes adds one.
    pub revision: i64,
    pub shortlisted: bool,
    pub featured: bool,
    pub transcript: Option<String>,
    /// The captions as WebVTT.
    pub captions_vtt: Option<String>,
    pub captions_lang: Option<String>,
}

/// A stored derivative of a work.
#[derive(Debug, Clone)]
pub struct RenditionRow {
    pub work_id: String,
    pub name: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub duration_ms: Option<i64>,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
}

/// The original file of a new work, already in the media store.
#[derive(Debug, Clone)]
pub struct NewOriginal {
    pub key: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
}

#[derive(Debug, Clone)]
pub struct NewWork {
    pub id: String,
    pub call_id: String,
    pub author_id: String,
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub alt_text: String,
    pub licence: Licence,
    pub body_text: Option<String>,
    pub original: Option<NewOriginal>,
    pub transcript: Option<String>,
    /// WebVTT and its language.
    pub captions: Option<(String, String)>,
    /// Sent at a library desk on someone's behalf.
    pub desk: Option<super::desks::DeskWork>,
}

pub(super) const SELECT: &str = "select w.id, w.call_id, c.slug as call_slug, c.title as call_title, w.author_id,
        coalesce(w.credited_name, u.name) as author_name, w.kind, w.title, w.description, w.alt_text, w.licence, w.status,
        w.failure_code, w.failure_message, w.review_reason, w.body_text, w.body_html,
        w.original_key, w.original_name, w.width, w.height, w.duration_ms, w.dominant_color, w.placeholder,
        w.published_at, w.created_at, w.revision, w.shortlisted_at, w.featured_at,
        w.transcript, w.captions_vtt, w.captions_lang, w.privacy, w.desk_id, w.helper_id, d.name as desk_name
    from work w join civic_call c on c.id = w.call_id join app_user u on u.id = w.author_id
    left join desk d on d.id = w.desk_id";

pub(super) fn from_row(r: &sqlx::any::AnyRow) -> DbResult<Work> {
    let kind: String = r.try_get("kind")?;
    let licence: String = r.try_get("licence")?;
    let status: String = r.try_get("status")?;
    let corrupt = |what: &str| sqlx::Error::Decode(format!("unknown {what} in work row").into());
    Ok(Work {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        call_slug: r.try_get("call_slug")?,
        call_title: r.try_get("call_title")?,
        author_id: r.try_get("author_id")?,
        author_name: r.try_get("author_name")?,
        kind: Kind::parse(&kind).map_err(|_| corrupt("kind"))?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        alt_text: r.try_get("alt_text")?,
        licence: Licence::parse(&licence).map_err(|_| corrupt("licence"))?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
        failure_code: r.try_get("failure_code")?,
        failure_message: r.try_get("failure_message")?,
        review_reason: r.try_get("review_reason")?,
        body_text: r.try_get("body_text")?,
        body_html: r.try_get("body_html")?,
        original_key: r.try_get("original_key")?,
        original_name: r.try_get("original_name")?,
        width: r.try_get("width")?,
        height: r.try_get("height")?,
        duration_ms: r.try_get("duration_ms")?,
        dominant_color: r.try_get("dominant_color")?,
        placeholder: r.try_get("placeholder")?,
        privacy: r.try_get("privacy")?,
        desk_id: r.try_get("desk_id")?,
        helper_id: r.try_get("helper_id")?,
        desk_name: r.try_get("desk_name")?,
        published_at: r.try_get("published_at")?,
        created_at: r.try_get("created_at")?,
        revision: r.try_get("revision")?,
        shortlisted: r.try_get::<Option<i64>, _>("shortlisted_at")?.is_some(),
        featured: r.try_get::<Option<i64>, _>("featured_at")?.is_some(),
        transcript: r.try_get("transcript")?,
        captions_vtt: r.try_get("captions_vtt")?,
        captions_lang: r.try_get("captions_lang")?,
    })
}

/// Stores a new work in `processing` and its processing job, in one transaction.
pub async fn insert_with_job(db: &Db, work: &NewWork, max_attempts: i64) -> DbResult<()> {
    insert_from_upload(db, work, max_attempts, None).await.map(|_| ())
}

/// Inserts a new work and its job; when `upload` names the finished resumable upload of
/// the author that holds its file, that upload is consumed in the same transaction, so it
/// becomes exactly one work. False (and nothing inserted) if that upload is gone.
pub async fn insert_from_upload(db: &Db, work: &NewWork, max_attempts: i64, upload: Option<&str>) -> DbResult<bool> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    if let Some(upload) = upload {
        if !super::uploads::consume(&mut tx, upload, &work.author_id).await? {
            return Ok(false);
        }
    }
    let original = work.original.as_ref();
    sqlx::query(
        "insert into work (id, call_id, author_id, kind, title, description, alt_text, licence, status,
                           body_text, original_key, original_name, original_mime, original_size, created_at, updated_at,
                           transcript, captions_vtt, captions_lang)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'processing', $9, $10, $11, $12, $13, $14, $14, $15, $16, $17)",
    )
    .bind(&work.id)
    .bind(&work.call_id)
    .bind(&work.author_id)
    .bind(work.kind.as_str())
    .bind(&work.title)
    .bind(&work.description)
    .bind(&work.alt_text)
    .bind(work.licence.as_str())
    .bind(work.body_text.as_deref())
    .bind(original.map(|o| o.key.as_str()))
    .bind(original.map(|o| o.name.as_str()))
    .bind(original.map(|o| o.mime.as_str()))
    .bind(original.map(|o| o.size))
    .bind(now)
    .bind(work.transcript.as_deref())
    .bind(work.captions.as_ref().map(|c| c.0.as_str()))
    .bind(work.captions.as_ref().map(|c| c.1.as_str()))
    .execute(&mut *tx)
    .await?;
    if let Some(desk) = &work.desk {
        super::desks::record_desk_work(&mut tx, &work.id, desk).await?;
    }
    jobs::enqueue(&mut tx, TASK_PROCESS_WORK, &work.id, max_attempts).await?;
    super::events::record_event(&mut tx, &work.id, Some(&work.author_id), "submitted", "").await?;
    tx.commit().await?;
    Ok(true)
}

/// `$1, $2, ... $n`, for `in (...)` lists.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Several works at once, in no particular order (missing ids are skipped).
pub async fn find_many(db: &Db, ids: &[&str]) -> DbResult<Vec<Work>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{SELECT} where w.id in ({})", placeholders(ids.len()));
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(&db.pool).await?.iter().map(from_row).collect()
}

pub async fn find(db: &Db, id: &str) -> DbResult<Option<Work>> {
    let row = sqlx::query(&format!("{SELECT} where w.id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

/// Published works, newest first, optionally of one call.
pub async fn list_published(db: &Db, call_id: Option<&str>, limit: i64, offset: i64) -> DbResult<Vec<Work>> {
    let rows = match call_id {
        Some(call) => {
            sqlx::query(&format!(
                "{SELECT} where w.status = 'published' and w.call_id = $1 order by w.published_at desc, w.id limit $2 offset $3"
            ))
            .bind(call)
            .bind(limit)
            .bind(offset)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{SELECT} where w.status = 'published' order by w.published_at desc, w.id limit $1 offset $2"
            ))
            .bind(limit)
            .bind(offset)
            .fetch_all(&db.pool)
            .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// The author's works older than `before` (created_at, id), newest first: a cursor that
/// neither skips nor repeats a work while others are added or withdrawn meanwhile.
pub async fn list_by_author_before(db: &Db, author_id: &str, before: (i64, &str), limit: i64) -> DbResult<Vec<Work>> {
    let rows = sqlx::query(&format!(
        "{SELECT} where w.author_id = $1 and w.status <> 'withdrawn' and (w.helper_id is null or w.helper_id <> w.author_id) and (w.created_at < $2 or (w.created_at = $2 and w.id < $3))
         order by w.created_at desc, w.id desc limit $4"
    ))
    .bind(author_id)
    .bind(before.0)
    .bind(before.1)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every work of one author, newest first, a page at a time.
pub async fn list_by_author(db: &Db, author_id: &str, limit: i64, offset: i64) -> DbResult<Vec<Work>> {
    // The id breaks ties so that pages never skip or repeat a work made in the same millisecond.
    let rows = sqlx::query(&format!("{SELECT} where w.author_id = $1 and w.status <> 'withdrawn' and (w.helper_id is null or w.helper_id <> w.author_id) order by w.created_at desc, w.id desc limit $2 offset $3"))
        .bind(author_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Published works with an id after `after`, in id order: a rebuild of the search index
/// reads them a page at a time.
pub async fn published_after(db: &Db, after: &str, limit: i64) -> DbResult<Vec<Work>> {
    let rows = sqlx::query(&format!("{SELECT} where w.status = 'published' and w.id > $1 order by w.id limit $2"))
        .bind(after)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

fn rendition_from_row(r: &sqlx::any::AnyRow) -> DbResult<RenditionRow> {
    Ok(RenditionRow {
        work_id: r.try_get("work_id")?,
        name: r.try_get("name")?,
        mime: r.try_get("mime")?,
        width: r.try_get("width")?,
        height: r.try_get("height")?,
        duration_ms: r.try_get("duration_ms")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        storage_key: r.try_get("storage_key")?,
    })
}

const RENDITION_COLUMNS: &str = "work_id, name, mime, width, height, duration_ms, size_bytes, sha256, storage_key";

pub async fn renditions(db: &Db, work_id: &str) -> DbResult<Vec<RenditionRow>> {
    let rows = sqlx::query(&format!("select {RENDITION_COLUMNS} from rendition where work_id = $1 order by mime, width"))
        .bind(work_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(rendition_from_row).collect()
}

/// Renditions of several works at once, for gallery pages.
pub async fn renditions_of(db: &Db, work_ids: &[&str]) -> DbResult<Vec<RenditionRow>> {
    if work_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("select {RENDITION_COLUMNS} from rendition where work_id in ({}) order by mime, width", placeholders(work_ids.len()));
    let mut query = sqlx::query(&sql);
    for id in work_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter().map(rendition_from_row).collect()
}

pub async fn find_rendition(db: &Db, work_id: &str, name: &str) -> DbResult<Option<RenditionRow>> {
    let row = sqlx::query(&format!("select {RENDITION_COLUMNS} from rendition where work_id = $1 and name = $2"))
        .bind(work_id)
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(rendition_from_row).transpose()
}

/// Records one derivative of a work, inside the caller's transaction.
pub(super) async fn insert_rendition(tx: &mut sqlx::Transaction<'_, sqlx::Any>, r: &RenditionRow, now: i64) -> DbResult<()> {
    sqlx::query(&format!("insert into rendition ({RENDITION_COLUMNS}, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(&r.work_id)
        .bind(&r.name)
        .bind(&r.mime)
        .bind(r.width)
        .bind(r.height)
        .bind(r.duration_ms)
        .bind(r.size_bytes)
        .bind(&r.sha256)
        .bind(&r.storage_key)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a processing job found: the derived files and facts about the original.
#[derive(Debug, Clone, Default)]
pub struct Processed {
    pub renditions: Vec<RenditionRow>,
    pub body_html: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub dominant_color: Option<String>,
    pub placeholder: Option<String>,
    /// The media engine's privacy receipt, as JSON (photos and films).
    pub privacy: Option<String>,
}

/// Records a finished processing job and moves the work to review, only if the job's
/// lease is still ours (None otherwise). Re-running rewrites the same rows. Returns the
/// storage keys of earlier renditions that the new set no longer uses.
pub async fn finish_processing(db: &Db, job: &ClaimedJob, processed: &Processed) -> DbResult<Option<Vec<String>>> {
    let mut tx = db.pool.begin().await?;
    if !jobs::finish(&mut tx, job, None).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let old: Vec<String> = sqlx::query("select storage_key from rendition where work_id = $1")
        .bind(&job.work_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("storage_key"))
        .collect::<DbResult<_>>()?;
    sqlx::query("delete from rendition where work_id = $1").bind(&job.work_id).execute(&mut *tx).await?;
    let now = now_ms();
    for r in &processed.renditions {
        insert_rendition(&mut tx, r, now).await?;
    }
    sqlx::query(
        "update work set status = 'pending_review', failure_code = null, failure_message = null,
                body_html = coalesce($1, body_html), width = $2, height = $3, duration_ms = $4,
                dominant_color = $5, updated_at = $6, placeholder = $8, privacy = $9
         where id = $7 and status = 'processing'",
    )
    .bind(processed.body_html.as_deref())
    .bind(processed.width)
    .bind(processed.height)
    .bind(processed.duration_ms)
    .bind(processed.dominant_color.as_deref())
    .bind(now)
    .bind(&job.work_id)
    .bind(processed.placeholder.as_deref())
    .bind(processed.privacy.as_deref())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let kept: std::collections::HashSet<&str> = processed.renditions.iter().map(|r| r.storage_key.as_str()).collect();
    Ok(Some(old.into_iter().filter(|k| !kept.contains(k.as_str())).collect()))
}

/// Storage keys the database points at for a work.
pub async fn rendition_keys(db: &Db, work_id: &str) -> DbResult<Vec<String>> {
    let rows = sqlx::query("select storage_key from rendition where work_id = $1").bind(work_id).fetch_all(&db.pool).await?;
    rows.iter().map(|r| r.try_get("storage_key")).collect()
}

/// Every original's storage key, for the sweeper.
pub async fn all_original_keys(db: &Db) -> DbResult<Vec<String>> {
    let rows = sqlx::query("select original_key from work where original_key is not null").fetch_all(&db.pool).await?;
    rows.iter().map(|r| r.try_get("original_key")).collect()
}

/// Every storage key any rendition points at, for the sweeper.
pub async fn all_rendition_keys(db: &Db) -> DbResult<Vec<String>> {
    let rows = sqlx::query("select storage_key from rendition").fetch_all(&db.pool).await?;
    rows.iter().map(|r| r.try_get("storage_key")).collect()
}

/// Marks the job and the work failed with a reason the author can read, if the lease is ours.
pub async fn fail_processing(db: &Db, job: &ClaimedJob, code: &str, message: &str) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    if !jobs::finish(&mut tx, job, Some(&format!("{code}: {message}"))).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "update work set status = 'failed', failure_code = $1, failure_message = $2, updated_at = $3
         where id = $4 and status = 'processing'",
    )
    .bind(code)
    .bind(message)
    .bind(now_ms())
    .bind(&job.work_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets (or replaces) the city's public reply to a work, and logs it.
pub async fn set_reply(db: &Db, work_id: &str, curator_id: &str, body: &str) -> DbResult<()> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "insert into work_reply (work_id, author_id, body, created_at, updated_at) values ($1, $2, $3, $4, $4)
         on conflict (work_id) do update set author_id = excluded.author_id, body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(work_id)
    .bind(curator_id)
    .bind(body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    super::audit::record(&mut tx, Some(curator_id), "work.reply", work_id, "").await?;
    tx.commit().await
}

/// The city's reply to a work, if any.
pub async fn reply_of(db: &Db, work_id: &str) -> DbResult<Option<String>> {
    let row = sqlx::query("select body from work_reply where work_id = $1").bind(work_id).fetch_optional(&db.pool).await?;
    row.map(|r| r.try_get("body")).transpose()
}

/// How many works a person has in a call that count against its per-person limit
/// (withdrawn, rejected and failed ones do not).
pub async fn count_by_author_in_call(db: &Db, author_id: &str, call_id: &str) -> DbResult<i64> {
    let row = sqlx::query(
        "select count(*) as n from work where author_id = $1 and call_id = $2
           and (helper_id is null or helper_id <> author_id)
           and status in ('processing', 'pending_review', 'changes_requested', 'published')",
    )
    .bind(author_id)
    .bind(call_id)
    .fetch_one(&db.pool)
    .await?;
    row.try_get("n")
}

/// Calls with the given id and title of a demo work, to keep `piazza demo` idempotent.
pub async fn find_by_author_and_title(db: &Db, author_id: &str, call_id: &str, title: &str) -> DbResult<Option<String>> {
    let row = sqlx::query("select id from work where author_id = $1 and call_id = $2 and title = $3")
        .bind(author_id)
        .bind(call_id)
        .bind(title)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Works in `processing`, last touched before `before_ms`, with no queued or running job.
pub async fn stuck_without_job(db: &Db, before_ms: i64) -> DbResult<Vec<String>> {
    let rows = sqlx::query(
        "select w.id from work w
         where w.status = 'processing' and w.updated_at < $1
           and not exists (select 1 from job j where j.work_id = w.id and j.state in ('queued', 'running'))
         limit 500",
    )
    .bind(before_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// Queues a fresh processing job for a work (a no-op if one is live).
pub async fn requeue(db: &Db, work_id: &str, max_attempts: i64) -> DbResult<()> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update work set updated_at = $1 where id = $2").bind(now_ms()).bind(work_id).execute(&mut *tx).await?;
    jobs::enqueue(&mut tx, TASK_PROCESS_WORK, work_id, max_attempts).await?;
    tx.commit().await
}

/// Puts a failed work back into processing with a new job; false if it had not failed.
pub async fn retry_failed(db: &Db, work_id: &str, max_attempts: i64, actor_id: Option<&str>) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query(
        "update work set status = 'processing', failure_code = null, failure_message = null, updated_at = $1
         where id = $2 and status = 'failed'",
    )
    .bind(now_ms())
    .bind(work_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    jobs::enqueue(&mut tx, TASK_PROCESS_WORK, work_id, max_attempts).await?;
    super::audit::record(&mut tx, actor_id, "work.retry", work_id, "").await?;
    tx.commit().await?;
    Ok(true)
}

/// Which of these work ids exist.
pub async fn existing_ids(db: &Db, ids: &[&str]) -> DbResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = format!("select id from work where id in ({})", placeholders(chunk.len()));
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&db.pool).await? {
            found.push(row.try_get("id")?);
        }
    }
    Ok(found)
}

/// Withdraws a work inside the caller's transaction: the status becomes `withdrawn`, its
/// content and renditions are erased from the database, and a job in flight loses its
/// lease (so its result is refused). The caller records the change and deletes the files.
pub async fn withdraw_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: &str, now: i64) -> DbResult<()> {
    sqlx::query("delete from rendition where work_id = $1").bind(id).execute(&mut **tx).await?;
    // Earlier versions are the author's content too.
    sqlx::query("delete from work_revision where work_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query(
        "update work set status = 'withdrawn', title = '', description = '', alt_text = '', body_text = null,
                shortlisted_at = null, featured_at = null,
                body_html = null, review_reason = null, failure_code = null, failure_message = null,
                original_key = null, original_name = null, original_mime = null, original_size = null,
                dominant_color = null, placeholder = null, published_at = null, updated_at = $1
         where id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update job set state = 'failed', last_error = 'withdrawn', lease_token = null, lease_expires_at = null,
                updated_at = $1
         where work_id = $2 and state in ('queued', 'running')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An author withdraws their own work: returns the original's key (to delete), or None
/// when the work is not theirs or already withdrawn.
pub async fn withdraw_by_author(db: &Db, id: &str, author_id: &str) -> DbResult<Option<Option<String>>> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    // The first statement writes, so SQLite takes its write lock at once.
    let touched = sqlx::query("update work set updated_at = $1 where id = $2 and author_id = $3 and status <> 'withdrawn'")
        .bind(now)
        .bind(id)
        .bind(author_id)
        .execute(&mut *tx)
        .await?;
    if touched.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let original: Option<String> = sqlx::query("select original_key from work where id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("original_key")?;
    withdraw_in(&mut tx, id, now).await?;
    changes::record(&mut tx, db.backend, id).await?;
    tx.commit().await?;
    Ok(Some(original))
}

/// The works an operator helped with, newest first.
pub async fn helped_by(db: &Db, helper_id: &str, limit: i64) -> DbResult<Vec<Work>> {
    let rows = sqlx::query(&format!("{SELECT} where w.helper_id = $1 and w.status <> 'withdrawn' order by w.created_at desc, w.id desc limit $2"))
        .bind(helper_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}
