//! The curators' pages: the calls they run, the review queue with its filters and bulk
//! approval, and the ready-made reasons. Forms post back and redirect; no JavaScript.

use crate::http::frame::{or_form, page, render, Frame, PageResult, Pager};
use crate::db::reasons::ReasonTemplate;
use crate::domain::{Call, CallState, Kind, Licence, RawCallFields, Status};
use crate::http::error::AppError;
use crate::i18n::T;
use crate::local_time;
use crate::http::upload::read_cover;
use crate::http::viewer::Viewer;
use crate::http::views::{cards, cover_url, WorkView};
use crate::service::calls as call_ops;
use crate::service::curation::{self, QueueQuery};
use crate::service::Page;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The values of a form body, repeated keys (checkboxes) included.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<String> {
    pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

/// A call's form as typed: kept to show it again with the error.
struct CallForm {
    slug: String,
    raw: RawCallFields,
    opens: String,
    closes: String,
    limit: String,
}

impl CallForm {
    fn from_call(call: &Call) -> Self {
        let raw = call.fields();
        Self {
            slug: call.slug.clone(),
            opens: local_time::format(raw.opens_at),
            closes: local_time::format(raw.closes_at),
            limit: raw.max_works_per_person.map(|l| l.to_string()).unwrap_or_default(),
            raw,
        }
    }

    fn blank() -> Self {
        let now = crate::db::now_ms();
        let raw = RawCallFields {
            kinds: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
            licences: Licence::ALL.iter().map(|l| l.as_str().to_owned()).collect(),
            alt_text_required: true,
            opens_at: now,
            closes_at: now + 30 * 24 * 3600 * 1000,
            ..RawCallFields::default()
        };
        Self { slug: String::new(), opens: local_time::format(raw.opens_at), closes: local_time::format(raw.closes_at), limit: String::new(), raw }
    }

    fn parse(body: &[u8]) -> (Self, Result<(), AppError>) {
        let pairs = form_pairs(body);
        let opens = field(&pairs, "opens_at").to_owned();
        let closes = field(&pairs, "closes_at").to_owned();
        let limit = field(&pairs, "max_works_per_person").trim().to_owned();
        let mut check = Ok(());
        let mut time = |value: &str, what: &str| {
            local_time::parse(value).unwrap_or_else(|| {
                check = Err(AppError::unprocessable("invalid_date").arg("field", what));
                0
            })
        };
        let opens_at = time(&opens, "opens_at");
        let closes_at = time(&closes, "closes_at");
        let max = if limit.is_empty() {
            None
        } else {
            match limit.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    check = Err(AppError::unprocessable("invalid_limit"));
                    None
                }
            }
        };
        let raw = RawCallFields {
            title: field(&pairs, "title").to_owned(),
            description: field(&pairs, "description").to_owned(),
            question: field(&pairs, "question").to_owned(),
            kinds: all(&pairs, "kinds"),
            opens_at,
            closes_at,
            max_works_per_person: max,
            licences: all(&pairs, "licences"),
            alt_text_required: field(&pairs, "alt_text_required") == "on",
            captions_required: field(&pairs, "captions_required") == "on",
            transcript_required: field(&pairs, "transcript_required") == "on",
            results_text: field(&pairs, "results_text").to_owned(),
        };
        (Self { slug: field(&pairs, "slug").trim().to_owned(), raw, opens, closes, limit }, check)
    }

    fn has_kind(&self, kind: &&str) -> bool {
        self.raw.kinds.iter().any(|k| k == kind)
    }

    fn has_licence(&self, licence: &&str) -> bool {
        self.raw.licences.iter().any(|l| l == licence)
    }
}

#[derive(Template)]
#[template(path = "curate_call.html")]
struct CallFormPage {
    frame: Frame,
    form: CallForm,
    /// None when creating.
    call: Option<CallSummary>,
    kinds: Vec<(&'static str, &'static str)>,
    licences: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    saved: bool,
}

/// A call as the curators' list and form show it.
struct CallSummary {
    slug: String,
    title: String,
    state: &'static str,
    phase: &'static str,
    next_states: Vec<&'static str>,
    cover_url: Option<String>,
    cover_alt: String,
    opens: String,
    closes: String,
}

impl CallSummary {
    fn new(call: &Call) -> Self {
        Self {
            slug: call.slug.clone(),
            title: call.title.clone(),
            state: call.state.as_str(),
            phase: call.phase(crate::db::now_ms()),
            next_states: call.state.next_states().iter().map(|s| s.as_str()).collect(),
            cover_url: cover_url(call),
            cover_alt: call.cover.as_ref().map(|c| c.alt.clone()).unwrap_or_default(),
            opens: local_time::human(call.opens_at),
            closes: local_time::human(call.closes_at),
        }
    }
}

fn choices(t: T) -> (Vec<(&'static str, &'static str)>, Vec<(&'static str, &'static str)>) {
    (
        Kind::ALL.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
        Licence::ALL.iter().map(|l| (l.as_str(), l.label())).collect(),
    )
}

