//! JSON request bodies and query strings of the API: `ApiJson<T>` rejects a body that is
//! not the expected JSON with the stable code `invalid_json`, and one cut off at the limit
//! as too large; `ApiQuery<T>` rejects a query string it cannot read with `invalid_query`.

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

/// `Json<T>` whose rejection is an [`AppError`] with the stable code `invalid_json`. The
/// body must be a JSON object: serde would read a struct from an array of its fields in
/// order too, which no client means.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state).await?;
        let invalid = |detail: String| AppError::bad_request("invalid_json").arg("detail", detail);
        if !value.is_object() {
            return Err(invalid("the body must be a JSON object".into()));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| invalid(e.to_string()))
    }
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        Self::bad_request("invalid_query").arg("detail", e.body_text())
    }
}

/// `Query<T>` whose rejection (a parameter given twice, say) is an [`AppError`] with the
/// stable code `invalid_query`, answered as JSON like every other error of the API.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// A whole number in JSON, written as `3` or `3.0` (JSON Schema's `integer` is both).
pub mod whole_number {
    use serde::{de::Error, Deserialize, Deserializer};

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<serde_json::Number>::deserialize(d)? {
            None => Ok(None),
            Some(n) => whole(&n).map(Some).ok_or_else(|| D::Error::custom(format!("{n} is not a whole number"))),
        }
    }

    fn whole(n: &serde_json::Number) -> Option<i64> {
        n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize)]
        struct Limit {
            #[serde(default, deserialize_with = "super::option")]
            max: Option<i64>,
        }

        fn read(json: &str) -> Result<Option<i64>, serde_json::Error> {
            serde_json::from_str::<Limit>(json).map(|l| l.max)
        }

        #[test]
        fn whole_numbers_are_read_with_or_without_a_fraction_and_others_refused() {
            assert_eq!(read(r#"{"max": 3}"#).unwrap(), Some(3));
            assert_eq!(read(r#"{"max": 1000001.0}"#).unwrap(), Some(1000001));
            assert_eq!(read(r#"{"max": null}"#).unwrap(), None);
            assert_eq!(read(r#"{}"#).unwrap(), None);
            assert!(read(r#"{"max": 1.5}"#).is_err());
            assert!(read(r#"{"max": 1e300}"#).is_err());
            assert!(read(r#"{"max": "3"}"#).is_err());
        }
    }
}
