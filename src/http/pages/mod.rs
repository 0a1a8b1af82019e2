//! Server-rendered pages: usable without JavaScript, light on mobile data, Italian first.

pub mod accounts;
pub mod curator;
pub mod desk;
pub mod oidc;
pub mod search;
pub mod share;
pub mod privacy;
pub mod site;
pub mod submit;
pub mod updates;

use super::error::AppError;
use super::frame::{cookie_header, or_form, page, render, Frame, PageError, PageResult, Pager};
use crate::i18n::{Lang, T};
use super::upload;
use super::viewer::{ClientAddr, Viewer, LANG_COOKIE, SESSION_COOKIE};
use super::views::{cards, cover_url, WorkView};
use crate::db::now_ms;
use crate::domain::{Call, Status};
use crate::service::curation::DecisionInput;
use crate::service::gallery;
use crate::service::works as work_ops;
use crate::service::{self, accounts as account_ops, curation, reactions, submissions, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A call as pages show it.
pub struct CallView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub question: String,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub opens: String,
    pub closes: String,
    pub open: bool,
    /// draft, upcoming, open, closed, results or archived.
    pub phase: &'static str,
    pub cover: Option<(String, String, i64, i64)>,
    /// Shown only once the results are published.
    pub results_text: String,
    pub max_works_per_person: Option<i64>,
    pub alt_text_required: bool,
    pub captions_required: bool,
    pub transcript_required: bool,
    pub licences: Vec<(&'static str, &'static str)>,
}

impl CallView {
    fn new(call: &Call, t: T) -> Self {
        let phase = call.phase(now_ms());
        Self {
            slug: call.slug.clone(),
            title: call.title.clone(),
            description: call.description.clone(),
            question: call.question.clone(),
            kinds: call.kinds.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
            opens: crate::local_time::human(call.opens_at),
            closes: crate::local_time::human(call.closes_at),
            open: phase == "open",
            phase,
            cover: call.cover.as_ref().map(|c| (cover_url(call).unwrap_or_default(), c.alt.clone(), c.width, c.height)),
            results_text: call.public_results_text().to_owned(),
            max_works_per_person: call.max_works_per_person,
            alt_text_required: call.alt_text_required,
            captions_required: call.captions_required,
            transcript_required: call.transcript_required,
            licences: call.licences.iter().map(|l| (l.as_str(), l.label())).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    /// Open, and opening soon.
    calls: Vec<CallView>,
    /// Calls whose results are out.
    results: Vec<CallView>,
    works: Vec<WorkView>,
}

pub async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        let front = gallery::front(&state, now_ms()).await?;
        let calls = front.calls.iter().map(|c| CallView::new(c, t)).collect();
        let results = front.results.iter().map(|c| CallView::new(c, t)).collect();
        render(HomePage { frame: Frame::new(&viewer), calls, results, works: cards(front.works) })
    })
    .await
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    frame: Frame,
    call: CallView,
    featured: Vec<WorkView>,
    works: Vec<WorkView>,
    pager: Pager,
    share: Option<share::Share>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<String>,
}

/// A call's page: drafts only for curators (a preview), 404 to everyone else.
pub async fn call(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(slug): Path<String>, Query(q): Query<PageQuery>) -> PageResult {
    page(&viewer, async {
        let gallery = gallery::call(&state, viewer.actor(), &slug, Page::number_from(q.page.as_deref())).await?;
        let pager = gallery.works.page.into();
        let call = CallView::new(&gallery.call, viewer.lang.texts());
        let share = super::links::mail_base(&state, &headers).and_then(|base| share::Share::of_call(&call, &base, viewer.lang.texts().get("share-email")));
        render(CallPage { frame: Frame::new(&viewer), call, featured: cards(gallery.featured), works: cards(gallery.works), pager, share })
    })
    .await
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    lang: &'static str,
    title: String,
    /// The feed's own id, a `tag:` URI.
    id: String,
    /// The prefix of entry ids, a `tag:` URI.
    tag: String,
    base: String,
    path: String,
    page: String,
    updated: String,
    works: Vec<WorkView>,
}

