//! Resumable uploads over tus 1.0.0 (<https://tus.io/protocols/resumable-upload>): the core
//! protocol and the `creation`, `creation-with-upload`, `termination`, `expiration` and
//! `checksum` extensions. The handlers read and write tus's headers; what an upload may
//! be, and where its bytes go, is `service::uploads`.

use crate::http::error::{AppError, ErrorBody};
use crate::http::viewer::Viewer;
use crate::service::uploads::{self, Checksum, ChecksumAlgorithm, NewUpload, UploadStatus};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use utoipa::IntoParams;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::time::{Duration, UNIX_EPOCH};

/// The protocol version spoken, the only one.
pub const VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
/// The media type of a chunk's body.
const CHUNK_TYPE: &str = "application/offset+octet-stream";

static TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
static TUS_VERSION: HeaderName = HeaderName::from_static("tus-version");
static TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
static TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
static TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
static UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
static UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
static UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
static UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
static UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
static UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");

/// tus's `X-HTTP-Method-Override`: a client behind a proxy that lets only GET and POST
/// through sends its PATCH, DELETE or HEAD on an upload as a POST naming the method. Read
/// before routing, so the request then goes where that method goes (and passes the same
/// checks, CSRF included).
pub fn method_override(mut request: Request) -> Request {
    if request.method() == Method::POST && request.uri().path().starts_with("/api/v1/uploads/") {
        let named = request.headers().get("x-http-method-override").and_then(|v| v.to_str().ok()).map(str::trim);
        let method = match named {
            Some(m) if m.eq_ignore_ascii_case("PATCH") => Some(Method::PATCH),
            Some(m) if m.eq_ignore_ascii_case("DELETE") => Some(Method::DELETE),
            Some(m) if m.eq_ignore_ascii_case("HEAD") => Some(Method::HEAD),
            _ => None,
        };
        if let Some(method) = method {
            *request.method_mut() = method;
        }
    }
    request
}

/// Every tus answer names the protocol version.
pub async fn protocol(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(&TUS_RESUMABLE, HeaderValue::from_static(VERSION));
    // OPTIONS and a refused version say which versions this server speaks.
    headers.insert(&TUS_VERSION, HeaderValue::from_static(VERSION));
    // An upload's state changes with every chunk: no cache may answer for it.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Every tus request but OPTIONS names the protocol version; a client speaking another
/// one is told which this server speaks (412). Checked after who is asking, so a request
/// without credentials learns that first.
fn check_version(headers: &HeaderMap) -> Result<(), AppError> {
    let version = headers.get(&TUS_RESUMABLE).and_then(|v| v.to_str().ok()).map(str::trim);
    if version == Some(VERSION) {
        return Ok(());
    }
    Err(AppError::client(StatusCode::PRECONDITION_FAILED, "tus_version").arg("version", VERSION))
}

/// The headers of every tus request but OPTIONS.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documents what `check_version` reads
pub struct TusHeaders {
    /// The protocol version: `1.0.0`.
    #[param(rename = "Tus-Resumable", inline)]
    tus_resumable: TusVersion,
}

/// The tus versions spoken: only 1.0.0.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents the header's one value
pub enum TusVersion {
    #[schema(rename = "1.0.0")]
    V1,
}

/// The headers of a new upload.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documents what `start` reads
pub struct CreationHeaders {
    /// The file's size in bytes.
    #[param(rename = "Upload-Length", minimum = 1)]
    upload_length: u64,
    /// `call` (its slug), `kind`, and optionally `filename` and `filetype`: each a name, a
    /// space and the value in base64, separated by commas.
    #[param(rename = "Upload-Metadata")]
    upload_metadata: String,
}

/// The headers of a chunk.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documents what `store_chunk` reads
pub struct ChunkHeaders {
    /// Where this chunk starts: the offset `HEAD` gave.
    #[param(rename = "Upload-Offset", minimum = 0)]
    upload_offset: u64,
    /// `sha1` or `sha256`, a space, and the chunk's digest in base64.
    #[param(rename = "Upload-Checksum")]
    upload_checksum: Option<String>,
}

/// The upload in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documents `Path<String>`
pub struct UploadId {
    /// The upload's id, from the `Location` its creation answered.
    id: String,
}

/// What this server supports.
#[utoipa::path(options, path = "/api/v1/uploads", tag = "uploads",
    responses((status = 204, description = "tus 1.0.0 with `Tus-Version`, `Tus-Extension`, `Tus-Max-Size` and `Tus-Checksum-Algorithm`")))]
