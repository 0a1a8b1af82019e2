//! The job runner: claims durable jobs from the database, runs them with a heartbeat, and
//! records the outcome fenced on the lease token. `piazza serve` runs it in-process;
//! `piazza worker` runs only this.

pub mod maintenance;
mod process;

use crate::db::jobs as queue;
use crate::db::works;
use crate::state::AppState;
use rand::Rng;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub use process::JobError;

/// How often an idle runner looks for new jobs.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Runs `concurrency` claim loops until `shutdown` fires; a job in progress is finished
/// (or, past the grace period, abandoned to its lease, so another worker takes it over).
pub async fn run(state: AppState, shutdown: CancellationToken) {
    let concurrency = state.config.job_concurrency;
    let mut loops = tokio::task::JoinSet::new();
    let housekeeping = tokio::spawn(maintenance::run(state.clone(), shutdown.clone()));
    for slot in 0..concurrency {
        let state = state.clone();
        let shutdown = shutdown.clone();
        loops.spawn(async move { claim_loop(state, shutdown, slot).await });
    }
    while loops.join_next().await.is_some() {}
    housekeeping.abort();
}

async fn claim_loop(state: AppState, shutdown: CancellationToken, slot: usize) {
    tracing::debug!(slot, "job runner started");
    while !shutdown.is_cancelled() {
        match run_one(&state).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "job queue unavailable, retrying"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = state.jobs_notify.notified() => {}
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}

/// Claims and runs one job. Returns false when the queue had nothing to run.
pub async fn run_one(state: &AppState) -> Result<bool, sqlx::Error> {
    let lease_ms = (state.config.job_lease_secs * 1000) as i64;
    let Some(job) = queue::claim(&state.db, lease_ms).await? else { return Ok(false) };
    let started = std::time::Instant::now();
    if job.attempts > job.max_attempts {
        // A job whose worker kept dying (its lease expired each time) is given up on.
        if works::fail_processing(&state.db, &job, "processing_failed", "we could not process this file; a curator can retry it").await? {
            crate::notify::processing_failed(state, &job.work_id).await;
        }
        tracing::warn!(job.id = job.id, work.id = %job.work_id, "job exceeded its attempts");
        return Ok(true);
    }
    let progress = Arc::new(AtomicI64::new(0));
    let outcome = {
        let work = process::run(state, &job, progress.clone());
        tokio::pin!(work);
        let mut beat = tokio::time::interval(Duration::from_millis((lease_ms / 3).max(100) as u64));
        beat.tick().await;
        loop {
            tokio::select! {
                outcome = &mut work => break outcome,
                _ = beat.tick() => {
                    // The heartbeat keeps the lease while the CPU pool works; losing it means
                    // another worker took over and our completion will be refused.
                    match queue::heartbeat(&state.db, &job, lease_ms, progress.load(Ordering::Relaxed)).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(job.id = job.id, "lease lost; the result will be discarded"),
                        Err(e) => tracing::warn!(job.id = job.id, error = %e, "heartbeat failed"),
                    }
                }
            }
        }
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let recorded = match outcome {
        Ok(processed) => match works::finish_processing(&state.db, &job, &processed).await? {
            Some(replaced) => {
                crate::storage::remove_unreferenced(&*state.store, &replaced, &[]).await;
                true
            }
            None => {
                // Another worker's result stands; remove what we uploaded that it does not use.
                let theirs = works::rendition_keys(&state.db, &job.work_id).await?;
                let ours: Vec<String> = processed.renditions.iter().map(|r| r.storage_key.clone()).filter(|k| !theirs.contains(k)).collect();
                crate::storage::remove_unreferenced(&*state.store, &ours, &[]).await;
                false
            }
        },
        Err(JobError::Permanent { code, message }) => {
            tracing::info!(job.id = job.id, work.id = %job.work_id, code, "work refused by the media engine");
            let failed = works::fail_processing(&state.db, &job, code, &message).await?;
            if failed {
                crate::notify::processing_failed(state, &job.work_id).await;
            }
            failed
        }
        Err(JobError::Internal { code, message, detail }) => {
            // Deterministic and ours: retrying would fail the same way, so no backoff
            // loop; the work fails now and a curator retries it once the fault is fixed.
            tracing::error!(job.id = job.id, work.id = %job.work_id, code, error = %detail, "the media engine failed on our side");
            let failed = works::fail_processing(&state.db, &job, code, &message).await?;
            if failed {
                crate::notify::processing_failed(state, &job.work_id).await;
            }
            failed
        }
        Err(JobError::Transient(error)) if job.attempts >= job.max_attempts => {
            tracing::error!(job.id = job.id, work.id = %job.work_id, error = %error, "job failed after its last attempt");
            let failed = works::fail_processing(&state.db, &job, "processing_failed", "we could not process this file right now; a curator can retry it").await?;
            if failed {
                crate::notify::processing_failed(state, &job.work_id).await;
            }
            failed
        }
        Err(JobError::Transient(error)) => {
            let delay = backoff_ms(job.attempts);
            tracing::warn!(job.id = job.id, work.id = %job.work_id, error = %error, retry_in_ms = delay, "job will be retried");
            queue::retry_later(&state.db, &job, &error, delay).await?
        }
    };
    if !recorded {
        tracing::warn!(job.id = job.id, work.id = %job.work_id, "result refused: the lease had passed to another worker");
    }
    tracing::info!(job.id = job.id, work.id = %job.work_id, attempt = job.attempts, duration_ms, recorded, "job ended");
    Ok(true)
}

/// Exponential backoff with jitter: 2 s, 4 s, 8 s ... capped at 10 minutes.
fn backoff_ms(attempt: i64) -> i64 {
    let base = 2_000i64.saturating_mul(1 << attempt.clamp(1, 20).saturating_sub(1)).min(600_000);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    (base as f64 * jitter) as i64
}

/// Runs jobs until the queue is empty (used by `piazza demo` and by tests).
pub async fn drain(state: &AppState) -> Result<usize, sqlx::Error> {
    let mut ran = 0;
    while run_one(state).await? {
        ran += 1;
    }
    Ok(ran)
}
