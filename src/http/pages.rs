//! Server-rendered pages: usable without JavaScript, light on mobile data, Italian first.

use super::account_pages::Blocked;
use super::api::{self, SearchParams};
use super::error::AppError;
use crate::i18n::{Lang, T};
use super::viewer::{ClientAddr, Viewer, LANG_COOKIE, SESSION_COOKIE};
use super::views::WorkView;
use super::upload;
use crate::auth;
use crate::db::{calls, now_ms, users, works};
use crate::domain::{Call, Kind, Licence};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// What every page's frame needs: words, language, and who is signed in.
pub struct Frame {
    pub t: T,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub user_name: Option<String>,
    pub is_curator: bool,
    pub is_admin: bool,
    /// The session's synchronizer token, put in every POST form.
    pub csrf: String,
}

impl Frame {
    pub(super) fn new(viewer: &Viewer) -> Self {
        Self {
            t: viewer.lang.texts(),
            lang: viewer.lang.code(),
            other_lang: viewer.lang.other().code(),
            user_name: viewer.user.as_ref().map(|u| u.name.clone()),
            is_curator: viewer.is_curator(),
            is_admin: viewer.user.as_ref().is_some_and(|u| u.role == crate::domain::Role::Admin),
            csrf: viewer.csrf.clone(),
        }
    }
}

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
            opens: super::local_time::human(call.opens_at),
            closes: super::local_time::human(call.closes_at),
            open: phase == "open",
            phase,
            cover: call.cover.as_ref().map(|c| (super::calls::cover_url(call).unwrap_or_default(), c.alt.clone(), c.width, c.height)),
            results_text: call.public_results_text().to_owned(),
            max_works_per_person: call.max_works_per_person,
            alt_text_required: call.alt_text_required,
            licences: call.licences.iter().map(|l| (l.as_str(), l.label())).collect(),
        }
    }
}

/// An error as a page, in the visitor's language.
pub struct PageError {
    error: AppError,
    lang: Lang,
    csrf: String,
}

impl PageError {
    /// An error page whose forms (language, sign-out) still carry the viewer's token.
    pub fn for_viewer(error: AppError, viewer: &Viewer) -> Self {
        Self { error, lang: viewer.lang, csrf: viewer.csrf.clone() }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    heading: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.error.log();
        let status = self.error.parts().0;
        let t = self.lang.texts();
        let message = self.error.say(self.lang);
        let heading = if status == StatusCode::NOT_FOUND { t.get("not-found-title") } else { t.get("error-title") };
        let frame = Frame {
            t,
            lang: self.lang.code(),
            other_lang: self.lang.other().code(),
            user_name: None,
            is_curator: false,
            is_admin: false,
            csrf: self.csrf,
        };
        let page = ErrorPage { frame, heading, message };
        let mut response = (status, Html(page.render().unwrap_or_default())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        response
    }
}

pub(super) type PageResult = Result<Response, PageError>;

pub(super) fn render(template: impl Template) -> Result<Response, AppError> {
    let html = template.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(html).into_response())
}

/// Runs a page body and turns its error into a page in the viewer's language.
pub(super) async fn page<F>(viewer: &Viewer, body: F) -> PageResult
where
    F: std::future::Future<Output = Result<Response, AppError>>,
{
    body.await.map_err(|e| PageError::for_viewer(e, viewer))
}

/// Shows a refusal inside the form it came from: a mistake the person can fix (a 4xx other
/// than 401 and 404) becomes `form(message)` answered with the error's status, in the
/// viewer's language; success and every other error pass through.
pub(super) async fn or_form<F, Fut>(viewer: &Viewer, result: Result<Response, AppError>, form: F) -> Result<Response, AppError>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<Response, AppError>>,
{
    let error = match result {
        Ok(response) => return Ok(response),
        Err(e) => e,
    };
    let status = error.parts().0;
    if !status.is_client_error() || matches!(status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND) {
        return Err(error);
    }
    let mut response = form(super::account_pages::say(viewer, &error)).await?;
    *response.status_mut() = status;
    Ok(response)
}