pub async fn options(State(state): State<AppState>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(&TUS_EXTENSION, HeaderValue::from_static(EXTENSIONS));
    headers.insert(&TUS_MAX_SIZE, HeaderValue::from(state.config.max_upload_bytes));
    let algorithms: Vec<&str> = ChecksumAlgorithm::ALL.iter().map(|a| a.name()).collect();
    if let Ok(value) = HeaderValue::from_str(&algorithms.join(",")) {
        headers.insert(&TUS_CHECKSUM_ALGORITHM, value);
    }
    response
}

/// Starts an upload (tus `creation`; with a body, `creation-with-upload`). `Upload-Metadata`
/// must name the `call` (its slug) and the `kind` of work, and may give `filename` and
/// `filetype`; the upload is refused before any byte when the call does not take such a
/// work or `Upload-Length` is over the limit.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads", security(("bearer" = [])),
    params(TusHeaders, CreationHeaders),
    responses(
        (status = 201, description = "created: `Location` is the upload's address; `Upload-Offset` and `Upload-Expires`"),
        (status = 400, description = "`upload_length_required`, `invalid_upload_metadata`", body = ErrorBody),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 403, description = "`email_not_verified`", body = ErrorBody),
        (status = 409, description = "`too_many_uploads`", body = ErrorBody),
        (status = 412, description = "`tus_version`: another tus version", body = ErrorBody),
        (status = 413, description = "`file_too_large`, with the limit", body = ErrorBody),
        (status = 422, description = "`unknown_call`, the call is not open or takes no such kind, the person's limit is reached", body = ErrorBody),
        (status = 503, description = "database or store unavailable", body = ErrorBody),
    ))]
pub async fn create(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, body: Body) -> Response {
    closing(start(state, viewer, headers, body).await)
}

