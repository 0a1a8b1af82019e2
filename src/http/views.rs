//! How a work looks from outside: the JSON of the API and the data of the pages.

use crate::db::works::{RenditionRow, Work};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RenditionView {
    pub name: String,
    pub url: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub duration_s: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailureView {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkView {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub status: &'static str,
    pub call: String,
    pub call_title: String,
    pub author: String,
    #[serde(skip)]
    pub author_id: String,
    pub licence: &'static str,
    #[serde(skip)]
    pub licence_label: &'static str,
    #[serde(skip)]
    pub licence_url: Option<&'static str>,
    pub description: String,
    pub alt_text: String,
    pub failure: Option<FailureView>,
    pub review_reason: Option<String>,
    pub renditions: Vec<RenditionView>,
    /// Poems and stories, rendered inert by the media engine.
    pub html: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_s: Option<f64>,
    pub dominant_color: Option<String>,
    /// Percent done while processing.
    pub progress: Option<i64>,
    pub published_at: Option<String>,
    pub created_at: String,
    /// The city's public reply ("la risposta del Comune"), if any.
    pub reply: Option<String>,
    /// How many people appreciated the work.
    pub appreciations: i64,
    /// The first lines of a poem or story, for gallery cards.
    #[serde(skip)]
    pub excerpt: String,
    /// 1 for the first version; one more for each resubmission.
    pub revision: i64,
    pub shortlisted: bool,
    pub featured: bool,
}

/// Public URL of a rendition; the content hash in the path lets it be cached forever.
pub fn rendition_url(r: &RenditionRow) -> String {
    format!("/media/{}/{}/{}", r.work_id, &r.sha256[..16.min(r.sha256.len())], r.name)
}

pub fn rfc3339_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// A date as people read it in Italy, e.g. 24/11/2026.
pub fn day(ms: i64) -> String {
    crate::local_time::day(ms)
}

/// An Italian date for file names, e.g. 2026-11-24.
pub fn iso_day(ms: i64) -> String {
    crate::local_time::iso_day(ms)
}

impl WorkView {
    pub fn new(work: Work, renditions: &[RenditionRow]) -> Self {
        let is_processed = !matches!(work.status, crate::domain::Status::Processing | crate::domain::Status::Failed);
        let excerpt: String = work
            .body_text
            .as_deref()
            .map(|t| t.lines().take(4).collect::<Vec<_>>().join("\n").chars().take(300).collect())
            .unwrap_or_default();
        Self {
            reply: None,
            appreciations: 0,
            excerpt,
            kind: work.kind.as_str(),
            status: work.status.as_str(),
            licence: work.licence.as_str(),
            licence_label: work.licence.label(),
            licence_url: work.licence.url(),
            failure: work.failure_code.map(|code| FailureView { code, message: work.failure_message.unwrap_or_default() }),
            renditions: renditions
                .iter()
                .filter(|r| r.work_id == work.id)
                .map(|r| RenditionView {
                    name: r.name.clone(),
                    url: rendition_url(r),
                    mime: r.mime.clone(),
                    width: r.width,
                    height: r.height,
                    duration_s: r.duration_ms.map(|ms| ms as f64 / 1000.0),
                })
                .collect(),
            html: if is_processed { work.body_html } else { None },
            duration_s: work.duration_ms.map(|ms| ms as f64 / 1000.0),
            published_at: work.published_at.map(rfc3339_ms),
            created_at: rfc3339_ms(work.created_at),
            id: work.id,
            title: work.title,
            call: work.call_slug,
            call_title: work.call_title,
            author: work.author_name,
            author_id: work.author_id,
            description: work.description,
            alt_text: work.alt_text,
            review_reason: work.review_reason,
            width: work.width,
            height: work.height,
            dominant_color: work.dominant_color,
            progress: None,
            revision: work.revision,
            shortlisted: work.shortlisted,
            featured: work.featured,
        }
    }

    fn rendition(&self, name: &str) -> Option<&RenditionView> {
        self.renditions.iter().find(|r| r.name == name)
    }

    /// `srcset` of the WebP widths, for `<source type="image/webp">`.
    pub fn webp_srcset(&self) -> String {
        self.renditions
            .iter()
            .filter(|r| r.mime == "image/webp" && r.name.starts_with('w'))
            .map(|r| format!("{} {}w", r.url, r.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn fallback_url(&self) -> String {
        self.rendition("fallback.jpg").map(|r| r.url.clone()).unwrap_or_default()
    }

    /// The smallest picture of the work: a photo's 320 px WebP, or a film's poster.
    pub fn thumb_url(&self) -> Option<String> {
        self.renditions
            .iter()
            .filter(|r| r.mime == "image/webp")
            .min_by_key(|r| r.width)
            .map(|r| r.url.clone())
    }

    pub fn video_url(&self) -> String {
        self.rendition("web.mp4").map(|r| r.url.clone()).unwrap_or_default()
    }

    /// The 360p rendition for small screens and slow connections, if there is one.
    pub fn video_low_url(&self) -> String {
        self.rendition("web-360.mp4").map(|r| r.url.clone()).unwrap_or_default()
    }

    pub fn poster_url(&self) -> String {
        self.rendition("poster.jpg").map(|r| r.url.clone()).unwrap_or_default()
    }

    /// The largest picture: its size is what `width`/`height` attributes reserve on the page.
    fn largest_image(&self) -> Option<&RenditionView> {
        self.renditions.iter().filter(|r| r.mime.starts_with("image/")).max_by_key(|r| r.width)
    }

    pub fn display_width(&self) -> i64 {
        self.largest_image().map_or(0, |r| r.width)
    }

    pub fn display_height(&self) -> i64 {
        self.largest_image().map_or(0, |r| r.height)
    }

    pub fn is_text(&self) -> bool {
        matches!(self.kind, "poem" | "story")
    }
}
