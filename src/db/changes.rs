//! The change sequence: every change to what the public may see appends a row, and each
//! search index applies the rows in `seq` order and remembers the last one it applied.

use super::{now_ms, Backend, Db, DbResult};
use sqlx::{Any, Row, Transaction};

/// Appends a change for `work_id` inside the caller's transaction.
pub async fn record(tx: &mut Transaction<'_, Any>, backend: Backend, work_id: &str) -> DbResult<()> {
    if backend == Backend::Postgres {
        // A bigserial is handed out at insert but becomes visible at commit, so two writers
        // could commit 8 before 7 and a reader at 8 would skip 7 forever. Serialising the
        // writers of this table makes commit order equal sequence order. (SQLite has one
        // writer at a time already.)
        sqlx::query("select pg_advisory_xact_lock(74110001)").execute(&mut **tx).await?;
    }
    sqlx::query("insert into change_log (work_id, created_at) values ($1, $2)")
        .bind(work_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Changes after `seq`, oldest first.
pub async fn since(db: &Db, seq: i64, limit: i64) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query("select seq, work_id from change_log where seq > $1 order by seq limit $2")
        .bind(seq)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("seq")?, r.try_get("work_id")?))).collect()
}

/// The newest sequence number, or 0.
pub async fn latest(db: &Db) -> DbResult<i64> {
    let row = sqlx::query("select coalesce(max(seq), 0) as seq from change_log").fetch_one(&db.pool).await?;
    row.try_get("seq")
}
