//! Resumable uploads (tus): each one's state, so that any web node can take its next chunk,
//! and the lock that lets only one request write to it at a time.

use super::{now_ms, Db, DbResult};
use sqlx::Row;

/// One upload as stored.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: String,
    pub owner_id: String,
    pub work_id: String,
    pub object_key: String,
    pub call_id: String,
    pub kind: String,
    pub file_name: String,
    pub file_type: String,
    pub length: i64,
    pub received: i64,
    pub store_ref: String,
    pub tail_key: Option<String>,
    pub tail_len: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub completed_at: Option<i64>,
}

/// One stored part of an S3 multipart upload.
#[derive(Debug, Clone)]
pub struct Part {
    pub number: i64,
    pub etag: String,
    pub size: i64,
}

const COLUMNS: &str = "id, owner_id, work_id, object_key, call_id, kind, file_name, file_type, length, received, store_ref,
                       tail_key, tail_len, locked_until, created_at, expires_at, completed_at";

fn from_row(row: &sqlx::any::AnyRow) -> DbResult<Upload> {
    Ok(Upload {
        id: row.try_get("id")?,
        owner_id: row.try_get("owner_id")?,
        work_id: row.try_get("work_id")?,
        object_key: row.try_get("object_key")?,
        call_id: row.try_get("call_id")?,
        kind: row.try_get("kind")?,
        file_name: row.try_get("file_name")?,
        file_type: row.try_get("file_type")?,
        length: row.try_get("length")?,
        received: row.try_get("received")?,
        store_ref: row.try_get("store_ref")?,
        tail_key: row.try_get("tail_key")?,
        tail_len: row.try_get("tail_len")?,
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        completed_at: row.try_get("completed_at")?,
    })
}

/// Records a new upload, unless its owner already has `max_open` uploads that are not
/// expired; returns whether it was recorded. The owner's row is locked first, so parallel
/// creations by one person are counted one after the other.
pub async fn insert(db: &Db, upload: &Upload, max_open: i64) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update app_user set id = id where id = $1").bind(&upload.owner_id).execute(&mut *tx).await?;
    let open: i64 = sqlx::query("select count(*) as n from upload where owner_id = $1 and expires_at > $2")
        .bind(&upload.owner_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if open >= max_open {
        return Ok(false);
    }
    sqlx::query(
        "insert into upload (id, owner_id, work_id, object_key, call_id, kind, file_name, file_type, length, received,
                             store_ref, created_at, updated_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $11, $12)",
    )
    .bind(&upload.id)
    .bind(&upload.owner_id)
    .bind(&upload.work_id)
    .bind(&upload.object_key)
    .bind(&upload.call_id)
    .bind(&upload.kind)
    .bind(&upload.file_name)
    .bind(&upload.file_type)
    .bind(upload.length)
    .bind(&upload.store_ref)
    .bind(upload.created_at)
    .bind(upload.expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn find(db: &Db, id: &str) -> DbResult<Option<Upload>> {
    let row = sqlx::query(&format!("select {COLUMNS} from upload where id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

/// The stored parts, in order.
pub async fn parts(db: &Db, id: &str) -> DbResult<Vec<Part>> {
    let rows = sqlx::query("select number, etag, size from upload_part where upload_id = $1 order by number").bind(id).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok(Part { number: r.try_get("number")?, etag: r.try_get("etag")?, size: r.try_get("size")? }))
        .collect()
}

/// Takes the write lock of an unfinished, unexpired upload of `owner` whose stored bytes
/// end at `offset`, until `until`; true if taken. Checked and taken in one statement, so
/// of two requests at once only one writes.
pub async fn lock(db: &Db, id: &str, owner: &str, offset: i64, token: &str, until: i64) -> DbResult<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "update upload set lock_token = $1, locked_until = $2
         where id = $3 and owner_id = $4 and received = $5 and completed_at is null and expires_at > $6
           and (locked_until is null or locked_until < $6)",
    )
    .bind(token)
    .bind(until)
    .bind(id)
    .bind(owner)
    .bind(offset)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the lock while its holder still writes; false if it was lost.
pub async fn renew(db: &Db, id: &str, token: &str, until: i64) -> DbResult<bool> {
    let done = sqlx::query("update upload set locked_until = $1 where id = $2 and lock_token = $3").bind(until).bind(id).bind(token).execute(&db.pool).await?;
    Ok(done.rows_affected() == 1)
}

/// Lets go of the lock.
pub async fn release(db: &Db, id: &str, token: &str) -> DbResult<()> {
    sqlx::query("update upload set lock_token = null, locked_until = null where id = $1 and lock_token = $2").bind(id).bind(token).execute(&db.pool).await?;
    Ok(())
}

/// What one request stored: `added` more bytes, new parts, and the tail now in the store.
pub struct Progress<'a> {
    pub added: i64,
    pub parts: &'a [Part],
    pub tail_key: Option<&'a str>,
    pub tail_len: i64,
    pub expires_at: i64,
}

/// Records what a lock holder stored, in one transaction; None if the lock was lost (the
/// upload was terminated or expired meanwhile), and then nothing is recorded.
pub async fn record(db: &Db, id: &str, token: &str, progress: &Progress<'_>) -> DbResult<Option<Upload>> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "update upload set received = received + $1, tail_key = $2, tail_len = $3, updated_at = $4, expires_at = $5
         where id = $6 and lock_token = $7",
    )
    .bind(progress.added)
    .bind(progress.tail_key)
    .bind(progress.tail_len)
    .bind(now_ms())
    .bind(progress.expires_at)
    .bind(id)
    .bind(token)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    for part in progress.parts {
        // A part number a lost request had stored but not recorded is simply replaced.
        sqlx::query("delete from upload_part where upload_id = $1 and number = $2").bind(id).bind(part.number).execute(&mut *tx).await?;
        sqlx::query("insert into upload_part (upload_id, number, etag, size) values ($1, $2, $3, $4)")
            .bind(id)
            .bind(part.number)
            .bind(&part.etag)
            .bind(part.size)
            .execute(&mut *tx)
            .await?;
    }
    let row = sqlx::query(&format!("select {COLUMNS} from upload where id = $1")).bind(id).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    from_row(&row).map(Some)
}

