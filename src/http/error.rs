//! The one error type of the HTTP layer. Client errors carry a stable snake_case code and
//! a message a person can act on; server errors are logged once here and answered with a
//! body that reveals nothing.

use crate::domain::DomainError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use piazza_workers::MediaError;

#[derive(Debug)]
pub enum AppError {
    /// A 4xx with a stable code.
    Client { status: StatusCode, code: &'static str, message: String, italian: Option<String> },
    NotFound,
    Unauthenticated,
    Forbidden,
    /// The database or media store cannot be reached right now.
    Unavailable(String),
    Internal(anyhow::Error),
}

impl AppError {
    pub fn client(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Client { status, code, message: message.into(), italian: None }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// Status, code and message as the client sees them.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::Client { status, code, message, .. } => (*status, code, message.clone()),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found", "nothing here: the page or work does not exist or is not public".into()),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first".into()),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "your account may not do this".into()),
            Self::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "the service is busy or under maintenance; nothing was saved, try again in a minute".into(),
            ),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side; nothing was saved".into()),
        }
    }

    /// The message in Italian: the error's own when it has details, else the fixed text of
    /// its code, else the English message.
    pub fn italian(&self) -> String {
        if let Self::Client { italian: Some(it), .. } = self {
            return it.clone();
        }
        let (_, code, message) = self.parts();
        super::i18n::error_message_it(code).map(str::to_owned).unwrap_or(message)
    }

    /// The message in the visitor's language.
    pub fn say(&self, lang: super::i18n::Lang) -> String {
        match lang {
            super::i18n::Lang::It => self.italian(),
            super::i18n::Lang::En => self.parts().2,
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

impl AppError {
    /// The JSON answer, without logging (for callers that logged the cause themselves).
    pub fn generic_response(&self) -> Response {
        let (status, code, message) = self.parts();
        let mut response = (status, Json(serde_json::json!({ "error": code, "message": message }))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
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
        Self::Client { status: StatusCode::UNPROCESSABLE_ENTITY, code: e.code, message: e.message, italian: e.italian }
    }
}

impl From<MediaError> for AppError {
    fn from(e: MediaError) -> Self {
        if e.is_permanent() {
            let status = match e.code {
                "unsupported_format" | "no_video" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            Self::client(status, e.code, e.message)
        } else {
            Self::Internal(anyhow::anyhow!(e))
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => Self::Unavailable(e.to_string()),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::storage::StorageError> for AppError {
    fn from(e: crate::storage::StorageError) -> Self {
        match e {
            crate::storage::StorageError::NotFound => Self::NotFound,
            crate::storage::StorageError::Unavailable(m) => Self::Unavailable(m),
            crate::storage::StorageError::Io(io) if io.raw_os_error() == Some(28) => {
                Self::Unavailable("disk full".into())
            }
            crate::storage::StorageError::Io(io) => Self::Internal(io.into()),
        }
    }
}

impl From<crate::media_pool::PoolError> for AppError {
    fn from(e: crate::media_pool::PoolError) -> Self {
        Self::Internal(e.into())
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
            ServiceError::Refused { refusal, code, message, italian } => {
                let status = match refusal {
                    Refusal::Malformed => StatusCode::BAD_REQUEST,
                    Refusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                    Refusal::Conflict => StatusCode::CONFLICT,
                    Refusal::NotAllowed => StatusCode::FORBIDDEN,
                    Refusal::WrongCredentials => StatusCode::UNAUTHORIZED,
                    Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                    Refusal::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    Refusal::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
                    Refusal::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
                };
                Self::Client { status, code, message, italian }
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
