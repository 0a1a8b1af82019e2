//! JSON request bodies: `ApiJson<T>` rejects a body that is not the expected JSON with the
//! stable code `invalid_json`, and one cut off at the limit as too large.

use super::error::AppError;
use super::limits::{too_large, SMALL_BODY_BYTES};
use axum::http::StatusCode;

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        // A body sent without a length and cut off at the limit is too large, not bad JSON.
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large(SMALL_BODY_BYTES);
        }
        Self::bad_request("invalid_json").arg("detail", e.body_text())
    }
}

/// `Json<T>` whose rejection is an [`AppError`] with the stable code `invalid_json`.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);
