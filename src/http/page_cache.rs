//! Anonymous pages served from memory. A page that anyone without a credential would be
//! shown alike (home, calls, works, search, archive, feeds, help) is rendered once, kept
//! with its brotli and gzip forms (compressed once, on the request pool) and an ETag, and
//! answered from memory — `304 Not Modified` to a browser that has it — until what it shows
//! may have changed. Signed-in visitors' pages are never kept: they carry a CSRF token and
//! the person's own view.
//!
//! A kept page is fresh while three things hold:
//! - the search index has applied no new change since (its sequence follows the
//!   database's `change_log`, so works published, withdrawn, edited or hidden on any node,
//!   or from the CLI, reach every node within the indexer's poll; a search's answers,
//!   page or API, are checked against the change log itself first, so they never lag);
//! - this process has answered no state-changing request since (any POST, PUT, PATCH or
//!   DELETE, when it has finished): this node's own changes show at once, including those
//!   the change log does not hold (a call's edits, the city's reply, a feature);
//! - it is younger than [`MAX_AGE`]: a call opening or closing by the clock, and changes
//!   made on another node that the change log does not hold, show within that time.
//!
//! The key is the path with its query, the visitor's language and the local origin that
//! share links are made from; the cache is bounded in bytes, oldest page out first, so a
//! flood of distinct search URLs only churns it.

use super::viewer::{credentialed, lang_of};
use crate::bounded::Bounded;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The longest a kept page is served without rendering it again.
pub const MAX_AGE: Duration = Duration::from_secs(10);
/// The longest a kept search waits to learn that the index is up to date.
const FRESHNESS_WAIT: Duration = Duration::from_secs(2);
/// Larger pages are served but not kept.
const MAX_PAGE_BYTES: usize = 512 * 1024;
/// Longer paths and queries are not kept (they are not links anyone shares).
const MAX_KEY_BYTES: usize = 512;
/// What a handler may return at most when its page is being kept (ours are far smaller).
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    lang: Lang,
    origin: String,
}

struct Page {
    seq: i64,
    generation: u64,
    made: Instant,
    headers: HeaderMap,
    etag: String,
    identity: Bytes,
    br: Bytes,
    gzip: Bytes,
}

impl Page {
    fn size(&self) -> usize {
        self.identity.len() + self.br.len() + self.gzip.len() + 1024
    }
}

/// The kept pages of this process.
pub struct PageCache {
    pages: RwLock<Bounded<Key, Arc<Page>>>,
    /// Moves on when this process has answered a state-changing request.
    generation: AtomicU64,
    max_bytes: usize,
}

impl PageCache {
    /// A cache of at most `max_bytes` (0: keep nothing).
    pub fn new(max_bytes: usize) -> Arc<Self> {
        Arc::new(Self { pages: RwLock::new(Bounded::new(max_bytes)), generation: AtomicU64::new(0), max_bytes })
    }

