//! How a work looks from outside: the JSON of the API and the data of the pages.

use crate::db::now_ms;
use crate::db::works::{RenditionRow, Work};
use crate::domain::Call;
use crate::search::{Card, Facets};
use crate::storage::CAPTIONS_NAME;
use crate::service::works::{History, WorkDetail, WorkList};
use super::schemas as doc;
use serde::Serialize;
use utoipa::ToSchema;

/// One file made from a work by the media engine (a WebP width, the JPEG fallback, a film's
/// H.264 encodings and poster).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Rendition)]
pub struct RenditionView {
    pub name: String,
    /// Where it is served; the content hash in the path lets it be cached forever.
    pub url: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub duration_s: Option<f64>,
}

/// A film's captions: WebVTT, served as `text/vtt; charset=utf-8`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Captions)]
pub struct CaptionsView {
    pub url: String,
    /// Always `text/vtt`.
    pub mime: String,
    /// The captions' language: a primary subtag such as `it` or `en`.
    pub lang: String,
}

/// New captions or a new transcript the author sent for a published work, waiting for a
/// curator; the work shows its published version meanwhile. Only its author and curators
/// see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PendingUpdate)]
pub struct PendingUpdateView {
    /// The new transcript; absent when it stays as it is.
    pub transcript: Option<String>,
    /// The new captions as checked WebVTT; absent when they stay as they are.
    pub captions_vtt: Option<String>,
    pub captions_lang: Option<String>,
    #[schema(format = DateTime)]
    pub sent_at: String,
}

impl PendingUpdateView {
    fn new(update: crate::db::updates::AccessUpdate) -> Self {
        let (captions_vtt, captions_lang) = update.captions.unzip();
        Self { transcript: update.transcript, captions_vtt, captions_lang, sent_at: rfc3339_ms(update.created_at) }
    }
}

/// One item of identifying data the original file carried.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PrivacyFound)]
pub struct FoundView {
    /// `gps`, `location` (a film's), `camera`, `serial`, `date_taken`, `author`,
    /// `software`, `upright` (it was stored turned), `other`.
    #[schema(schema_with = doc::privacy_found)]
    pub what: &'static str,
    /// What it said: "42.56 N, 12.64 E" (rounded to about 1 km), "Canon EOS 80D", names, a date.
    pub detail: String,
}

/// The privacy receipt of a photo or film: what identifying metadata its original carried,
/// and that every public file was read back and carries none of it. Its author and
/// curators see it, never the public.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Privacy)]
pub struct PrivacyView {
    pub found: Vec<FoundView>,
    pub public_files_clean: bool,
}

impl PrivacyView {
    /// The stored receipt; one that cannot be read is left out (and logged), never guessed.
    fn parse(work_id: &str, json: &str) -> Option<Self> {
        match serde_json::from_str::<piazza_workers::privacy::Receipt>(json) {
            Ok(receipt) => Some(Self {
                found: receipt.found.into_iter().map(|f| FoundView { what: f.what.as_str(), detail: f.detail }).collect(),
                public_files_clean: receipt.public_files_clean,
            }),
            Err(e) => {
                tracing::error!(work = work_id, "unreadable privacy receipt: {e}");
                None
            }
        }
    }
}

/// Why processing failed: a stable code and the engine's words for the author.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Failure)]
pub struct FailureView {
    pub code: String,
    pub message: String,
}

/// A work as the asker may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Work)]
pub struct WorkView {
    pub id: String,
    #[schema(schema_with = doc::kind)]
    pub kind: &'static str,
    pub title: String,
    #[schema(schema_with = doc::status)]
    pub status: &'static str,
    /// The call's slug.
    pub call: String,
    pub call_title: String,
    pub author: String,
    #[serde(skip)]
    pub author_id: String,
    #[schema(schema_with = doc::licence)]
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
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    #[schema(format = DateTime)]
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
    /// On the curators' shortlist (false for anyone but curators).
    pub shortlisted: bool,
    /// Featured on the call's page.
    pub featured: bool,
    /// What is said in the film or the sound work, as its author wrote it (line breaks kept).
    pub transcript: Option<String>,
    /// The captions, once the work is processed.
    pub captions: Option<CaptionsView>,
    /// New captions or transcript waiting for a curator (author and curators only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_update: Option<PendingUpdateView>,
    /// What identifying data the photo's or film's file carried and that none of it is in
    /// the public files (author and curators only; absent for texts and sound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy: Option<PrivacyView>,
    /// The library desk it was sent at, on its author's behalf.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desk: Option<String>,
    /// A photo's ThumbHash, for its page.
    #[serde(skip)]
    pub placeholder: Option<String>,
}

/// Public URL of a rendition; the content hash in the path lets it be cached forever.
pub fn rendition_url(r: &RenditionRow) -> String {
    media_url(&r.work_id, &r.sha256, &r.name)
}

