//! Every path the server answers, in one place, and the layers every request passes.

use super::error::AppError;
use super::limits::{self, BodyRule, SMALL_BODY_BYTES};
use super::api::{self, calls, curation, desk as desk_api, updates, uploads as tus};
use super::{compress, csp, page_cache};
use super::pages::{self, accounts as account_pages, curator as curator_pages, desk as desk_pages, oidc as oidc_pages, site as site_pages, submit as submit_page, updates as update_pages};
use super::{csrf, media};
use crate::service::calls::MAX_COVER_BYTES;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::routing::{get, head, options, post, put};
use axum::Router;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;



pub fn router(state: AppState) -> Router {
    let routes = routes(&state);
    let pages_kept = page_cache::PageCache::new(state.config.page_cache_mb as usize * 1024 * 1024);
    let app = finish(state.clone(), routes);
    // A method named in a header must be known before a route is chosen.
    Router::new()
        .fallback_service(tower::ServiceBuilder::new().map_request(tus::method_override).service(app))
        // Before routing: a kept page is answered without the layers below, whose headers
        // it holds already (see `page_cache`); inside compression, which leaves an answer
        // already compressed as it is.
        .layer(axum::middleware::from_fn_with_state((state, pages_kept), page_cache::layer))
        // The kept pages' own code, before routing, answers a panic as the routes do.
        .layer(CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(compress::mark_credentialed))
        .layer(compress::layer())
}

