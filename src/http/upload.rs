//! Reading a multipart submission: text fields into bounded strings, the file streamed to
//! a temp file as it arrives, so memory does not grow with the file's size.

use super::error::{io_error, AppError};
use crate::domain::clean_file_name;
use crate::state::AppState;
use crate::service::calls::MAX_COVER_BYTES;
use crate::service::submissions::{self, SpooledFile, SubmissionInput};
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::Multipart;
use axum::http::StatusCode;
use piazza_workers::sniff::SNIFF_LEN;
use tokio::io::AsyncWriteExt;

fn multipart_error(e: MultipartError, max_bytes: u64) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(max_bytes)
    } else {
        AppError::bad_request("invalid_multipart").arg("detail", e.body_text())
    }
}

pub fn too_large(max_bytes: u64) -> AppError {
    AppError::client(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large").arg("limit_mb", max_bytes / (1024 * 1024))
}

/// Reads every field of a new work's form. Unknown fields are ignored.
pub async fn read_submission(state: &AppState, multipart: Multipart) -> Result<SubmissionInput, AppError> {
    let (input, problem) = read_submission_keeping(state, multipart).await;
    problem.map_or(Ok(input), Err)
}

/// Reads a new work's form as [`read_submission`] does, but keeps every field it read when
/// something is wrong, so a page can show the form again as the person filled it in. A
/// file over the limit is read to its end without being kept, so that the fields after it
/// arrive too (and the browser, having sent everything, shows the answer).
pub async fn read_submission_keeping(state: &AppState, multipart: Multipart) -> (SubmissionInput, Option<AppError>) {
    let (id, key) = submissions::new_original();
    let mut input = SubmissionInput { id: Some(id), ..SubmissionInput::default() };
    let problem = read_fields(state, multipart, &key, &mut input).await.err();
    (input, problem)
}

/// Reads the form of an author's new version of `work`.
pub async fn read_resubmission(state: &AppState, multipart: Multipart, work: &crate::db::works::Work) -> Result<SubmissionInput, AppError> {
    read_form(state, multipart, work.id.clone(), submissions::revised_original(work)).await
}

async fn read_form(state: &AppState, multipart: Multipart, id: String, original_key: String) -> Result<SubmissionInput, AppError> {
    let mut input = SubmissionInput { id: Some(id), ..SubmissionInput::default() };
    read_fields(state, multipart, &original_key, &mut input).await?;
    Ok(input)
}

/// Reads the form's fields into `input`. A file over the limit is drained, not kept, and
/// the reading goes on; the first such problem is returned once every field is read.
async fn read_fields(state: &AppState, mut multipart: Multipart, original_key: &str, input: &mut SubmissionInput) -> Result<(), AppError> {
    let max_bytes = state.config.max_upload_bytes;
    let max_text = (state.config.max_text_chars * 4 + 4).max(64 * 1024);
    let mut problem = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| multipart_error(e, max_bytes))? {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" => {
                if input.file.is_some() {
                    return Err(AppError::unprocessable("too_many_files"));
                }
                // An empty file input in a browser form arrives as a nameless empty part (the
                // cleaned name of which is never empty, so ask before cleaning).
                let nameless = field.file_name().is_none_or(str::is_empty);
                match spool(state, &mut field, max_bytes, original_key).await {
                    Ok(file) if file.size > 0 || !nameless => input.file = Some(file),
                    Ok(_) => {}
                    Err(e) if e.status_code().1 == "file_too_large" => {
                        // Past the route's body limit nothing more can be read: the file's
                        // refusal is still what the person must hear.
                        if let Err(drained) = drain(field).await {
                            return Err(if drained.status_code().0 == StatusCode::PAYLOAD_TOO_LARGE { e } else { drained });
                        }
                        problem.get_or_insert(e);
                    }
                    Err(e) => return Err(e),
                }
            }
            "call" => input.call = read_text(field, 1024).await?,
            "kind" => input.kind = read_text(field, 64).await?,
            "title" => input.title = read_text(field, 4096).await?,
            "licence" => input.licence = read_text(field, 64).await?,
            "description" => input.description = read_text(field, 64 * 1024).await?,
            "alt_text" => input.alt_text = read_text(field, 16 * 1024).await?,
            "text" => input.text = Some(read_text(field, max_text).await?),
            "upload" => input.upload = Some(read_text(field, 64).await?).filter(|u| !u.trim().is_empty()),
            "transcript" => input.transcript = read_text(field, crate::domain::Transcript::MAX_CHARS * 4 + 4).await?,
            "captions" => input.captions = Some(read_bounded(field, crate::domain::MAX_CAPTIONS_BYTES + 1).await?),
            "captions_lang" => input.captions_lang = read_text(field, 64).await?,
            "on_behalf_name" => input.on_behalf_name = read_text(field, 1024).await?,
            "on_behalf_contact" => input.on_behalf_contact = read_text(field, 1024).await?,
            "consent" => input.consent = read_text(field, 64).await?,
            _ => drain(field).await?,
        }
    }
    problem.map_or(Ok(()), Err)
}

