//! How a work looks from outside: the JSON of the API and the data of the pages.

use crate::db::now_ms;
use crate::db::works::{RenditionRow, Work};
use crate::domain::Call;
use crate::service::works::{WorkDetail, WorkList};
use serde::Serialize;
use serde_json::json;

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

pub use crate::clock::rfc3339_ms;

impl WorkView {
    /// A work with everything its page shows.
    pub fn detail(detail: WorkDetail) -> Self {
        let mut view = Self::new(detail.work, &detail.renditions);
        view.reply = detail.reply;
        view.appreciations = detail.appreciations;
        view.progress = detail.progress;
        view
    }

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

/// Works of a list, as cards and lists show them.
pub fn cards(list: WorkList) -> Vec<WorkView> {
    let renditions = list.renditions;
    list.works.into_iter().map(|w| WorkView::new(w, &renditions)).collect()
}

/// Where a call's cover is served.
pub fn cover_url(call: &Call) -> Option<String> {
    call.cover.as_ref().map(|c| format!("/covers/{}/{}", call.id, c.key.split('/').nth(2).unwrap_or("")))
}

/// A call as the API shows it to the public.
pub fn call_json(call: &Call) -> serde_json::Value {
    let now = now_ms();
    json!({
        "id": call.id,
        "slug": call.slug,
        "title": call.title,
        "description": call.description,
        "question": call.question,
        "kinds": call.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "opens_at": rfc3339_ms(call.opens_at),
        "closes_at": rfc3339_ms(call.closes_at),
        "state": call.state.as_str(),
        "phase": call.phase(now),
        "open": call.is_open(now),
        "max_works_per_person": call.max_works_per_person,
        "licences": call.licences.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "alt_text_required": call.alt_text_required,
        "results_text": call.public_results_text(),
        "cover": call.cover.as_ref().map(|c| json!({ "url": cover_url(call), "width": c.width, "height": c.height, "alt": c.alt })),
    })
}

/// A call as curators see it: the results text even before it is published.
pub fn curator_call_json(call: &Call) -> serde_json::Value {
    let mut value = call_json(call);
    value["results_text"] = json!(call.results_text);
    value
}
