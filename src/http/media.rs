//! Serving derivatives. Only a work the viewer may see is served, and only the rendition
//! whose content hash is in the URL; originals are never served. `Range` is honoured so
//! that seeking in a film works on slow connections.

use super::error::AppError;
use super::viewer::Viewer;
use crate::service::media;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn serve(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((work_id, hash, name)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let media::Rendition { row: rendition, public } = media::rendition(&state, viewer.actor(), &work_id, &hash, &name).await?;
    let total = rendition.size_bytes as u64;
    let etag = format!("\"{}\"", &rendition.sha256[..32.min(rendition.sha256.len())]);
    let cache = if public { "public, max-age=31536000, immutable" } else { "private, no-store" };
    // A browser that holds these bytes already (its ETag matches) is told so, and nothing
    // is read from the store: a revisit on 2G costs a few hundred bytes.
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| matches_etag(v, &etag)) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        return Ok(response);
    }
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(value) => match parse_range(value, total) {
            RangeRequest::Satisfiable(start, end) => Some((start, end)),
            RangeRequest::Unsatisfiable => {
                let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                response.headers_mut().insert(header::CONTENT_RANGE, HeaderValue::from_str(&format!("bytes */{total}")).unwrap());
                return Ok(response);
            }
            RangeRequest::Ignored => None,
        },
        None => None,
    };
    let object = media::read(&state, &rendition.storage_key, range.map(|(s, e)| (s, e - s + 1))).await?;
    let mut response = Response::new(Body::from_stream(object.body));
    let h = response.headers_mut();
    // The stored mime comes from our own encoder, never from the upload.
    // Text (captions) says its charset: a browser must not guess one.
    let mime = if rendition.mime.starts_with("text/") { format!("{}; charset=utf-8", rendition.mime) } else { rendition.mime.clone() };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
    match range {
        Some((start, end)) => {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let h = response.headers_mut();
            h.insert(header::CONTENT_RANGE, HeaderValue::from_str(&format!("bytes {start}-{end}/{total}")).unwrap());
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
        }
        None => {
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(object.total_size));
        }
    }
    Ok(response)
}

/// A call's cover picture: public once the call is, to curators while it is a draft.
pub async fn cover(State(state): State<AppState>, viewer: Viewer, Path((call_id, hash)): Path<(String, String)>) -> Result<Response, AppError> {
    let (object, public) = media::cover(&state, viewer.actor(), &call_id, &hash).await?;
    let mut response = Response::new(Body::from_stream(object.body));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/webp"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(object.total_size));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if public { "public, max-age=31536000, immutable" } else { "private, no-store" }),
    );
    Ok(response)
}

#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    /// First and last byte, inclusive.
    Satisfiable(u64, u64),
    Unsatisfiable,
    /// Malformed or multi-range: answered with the whole object, as RFC 9110 allows.
    Ignored,
}

fn parse_range(value: &str, total: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return RangeRequest::Ignored };
    if spec.contains(',') {
        return RangeRequest::Ignored;
    }
    let Some((start, end)) = spec.trim().split_once('-') else { return RangeRequest::Ignored };
    let (start, end) = (start.trim(), end.trim());
    let parsed = match (start.is_empty(), end.is_empty()) {
        (true, false) => match end.parse::<u64>() {
            Ok(0) => return RangeRequest::Unsatisfiable,
            Ok(suffix) => (total.saturating_sub(suffix), total.saturating_sub(1)),
            Err(_) => return RangeRequest::Ignored,
        },
        (false, _) => {
            let Ok(first) = start.parse::<u64>() else { return RangeRequest::Ignored };
            let last = if end.is_empty() {
                total.saturating_sub(1)
            } else {
                match end.parse::<u64>() {
                    Ok(last) if last >= first => last.min(total.saturating_sub(1)),
                    _ => return RangeRequest::Ignored,
                }
            };
            (first, last)
        }
        (true, true) => return RangeRequest::Ignored,
    };
    if total == 0 || parsed.0 >= total {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Satisfiable(parsed.0, parsed.1)
}

/// `If-None-Match`: `*`, or a list of (possibly weak) entity tags, one of which is ours.
fn matches_etag(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_like_browsers_send_them() {
        assert_eq!(parse_range("bytes=0-99", 1000), RangeRequest::Satisfiable(0, 99));
        assert_eq!(parse_range("bytes=500-", 1000), RangeRequest::Satisfiable(500, 999));
        assert_eq!(parse_range("bytes=-100", 1000), RangeRequest::Satisfiable(900, 999));
        assert_eq!(parse_range("bytes=900-5000", 1000), RangeRequest::Satisfiable(900, 999));
        assert_eq!(parse_range("bytes=1000-", 1000), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), RangeRequest::Ignored);
        assert_eq!(parse_range("items=0-1", 1000), RangeRequest::Ignored);
        assert_eq!(parse_range("bytes=9-3", 1000), RangeRequest::Ignored);
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_a_star() {
        let ours = "\"abc\"";
        assert!(matches_etag("\"abc\"", ours) && matches_etag("\"x\", W/\"abc\"", ours) && matches_etag("*", ours));
        assert!(!matches_etag("\"abd\"", ours) && !matches_etag("", ours));
    }
}