/// An Atom feed of published works: of the whole piazza, or of one call (not of a draft).
async fn feed_of(state: &AppState, viewer: &Viewer, headers: &HeaderMap, call: Option<&Call>) -> Result<Response, AppError> {
    let mut works = cards(gallery::latest(state, call).await?);
    // Input refuses what XML forbids, but rows from before that rule (or from a bug) must
    // not make the whole feed unreadable.
    let xml = |s: &mut String| *s = piazza_workers::text::xml_safe(s).into_owned();
    for w in &mut works {
        for field in [&mut w.title, &mut w.author, &mut w.excerpt, &mut w.alt_text] {
            xml(field);
        }
    }
    let updated = works.first().and_then(|w| w.published_at.clone()).unwrap_or_else(|| super::views::rfc3339_ms(0));
    let (title, path, page) = match call {
        Some(c) => (format!("{} · Piazza", piazza_workers::text::xml_safe(&c.title)), format!("/calls/{}/feed.xml", c.slug), format!("/calls/{}", c.slug)),
        None => ("Piazza".to_owned(), "/feed.xml".to_owned(), "/".to_owned()),
    };
    // Feed readers need absolute links; without a configured address, links are relative to this host.
    let base = super::links::link_base(state, headers).unwrap_or_default();
    // Ids never come from the request: a reader must see the same entry whatever Host it used.
    let tag = format!("tag:{},2026:", super::links::tag_authority(&state.config.public_url));
    let id = match call {
        Some(c) => format!("{tag}calls/{}/feed", c.id),
        None => format!("{tag}feed"),
    };
    let xml = Feed { lang: viewer.lang.code(), title, id, tag, base, path, page, updated, works }.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

pub async fn feed(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    page(&viewer, feed_of(&state, &viewer, &headers, None)).await
}

/// A call's feed: only calls the public can see, whoever asks (feed readers share URLs).
pub async fn call_feed(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(slug): Path<String>) -> PageResult {
    page(&viewer, async {
        let call = service::calls::public(&state, &slug).await?;
        feed_of(&state, &viewer, &headers, Some(&call)).await
    })
    .await
}

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage {
    frame: Frame,
    calls: Vec<CallView>,
}

/// Calls the city has archived: off the home page, still readable.
pub async fn archive(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        let calls = gallery::archive(&state).await?.iter().map(|c| CallView::new(c, t)).collect();
        render(ArchivePage { frame: Frame::new(&viewer), calls })
    })
    .await
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    frame: Frame,
    work: WorkView,
    failure_text: String,
    is_author: bool,
    /// The work's history, for its author and curators.
    history: Vec<(String, &'static str, String)>,
    revisions: Vec<crate::db::review::Revision>,
    reasons: Vec<crate::db::reasons::ReasonTemplate>,
    /// The card for sites the page is shared on (published works only).
    share: Option<share::Share>,
    /// What the file carried and that it is gone (author and curators only).
    privacy: Option<privacy::PrivacyText>,
}

/// How often a work's page reloads itself while the work is processing, so its author sees
/// the progress and then the outcome without JavaScript.
const PROCESSING_REFRESH_S: u32 = 5;

pub async fn work(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        let work = WorkView::detail(work_ops::visible(&state, viewer.actor(), &id).await?);
        let failure_text = work
            .failure
            .as_ref()
            .map(|f| crate::i18n::error_text(viewer.lang, &f.code, &[]))
            .unwrap_or_default();
        let is_author = viewer.user.as_ref().is_some_and(|u| u.id == work.author_id);
        let (mut history, mut revisions, mut reasons) = (Vec::new(), Vec::new(), Vec::new());
        if is_author || viewer.is_curator() {
            let t = viewer.lang.texts();
            let found = work_ops::history(&state, viewer.actor(), &id).await?;
            history = found.events.into_iter().map(|e| (crate::local_time::human(e.created_at), t.event(&e.action), e.reason)).collect();
            revisions = found.revisions;
        }
        if viewer.is_curator() {
            reasons = curation::reasons(&state, viewer.actor()).await?;
        }
        let mut frame = Frame::new(&viewer);
        if work.status == Status::Processing.as_str() {
            frame.refresh_after_s = Some(PROCESSING_REFRESH_S);
        }
        let share = super::links::mail_base(&state, &headers).and_then(|base| share::Share::of_work(&work, &base, viewer.lang.texts().get("share-email")));
        let privacy = privacy::PrivacyText::of(&work, viewer.lang);
        render(WorkPage { frame, work, failure_text, is_author, history, revisions, reasons, share, privacy })
    })
    .await
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    frame: Frame,
    /// A refusal to show (wrong password, too many attempts).
    error: Option<&'static str>,
    /// A note after another step (account created, password changed, account deleted).
    notice: Option<&'static str>,
    email: String,
    /// The account is locked by guessing: offer its owner a sign-in link by mail.
    offer_link: bool,
    /// The provider's button text, when sign-in through the city's provider is on.
    oidc_label: Option<String>,
    /// Whether the password form (and sign-up, reset) is offered.
    passwords: bool,
}

