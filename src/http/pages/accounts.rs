//! Self-service accounts in the browser: sign-up, email verification, one-time sign-in
//! links, password reset, "my account" (sign out everywhere, data export, deletion), and
//! the admins' people page. Sign-in itself is with the other pages in `pages`.

use super::session_cookie;
use crate::http::frame::{cookie_header, page, render, Frame, PageResult};
use crate::db::accounts::TokenPurpose;
use crate::domain::Role;
use crate::http::error::AppError;
use crate::http::links::{link_base, mail_base};
use crate::http::viewer::{ClientAddr, Viewer, SESSION_COOKIE};
use crate::service::accounts::{self as account_ops, SignUp};
use crate::service::{export, Refusal, ServiceError};
use crate::state::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A refusal's status, and its message in the viewer's language.
fn refusal(viewer: &Viewer, error: ServiceError) -> (StatusCode, String, Option<u64>) {
    let retry_after = match &error {
        ServiceError::Refused { refusal: Refusal::TooMany { retry_after_s }, .. } => Some(*retry_after_s),
        _ => None,
    };
    let error = AppError::from(error);
    (error.parts().0, error.say(viewer.lang), retry_after)
}

/// Whether a refusal is one the person can fix in the form they sent (not a missing page
/// or an outage): those are shown in the form, with what they typed.
fn fixable(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Refused { .. })
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    frame: Frame,
    heading: &'static str,
    message: &'static str,
    link: Option<(&'static str, &'static str)>,
}

pub(super) fn notice(viewer: &Viewer, status: StatusCode, heading: &'static str, message: &'static str, link: Option<(&'static str, &'static str)>) -> Result<Response, AppError> {
    let mut response = render(NoticePage { frame: Frame::new(viewer), heading, message, link })?;
    *response.status_mut() = status;
    Ok(response)
}

/// A used, expired or unknown link: the same answer for each, with the way to a new one.
fn link_invalid(viewer: &Viewer, purpose: TokenPurpose) -> Result<Response, AppError> {
    let t = viewer.lang.texts();
    let retry = match purpose {
        TokenPurpose::ResetPassword => ("/reset-password", t.get("reset-request-button")),
        TokenPurpose::VerifyEmail => ("/me/account", t.get("nav-account")),
        TokenPurpose::SignIn => ("/signin", t.get("nav-sign-in")),
    };
    notice(viewer, StatusCode::BAD_REQUEST, t.get("error-title"), t.get("link-invalid"), Some(retry))
}

// ---- sign-up ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    frame: Frame,
    error: Option<String>,
    email: String,
    name: String,
}

pub async fn sign_up_form(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if viewer.user.is_some() {
        return Ok(Redirect::to("/me/account").into_response());
    }
    // Without passwords, accounts are made by signing in through the city's provider.
    if !account_ops::passwords_allowed(&state) {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async { render(SignUpPage { frame: Frame::new(&viewer), error: None, email: String::new(), name: String::new() }) }).await
}

#[derive(Deserialize)]
pub struct SignUpForm {
    email: String,
    name: String,
    password: String,
}

pub async fn sign_up(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<SignUpForm>) -> PageResult {
    page(&viewer, async {
        // Without a public address the mail could carry no link: refused before anything is made.
        let base = link_base(&state, &headers)?;
        let input = SignUp { email: &form.email, name: &form.name, password: &form.password };
        match account_ops::sign_up(&state, input, &client.bucket(), &base).await {
            Ok(()) => Ok(Redirect::to("/signin?done=signup").into_response()),
            Err(e) if fixable(&e) => {
                let (status, message, retry_after) = refusal(&viewer, e);
                let mut response = render(SignUpPage { frame: Frame::new(&viewer), error: Some(message), email: form.email.clone(), name: form.name.clone() })?;
                *response.status_mut() = status;
                if let Some(seconds) = retry_after.filter(|_| status == StatusCode::TOO_MANY_REQUESTS) {
                    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                Ok(response)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

// ---- verification -----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub(super) token: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    frame: Frame,
    token: String,
}

/// The link in the mail opens a page with a button: a GET changes nothing, so mail
/// scanners that open links do not use them up.
pub async fn verify_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<TokenQuery>) -> PageResult {
    page(&viewer, async {
        if !account_ops::link_is_live(&state, &q.token, TokenPurpose::VerifyEmail).await? {
            return link_invalid(&viewer, TokenPurpose::VerifyEmail);
        }
        render(VerifyPage { frame: Frame::new(&viewer), token: q.token.clone() })
    })
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub(super) token: String,
}

pub async fn verify(State(state): State<AppState>, viewer: Viewer, Form(form): Form<TokenForm>) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        if account_ops::verify_email(&state, &form.token).await? {
            notice(&viewer, StatusCode::OK, t.get("verify-title"), t.get("verify-done"), Some(("/submit", t.get("nav-submit"))))
        } else {
            link_invalid(&viewer, TokenPurpose::VerifyEmail)
        }
    })
    .await
}

pub async fn resend_verification(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let base = link_base(&state, &headers)?;
        account_ops::resend_verification(&state, viewer.actor(), &client.bucket(), &base).await?;
        Ok(Redirect::to("/me/account?done=sent").into_response())
    })
    .await
}

