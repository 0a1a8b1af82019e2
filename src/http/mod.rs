//! HTTP: the JSON API under `/api/v1`, the pages, media serving, and the layers around
//! them. `api` and `pages` parse a request, call the application layer (`crate::service`)
//! and render; they never import each other and share only the extractors (`viewer`), the
//! views (`views`), the page frame (`frame`), the links (`links`), the upload reader (`upload`) and the error type.

pub mod api;
mod csrf;
pub mod error;
mod frame;
mod json;
mod limits;
mod links;
mod media;
/// The API's OpenAPI document, generated from the handlers' annotations and types.
pub mod openapi;
mod pages;
pub mod router;
mod upload;
pub mod viewer;
pub mod views;
