//! Resumable uploads: a photo or film sent in pieces that survive a dropped connection. An
//! upload belongs to the person who started it and is checked against its call before any
//! byte is sent; its bytes go to the media store as they arrive, and what is stored is
//! recorded in the database, so the next piece may reach any web node. A finished upload
//! becomes a work through [`super::submissions::submit`].

use super::{email_not_verified, Actor, Refusal, ServiceError, ServiceResult};
use crate::db::uploads::{self, Part, Progress, Upload};
use crate::db::users::User;
use crate::db::{calls, new_id, now_ms, works};
use crate::domain::{clean_file_name, DomainError, Kind};
use crate::state::AppState;
use crate::storage::{Piece, Resumable, StoredPart, Tail};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha1::Digest;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a request holds an upload's write lock without renewing it: a node that dies
/// mid-chunk blocks its upload no longer than this.
const LOCK_LEASE_MS: i64 = 30_000;
/// How often a writing request renews its lock.
const LOCK_RENEW: Duration = Duration::from_secs(10);

/// What a client says about the upload it starts.
pub struct NewUpload {
    pub length: u64,
    pub call: String,
    pub kind: String,
    /// The file's name and type as the client tells them: for display only.
    pub file_name: String,
    pub file_type: String,
}

/// An upload as its owner sees it.
#[derive(Debug, Clone)]
pub struct UploadStatus {
    pub id: String,
    pub length: u64,
    pub offset: u64,
    /// Unix milliseconds after which it is gone if unused.
    pub expires_at: i64,
    pub complete: bool,
    pub call_slug: Option<String>,
    pub kind: String,
    pub file_name: String,
    pub file_type: String,
}

/// A checksum a client sent with a chunk.
#[derive(Debug, Clone)]
pub struct Checksum {
    pub algorithm: ChecksumAlgorithm,
    pub digest: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    Sha1,
    Sha256,
}