impl SignInPage {
    fn new(state: &AppState, viewer: &Viewer, notice: Option<&'static str>) -> Self {
        Self {
            frame: Frame::new(viewer),
            error: None,
            notice,
            email: String::new(),
            offer_link: false,
            oidc_label: oidc::button_label(state, viewer),
            passwords: account_ops::passwords_allowed(state),
        }
    }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    done: String,
}

pub async fn sign_in_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<SignInQuery>) -> PageResult {
    let t = viewer.lang.texts();
    let notice = match q.done.as_str() {
        "signup" => Some(t.get("sign-up-done")),
        "reset" => Some(t.get("reset-done")),
        "deleted" => Some(t.get("account-deleted")),
        "link" => Some(t.get("check-inbox-text")),
        _ => None,
    };
    page(&viewer, async { render(SignInPage::new(&state, &viewer, notice)) }).await
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

pub async fn sign_in(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<SignInForm>) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        let base = super::links::mail_base(&state, &headers);
        let refused = match account_ops::sign_in(&state, &form.email, &form.password, &client.bucket(), base.as_deref()).await {
            Ok(session) => {
                let mut response = Redirect::to("/me/works").into_response();
                response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, &session));
                return Ok(response);
            }
            Err(e) => e,
        };
        let (message, offer_link, retry_after) = match &refused {
            service::ServiceError::Refused { refusal: service::Refusal::TooMany { retry_after_s }, code, .. } => {
                let locked = *code == account_ops::ACCOUNT_LOCKED_CODE;
                (if locked { t.get("account-locked") } else { t.get("too-many-attempts") }, locked, Some(*retry_after_s))
            }
            service::ServiceError::Refused { refusal: service::Refusal::WrongCredentials, .. } => (t.get("sign-in-failed"), false, None),
            service::ServiceError::Refused { code: account_ops::PASSWORD_SIGN_IN_OFF_CODE, .. } => {
                let mut response = render(SignInPage { error: Some(t.get("password-sign-in-off")), ..SignInPage::new(&state, &viewer, None) })?;
                *response.status_mut() = StatusCode::FORBIDDEN;
                return Ok(response);
            }
            _ => return Err(refused.into()),
        };
        let mut response = render(SignInPage { error: Some(message), email: form.email.clone(), offer_link, ..SignInPage::new(&state, &viewer, None) })?;
        *response.status_mut() = if retry_after.is_some() { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNAUTHORIZED };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        Ok(response)
    })
    .await
}

/// The cookie that carries a new session.
pub(super) fn session_cookie(state: &AppState, session: &account_ops::Session) -> HeaderValue {
    cookie_header(state, SESSION_COOKIE, &session.token, session.max_age_s)
}

pub async fn sign_out(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    page(&viewer, async {
        if let Some(token) = super::viewer::cookie(&headers, SESSION_COOKIE) {
            account_ops::sign_out(&state, token).await?;
        }
        let mut response = Redirect::to("/").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", 0));
        Ok(response)
    })
    .await
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    back: String,
}

pub async fn set_language(State(state): State<AppState>, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::parse(&form.lang).unwrap_or(Lang::It);
    // Only local paths: the form must not become an open redirect.
    let mut response = Redirect::to(super::links::same_origin_path(&form.back)).into_response();
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}", lang.code());
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii"));
    response
}

#[derive(Template)]
#[template(path = "my_works.html")]
struct MyWorksPage {
    frame: Frame,
    works: Vec<WorkView>,
    /// Each work's privacy receipt in words, in the same order.
    privacy: Vec<Option<privacy::PrivacyText>>,
    pager: Pager,
}

