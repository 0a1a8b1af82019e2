//! Self-service accounts in the browser: sign-up, email verification, password reset,
//! "my account" (sign out everywhere, data export, deletion), and the admins' people page.
//! Sign-in itself stays in `pages.rs`; its limits live here.

use super::error::{io_error, AppError};
use crate::i18n::{already_registered_mail, no_account_mail, reset_mail, sign_in_link_mail, verify_mail};
use super::links::link_base;
use super::pages::{cookie_header, page, render, Frame, PageResult};
use super::viewer::{ClientAddr, Viewer, SESSION_COOKIE};
use crate::auth;
use crate::db::accounts::{self, Reservation, TokenPurpose};
use crate::db::users::{self, User};
use crate::db::{now_ms, works};
use crate::domain::{check_new_password, PersonName, Role};
use crate::mail::{is_deliverable, Mail};
use crate::state::AppState;
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use std::io::{Seek, Write};

/// Sign-in attempts are counted in windows of this length.
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Password checks allowed per account in a window: enough for typos, too few for guessing.
const ATTEMPTS_PER_ACCOUNT: i64 = 5;
/// Password checks allowed per client address in a window (several people may share one).
const ATTEMPTS_PER_ADDRESS: i64 = 20;
/// Mails (sign-up, verification, reset, sign-in links) one client address may cause in a window.
const MAILS_PER_ADDRESS: i64 = 20;
/// Lock-out warnings and sign-in links one account may receive in an hour, so that the
/// lock-out itself cannot be turned into a flood of mail.
const LINK_MAILS_PER_ACCOUNT: i64 = 3;
const HOUR_MS: i64 = 3600 * 1000;
/// How long a verification link works.
const VERIFY_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// How long a password-reset link works.
const RESET_TTL_MS: i64 = 3600 * 1000;
/// How long a one-time sign-in link works.
const SIGN_IN_LINK_TTL_MS: i64 = 3600 * 1000;

/// Why a password may not be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// This connection made too many attempts; seconds to wait.
    Address(u64),
    /// This account had too many wrong passwords; seconds to wait. Its owner can still come
    /// in with a one-time link by mail.
    Account(u64),
}

/// The sign-in limits for one attempt: per account (keyed by a hash of the email, so the
/// table holds no addresses, known or guessed) and per client address. An attempt is
/// reserved *before* the password is checked, so parallel requests cannot slip past.
pub struct SignInThrottle {
    email: String,
    account_key: String,
    address_key: String,
    /// Which attempt of the window this one is, once reserved.
    account_count: i64,
}

fn wait_s(until: i64) -> u64 {
    ((until - now_ms()).max(1000) as u64).div_ceil(1000)
}

impl SignInThrottle {
    pub fn new(email: &str, client: &ClientAddr) -> Self {
        Self { email: email.to_owned(), account_key: account_key(email), address_key: format!("address:{}", client.bucket()), account_count: 0 }
    }

    /// Reserves this attempt under both limits, or says which one is reached.
    pub async fn reserve(&mut self, state: &AppState) -> Result<Result<(), Blocked>, AppError> {
        if let Reservation::Refused { until } = accounts::reserve_attempt(&state.db, &self.address_key, THROTTLE_WINDOW_MS, ATTEMPTS_PER_ADDRESS).await? {
            return Ok(Err(Blocked::Address(wait_s(until))));
        }
        match accounts::reserve_attempt(&state.db, &self.account_key, THROTTLE_WINDOW_MS, ATTEMPTS_PER_ACCOUNT).await? {
            Reservation::Reserved { count } => {
                self.account_count = count;
                Ok(Ok(()))
            }
            Reservation::Refused { until } => {
                // Not this connection's fault as far as it knows: its attempt was not made.
                accounts::release_attempt(&state.db, &self.address_key).await?;
                Ok(Err(Blocked::Account(wait_s(until))))
            }
        }
    }

    /// The password was wrong. The attempt stays counted; the one that locks the account
    /// tells its owner by mail, with a link that lets them in anyway.
    pub async fn failed(&self, state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
        tracing::info!("sign-in failed");
        if self.account_count == ATTEMPTS_PER_ACCOUNT {
            tracing::warn!("an account is locked after repeated wrong passwords");
            if let Some(found) = users::find_by_email(&state.db, &self.email).await? {
                send_sign_in_link(state, headers, &found.user, true).await?;
            }
        }
        Ok(())
    }

