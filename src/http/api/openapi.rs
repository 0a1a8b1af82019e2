//! The OpenAPI document of the JSON API, generated from the handlers' `#[utoipa::path]`
//! annotations and the types they read and answer, so it cannot drift from the code. The
//! router still lists every path; a test here checks that each `/api/v1` route it lists
//! is in the document, and nothing else is.

use super::{self as api, calls, curation, desk, updates, uploads};
use crate::http::error::ErrorBody;
use crate::http::views;
use crate::http::views::{HistoryEvent, HistoryRevision};
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Piazza API",
        version = "1",
        description = "Themed calls, citizens' works, curation and search. Every error is \
                       `{\"error\": \"<stable_code>\", \"message\": \"...\"}`; the code is part of the API, \
                       the message is English text for people."
    ),
    paths(
        api::health,
        calls::list,
        calls::create,
        calls::get,
        calls::edit,
        calls::set_state,
        calls::set_cover,
        curation::queue,
        curation::list_reasons,
        curation::create_reason,
        curation::update_reason,
        curation::delete_reason,
        api::my_works,
        api::create_work,
        uploads::options,
        uploads::create,
        uploads::head,
        uploads::patch,
        uploads::delete,
        curation::bulk_approve,
        api::get_work,
        api::withdraw_work,
        api::resubmit,
        updates::propose,
        updates::review,
        updates::queue,
        curation::review_work,
        curation::set_flags,
        api::history,
        api::retry_work,
        api::reply_work,
        api::appreciate_work,
        api::report_work,
        api::search,
        desk::create,
        desk::helped,
        desk::follow,
        desk::claim,
        document,
    ),
    components(schemas(
        ErrorBody,
        views::WorkView,
        views::RenditionView,
        views::FailureView,
        views::CallView,
        views::CoverView,
        views::LimitsView,
        views::PendingUpdateView,
        views::PrivacyView,
        views::FoundView,
        HistoryEvent,
        HistoryRevision,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "works", description = "Submitting, reading and withdrawing works"),
        (name = "curation", description = "Curators' decisions, marks, queue and reasons"),
        (name = "calls", description = "Themed calls"),
        (name = "uploads", description = "Resumable uploads (tus 1.0.0) of the file a work is then made from"),
        (name = "gallery", description = "Search and health"),
        (name = "desk", description = "Library desks: works sent on someone's behalf, and their claim codes"),
    )
)]
pub struct ApiDoc;

/// The `bearer` scheme: an API token in `Authorization: Bearer <token>`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// The document itself.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "gallery", responses((status = 200, description = "this document", content_type = "application/json")))]
pub async fn document() -> impl IntoResponse {
    let body = ApiDoc::openapi().to_pretty_json().expect("the document serializes");
    ([(header::CONTENT_TYPE, "application/json")], body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The `(method, path)` pairs of every `/api/v1` route `router.rs` lists, read from its
    /// source: one `.route("path", get(...).post(...))` per line.
    fn routed() -> BTreeSet<(String, String)> {
        let source = include_str!("../router.rs");
        let mut routes = BTreeSet::new();
        for line in source.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
            let path = line[".route(\"".len()..].split('"').next().unwrap();
            let handlers = &line[".route(\"".len() + path.len()..];
            for method in ["get", "head", "options", "post", "put", "patch", "delete"] {
                let called = handlers.match_indices(&format!("{method}(")).any(|(at, _)| {
                    let before = handlers[..at].chars().last();
                    matches!(before, Some(' ' | '.' | ','))
                });
                if called && (path.starts_with("/api/v1") || path == "/healthz") {
                    routes.insert((method.to_owned(), path.to_owned()));
                }
            }
        }
        routes
    }

    fn documented() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut operations = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                operations.insert((method.clone(), path.clone()));
            }
        }
        operations
    }

    #[test]
    fn document_lists_every_api_route_of_the_router_and_no_other() {
        let routed = routed();
        assert!(routed.len() > 25, "the router's routes were read: {routed:?}");
        let documented = documented();
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(undocumented.is_empty(), "routes without a #[utoipa::path] in ApiDoc: {undocumented:?}");
        assert!(unrouted.is_empty(), "documented operations the router does not serve: {unrouted:?}");
    }

    #[test]
    fn every_operation_documents_its_errors_with_the_error_schema() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    // An answer to HEAD has no body to describe.
                    if method != "head" && (status.starts_with('4') || (status.starts_with('5') && path != "/healthz")) {
                        let schema = &response["content"]["application/json"]["schema"]["$ref"];
                        assert_eq!(schema, "#/components/schemas/Error", "{method} {path} {status}");
                    }
                }
            }
        }
    }
}
