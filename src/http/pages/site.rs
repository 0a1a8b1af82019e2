//! The city's own face: the stylesheet in its colour with its typeface (Titillium Web, the
//! face of Italian public sites, self-hosted: no request leaves the site), its logo, and
//! the pages a public site links from its footer when the city has none of its own.

use crate::http::frame::{page, render, Frame, PageResult};
use crate::http::viewer::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

const REGULAR: &[u8] = include_bytes!("../../../templates/fonts/titillium-web-latin-400-normal.woff2");
const BOLD: &[u8] = include_bytes!("../../../templates/fonts/titillium-web-latin-700-normal.woff2");

/// The stylesheet, its accent the city's (checked for contrast at start). Asked for under
/// its version it is kept for a year; without one, for a day.
pub async fn stylesheet(State(state): State<AppState>, uri: axum::http::Uri) -> impl IntoResponse {
    let versioned = uri.query().is_some_and(|q| q.starts_with("v="));
    let cache = if versioned { "public, max-age=31536000, immutable" } else { "public, max-age=86400" };
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, cache)], crate::http::stylesheet::with_accent(&state.city.accent))
}

/// The typeface's two weights; their names never change content, so they keep a year.
pub async fn font(Path(name): Path<String>) -> impl IntoResponse {
    let bytes = match name.as_str() {
        "titillium-web-400.woff2" => REGULAR,
        "titillium-web-700.woff2" => BOLD,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, "font/woff2"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], bytes).into_response()
}

/// The city's logo (`PIAZZA_CITY__LOGO`), typed by its name's ending.
pub async fn logo(State(state): State<AppState>) -> impl IntoResponse {
    let path = &state.city.logo;
    let Some(mime) = crate::config::logo_type(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(path).await {
        Ok(bytes) if bytes.len() as u64 <= crate::config::MAX_LOGO_BYTES => {
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")], bytes).into_response()
        }
        Ok(_) | Err(_) => {
            tracing::error!(logo = %path, "the city's logo cannot be read");
            StatusCode::NOT_FOUND.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "site_page.html")]
struct SitePage {
    frame: Frame,
    heading: &'static str,
    paragraphs: Vec<String>,
}

/// One of the piazza's own notices, its paragraphs from the catalogue (blank lines apart),
/// naming the city where it is set.
async fn notice(viewer: &Viewer, heading: &'static str, body: &'static str) -> PageResult {
    let t = viewer.lang.texts();
    let city = if viewer.face.name.is_empty() { t.get("notice-the-city").to_owned() } else { viewer.face.name.clone() };
    let text = crate::i18n::text_with(viewer.lang, body, &[("city", city.into())]);
    let paragraphs = text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    page(viewer, async { render(SitePage { frame: Frame::new(viewer), heading: t.get(heading), paragraphs }) }).await
}

pub async fn privacy(viewer: Viewer) -> PageResult {
    notice(&viewer, "privacy-heading", "privacy-body").await
}

pub async fn legal_notes(viewer: Viewer) -> PageResult {
    notice(&viewer, "legal-heading", "legal-body").await
}

pub async fn accessibility(viewer: Viewer) -> PageResult {
    notice(&viewer, "accessibility-heading", "accessibility-body").await
}