    /// A right password clears the account's count and gives back this connection's attempt
    /// (a library's shared address is not locked by its own successful sign-ins).
    pub async fn succeeded(&self, state: &AppState) -> Result<(), AppError> {
        accounts::clear_failures(&state.db, &self.account_key).await?;
        accounts::release_attempt(&state.db, &self.address_key).await?;
        Ok(())
    }
}

fn account_key(email: &str) -> String {
    format!("account:{}", auth::token_hash(email))
}

/// Counts one mail caused by this client address; refuses past the limit, so the forms
/// cannot be used to flood someone's inbox.
async fn count_mail(state: &AppState, client: &ClientAddr) -> Result<(), AppError> {
    let key = format!("mail:{}", client.bucket());
    match accounts::reserve_attempt(&state.db, &key, THROTTLE_WINDOW_MS, MAILS_PER_ADDRESS).await? {
        Reservation::Reserved { .. } => Ok(()),
        Reservation::Refused { until } => Err(too_many(wait_s(until))),
    }
}

/// Counts one sign-up against the hourly limits of this address (or IPv6 /64) and of the
/// whole piazza, before any work is done; the refusal, if any, says when to try again.
async fn reserve_sign_up(state: &AppState, client: &ClientAddr) -> Result<Result<(), (AppError, u64)>, AppError> {
    let limits = [
        (format!("signup:{}", client.bucket()), state.config.signups_per_address_per_hour, false),
        ("signup:all".to_owned(), state.config.signups_per_hour, true),
    ];
    for (key, limit, everyone) in limits {
        if let Reservation::Refused { until } = accounts::reserve_attempt(&state.db, &key, HOUR_MS, limit).await? {
            let seconds = wait_s(until);
            let minutes = seconds.div_ceil(60).max(1);
            let error = AppError::client(StatusCode::TOO_MANY_REQUESTS, "too_many_sign_ups")
                .arg("minutes", minutes)
                .arg("scope", if everyone { "everyone" } else { "address" });
            return Ok(Err((error, seconds)));
        }
    }
    Ok(Ok(()))
}

/// Mails a one-time sign-in link to an account's owner, at most a few times an hour per
/// account (quietly skipped past that). `locked` adds the warning that someone is guessing.
async fn send_sign_in_link(state: &AppState, headers: &HeaderMap, user: &User, locked: bool) -> Result<(), AppError> {
    let key = format!("linkmail:{}", auth::token_hash(&user.email));
    if let Reservation::Refused { .. } = accounts::reserve_attempt(&state.db, &key, HOUR_MS, LINK_MAILS_PER_ACCOUNT).await? {
        tracing::info!("sign-in link not sent: this account had enough of them this hour");
        return Ok(());
    }
    let Some(base) = super::links::mail_base(state, headers) else { return Ok(()) };
    let token = auth::new_token();
    accounts::issue_token(&state.db, &user.id, TokenPurpose::SignIn, &auth::token_hash(&token), SIGN_IN_LINK_TTL_MS).await?;
    let (subject, body) = sign_in_link_mail(&user.name, &format!("{base}/signin/link?token={token}"), locked);
    state.mailer.send(Mail { to: user.email.clone(), subject, body, kind: if locked { "account_locked" } else { "sign_in_link" } }).await?;
    Ok(())
}

/// Starts a browser session for a person: a new session id every time, so a planted
/// cookie is never promoted. The `Set-Cookie` to send.
pub(super) async fn start_session(state: &AppState, user_id: &str) -> Result<HeaderValue, AppError> {
    let token = auth::new_token();
    let max_age = auth::SESSION_DAYS * 86_400;
    users::insert_session(&state.db, &auth::token_hash(&token), user_id, now_ms() + max_age * 1000).await?;
    Ok(cookie_header(state, SESSION_COOKIE, &token, max_age))
}

