//! Plain Rust types with the rules of the piazza: what a work, a call and a person are, and
//! what input is acceptable. No HTTP, SQL or storage here.

mod accessible;
mod arg;
mod call;
/// Caption files (SRT, WebVTT) read, checked against the media and reduced to plain cues.
mod captions;
/// Claim codes of works sent at a library desk.
mod claim;
mod contact;
mod fields;
mod review;
mod work;

pub use accessible::{accessibility_gaps, SHORT_ALT_TEXT_CHARS};
pub use arg::Arg;
pub use call::{Call, CallFields, CallState, Cover, NewCall, RawCallFields};
pub use captions::{CaptionLang, Captions, Cue, END_TOLERANCE_MS, LEGACY_ENCODINGS, MAX_CAPTIONS_BYTES, MAX_CUES, MAX_CUE_CHARS};
pub use claim::ClaimCode;
pub use contact::Contact;
pub use fields::{check_new_password, clean_file_name, AltText, Description, PersonName, Slug, Title, Transcript};
pub use review::{history_audience, may_reply, may_resubmit, may_update_access, may_see, sees_privacy, sees_shortlist, Audience, Decision, Flag, Reader};
pub use work::{Kind, Licence, Status};


use std::fmt;

/// Who someone is in the piazza.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Citizen,
    Curator,
    Admin,
    /// Library staff, volunteers and digital animators at a desk, who send works on behalf
    /// of people who may have no account.
    Operator,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "citizen" => Some(Self::Citizen),
            "curator" => Some(Self::Curator),
            "admin" => Some(Self::Admin),
            "operator" => Some(Self::Operator),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Curator => "curator",
            Self::Admin => "admin",
            Self::Operator => "operator",
        }
    }

    /// Curators and admins review works and run calls.
    pub fn can_curate(self) -> bool {
        matches!(self, Self::Curator | Self::Admin)
    }

    pub const ALL: [Role; 4] = [Role::Citizen, Role::Curator, Role::Admin, Role::Operator];
}

/// A rule of the domain that some input broke. `code` is stable and part of the API; the
/// words (what to change, in language a citizen understands) are the catalogue's
/// `error-<code>`, filled with `args`: the values that make the message precise (a limit, a
/// date, what is allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub code: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl DomainError {
    pub fn new(code: &'static str) -> Self {
        Self { code, args: Vec::new() }
    }

    pub fn with_args(code: &'static str, args: impl IntoIterator<Item = (&'static str, Arg)>) -> Self {
        Self { code, args: args.into_iter().collect() }
    }

    /// Adds a value the message names (`{ $name }` in the catalogue).
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

/// The code and its values, for logs: the words are the catalogue's (`crate::i18n`), which
/// the domain does not know.
impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)?;
        for (name, value) in &self.args {
            write!(f, " {name}={value:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DomainError {}