/// Works with their renditions, as cards and lists show them (one query for all renditions).
pub(super) async fn cards(state: &AppState, list: Vec<works::Work>) -> Result<Vec<WorkView>, AppError> {
    let ids: Vec<String> = list.iter().map(|w| w.id.clone()).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let renditions = works::renditions_of(&state.db, &id_refs).await?;
    Ok(list.into_iter().map(|w| WorkView::new(w, &renditions)).collect())
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
        let (calls, results): (Vec<CallView>, Vec<CallView>) = calls::list_visible(&state.db)
            .await?
            .iter()
            .map(|c| CallView::new(c, t))
            .filter(|c| matches!(c.phase, "open" | "upcoming" | "results"))
            .partition(|c| c.phase != "results");
        let works = cards(&state, works::list_published(&state.db, None, 24, 0).await?).await?;
        render(HomePage { frame: Frame::new(&viewer), calls, results, works })
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
}

/// Works shown per page of a call's gallery: light enough for an old phone.
const CALL_PAGE_SIZE: i64 = 30;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<String>,
}

/// Where a list is: its page number (from 1) and whether there are pages around it.
pub struct Pager {
    pub page: i64,
    pub has_prev: bool,
    pub has_next: bool,
}

impl Pager {
    /// Reads `?page=` leniently: anything that is not a page number is the first page.
    pub fn from_query(page: Option<&str>) -> i64 {
        page.and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1)
    }

    /// Trims a list fetched with one extra row (which says whether a next page exists).
    pub fn trim<T>(page: i64, size: i64, mut rows: Vec<T>) -> (Vec<T>, Self) {
        let has_next = rows.len() as i64 > size;
        rows.truncate(size as usize);
        (rows, Self { page, has_prev: page > 1, has_next })
    }
}

/// A call's page: drafts only for curators (a preview), 404 to everyone else.
pub async fn call(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>, Query(q): Query<PageQuery>) -> PageResult {
    page(&viewer, async {
        let call = super::calls::call_for(&state, &viewer, &slug).await?;
        let number = Pager::from_query(q.page.as_deref());
        let featured = if number == 1 { cards(&state, crate::db::review::featured_in(&state.db, &call.id).await?).await? } else { Vec::new() };
        let rows = works::list_published(&state.db, Some(&call.id), CALL_PAGE_SIZE + 1, (number - 1) * CALL_PAGE_SIZE).await?;
        let (rows, pager) = Pager::trim(number, CALL_PAGE_SIZE, rows);
        let works = cards(&state, rows).await?;
        render(CallPage { frame: Frame::new(&viewer), call: CallView::new(&call, viewer.lang.texts()), featured, works, pager })
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
    let list = works::list_published(&state.db, call.map(|c| c.id.as_str()), 50, 0).await?;
    let mut works = cards(state, list).await?;
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
        let call = calls::find_by_slug(&state.db, &slug).await?.ok_or(AppError::NotFound)?;
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
        let calls = calls::list_archived(&state.db).await?.iter().map(|c| CallView::new(c, t)).collect();
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
}

pub async fn work(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        let work = api::visible_work(&state, &viewer, &id).await?;
        let failure_text = work
            .failure
            .as_ref()
            .map(|f| crate::i18n::error_text(viewer.lang, &f.code, &[]))
            .unwrap_or_default();
        let is_author = viewer.user.as_ref().is_some_and(|u| u.id == work.author_id);
        let (mut history, mut revisions, mut reasons) = (Vec::new(), Vec::new(), Vec::new());
        if is_author || viewer.is_curator() {
            let t = viewer.lang.texts();
            let reader = if viewer.is_curator() { crate::db::review::Reader::Curator } else { crate::db::review::Reader::Author };
            history = crate::db::review::events_of(&state.db, &id, reader)
                .await?
                .into_iter()
                .map(|e| (super::local_time::human(e.created_at), t.event(&e.action), e.reason))
                .collect();
            revisions = crate::db::review::revisions_of(&state.db, &id).await?;
        }
        if viewer.is_curator() {
            reasons = crate::db::reasons::list(&state.db).await?;
        }
        render(WorkPage { frame: Frame::new(&viewer), work, failure_text, is_author, history, revisions, reasons })
    })
    .await
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    frame: Frame,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    searched: bool,
    results: Vec<(WorkView, String)>,
}

