//! Housekeeping that runs beside the job runner: the reconciler re-queues works stuck in
//! `processing` with no live job, and the sweeper removes what crashed uploads and
//! deleted works left behind (orphan objects, stale multipart uploads, old temp files).

use crate::db::{now_ms, works};
use crate::state::AppState;
use std::collections::HashSet;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the reconciler looks for stuck works.
const RECONCILE_EVERY: Duration = Duration::from_secs(60);
/// How often the sweeper runs.
const SWEEP_EVERY: Duration = Duration::from_secs(15 * 60);
/// A work in `processing` without a job for this long is re-queued.
const STUCK_AFTER_MS: i64 = 2 * 60 * 1000;

pub async fn run(state: AppState, shutdown: CancellationToken) {
    let mut reconcile = tokio::time::interval(RECONCILE_EVERY);
    let mut sweep = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = reconcile.tick() => {
                match reconcile_once(&state, STUCK_AFTER_MS).await {
                    Ok(0) => {}
                    Ok(n) => tracing::warn!(works = n, "re-queued works stuck without a job"),
                    Err(e) => tracing::warn!(error = %e, "reconciler could not run"),
                }
            }
            _ = sweep.tick() => {
                let grace_ms = state.config.orphan_grace_hours as i64 * 3_600_000;
                match sweep_once(&state, grace_ms).await {
                    Ok(report) if report.removed_anything() => tracing::info!(?report, "sweeper removed leftovers"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "sweeper could not run"),
                }
            }
        }
    }
}

/// Queues a job for every work in `processing` that has had no live job for `stuck_ms`.
pub async fn reconcile_once(state: &AppState, stuck_ms: i64) -> Result<usize, sqlx::Error> {
    let stuck = works::stuck_without_job(&state.db, now_ms() - stuck_ms).await?;
    for id in &stuck {
        works::requeue(&state.db, id, state.config.job_max_attempts).await?;
    }
    if !stuck.is_empty() {
        state.jobs_notify.notify_waiters();
    }
    Ok(stuck.len())
}

#[derive(Debug, Default)]
pub struct SweepReport {
    pub orphan_objects: usize,
    pub expired_uploads: usize,
    pub stale_uploads: usize,
    pub temp_files: usize,
}

impl SweepReport {
    fn removed_anything(&self) -> bool {
        self.orphan_objects + self.expired_uploads + self.stale_uploads + self.temp_files > 0
    }
}

/// Removes objects older than `grace_ms` whose work no longer exists, multipart uploads
/// older than that, and temp files a crashed upload left in the data dir.
pub async fn sweep_once(state: &AppState, grace_ms: i64) -> anyhow::Result<SweepReport> {
    let cutoff = now_ms() - grace_ms;
    let mut report = SweepReport::default();
    report.expired_uploads = crate::service::uploads::expire(state).await?;
    // What live resumable uploads hold: the finished object of one that is not a work yet,
    // the multipart upload and temporary objects of one still arriving.
    let live_uploads = crate::db::uploads::live(&state.db).await?;
    let upload_keys: HashSet<String> = live_uploads.iter().map(|(_, key)| key.clone()).collect();
    let upload_ids: HashSet<String> = live_uploads.into_iter().map(|(id, _)| id).collect();
    for object in state.store.list("uploads/").await? {
        let owner = object.key.split('/').nth(1).unwrap_or("");
        if object.modified_ms < cutoff && !upload_ids.contains(owner) {
            state.store.delete(&object.key).await?;
            report.orphan_objects += 1;
        }
    }
    let mut candidates = Vec::new();
    for prefix in ["originals/", "works/"] {
        for object in state.store.list(prefix).await? {
            if object.modified_ms < cutoff {
                if let Some(work_id) = crate::storage::work_of_key(&object.key) {
                    candidates.push((work_id.to_owned(), object.key));
                }
            }
        }
    }
    let ids: Vec<&str> = candidates.iter().map(|(id, _)| id.as_str()).collect::<HashSet<_>>().into_iter().collect();
    let existing: HashSet<String> = works::existing_ids(&state.db, &ids).await?.into_iter().collect();
    let mut referenced: HashSet<String> = works::all_rendition_keys(&state.db).await?.into_iter().collect();
    referenced.extend(works::all_original_keys(&state.db).await?);
    // A replaced cover whose deletion failed, or one stored by a request that died before its row.
    let covers: HashSet<String> = crate::db::calls::all_cover_keys(&state.db).await?.into_iter().collect();
    for object in state.store.list("calls/").await? {
        if object.modified_ms < cutoff && !covers.contains(&object.key) {
            state.store.delete(&object.key).await?;
            report.orphan_objects += 1;
        }
    }
    for (work_id, key) in &candidates {
        // An original belongs to its work; a derivative must also be one the database points at
        // (a worker killed after uploading, or a stale one, leaves unreferenced ones).
        // An original replaced by a resubmission is one no work points at any more.
        let orphan = (!existing.contains(work_id) || !referenced.contains(key)) && !upload_keys.contains(key);
        if orphan {
            state.store.delete(key).await?;
            report.orphan_objects += 1;
        }
    }
    report.stale_uploads = state.store.abort_stale_uploads(cutoff, &upload_keys).await?;
    if let Ok(entries) = std::fs::read_dir(state.config.tmp_dir()) {
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .is_some_and(|d| (d.as_millis() as i64) < cutoff);
            if old {
                let path = entry.path();
                let removed = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                if removed.is_ok() {
                    report.temp_files += 1;
                }
            }
        }
    }
    Ok(report)
}
