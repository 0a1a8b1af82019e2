//! The frame every page shares: the words and the signed-in person in the header, errors as
//! pages in the visitor's language, refusals shown inside the form they came from, the
//! pager, and cookies.

use super::error::AppError;
use crate::i18n::{Lang, T};
use super::viewer::Viewer;
use crate::service::Page;
use crate::state::AppState;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// What every page's frame needs: words, language, and who is signed in.
pub struct Frame {
    pub t: T,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub user_name: Option<String>,
    pub is_curator: bool,
    pub is_admin: bool,
    /// A library desk's operator: the desk is in the menu.
    pub is_operator: bool,
    /// The session's synchronizer token, put in every POST form.
    pub csrf: String,
    /// Seconds after which the page reloads itself (`<meta http-equiv="refresh">`, no
    /// JavaScript), on a page whose subject is still changing; None on the others.
    pub refresh_after_s: Option<u32>,
    pub face: Face,
}

/// The city's face on a page: its name in the header and footer, its logo, and the footer
/// links Italian public sites carry (the city's own pages, else the piazza's).
#[derive(Clone)]
pub struct Face {
    /// Empty when no city is configured.
    pub city: String,
    pub logo: bool,
    pub privacy: String,
    pub legal: String,
    pub accessibility: String,
    /// Names the stylesheet's content, so that it may be kept for a year.
    pub css_version: &'static str,
}

impl Face {
    pub fn of(city: &crate::config::City) -> Self {
        let or = |configured: &str, own: &str| if configured.is_empty() { own.to_owned() } else { configured.to_owned() };
        Self {
            city: city.name.clone(),
            logo: !city.logo.is_empty(),
            privacy: or(&city.privacy_url, "/privacy"),
            legal: or(&city.legal_url, "/legal-notes"),
            accessibility: or(&city.accessibility_url, "/accessibility"),
            css_version: super::stylesheet::css_version(&city.accent),
        }
    }
}

impl Frame {
    pub fn new(viewer: &Viewer) -> Self {
        Self {
            t: viewer.lang.texts(),
            lang: viewer.lang.code(),
            other_lang: viewer.lang.other().code(),
            user_name: viewer.user.as_ref().map(|u| u.name.clone()),
            is_curator: viewer.is_curator(),
            is_admin: viewer.user.as_ref().is_some_and(|u| u.role == crate::domain::Role::Admin),
            is_operator: viewer.user.as_ref().is_some_and(|u| u.role == crate::domain::Role::Operator),
            csrf: viewer.csrf.clone(),
            refresh_after_s: None,
            face: Face::of(&viewer.face),
        }
    }

    /// Tells the reader that the page reloads itself, and how often.
    pub fn refresh_note(&self) -> Option<String> {
        self.refresh_after_s.map(|seconds| self.t.with("page-refreshes", "seconds", seconds))
    }
}

/// An error as a page, in the visitor's language.
pub struct PageError {
    error: AppError,
    lang: Lang,
    csrf: String,
    face: Face,
}

impl PageError {
    /// An error page whose forms (language, sign-out) still carry the viewer's token.
    pub fn for_viewer(error: AppError, viewer: &Viewer) -> Self {
        Self { error, lang: viewer.lang, csrf: viewer.csrf.clone(), face: Face::of(&viewer.face) }
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
            is_operator: false,
            csrf: self.csrf,
            refresh_after_s: None,
            face: self.face,
        };
        let page = ErrorPage { frame, heading, message };
        let mut response = (status, Html(page.render().unwrap_or_default())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        response
    }
}

pub type PageResult = Result<Response, PageError>;

pub fn render(template: impl Template) -> Result<Response, AppError> {
    let html = template.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(html).into_response())
}

/// Runs a page body and turns its error into a page in the viewer's language.
pub async fn page<F>(viewer: &Viewer, body: F) -> PageResult
where
    F: std::future::Future<Output = Result<Response, AppError>>,
{
    body.await.map_err(|e| PageError::for_viewer(e, viewer))
}

/// Shows a refusal inside the form it came from: a mistake the person can fix (a 4xx other
/// than 401 and 404) becomes `form(message)` answered with the error's status, in the
/// viewer's language; success and every other error pass through.
pub async fn or_form<F, Fut>(viewer: &Viewer, result: Result<Response, AppError>, form: F) -> Result<Response, AppError>
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
    let mut response = form(error.say(viewer.lang)).await?;
    *response.status_mut() = status;
    Ok(response)
}

/// Where a list is: its page number (from 1) and whether there are pages around it.
pub struct Pager {
    pub page: i64,
    pub has_prev: bool,
    pub has_next: bool,
}

impl From<Page> for Pager {
    fn from(page: Page) -> Self {
        Self { page: page.number, has_prev: page.has_prev, has_next: page.has_next }
    }
}

pub fn cookie_header(state: &AppState, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    cookie_header_at(state, "/", name, value, max_age_s)
}

/// A cookie sent back only to the paths under `path`.
pub fn cookie_header_at(state: &AppState, path: &str, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")).expect("cookie is ascii")
}