/// Every path, each group with its body rule and time budget.
fn routes(state: &AppState) -> Router<AppState> {
    let config = state.config.clone();
    // Uploads may be large; multipart framing adds a little over the file itself.
    let upload_max = config.max_upload_bytes + 1024 * 1024;
    let cover_max = MAX_COVER_BYTES as u64 + 64 * 1024;
    let upload_limit = DefaultBodyLimit::max(upload_max as usize);
    let slow_but_moving = |max_bytes| BodyRule { max_bytes, window: Duration::from_secs(config.upload_window_s), min_bytes: config.upload_min_bytes };
    let small = BodyRule { max_bytes: SMALL_BODY_BYTES, window: Duration::from_secs(config.body_idle_timeout_s), min_bytes: 1 };

    let uploads = Router::new()
        .route("/api/v1/works", post(api::create_work))
        .route("/api/v1/works/{id}/resubmit", post(api::resubmit))
        .route("/api/v1/desk/works", post(desk_api::create).get(desk_api::helped))
        .layer(upload_limit);

    // The forms without JavaScript send the file with the text: a file up to twice the
    // limit is read through (and not kept) so that the refusal can show the form again
    // with everything typed, to a browser that has finished sending and so shows it.
    let form_max = 2 * config.max_upload_bytes + 1024 * 1024;
    let forms = Router::new()
        .route("/submit", get(submit_page::submit_form).post(submit_page::submit))
        .route("/works/{id}/edit", get(pages::edit_form).post(pages::resubmit))
        .route("/desk/works/new", get(submit_page::desk_form))
        .route("/desk/works", post(submit_page::desk_submit))
        .layer(DefaultBodyLimit::max(form_max as usize));

    // Resumable uploads: each chunk a request of its own, so no chunk waits on a slow
    // link for long; the upload as a whole may take days.
    let resumable = Router::new()
        .route("/api/v1/uploads", options(tus::options).post(tus::create))
        .route("/api/v1/uploads/{id}", head(tus::head).patch(tus::patch).delete(tus::delete))
        .layer(axum::middleware::from_fn(tus::protocol));

    let covers = Router::new()
        .route("/api/v1/calls/{slug}/cover", post(calls::set_cover))
        .route("/curate/calls/{slug}/cover", post(curator_pages::cover))
        .layer(DefaultBodyLimit::max(MAX_COVER_BYTES as usize + 64 * 1024));

    // New captions (up to 2 MiB) and a transcript for a published work.
    let update_max = crate::domain::MAX_CAPTIONS_BYTES as u64 + 256 * 1024;
    let access_updates = Router::new()
        .route("/api/v1/works/{id}/accessibility", post(updates::propose))
        .route("/works/{id}/accessibility", get(update_pages::update_form).post(update_pages::propose_update))
        .layer(DefaultBodyLimit::max(update_max as usize));

    let rest = Router::new()
        .route("/", get(pages::home))
        .route("/calls/{slug}", get(pages::call))
        .route("/works/{id}", get(pages::work))
        .route("/works/{id}/withdraw", post(pages::withdraw))
        .route("/works/{id}/appreciate", post(pages::appreciate))
        .route("/works/{id}/report", post(pages::report))
        .route("/search", get(pages::search::search))
        .route("/signin", get(pages::sign_in_form).post(pages::sign_in))
        .route("/signin/link", get(account_pages::sign_in_link_form).post(account_pages::sign_in_link_request))
        .route("/signin/link/use", post(account_pages::sign_in_with_link))
        .route("/auth/oidc/start", get(oidc_pages::start))
        .route("/auth/oidc/callback", get(oidc_pages::callback))
        .route("/auth/oidc/link", get(oidc_pages::link_form).post(oidc_pages::use_link))
        .route("/signout", post(pages::sign_out))
        .route("/lang", post(pages::set_language))
        .route("/me/works", get(pages::my_works))
        .route("/signup", get(account_pages::sign_up_form).post(account_pages::sign_up))
        .route("/verify", get(account_pages::verify_form).post(account_pages::verify))
        .route("/reset-password", get(account_pages::reset_request_form).post(account_pages::reset_request))
        .route("/reset", get(account_pages::reset_form).post(account_pages::reset))
        .route("/me/account", get(account_pages::account))
        .route("/me/verify", post(account_pages::resend_verification))
        .route("/me/signout-everywhere", post(account_pages::sign_out_everywhere))
        .route("/me/delete", post(account_pages::delete_account))
        .route("/admin/people", get(account_pages::people))
        .route("/admin/people/{id}/role", post(account_pages::set_role))
        .route("/admin/desks", get(desk_pages::admin_desks).post(desk_pages::create_desk))
        .route("/admin/desks/operators", post(desk_pages::name_operator))
        .route("/desk", get(desk_pages::home))
        .route("/desk/works/{id}/receipt", get(desk_pages::receipt))
        .route("/desk/works/{id}/qr.png", get(desk_pages::qr))
        .route("/claim", get(desk_pages::claim_form))
        .route("/claim/{code}", get(desk_pages::claim_status).post(desk_pages::claim))
        .route("/archive", get(pages::archive))
        .route("/help/accessible-works", get(pages::help_accessible))
        .route("/feed.xml", get(pages::feed))
        .route("/oembed", get(pages::share::oembed))
        .route("/calls/{slug}/feed.xml", get(pages::call_feed))
        .route("/curate", get(curator_pages::queue))
        .route("/curate/bulk-approve", post(curator_pages::bulk_approve))
        .route("/curate/calls", get(curator_pages::calls))
        .route("/curate/calls/new", get(curator_pages::new_call_form).post(curator_pages::create_call))
        .route("/curate/calls/{slug}", get(curator_pages::edit_call_form).post(curator_pages::edit_call))
        .route("/curate/calls/{slug}/state", post(curator_pages::call_state))
        .route("/curate/reasons", get(curator_pages::reasons).post(curator_pages::create_reason))
        .route("/curate/reasons/{id}", post(curator_pages::update_reason))
        .route("/curate/reasons/{id}/delete", post(curator_pages::delete_reason))
        .route("/curate/{id}", post(pages::review))
        .route("/curate/{id}/flag", post(curator_pages::flag))
        .route("/curate/{id}/retry", post(pages::retry))
        .route("/curate/{id}/accessibility", post(update_pages::review_update))
        .route("/curate/{id}/reply", post(pages::reply))
        .route("/admin/audit", get(pages::audit))
        .route("/media/{work_id}/{hash}/{name}", get(media::serve))
        .route("/covers/{call_id}/{hash}", get(media::cover))
        .route("/static/piazza.css", get(site_pages::stylesheet))
        .route("/static/fonts/{name}", get(site_pages::font))
        .route("/static/logo", get(site_pages::logo))
        .route("/privacy", get(site_pages::privacy))
        .route("/legal-notes", get(site_pages::legal_notes))
        .route("/accessibility", get(site_pages::accessibility))
        .route("/static/submit.js", get(submit_page::script))
        .route("/healthz", get(api::health))
        .route("/api/v1/calls", get(calls::list).post(calls::create))
        .route("/api/v1/calls/{slug}", get(calls::get).patch(calls::edit))
        .route("/api/v1/calls/{slug}/state", post(calls::set_state))
        .route("/api/v1/queue", get(curation::queue))
        .route("/api/v1/queue/updates", get(updates::queue))
        .route("/api/v1/works/{id}/accessibility/review", post(updates::review))
        .route("/api/v1/reasons", get(curation::list_reasons).post(curation::create_reason))
        .route("/api/v1/reasons/{id}", put(curation::update_reason).delete(curation::delete_reason))
        .route("/api/v1/me/works", get(api::my_works))
        .route("/api/v1/works/bulk-approve", post(curation::bulk_approve))
        .route("/api/v1/works/{id}", get(api::get_work).delete(api::withdraw_work))
        .route("/api/v1/works/{id}/review", post(curation::review_work))
        .route("/api/v1/works/{id}/flags", post(curation::set_flags))
        .route("/api/v1/works/{id}/history", get(api::history))
        .route("/api/v1/works/{id}/retry", post(api::retry_work))
        .route("/api/v1/works/{id}/reply", post(api::reply_work))
        .route("/api/v1/works/{id}/appreciate", post(api::appreciate_work))
        .route("/api/v1/works/{id}/report", post(api::report_work))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/claims/{code}", get(desk_api::follow))
        .route("/api/v1/claims/{code}/claim", post(desk_api::claim))
        .route("/api/v1/openapi.json", get(api::openapi::document))
        .layer(DefaultBodyLimit::max(SMALL_BODY_BYTES as usize));

    // A data export is built before its first byte is sent; originals make that slow.
    let exports = Router::new().route("/me/export", get(account_pages::export));

    Router::new()
        .merge(guarded(state, exports, small, 3600))
        .merge(guarded(state, uploads, slow_but_moving(upload_max), 3600))
        .merge(guarded(state, forms, slow_but_moving(form_max), 3600))
        .merge(guarded(state, resumable, slow_but_moving(upload_max), 3600))
        .merge(guarded(state, covers, slow_but_moving(cover_max), 600))
        .merge(guarded(state, access_updates, slow_but_moving(update_max), 600))
        // Slow or stalled clients cannot hold a small request open for long.
        .merge(guarded(state, rest, small, 60))
}

