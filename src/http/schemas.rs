//! The schemas of the API's closed sets of words (kinds, statuses, licences, call states,
//! decisions), built from the domain's own lists so the document names exactly what the
//! server accepts and answers. Used by the `ToSchema` and `IntoParams` derives of the views
//! and of the API's request types.

use crate::domain::{CallState, Decision, Kind, Licence, Status};
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, OneOfBuilder, Schema, Type};

fn one_of(values: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

fn list_of(item: Object) -> Array {
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
pub fn kinds() -> Array {
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

/// What a privacy receipt may say an original carried.
pub fn privacy_found() -> Object {
    one_of(piazza_workers::privacy::What::ALL.map(piazza_workers::privacy::What::as_str))
}

/// A licence to filter by, or empty for any.
pub fn licence_filter() -> Object {
    one_of(Licence::ALL.map(Licence::as_str).into_iter().chain([""]))
}

/// How search results are ordered, or empty for the default.
pub fn search_sort() -> Object {
    one_of(["relevance", "newest", ""])
}

/// A whole number from `min` to `max` in a query string, or empty for the default.
fn whole_number_or_empty(min: i64, max: i64) -> Schema {
    let number = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(min)).maximum(Some(max)).build();
    Schema::OneOf(OneOfBuilder::new().item(number).item(one_of([""])).build())
}

/// A year of publication to filter by, or empty for any.
pub fn year_filter() -> Schema {
    whole_number_or_empty(1, 9999)
}

/// A page of search results, from 1, or empty for the first.
pub fn search_page() -> Schema {
    whole_number_or_empty(1, crate::service::gallery::MAX_PAGE)
}

/// Search results a page, or empty for the default.
pub fn search_per_page() -> Schema {
    whole_number_or_empty(1, crate::service::gallery::MAX_PER_PAGE)
}

pub fn licences() -> Array {
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