impl ChecksumAlgorithm {
    pub const ALL: [ChecksumAlgorithm; 2] = [Self::Sha1, Self::Sha256];

    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

enum Hasher {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Hasher {
    fn new(algorithm: ChecksumAlgorithm) -> Self {
        match algorithm {
            ChecksumAlgorithm::Sha1 => Self::Sha1(sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
        }
    }
}

/// The largest file a work of `kind` may be, in bytes (None for texts, which are typed).
pub fn max_bytes(state: &AppState, kind: Kind) -> Option<u64> {
    (!kind.is_text()).then_some(state.config.max_upload_bytes)
}

fn expiry_ms(state: &AppState) -> i64 {
    state.config.upload_expiry_hours as i64 * 3_600_000
}

fn file_too_large(max: u64) -> ServiceError {
    ServiceError::refused(Refusal::TooLarge, "file_too_large").arg("limit_mb", max / (1024 * 1024))
}

/// Starts an upload for a work of `kind` to `call`, refused before any byte is sent when
/// the work could not be sent: the call is closed or takes no such kind, the person sent
/// all the works it allows, or the file is larger than the limit.
pub async fn create(state: &AppState, actor: Actor<'_>, input: NewUpload) -> ServiceResult<UploadStatus> {
    let owner = actor.require()?;
    if !owner.email_verified {
        return Err(email_not_verified());
    }
    let call = calls::find_by_slug(&state.db, input.call.trim()).await?.ok_or_else(|| DomainError::new("unknown_call"))?;
    let kind = Kind::parse(&input.kind)?;
    call.check_submission(kind, now_ms())?;
    call.check_limit(works::count_by_author_in_call(&state.db, &owner.id, &call.id).await?)?;
    let Some(max) = max_bytes(state, kind) else {
        return Err(ServiceError::invalid("upload_for_text"));
    };
    if input.length == 0 {
        return Err(ServiceError::invalid("empty_file"));
    }
    if input.length > max {
        return Err(file_too_large(max));
    }
    let id = new_id();
    // The work's id is chosen now, so the bytes go straight to the work's original.
    let work_id = new_id();
    let key = crate::storage::original_key(&work_id);
    let store_ref = state.store.resumable_start(&id, &key).await?;
    let now = now_ms();
    let upload = Upload {
        id: id.clone(),
        owner_id: owner.id.clone(),
        work_id,
        object_key: key.clone(),
        call_id: call.id.clone(),
        kind: kind.as_str().to_owned(),
        file_name: clean_file_name(&input.file_name),
        file_type: clean_type(&input.file_type),
        length: input.length as i64,
        received: 0,
        store_ref: store_ref.clone(),
        tail_key: None,
        tail_len: 0,
        locked_until: None,
        created_at: now,
        expires_at: now + expiry_ms(state),
        completed_at: None,
    };
    let recorded = uploads::insert(&state.db, &upload, state.config.max_open_uploads).await;
    if !matches!(recorded, Ok(true)) {
        let resumable = Resumable { id: id.clone(), key, store_ref, received: 0, parts: Vec::new(), tail: None };
        if let Err(e) = state.store.resumable_abort(&resumable).await {
            tracing::warn!(error = %e, "an upload that was not recorded left its start in the store; the sweeper will remove it");
        }
        recorded?;
        return Err(ServiceError::conflict("too_many_uploads").arg("max", state.config.max_open_uploads));
    }
    Ok(status_of(&upload, Some(call.slug)))
}

/// A type as a client named it, kept only if it looks like one (`video/mp4`).
fn clean_type(value: &str) -> String {
    let value = value.trim();
    let ok = value.len() <= 100 && value.split_once('/').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"/.+-_".contains(&b));
    if ok { value.to_ascii_lowercase() } else { String::new() }
}

fn status_of(upload: &Upload, call_slug: Option<String>) -> UploadStatus {
    UploadStatus {
        id: upload.id.clone(),
        length: upload.length as u64,
        offset: upload.received as u64,
        expires_at: upload.expires_at,
        complete: upload.completed_at.is_some(),
        call_slug,
        kind: upload.kind.clone(),
        file_name: upload.file_name.clone(),
        file_type: upload.file_type.clone(),
    }
}

fn gone() -> ServiceError {
    ServiceError::refused(Refusal::Gone, "upload_expired")
}

/// The owner's upload; anyone else's is not found, and an expired one is gone.
async fn own(state: &AppState, owner: &User, id: &str) -> ServiceResult<Upload> {
    let upload = uploads::find(&state.db, id).await?.filter(|u| u.owner_id == owner.id).ok_or(ServiceError::NotFound)?;
    if upload.expires_at <= now_ms() {
        return Err(gone());
    }
    Ok(upload)
}

/// How far an upload has come.
pub async fn status(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<UploadStatus> {
    let upload = own(state, actor.require()?, id).await?;
    Ok(status_of(&upload, None))
}

/// What the store holds of an upload, for its writer.
async fn resumable(state: &AppState, upload: &Upload) -> ServiceResult<Resumable> {
    let parts = uploads::parts(&state.db, &upload.id).await?;
    Ok(Resumable {
        id: upload.id.clone(),
        key: upload.object_key.clone(),
        store_ref: upload.store_ref.clone(),
        received: upload.received as u64,
        parts: parts.into_iter().map(|p| StoredPart { number: p.number, etag: p.etag, size: p.size as u64 }).collect(),
        tail: upload.tail_key.clone().map(|key| Tail { key, len: upload.tail_len as u64 }),
    })
}

fn offset_mismatch(upload: &Upload) -> ServiceError {
    ServiceError::conflict("upload_offset_mismatch").arg("offset", upload.received)
}

/// The write lock of one request on one upload, renewed in the background while held.
struct Lock {
    token: String,
    lost: Arc<AtomicBool>,
    renewer: tokio::task::JoinHandle<()>,
}

impl Lock {
    async fn take(state: &AppState, owner: &User, upload: &Upload, offset: u64) -> ServiceResult<Self> {
        let token = new_id();
        if !uploads::lock(&state.db, &upload.id, &owner.id, offset as i64, &token, now_ms() + LOCK_LEASE_MS).await? {
            // Say why: another request moved it on, or is writing to it now.
            let now = own(state, owner, &upload.id).await?;
            if now.received as u64 != offset || now.completed_at.is_some() {
                return Err(offset_mismatch(&now));
            }
            return Err(ServiceError::refused(Refusal::Busy, "upload_busy"));
        }
        let lost = Arc::new(AtomicBool::new(false));
        let renewer = {
            let (db, id, token, lost) = (state.db.clone(), upload.id.clone(), token.clone(), lost.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(LOCK_RENEW).await;
                    let renewed = uploads::renew(&db, &id, &token, now_ms() + LOCK_LEASE_MS).await;
                    if !matches!(renewed, Ok(true)) {
                        // Unsure whether it still holds the lock: it must stop writing.
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                }
            })
        };
        Ok(Self { token, lost, renewer })
    }

    fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    async fn release(self, state: &AppState, id: &str) {
        self.renewer.abort();
        if let Err(e) = uploads::release(&state.db, id, &self.token).await {
            tracing::warn!(upload.id = %id, error = %e, "an upload's lock not released; it lapses by itself");
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        self.renewer.abort();
    }
}

/// Stores the bytes of one request at `offset` of the owner's upload. A request that breaks
/// off keeps every byte that arrived; with a checksum, a chunk that does not match it (or
/// did not arrive whole) is dropped. `announced` is the request's declared length.
pub async fn append<S, E>(
    state: &AppState,
    actor: Actor<'_>,
    id: &str,
    offset: u64,
    announced: Option<u64>,
    checksum: Option<Checksum>,
    body: S,
) -> ServiceResult<UploadStatus>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
    E: Send + 'static,
{
    let owner = actor.require()?;
    let upload = own(state, owner, id).await?;
    if upload.received as u64 != offset || upload.completed_at.is_some() {
        return Err(offset_mismatch(&upload));
    }
    if announced.is_some_and(|n| offset + n > upload.length as u64) {
        return Err(ServiceError::invalid("upload_past_length").arg("length", upload.length));
    }
    let lock = Lock::take(state, owner, &upload, offset).await?;
    // The rest runs as its own task: a client that goes away mid-chunk ends this request,
    // and what arrived must still be recorded.
    let task = tokio::spawn(write_piece(state.clone(), upload, lock, announced, checksum, body));
    task.await.map_err(|e| ServiceError::Internal(anyhow::anyhow!("an upload's writer failed: {e}")))?
}

/// How a request's body ended.
enum Ended {
    Whole,
    /// The client went away or stalled: what arrived is kept.
    BrokenOff,
    /// More bytes than the upload's length.
    PastLength,
    /// The lock was lost; nothing may be recorded.
    LockLost,
}

async fn write_piece<S, E>(
    state: AppState,
    upload: Upload,
    lock: Lock,
    announced: Option<u64>,
    checksum: Option<Checksum>,
    mut body: S,
) -> ServiceResult<UploadStatus>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
{
    let before = resumable(&state, &upload).await?;
    let remaining = (upload.length - upload.received) as u64;
    let mut writer = match state.store.resumable_writer(&before, announced).await {
        Ok(writer) => writer,
        Err(e) => {
            lock.release(&state, &upload.id).await;
            return Err(e.into());
        }
    };
    let mut hasher = checksum.as_ref().map(|c| Hasher::new(c.algorithm));
    let mut received: u64 = 0;
    let mut ended = Ended::Whole;
    let mut failed = None;
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else {
            ended = Ended::BrokenOff;
            break;
        };
        if lock.lost() {
            ended = Ended::LockLost;
            break;
        }
        if received + chunk.len() as u64 > remaining {
            ended = Ended::PastLength;
            break;
        }
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(&chunk);
        }
        received += chunk.len() as u64;
        if let Err(e) = writer.write(chunk).await {
            failed = Some(e);
            break;
        }
    }
    drop(body);
    if let Some(e) = failed {
        // What this request stored is not recorded; the upload stays where it was.
        lock.release(&state, &upload.id).await;
        return Err(e.into());
    }
    let last = received == remaining;
    let piece = match writer.close(last && matches!(ended, Ended::Whole)).await {
        Ok(piece) => piece,
        Err(e) => {
            lock.release(&state, &upload.id).await;
            return Err(e.into());
        }
    };
    let refusal = match ended {
        Ended::PastLength => Some(ServiceError::invalid("upload_past_length").arg("length", upload.length)),
        Ended::LockLost => Some(ServiceError::refused(Refusal::Busy, "upload_busy")),
        // A checksum covers the whole chunk: part of one cannot be checked, so it is dropped.
        Ended::BrokenOff if checksum.is_some() => Some(ServiceError::refused(Refusal::ChecksumMismatch, "checksum_mismatch")),
        _ => match (checksum, hasher.map(Hasher::finish)) {
            (Some(expected), Some(digest)) if digest != expected.digest => Some(ServiceError::refused(Refusal::ChecksumMismatch, "checksum_mismatch")),
            _ => None,
        },
    };
    if let Some(refusal) = refusal {
        state.store.resumable_discard(&before, piece).await;
        lock.release(&state, &upload.id).await;
        return Err(refusal);
    }
    let result = record(&state, &upload, &before, &lock, piece).await;
    lock.release(&state, &upload.id).await;
    result
}

/// Records a piece, removes the tail it replaced, and assembles the upload when it is whole.
async fn record(state: &AppState, upload: &Upload, before: &Resumable, lock: &Lock, piece: Piece) -> ServiceResult<UploadStatus> {
    let parts: Vec<Part> = piece.parts.iter().map(|p| Part { number: p.number, etag: p.etag.clone(), size: p.size as i64 }).collect();
    let progress = Progress {
        added: piece.received as i64,
        parts: &parts,
        tail_key: piece.tail.as_ref().map(|t| t.key.as_str()),
        tail_len: piece.tail.as_ref().map_or(0, |t| t.len as i64),
        expires_at: now_ms() + expiry_ms(state),
    };
    let recorded = match uploads::record(&state.db, &upload.id, &lock.token, &progress).await {
        Ok(Some(recorded)) => recorded,
        Ok(None) => {
            // Terminated or expired while this request wrote: its bytes belong to nobody.
            state.store.resumable_discard(before, piece).await;
            return Err(ServiceError::NotFound);
        }
        Err(e) => {
            state.store.resumable_discard(before, piece).await;
            return Err(e.into());
        }
    };
    if let Some(old) = &before.tail {
        if piece.tail.as_ref() != Some(old) {
            if let Err(e) = state.store.delete(&old.key).await {
                tracing::warn!(key = %old.key, error = %e, "an upload's replaced tail not removed; it goes with the upload");
            }
        }
    }
    if recorded.received == recorded.length {
        return assemble(state, &recorded, &lock.token).await;
    }
    Ok(status_of(&recorded, None))
}

/// Puts a whole upload's bytes together into its object (under the caller's lock).
async fn assemble(state: &AppState, upload: &Upload, token: &str) -> ServiceResult<UploadStatus> {
    let whole = resumable(state, upload).await?;
    state.store.resumable_complete(&whole).await?;
    let expires_at = now_ms() + expiry_ms(state);
    uploads::complete(&state.db, &upload.id, token, expires_at).await?;
    let mut status = status_of(upload, None);
    status.complete = true;
    status.expires_at = expires_at;
    Ok(status)
}

/// Removes the owner's upload and every byte it stored (tus termination).
pub async fn terminate(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<()> {
    let owner = actor.require()?;
    let upload = uploads::delete_owned(&state.db, id, &owner.id).await?.ok_or(ServiceError::NotFound)?;
    remove_bytes(state, &upload).await;
    Ok(())
}

/// Removes what an upload that has no row any more stored; failures are left to the sweeper.
async fn remove_bytes(state: &AppState, upload: &Upload) {
    let removed = async {
        let stored = Resumable {
            id: upload.id.clone(),
            key: upload.object_key.clone(),
            store_ref: upload.store_ref.clone(),
            received: upload.received as u64,
            parts: Vec::new(),
            tail: None,
        };
        if upload.completed_at.is_some() {
            state.store.delete(&upload.object_key).await
        } else {
            state.store.resumable_abort(&stored).await
        }
    };
    if let Err(e) = removed.await {
        tracing::warn!(upload.id = %upload.id, error = %e, "a removed upload's bytes not removed; the sweeper will");
    }
}

/// Removes expired uploads and what they stored (their S3 multipart uploads aborted);
/// returns how many. Called by the sweeper.
pub async fn expire(state: &AppState) -> ServiceResult<usize> {
    let now = now_ms();
    let mut removed = 0;
    for upload in uploads::expired(&state.db, now, 500).await? {
        // The row goes first, and only if still expired: a work made from it meanwhile keeps it.
        if uploads::delete_expired(&state.db, &upload.id, now).await? {
            remove_bytes(state, &upload).await;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A finished upload about to become a work: its object copied to a local temp file for
/// the checks (removed when dropped).
pub struct Finished {
    pub upload_id: String,
    pub work_id: String,
    pub call_id: String,
    /// Where the upload's bytes are in the store (the new work's original).
    pub key: String,
    pub path: tempfile::TempPath,
    pub name: String,
    pub size: u64,
    /// The first bytes, for sniffing.
    pub head: Vec<u8>,
}

/// The owner's finished upload, with its object copied to a temp file for the checks a
/// submission makes. An upload whose bytes are all recorded but not yet assembled (its
/// last request died in between) is assembled now.
pub(super) async fn finished(state: &AppState, owner: &User, id: &str) -> ServiceResult<Finished> {
    let mut upload = own(state, owner, id).await.map_err(|e| match e {
        ServiceError::NotFound => ServiceError::invalid("unknown_upload"),
        other => other,
    })?;
    if upload.completed_at.is_none() {
        if upload.received != upload.length {
            return Err(ServiceError::conflict("upload_unfinished").arg("offset", upload.received).arg("length", upload.length));
        }
        let lock = Lock::take(state, owner, &upload, upload.length as u64).await?;
        let assembled = assemble(state, &upload, &lock.token).await;
        lock.release(state, &upload.id).await;
        assembled?;
        upload = own(state, owner, id).await?;
    }
    let temp = tempfile::Builder::new().prefix("upload-").tempfile_in(state.config.tmp_dir())?.into_temp_path();
    state.store.fetch_to(&upload.object_key, &temp).await?;
    let head = {
        use tokio::io::AsyncReadExt;
        let mut head = vec![0u8; piazza_workers::sniff::SNIFF_LEN];
        let mut file = tokio::fs::File::open(&temp).await?;
        let mut filled = 0;
        while filled < head.len() {
            let n = file.read(&mut head[filled..]).await?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        head.truncate(filled);
        head
    };
    Ok(Finished {
        upload_id: upload.id,
        work_id: upload.work_id,
        call_id: upload.call_id,
        key: upload.object_key,
        path: temp,
        name: upload.file_name,
        size: upload.length as u64,
        head,
    })
}