fn call_form_page(viewer: &Viewer, form: CallForm, call: Option<&Call>, error: Option<String>, saved: bool) -> Result<Response, AppError> {
    let (kinds, licences) = choices(viewer.lang.texts());
    render(CallFormPage { frame: Frame::new(viewer), form, call: call.map(CallSummary::new), kinds, licences, error, saved })
}

#[derive(Template)]
#[template(path = "curate_calls.html")]
struct CallsPage {
    frame: Frame,
    calls: Vec<CallSummary>,
}

pub async fn calls(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    page(&viewer, async {
        let calls = call_ops::all(&state, viewer.actor()).await?.iter().map(CallSummary::new).collect();
        render(CallsPage { frame: Frame::new(&viewer), calls })
    })
    .await
}

pub async fn new_call_form(viewer: Viewer) -> PageResult {
    page(&viewer, async {
        viewer.actor().require_curator()?;
        call_form_page(&viewer, CallForm::blank(), None, None, false)
    })
    .await
}

/// A new call starts as a draft: curators look at it, then open it with a button.
pub async fn create_call(State(state): State<AppState>, viewer: Viewer, body: Bytes) -> PageResult {
    page(&viewer, async {
        viewer.actor().require_curator()?;
        let (form, check) = CallForm::parse(&body);
        let created = match check {
            Ok(()) => call_ops::create(&state, viewer.actor(), &form.slug, &form.raw, CallState::Draft).await.map_err(AppError::from),
            Err(e) => Err(e),
        };
        let result = created.map(|call| Redirect::to(&format!("/curate/calls/{}", call.slug)).into_response());
        or_form(&viewer, result, |message| async { call_form_page(&viewer, form, None, Some(message), false) }).await
    })
    .await
}

#[derive(Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn edit_call_form(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>, Query(q): Query<SavedQuery>) -> PageResult {
    page(&viewer, async {
        viewer.actor().require_curator()?;
        let call = call_ops::call_for(&state, viewer.actor(), &slug).await?;
        call_form_page(&viewer, CallForm::from_call(&call), Some(&call), None, q.saved.is_some())
    })
    .await
}

pub async fn edit_call(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>, body: Bytes) -> PageResult {
    page(&viewer, async {
        viewer.actor().require_curator()?;
        let call = call_ops::call_for(&state, viewer.actor(), &slug).await?;
        let (mut form, check) = CallForm::parse(&body);
        form.slug = call.slug.clone();
        let result = match check {
            Ok(()) => call_ops::edit(&state, viewer.actor(), &call, &form.raw).await.map_err(AppError::from),
            Err(e) => Err(e),
        };
        let result = result.map(|()| Redirect::to(&format!("/curate/calls/{slug}?saved=1")).into_response());
        or_form(&viewer, result, |message| async { call_form_page(&viewer, form, Some(&call), Some(message), false) }).await
    })
    .await
}

#[derive(Deserialize)]
pub struct StateForm {
    state: String,
}

pub async fn call_state(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>, Form(form): Form<StateForm>) -> PageResult {
    page(&viewer, async {
        viewer.actor().require_curator()?;
        let call = call_ops::call_for(&state, viewer.actor(), &slug).await?;
        let to = call_ops::parse_state(&form.state)?;
        call_ops::set_state(&state, viewer.actor(), &call, to).await?;
        Ok(Redirect::to(&format!("/curate/calls/{slug}?saved=1")).into_response())
    })
    .await
}

pub async fn cover(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>, multipart: Multipart) -> PageResult {
    page(&viewer, async {
        viewer.actor().require_curator()?;
        let call = call_ops::call_for(&state, viewer.actor(), &slug).await?;
        let result = match read_cover(multipart).await {
            Ok((bytes, alt)) => call_ops::set_cover(&state, viewer.actor(), &call, bytes, &alt).await.map_err(AppError::from),
            Err(e) => Err(e),
        };
        let result = result.map(|()| Redirect::to(&format!("/curate/calls/{slug}?saved=1")).into_response());
        or_form(&viewer, result, |message| async { call_form_page(&viewer, CallForm::from_call(&call), Some(&call), Some(message), false) }).await
    })
    .await
}