fn too_many(retry_after_s: u64) -> AppError {
    AppError::client(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").arg("minutes", retry_after_s.div_ceil(60).max(1))
}

/// A message in the viewer's language for a refusal with a stable code.
pub(super) fn say(viewer: &Viewer, error: &AppError) -> String {
    error.say(viewer.lang)
}

async fn send_verification(state: &AppState, headers: &HeaderMap, user: &User) -> Result<(), AppError> {
    let base = link_base(state, headers)?;
    let token = auth::new_token();
    accounts::issue_token(&state.db, &user.id, TokenPurpose::VerifyEmail, &auth::token_hash(&token), VERIFY_TTL_MS).await?;
    let (subject, body) = verify_mail(&user.name, &format!("{base}/verify?token={token}"));
    state.mailer.send(Mail { to: user.email.clone(), subject, body, kind: "verify_email" }).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    frame: Frame,
    heading: &'static str,
    message: &'static str,
    link: Option<(&'static str, &'static str)>,
}

fn notice(viewer: &Viewer, status: StatusCode, heading: &'static str, message: &'static str, link: Option<(&'static str, &'static str)>) -> Result<Response, AppError> {
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

pub async fn sign_up_form(viewer: Viewer) -> PageResult {
    if viewer.user.is_some() {
        return Ok(Redirect::to("/me/account").into_response());
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
        let checked = (|| {
            let email = auth::normalise_email(&form.email)
                .filter(|e| is_deliverable(e))
                .ok_or_else(|| AppError::unprocessable("invalid_email"))?;
            let name = PersonName::parse(&form.name)?.into_inner();
            check_new_password(&form.password)?;
            Ok::<_, AppError>((email, name))
        })();
        let (email, name) = match checked {
            Ok(v) => v,
            Err(e) => {
                let (status, ..) = e.parts();
                let mut response = render(SignUpPage { frame: Frame::new(&viewer), error: Some(say(&viewer, &e)), email: form.email.clone(), name: form.name.clone() })?;
                *response.status_mut() = status;
                return Ok(response);
            }
        };
        if let Err((e, seconds)) = reserve_sign_up(&state, &client).await? {
            tracing::info!("sign-up refused by its hourly limits");
            let mut response = render(SignUpPage { frame: Frame::new(&viewer), error: Some(say(&viewer, &e)), email: form.email.clone(), name: form.name.clone() })?;
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return Ok(response);
        }
        count_mail(&state, &client).await?;
        let password = form.password.clone();
        let hash = state.request_pool.run(move || auth::hash_password(&password)).await??;
        match accounts::sign_up(&state.db, &email, &name, &hash).await? {
            Some(user) => send_verification(&state, &headers, &user).await?,
            None => {
                // Same page either way: whether an address has an account is told only to its inbox.
                let base = link_base(&state, &headers)?;
                let (subject, body) = already_registered_mail(&format!("{base}/reset-password"));
                state.mailer.send(Mail { to: email, subject, body, kind: "already_registered" }).await?;
            }
        }
        Ok(Redirect::to("/signin?done=signup").into_response())
    })
    .await
}

// ---- verification -----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
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
        if !accounts::token_is_live(&state.db, &auth::token_hash(&q.token), TokenPurpose::VerifyEmail).await? {
            return link_invalid(&viewer, TokenPurpose::VerifyEmail);
        }
        render(VerifyPage { frame: Frame::new(&viewer), token: q.token.clone() })
    })
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn verify(State(state): State<AppState>, viewer: Viewer, Form(form): Form<TokenForm>) -> PageResult {
    page(&viewer, async {
        let t = viewer.lang.texts();
        match accounts::verify_email(&state.db, &auth::token_hash(&form.token)).await? {
            Some(_) => {
                tracing::info!("email verified");
                notice(&viewer, StatusCode::OK, t.get("verify-title"), t.get("verify-done"), Some(("/submit", t.get("nav-submit"))))
            }
            None => link_invalid(&viewer, TokenPurpose::VerifyEmail),
        }
    })
    .await
}

pub async fn resend_verification(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        if !user.email_verified {
            count_mail(&state, &client).await?;
            send_verification(&state, &headers, &user).await?;
        }
        Ok(Redirect::to("/me/account?done=sent").into_response())
    })
    .await
}

// ---- one-time sign-in links -------------------------------------------------------------