pub async fn search(State(state): State<AppState>, viewer: Viewer, Query(params): Query<SearchParams>) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        let results = api::run_search(&state, &params).await?;
        render(SearchPage {
            frame: Frame::new(&viewer),
            q: params.q.clone(),
            kind: params.kind.clone().unwrap_or_default(),
            kinds: Kind::ALL.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
            searched: !params.q.trim().is_empty(),
            results,
        })
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
}

#[derive(Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    done: String,
}

pub async fn sign_in_form(viewer: Viewer, Query(q): Query<SignInQuery>) -> PageResult {
    let t = viewer.lang.texts();
    let notice = match q.done.as_str() {
        "signup" => Some(t.get("sign-up-done")),
        "reset" => Some(t.get("reset-done")),
        "deleted" => Some(t.get("account-deleted")),
        "link" => Some(t.get("check-inbox-text")),
        _ => None,
    };
    page(&viewer, async { render(SignInPage { frame: Frame::new(&viewer), error: None, notice, email: String::new(), offer_link: false }) }).await
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

pub(super) fn cookie_header(state: &AppState, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")).expect("cookie is ascii")
}

pub async fn sign_in(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<SignInForm>) -> PageResult {
    page(&viewer, async {
        let email = auth::normalise_email(&form.email).unwrap_or_default();
        let t = viewer.lang.texts();
        // Reserved before the password is checked, so a thousand parallel guesses get no
        // more checks than a thousand sequential ones.
        let mut throttle = super::account_pages::SignInThrottle::new(&email, &client);
        if let Err(blocked) = throttle.reserve(&state).await? {
            let (message, retry_after_s, offer_link) = match blocked {
                Blocked::Address(s) => (t.get("too-many-attempts"), s, false),
                Blocked::Account(s) => (t.get("account-locked"), s, true),
            };
            let mut response = render(SignInPage { frame: Frame::new(&viewer), error: Some(message), notice: None, email: form.email.clone(), offer_link })?;
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
            return Ok(response);
        }
        let found = users::find_by_email(&state.db, &email).await?;
        let password = form.password.clone();
        // Verify against a dummy hash when the account is unknown, so timing reveals nothing.
        let hash = found.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| auth::dummy_hash().to_owned());
        let ok = state.request_pool.run(move || auth::verify_password(&password, &hash)).await?;
        let Some(found) = found.filter(|_| ok) else {
            throttle.failed(&state, &headers).await?;
            let mut response =
                render(SignInPage { frame: Frame::new(&viewer), error: Some(t.get("sign-in-failed")), notice: None, email: form.email.clone(), offer_link: false })?;
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            return Ok(response);
        };
        throttle.succeeded(&state).await?;
        let cookie = super::account_pages::start_session(&state, &found.user.id).await?;
        let mut response = Redirect::to("/me/works").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie);
        Ok(response)
    })
    .await
}

pub async fn sign_out(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    page(&viewer, async {
        if let Some(token) = super::viewer::cookie(&headers, SESSION_COOKIE) {
            users::delete_session(&state.db, &auth::token_hash(token)).await?;
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
#[template(path = "submit.html")]
struct SubmitPage {
    frame: Frame,
    calls: Vec<CallView>,
    selected_call: String,
    kinds: Vec<(&'static str, &'static str)>,
    licences: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    /// The author must confirm their address before sending (accounts).
    not_verified: bool,
}

#[derive(Deserialize)]
pub struct SubmitQuery {
    #[serde(default)]
    call: String,
}

async fn submit_page(state: &AppState, viewer: &Viewer, selected_call: String, error: Option<String>) -> Result<Response, AppError> {
    let t = viewer.lang.texts();
    let calls = calls::list_visible(&state.db).await?.iter().map(|c| CallView::new(c, t)).filter(|c| c.open).collect();
    render(SubmitPage {
        frame: Frame::new(viewer),
        calls,
        selected_call,
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), t.kind(k.as_str()))).collect(),
        licences: Licence::ALL.iter().map(|l| (l.as_str(), l.label())).collect(),
        error,
        not_verified: viewer.user.as_ref().is_some_and(|u| !u.email_verified),
    })
}

pub async fn submit_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<SubmitQuery>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, submit_page(&state, &viewer, q.call, None)).await
}

