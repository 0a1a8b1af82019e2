//! The `process_work` job: fetch the original, run the media engine, store the
//! derivatives under deterministic keys, and describe them for the database.

use crate::db::jobs::ClaimedJob;
use crate::db::works::{self, Processed, RenditionRow};
use crate::domain::{Kind, Status};
use crate::state::AppState;
use crate::storage::{derivative_key, CAPTIONS_NAME};
use piazza_workers::{FailureClass, MediaError, Rendition};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Why a job did not succeed.
#[derive(Debug)]
pub enum JobError {
    /// The input is bad; the author is told `message`.
    Permanent { code: &'static str, message: String },
    /// Something around the input failed; the job is retried.
    Transient(String),
    /// Our own processing failed on a readable input (a filter graph, an encoder): the
    /// work fails at once, since retrying gives the same answer, with `message` for the
    /// author; `detail` is for the operator's log. A curator retries it once fixed.
    Internal { code: &'static str, message: String, detail: String },
}

impl From<MediaError> for JobError {
    fn from(e: MediaError) -> Self {
        match e.class {
            FailureClass::Permanent => JobError::Permanent { code: e.code, message: e.message },
            FailureClass::Transient => JobError::Transient(e.to_string()),
            FailureClass::Internal => JobError::Internal { code: e.code, detail: e.detail.unwrap_or_default(), message: e.message },
        }
    }
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Transient(format!("database: {e}"))
    }
}

impl From<crate::storage::StorageError> for JobError {
    fn from(e: crate::storage::StorageError) -> Self {
        JobError::Transient(format!("media store: {e}"))
    }
}

impl From<std::io::Error> for JobError {
    fn from(e: std::io::Error) -> Self {
        JobError::Transient(format!("local file: {e}"))
    }
}

impl From<crate::media_pool::PoolError> for JobError {
    fn from(e: crate::media_pool::PoolError) -> Self {
        match e {
            crate::media_pool::PoolError::TimedOut => JobError::Permanent {
                code: "processing_timeout",
                message: "the file took too long to process; try a shorter or smaller file".into(),
            },
            crate::media_pool::PoolError::Panicked => JobError::Transient("media engine panicked".into()),
        }
    }
}

pub async fn run(state: &AppState, job: &ClaimedJob, progress: Arc<AtomicI64>) -> Result<Processed, JobError> {
    let Some(work) = works::find(&state.db, &job.work_id).await? else {
        return Err(JobError::Permanent { code: "work_missing", message: "the work no longer exists".into() });
    };
    if work.status != Status::Processing {
        return Err(JobError::Permanent { code: "not_processing", message: "the work is not waiting to be processed".into() });
    }
    if work.kind.is_text() {
        let text = work.body_text.clone().unwrap_or_default();
        let html = state.media_pool.run(move || piazza_workers::text::render_html(&text)).await?;
        return Ok(Processed { body_html: Some(html), ..Processed::default() });
    }

    let key = work.original_key.clone().ok_or_else(|| JobError::Permanent {
        code: "file_missing",
        message: "the work has no file".into(),
    })?;
    let scratch = tempfile::Builder::new().prefix("job-").tempdir_in(state.config.tmp_dir())?;
    let original = scratch.path().join("original");
    let out_dir = scratch.path().join("out");
    std::fs::create_dir_all(&out_dir)?;
    state.store.fetch_to(&key, &original).await?;

    let limits = state.config.limits.clone();
    let (renditions, mut processed) = match work.kind {
        Kind::Photo => {
            let out = out_dir.clone();
            let outputs = state
                .media_pool
                .run(move || {
                    let data = std::fs::read(&original).map_err(MediaError::io)?;
                    piazza_workers::photo::process_photo(&data, &out, &limits)
                })
                .await??;
            let processed = Processed {
                width: Some(outputs.info.width.into()),
                height: Some(outputs.info.height.into()),
                dominant_color: Some(outputs.info.dominant_color.clone()),
                placeholder: Some(outputs.info.placeholder.clone()),
                privacy: Some(receipt(&work.id, &outputs.privacy)?),
                ..Processed::default()
            };
            (outputs.renditions, processed)
        }
        Kind::Film => {
            let out = out_dir.clone();
            let progress = progress.clone();
            let outputs = state
                .media_pool
                .run(move || {
                    let mut report = |fraction: f32| progress.store((fraction * 100.0) as i64, Ordering::Relaxed);
                    piazza_workers::film::process_film(&original, &out, &limits, &mut report)
                })
                .await??;
            let processed = Processed {
                width: Some(outputs.info.width.into()),
                height: Some(outputs.info.height.into()),
                duration_ms: Some((outputs.info.duration_s * 1000.0).round() as i64),
                privacy: Some(receipt(&work.id, &outputs.privacy)?),
                ..Processed::default()
            };
            (vec![outputs.web, outputs.web_360, outputs.poster_jpeg, outputs.poster_webp], processed)
        }
        Kind::Audio => {
            let out = out_dir.clone();
            let outputs = state.media_pool.run(move || piazza_workers::sound::process_sound(&original, &out, &limits)).await??;
            tracing::info!(
                work = %work.id,
                input_lufs = outputs.loudness.input_i,
                output_lufs = outputs.loudness.output_i,
                output_dbtp = outputs.loudness.output_tp,
                "sound normalised"
            );
            let processed = Processed { duration_ms: Some((outputs.info.duration_s * 1000.0).round() as i64), ..Processed::default() };
            (vec![outputs.opus, outputs.aac, outputs.waveform], processed)
        }
        Kind::Poem | Kind::Story => unreachable!("text kinds returned above"),
    };

    let mut renditions = renditions;
    if let Some(vtt) = &work.captions_vtt {
        // Checked when the work was sent; served from the store like every derivative.
        let path = out_dir.join(CAPTIONS_NAME);
        std::fs::write(&path, vtt)?;
        renditions.push(Rendition { name: CAPTIONS_NAME.into(), path, mime: "text/vtt", width: 0, height: 0, duration_s: None });
    }
    for rendition in renditions {
        processed.renditions.push(store_rendition(state, &work.id, rendition).await?);
    }
    Ok(processed)
}

/// The privacy receipt as stored. A derivative the engine read back and found carrying
/// metadata is never published: the work fails as our fault, so nothing that may identify
/// its author reaches the store, and a curator retries it once the engine is fixed.
fn receipt(work_id: &str, receipt: &piazza_workers::privacy::Receipt) -> Result<String, JobError> {
    if !receipt.public_files_clean {
        return Err(JobError::Internal {
            code: "metadata_left",
            message: "a copy made for the gallery still carried data from the original file, so nothing was published".into(),
            detail: format!("work {work_id}: a derivative failed the metadata read-back"),
        });
    }
    serde_json::to_string(receipt).map_err(|e| JobError::Transient(format!("privacy receipt: {e}")))
}

/// Hashes a derivative (its URL is content-addressed) and moves it into the store.
async fn store_rendition(state: &AppState, work_id: &str, r: Rendition) -> Result<RenditionRow, JobError> {
    let path = r.path.clone();
    let (sha256, size) = state
        .media_pool
        .run(move || -> std::io::Result<(String, u64)> {
            let mut file = std::fs::File::open(&path)?;
            let mut hasher = Sha256::new();
            let size = std::io::copy(&mut file, &mut hasher)?;
            Ok((hex::encode(hasher.finalize()), size))
        })
        .await??;
    let key = derivative_key(work_id, &sha256, &r.name);
    state.store.put_file(&key, &r.path).await?;
    Ok(RenditionRow {
        work_id: work_id.to_owned(),
        name: r.name,
        mime: r.mime.to_owned(),
        width: r.width.into(),
        height: r.height.into(),
        duration_ms: r.duration_s.map(|d| (d * 1000.0).round() as i64),
        size_bytes: size as i64,
        sha256,
        storage_key: key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_media_failure_fails_the_work_at_once_without_blaming_the_file() {
        let e = MediaError::internal("video filters `zscale=...`: Generic error in an external library");
        match JobError::from(e) {
            JobError::Internal { code, message, detail } => {
                assert_eq!(code, piazza_workers::PROCESSING_ERROR);
                assert!(!message.contains("damaged") && !message.contains("zscale"), "{message}");
                assert!(detail.contains("zscale"), "{detail}");
            }
            other => panic!("expected an internal failure, got {other:?}"),
        }
        assert!(matches!(JobError::from(MediaError::permanent("corrupt_file", "damaged")), JobError::Permanent { code: "corrupt_file", .. }));
        assert!(matches!(JobError::from(MediaError::transient("io_error", "disk")), JobError::Transient(_)));
    }
}
