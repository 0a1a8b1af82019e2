//! The audit log: who did what to which work, call or person, when, and why.

use super::{now_ms, Db, DbResult};
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
    pub created_at: i64,
}

/// Records an action inside the transaction that performs it, so the log cannot miss one.
pub async fn record(tx: &mut Transaction<'_, Any>, actor_id: Option<&str>, action: &str, subject: &str, reason: &str) -> DbResult<()> {
    sqlx::query("insert into audit_event (actor_id, action, subject, reason, created_at) values ($1, $2, $3, $4, $5)")
        .bind(actor_id)
        .bind(action)
        .bind(subject)
        .bind(reason)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The newest events first, with the actor's name ("sistema" for the command line).
pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "select coalesce(u.name, 'sistema') as actor, a.action, a.subject, a.reason, a.created_at
         from audit_event a left join app_user u on u.id = a.actor_id
         order by a.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEvent {
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                reason: r.try_get("reason")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}
