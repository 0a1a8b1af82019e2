//! What the public says about published works: appreciations and reports.

use super::{changes, now_ms, Db, DbResult};
use sqlx::Row;

/// Records an appreciation; false if this person had already appreciated the work.
pub async fn appreciate(db: &Db, work_id: &str, user_id: &str) -> DbResult<bool> {
    let done = sqlx::query("insert into appreciation (work_id, user_id, created_at) values ($1, $2, $3) on conflict do nothing")
        .bind(work_id)
        .bind(user_id)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn appreciations(db: &Db, work_id: &str) -> DbResult<i64> {
    let row = sqlx::query("select count(*) as n from appreciation where work_id = $1").bind(work_id).fetch_one(&db.pool).await?;
    row.try_get("n")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOutcome {
    /// False when this person had already reported the work.
    pub recorded: bool,
    /// True when this report took the work out of the gallery, pending review.
    pub hidden: bool,
}

/// Records a report; at `hide_at` open reports a published work goes back to review (out
/// of the gallery and search) until a curator decides. One transaction.
pub async fn report(db: &Db, work_id: &str, user_id: &str, reason: &str, hide_at: i64) -> DbResult<ReportOutcome> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let inserted = sqlx::query(
        "insert into work_report (work_id, user_id, reason, created_at) values ($1, $2, $3, $4) on conflict do nothing",
    )
    .bind(work_id)
    .bind(user_id)
    .bind(reason)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(ReportOutcome { recorded: false, hidden: false });
    }
    let open: i64 = sqlx::query("select count(*) as n from work_report where work_id = $1 and resolved_at is null")
        .bind(work_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    let mut hidden = false;
    if open >= hide_at {
        let updated = sqlx::query("update work set status = 'pending_review', updated_at = $1 where id = $2 and status = 'published'")
            .bind(now)
            .bind(work_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 1 {
            hidden = true;
            changes::record(&mut tx, db.backend, work_id).await?;
            super::audit::record(&mut tx, None, "work.hidden_by_reports", work_id, &format!("{open} reports")).await?;
        }
    }
    tx.commit().await?;
    Ok(ReportOutcome { recorded: true, hidden })
}

/// A reported work waiting for a curator, with its open reports' reasons.
#[derive(Debug, Clone)]
pub struct Reported {
    pub work_id: String,
    pub title: String,
    pub reasons: Vec<String>,
}

/// Works with open reports, most reported first.
pub async fn open_reports(db: &Db) -> DbResult<Vec<Reported>> {
    let rows = sqlx::query(
        "select r.work_id, w.title, r.reason from work_report r join work w on w.id = r.work_id
         where r.resolved_at is null and w.status <> 'withdrawn' order by r.work_id, r.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<Reported> = Vec::new();
    for row in rows {
        let work_id: String = row.try_get("work_id")?;
        let reason: String = row.try_get("reason")?;
        match out.last_mut() {
            Some(last) if last.work_id == work_id => last.reasons.push(reason),
            _ => out.push(Reported { work_id, title: row.try_get("title")?, reasons: vec![reason] }),
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.reasons.len()));
    Ok(out)
}
