//! Telling authors by mail what happened to their works: every curator decision (with its
//! reason) and a processing failure. The decision or failure stands if the mail cannot be
//! queued: the author also sees it on "my works".

use crate::db::works::Work;
use crate::domain::Status;
use crate::mail::Mail;
use crate::state::AppState;

/// The subject and body of a status mail: Italian, then English.
fn status_mail(name: &str, title: &str, status: Status, reason_it: &str, reason_en: &str, link: &str) -> (String, String) {
    let (it, en) = match status {
        // Only reports move a published work back to review.
        Status::PendingReview => (
            "è stata nascosta dopo alcune segnalazioni, finché la redazione non l'avrà riguardata",
            "has been hidden after some reports, until the curators have looked at it again",
        ),
        Status::Published => ("è stata pubblicata nella piazza", "has been published in the piazza"),
        Status::Rejected => ("non è stata accettata", "was not accepted"),
        Status::ChangesRequested => ("ha bisogno di qualche modifica prima di essere pubblicata", "needs some changes before it can be published"),
        Status::Failed => ("non è stata elaborata: il file ha un problema", "could not be processed: the file has a problem"),
        _ => ("ha cambiato stato", "changed status"),
    };
    let (why_it, why_en) = if status == Status::Failed { ("Che cosa è successo", "What happened") } else { ("Il motivo, nelle parole della redazione", "The reason, in the curators' words") };
    let (reason_it, reason_en) = if reason_en.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("\n{why_it}:\n\n  {reason_it}\n"), format!("\n{why_en}:\n\n  {reason_en}\n"))
    };
    let (what_it, what_en) = if status == Status::ChangesRequested {
        ("\nPuoi modificarla e inviarla di nuovo da questa pagina:", "\nYou can change it and send it again from this page:")
    } else {
        ("\nLa trovi qui:", "\nYou can find it here:")
    };
    (
        format!("Piazza: «{title}» {it} / \"{title}\" {en}"),
        format!(
            "Ciao {name},\n\nla tua opera «{title}» {it}.\n{reason_it}{what_it}\n\n{link}\n\n-- \n\nHello {name},\n\nyour work \"{title}\" {en}.\n{reason_en}{what_en}\n\n{link}\n"
        ),
    )
}

/// Mails the author of `work` that it is now `status`, with the reason in both languages.
/// `link_base` (the site's address) makes the link absolute; without one the configured
/// public address is used, and without that the mail names the page instead.
pub async fn work_status(state: &AppState, work: &Work, status: Status, reason_it: &str, reason_en: &str, link_base: Option<&str>) {
    let author = match crate::db::accounts::find_by_id(&state.db, &work.author_id).await {
        Ok(Some(a)) => a.user,
        _ => return,
    };
    if !crate::mail::is_deliverable(&author.email) {
        return;
    }
    let path = if status == Status::ChangesRequested { format!("/works/{}/edit", work.id) } else { format!("/works/{}", work.id) };
    let configured = state.config.public_url.trim_end_matches('/');
    let base = link_base.or((!configured.is_empty()).then_some(configured));
    let link = match base {
        Some(b) => format!("{b}{path}"),
        None => format!("«Le mie opere» / \"My works\" ({path})"),
    };
    let (subject, body) = status_mail(&author.name, &work.title, status, reason_it, reason_en, &link);
    if let Err(e) = state.mailer.send(Mail { to: author.email, subject, body, kind: "work_status" }).await {
        tracing::error!(error = %e, work.id = %work.id, "could not queue the status mail");
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
    let en = work.failure_message.clone().unwrap_or_default();
    let it = crate::http::i18n::error_message_it(&code).map(str::to_owned).unwrap_or_else(|| en.clone());
    work_status(state, &work, Status::Failed, &it, &en, None).await;
}