pub async fn submit(State(state): State<AppState>, viewer: Viewer, multipart: Multipart) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let input = upload::read_submission(&state, multipart).await?;
        let call = input.call.clone();
        let result = match crate::submissions::submit(&state, &user, input).await {
            Ok(id) => Ok(Redirect::to(&format!("/works/{id}")).into_response()),
            Err(e) => Err(e.into()),
        };
        or_form(&viewer, result, |message| submit_page(&state, &viewer, call, Some(message))).await
    })
    .await
}

#[derive(Template)]
#[template(path = "my_works.html")]
struct MyWorksPage {
    frame: Frame,
    works: Vec<WorkView>,
    pager: Pager,
}

pub async fn my_works(State(state): State<AppState>, viewer: Viewer, Query(q): Query<PageQuery>) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let size = super::review::MY_WORKS_PAGE_SIZE;
        let number = Pager::from_query(q.page.as_deref());
        let rows = works::list_by_author(&state.db, &user.id, size + 1, (number - 1) * size).await?;
        let (list, pager) = Pager::trim(number, size, rows);
        let works = cards(&state, list).await?;
        render(MyWorksPage { frame: Frame::new(&viewer), works, pager })
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
        let curator = viewer.require_curator()?;
        let base = super::links::mail_base(&state, &headers);
        super::review::apply_decision(&state, &id, &form.decision, &form.reason, Some(&form.reason_template), &curator.id, base.as_deref()).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "edit_work.html")]
struct EditWorkPage {
    frame: Frame,
    work: works::Work,
    error: Option<String>,
}

/// The author's form for a new version, after curators asked for changes.
pub async fn edit_form(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        super::review::check_resubmittable(&state, &viewer, &id).await?;
        let work = works::find(&state.db, &id).await?.ok_or(AppError::NotFound)?;
        render(EditWorkPage { frame: Frame::new(&viewer), work, error: None })
    })
    .await
}

pub async fn resubmit(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, multipart: Multipart) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let revision = super::review::check_resubmittable(&state, &viewer, &id).await?;
        let input = upload::read_resubmission(&state, multipart, &id, revision).await?;
        let result = match crate::submissions::resubmit(&state, &user, &id, input).await {
            Ok(()) => Ok(Redirect::to(&format!("/works/{id}")).into_response()),
            Err(e) => Err(e.into()),
        };
        or_form(&viewer, result, |message| async {
            let work = works::find(&state.db, &id).await?.ok_or(AppError::NotFound)?;
            render(EditWorkPage { frame: Frame::new(&viewer), work, error: Some(message) })
        })
        .await
    })
    .await
}

pub async fn retry(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        let curator = viewer.require_curator()?;
        api::apply_retry(&state, &id, &curator.id).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

pub async fn withdraw(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        let user = viewer.require()?;
        api::apply_withdraw(&state, &user.id, &id).await?;
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
        let curator = viewer.require_curator()?;
        api::apply_reply(&state, &id, &form.text, &curator.id).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

pub async fn appreciate(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    page(&viewer, async {
        let user = viewer.require()?;
        api::apply_appreciation(&state, user, &id).await?;
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
        let user = viewer.require()?;
        let base = super::links::mail_base(&state, &headers);
        api::apply_report(&state, user, &id, &form.reason, base.as_deref()).await?;
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
        let user = viewer.require()?;
        if user.role != crate::domain::Role::Admin {
            return Err(AppError::Forbidden);
        }
        let events = crate::db::audit::recent(&state.db, 500)
            .await?
            .into_iter()
            .map(|e| (super::views::rfc3339_ms(e.created_at), e.actor, e.action, e.subject, e.reason))
            .collect();
        render(AuditPage { frame: Frame::new(&viewer), events })
    })
    .await
}

pub async fn not_found(viewer: Viewer) -> PageError {
    PageError::for_viewer(AppError::NotFound, &viewer)
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../templates/piazza.css"),
    )
}
