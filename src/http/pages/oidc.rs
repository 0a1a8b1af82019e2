//! Sign-in through the city's OpenID Connect provider: the start (to the provider, with the
//! cookie that binds the sign-in to this browser), the callback, and the mailed link that
//! joins the provider's identity to an existing account. Without a provider configured,
//! every one of these paths is 404.

use super::accounts::{notice, TokenForm, TokenQuery};
use super::session_cookie;
use crate::http::error::AppError;
use crate::http::frame::{cookie_header_at, page, render, Frame, PageResult};
use crate::http::links::{link_base, mail_base};
use crate::http::viewer::{cookie, ClientAddr, Viewer};
use crate::service::oidc::{self as oidc_ops, Callback, Outcome, LINK_TTL_MS, LOGIN_TTL_MS};
use crate::service::ServiceError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The cookie that holds the secret binding a sign-in (and its joining link) to the
/// browser that started it; sent only to `/auth/oidc`.
const BROWSER_COOKIE: &str = "piazza_oidc";
const COOKIE_PATH: &str = "/auth/oidc";

/// The button's text on the sign-in page: the configured label, else the catalogue's in
/// the visitor's language; None when no provider is configured.
pub fn button_label(state: &AppState, viewer: &Viewer) -> Option<String> {
    oidc_ops::enabled(state).then(|| {
        let label = &state.config.oidc.label;
        if label.is_empty() { viewer.lang.texts().get("oidc-button").to_owned() } else { label.clone() }
    })
}

fn browser_cookie(state: &AppState, value: &str, max_age_ms: i64) -> HeaderValue {
    cookie_header_at(state, COOKIE_PATH, BROWSER_COOKIE, value, max_age_ms / 1000)
}

fn browser_secret(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, BROWSER_COOKIE).filter(|v| !v.is_empty())
}

/// The callback address registered with the provider, from the public URL (or this
/// machine's exact Host, for a local demo and tests).
fn redirect_uri(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    Ok(format!("{}/auth/oidc/callback", link_base(state, headers)?))
}

fn require_provider(state: &AppState) -> Result<(), AppError> {
    if oidc_ops::enabled(state) { Ok(()) } else { Err(AppError::NotFound) }
}

#[derive(Template)]
#[template(path = "oidc_refused.html")]
struct RefusedPage {
    frame: Frame,
    message: String,
}

/// A refused sign-in as a page that says what happened and offers to start again; the
/// technical reason was logged where it was found. Other errors go to the error page.
fn refused(state: &AppState, viewer: &Viewer, error: ServiceError) -> Result<Response, AppError> {
    if !matches!(error, ServiceError::Refused { .. }) {
        return Err(error.into());
    }
    let error = AppError::from(error);
    let mut response = render(RefusedPage { frame: Frame::new(viewer), message: error.say(viewer.lang) })?;
    *response.status_mut() = error.status_code().0;
    // Whatever sign-in this browser had going is over.
    response.headers_mut().append(header::SET_COOKIE, browser_cookie(state, "", 0));
    Ok(response)
}

/// Sends the browser to the provider.
pub async fn start(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap) -> PageResult {
    page(&viewer, async {
        require_provider(&state)?;
        let redirect = redirect_uri(&state, &headers)?;
        match oidc_ops::start(&state, &redirect, &client.bucket()).await {
            Ok(started) => {
                let mut response = Redirect::to(&started.url).into_response();
                response.headers_mut().append(header::SET_COOKIE, browser_cookie(&state, &started.browser_secret, LOGIN_TTL_MS));
                Ok(response)
            }
            Err(e) => refused(&state, &viewer, e),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    error: String,
}

/// Where the provider sends the browser back: signed in, or told that a link was mailed to
/// the account with this address, or told what went wrong.
pub async fn callback(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, headers: HeaderMap, Query(q): Query<CallbackQuery>) -> PageResult {
    page(&viewer, async {
        require_provider(&state)?;
        let redirect = redirect_uri(&state, &headers)?;
        let secret = browser_secret(&headers);
        let input = Callback { state: &q.state, code: &q.code, error: &q.error, browser_secret: secret };
        match oidc_ops::finish(&state, input, &redirect, &client.bucket(), mail_base(&state, &headers).as_deref()).await {
            Ok(Outcome::SignedIn(session)) => {
                let mut response = Redirect::to("/me/works").into_response();
                response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, &session));
                response.headers_mut().append(header::SET_COOKIE, browser_cookie(&state, "", 0));
                Ok(response)
            }
            Ok(Outcome::LinkSent) => {
                let t = viewer.lang.texts();
                let mut response = notice(&viewer, StatusCode::OK, t.get("oidc-link-sent-title"), t.get("oidc-link-sent"), None)?;
                // The link works only in this browser: its cookie must outlive the sign-in.
                response.headers_mut().append(header::SET_COOKIE, browser_cookie(&state, secret.unwrap_or_default(), LINK_TTL_MS));
                Ok(response)
            }
            Err(e) => refused(&state, &viewer, e),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "oidc_link.html")]
struct LinkPage {
    frame: Frame,
    token: String,
}

fn link_invalid(viewer: &Viewer) -> Result<Response, AppError> {
    let t = viewer.lang.texts();
    notice(viewer, StatusCode::BAD_REQUEST, t.get("error-title"), t.get("oidc-link-invalid"), Some(("/signin", t.get("nav-sign-in"))))
}

/// The mailed link opens a page with a button: a GET changes nothing, so mail scanners
/// that open links do not use it up.
pub async fn link_form(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Query(q): Query<TokenQuery>) -> PageResult {
    page(&viewer, async {
        require_provider(&state)?;
        if !oidc_ops::link_is_live(&state, &q.token, browser_secret(&headers)).await? {
            return link_invalid(&viewer);
        }
        render(LinkPage { frame: Frame::new(&viewer), token: q.token.clone() })
    })
    .await
}

/// Joins the identity to the account and signs in.
pub async fn use_link(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Form(form): Form<TokenForm>) -> PageResult {
    page(&viewer, async {
        require_provider(&state)?;
        let Some(session) = oidc_ops::use_link(&state, &form.token, browser_secret(&headers)).await? else {
            return link_invalid(&viewer);
        };
        let mut response = Redirect::to("/me/works").into_response();
        response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, &session));
        response.headers_mut().append(header::SET_COOKIE, browser_cookie(&state, "", 0));
        Ok(response)
    })
    .await
}