/// Asks for a sign-in link by mail: the way in for the owner of an account that someone
/// locked by guessing. The same answer whether or not the address has an account.
pub async fn sign_in_link_request(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<EmailForm>) -> PageResult {
    page(&viewer, async {
        count_mail(&state, &client).await?;
        if let Some(email) = auth::normalise_email(&form.email) {
            if let Some(found) = users::find_by_email(&state.db, &email).await? {
                send_sign_in_link(&state, &headers, &found.user, false).await?;
            }
        }
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
        if !accounts::token_is_live(&state.db, &auth::token_hash(&q.token), TokenPurpose::SignIn).await? {
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
        let Some(user_id) = accounts::use_sign_in_link(&state.db, &auth::token_hash(&form.token)).await? else {
            return link_invalid(&viewer, TokenPurpose::SignIn);
        };
        tracing::info!("signed in with a one-time link");
        let cookie = start_session(&state, &user_id).await?;
        let mut response = Redirect::to("/me/works").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie);
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

pub async fn reset_request_form(viewer: Viewer) -> PageResult {
    page(&viewer, async { render(ResetRequestPage { frame: Frame::new(&viewer) }) }).await
}

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
}

/// Always the same answer, whether or not the address has an account.
pub async fn reset_request(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<EmailForm>) -> PageResult {
    page(&viewer, async {
        count_mail(&state, &client).await?;
        let base = link_base(&state, &headers)?;
        // Both paths write one mail (the slow, durable part), so the time of the answer does
        // not tell whether the address has an account.
        if let Some(email) = auth::normalise_email(&form.email).filter(|e| is_deliverable(e)) {
            match users::find_by_email(&state.db, &email).await? {
                Some(found) => {
                    let token = auth::new_token();
                    accounts::issue_token(&state.db, &found.user.id, TokenPurpose::ResetPassword, &auth::token_hash(&token), RESET_TTL_MS).await?;
                    let (subject, body) = reset_mail(&format!("{base}/reset?token={token}"));
                    state.mailer.send(Mail { to: found.user.email, subject, body, kind: "reset_password" }).await?;
                }
                None => {
                    let (subject, body) = no_account_mail(&format!("{base}/signup"));
                    state.mailer.send(Mail { to: email, subject, body, kind: "reset_no_account" }).await?;
                }
            }
        }
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
        if !accounts::token_is_live(&state.db, &auth::token_hash(&q.token), TokenPurpose::ResetPassword).await? {
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
        if let Err(e) = check_new_password(&form.password) {
            let e: AppError = e.into();
            let mut response = render(ResetPage { frame: Frame::new(&viewer), token: form.token.clone(), error: Some(say(&viewer, &e)) })?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
        let password = form.password.clone();
        let hash = state.request_pool.run(move || auth::hash_password(&password)).await??;
        let Some(email) = accounts::reset_password(&state.db, &auth::token_hash(&form.token), &hash).await? else {
            return link_invalid(&viewer, TokenPurpose::ResetPassword);
        };
        // The owner proved who they are: their own typos no longer hold the account shut.
        accounts::clear_failures(&state.db, &account_key(&email)).await?;
        tracing::info!("password reset");
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
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn account_page(state: &AppState, viewer: &Viewer, user: &User, notice: Option<&'static str>, error: Option<String>) -> Result<Response, AppError> {
    let sessions = accounts::count_sessions(&state.db, &user.id).await?;
    render(AccountPage {
        frame: Frame::new(viewer),
        email: user.email.clone(),
        role: user.role.as_str(),
        verified: user.email_verified,
        sessions,
        notice,
        error,
    })
}

pub async fn account(State(state): State<AppState>, viewer: Viewer, Query(q): Query<DoneQuery>) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let t = viewer.lang.texts();
    let note = (q.done == "sent").then_some(t.get("verification-sent"));
    page(&viewer, account_page(&state, &viewer, &user, note, None)).await
}

pub async fn sign_out_everywhere(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let ended = accounts::delete_sessions(&state.db, &user.id).await?;
        tracing::info!(sessions = ended, "signed out everywhere");
        let mut response = Redirect::to("/signin").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", 0));
        Ok(response)
    })
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
}

pub async fn delete_account(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Form(form): Form<PasswordForm>) -> PageResult {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        // The same limits as sign-in: a borrowed session must not become a password oracle.
        let mut throttle = SignInThrottle::new(&user.email, &client);
        if let Err(Blocked::Address(seconds) | Blocked::Account(seconds)) = throttle.reserve(&state).await? {
            return Err(too_many(seconds));
        }
        let found = accounts::find_by_id(&state.db, &user.id).await?.ok_or(AppError::Unauthenticated)?;
        let (password, hash) = (form.password.clone(), found.password_hash.clone());
        if !state.request_pool.run(move || auth::verify_password(&password, &hash)).await? {
            throttle.failed(&state, &headers).await?;
            let e = AppError::client(StatusCode::FORBIDDEN, "wrong_password");
            let mut response = account_page(&state, &viewer, &user, None, Some(say(&viewer, &e))).await?;
            *response.status_mut() = StatusCode::FORBIDDEN;
            return Ok(response);
        }
        throttle.succeeded(&state).await?;
        let deletion = accounts::delete_account(&state.db, &user.id).await?;
        state.index_notify.notify_one();
        // After the commit: the rows no longer point at these objects. A failure here leaves
        // unreachable objects (no URL serves them), logged for the operator.
        let leftovers = crate::storage::remove_unreferenced(&*state.store, &deletion.keys, &deletion.derivative_works).await;
        tracing::info!(works.withdrawn = deletion.withdrawn.len(), works.anonymised = deletion.anonymised.len(), leftovers, "account deleted");
        let mut response = Redirect::to("/signin?done=deleted").into_response();
        response.headers_mut().insert(header::SET_COOKIE, cookie_header(&state, SESSION_COOKIE, "", 0));
        Ok(response)
    })
    .await
}

// ---- data export ------------------------------------------------------------------------

/// A zip of everything the person gave the piazza: `account.json`, `works.json`
/// (metadata and statuses), `texts/` and `originals/`. Built in an unnamed temp file (gone
/// when closed, even after a crash) and streamed, so big originals never sit in memory.
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> Result<Response, super::pages::PageError> {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/signin").into_response());
    };
    page(&viewer, async {
        let file = build_export(&state, &user).await?;
        let size = file.metadata().map_err(io_error)?.len();
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file)));
        let mut response = Response::new(body);
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        // An ISO date: a file name with nothing a file system or browser would rewrite.
        let name = format!("attachment; filename=\"piazza-{}.zip\"", super::views::iso_day(now_ms()));
        h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")));
        Ok(response)
    })
    .await
}

