//! Receiving a work: the rules a submission must pass, then the original into the media
//! store and the work with its processing job into the database, in one transaction.
//! Shared by the API, the submit form and `piazza demo`.

use super::{email_not_verified, Actor, ServiceError, ServiceResult};
use crate::db::users::User;
use crate::db::desks::DeskWork;
use crate::db::works::{self, NewOriginal, NewWork, Work};
use crate::db::{calls, new_id, now_ms};
use crate::domain::{self, AltText, Arg, CaptionLang, Captions, Description, DomainError, Kind, Licence, Status, Title, Transcript};
use crate::state::AppState;
use crate::storage::original_key;
use piazza_workers::sniff::{sniff, Sniffed};
use piazza_workers::MediaError;
use std::path::PathBuf;

/// Bytes read from the start of a photo to check its header at upload time.
const PHOTO_HEADER_BYTES: u64 = 2 * 1024 * 1024;

/// An uploaded file spooled to a local temp file; removed when dropped unless stored.
pub struct SpooledFile {
    pub path: tempfile::TempPath,
    /// The client's file name, cleaned, for display only.
    pub name: String,
    pub size: u64,
    /// The first bytes, for sniffing.
    pub head: Vec<u8>,
    /// Set when the bytes were also streamed into the media store under this key as they
    /// arrived; the submission then owns that object and removes it if refused.
    pub stored_key: Option<String>,
}

/// What a citizen sent, as raw strings: every rule is checked in [`submit`].
#[derive(Default)]
pub struct SubmissionInput {
    /// The work's id when the reader chose it (to stream the file under its final key).
    pub id: Option<String>,
    pub call: String,
    pub kind: String,
    pub title: String,
    pub licence: String,
    pub description: String,
    pub alt_text: String,
    pub text: Option<String>,
    pub file: Option<SpooledFile>,
    /// A finished resumable upload of the author's that holds the file, instead of `file`.
    pub upload: Option<String>,
    /// What is said in a film or a sound work.
    pub transcript: String,
    /// A film's or a sound work's captions file as sent (SRT or WebVTT, any encoding).
    pub captions: Option<Vec<u8>>,
    /// The captions' language; empty: Italian.
    pub captions_lang: String,
    /// At a library desk: how the person wants to be credited, how to reach them (optional),
    /// and `yes` when the operator confirms they agreed to the call's rules and the licence.
    /// Ignored anywhere else.
    pub on_behalf_name: String,
    pub on_behalf_contact: String,
    pub consent: String,
}

/// Where a new work's file goes, chosen before any byte arrives so the upload can stream
/// into the store under its final key: the new work's id and that key.
pub fn new_original() -> (String, String) {
    let id = new_id();
    let key = original_key(&id);
    (id, key)
}

/// Where the file of a work's next version goes (the version under review is never overwritten).
pub fn revised_original(work: &Work) -> String {
    crate::storage::revised_original_key(&work.id, work.revision + 1)
}

/// Opens a streaming upload into the store under `key`, when the backend takes one (S3:
/// multipart parts of `part_size`); the submission then owns that object and removes it if
/// refused.
pub async fn open_upload(state: &AppState, key: &str, part_size: u64) -> ServiceResult<Option<Box<dyn crate::storage::UploadSink>>> {
    Ok(state.store.begin_upload(key, part_size).await?)
}

/// Validates a submission and stores it; returns the new work's id. On any failure,
/// nothing remains: no row, no stored file.
pub async fn submit(state: &AppState, actor: Actor<'_>, input: SubmissionInput) -> ServiceResult<String> {
    submit_with(state, actor, input, Ok(None)).await
}

