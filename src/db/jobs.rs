//! The durable job queue: claim with a lease, heartbeat, fenced completion, backoff.
//! The only dialect difference is in [`claim`].

use super::{now_ms, Backend, Db, DbResult};
use sqlx::{Any, Row, Transaction};

/// The task names jobs are stored under; part of the database contract.
pub const TASK_PROCESS_WORK: &str = "process_work";

/// A job this worker holds a lease on. The token fences every later write.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub task: String,
    pub work_id: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_token: String,
}

/// Queues a job unless a live one exists for the same work and task.
pub async fn enqueue(tx: &mut Transaction<'_, Any>, task: &str, work_id: &str, max_attempts: i64) -> DbResult<()> {
    let now = now_ms();
    sqlx::query(
        "insert into job (task, work_id, state, attempts, max_attempts, run_after, created_at, updated_at)
         values ($1, $2, 'queued', 0, $3, $4, $4, $4) on conflict do nothing",
    )
    .bind(task)
    .bind(work_id)
    .bind(max_attempts)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Claims the next runnable job: queued and due, or running with an expired lease (its
/// worker died). One statement, so two claimers can never take the same row.
pub async fn claim(db: &Db, lease_ms: i64) -> DbResult<Option<ClaimedJob>> {
    let now = now_ms();
    let token = uuid::Uuid::new_v4().simple().to_string();
    let lock = match db.backend {
        Backend::Postgres => "for update skip locked",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "update job set state = 'running', lease_token = $1, lease_expires_at = $2,
                attempts = attempts + 1, updated_at = $3
         where id = (select id from job
                     where (state = 'queued' and run_after <= $3)
                        or (state = 'running' and lease_expires_at < $3)
                     order by run_after, id limit 1 {lock})
         returning id, task, work_id, attempts, max_attempts"
    );
    let row = sqlx::query(&sql)
        .bind(&token)
        .bind(now + lease_ms)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(ClaimedJob {
            id: r.try_get("id")?,
            task: r.try_get("task")?,
            work_id: r.try_get("work_id")?,
            attempts: r.try_get("attempts")?,
            max_attempts: r.try_get("max_attempts")?,
            lease_token: token,
        })
    })
    .transpose()
}

/// Extends the lease and records progress (0-100). False when the lease was lost.
pub async fn heartbeat(db: &Db, job: &ClaimedJob, lease_ms: i64, progress: i64) -> DbResult<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "update job set lease_expires_at = $1, progress = $2, updated_at = $3
         where id = $4 and lease_token = $5 and state = 'running'",
    )
    .bind(now + lease_ms)
    .bind(progress)
    .bind(now)
    .bind(job.id)
    .bind(&job.lease_token)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends the job as done or failed inside the caller's transaction, if the lease is still
/// ours. Must be the transaction's first write (SQLite takes its write lock there).
pub async fn finish(tx: &mut Transaction<'_, Any>, job: &ClaimedJob, failed: Option<&str>) -> DbResult<bool> {
    let done = sqlx::query(
        "update job set state = $1, last_error = $2, lease_token = null, lease_expires_at = null,
                progress = 100, updated_at = $3
         where id = $4 and lease_token = $5 and state = 'running'",
    )
    .bind(if failed.is_some() { "failed" } else { "done" })
    .bind(failed)
    .bind(now_ms())
    .bind(job.id)
    .bind(&job.lease_token)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts the job back in the queue to run after `delay_ms`, keeping the error.
pub async fn retry_later(db: &Db, job: &ClaimedJob, error: &str, delay_ms: i64) -> DbResult<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "update job set state = 'queued', last_error = $1, run_after = $2, lease_token = null,
                lease_expires_at = null, updated_at = $3
         where id = $4 and lease_token = $5 and state = 'running'",
    )
    .bind(error)
    .bind(now + delay_ms)
    .bind(now)
    .bind(job.id)
    .bind(&job.lease_token)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Jobs not yet finished: queued or running.
pub async fn count_live(db: &Db) -> DbResult<i64> {
    let row = sqlx::query("select count(*) as n from job where state in ('queued', 'running')")
        .fetch_one(&db.pool)
        .await?;
    row.try_get("n")
}

/// Progress (0-100) of the live job of a work, if any.
pub async fn progress_of(db: &Db, work_id: &str) -> DbResult<Option<i64>> {
    let row = sqlx::query("select progress from job where work_id = $1 and state in ('queued', 'running')")
        .bind(work_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("progress")).transpose()
}