/// Where a work's rendition `name` with content hash `sha256` is served.
pub fn media_url(work_id: &str, sha256: &str, name: &str) -> String {
    format!("/media/{work_id}/{}/{name}", &sha256[..16.min(sha256.len())])
}

pub use crate::clock::rfc3339_ms;

impl WorkView {
    /// A work with everything its page shows.
    pub fn detail(detail: WorkDetail) -> Self {
        let placeholder = detail.work.placeholder.clone();
        let mut view = Self::new(detail.work, &detail.renditions);
        view.reply = detail.reply;
        view.appreciations = detail.appreciations;
        view.progress = detail.progress;
        view.pending_update = detail.update.map(PendingUpdateView::new);
        view.placeholder = placeholder;
        view
    }

    pub fn new(work: Work, renditions: &[RenditionRow]) -> Self {
        let is_processed = !matches!(work.status, crate::domain::Status::Processing | crate::domain::Status::Failed);
        let excerpt: String = work
            .body_text
            .as_deref()
            .map(|t| t.lines().take(4).collect::<Vec<_>>().join("\n").chars().take(300).collect())
            .unwrap_or_default();
        let captions = renditions.iter().find(|r| r.work_id == work.id && r.name == CAPTIONS_NAME).map(|r| CaptionsView {
            url: rendition_url(r),
            mime: r.mime.clone(),
            lang: work.captions_lang.clone().unwrap_or_else(|| crate::domain::CaptionLang::DEFAULT.to_owned()),
        });
        let privacy = work.privacy.as_deref().and_then(|json| PrivacyView::parse(&work.id, json));
        Self {
            privacy,
            desk: work.desk_name.clone(),
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
            transcript: work.transcript,
            captions,
            pending_update: None,
            placeholder: None,
        }
    }

    /// The blurred picture a photo's page shows while the photo loads (a `data:` PNG).
    pub fn placeholder_url(&self) -> Option<String> {
        self.placeholder.as_deref().and_then(piazza_workers::placeholder::thumbhash_png_data_url)
    }

    /// The stylesheet's class for the photo's average colour, shown while a card's picture
    /// loads: each channel to one of four levels (`tint-0`…`tint-63`), since pages may carry
    /// no inline style.
    pub fn tint_class(&self) -> String {
        let Some(hex) = self.dominant_color.as_deref().and_then(|c| c.strip_prefix('#')).filter(|h| h.len() == 6) else {
            return String::new();
        };
        let level = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map(|v| (u32::from(v) + 42) / 85).unwrap_or(3);
        format!("tint-{}", level(0) * 16 + level(2) * 4 + level(4))
    }

    /// What the work lacks to reach everyone (the curator queue marks it).
    pub fn gaps(&self) -> Vec<&'static str> {
        crate::domain::Kind::parse(self.kind).map(|kind| crate::domain::accessibility_gaps(kind, &self.alt_text, self.captions.is_some(), self.transcript.is_some())).unwrap_or_default()
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

    /// A sound's Opus in WebM (`sound.webm`).
    pub fn sound_webm_url(&self) -> String {
        self.rendition("sound.webm").map(|r| r.url.clone()).unwrap_or_default()
    }

    /// A sound's AAC in MP4 (`sound.m4a`), for browsers without Opus.
    pub fn sound_m4a_url(&self) -> String {
        self.rendition("sound.m4a").map(|r| r.url.clone()).unwrap_or_default()
    }

    /// A sound's waveform picture, with its size.
    pub fn waveform(&self) -> Option<&RenditionView> {
        self.rendition("waveform.png")
    }

    pub fn poster_url(&self) -> String {
        self.rendition("poster.jpg").map(|r| r.url.clone()).unwrap_or_default()
    }

