//! How much a request body may be, and how slowly it may come. A body announced larger
//! than its route accepts is refused before a byte of it is read; a body that stops
//! arriving is cut off with 408, so trickling clients cannot hold connections for ever.
//! Uploads may be slow (a 2G phone sends a few KB/s) but must keep making progress.

use super::error::AppError;
use super::frame::PageError;
use super::viewer::Viewer;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Bodies of ordinary forms and JSON requests.
pub const SMALL_BODY_BYTES: u64 = 256 * 1024;

/// The body rule of a group of routes.
#[derive(Debug, Clone, Copy)]
pub struct BodyRule {
    /// Largest body accepted, in bytes (framing included).
    pub max_bytes: u64,
    /// At least `min_bytes` must arrive in every `window`.
    pub window: Duration,
    pub min_bytes: u64,
}

/// Checks the announced size, then watches the body's pace while the handler reads it.
pub async fn guard(State((state, rule)): State<(AppState, BodyRule)>, request: Request, next: Next) -> Response {
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > rule.max_bytes) {
        let error = too_large(rule.max_bytes);
        return refuse(&state, request, error).await;
    }
    let stalled = Arc::new(AtomicBool::new(false));
    // Only what a refusal needs (where, who, which language) is kept aside: no copy of the
    // whole request on every request's path.
    let mut asker = Request::builder().uri(request.uri().path());
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE, header::AUTHORIZATION] {
        for value in request.headers().get_all(&name) {
            asker = asker.header(&name, value.clone());
        }
    }
    let request = request.map(|body| Body::new(Paced::new(body, rule, stalled.clone())));
    let response = next.run(request).await;
    if !stalled.load(Ordering::Relaxed) {
        return response;
    }
    let Ok(asker) = asker.body(Body::empty()) else { return response };
    tracing::info!(path = %asker.uri().path(), "request body stalled; cut off");
    let error = AppError::client(StatusCode::REQUEST_TIMEOUT, "request_timeout");
    let mut response = refuse(&state, asker, error).await;
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The refusal of a body over `max_bytes`, with the limit in words.
pub fn too_large(max_bytes: u64) -> AppError {
    let limit = if max_bytes >= 1024 * 1024 { format!("{} MB", max_bytes / (1024 * 1024)) } else { format!("{} KB", max_bytes.div_ceil(1024)) };
    AppError::client(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").arg("limit", limit)
}

/// The API answers JSON; pages answer a page in the visitor's language.
async fn refuse(state: &AppState, request: Request, error: AppError) -> Response {
    let mut response = if request.uri().path().starts_with("/api/") {
        error.into_response()
    } else {
        let (mut parts, _) = request.into_parts();
        match Viewer::from_request_parts(&mut parts, state).await {
            Ok(viewer) => PageError::for_viewer(error, &viewer).into_response(),
            Err(_) => error.into_response(),
        }
    };
    // The body was not read: the connection cannot carry another request.
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A body that fails, and raises `stalled`, when fewer than `min_bytes` arrive in a window.
struct Paced {
    inner: Body,
    rule: BodyRule,
    received: u64,
    deadline: Pin<Box<tokio::time::Sleep>>,
    stalled: Arc<AtomicBool>,
}

impl Paced {
    fn new(inner: Body, rule: BodyRule, stalled: Arc<AtomicBool>) -> Self {
        Self { inner, rule, received: 0, deadline: Box::pin(tokio::time::sleep(rule.window)), stalled }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body stalled")]
struct Stalled;

impl HttpBody for Paced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.received += frame.data_ref().map_or(0, |d| d.len() as u64);
                if this.received >= this.rule.min_bytes {
                    this.received = 0;
                    let next = tokio::time::Instant::now() + this.rule.window;
                    this.deadline.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.stalled.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(axum::Error::new(Stalled))))
                }
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