    fn get(&self, key: &Key) -> Option<Arc<Page>> {
        self.pages.read().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    fn insert(&self, key: Key, page: Arc<Page>) {
        let size = page.size();
        self.pages.write().unwrap_or_else(|e| e.into_inner()).insert(key, page, size);
    }

    /// Every kept page is stale from now on.
    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// Whether `path` is one of the pages everyone is shown alike.
fn kept_path(path: &str) -> bool {
    matches!(path, "/" | "/archive" | "/feed.xml" | "/oembed" | "/privacy" | "/legal-notes" | "/accessibility")
        || search_path(path)
        || ["/calls/", "/works/", "/help/"].iter().any(|prefix| path.starts_with(prefix))
}

/// Whether `path` answers a search: a kept one is served only once the index is known to
/// reflect every change the database has committed, as a search itself is (see
/// `gallery::fresh_seq`), so a withdrawn work is never listed, not even from memory.
fn search_path(path: &str) -> bool {
    matches!(path, "/search" | "/api/v1/search")
}

/// The middleware (see the module's comment). It runs before routing, inside compression
/// only: a kept page is answered with the headers the other layers gave it when it was
/// made (security headers among them), and logged here as the request layer would log it.
pub async fn layer(State((state, cache)): State<(AppState, Arc<PageCache>)>, request: Request, next: Next) -> Response<Body> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let response = next.run(request).await;
        // Whatever it did is committed by now.
        cache.changed();
        return response;
    }
    let path_and_query = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if cache.max_bytes == 0 || !kept_path(request.uri().path()) || path_and_query.len() > MAX_KEY_BYTES || credentialed(request.headers()) {
        return next.run(request).await;
    }
    let origin = if state.config.public_url.is_empty() {
        request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).and_then(super::links::local_origin).unwrap_or_default()
    } else {
        String::new()
    };
    let key = Key { path: path_and_query.to_owned(), lang: lang_of(request.headers()), origin };
    let asked = Asked::of(request.headers());
    let kept = cache.get(&key);
    // Both read before rendering: a change committed while the page renders leaves it
    // stale. A kept search is checked against the database; with none kept, the search
    // makes that check itself, and the index's sequence, read now, is one it will reflect.
    let seq = if kept.is_some() && search_path(request.uri().path()) {
        // Outside the routes' time budget: bounded here. A database that is slow or down,
        // or an index catching up from far behind, is left to the search itself, within
        // its budget, which says what is wrong.
        match tokio::time::timeout(FRESHNESS_WAIT, crate::service::gallery::fresh_seq(&state)).await {
            Ok(Ok(seq)) => seq,
            _ => return next.run(request).await,
        }
    } else {
        state.search.as_ref().map_or(0, |index| index.applied_seq())
    };
    let generation = cache.generation.load(Ordering::SeqCst);
    if let Some(page) = kept {
        if page.seq == seq && page.generation == generation && page.made.elapsed() < MAX_AGE {
            let response = answer(&page, &asked);
            // The path only, as the request layer logs it: queries may carry search terms.
            tracing::info!(method = %request.method(), path = %request.uri().path(), status = response.status().as_u16(), kept = true, "request");
            return response;
        }
    }
    // A HEAD's answer has no body (the router drops it, inside this layer): it is
    // answered from a kept page, but never makes one.
    if request.method() == Method::HEAD {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let keepable = response.status() == StatusCode::OK
        && (kind.starts_with("text/html") || kind.starts_with("application/atom+xml") || kind.starts_with("application/json"))
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING);
    if !keepable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let identity = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "a page could not be read to keep it");
            return super::error::AppError::Internal(anyhow::anyhow!("page body: {e}")).generic_response();
        }
    };
    if identity.len() > MAX_PAGE_BYTES {
        return Response::from_parts(parts, Body::from(identity));
    }
    let to_compress = identity.clone();
    let compressed = state.request_pool.run(move || compress(&to_compress)).await;
    let Ok(Ok((br, gzip))) = compressed else {
        // Busy or failing: serve this one as rendered, keep nothing.
        return Response::from_parts(parts, Body::from(identity));
    };
    let etag = hex::encode(&Sha256::digest(&identity)[..12]);
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    let page = Arc::new(Page { seq, generation, made: Instant::now(), headers, etag, identity, br, gzip });
    cache.insert(key, page.clone());
    answer(&page, &asked)
}

/// The page in brotli and in gzip, at levels that take a few milliseconds.
fn compress(identity: &[u8]) -> std::io::Result<(Bytes, Bytes)> {
    let mut br = Vec::with_capacity(identity.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 16 * 1024, 6, 22);
        writer.write_all(identity)?;
        writer.flush()?;
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::with_capacity(identity.len() / 4), flate2::Compression::new(6));
    gzip.write_all(identity)?;
    Ok((Bytes::from(br), Bytes::from(gzip.finish()?)))
}

/// What the request asks of the answer: an encoding, and whether it has the page already.
struct Asked {
    encoding: Encoding,
    if_none_match: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Asked {
    fn of(headers: &HeaderMap) -> Self {
        let accept = headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
        Self { encoding: Encoding::choose(&accept), if_none_match: headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned) }
    }
}

