//! Integration tests: the real server on a random port, real HTTP, a real database (SQLite
//! and PostgreSQL), real media files. Every scenario runs on both databases.

mod helpers;
mod media_fixtures;

mod access;
mod accounts;
mod bad_uploads;
mod cli;
mod curation;
mod journey;
mod pages;
mod queue;
mod scale;
mod seaweed;
mod storage;