#[derive(Template)]
#[template(path = "curate.html")]
struct QueuePage {
    frame: Frame,
    works: Vec<WorkView>,
    reports: Vec<crate::db::reactions::Reported>,
    /// Published works with new captions or a transcript waiting: id, title, what is new.
    updates: Vec<(String, String, &'static str)>,
    calls: Vec<(String, String)>,
    statuses: Vec<&'static str>,
    kinds: Vec<(&'static str, &'static str)>,
    call: String,
    status: String,
    kind: String,
    shortlisted: bool,
    notice: Option<String>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct QueueParams {
    call: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    shortlisted: Option<String>,
    page: Option<String>,
    #[serde(default)]
    approved: Option<usize>,
    #[serde(default)]
    skipped: Option<usize>,
}

/// The review queue: waiting works by default, filtered by call, status and kind.
pub async fn queue(State(state): State<AppState>, viewer: Viewer, Query(q): Query<QueueParams>) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        let query = QueueQuery {
            call: q.call.clone(),
            status: q.status.clone(),
            kind: q.kind.clone(),
            shortlisted_only: QueueQuery::ticked(q.shortlisted.as_deref()),
            page: Page::number_from(q.page.as_deref()),
        };
        let found = curation::queue(&state, viewer.actor(), &query).await?;
        let (filter, pager) = (found.filter, Pager::from(found.works.page));
        let works = cards(found.works);
        let reports = curation::open_reports(&state, viewer.actor()).await?;
        let updates = crate::service::updates::queue(&state, viewer.actor())
            .await?
            .into_iter()
            .filter_map(|d| {
                let u = d.update?;
                let what = match (u.captions.is_some(), u.transcript.is_some()) {
                    (true, true) => t.get("update-what-both"),
                    (true, false) => t.get("update-what-captions"),
                    _ => t.get("update-what-transcript"),
                };
                Some((d.work.id, d.work.title, what))
            })
            .collect();
        let calls = call_ops::all(&state, viewer.actor()).await?.into_iter().map(|c| (c.slug, c.title)).collect();
        let notice = q.approved.map(|n| t.with2("bulk-approved", "approved", n, "skipped", q.skipped.unwrap_or(0)));
        render(QueuePage {
            frame: Frame::new(&viewer),
            works,
            reports,
            updates,
            calls,
            statuses: [Status::PendingReview, Status::ChangesRequested, Status::Published, Status::Rejected, Status::Processing, Status::Failed]
                .iter()
                .map(|s| s.as_str())
                .collect(),
            kinds: Kind::ALL.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
            call: q.call.clone().unwrap_or_default(),
            status: filter.status.unwrap_or(Status::PendingReview).as_str().to_owned(),
            kind: q.kind.clone().unwrap_or_default(),
            shortlisted: filter.shortlisted_only,
            notice,
            pager,
        })
    })
    .await
}

pub async fn bulk_approve(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, body: Bytes) -> PageResult {
    page(&viewer, async {
        let pairs = form_pairs(&body);
        let ids = all(&pairs, "ids");
        let base = crate::http::links::mail_base(&state, &headers);
        let outcome = curation::bulk_approve(&state, viewer.actor(), &ids, base.as_deref()).await?;
        let (approved, skipped) = (outcome.approved, outcome.skipped);
        // Back to the queue page it came from (with its filters), never elsewhere.
        let back = crate::http::links::same_origin_path(field(&pairs, "back"));
        let back = if back.starts_with("/curate") { back } else { "/curate" };
        let sep = if back.contains('?') { '&' } else { '?' };
        Ok(Redirect::to(&format!("{back}{sep}approved={}&skipped={}", approved.len(), skipped.len())).into_response())
    })
    .await
}

#[derive(Deserialize)]
pub struct FlagForm {
    flag: String,
    on: String,
}

pub async fn flag(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, Form(form): Form<FlagForm>) -> PageResult {
    page(&viewer, async {
        curation::set_flag(&state, viewer.actor(), &id, &form.flag, form.on == "1").await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "reasons.html")]
struct ReasonsPage {
    frame: Frame,
    reasons: Vec<ReasonTemplate>,
    error: Option<String>,
}

async fn reasons_page(state: &AppState, viewer: &Viewer, error: Option<String>) -> Result<Response, AppError> {
    let reasons = curation::reasons(state, viewer.actor()).await?;
    render(ReasonsPage { frame: Frame::new(viewer), reasons, error })
}

pub async fn reasons(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    page(&viewer, async {
        reasons_page(&state, &viewer, None).await
    })
    .await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    text: String,
}

async fn save_reason(state: &AppState, viewer: &Viewer, id: Option<&str>, form: &ReasonForm) -> Result<Response, AppError> {
    viewer.actor().require_curator()?;
    let result = curation::save_reason(state, viewer.actor(), id, &form.label, &form.text).await.map(|()| Redirect::to("/curate/reasons").into_response());
    let result = result.map_err(AppError::from);
    or_form(viewer, result, |message| reasons_page(state, viewer, Some(message))).await
}

pub async fn create_reason(State(state): State<AppState>, viewer: Viewer, Form(form): Form<ReasonForm>) -> PageResult {
    page(&viewer, save_reason(&state, &viewer, None, &form)).await
}

pub async fn update_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, Form(form): Form<ReasonForm>) -> PageResult {
    page(&viewer, save_reason(&state, &viewer, Some(&id), &form)).await
}

pub async fn delete_reason(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        curation::delete_reason(&state, viewer.actor(), &id).await?;
        Ok(Redirect::to("/curate/reasons").into_response())
    })
    .await
}