impl Encoding {
    /// Brotli, else gzip, else none, as `Accept-Encoding` allows (a `q=0` refuses).
    fn choose(accept: &str) -> Self {
        let allows = |name: &str| {
            accept.split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let coding = parts.next().unwrap_or("");
                let q = parts.find_map(|p| p.strip_prefix("q=")).and_then(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
                coding.eq_ignore_ascii_case(name) && q > 0.0
            })
        };
        if allows("br") {
            Self::Brotli
        } else if allows("gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

/// The kept page as this request asked for it.
fn answer(page: &Page, asked: &Asked) -> Response<Body> {
    let (body, coding, etag) = match asked.encoding {
        Encoding::Brotli => (page.br.clone(), Some("br"), format!("\"{}-br\"", page.etag)),
        Encoding::Gzip => (page.gzip.clone(), Some("gzip"), format!("\"{}-gz\"", page.etag)),
        Encoding::Identity => (page.identity.clone(), None, format!("\"{}\"", page.etag)),
    };
    let has_it = asked.if_none_match.as_deref().is_some_and(|tags| {
        tags.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"')).any(|t| t == "*" || t.split('-').next() == Some(page.etag.as_str()))
    });
    let mut response = if has_it {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        // The security headers the page was given, as the layers it skipped would add.
        for name in [header::CONTENT_SECURITY_POLICY, header::X_CONTENT_TYPE_OPTIONS, header::REFERRER_POLICY, header::X_FRAME_OPTIONS] {
            if let Some(value) = page.headers.get(&name) {
                r.headers_mut().insert(name, value.clone());
            }
        }
        r
    } else {
        let mut r = Response::new(Body::from(body.clone()));
        *r.headers_mut() = page.headers.clone();
        if let Some(coding) = coding {
            r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        r
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex and quotes"));
    // Browsers keep it and ask again each time; the answer is a 304 while it is the same.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_follows_what_the_browser_accepts() {
        assert_eq!(Encoding::choose("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(Encoding::choose("gzip;q=0.8, br;q=0"), Encoding::Gzip);
        assert_eq!(Encoding::choose("identity"), Encoding::Identity);
        assert_eq!(Encoding::choose(""), Encoding::Identity);
        assert_eq!(Encoding::choose("BR"), Encoding::Brotli);
    }

    #[test]
    fn only_pages_shown_alike_to_everyone_are_kept() {
        for path in ["/", "/search", "/api/v1/search", "/calls/fiume", "/works/abc", "/feed.xml", "/calls/fiume/feed.xml", "/help/accessible-works"] {
            assert!(kept_path(path), "{path}");
        }
        for path in ["/me/works", "/curate", "/api/v1/works", "/media/a/b/c", "/signin", "/static/piazza.css"] {
            assert!(!kept_path(path), "{path}");
        }
    }

    fn page(body: &str) -> Arc<Page> {
        let identity = Bytes::from(body.to_owned());
        let (br, gzip) = compress(&identity).unwrap();
        Arc::new(Page { seq: 0, generation: 0, made: Instant::now(), headers: HeaderMap::new(), etag: "e".into(), identity, br, gzip })
    }

    #[test]
    fn the_cache_keeps_within_its_bytes_oldest_out_first() {
        let one = page(&"a".repeat(2000));
        let cache = PageCache::new(one.size() * 2 + 10);
        let key = |p: &str| Key { path: p.into(), lang: Lang::It, origin: String::new() };
        cache.insert(key("/1"), one.clone());
        cache.insert(key("/2"), page(&"b".repeat(2000)));
        cache.insert(key("/3"), page(&"c".repeat(2000)));
        assert!(cache.get(&key("/1")).is_none(), "the oldest went");
        assert!(cache.get(&key("/2")).is_some() && cache.get(&key("/3")).is_some());
        assert!(cache.pages.read().unwrap().bytes() <= cache.max_bytes);
        cache.insert(key("/3"), page("small"));
        assert_eq!(cache.pages.read().unwrap().len(), 2, "a page kept again replaces itself");
    }

    #[test]
    fn compressed_forms_decode_to_the_page() {
        let body = "<p>Il fiume</p>".repeat(100);
        let p = page(&body);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &p.br[..], &mut unbrotli).unwrap();
        let mut ungzip = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&p.gzip[..]), &mut ungzip).unwrap();
        assert_eq!((String::from_utf8(unbrotli).unwrap(), ungzip), (body.clone(), body));
    }
}
