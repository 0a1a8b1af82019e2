//! The application layer: every operation of the piazza, as a function of the state, the
//! actor and a typed input, returning a typed output or a [`ServiceError`]. The JSON API,
//! the pages and `piazza demo` all come through here, so a rule is written once. Nothing
//! here knows about HTTP: no axum types, no status codes, no headers.

pub mod accounts;
pub mod calls;
mod covers;
pub mod curation;
pub mod desks;
pub mod export;
pub mod gallery;
pub mod media;
pub mod oidc;
pub mod operator;
pub mod reactions;
pub mod submissions;
pub mod updates;
pub mod uploads;
pub mod works;

use crate::db::users::User;
use crate::domain::{Arg, DomainError, Role};
use piazza_workers::MediaError;

/// What kind of refusal: the HTTP layer turns it into a status, other callers into whatever
/// they show. Every refusal is something the person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A value breaks a rule: say what to change.
    Invalid,
    /// The thing is not in a state that allows this now.
    Conflict,
    /// The person may not do this yet (for example before confirming their address).
    NotAllowed,
    /// Wrong credentials.
    WrongCredentials,
    /// A file of a kind the piazza does not take.
    Unsupported,
    /// Too many attempts: wait this long.
    TooMany { retry_after_s: u64 },
    /// Larger than the limit.
    TooLarge,
    /// Someone else is changing it right now: try again in a moment.
    Busy,
    /// It existed and expired.
    Gone,
    /// The data does not match the checksum sent with it.
    ChecksumMismatch,
    /// A service this depends on (the city's sign-in provider) does not answer: try later.
    Upstream,
}

/// The one error type of the application layer.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A refusal with a stable code and the values its message names; the catalogue
    /// (`crate::i18n`, `error-<code>`) says it in the reader's language.
    #[error("{}", crate::i18n::error_text(crate::i18n::Lang::En, .code, .args))]
    Refused { refusal: Refusal, code: &'static str, args: Vec<(&'static str, Arg)> },
    /// Missing, or not visible to this actor: the same answer for both.
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// The database or media store cannot be reached right now.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn refused(refusal: Refusal, code: &'static str) -> Self {
        Self::Refused { refusal, code, args: Vec::new() }
    }

    pub fn invalid(code: &'static str) -> Self {
        Self::refused(Refusal::Invalid, code)
    }

    pub fn conflict(code: &'static str) -> Self {
        Self::refused(Refusal::Conflict, code)
    }

    /// Adds a value the message names (`{ $name }` in the catalogue); only refusals carry any.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        if let Self::Refused { args, .. } = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    /// A refusal of this kind (or a missing thing): the person's side, not ours.
    pub fn is_refusal(&self, kind: Refusal) -> bool {
        matches!(self, Self::Refused { refusal, .. } if *refusal == kind)
    }
}

/// Only people with a confirmed address send works and count in what the public says about
/// works, so a crowd of throwaway accounts cannot flood, hide or inflate anything.
pub fn email_not_verified() -> ServiceError {
    ServiceError::refused(Refusal::NotAllowed, "email_not_verified")
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        Self::Refused { refusal: Refusal::Invalid, code: e.code, args: e.args }
    }
}

impl From<MediaError> for ServiceError {
    fn from(e: MediaError) -> Self {
        if e.is_permanent() {
            let refusal = match e.code {
                "unsupported_format" | "no_video" | "no_audio" | "sound_has_picture" => Refusal::Unsupported,
                _ => Refusal::Invalid,
            };
            // The engine's own words (sizes, limits) stay in the log and the work's record;
            // the person reads the catalogue's message for the code.
            Self::refused(refusal, e.code)
        } else {
            Self::Internal(anyhow::anyhow!(e))
        }
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => Self::Unavailable(e.to_string()),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::storage::StorageError> for ServiceError {
    fn from(e: crate::storage::StorageError) -> Self {
        use crate::storage::StorageError;
        match e {
            StorageError::NotFound => Self::NotFound,
            StorageError::Unavailable(m) => Self::Unavailable(m),
            StorageError::Io(io) => io.into(),
        }
    }
}

/// A local disk that is full is a passing condition of ours, not a bug.
impl From<std::io::Error> for ServiceError {
    fn from(e: std::io::Error) -> Self {
        if e.raw_os_error() == Some(28) {
            Self::Unavailable("disk full".into())
        } else {
            Self::Internal(e.into())
        }
    }
}

impl From<crate::media_pool::PoolError> for ServiceError {
    fn from(e: crate::media_pool::PoolError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<anyhow::Error> for ServiceError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

/// Who is acting: a signed-in person, or nobody (the public).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    user: Option<&'a User>,
}

impl<'a> Actor<'a> {
    pub fn person(user: &'a User) -> Self {
        Self { user: Some(user) }
    }

    pub fn new(user: Option<&'a User>) -> Self {
        Self { user }
    }

    pub fn require(&self) -> ServiceResult<&'a User> {
        self.user.ok_or(ServiceError::Unauthenticated)
    }

    pub fn require_curator(&self) -> ServiceResult<&'a User> {
        let user = self.require()?;
        if user.role.can_curate() { Ok(user) } else { Err(ServiceError::Forbidden) }
    }

    pub fn require_admin(&self) -> ServiceResult<&'a User> {
        let user = self.require()?;
        if user.role == Role::Admin { Ok(user) } else { Err(ServiceError::Forbidden) }
    }

    pub fn is_curator(&self) -> bool {
        self.user.is_some_and(|u| u.role.can_curate())
    }

    /// The actor as the domain's visibility rules see them.
    pub fn reader(&self) -> Option<crate::domain::Reader<'a>> {
        self.user.map(|u| crate::domain::Reader { id: &u.id, role: u.role })
    }
}

/// One page of a list: its number (from 1) and whether pages come before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub has_prev: bool,
    pub has_next: bool,
}

impl Page {
    /// Reads a page number leniently: anything that is not one is the first page.
    pub fn number_from(page: Option<&str>) -> i64 {
        page.and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1)
    }

    /// The limit and offset to fetch page `number` of `size` with one extra row, which says
    /// whether a next page exists.
    pub fn window(number: i64, size: i64) -> (i64, i64) {
        (size + 1, (number - 1) * size)
    }

    /// Trims a list fetched with [`Page::window`].
    pub fn trim<T>(number: i64, size: i64, mut rows: Vec<T>) -> (Vec<T>, Self) {
        let has_next = rows.len() as i64 > size;
        rows.truncate(size as usize);
        (rows, Self { number, has_prev: number > 1, has_next })
    }
}

/// Whether the database answers: the health check's one question.
pub async fn health(state: &crate::state::AppState) -> bool {
    state.db.ping().await.is_ok()
}