pub async fn my_works(State(state): State<AppState>, viewer: Viewer, Query(q): Query<PageQuery>) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let list = work_ops::mine(&state, service::Actor::person(&user), Page::number_from(q.page.as_deref())).await?;
        let pager = list.page.into();
        let works = cards(list);
        let privacy = works.iter().map(|w| privacy::PrivacyText::of(w, viewer.lang)).collect();
        render(MyWorksPage { frame: Frame::new(&viewer), works, privacy, pager })
    })
    .await
}

#[derive(Deserialize)]
pub struct ReviewForm {
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reason_template: String,
}

pub async fn review(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(id): Path<String>, Form(form): Form<ReviewForm>) -> PageResult {
    page(&viewer, async {
        let base = super::links::mail_base(&state, &headers);
        let input = DecisionInput { decision: &form.decision, reason: &form.reason, template_id: Some(&form.reason_template) };
        curation::decide(&state, viewer.actor(), &id, input, base.as_deref()).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "edit_work.html")]
struct EditWorkPage {
    frame: Frame,
    work: crate::db::works::Work,
    error: Option<String>,
    caption_langs: &'static [(&'static str, &'static str)],
}

/// The author's form for a new version, after curators asked for changes.
pub async fn edit_form(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let work = submissions::resubmittable(&state, viewer.actor(), &id).await?;
        render(EditWorkPage { frame: Frame::new(&viewer), work, error: None, caption_langs: submit::CAPTION_LANGS })
    })
    .await
}

pub async fn resubmit(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, multipart: Multipart) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let work = submissions::resubmittable(&state, viewer.actor(), &id).await?;
        let input = upload::read_resubmission(&state, multipart, &work).await?;
        let result = match submissions::resubmit(&state, service::Actor::person(&user), &id, input).await {
            Ok(()) => Ok(Redirect::to(&format!("/works/{id}")).into_response()),
            Err(e) => Err(e.into()),
        };
        // The form comes back as it was before this attempt, with what went wrong.
        or_form(&viewer, result, |message| async { render(EditWorkPage { frame: Frame::new(&viewer), work, error: Some(message), caption_langs: submit::CAPTION_LANGS }) }).await
    })
    .await
}

pub async fn retry(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        work_ops::retry(&state, viewer.actor(), &id).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

pub async fn withdraw(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        work_ops::withdraw(&state, viewer.actor(), &id).await?;
        Ok(Redirect::to("/me/works").into_response())
    })
    .await
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    text: String,
}

pub async fn reply(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, Form(form): Form<ReplyForm>) -> PageResult {
    page(&viewer, async {
        work_ops::reply(&state, viewer.actor(), &id, &form.text).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

pub async fn appreciate(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        reactions::appreciate(&state, viewer.actor(), &id).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

pub async fn report(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(id): Path<String>, Form(form): Form<ReportForm>) -> PageResult {
    page(&viewer, async {
        let base = super::links::mail_base(&state, &headers);
        reactions::report(&state, viewer.actor(), &id, &form.reason, base.as_deref()).await?;
        Ok(Redirect::to(&format!("/works/{id}?reported=1")).into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    frame: Frame,
    events: Vec<(String, String, String, String, String)>,
}

/// The audit log, for admins: every curator and admin action with its stated reason.
pub async fn audit(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    page(&viewer, async {
        let events = account_ops::audit(&state, viewer.actor())
            .await?
            .into_iter()
            .map(|e| (super::views::rfc3339_ms(e.created_at), e.actor, e.action, e.subject, e.reason))
            .collect();
        render(AuditPage { frame: Frame::new(&viewer), events })
    })
    .await
}

#[derive(Template)]
#[template(path = "help_accessible.html")]
struct HelpAccessiblePage {
    frame: Frame,
}

/// How to describe a photo, caption a film and transcribe a sound: the page every refusal
/// for a missing one points at.
pub async fn help_accessible(viewer: Viewer) -> PageResult {
    page(&viewer, async { render(HelpAccessiblePage { frame: Frame::new(&viewer) }) }).await
}

pub async fn not_found(viewer: Viewer) -> PageError {
    PageError::for_viewer(AppError::NotFound, &viewer)
}