/// [`submit`], sent at a library desk on someone's behalf when `desk` says so. A refused
/// `desk` (its checks ran before) removes the streamed file like any other refusal.
pub(super) async fn submit_with(state: &AppState, actor: Actor<'_>, input: SubmissionInput, desk: ServiceResult<Option<DeskWork>>) -> ServiceResult<String> {
    let streamed = input.file.as_ref().and_then(|f| f.stored_key.clone());
    let result = match (actor.require(), desk) {
        (Ok(author), Ok(desk)) => submit_inner(state, author, input, desk).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    // A refused submission, or a text work whose file is not kept, leaves no object.
    drop_streamed_upload(state, streamed, matches!(&result, Ok((_, true)))).await;
    result.map(|(id, _)| id)
}

/// Removes the object a file was streamed into on arrival, unless the work keeps it.
async fn drop_streamed_upload(state: &AppState, streamed: Option<String>, kept: bool) {
    if let (Some(key), false) = (streamed, kept) {
        if let Err(e) = state.store.delete(&key).await {
            tracing::error!(error = %e, key = %key, "could not remove a refused upload; the sweeper will");
        }
    }
}

/// Returns the new work's id and whether the work keeps its uploaded file.
async fn submit_inner(state: &AppState, author: &User, mut input: SubmissionInput, desk: Option<DeskWork>) -> ServiceResult<(String, bool)> {
    // Accounts: only people who confirmed their email address may submit works; anyone
    // could otherwise flood the curators from throwaway addresses.
    if !author.email_verified {
        return Err(email_not_verified());
    }

    let call = calls::find_by_slug(&state.db, input.call.trim())
        .await?
        .ok_or_else(|| DomainError::new("unknown_call"))?;
    let kind = Kind::parse(&input.kind)?;
    call.check_submission(kind, now_ms())?;
    // The per-person limit counts the person: at a desk, the one the operator helps.
    let sent = match &desk {
        Some(d) => crate::db::desks::count_for_person_in_call(&state.db, &call.id, &d.desk_id, &d.credited_name, d.contact.as_deref()).await?,
        None => works::count_by_author_in_call(&state.db, &author.id, &call.id).await?,
    };
    call.check_limit(sent)?;
    let title = Title::parse(&input.title)?.into_inner();
    let licence = Licence::parse(&input.licence)?;
    let description = Description::parse(&input.description)?.into_inner();

    call.check_licence(licence)?;
    // The file may have come before, as a resumable upload: it stays that upload's until
    // the work is recorded, so a refused submission can be sent again without it.
    let upload = match input.upload.take() {
        Some(upload_id) => {
            if input.file.is_some() {
                return Err(ServiceError::invalid("file_and_upload"));
            }
            let finished = super::uploads::finished(state, author, upload_id.trim()).await?;
            if finished.call_id != call.id {
                return Err(ServiceError::invalid("upload_for_other_call"));
            }
            input.id = Some(finished.work_id);
            input.file =
                Some(SpooledFile { path: finished.path, name: finished.name, size: finished.size, head: finished.head, stored_key: Some(finished.key) });
            Some(finished.upload_id)
        }
        None => None,
    };
    let id = input.id.clone().unwrap_or_else(new_id);
    let content = check_content(state, &call, kind, &input, original_key(&id), None).await?;
    let (kind, body_text, alt_text, original) = (content.kind, content.body_text, content.alt_text, content.original);

    let new_work = NewWork {
        id: id.clone(),
        call_id: call.id,
        author_id: author.id.clone(),
        kind,
        title,
        description,
        alt_text,
        licence,
        body_text,
        original: original.clone(),
        transcript: Some(content.transcript).filter(|t| !t.is_empty()),
        captions: content.captions,
        desk,
    };
    if let (Some(file), Some(original)) = (&input.file, &original) {
        store_original(state, file, original).await?;
    }
    let inserted = works::insert_from_upload(&state.db, &new_work, state.config.job_max_attempts, upload.as_deref()).await;
    if !matches!(inserted, Ok(true)) {
        // An upload's file stays with the upload; a file sent with the form goes.
        if let (Some(original), None) = (&original, &upload) {
            if let Err(cleanup) = state.store.delete(&original.key).await {
                tracing::error!(error = %cleanup, key = %original.key, "could not remove the original of a failed submission");
            }
        }
        inserted?;
        return Err(ServiceError::invalid("unknown_upload"));
    }
    state.jobs_notify.notify_one();
    Ok((id, original.is_some()))
}

/// A work's content, checked: its text, or its file's type and header.
struct Content {
    /// The kind the work is: a sound sent as a film is a sound work.
    kind: Kind,
    body_text: Option<String>,
    alt_text: String,
    original: Option<NewOriginal>,
    /// Empty when none was written.
    transcript: String,
    /// The checked captions as WebVTT, and their language.
    captions: Option<(String, String)>,
}

/// Checks the text or the file of a work of `kind` sent to `call`. A text work needs its
/// text and a photo or film its file, unless `keep_current` (a resubmission may keep them).
async fn check_content(
    state: &AppState,
    call: &crate::domain::Call,
    kind: Kind,
    input: &SubmissionInput,
    key: String,
    current: Option<&Work>,
) -> ServiceResult<Content> {
    let keep_current = current.is_some();
    let mut content = Content { kind, body_text: None, alt_text: String::new(), original: None, transcript: String::new(), captions: None };
    if kind.is_text() {
        let max_bytes = state.config.max_text_chars as u64 * 4 + 4;
        let raw = match (&input.text, &input.file) {
            (Some(text), _) if !text.trim().is_empty() => text.as_bytes().to_vec(),
            (_, Some(file)) if file.size > max_bytes => {
                return Err(DomainError::new("text_too_long").arg("max", state.config.max_text_chars).into())
            }
            (_, Some(file)) => tokio::fs::read(&file.path).await?,
            _ if keep_current => return Ok(content),
            _ => return Err(DomainError::new("text_required").into()),
        };
        content.body_text = Some(piazza_workers::text::normalise(&raw, state.config.max_text_chars)?);
        return Ok(content);
    }
    content.alt_text = if kind == Kind::Photo && call.alt_text_required {
        AltText::parse(&input.alt_text)?.into_inner()
    } else {
        Description::parse(&input.alt_text)?.into_inner()
    };
    // Films and sounds may say in words what is heard; photos have their alt text.
    if kind.is_timed() {
        content.transcript = Transcript::parse(&input.transcript)?.into_inner();
    }
    let Some(file) = input.file.as_ref() else {
        if keep_current {
            let duration_ms = current.and_then(|w| w.duration_ms).map(|d| d.max(0) as u64);
            let has_captions = current.is_some_and(|w| w.captions_vtt.is_some());
            content.captions = check_captions(state, call, kind, input, duration_ms, has_captions, None).await?;
            check_transcript(call, kind, &content)?;
            return Ok(content);
        }
        let what = match kind {
            Kind::Photo => "photo",
            Kind::Audio => "audio",
            _ => "film",
        };
        return Err(DomainError::new("file_required").arg("what", what).into());
    };
    if file.size == 0 {
        return Err(MediaError::permanent("empty_file", "the file is empty").into());
    }
    let sniffed = sniff(&file.head);
    let path = file.path.to_path_buf();
    let limits = state.config.limits.clone();
    // A sound without a picture sent as a film is a sound work, where the call takes them.
    let kind = if kind == Kind::Film && is_sound(state, sniffed, &path).await? {
        if !call.kinds.contains(&Kind::Audio) {
            let kinds = call.kinds.iter().map(|k| k.key()).collect();
            return Err(DomainError::new("sound_not_accepted").arg("kinds", Arg::Keys(kinds)).into());
        }
        Kind::Audio
    } else {
        kind
    };
    content.kind = kind;
    check_type(kind, sniffed)?;
    // The probe checks the limits; a film's or a sound's length is what captions must fit.
    let length_s = match kind {
        Kind::Photo => {
            probe_photo(state, file).await?;
            None
        }
        Kind::Film => Some(state.request_pool.run(move || piazza_workers::film::probe_film(&path, &limits).map(|i| i.duration_s)).await??),
        // A picture in the file is refused here (`sound_has_picture`): send it as a film.
        Kind::Audio => Some(state.request_pool.run(move || piazza_workers::sound::probe_sound(&path, &limits).map(|i| i.duration_s)).await??),
        Kind::Poem | Kind::Story => unreachable!("texts returned above"),
    };
    if let Some(length_s) = length_s {
        let duration_ms = (length_s > 0.0).then(|| (length_s * 1000.0).round() as u64);
        content.captions = check_captions(state, call, kind, input, duration_ms, false, Some(&*file.path)).await?;
    }
    check_transcript(call, kind, &content)?;
    content.original = Some(NewOriginal { key, name: file.name.clone(), mime: sniffed.mime().to_owned(), size: file.size as i64 });
    Ok(content)
}

/// The first text subtitle track of the file, checked like a captions file, with the
/// language its container names (else the one the form chose). A track that does not pass
/// the checks is left out rather than refused: the author did not send it as captions.
async fn embedded_captions(state: &AppState, file: Option<&std::path::Path>, duration_ms: Option<u64>, form_lang: &str) -> ServiceResult<Option<(String, String)>> {
    let Some(path) = file.map(std::path::Path::to_path_buf) else {
        return Ok(None);
    };
    let limits = state.config.limits.clone();
    let fallback = CaptionLang::parse(form_lang).unwrap_or_default();
    let found = state
        .request_pool
        .run(move || -> Option<(String, String)> {
            let (srt, tag) = piazza_workers::film::text_subtitles(&path, &limits).ok()??;
            let lang = tag.as_deref().and_then(CaptionLang::from_container).unwrap_or(fallback);
            match Captions::parse_in(srt.as_bytes(), duration_ms, &lang) {
                Ok(captions) => Some((captions.to_webvtt(), lang.as_str().to_owned())),
                Err(e) => {
                    tracing::info!(code = e.code, "a film's own subtitle track did not pass the captions checks; left out");
                    None
                }
            }
        })
        .await?;
    Ok(found)
}

/// Whether a file is sound without a picture: an audio format, or a film container with
/// only sound in it (the streams decide, read on the request pool).
async fn is_sound(state: &AppState, sniffed: Sniffed, path: &std::path::Path) -> ServiceResult<bool> {
    if sniffed.is_audio_format() {
        return Ok(true);
    }
    if !sniffed.is_film() {
        return Ok(false);
    }
    let (path, limits) = (path.to_path_buf(), state.config.limits.clone());
    Ok(state.request_pool.run(move || piazza_workers::sound::is_sound_only(&path, &limits)).await??)
}

/// A call that requires transcripts refuses a sound work without one (its captions, which
/// carry the same words, count as one).
fn check_transcript(call: &crate::domain::Call, kind: Kind, content: &Content) -> ServiceResult<()> {
    if kind == Kind::Audio && call.transcript_required && content.transcript.is_empty() && content.captions.is_none() {
        return Err(DomainError::new("transcript_required").into());
    }
    Ok(())
}

/// The captions sent with a film, checked against its length (when known) and turned into
/// WebVTT; a call that requires captions refuses a film without them, unless the work
/// already has some (`has_current`, a resubmission).
async fn check_captions(
    state: &AppState,
    call: &crate::domain::Call,
    kind: Kind,
    input: &SubmissionInput,
    duration_ms: Option<u64>,
    has_current: bool,
    file: Option<&std::path::Path>,
) -> ServiceResult<Option<(String, String)>> {
    if !kind.is_timed() {
        return Ok(None);
    }
    let Some(bytes) = input.captions.clone().filter(|b| !b.is_empty()) else {
        // An MKV or MP4 may carry its own text subtitles: they are its captions.
        if let Some(found) = embedded_captions(state, file, duration_ms, &input.captions_lang).await? {
            return Ok(Some(found));
        }
        // Captions are required of films; a sound's words are its transcript.
        if kind == Kind::Film && call.captions_required && !has_current {
            return Err(DomainError::new("captions_required").into());
        }
        return Ok(None);
    };
    let lang = CaptionLang::parse(&input.captions_lang)?;
    // Up to 2 MiB of text to decode and check: CPU work, off the async threads.
    let parsed = state
        .request_pool
        .run(move || Captions::parse_in(&bytes, duration_ms, &lang).map(|c| (c.to_webvtt(), lang.as_str().to_owned())))
        .await?;
    Ok(Some(parsed?))
}

/// Stores a file that was spooled to disk only (not streamed into the store on arrival).
async fn store_original(state: &AppState, file: &SpooledFile, original: &NewOriginal) -> ServiceResult<()> {
    if file.stored_key.as_deref() != Some(original.key.as_str()) {
        let path: PathBuf = file.path.to_path_buf();
        state.store.put_file(&original.key, &path).await?;
    }
    Ok(())
}

/// The refusal for a work nobody asked to change.
fn not_awaiting_changes() -> ServiceError {
    ServiceError::conflict("not_awaiting_changes")
}

/// The author's own work, if they may send a new version of it now; `NotFound` for anyone
/// else's. Checked before any byte of an upload is read, and again when it is stored.
pub async fn resubmittable(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<Work> {
    let author = actor.require()?;
    let work = works::find(&state.db, id).await?.filter(|w| w.author_id == author.id && w.status != Status::Withdrawn).ok_or(ServiceError::NotFound)?;
    if !domain::may_resubmit(work.status) {
        return Err(not_awaiting_changes());
    }
    Ok(work)
}

/// The author's new version of a work a curator asked to change: new title, description,
/// alt text, and, if sent, new text or a new file. The earlier version stays in the history.
/// On any failure nothing changes and no new file remains.
pub async fn resubmit(state: &AppState, actor: Actor<'_>, work_id: &str, input: SubmissionInput) -> ServiceResult<()> {
    let streamed = input.file.as_ref().and_then(|f| f.stored_key.clone());
    let result = match actor.require() {
        Ok(author) => resubmit_inner(state, author, work_id, input).await,
        Err(e) => Err(e),
    };
    drop_streamed_upload(state, streamed, matches!(&result, Ok(true))).await;
    result.map(|_| ())
}

/// Returns whether the new version keeps the uploaded file.
async fn resubmit_inner(state: &AppState, author: &User, work_id: &str, input: SubmissionInput) -> ServiceResult<bool> {
    let work = resubmittable(state, Actor::person(author), work_id).await?;
    let call = calls::find_by_id(&state.db, &work.call_id).await?.ok_or(ServiceError::NotFound)?;
    let title = Title::parse(&input.title)?.into_inner();
    let description = Description::parse(&input.description)?.into_inner();
    let key = crate::storage::revised_original_key(work_id, work.revision + 1);
    let content = check_content(state, &call, work.kind, &input, key, Some(&work)).await?;
    if content.kind != work.kind {
        // A film's new version without a picture: a work keeps its kind (a streamed file
        // is removed by `resubmit`, as for every refusal).
        return Err(MediaError::permanent("no_video", "this file has no picture: only sound").into());
    }
    if let (Some(file), Some(original)) = (&input.file, &content.original) {
        store_original(state, file, original).await?;
    }
    let new = crate::db::review::Resubmission {
        title,
        description,
        alt_text: content.alt_text,
        body_text: content.body_text,
        new_original: content.original.clone(),
        // The form shows the current transcript: what comes back is the new version's.
        transcript: if work.kind.is_timed() { Some(content.transcript).filter(|t| !t.is_empty()) } else { work.transcript.clone() },
        // A new film without new captions loses the old ones: they were timed for the old film.
        captions: match (content.captions, content.original.is_some()) {
            (Some(captions), _) => Some(Some(captions)),
            (None, true) => Some(None),
            (None, false) => None,
        },
    };
    let outcome = crate::db::review::resubmit(&state.db, work_id, &author.id, &new, state.config.job_max_attempts).await;
    let replaced = match outcome {
        Ok(Some(replaced)) => replaced,
        other => {
            // The new file's key belongs to this attempt alone: nothing else points at it.
            if let Some(original) = &content.original {
                if let Err(e) = state.store.delete(&original.key).await {
                    tracing::error!(error = %e, key = %original.key, "could not remove the file of a refused resubmission; the sweeper will");
                }
            }
            return match other {
                Ok(_) => Err(not_awaiting_changes()),
                Err(e) => Err(e.into()),
            };
        }
    };
    if let Some(old) = replaced {
        crate::storage::remove_unreferenced(&*state.store, &[old], &[]).await;
    }
    state.jobs_notify.notify_one();
    Ok(content.original.is_some())
}

fn check_type(kind: Kind, sniffed: Sniffed) -> Result<(), MediaError> {
    let ok = match kind {
        Kind::Photo => sniffed.is_photo(),
        Kind::Film => sniffed.is_film(),
        // Audio formats, and film containers (MP4, MKV, WebM, Ogg) holding only sound.
        Kind::Audio => sniffed.is_audio(),
        Kind::Poem | Kind::Story => true,
    };
    if ok {
        return Ok(());
    }
    let message = match (kind, sniffed) {
        (Kind::Photo, s) if s.is_film() => "this file is a video: choose \"film\" as the kind of work".to_owned(),
        (Kind::Film, s) if s.is_photo() => "this file is a picture: choose \"photo\" as the kind of work".to_owned(),
        (Kind::Photo, _) => "this file is not a photo we can read; send a JPEG, PNG, WebP, GIF, HEIC, TIFF or BMP picture".to_owned(),
        (Kind::Audio, _) => "this file is not a sound we can read; send MP3, M4A, WAV, FLAC, Ogg, Opus or AMR".to_owned(),
        _ => "this file is not a film we can read; send an MP4, MOV, WebM, MKV, AVI or Ogg video".to_owned(),
    };
    Err(MediaError::permanent("unsupported_format", message))
}

/// Checks a photo's header (format, pixel limits) from its first bytes.
async fn probe_photo(state: &AppState, file: &SpooledFile) -> ServiceResult<()> {
    let path = file.path.to_path_buf();
    let size = file.size;
    let limits = state.config.limits.clone();
    state
        .request_pool
        .run(move || -> ServiceResult<()> {
            use std::io::Read;
            let mut head = Vec::new();
            std::fs::File::open(&path)?.take(PHOTO_HEADER_BYTES).read_to_end(&mut head)?;
            match piazza_workers::photo::probe_photo(&head, &limits) {
                // A header larger than what was read: the worker decides from the whole file.
                Err(e) if e.code == "corrupt_file" && size > PHOTO_HEADER_BYTES => Ok(()),
                Err(e) => Err(e.into()),
                Ok(_) => Ok(()),
            }
        })
        .await?
}
