//! Telling authors by mail what happened to their works: every curator decision (with its
//! reason, also on the captions or transcript sent for a published work) and a processing
//! failure. The decision or failure stands if the mail cannot be
//! queued: the author also sees it on "my works".

use crate::db::works::Work;
use crate::domain::Status;
use crate::i18n::{error_text, text_with, work_status_mail, Lang};
use crate::mail::Mail;
use crate::state::AppState;

/// Mails the author of `work` that it is now `status`, with the reason in both languages.
/// `link_base` (the site's address) makes the link absolute; without one the configured
/// public address is used, and without that the mail names the page instead.
pub async fn work_status(state: &AppState, work: &Work, status: Status, reason_it: &str, reason_en: &str, link_base: Option<&str>) {
    let path = if status == Status::ChangesRequested { format!("/works/{}/edit", work.id) } else { format!("/works/{}", work.id) };
    mail_author(state, work, status.as_str(), &path, [reason_it, reason_en], link_base).await;
}

/// Mails the author of a published work what a curator decided about the captions or
/// transcript they sent (`approved`, or declined with `reason`).
pub async fn update_decided(state: &AppState, work: &Work, approved: bool, reason: &str, link_base: Option<&str>) {
    let what = if approved { "update_approved" } else { "update_declined" };
    let path = if approved { format!("/works/{}", work.id) } else { format!("/works/{}/accessibility", work.id) };
    mail_author(state, work, what, &path, [reason, reason], link_base).await;
}

/// Mails `work`'s author the news `what` (a status, or what became of an update), with the
/// reason in both languages and a link to `path`.
async fn mail_author(state: &AppState, work: &Work, what: &str, path: &str, reasons: [&str; 2], link_base: Option<&str>) {
    let author = match crate::db::accounts::find_by_id(&state.db, &work.author_id).await {
        Ok(Some(a)) => a.user,
        _ => return,
    };
    if !crate::mail::is_deliverable(&author.email) {
        return;
    }
    let configured = state.config.public_url.trim_end_matches('/');
    let base = link_base.or((!configured.is_empty()).then_some(configured));
    let link = |lang| match base {
        Some(b) => format!("{b}{path}"),
        None => text_with(lang, "mail-my-works-link", &[("path", path.into())]),
    };
    let links = [link(Lang::It), link(Lang::En)];
    let (subject, body) = work_status_mail(&author.name, &work.title, what, reasons, [&links[0], &links[1]]);
    if let Err(e) = state.mailer.send(Mail { to: author.email, subject, body, kind: "work_status" }).await {
        tracing::error!(error = %e, work.id = %work.id, "could not queue the status mail");
    }
    mail_desk_contact(state, work, what, reasons, base).await;
}

/// A work sent at a library desk by someone who left an email address: they hear the news
/// too, under the name they chose, with the follow-up address of their claim code (which
/// shows only the status and the reason).
async fn mail_desk_contact(state: &AppState, work: &Work, what: &str, reasons: [&str; 2], base: Option<&str>) {
    let Ok(Some((contact, code))) = crate::db::desks::contact_and_code(&state.db, &work.id).await else { return };
    let Some(email) = crate::domain::Contact::stored(&contact).email().map(str::to_owned).filter(|e| crate::mail::is_deliverable(e)) else {
        return;
    };
    let path = format!("/claim/{code}");
    let link = |lang| match base {
        Some(b) => format!("{b}{path}"),
        None => text_with(lang, "mail-claim-link", &[("path", path.clone().into())]),
    };
    let links = [link(Lang::It), link(Lang::En)];
    let (subject, body) = work_status_mail(&work.author_name, &work.title, what, reasons, [&links[0], &links[1]]);
    if let Err(e) = state.mailer.send(Mail { to: email, subject, body, kind: "work_status_desk" }).await {
        tracing::error!(error = %e, work.id = %work.id, "could not queue the status mail to the desk contact");
    }
}

/// Mails the author of a work that reports have hidden: they learn it from us, not from a
/// missing page.
pub async fn hidden_by_reports(state: &AppState, work_id: &str, link_base: Option<&str>) {
    if let Ok(Some(work)) = crate::db::works::find(&state.db, work_id).await {
        work_status(state, &work, Status::PendingReview, "", "", link_base).await;
    }
}

/// Mails the author of a work whose processing failed, with the reason the engine gave.
pub async fn processing_failed(state: &AppState, work_id: &str) {
    let work = match crate::db::works::find(&state.db, work_id).await {
        Ok(Some(w)) if w.status == Status::Failed => w,
        _ => return,
    };
    let code = work.failure_code.clone().unwrap_or_default();
    let [it, en] = Lang::ALL.map(|lang| error_text(lang, &code, &[]));
    work_status(state, &work, Status::Failed, &it, &en, None).await;
}
