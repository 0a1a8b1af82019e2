//! The message catalogue: every word a person reads (pages, mail, error messages), in
//! Italian and English, from the Fluent files under `locales/{it,en}/*.ftl`.
//!
//! Keys are literal strings at every call site, so a test can find them all: `t.get(KEY)`,
//! `t.with(KEY, name, value)`, `t.with2(KEY, …)` in templates and Rust, `text(lang, KEY)`,
//! `text_with(lang, KEY, args)`, with KEY a string literal; error messages are
//! `error-<code>` with the code's `_` written `-`, looked up from the code an error carries
//! ([`error_text`]), and the test collects the codes from where errors are raised.
//!
//! Why `fluent-templates` (pinned): it embeds the `.ftl` files at compile time through
//! `static_loader!` (no files to ship or find at run time, a syntax error fails the build),
//! sits on Mozilla's `fluent-bundle` (CLDR plural rules, selectors a translator can edit
//! without touching Rust), and lets each bundle be customised, which is how Unicode
//! isolation marks are turned off: the messages end up in HTML attributes, mail subjects and
//! JSON, where FSI/PDI would be invisible garbage. Adding a new `.ftl` file needs a rebuild
//! of this crate (`cargo` tracks the files that exist, not the folder).

mod mail;

pub use mail::{already_registered_mail, no_account_mail, oidc_link_mail, reset_mail, sign_in_link_mail, verify_mail, work_status_mail};

use fluent_bundle::FluentValue;
use fluent_templates::{langid, LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "it",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static IT: LanguageIdentifier = langid!("it");
static EN: LanguageIdentifier = langid!("en");

/// A language of the piazza. Italian is the city's; English is for visitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    It,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::It => Lang::En,
            Lang::En => Lang::It,
        }
    }

    /// The language an `Accept-Language` header prefers among ours (see [`negotiate`]).
    pub fn from_accept_language(header: &str) -> Self {
        negotiate(header)
    }

    /// The catalogue in this language, as templates use it.
    pub fn texts(self) -> T {
        T(self)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::It => &IT,
            Lang::En => &EN,
        }
    }
}

/// Picks Italian or English from an `Accept-Language` header by its q-values: the highest
/// wins, a tie goes to the one listed first, `q=0` excludes, languages we do not have are
/// ignored, `*` stands for any language not named. Italian when nothing matches.
pub fn negotiate(header: &str) -> Lang {
    // (q, position) of the best range naming each language; the wildcard's apart.
    let mut named: [Option<(f32, usize)>; 2] = [None, None];
    let mut wildcard: Option<(f32, usize)> = None;
    for (position, range) in header.split(',').enumerate() {
        let mut params = range.split(';');
        let tag = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for param in params {
            let param = param.trim();
            if let Some(value) = param.strip_prefix("q=").or_else(|| param.strip_prefix("Q=")) {
                q = match value.trim().parse::<f32>() {
                    Ok(v) if (0.0..=1.0).contains(&v) => v,
                    _ => 0.0,
                };
            }
        }
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        let slot = match primary {
            "it" => &mut named[0],
            "en" => &mut named[1],
            "*" => &mut wildcard,
            _ => continue,
        };
        // The most specific range decides, but `it-IT;q=0.2, it;q=0.9` names Italian twice:
        // keep the better of them.
        if slot.is_none_or(|(best, _)| q > best) {
            *slot = Some((q, position));
        }
    }
    let weigh = |i: usize| named[i].or(wildcard).filter(|(q, _)| *q > 0.0);
    match (weigh(0), weigh(1)) {
        (Some((qi, pi)), Some((qe, pe))) if qe > qi || (qe == qi && pe < pi) => Lang::En,
        (None, Some(_)) => Lang::En,
        _ => Lang::It,
    }
}

pub use crate::domain::Arg;