async fn start(state: AppState, viewer: Viewer, headers: HeaderMap, body: Body) -> Result<Response, AppError> {
    viewer.require()?;
    check_version(&headers)?;
    if headers.contains_key(&UPLOAD_DEFER_LENGTH) {
        return Err(AppError::bad_request("upload_length_required"));
    }
    let length = number(&headers, &UPLOAD_LENGTH).ok_or_else(|| AppError::bad_request("upload_length_required"))?;
    let metadata = metadata(&headers)?;
    let field = |name: &str| metadata.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let input = NewUpload { length, call: field("call"), kind: field("kind"), file_name: field("filename"), file_type: field("filetype") };
    let mut status = uploads::create(&state, viewer.actor(), input).await?;
    let mut unread = false;
    if is_chunk(&headers) && announced(&headers) != Some(0) {
        // creation-with-upload: the first chunk came with the request. Whatever happens to
        // it, the upload exists; the client learns from `Upload-Offset` where to go on.
        match uploads::append(&state, viewer.actor(), &status.id, 0, announced(&headers), checksum(&headers)?, body.into_data_stream()).await {
            Ok(after) => status = after,
            Err(e) => {
                tracing::info!(error = %e, "the first chunk of a new upload was not stored");
                unread = true;
            }
        }
    }
    let mut response = (StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/uploads/{}", status.id))]).into_response();
    describe(response.headers_mut(), &status);
    if unread {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// How much of the upload is stored (tus `HEAD`): `Upload-Offset`, `Upload-Length`,
/// `Upload-Expires`.
#[utoipa::path(head, path = "/api/v1/uploads/{id}", tag = "uploads", security(("bearer" = [])),
    params(UploadId, TusHeaders),
    responses(
        (status = 200, description = "`Upload-Offset`, `Upload-Length`, `Upload-Expires`, `Upload-Metadata`"),
        (status = 401, description = "not signed in"),
        (status = 404, description = "no such upload, or someone else's"),
        (status = 410, description = "expired"),
        (status = 412, description = "another tus version"),
        (status = 503, description = "database unavailable"),
    ))]
pub async fn head(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    viewer.require()?;
    check_version(&headers)?;
    let status = uploads::status(&state, viewer.actor(), &id).await?;
    let mut response = StatusCode::OK.into_response();
    let headers = response.headers_mut();
    describe(headers, &status);
    headers.insert(&UPLOAD_LENGTH, HeaderValue::from(status.length));
    let mut metadata = vec![("kind", status.kind.as_str())];
    if !status.file_name.is_empty() {
        metadata.push(("filename", status.file_name.as_str()));
    }
    if !status.file_type.is_empty() {
        metadata.push(("filetype", status.file_type.as_str()));
    }
    let encoded: Vec<String> = metadata.iter().map(|(k, v)| format!("{k} {}", base64::engine::general_purpose::STANDARD.encode(v))).collect();
    if let Ok(value) = HeaderValue::from_str(&encoded.join(",")) {
        headers.insert(&UPLOAD_METADATA, value);
    }
    Ok(response)
}

/// Stores a chunk at `Upload-Offset` (tus `PATCH`), with an optional `Upload-Checksum`. A
/// chunk that breaks off keeps every byte that arrived.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "uploads", security(("bearer" = [])),
    params(UploadId, TusHeaders, ChunkHeaders),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "stored: the new `Upload-Offset`, and `Upload-Expires`"),
        (status = 400, description = "`upload_offset_required`, `checksum_algorithm`, `invalid_checksum`", body = ErrorBody),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such upload, or someone else's", body = ErrorBody),
        (status = 409, description = "`upload_offset_mismatch`: ask `HEAD` for the offset", body = ErrorBody),
        (status = 410, description = "`upload_expired`", body = ErrorBody),
        (status = 412, description = "`tus_version`: another tus version", body = ErrorBody),
        (status = 415, description = "`upload_content_type`", body = ErrorBody),
        (status = 422, description = "`upload_past_length`", body = ErrorBody),
        (status = 423, description = "`upload_busy`: another request is writing to it", body = ErrorBody),
        (status = 460, description = "`checksum_mismatch`: the chunk was dropped", body = ErrorBody),
        (status = 503, description = "database or store unavailable", body = ErrorBody),
    ))]
pub async fn patch(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, headers: HeaderMap, body: Body) -> Response {
    closing(store_chunk(state, viewer, id, headers, body).await)
}

async fn store_chunk(state: AppState, viewer: Viewer, id: String, headers: HeaderMap, body: Body) -> Result<Response, AppError> {
    viewer.require()?;
    check_version(&headers)?;
    if !is_chunk(&headers) {
        return Err(AppError::client(StatusCode::UNSUPPORTED_MEDIA_TYPE, "upload_content_type").arg("type", CHUNK_TYPE));
    }
    let offset = number(&headers, &UPLOAD_OFFSET).ok_or_else(|| AppError::bad_request("upload_offset_required"))?;
    let checksum = checksum(&headers)?;
    let status = uploads::append(&state, viewer.actor(), &id, offset, announced(&headers), checksum, body.into_data_stream()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    describe(response.headers_mut(), &status);
    Ok(response)
}

/// A refusal of a request whose body may not have been read to its end: the connection
/// cannot carry another request, and the client must know before it tries one.
fn closing(result: Result<Response, AppError>) -> Response {
    match result {
        Ok(response) => response,
        Err(e) => {
            let mut refused = e.into_response();
            refused.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            refused
        }
    }
}

/// Removes an upload and what it stored (tus `termination`).
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "uploads", security(("bearer" = [])),
    params(UploadId, TusHeaders),
    responses(
        (status = 204, description = "removed"),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such upload, or someone else's", body = ErrorBody),
        (status = 412, description = "`tus_version`: another tus version", body = ErrorBody),
        (status = 503, description = "database unavailable", body = ErrorBody),
    ))]
