//! The submit page: the form a citizen sends a work with. It works without JavaScript (one
//! multipart POST; a refusal comes back with everything typed and the error beside its
//! field); `/static/submit.js` enhances it with resumable uploads, checks before the first
//! byte, progress, and drafts kept in the browser. What the script says comes from the
//! catalogue, handed over in `data-` attributes ([`ScriptTexts`]).

use super::CallView;
use crate::http::csp;
use crate::http::error::AppError;
use crate::http::frame::{or_form, page, render, Frame, PageResult};
use crate::http::upload;
use crate::http::viewer::Viewer;
use crate::db::now_ms;
use crate::domain::{Kind, Licence};
use crate::i18n::{text_with, Arg, Lang, T};
use crate::service::{self, desks, gallery, submissions};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage {
    frame: Frame,
    calls: Vec<CallView>,
    selected_call: String,
    kinds: Vec<(&'static str, &'static str)>,
    licences: Vec<(&'static str, &'static str)>,
    error: Option<FormError>,
    /// The author must confirm their address before sending (accounts).
    not_verified: bool,
    typed: Typed,
    limits: LimitsText,
    script: ScriptTexts,
    /// The languages offered for captions, each named in itself.
    caption_langs: &'static [(&'static str, &'static str)],
    /// Names the browser's saved drafts and unfinished uploads of this person, so that on a
    /// shared computer (a library's) one person's draft is never offered to another.
    draft_key: String,
    /// At a library desk: the desk's name; the form then sends on someone's behalf.
    desk: Option<String>,
}

/// A refusal shown in the form, next to the field it is about when there is one.
struct FormError {
    message: String,
    field: Option<&'static str>,
}

/// What the person typed, shown again when the form is refused.
#[derive(Default)]
struct Typed {
    kind: String,
    title: String,
    text: String,
    description: String,
    alt_text: String,
    licence: String,
    /// A file already uploaded (by the page's script): sending the form again uses it.
    upload: String,
    transcript: String,
    captions_lang: String,
    on_behalf_name: String,
    on_behalf_contact: String,
    consent: bool,
}

impl Typed {
    fn of(input: &submissions::SubmissionInput) -> Self {
        Self {
            kind: input.kind.clone(),
            title: input.title.clone(),
            text: input.text.clone().unwrap_or_default(),
            description: input.description.clone(),
            alt_text: input.alt_text.clone(),
            licence: input.licence.clone(),
            upload: input.upload.clone().unwrap_or_default(),
            transcript: input.transcript.clone(),
            captions_lang: input.captions_lang.clone(),
            on_behalf_name: input.on_behalf_name.clone(),
            on_behalf_contact: input.on_behalf_contact.clone(),
            consent: input.consent.trim() == "yes",
        }
    }
}

/// The limits of a work, in words for the person and in numbers for the page's script.
struct LimitsText {
    words: String,
    max_bytes: u64,
    max_duration_s: u64,
    photo_types: String,
    film_types: String,
    audio_types: String,
    photo_extensions: String,
    film_extensions: String,
    audio_extensions: String,
}

impl LimitsText {
    fn new(limits: &crate::service::calls::SubmissionLimits, t: T) -> Self {
        let mb = limits.max_bytes / (1024 * 1024);
        let film = t.with2("limit-film", "mb", mb, "minutes", limits.max_duration_s.div_ceil(60));
        let sound = t.with2("limit-audio", "mb", mb, "minutes", limits.max_duration_s.div_ceil(60));
        let photo = t.with2("limit-photo", "mb", mb, "megapixels", limits.max_pixels / 1_000_000);
        let text = t.with("limit-text", "chars", limits.max_text_chars as u64);
        Self {
            words: format!("{film}; {sound}; {photo}; {text}."),
            max_bytes: limits.max_bytes,
            max_duration_s: limits.max_duration_s,
            photo_types: Kind::Photo.file_types().join(","),
            film_types: Kind::Film.file_types().join(","),
            audio_types: Kind::Audio.file_types().join(","),
            photo_extensions: Kind::Photo.file_extensions().join(","),
            film_extensions: Kind::Film.file_extensions().join(","),
            audio_extensions: Kind::Audio.file_extensions().join(","),
        }
    }
}