async fn read_text(mut field: Field<'_>, max: usize) -> Result<String, AppError> {
    let name = field.name().unwrap_or("field").to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, max as u64))? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::unprocessable("field_too_long").arg("field", name));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::bad_request("invalid_text").arg("field", name))
}

/// A small file part in memory: its first `keep` bytes (enough for the checks that follow
/// to see it is too large), the rest read through.
async fn read_bounded(mut field: Field<'_>, keep: usize) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, keep as u64))? {
        let room = keep.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..room.min(chunk.len())]);
    }
    Ok(bytes)
}

async fn drain(mut field: Field<'_>) -> Result<(), AppError> {
    while field.chunk().await.map_err(|e| multipart_error(e, 0))?.is_some() {}
    Ok(())
}

/// Streams the file part into a temp file under the data dir (where it is checked), and,
/// for stores that support it, into the store at the same time, stopping at the limit.
async fn spool(state: &AppState, field: &mut Field<'_>, max_bytes: u64, key: &str) -> Result<SpooledFile, AppError> {
    let name = field.file_name().map(clean_file_name).unwrap_or_default();
    let temp = tempfile::Builder::new().prefix("upload-").tempfile_in(state.config.tmp_dir()).map_err(io_error)?;
    let (file, path) = temp.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    // Parts grow with the largest accepted file so no upload needs more than 9,000 parts;
    // S3's minimum part keeps memory low (a few parts are in flight at once).
    let part_size = (max_bytes / 9_000).max(5 * 1024 * 1024);
    let mut sink = submissions::open_upload(state, key, part_size).await?;
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let received: Result<(), AppError> = async {
        while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, max_bytes))? {
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(too_large(max_bytes));
            }
            if head.len() < SNIFF_LEN {
                let take = (SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            file.write_all(&chunk).await.map_err(io_error)?;
            if let Some(sink) = sink.as_mut() {
                sink.write(chunk).await.map_err(crate::service::ServiceError::from)?;
            }
        }
        file.flush().await.map_err(io_error)?;
        if sink.is_none() {
            // On the filesystem store this very file becomes the original: make it durable
            // before the work row that points at it is committed.
            file.sync_data().await.map_err(io_error)?;
        }
        Ok(())
    }
    .await;
    let stored_key = match (received, sink) {
        (Ok(()), Some(sink)) => {
            sink.finish().await.map_err(crate::service::ServiceError::from)?;
            Some(key.to_owned())
        }
        (Ok(()), None) => None,
        (Err(e), sink) => {
            if let Some(sink) = sink {
                sink.abort().await;
            }
            return Err(e);
        }
    };
    Ok(SpooledFile { path, name, size, head, stored_key })
}

/// Reads the form of new captions or a new transcript for a published work. Unknown fields
/// are read through and ignored.
pub async fn read_access_update(mut multipart: Multipart) -> Result<crate::service::updates::UpdateInput, AppError> {
    let mut input = crate::service::updates::UpdateInput::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(e, crate::domain::MAX_CAPTIONS_BYTES as u64))? {
        match field.name().unwrap_or("") {
            "transcript" => input.transcript = read_text(field, crate::domain::Transcript::MAX_CHARS * 4 + 4).await?,
            "captions" => input.captions = Some(read_bounded(field, crate::domain::MAX_CAPTIONS_BYTES + 1).await?),
            "captions_lang" => input.captions_lang = read_text(field, 64).await?,
            _ => drain(field).await?,
        }
    }
    Ok(input)
}

/// Reads a cover form (`file`, `alt`): the picture's bytes, at most [`MAX_COVER_BYTES`].
pub async fn read_cover(mut multipart: Multipart) -> Result<(Vec<u8>, String), AppError> {
    let mut bytes = Vec::new();
    let mut alt = String::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::bad_request("invalid_multipart").arg("detail", e.body_text()))?
    {
        match field.name().unwrap_or("") {
            "file" => {
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large(MAX_COVER_BYTES))? {
                    if (bytes.len() + chunk.len()) as u64 > MAX_COVER_BYTES {
                        return Err(too_large(MAX_COVER_BYTES));
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            "alt" => alt = field.text().await.map_err(|_| AppError::bad_request("invalid_text").arg("field", "alt"))?,
            _ => {}
        }
    }
    Ok((bytes, alt))
}
