//! A work's history: one row per step (submitted, decided, marked, resubmitted).

use super::{now_ms, DbResult};
use sqlx::{Any, Transaction};

/// Appends to a work's history inside the caller's transaction.
pub async fn record_event(tx: &mut Transaction<'_, Any>, work_id: &str, actor_id: Option<&str>, action: &str, reason: &str) -> DbResult<()> {
    sqlx::query("insert into work_event (work_id, actor_id, action, reason, created_at) values ($1, $2, $3, $4, $5)")
        .bind(work_id)
        .bind(actor_id)
        .bind(action)
        .bind(reason)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