/// Marks a lock holder's upload as assembled in the store; its parts are no longer needed.
pub async fn complete(db: &Db, id: &str, token: &str, expires_at: i64) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    let done = sqlx::query(
        "update upload set completed_at = $1, updated_at = $1, expires_at = $2, tail_key = null, tail_len = 0
         where id = $3 and lock_token = $4 and received = length",
    )
    .bind(now)
    .bind(expires_at)
    .bind(id)
    .bind(token)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("delete from upload_part where upload_id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes an upload of `owner` (a termination); returns it, so its bytes can be removed.
pub async fn delete_owned(db: &Db, id: &str, owner: &str) -> DbResult<Option<Upload>> {
    let Some(upload) = find(db, id).await?.filter(|u| u.owner_id == owner) else { return Ok(None) };
    let done = sqlx::query("delete from upload where id = $1 and owner_id = $2").bind(id).bind(owner).execute(&db.pool).await?;
    Ok((done.rows_affected() == 1).then_some(upload))
}

/// Uploads that expired before `now`, at most `limit`.
pub async fn expired(db: &Db, now: i64, limit: i64) -> DbResult<Vec<Upload>> {
    let rows = sqlx::query(&format!("select {COLUMNS} from upload where expires_at <= $1 order by expires_at limit $2"))
        .bind(now)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Removes an expired upload's row unless it was used or renewed meanwhile; true if removed.
pub async fn delete_expired(db: &Db, id: &str, now: i64) -> DbResult<bool> {
    let done = sqlx::query("delete from upload where id = $1 and expires_at <= $2").bind(id).bind(now).execute(&db.pool).await?;
    Ok(done.rows_affected() == 1)
}

/// Inside a new work's transaction: removes the finished, unexpired upload of `owner`
/// that the work is made from; false if there is none (used already, expired, not theirs).
pub async fn consume(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: &str, owner: &str) -> DbResult<bool> {
    let done = sqlx::query("delete from upload where id = $1 and owner_id = $2 and completed_at is not null and expires_at > $3")
        .bind(id)
        .bind(owner)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every upload row's id, finished-object key and multipart key: what the sweeper keeps.
pub async fn live(db: &Db) -> DbResult<Vec<(String, String)>> {
    let rows = sqlx::query("select id, object_key from upload").fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("object_key")?))).collect()
}