pub async fn delete(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    viewer.require()?;
    check_version(&headers)?;
    uploads::terminate(&state, viewer.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `Upload-Offset` and `Upload-Expires` of an upload.
fn describe(headers: &mut HeaderMap, status: &UploadStatus) {
    headers.insert(&UPLOAD_OFFSET, HeaderValue::from(status.offset));
    let expires = UNIX_EPOCH + Duration::from_millis(status.expires_at.max(0) as u64);
    if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(expires)) {
        headers.insert(&UPLOAD_EXPIRES, value);
    }
}

/// A header holding a non-negative integer, as tus's are.
fn number(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn announced(headers: &HeaderMap) -> Option<u64> {
    number(headers, &header::CONTENT_LENGTH)
}

fn is_chunk(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(CHUNK_TYPE))
}

/// `Upload-Metadata`: comma-separated pairs of a key and its base64 value (the value may be
/// missing). Keys are unique; values must be UTF-8 text.
fn metadata(headers: &HeaderMap) -> Result<Vec<(String, String)>, AppError> {
    let invalid = || AppError::bad_request("invalid_upload_metadata");
    let Some(raw) = headers.get(&UPLOAD_METADATA) else { return Ok(Vec::new()) };
    let raw = raw.to_str().map_err(|_| invalid())?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = pair.split(' ').filter(|w| !w.is_empty());
        let key = words.next().ok_or_else(invalid)?;
        let value = match words.next() {
            Some(encoded) => {
                let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| invalid())?;
                String::from_utf8(bytes).map_err(|_| invalid())?
            }
            None => String::new(),
        };
        if words.next().is_some() || key.len() > 64 || pairs.iter().any(|(k, _)| k == key) {
            return Err(invalid());
        }
        pairs.push((key.to_owned(), value));
    }
    Ok(pairs)
}

/// `Upload-Checksum: <algorithm> <base64 digest>`.
fn checksum(headers: &HeaderMap) -> Result<Option<Checksum>, AppError> {
    let Some(raw) = headers.get(&UPLOAD_CHECKSUM) else { return Ok(None) };
    let invalid = || AppError::bad_request("invalid_checksum");
    let raw = raw.to_str().map_err(|_| invalid())?.trim();
    let (name, digest) = raw.split_once(' ').ok_or_else(invalid)?;
    let algorithm = ChecksumAlgorithm::parse(name.trim())
        .ok_or_else(|| AppError::bad_request("checksum_algorithm").arg("supported", ChecksumAlgorithm::ALL.map(|a| a.name()).join(", ")))?;
    let digest = base64::engine::general_purpose::STANDARD.decode(digest.trim()).map_err(|_| invalid())?;
    Ok(Some(Checksum { algorithm, digest }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static(name), HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn metadata_pairs_are_decoded_and_a_key_may_have_no_value() {
        let pairs = metadata(&with("upload-metadata", "filename ZmlsbS5tcDQ=, kind ZmlsbQ==,is_confidential")).unwrap();
        assert_eq!(pairs, [("filename".into(), "film.mp4".into()), ("kind".into(), "film".into()), ("is_confidential".into(), String::new())]);
    }

    #[test]
    fn broken_metadata_is_refused() {
        for raw in ["kind ***", "kind ZmlsbQ==,kind ZmlsbQ==", "kind ZmlsbQ== extra", "name /w=="] {
            assert!(metadata(&with("upload-metadata", raw)).is_err(), "{raw}");
        }
    }

    #[test]
    fn checksums_name_a_known_algorithm() {
        let sum = checksum(&with("upload-checksum", "sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=")).unwrap().unwrap();
        assert_eq!((sum.algorithm, sum.digest.len()), (ChecksumAlgorithm::Sha1, 20));
        assert!(checksum(&with("upload-checksum", "md4 AAAA")).is_err());
        assert!(checksum(&with("upload-checksum", "sha1")).is_err());
    }

    #[test]
    fn the_document_names_the_version_spoken() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(TusVersion::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!([VERSION]), "{schema}");
    }

    #[test]
    fn offsets_are_plain_digits() {
        assert_eq!(number(&with("upload-offset", "42"), &UPLOAD_OFFSET), Some(42));
        for raw in ["-1", "+3", "1e3", " ", "0x10"] {
            assert_eq!(number(&with("upload-offset", raw), &UPLOAD_OFFSET), None, "{raw}");
        }
    }
}
