//! HTTP: the JSON API under `/api/v1`, the pages, media serving, and the layers around
//! them. `api` and `pages` parse a request, call the application layer (`crate::service`)
//! and render; they never import each other and share only the extractors (`viewer`), the
//! views (`views`), the page frame (`frame`), the links (`links`), the upload reader (`upload`), the content security policy (`csp`), compression (`compress`) and the error type.

pub mod api;
mod compress;
mod csp;
mod csrf;
pub mod error;
mod frame;
mod json;
mod limits;
mod links;
mod media;
mod page_cache;
mod pages;
pub mod router;
/// The schemas of the API's enumerations, from the domain's lists.
pub mod schemas;
mod stylesheet;
mod upload;
pub mod viewer;
pub mod views;