type Zip = zip::ZipWriter<std::fs::File>;

fn zip_error(e: zip::result::ZipError) -> AppError {
    match e {
        zip::result::ZipError::Io(io) => io_error(io),
        other => AppError::Internal(other.into()),
    }
}

fn zip_name(work_id: &str, original_name: &str) -> String {
    let clean: String = original_name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() { work_id.to_owned() } else { format!("{work_id}-{clean}") }
}

/// What the export's writer thread is told to do next.
enum ZipStep {
    Start(String, zip::write::SimpleFileOptions),
    Write(Bytes),
}

/// Works read from the database at a time while exporting: memory holds one page, however
/// many works the person has.
const EXPORT_PAGE: i64 = 100;

async fn build_export(state: &AppState, user: &User) -> Result<std::fs::File, AppError> {
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    // Media is compressed already: stored as is, it costs no CPU.
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    let file = tempfile::tempfile_in(state.config.tmp_dir()).map_err(io_error)?;
    // One blocking thread writes the zip; this task feeds it through a small channel, so
    // memory holds a few chunks and one page of works.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ZipStep>(8);
    let writer = tokio::task::spawn_blocking(move || -> zip::result::ZipResult<std::fs::File> {
        let mut zip = Zip::new(file);
        while let Some(step) = rx.blocking_recv() {
            match step {
                ZipStep::Start(name, options) => zip.start_file(name, options)?,
                ZipStep::Write(bytes) => zip.write_all(&bytes)?,
            }
        }
        zip.finish()
    });
    let fed = feed_export(state, user, &tx, deflated, stored).await;
    drop(tx);
    let written = writer.await.map_err(|e| AppError::Internal(e.into()))?.map_err(zip_error);
    fed?;
    let mut file = written?;
    file.rewind().map_err(io_error)?;
    Ok(file)
}

