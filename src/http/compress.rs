//! Compression of text answers (brotli or gzip, as the browser asks): a page is a tenth of
//! its size on a 2G link. Only text is compressed (pictures, films and sounds are already),
//! and never a range of a file.
//!
//! BREACH: a compressed answer that holds a secret (a signed-in person's CSRF token, an
//! API answer to a token) next to text an attacker can put in it (a search query) leaks
//! the secret through its length. So pages and JSON are compressed only for requests that
//! carry no credential; the stylesheet and the script, which hold no secret, always.

use axum::extract::Request;
use axum::http::{header, Response};
use axum::middleware::Next;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

/// Marks an answer to a request that carried a session cookie or a bearer token.
#[derive(Clone, Copy)]
struct Credentialed;

pub async fn mark_credentialed(request: Request, next: Next) -> axum::response::Response {
    let credentialed = super::viewer::credentialed(request.headers());
    let mut response = next.run(request).await;
    if credentialed {
        response.extensions_mut().insert(Credentialed);
    }
    response
}

/// Which answers are compressed (see the module's comment).
#[derive(Clone, Copy)]
pub struct Compressible;

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &Response<B>) -> bool
    where
        B: http_body::Body,
    {
        if response.headers().contains_key(header::CONTENT_RANGE) {
            return false;
        }
        let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let kind = kind.split(';').next().unwrap_or("").trim();
        let without_secrets = matches!(kind, "text/css" | "text/javascript");
        let text = matches!(kind, "text/html" | "application/json" | "application/atom+xml" | "text/vtt" | "text/plain");
        without_secrets || (text && response.extensions().get::<Credentialed>().is_none())
    }
}

/// The layer: brotli or gzip, for text over a few hundred bytes (smaller gains nothing).
pub fn layer() -> CompressionLayer<tower_http::compression::predicate::And<Compressible, SizeAbove>> {
    CompressionLayer::new().br(true).gzip(true).no_deflate().no_zstd().compress_when(Compressible.and(SizeAbove::new(512)))
}