// ---- one-time sign-in links -------------------------------------------------------------

/// Asks for a sign-in link by mail: the way in for the owner of an account that someone
/// locked by guessing. The same answer whether or not the address has an account.
pub async fn sign_in_link_request(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<EmailForm>) -> PageResult {
    page(&viewer, async {
        let base = mail_base(&state, &headers);
        account_ops::request_sign_in_link(&state, &form.email, &client.bucket(), base.as_deref()).await?;
        Ok(Redirect::to("/signin?done=link").into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "signin_link.html")]
struct SignInLinkPage {
    frame: Frame,
    token: String,
}

/// The link in the mail opens a page with a button (a GET changes nothing: mail scanners
/// that open links must not use them up).
pub async fn sign_in_link_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<TokenQuery>) -> PageResult {
    page(&viewer, async {
        if !account_ops::link_is_live(&state, &q.token, TokenPurpose::SignIn).await? {
            return link_invalid(&viewer, TokenPurpose::SignIn);
        }
        render(SignInLinkPage { frame: Frame::new(&viewer), token: q.token.clone() })
    })
    .await
}

/// Uses a sign-in link: a session, whatever the password limits say (the owner proved they
/// read the account's mail). The limits stay, so the guessing stays stopped.
pub async fn sign_in_with_link(State(state): State<AppState>, viewer: Viewer, Form(form): Form<TokenForm>) -> PageResult {
    page(&viewer, async {
        let Some(session) = account_ops::sign_in_with_link(&state, &form.token).await? else {
            return link_invalid(&viewer, TokenPurpose::SignIn);
        };
        let mut response = Redirect::to("/me/works").into_response();
        response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, &session));
        Ok(response)
    })
    .await
}

// ---- password reset ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "reset_request.html")]
struct ResetRequestPage {
    frame: Frame,
}

pub async fn reset_request_form(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if !account_ops::passwords_allowed(&state) {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async { render(ResetRequestPage { frame: Frame::new(&viewer) }) }).await
}

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
}

/// Always the same answer, whether or not the address has an account.
pub async fn reset_request(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<EmailForm>) -> PageResult {
    page(&viewer, async {
        let base = link_base(&state, &headers)?;
        account_ops::request_reset(&state, &form.email, &client.bucket(), &base).await?;
        let t = viewer.lang.texts();
        notice(&viewer, StatusCode::OK, t.get("check-inbox-title"), t.get("check-inbox-text"), None)
    })
    .await
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    frame: Frame,
    token: String,
    error: Option<String>,
}

pub async fn reset_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<TokenQuery>) -> PageResult {
    page(&viewer, async {
        if !account_ops::link_is_live(&state, &q.token, TokenPurpose::ResetPassword).await? {
            return link_invalid(&viewer, TokenPurpose::ResetPassword);
        }
        render(ResetPage { frame: Frame::new(&viewer), token: q.token.clone(), error: None })
    })
    .await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    password: String,
}

