//! Cross-site request forgery defence for cookie-authenticated requests, in two layers.
//!
//! 1. Origin: a state-changing request must come from our own pages, as told by
//!    `Sec-Fetch-Site` or `Origin`. Session cookies are also `SameSite=Lax`, so older
//!    browsers that send neither header still do not attach them to cross-site POSTs.
//! 2. Synchronizer token: a request that carries a session cookie must also carry the
//!    session's token (`auth::csrf_token`), as the form field `csrf` or the header
//!    `X-CSRF-Token`. In a multipart form the field must be the first part, so it is checked
//!    before any file is read and the upload still streams.
//!
//! Bearer requests carry no ambient credential and are exempt from both.

use super::error::AppError;
use super::viewer::{cookie, SESSION_COOKIE};
use crate::auth;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::time::Duration;

/// Name of the hidden form field, and the header API clients may use instead.
pub const FIELD: &str = "csrf";
const HEADER: &str = "x-csrf-token";
/// Largest url-encoded form buffered to find the token (the forms are small).
const FORM_BYTES: usize = 256 * 1024;
/// Largest start of a multipart body read to find its first part.
const MULTIPART_HEAD_BYTES: usize = 16 * 1024;
/// A client must deliver the part holding the token within this time.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn check(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || request.headers().contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    if !same_origin(&request) {
        return AppError::client(StatusCode::FORBIDDEN, "cross_site_request")
            .into_response();
    }
    let Some(session) = cookie(request.headers(), SESSION_COOKIE).filter(|t| !t.is_empty()) else {
        return next.run(request).await;
    };
    let expected = auth::csrf_token(session);
    if let Some(sent) = request.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if auth::constant_time_eq(sent.as_bytes(), expected.as_bytes()) { next.run(request).await } else { invalid() };
    }
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let (parts, body) = request.into_parts();
    let checked = if media_type == "application/x-www-form-urlencoded" {
        match tokio::time::timeout(READ_TIMEOUT, axum::body::to_bytes(body, FORM_BYTES)).await {
            Ok(Ok(bytes)) => {
                let sent = form_urlencoded::parse(&bytes).find(|(k, _)| k == FIELD).map(|(_, v)| v.into_owned());
                sent.filter(|s| auth::constant_time_eq(s.as_bytes(), expected.as_bytes())).map(|_| Body::from(bytes))
            }
            Ok(Err(_)) => return AppError::client(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").into_response(),
            Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
        }
    } else if media_type == "multipart/form-data" {
        match boundary(&content_type) {
            Some(boundary) => match tokio::time::timeout(READ_TIMEOUT, check_first_part(body, &boundary, &expected)).await {
                Ok(body) => body,
                Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
            },
            None => None,
        }
    } else {
        None
    };
    match checked {
        Some(body) => next.run(Request::from_parts(parts, body)).await,
        None => invalid(),
    }
}

fn invalid() -> Response {
    AppError::client(StatusCode::FORBIDDEN, "csrf_token_invalid")
    .into_response()
}

/// The boundary parameter of a multipart content type, exactly as sent (it is case-sensitive).
fn boundary(content_type: &str) -> Option<String> {
    let at = content_type.to_ascii_lowercase().find("boundary=")?;
    let value = content_type[at + "boundary=".len()..].split(';').next()?.trim().trim_matches('"');
    (!value.is_empty()).then(|| value.to_owned())
}

/// Reads just enough of a multipart body to see its first part; if that part is the field
/// `csrf` holding `expected`, returns a body that replays what was read and then streams
/// the rest untouched.
async fn check_first_part(body: Body, boundary: &str, expected: &str) -> Option<Body> {
    let delimiter = format!("--{boundary}");
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    let value = loop {
        if let Some(value) = first_part_value(&head, delimiter.as_bytes()) {
            break value;
        }
        if head.len() > MULTIPART_HEAD_BYTES {
            return None;
        }
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            _ => return None,
        }
    };
    if !auth::constant_time_eq(value.as_bytes(), expected.as_bytes()) {
        return None;
    }
    let replay = futures_util::stream::once(async move { Ok::<Bytes, axum::Error>(Bytes::from(head)) });
    Some(Body::from_stream(replay.chain(stream)))
}

/// The value of the first part if it is complete in `head` and named `csrf`; an empty string
/// (never a valid token) when it is complete but another field.
fn first_part_value(head: &[u8], delimiter: &[u8]) -> Option<String> {
    let start = find(head, delimiter)?;
    if start != 0 && !head[..start].ends_with(b"\r\n") {
        return Some(String::new());
    }
    let after = &head[start + delimiter.len()..];
    let after = after.strip_prefix(b"\r\n")?;
    let headers_end = find(after, b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&after[..headers_end]).to_ascii_lowercase();
    let content = &after[headers_end + 4..];
    let mut closing = b"\r\n".to_vec();
    closing.extend_from_slice(delimiter);
    let end = find(content, &closing)?;
    let named_csrf = headers
        .lines()
        .filter(|l| l.starts_with("content-disposition:"))
        .flat_map(|l| l.split(';'))
        .any(|param| param.trim() == format!("name=\"{FIELD}\""));
    Some(if named_csrf { String::from_utf8_lossy(&content[..end]).into_owned() } else { String::new() })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn same_origin(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST).and_then(|v| v.to_str().ok())) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_multipart_part_is_found_only_when_complete_and_named_csrf() {
        let d = b"--XyZ";
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"call\"\r\n\r\nx\r\n--XyZ--\r\n";
        assert_eq!(first_part_value(body, d).as_deref(), Some("tok123"));
        assert_eq!(first_part_value(&body[..30], d), None, "incomplete: read more");
        let other = b"--XyZ\r\nContent-Disposition: form-data; name=\"call\"\r\n\r\nx\r\n--XyZ\r\n";
        assert_eq!(first_part_value(other, d).as_deref(), Some(""));
        let sneaky = b"--XyZ\r\nContent-Disposition: form-data; name=\"xcsrf\"\r\n\r\ntok123\r\n--XyZ\r\n";
        assert_eq!(first_part_value(sneaky, d).as_deref(), Some(""));
    }

    #[test]
    fn boundary_is_read_from_the_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(boundary("multipart/form-data; boundary=\"a b\"; charset=utf-8").as_deref(), Some("a b"));
    }
}
