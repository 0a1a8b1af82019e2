//! The OpenAPI document of the JSON API, generated from the handlers' `#[utoipa::path]`
//! annotations and the types they read and answer, so it cannot drift from the code. The
//! router still lists every path; a test here checks that each `/api/v1` route it lists
//! is in the document, and nothing else is.

use super::api::{self, calls, curation};
use super::error::ErrorBody;
use super::views;
use crate::domain::{CallState, Decision, Kind, Licence, Status};
use crate::service::export::{HistoryEvent, HistoryRevision};
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};
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
        curation::bulk_approve,
        api::get_work,
        api::withdraw_work,
        api::resubmit,
        curation::review_work,
        curation::set_flags,
        api::history,
        api::retry_work,
        api::reply_work,
        api::appreciate_work,
        api::report_work,
        api::search,
        document,
    ),
    components(schemas(
        ErrorBody,
        views::WorkView,
        views::RenditionView,
        views::FailureView,
        views::CallView,
        views::CoverView,
        HistoryEvent,
        HistoryRevision,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "works", description = "Submitting, reading and withdrawing works"),
        (name = "curation", description = "Curators' decisions, marks, queue and reasons"),
        (name = "calls", description = "Themed calls"),
        (name = "gallery", description = "Search and health"),
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

fn one_of(values: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

fn list_of(item: Object) -> utoipa::openapi::schema::Array {
    ArrayBuilder::new().items(item).build()
}

/// The kinds of work, from [`Kind::ALL`].
pub fn kind() -> Object {
    one_of(Kind::ALL.map(Kind::as_str))
}

/// A kind to filter by, or empty for any.
pub fn kind_filter() -> Object {
    one_of(Kind::ALL.map(Kind::as_str).into_iter().chain([""]))
}

/// A call's kinds: at least one.
pub fn kinds() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new().items(kind()).min_items(Some(1)).build()
}

/// A work's statuses, from [`Status::ALL`].
pub fn status() -> Object {
    one_of(Status::ALL.map(Status::as_str))
}

/// The statuses the review queue filters by (withdrawn works are nobody's to review), or
/// empty for the works waiting for review.
pub fn queue_status() -> Object {
    one_of(Status::ALL.into_iter().filter(|s| *s != Status::Withdrawn).map(Status::as_str).chain([""]))
}

pub fn licence() -> Object {
    one_of(Licence::ALL.map(Licence::as_str))
}

pub fn licences() -> utoipa::openapi::schema::Array {
    list_of(licence())
}

pub fn call_state() -> Object {
    one_of(CallState::ALL.map(CallState::as_str))
}

/// What `Call::phase` answers: a state, or `upcoming` for an open call before its dates.
pub fn call_phase() -> Object {
    one_of(CallState::ALL.map(CallState::as_str).into_iter().chain(["upcoming"]))
}

/// The states a call may be created in (`domain::NewCall`).
pub fn new_call_state() -> Object {
    one_of([CallState::Draft, CallState::Open, CallState::Closed].map(CallState::as_str))
}

pub fn decision() -> Object {
    one_of(Decision::ALL.map(Decision::as_str))
}

pub fn health_status() -> Object {
    one_of(["ok", "database_unavailable"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The `(method, path)` pairs of every `/api/v1` route `router.rs` lists, read from its
    /// source: one `.route("path", get(...).post(...))` per line.
    fn routed() -> BTreeSet<(String, String)> {
        let source = include_str!("router.rs");
        let mut routes = BTreeSet::new();
        for line in source.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
            let path = line[".route(\"".len()..].split('"').next().unwrap();
            let handlers = &line[".route(\"".len() + path.len()..];
            for method in ["get", "post", "put", "patch", "delete"] {
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
                    if status.starts_with('4') || (status.starts_with('5') && path != "/healthz") {
                        let schema = &response["content"]["application/json"]["schema"]["$ref"];
                        assert_eq!(schema, "#/components/schemas/Error", "{method} {path} {status}");
                    }
                }
            }
        }
    }
}
