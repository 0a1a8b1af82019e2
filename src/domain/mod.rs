//! Plain Rust types with the rules of the piazza: what a work, a call and a person are, and
//! what input is acceptable. No HTTP, SQL or storage here.

mod call;
mod fields;
mod review;
mod work;

pub use call::{Call, CallFields, CallState, Cover, NewCall, RawCallFields};
pub use fields::{check_new_password, clean_file_name, AltText, Description, PersonName, Slug, Title};
pub use review::{history_audience, may_reply, may_resubmit, may_see, sees_shortlist, Audience, Decision, Flag, Reader};
pub use work::{Kind, Licence, Status};

use std::fmt;

/// Who someone is in the piazza.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Citizen,
    Curator,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "citizen" => Some(Self::Citizen),
            "curator" => Some(Self::Curator),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Curator => "curator",
            Self::Admin => "admin",
        }
    }

    /// Curators and admins review works and run calls.
    pub fn can_curate(self) -> bool {
        matches!(self, Self::Curator | Self::Admin)
    }

    pub const ALL: [Role; 3] = [Role::Citizen, Role::Curator, Role::Admin];
}

/// A rule of the domain that some input broke. `code` is stable and part of the API;
/// `message` says what to change, in words a citizen understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub code: &'static str,
    pub message: String,
    /// The same message in Italian, when it carries details (dates, what is allowed) that
    /// the fixed Italian text of its code cannot.
    pub italian: Option<String>,
}

impl DomainError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), italian: None }
    }

    pub fn it(mut self, italian: impl Into<String>) -> Self {
        self.italian = Some(italian.into());
        self
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DomainError {}
