//! The author's form for new captions or a new transcript of a published work, and the
//! curator's decision on them (shown on the work's page).

use super::submit::CAPTION_LANGS;
use super::ReviewForm;
use crate::db::works::Work;
use crate::http::frame::{or_form, page, render, Frame, PageResult};
use crate::http::upload;
use crate::http::viewer::Viewer;
use crate::service::curation::DecisionInput;
use crate::service::updates;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};

#[derive(Template)]
#[template(path = "update_work.html")]
struct UpdatePage {
    frame: Frame,
    work: Work,
    /// The transcript as the form shows it: the work's, or what was typed before a refusal.
    transcript: String,
    captions_lang: String,
    error: Option<String>,
}

impl UpdatePage {
    fn new(viewer: &Viewer, work: Work, error: Option<String>) -> Self {
        let transcript = work.transcript.clone().unwrap_or_default();
        let captions_lang = work.captions_lang.clone().unwrap_or_else(|| crate::domain::CaptionLang::DEFAULT.to_owned());
        Self { frame: Frame::new(viewer), work, transcript, captions_lang, error }
    }

    /// The languages to choose from, with the one to show chosen.
    fn caption_langs(&self) -> Vec<(&'static str, &'static str, bool)> {
        CAPTION_LANGS.iter().map(|&(code, name)| (code, name, code == self.captions_lang)).collect()
    }
}

/// The form, filled in with what the work has now.
pub async fn update_form(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let work = updates::updatable(&state, viewer.actor(), &id).await?;
        render(UpdatePage::new(&viewer, work, None))
    })
    .await
}

/// Keeps what was sent for a curator; a refusal shows the form again with what was typed.
pub async fn propose_update(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, multipart: Multipart) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let work = updates::updatable(&state, viewer.actor(), &id).await?;
        let input = upload::read_access_update(multipart).await?;
        let (typed, lang) = (input.transcript.clone(), input.captions_lang.clone());
        let result = match updates::propose(&state, viewer.actor(), &id, input).await {
            Ok(_) => Ok(Redirect::to(&format!("/works/{id}")).into_response()),
            Err(e) => Err(e.into()),
        };
        or_form(&viewer, result, |message| async {
            let mut form = UpdatePage::new(&viewer, work, Some(message));
            form.transcript = typed;
            if !lang.is_empty() {
                form.captions_lang = lang;
            }
            render(form)
        })
        .await
    })
    .await
}

/// A curator approves or declines what the author sent.
pub async fn review_update(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(id): Path<String>, Form(form): Form<ReviewForm>) -> PageResult {
    page(&viewer, async {
        let base = crate::http::links::mail_base(&state, &headers);
        let input = DecisionInput { decision: &form.decision, reason: &form.reason, template_id: Some(&form.reason_template) };
        updates::decide(&state, viewer.actor(), &id, input, base.as_deref()).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}