    /// The poster as WebP (a third of the JPEG's bytes), which every browser that plays
    /// the films reads; the JPEG when there is none.
    pub fn poster_webp_url(&self) -> String {
        self.rendition("poster.webp").map(|r| r.url.clone()).unwrap_or_else(|| self.poster_url())
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

/// A call's cover picture.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Cover)]
pub struct CoverView {
    pub url: Option<String>,
    pub width: i64,
    pub height: i64,
    pub alt: String,
}

/// What a work sent to a call may be.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Limits)]
pub struct LimitsView {
    /// Largest photo or film file, in bytes.
    pub max_bytes: u64,
    /// Longest film, in seconds.
    pub max_duration_s: u64,
    /// Largest photo, in pixels (width × height).
    pub max_pixels: u64,
    /// Longest poem or story, in characters.
    pub max_text_chars: usize,
    /// For each kind the call takes, the file types (MIME) it may be sent as; empty for
    /// poems and stories, which are typed. The server decides by content, not by type.
    pub types: std::collections::BTreeMap<String, Vec<String>>,
}

impl LimitsView {
    pub fn new(limits: &crate::service::calls::SubmissionLimits) -> Self {
        Self {
            max_bytes: limits.max_bytes,
            max_duration_s: limits.max_duration_s,
            max_pixels: limits.max_pixels,
            max_text_chars: limits.max_text_chars,
            types: limits.types.iter().map(|(kind, types)| (kind.as_str().to_owned(), types.iter().map(|t| t.to_string()).collect())).collect(),
        }
    }
}

/// A call as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Call)]
pub struct CallView {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub question: String,
    #[schema(schema_with = doc::kinds)]
    pub kinds: Vec<&'static str>,
    #[schema(format = DateTime)]
    pub opens_at: String,
    #[schema(format = DateTime)]
    pub closes_at: String,
    #[schema(schema_with = doc::call_state)]
    pub state: &'static str,
    /// The state as the public reads it: an open call is `upcoming` before its dates,
    /// `closed` after them.
    #[schema(schema_with = doc::call_phase)]
    pub phase: &'static str,
    /// Taking submissions now.
    pub open: bool,
    /// How many works one person may send (null: no limit).
    pub max_works_per_person: Option<i64>,
    #[schema(schema_with = doc::licences)]
    pub licences: Vec<&'static str>,
    /// Photos sent to this call must carry alt text.
    pub alt_text_required: bool,
    /// Films sent to this call must come with captions.
    pub captions_required: bool,
    /// Sound works sent to this call must come with a transcript.
    pub transcript_required: bool,
    /// The city's words on the results: public from `results` on, always shown to curators.
    pub results_text: String,
    pub cover: Option<CoverView>,
    pub limits: LimitsView,
}

/// A call as the API shows it to the public.
pub fn call_view(call: &Call, limits: &crate::service::calls::SubmissionLimits) -> CallView {
    let now = now_ms();
    CallView {
        id: call.id.clone(),
        slug: call.slug.clone(),
        title: call.title.clone(),
        description: call.description.clone(),
        question: call.question.clone(),
        kinds: call.kinds.iter().map(|k| k.as_str()).collect(),
        opens_at: rfc3339_ms(call.opens_at),
        closes_at: rfc3339_ms(call.closes_at),
        state: call.state.as_str(),
        phase: call.phase(now),
        open: call.is_open(now),
        max_works_per_person: call.max_works_per_person,
        licences: call.licences.iter().map(|l| l.as_str()).collect(),
        alt_text_required: call.alt_text_required,
        captions_required: call.captions_required,
        transcript_required: call.transcript_required,
        results_text: call.public_results_text().to_owned(),
        cover: call.cover.as_ref().map(|c| CoverView { url: cover_url(call), width: c.width, height: c.height, alt: c.alt.clone() }),
        limits: LimitsView::new(limits),
    }
}

/// A call as curators see it: the results text even before it is published.
pub fn curator_call_view(call: &Call, limits: &crate::service::calls::SubmissionLimits) -> CallView {
    CallView { results_text: call.results_text.clone(), ..call_view(call, limits) }
}

/// The calls the asker may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallList {
    pub calls: Vec<CallView>,
}

/// A submission received: the work is being processed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Submitted {
    pub id: String,
    /// Always `processing`.
    #[schema(schema_with = doc::status)]
    pub status: &'static str,
    /// Where to follow the work.
    pub url: String,
}

/// A page of works with the number of the next page, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkPage {
    pub works: Vec<WorkView>,
    #[schema(minimum = 1)]
    pub page: i64,
    pub next_page: Option<i64>,
}

impl WorkPage {
    pub fn new(list: WorkList) -> Self {
        let page = list.page;
        Self { works: cards(list), page: page.number, next_page: page.has_next.then_some(page.number + 1) }
    }
}

/// How many people appreciated a work.
#[derive(Debug, Serialize, ToSchema)]
pub struct Appreciations {
    pub appreciations: i64,
}

/// A report received; `recorded` is false when the person had already reported the work.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportReceipt {
    pub recorded: bool,
}

/// A work's history: its decisions and its earlier versions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub revision: i64,
    pub events: Vec<HistoryEvent>,
    pub revisions: Vec<HistoryRevision>,
}

/// One entry of a work's history: a decision, a resubmission, a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEvent {
    pub action: String,
    pub reason: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// An earlier version of a work, as it was when a curator asked for changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryRevision {
    pub revision: i64,
    pub title: String,
    pub description: String,
    pub text: Option<String>,
    pub file_name: Option<String>,
    pub review_reason: Option<String>,
}

