//! HTTP: the pages, the JSON API under `/api/v1`, media serving, and the layers around them.

mod account_pages;
pub mod api;
mod calls;
mod curator_pages;
mod csrf;
pub mod error;
mod limits;
mod links;
mod local_time;
mod media;
mod pages;
mod review;
pub mod router;
mod upload;
pub mod viewer;
pub mod views;