pub async fn reset(State(state): State<AppState>, viewer: Viewer, Form(form): Form<ResetForm>) -> PageResult {
    page(&viewer, async {
        match account_ops::reset_password(&state, &form.token, &form.password).await {
            Ok(true) => {}
            Ok(false) => return link_invalid(&viewer, TokenPurpose::ResetPassword),
            Err(e) if fixable(&e) => {
                let (status, message, _) = refusal(&viewer, e);
                let mut response = render(ResetPage { frame: Frame::new(&viewer), token: form.token.clone(), error: Some(message) })?;
                *response.status_mut() = status;
                return Ok(response);
            }
            Err(e) => return Err(e.into()),
        }
        let mut response = Redirect::to("/signin?done=reset").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", 0));
        Ok(response)
    })
    .await
}

// ---- my account -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    frame: Frame,
    email: String,
    role: &'static str,
    verified: bool,
    sessions: i64,
    /// Deletion asks for the password; without one, for a fresh sign-in.
    has_password: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn account_page(state: &AppState, viewer: &Viewer, notice: Option<&'static str>, error: Option<String>) -> Result<Response, AppError> {
    let summary = account_ops::summary(state, viewer.actor()).await?;
    let user = summary.user;
    render(AccountPage {
        frame: Frame::new(viewer),
        email: user.email,
        role: user.role.as_str(),
        verified: user.email_verified,
        sessions: summary.sessions,
        has_password: summary.has_password,
        notice,
        error,
    })
}

pub async fn account(State(state): State<AppState>, viewer: Viewer, Query(q): Query<DoneQuery>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    let t = viewer.lang.texts();
    let note = (q.done == "sent").then_some(t.get("verification-sent"));
    page(&viewer, account_page(&state, &viewer, note, None)).await
}

pub async fn sign_out_everywhere(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        account_ops::sign_out_everywhere(&state, viewer.actor()).await?;
        let mut response = Redirect::to("/signin").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", 0));
        Ok(response)
    })
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn delete_account(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<PasswordForm>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let base = mail_base(&state, &headers);
        let session = crate::http::viewer::cookie(&headers, SESSION_COOKIE);
        match account_ops::delete_account(&state, viewer.actor(), &form.password, session, &client.bucket(), base.as_deref()).await {
            Ok(_) => {}
            Err(e) if e.is_refusal(Refusal::NotAllowed) => {
                let (status, message, _) = refusal(&viewer, e);
                let mut response = account_page(&state, &viewer, None, Some(message)).await?;
                *response.status_mut() = status;
                return Ok(response);
            }
            Err(e) => return Err(e.into()),
        }
        let mut response = Redirect::to("/signin?done=deleted").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", 0));
        Ok(response)
    })
    .await
}

// ---- data export ------------------------------------------------------------------------

/// The person's data export as a download (see `service::export`).
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let file = export::build(&state, viewer.actor()).await?;
        let size = file.metadata().map_err(crate::http::error::io_error)?.len();
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file)));
        let mut response = Response::new(body);
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        // An ISO date: a file name with nothing a file system or browser would rewrite.
        let name = format!("attachment; filename=\"piazza-{}.zip\"", crate::local_time::iso_day(crate::db::now_ms()));
        h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")));
        Ok(response)
    })
    .await
}

// ---- admins: people and roles -----------------------------------------------------------

pub struct PersonView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    frame: Frame,
    people: Vec<PersonView>,
    roles: Vec<(&'static str, &'static str)>,
    notice: Option<&'static str>,
}

pub async fn people(State(state): State<AppState>, viewer: Viewer, Query(q): Query<DoneQuery>) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        let people = account_ops::people(&state, viewer.actor())
            .await?
            .into_iter()
            .map(|p| PersonView { id: p.user.id, email: p.user.email, name: p.user.name, role: p.user.role.as_str().to_owned(), verified: p.user.email_verified })
            .collect();
        let roles = Role::ALL.iter().map(|r| (r.as_str(), t.role(r.as_str()))).collect();
        let notice = (q.done == "role").then_some(t.get("role-changed"));
        render(PeoplePage { frame: Frame::new(&viewer), people, roles, notice })
    })
    .await
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn set_role(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, Form(form): Form<RoleForm>) -> PageResult {
    page(&viewer, async {
        account_ops::set_role(&state, viewer.actor(), &id, &form.role).await?;
        Ok(Redirect::to("/admin/people?done=role").into_response())
    })
    .await
}
