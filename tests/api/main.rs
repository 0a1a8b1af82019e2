//! Integration tests: the real server on a random port, real HTTP, a real database (SQLite
//! and PostgreSQL), real media files. Every scenario runs on both databases.

mod helpers;
mod media_fixtures;

mod access;
mod accounts;
mod architecture;
mod bad_uploads;
mod browser;
mod calls;
mod captions;
mod cli;
mod curation;
mod desk;
mod dialogue;
mod hardening;
mod journey;
mod matrix;
mod oidc;
mod openapi;
mod page_cache;
mod pages;
mod privacy;
mod queue;
mod resumable;
mod scale;
mod seaweed;
mod search;
mod sound;
mod storage;
mod tus_js;
mod updates;
mod upgrade;
mod vp9;
