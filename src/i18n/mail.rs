//! The mail the piazza sends, from the catalogue's `mail.ftl`. A mail is read by someone
//! whose language we may not know, so each one is Italian, then English below a signature
//! line, and its subject says both.

use super::{text_with, Arg, Lang};

/// Subject and body of a mail whose subject is `subject_key` and whose body is `body_key`,
/// both languages, with the same variables.
fn both(subject_key: &str, body_key: &str, args: &[(&str, Arg)]) -> (String, String) {
    let subject = format!("Piazza: {} / {}", text_with(Lang::It, subject_key, args), text_with(Lang::En, subject_key, args));
    let body = format!("{}\n\n-- \n\n{}\n", text_with(Lang::It, body_key, args), text_with(Lang::En, body_key, args));
    (subject, body)
}

/// The mail that confirms an address.
pub fn verify_mail(name: &str, link: &str) -> (String, String) {
    both("mail-verify-subject", "mail-verify-body", &[("name", name.into()), ("link", link.into())])
}

/// The mail with a password-reset link.
pub fn reset_mail(link: &str) -> (String, String) {
    both("mail-reset-subject", "mail-reset-body", &[("link", link.into())])
}

/// A one-time sign-in link; with `locked`, the warning that someone was guessing the
/// password and that sign-in with it is paused.
pub fn sign_in_link_mail(name: &str, link: &str, locked: bool) -> (String, String) {
    let locked = if locked { "yes" } else { "no" };
    both("mail-sign-in-link-subject", "mail-sign-in-link-body", &[("name", name.into()), ("link", link.into()), ("locked", locked.into())])
}

/// The link that joins a sign-in through the city's provider to the account that already
/// has this address: followed only by the owner, in the browser that signed in.
pub fn oidc_link_mail(name: &str, link: &str) -> (String, String) {
    both("mail-oidc-link-subject", "mail-oidc-link-body", &[("name", name.into()), ("link", link.into())])
}

/// The answer to a password reset asked for an address that has no account: what people
/// expect, and it makes both answers of the reset form cost the same.
pub fn no_account_mail(sign_up_page: &str) -> (String, String) {
    both("mail-no-account-subject", "mail-no-account-body", &[("link", sign_up_page.into())])
}

/// The mail sent when someone signs up with an address that already has an account: the
/// sign-up page says the same in both cases, so only the owner of the inbox learns it.
pub fn already_registered_mail(reset_page: &str) -> (String, String) {
    both("mail-already-registered-subject", "mail-already-registered-body", &[("link", reset_page.into())])
}

/// What an author reads when their work changes status (`status` is the status's code, a
/// selector in the messages). `reason` is in each language (the curators' words, or what
/// went wrong); `link` is in each language too, as it may name a page instead of a URL.
pub fn work_status_mail(name: &str, title: &str, status: &str, reason: [&str; 2], link: [&str; 2]) -> (String, String) {
    let part = |lang: Lang, i: usize| {
        let args = [
            ("name", Arg::from(name)),
            ("title", Arg::from(title)),
            ("status", Arg::from(status)),
            ("reason", Arg::from(reason[i])),
            ("link", Arg::from(link[i])),
        ];
        let mut paragraphs = vec![text_with(lang, "mail-greeting", &args), text_with(lang, "mail-work-status-news", &args)];
        if !reason[i].is_empty() {
            paragraphs.push(text_with(lang, "mail-work-status-reason", &args));
        }
        paragraphs.push(text_with(lang, "mail-work-status-where", &args));
        paragraphs.join("\n\n")
    };
    let args = [("title", Arg::from(title)), ("status", Arg::from(status))];
    let subject = format!("Piazza: {} / {}", text_with(Lang::It, "mail-work-status-subject", &args), text_with(Lang::En, "mail-work-status-subject", &args));
    (subject, format!("{}\n\n-- \n\n{}\n", part(Lang::It, 0), part(Lang::En, 1)))
}