impl Arg {
    fn value(&self, lang: Lang) -> FluentValue<'static> {
        match self {
            Arg::Str(s) => FluentValue::from(s.clone()),
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Day(ms) => FluentValue::from(day(lang, *ms)),
            Arg::Keys(keys) => FluentValue::from(keys.iter().map(|k| text(lang, k)).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// A day as each language writes it (01/12/2026, 2026-12-01), on the calendar of Rome (a call closing at 00:30
/// Italian time closes on that day, not on the UTC evening before).
fn day(lang: Lang, ms: i64) -> String {
    match lang {
        Lang::It => crate::local_time::day(ms),
        Lang::En => crate::local_time::iso_day(ms),
    }
}

/// The message `key` in `lang`; the key itself (and a warning in the log) if it is missing.
pub fn text(lang: Lang, key: &str) -> String {
    text_with(lang, key, &[])
}

/// The message `key` in `lang` with its variables.
pub fn text_with(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    lookup(lang, key, args).unwrap_or_else(|| {
        tracing::warn!(key, lang = lang.code(), "message missing from the catalogue");
        key.to_owned()
    })
}

fn lookup(lang: Lang, key: &str, args: &[(&str, Arg)]) -> Option<String> {
    if args.is_empty() {
        return LOCALES.try_lookup(lang.id(), key);
    }
    let values: HashMap<Cow<'static, str>, FluentValue> =
        args.iter().map(|(name, arg)| (Cow::Owned((*name).to_owned()), arg.value(lang))).collect();
    LOCALES.try_lookup_with_args(lang.id(), key, &values)
}

/// The catalogue id of an error code's message: `error-` and the code, `_` written `-`.
pub fn error_key(code: &str) -> String {
    format!("error-{}", code.replace('_', "-"))
}

/// The message of an error code in `lang`, with the values the error carries.
pub fn error_text(lang: Lang, code: &str, args: &[(&'static str, Arg)]) -> String {
    text_with(lang, &error_key(code), args)
}

/// Messages without variables, formatted once per language and kept: templates read them as
/// `&'static str`. Bounded by the catalogue, since keys are `&'static str` literals.
static PLAIN: LazyLock<RwLock<HashMap<(Lang, &'static str), &'static str>>> = LazyLock::new(Default::default);

/// The catalogue in one language, as pages hold it: `{{ t.get("nav-home") }}`,
/// `{{ t.with2("bulk-approved", "approved", n, "skipped", 0) }}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T(pub Lang);

impl T {
    pub fn lang(&self) -> Lang {
        self.0
    }

    /// A message without variables.
    pub fn get(&self, key: &'static str) -> &'static str {
        if let Some(found) = PLAIN.read().unwrap_or_else(|e| e.into_inner()).get(&(self.0, key)) {
            return *found;
        }
        let Some(message) = lookup(self.0, key, &[]) else {
            tracing::warn!(key, lang = self.0.code(), "message missing from the catalogue");
            return key;
        };
        let mut plain = PLAIN.write().unwrap_or_else(|e| e.into_inner());
        *plain.entry((self.0, key)).or_insert_with(|| Box::leak(message.into_boxed_str()))
    }

    /// A message with one variable.
    pub fn with(&self, key: &str, name: &str, value: impl Into<Arg>) -> String {
        text_with(self.0, key, &[(name, value.into())])
    }

    /// A message with two variables.
    pub fn with2(&self, key: &str, name: &str, value: impl Into<Arg>, name2: &str, value2: impl Into<Arg>) -> String {
        text_with(self.0, key, &[(name, value.into()), (name2, value2.into())])
    }

    /// What a work lacks to reach everyone, as the curator queue says it.
    pub fn gap(&self, gap: &str) -> &'static str {
        match gap {
            "no-alt-text" => self.get("gap-no-alt-text"),
            "short-alt-text" => self.get("gap-short-alt-text"),
            "no-captions" => self.get("gap-no-captions"),
            "no-transcript" => self.get("gap-no-transcript"),
            _ => "",
        }
    }

    /// What a kind of work is called.
    pub fn kind(&self, kind: &str) -> &'static str {
        match kind {
            "poem" => self.get("kind-poem"),
            "story" => self.get("kind-story"),
            "photo" => self.get("kind-photo"),
            "film" => self.get("kind-film"),
            "audio" => self.get("kind-audio"),
            _ => "",
        }
    }

    /// What a role is called.
    pub fn role(&self, role: &str) -> &'static str {
        match role {
            "citizen" => self.get("role-citizen"),
            "curator" => self.get("role-curator"),
            "admin" => self.get("role-admin"),
            "operator" => self.get("role-operator"),
            _ => "",
        }
    }

    /// What a work's status is called.
    pub fn status(&self, status: &str) -> &'static str {
        match status {
            "processing" => self.get("status-processing"),
            "pending_review" => self.get("status-pending-review"),
            "published" => self.get("status-published"),
            "rejected" => self.get("status-rejected"),
            "failed" => self.get("status-failed"),
            "withdrawn" => self.get("status-withdrawn"),
            "changes_requested" => self.get("status-changes-requested"),
            _ => "",
        }
    }

    /// What the public reads for a call's phase.
    pub fn phase(&self, phase: &str) -> &'static str {
        match phase {
            "draft" => self.get("phase-draft"),
            "upcoming" => self.get("phase-upcoming"),
            "open" => self.get("phase-open"),
            "closed" => self.get("phase-closed"),
            "results" => self.get("phase-results"),
            "archived" => self.get("phase-archived"),
            _ => "",
        }
    }

    /// What an event of a work's history is called.
    pub fn event(&self, action: &str) -> &'static str {
        match action {
            "submitted" => self.get("ev-submitted"),
            "resubmitted" => self.get("ev-resubmitted"),
            "approved" => self.get("ev-approved"),
            "rejected" => self.get("ev-rejected"),
            "changes_requested" => self.get("ev-changes-requested"),
            "shortlisted" => self.get("ev-shortlisted"),
            "unshortlisted" => self.get("ev-unshortlisted"),
            "featured" => self.get("ev-featured"),
            "unfeatured" => self.get("ev-unfeatured"),
            "update_proposed" => self.get("ev-update-proposed"),
            "update_approved" => self.get("ev-update-approved"),
            "update_declined" => self.get("ev-update-declined"),
            "claimed" => self.get("ev-claimed"),
            _ => "",
        }
    }

    /// The column heads of the audit log.
    pub fn audit_columns(&self) -> [&'static str; 4] {
        [self.get("audit-col-when"), self.get("audit-col-who"), self.get("audit-col-action"), self.get("audit-col-target")]
    }
}

#[cfg(test)]
mod tests;