/// Feeds the zip in one pass over the author's works, a page at a time: each work's text
/// and original go in as they come, its `works.json` entry to a spooled temp file that
/// becomes the archive's last entry. Memory holds one page and a few chunks.
async fn feed_export(
    state: &AppState,
    user: &User,
    tx: &tokio::sync::mpsc::Sender<ZipStep>,
    deflated: zip::write::SimpleFileOptions,
    stored: zip::write::SimpleFileOptions,
) -> Result<(), AppError> {
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    let send = |step: ZipStep| async move { tx.send(step).await.map_err(|_| AppError::Internal(anyhow::anyhow!("the export writer stopped"))) };
    let json = |value: &serde_json::Value| serde_json::to_vec_pretty(value).map(Bytes::from).map_err(|e| AppError::Internal(e.into()));
    let account = serde_json::json!({
        "email": user.email,
        "name": user.name,
        "role": user.role.as_str(),
        "email_verified": user.email_verified,
        "exported_at": super::views::rfc3339_ms(now_ms()),
    });
    send(ZipStep::Start("account.json".into(), deflated)).await?;
    send(ZipStep::Write(json(&account)?)).await?;

    let mut entries = tokio::fs::File::from_std(tempfile::tempfile_in(state.config.tmp_dir()).map_err(io_error)?);
    entries.write_all(b"[").await.map_err(io_error)?;
    let mut before = (i64::MAX, String::new());
    let mut first = true;
    loop {
        let page = works::list_by_author_before(&state.db, &user.id, (before.0, &before.1), EXPORT_PAGE).await?;
        let Some(last) = page.last() else { break };
        before = (last.created_at, last.id.clone());
        for w in page {
            let (history, earlier) = super::review::history_values(state, &w.id, crate::db::review::Reader::Author).await?;
            let text_file = w.body_text.as_ref().map(|_| format!("texts/{}.txt", w.id));
            let original_file = w.original_key.as_ref().map(|_| format!("originals/{}", zip_name(&w.id, w.original_name.as_deref().unwrap_or(""))));
            let entry = serde_json::json!({
                "id": w.id,
                "call": w.call_slug,
                "call_title": w.call_title,
                "kind": w.kind.as_str(),
                "title": w.title,
                "description": w.description,
                "alt_text": w.alt_text,
                "licence": w.licence.as_str(),
                "status": w.status.as_str(),
                "review_reason": w.review_reason,
                "failure": w.failure_code.as_ref().map(|code| serde_json::json!({ "code": code, "message": w.failure_message })),
                "created_at": super::views::rfc3339_ms(w.created_at),
                "published_at": w.published_at.map(super::views::rfc3339_ms),
                "original_name": w.original_name,
                "text_file": text_file,
                "original_file": original_file,
                "revision": w.revision,
                "history": history,
                "earlier_versions": earlier,
            });
            entries.write_all(if std::mem::take(&mut first) { b"\n" } else { b",\n" }).await.map_err(io_error)?;
            entries.write_all(&json(&entry)?).await.map_err(io_error)?;
            if let (Some(name), Some(text)) = (text_file, w.body_text) {
                send(ZipStep::Start(name, deflated)).await?;
                send(ZipStep::Write(Bytes::from(text))).await?;
            }
            if let (Some(name), Some(key)) = (original_file, w.original_key.as_ref()) {
                match state.store.get(key, None).await {
                    Ok(object) => {
                        send(ZipStep::Start(name, stored)).await?;
                        let mut body = object.body;
                        while let Some(chunk) = body.next().await {
                            send(ZipStep::Write(chunk.map_err(io_error)?)).await?;
                        }
                    }
                    Err(crate::storage::StorageError::NotFound) => tracing::warn!("original missing from the store; left out of the export"),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    entries.write_all(b"\n]\n").await.map_err(io_error)?;
    entries.flush().await.map_err(io_error)?;
    entries.rewind().await.map_err(io_error)?;
    send(ZipStep::Start("works.json".into(), deflated)).await?;
    let mut spooled = tokio_util::io::ReaderStream::new(entries);
    while let Some(chunk) = spooled.next().await {
        send(ZipStep::Write(chunk.map_err(io_error)?)).await?;
    }
    Ok(())
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

fn require_admin(viewer: &Viewer) -> Result<&User, AppError> {
    let user = viewer.require()?;
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn people(State(state): State<AppState>, viewer: Viewer, Query(q): Query<DoneQuery>) -> PageResult {
    page(&viewer, async {
        require_admin(&viewer)?;
        let t = viewer.lang.texts();
        let people = accounts::list_people(&state.db)
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
        let admin = require_admin(&viewer)?;
        let role = Role::parse(&form.role).ok_or_else(|| AppError::unprocessable("invalid_role"))?;
        // An admin who demoted themselves could leave the piazza with no admin at all.
        if admin.id == id {
            return Err(AppError::client(StatusCode::CONFLICT, "own_role"));
        }
        accounts::find_by_id(&state.db, &id).await?.ok_or(AppError::NotFound)?;
        users::set_role(&state.db, &id, role, Some(&admin.id)).await?;
        tracing::info!(role = role.as_str(), "role changed by an admin");
        Ok(Redirect::to("/admin/people?done=role").into_response())
    })
    .await
}