/// The layers every request passes, around `routes`, but a kept page's (see [`router`]):
/// panics caught, security headers, one log line per request. Public so that tests can
/// put a handler of their own inside.
pub fn finish(state: AppState, routes: Router<AppState>) -> Router {
    routes
        .fallback(pages::not_found)
        .layer(CatchPanicLayer::custom(panicked))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp::PAGES)))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    // The path only: query strings may carry search terms, never logged.
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(|res: &axum::http::Response<_>, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(status = res.status().as_u16(), duration_ms = latency.as_millis() as u64, "request");
                }),
        )
        .with_state(state)
}

/// The layers of one group of routes, outermost first: the body's announced size and pace
/// (before a byte is read), the group's time budget, then the CSRF check (which may read
/// the start of a form).
fn guarded(state: &AppState, routes: Router<AppState>, rule: BodyRule, total_s: u64) -> Router<AppState> {
    routes
        .layer(axum::middleware::from_fn(csrf::check))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(total_s)))
        .layer(axum::middleware::from_fn_with_state((state.clone(), rule), limits::guard))
}

/// A handler that panicked is answered with the generic 500 body. The panic itself was
/// logged once, by the panic hook `piazza` installs with its logging (see `main.rs`).
fn panicked(_panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    AppError::Internal(anyhow::anyhow!("panic")).generic_response()
}
