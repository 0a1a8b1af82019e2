//! What a published work's page, or a public call's, tells the sites it is shared on: a
//! description, Open Graph and Twitter card tags with absolute addresses, share links that
//! are plain links (no third-party script, no request to anyone until the person follows
//! one), and for works an oEmbed answer (`/oembed`, discovered from the page) so the city's
//! social channels show a proper card. Only for published works and calls that are not
//! drafts, and only where the site knows its own address (`PIAZZA_PUBLIC_URL`, or a local
//! Host): an address guessed from a forged Host must never end up in a card.

use super::CallView;
use crate::http::error::AppError;
use crate::http::links::link_base;
use crate::http::viewer::Viewer;
use crate::http::views::WorkView;
use crate::service::works as work_ops;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};

/// The card of a shared page.
pub struct Share {
    pub title: String,
    /// At most 200 characters, on one line.
    pub description: String,
    pub url: String,
    /// `article` for a work, `website` for a call.
    pub og_type: &'static str,
    /// The work's picture or the film's poster, or the call's cover: absolute, with its size.
    pub image: Option<(String, i64, i64)>,
    /// What the picture shows, for those who cannot see it.
    pub image_alt: String,
    /// The page's oEmbed address (works only).
    pub oembed: Option<String>,
    /// Where the page may be shared: (the site's name, the link).
    pub links: Vec<(&'static str, String)>,
}

impl Share {
    /// The card of a published work, given the site's link base (scheme and host).
    /// `email`: what the mail link is called in the reader's language.
    pub fn of_work(work: &WorkView, base: &str, email: &'static str) -> Option<Self> {
        if work.status != "published" {
            return None;
        }
        let url = format!("{base}/works/{}", work.id);
        let source = [work.description.as_str(), work.excerpt.as_str(), work.alt_text.as_str(), work.transcript.as_deref().unwrap_or("")]
            .into_iter()
            .find(|t| !t.trim().is_empty())
            .unwrap_or("");
        let description = one_line(source, 200);
        let image = picture(work, 1280).map(|(url, w, h)| (format!("{base}{url}"), w, h));
        let text = format!("{} — {}", work.title, work.author);
        let oembed = Some(format!("{base}/oembed?url={}&format=json", enc(&url)));
        let image_alt = if work.kind == "photo" { work.alt_text.clone() } else { String::new() };
        Some(Self { title: work.title.clone(), description, links: links(&url, &text, email), url, og_type: "article", image, image_alt, oembed })
    }

    /// The card of a call anyone may see (not a draft).
    pub fn of_call(call: &CallView, base: &str, email: &'static str) -> Option<Self> {
        if call.phase == "draft" {
            return None;
        }
        let url = format!("{base}/calls/{}", call.slug);
        let description = one_line(if call.description.trim().is_empty() { &call.question } else { &call.description }, 200);
        let (image, image_alt) = match &call.cover {
            Some((src, alt, w, h)) => (Some((format!("{base}{src}"), *w, *h)), alt.clone()),
            None => (None, String::new()),
        };
        Some(Self { title: call.title.clone(), description, links: links(&url, &call.title, email), url, og_type: "website", image, image_alt, oembed: None })
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Plain links that share `url` with `text` on the sites people use here, and by mail.
fn links(url: &str, text: &str, email: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("WhatsApp", format!("https://wa.me/?text={}", enc(&format!("{text} {url}")))),
        ("Telegram", format!("https://t.me/share/url?url={}&text={}", enc(url), enc(text))),
        ("Facebook", format!("https://www.facebook.com/sharer/sharer.php?u={}", enc(url))),
        ("X", format!("https://x.com/intent/post?url={}&text={}", enc(url), enc(text))),
        (email, format!("mailto:?subject={}&body={}", enc(text).replace('+', "%20"), enc(url))),
    ]
}

/// The work's picture (a photo's, a film's poster), as a path with its size: the largest
/// not wider than `max_width`, JPEG first (sites read it best).
fn picture(work: &WorkView, max_width: i64) -> Option<(String, i64, i64)> {
    let candidates = || work.renditions.iter().filter(|r| matches!(r.mime.as_str(), "image/jpeg" | "image/webp") && r.width > 0);
    let fitting = candidates().filter(|r| r.width <= max_width).max_by_key(|r| (r.mime == "image/jpeg", r.width));
    fitting.or_else(|| candidates().min_by_key(|r| r.width)).map(|r| (r.url.clone(), r.width, r.height))
}

#[derive(Deserialize)]
pub struct OEmbedQuery {
    #[serde(default)]
    url: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    maxwidth: Option<String>,
}

/// An oEmbed 1.0 answer: a photo for a photo, a link with its thumbnail for other works.
#[derive(Serialize)]
struct OEmbed {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    author_name: String,
    provider_name: &'static str,
    provider_url: String,
    cache_age: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_height: Option<i64>,
}

/// `GET /oembed?url=<a published work's address>&format=json[&maxwidth=N]`. Another
/// address, an unknown or unpublished work: 404, as the oEmbed specification asks; a
/// format other than JSON: 501.
pub async fn oembed(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Query(q): Query<OEmbedQuery>) -> Result<impl IntoResponse, AppError> {
    if q.format.as_deref().is_some_and(|f| f != "json") {
        return Err(AppError::client(StatusCode::NOT_IMPLEMENTED, "oembed_format"));
    }
    let base = link_base(&state, &headers)?;
    let id = q.url.strip_prefix(&format!("{base}/works/")).filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())).ok_or(AppError::NotFound)?;
    // Whoever asks, only what the public sees.
    let work = WorkView::detail(work_ops::visible(&state, crate::service::Actor::new(None), id).await?);
    let max_width = q.maxwidth.as_deref().and_then(|w| w.parse::<i64>().ok()).filter(|w| *w > 0).unwrap_or(1280);
    let picture = picture(&work, max_width).map(|(url, w, h)| (format!("{base}{url}"), w, h));
    let thumb = picture.clone().filter(|_| work.kind != "photo");
    let photo = picture.filter(|_| work.kind == "photo");
    Ok(Json(OEmbed {
        version: "1.0",
        kind: if photo.is_some() { "photo" } else { "link" },
        title: work.title,
        author_name: work.author,
        provider_name: viewer.lang.texts().get("site-name"),
        provider_url: format!("{base}/"),
        cache_age: 3600,
        url: photo.as_ref().map(|p| p.0.clone()),
        width: photo.as_ref().map(|p| p.1),
        height: photo.as_ref().map(|p| p.2),
        thumbnail_url: thumb.as_ref().map(|p| p.0.clone()),
        thumbnail_width: thumb.as_ref().map(|p| p.1),
        thumbnail_height: thumb.as_ref().map(|p| p.2),
    }))
}

/// Text on one line, cut at a word under `max` characters with an ellipsis.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max - 1).collect();
    // Whole when the next character starts a new word; else back to the last space.
    let whole = flat.chars().nth(max - 1) == Some(' ');
    let at = if whole { cut.len() } else { cut.rfind(' ').unwrap_or(cut.len()) };
    format!("{}…", cut[..at].trim_end())
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn descriptions_are_one_line_cut_at_a_word() {
        assert_eq!(one_line("Il fiume\nconosce  i nomi", 200), "Il fiume conosce i nomi");
        assert_eq!(one_line("uno due tre quattro", 12), "uno due tre…");
    }
}