/// A work's history and earlier versions as the API answers them (the export writes the
/// same fields in its own file format).
pub fn history_view(history: &History) -> (Vec<HistoryEvent>, Vec<HistoryRevision>) {
    (
        history.events.iter().map(|e| HistoryEvent { action: e.action.clone(), reason: e.reason.clone(), at: rfc3339_ms(e.created_at) }).collect(),
        history
            .revisions
            .iter()
            .map(|r| HistoryRevision {
                revision: r.revision,
                title: r.title.clone(),
                description: r.description.clone(),
                text: r.body_text.clone(),
                file_name: r.original_name.clone(),
                review_reason: r.review_reason.clone(),
            })
            .collect(),
    )
}


/// A work's picture on a result card, with its size (to reserve the space).
#[derive(Debug, Serialize, ToSchema)]
pub struct ThumbView {
    pub url: String,
    pub width: i64,
    pub height: i64,
}

/// One work found: a light card, with the matching passage marked up.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchCard {
    pub id: String,
    #[schema(schema_with = doc::kind)]
    pub kind: &'static str,
    pub title: String,
    pub author: String,
    /// The call's slug.
    pub call: String,
    pub call_title: String,
    /// HTML: the passage, escaped, with `<mark>` around the matched words; empty when
    /// browsing, or when only the title, author or call matched.
    pub snippet_html: String,
    /// A photo's smallest picture, a film's poster or a sound's waveform; null for texts.
    pub thumb: Option<ThumbView>,
    #[schema(format = DateTime)]
    pub published_at: String,
}

impl SearchCard {
    pub fn new(card: Card) -> Self {
        Self {
            thumb: card.thumb.map(|t| ThumbView { url: media_url(&card.id, &t.sha256, &t.name), width: t.width, height: t.height }),
            id: card.id,
            kind: card.kind.as_str(),
            title: card.title,
            author: card.author,
            call: card.call_slug,
            call_title: card.call_title,
            snippet_html: card.snippet_html,
            published_at: rfc3339_ms(card.published_at),
        }
    }
}

/// How many matching works have one value of a facet.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    #[schema(minimum = 1)]
    pub count: u64,
}

/// How many matching works have one call.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallFacetCount {
    /// The call's slug.
    pub value: String,
    pub title: String,
    #[schema(minimum = 1)]
    pub count: u64,
}

/// How many works were published in one year (Italian time).
#[derive(Debug, Serialize, ToSchema)]
pub struct YearFacetCount {
    pub value: i32,
    #[schema(minimum = 1)]
    pub count: u64,
}

/// The counts of each facet over the matching works; each honours every active filter but
/// its own, so switching a facet's value keeps the others. Values with no works are left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetsView {
    /// In a fixed order of kinds.
    pub kind: Vec<FacetCount>,
    /// Most works first.
    pub call: Vec<CallFacetCount>,
    /// In a fixed order of licences.
    pub licence: Vec<FacetCount>,
    /// Newest first.
    pub year: Vec<YearFacetCount>,
}

impl FacetsView {
    pub fn new(facets: &Facets) -> Self {
        Self {
            kind: facets.kind.iter().map(|(k, count)| FacetCount { value: k.as_str().to_owned(), count: *count }).collect(),
            call: facets.call.iter().map(|c| CallFacetCount { value: c.slug.clone(), title: c.title.clone(), count: c.count }).collect(),
            licence: facets.licence.iter().map(|(l, count)| FacetCount { value: l.as_str().to_owned(), count: *count }).collect(),
            year: facets.year.iter().map(|(y, count)| YearFacetCount { value: *y, count: *count }).collect(),
        }
    }
}

/// A page of search results (or, without words, of every published work, newest first),
/// with the facets of all the matching works.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    /// How many works match the words and every filter.
    pub total: u64,
    #[schema(minimum = 1)]
    pub page: i64,
    #[schema(minimum = 1, maximum = 50)]
    pub per_page: i64,
    /// Null on the last page.
    pub next_page: Option<i64>,
    pub facets: FacetsView,
    pub results: Vec<SearchCard>,
}

impl SearchResults {
    pub fn new(found: crate::service::gallery::SearchResults) -> Self {
        Self {
            query: found.search.q.clone(),
            total: found.total,
            page: found.search.page,
            per_page: found.search.per_page,
            next_page: found.next_page,
            facets: FacetsView::new(&found.facets),
            results: found.cards.into_iter().map(SearchCard::new).collect(),
        }
    }
}

/// Whether the server and its database answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(schema_with = doc::health_status)]
    pub status: &'static str,
}

/// What a bulk approval did.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkApproval {
    pub approved: Vec<String>,
    /// Works that were not (or no longer) waiting for review: someone else decided first.
    pub skipped: Vec<String>,
}

/// A ready-made reason curators pick when they decide.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    pub id: String,
    pub label: String,
    pub text: String,
}

/// The ready-made reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonList {
    pub reasons: Vec<ReasonView>,
}