impl SubmitPage {
    /// The refusal's message if it is about `field`.
    fn error_for(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == Some(field)).map(|e| e.message.as_str())
    }

    /// The refusal's message if it is about no one field.
    fn general_error(&self) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field.is_none()).map(|e| e.message.as_str())
    }
}

/// The field of the submit form a refusal is about, from its code.
fn field_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_title" => "title",
        "text_too_long" | "text_required" | "text_empty" => "text",
        "alt_text_required" => "alt_text",
        "invalid_transcript" | "transcript_required" => "transcript",
        "captions_required" | "captions_invalid_timing" | "captions_out_of_order" | "captions_past_end" | "captions_empty"
        | "captions_unreadable" | "captions_too_large" | "captions_invalid_lang" => "captions",
        "invalid_description" => "description",
        "invalid_name" => "on_behalf_name",
        "contact_invalid" => "on_behalf_contact",
        "consent_required" => "consent",
        "invalid_licence" | "licence_not_offered" => "licence",
        "invalid_kind" | "kind_not_accepted" | "upload_for_text" => "kind",
        "unknown_call" | "call_closed" | "call_not_open_yet" | "call_limit_reached" | "upload_for_other_call" => "call",
        "file_too_large" | "payload_too_large" | "unsupported_format" | "no_video" | "no_audio" | "sound_has_picture" | "sound_too_long" | "sound_not_accepted" | "corrupt_file" | "empty_file" | "file_required"
        | "too_many_files" | "unknown_upload" | "upload_unfinished" | "file_and_upload" | "film_too_long" | "image_too_large"
        | "video_too_large" => "file",
        _ => return None,
    })
}

#[derive(Deserialize)]
pub struct SubmitQuery {
    #[serde(default)]
    call: String,
}

async fn submit_page(state: &AppState, viewer: &Viewer, selected_call: String, error: Option<FormError>, typed: Typed) -> Result<Response, AppError> {
    form_page(state, viewer, selected_call, error, typed, None).await
}

async fn form_page(state: &AppState, viewer: &Viewer, selected_call: String, error: Option<FormError>, typed: Typed, desk: Option<String>) -> Result<Response, AppError> {
    let t = viewer.lang.texts();
    let open = gallery::open_calls(state, now_ms()).await?;
    let limits = crate::service::calls::limits_of(state, &Kind::ALL);
    let mut response = render(SubmitPage {
        frame: Frame::new(viewer),
        calls: open.iter().map(|c| CallView::new(c, t)).collect(),
        selected_call,
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
        licences: Licence::ALL.iter().map(|l| (l.as_str(), l.label())).collect(),
        error,
        not_verified: viewer.user.as_ref().is_some_and(|u| !u.email_verified),
        typed,
        limits: LimitsText::new(&limits, t),
        script: ScriptTexts::new(viewer.lang),
        caption_langs: CAPTION_LANGS,
        draft_key: viewer.user.as_ref().map(|u| draft_key(&u.id)).unwrap_or_default(),
        desk,
    })?;
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp::SCRIPTED));
    Ok(response)
}

pub async fn submit_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<SubmitQuery>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, submit_page(&state, &viewer, q.call, None, Typed::default())).await
}

pub async fn submit(State(state): State<AppState>, viewer: Viewer, multipart: Multipart) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        // What was read is kept even when reading stopped: the form comes back as it was.
        let (input, problem) = upload::read_submission_keeping(&state, multipart).await;
        let (call, typed) = (input.call.clone(), Typed::of(&input));
        let result = match problem {
            Some(problem) => Err(problem),
            None => match submissions::submit(&state, service::Actor::person(&user), input).await {
                Ok(id) => Ok(Redirect::to(&format!("/works/{id}")).into_response()),
                Err(e) => Err(e.into()),
            },
        };
        let field = result.as_ref().err().and_then(|e| field_of(e.status_code().1));
        or_form(&viewer, result, |message| submit_page(&state, &viewer, call, Some(FormError { message, field }), typed)).await
    })
    .await
}

/// The desk's form: the submit form with who the work is for, for operators only.
pub async fn desk_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<SubmitQuery>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let desk = desks::desk_of(&state, viewer.actor()).await?;
        form_page(&state, &viewer, q.call, None, Typed::default(), Some(desk.name)).await
    })
    .await
}

