//! Cross-site request forgery defence for cookie-authenticated requests: a state-changing
//! request must come from our own pages, as told by `Sec-Fetch-Site` or `Origin`. Bearer
//! requests carry no ambient credential and are exempt. Session cookies are also
//! `SameSite=Lax`, so older browsers that send neither header still do not attach them to
//! cross-site POSTs.

use super::error::AppError;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || request.headers().contains_key(header::AUTHORIZATION) || same_origin(&request) {
        return next.run(request).await;
    }
    AppError::client(StatusCode::FORBIDDEN, "cross_site_request", "this form was sent from another site; open the page on Piazza and try again")
        .into_response()
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
