//! The one error type of the HTTP layer. Client errors carry a stable snake_case code and
//! the values of their message, which the catalogue (`error-<code>`) turns into words a
//! person can act on; server errors are logged once here and answered with a body that
//! reveals nothing.

use crate::domain::DomainError;
use crate::i18n::{Arg, Lang};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub enum AppError {
    /// A 4xx with a stable code; its message is the catalogue's `error-<code>`, filled
    /// with `args`. A 429 says in how many seconds to try again (`Retry-After`).
    Client { status: StatusCode, code: &'static str, args: Vec<(&'static str, Arg)>, retry_after_s: Option<u64> },
    NotFound,
    Unauthenticated,
    Forbidden,
    /// The database or media store cannot be reached right now.
    Unavailable(String),
    Internal(anyhow::Error),
}

impl AppError {
    pub fn client(status: StatusCode, code: &'static str) -> Self {
        Self::Client { status, code, args: Vec::new(), retry_after_s: None }
    }

    pub fn bad_request(code: &'static str) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code)
    }

    pub fn unprocessable(code: &'static str) -> Self {
        Self::client(StatusCode::UNPROCESSABLE_ENTITY, code)
    }

    /// Adds a value the message names (`{ $name }` in the catalogue). Only client errors
    /// have a message with values; others ignore it.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        if let Self::Client { args, .. } = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    /// Status and stable code as the client sees them.
    pub fn status_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Client { status, code, .. } => (*status, code),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }

    /// Status, code and the English message, as the JSON API answers.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
        let (status, code) = self.status_code();
        (status, code, self.say(Lang::En))
    }

    /// The message in `lang`, from the catalogue by code, with the values the error
    /// carries. Server errors carry none: their details are logged, never told.
    pub fn say(&self, lang: Lang) -> String {
        let (_, code) = self.status_code();
        match self {
            Self::Client { args, .. } => crate::i18n::error_text(lang, code, args),
            _ => crate::i18n::error_text(lang, code, &[]),
        }
    }

    /// Logs server-side failures once, where they become a response.
    pub fn log(&self) {
        match self {
            Self::Internal(e) => tracing::error!(error = ?e, "request failed"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "dependency unavailable"),
            _ => {}
        }
    }
}

/// Every error of the JSON API: a stable snake_case code a program can act on, and an
/// English message a person can read.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// The stable code, e.g. `not_found`, `invalid_json`, `invalid_title`.
    pub error: &'static str,
    pub message: String,
}

impl AppError {
    /// The JSON answer, without logging (for callers that logged the cause themselves).
    pub fn generic_response(&self) -> Response {
        let (status, code, message) = self.parts();
        let mut response = (status, Json(ErrorBody { error: code, message })).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        if let Self::Client { retry_after_s: Some(seconds), .. } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
        }
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        self.generic_response()
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        Self::Client { status: StatusCode::UNPROCESSABLE_ENTITY, code: e.code, args: e.args, retry_after_s: None }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

impl From<crate::service::ServiceError> for AppError {
    fn from(e: crate::service::ServiceError) -> Self {
        use crate::service::{Refusal, ServiceError};
        match e {
            ServiceError::Refused { refusal, code, args } => {
                let retry_after_s = match refusal {
                    Refusal::TooMany { retry_after_s } => Some(retry_after_s.max(1)),
                    _ => None,
                };
                let status = match refusal {
                    Refusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                    Refusal::Conflict => StatusCode::CONFLICT,
                    Refusal::NotAllowed => StatusCode::FORBIDDEN,
                    Refusal::WrongCredentials => StatusCode::UNAUTHORIZED,
                    Refusal::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    Refusal::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
                    Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                    Refusal::Busy => StatusCode::LOCKED,
                    Refusal::Gone => StatusCode::GONE,
                    // tus 1.0's checksum extension: 460 Checksum Mismatch.
                    Refusal::ChecksumMismatch => StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
                    Refusal::Upstream => StatusCode::BAD_GATEWAY,
                };
                Self::Client { status, code, args, retry_after_s }
            }
            ServiceError::NotFound => Self::NotFound,
            ServiceError::Unauthenticated => Self::Unauthenticated,
            ServiceError::Forbidden => Self::Forbidden,
            ServiceError::Unavailable(m) => Self::Unavailable(m),
            ServiceError::Internal(e) => Self::Internal(e),
        }
    }
}

/// A local disk that is full is a passing condition of ours, not a bug.
pub fn io_error(e: std::io::Error) -> AppError {
    if e.raw_os_error() == Some(28) {
        AppError::Unavailable("disk full".into())
    } else {
        AppError::Internal(e.into())
    }
}