/// An operator sends the desk's form: the receipt to print, or the form again as typed.
pub async fn desk_submit(State(state): State<AppState>, viewer: Viewer, multipart: Multipart) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let desk = desks::desk_of(&state, viewer.actor()).await?;
        let (input, problem) = upload::read_submission_keeping(&state, multipart).await;
        let (call, typed) = (input.call.clone(), Typed::of(&input));
        let result = match problem {
            Some(problem) => Err(problem),
            None => match desks::submit(&state, service::Actor::person(&user), input).await {
                Ok(sent) => Ok(Redirect::to(&format!("/desk/works/{}/receipt", sent.id)).into_response()),
                Err(e) => Err(e.into()),
            },
        };
        let field = result.as_ref().err().and_then(|e| field_of(e.status_code().1));
        or_form(&viewer, result, |message| form_page(&state, &viewer, call, Some(FormError { message, field }), typed, Some(desk.name))).await
    })
    .await
}

/// The languages a person picks for captions in the form (the API takes any primary
/// subtag): the city's, its neighbours', and those most spoken by its newer citizens.
pub(super) const CAPTION_LANGS: &[(&str, &str)] = &[
    ("it", "Italiano"),
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("ro", "Română"),
    ("sq", "Shqip"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("zh", "中文"),
];

/// The messages the page's script shows, with `{name}` where it puts a number. Each is a
/// catalogue message formatted with those placeholders as its arguments.
struct ScriptTexts(Vec<(&'static str, String)>);

impl ScriptTexts {
    fn new(lang: Lang) -> Self {
        let slot = |name: &'static str| (name, Arg::Str(format!("{{{name}}}")));
        let texts = vec![
            ("starting", text_with(lang, "upload-starting", &[])),
            ("progress", text_with(lang, "upload-progress", &[slot("percent"), slot("sent"), slot("total")])),
            ("left-minutes", text_with(lang, "upload-left-minutes", &[slot("minutes")])),
            ("left-one-minute", text_with(lang, "upload-left-one-minute", &[])),
            ("left-seconds", text_with(lang, "upload-left-seconds", &[])),
            ("announce", text_with(lang, "upload-announce", &[slot("percent")])),
            ("offline", text_with(lang, "upload-offline", &[])),
            ("online", text_with(lang, "upload-online", &[])),
            ("retrying", text_with(lang, "upload-retrying", &[])),
            ("sent", text_with(lang, "upload-sent", &[])),
            ("failed", text_with(lang, "upload-failed", &[])),
            ("gone", text_with(lang, "upload-gone", &[])),
            ("resume-offer", text_with(lang, "upload-resume-offer", &[slot("name"), slot("percent")])),
            ("resuming", text_with(lang, "upload-resuming", &[slot("percent")])),
            ("draft-restored", text_with(lang, "upload-draft-restored", &[])),
            ("too-large", text_with(lang, "upload-too-large", &[slot("size"), slot("max")])),
            ("too-long", text_with(lang, "upload-too-long", &[slot("minutes"), slot("max")])),
            ("too-long-audio", text_with(lang, "upload-too-long-audio", &[slot("minutes"), slot("max")])),
            ("wrong-type-photo", text_with(lang, "upload-wrong-type-photo", &[])),
            ("wrong-type-film", text_with(lang, "upload-wrong-type-film", &[])),
            ("wrong-type-audio", text_with(lang, "upload-wrong-type-audio", &[])),
        ];
        Self(texts)
    }

    /// The texts as `(attribute name, value)` pairs, for `data-msg-…` attributes.
    fn pairs(&self) -> &[(&'static str, String)] {
        &self.0
    }
}

/// A name for one person's drafts that does not reveal who they are to the next person at
/// a shared computer.
fn draft_key(user_id: &str) -> String {
    let digest = Sha256::new().chain_update(b"piazza draft v1\0").chain_update(user_id.as_bytes()).finalize();
    hex::encode(&digest[..8])
}

/// The page's script: a file of its own, so the CSP allows scripts from this site only and
/// no inline script at all.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../../templates/submit.js"),
    )
}
