//! Piazza: a city's virtual square. The municipality opens themed calls, citizens answer
//! with poems, stories, photos and films, curators review them, the public browses and
//! searches what was published.

/// Start-up and shutdown of `piazza serve`: listener, server, runner, indexer.
pub mod app;
/// Passwords (argon2id), session and API tokens.
pub mod auth;
/// The typed configuration: defaults, a TOML file, `PIAZZA_*` variables.
pub mod config;
/// Calls' cover pictures: made by the photo engine, stored, recorded.
pub mod covers;
/// The database pool, migrations and every SQL query, by table.
pub mod db;
/// `piazza demo`: sample calls and works so the first page is alive.
pub mod demo;
/// The rules of the piazza as plain types: kinds, states, licences, calls, fields.
pub mod domain;
/// Pages, JSON API, media serving, errors.
pub mod http;
/// The message catalogue (Fluent files in `locales/`): languages, negotiation, every word.
pub mod i18n;
/// The durable job runner and the `process_work` job.
pub mod jobs;
/// Account mail: a durable outbox folder, delivered through SMTP when configured.
pub mod mail;
/// Mail to authors about their works: decisions with reasons, processing failures.
pub mod notify;
/// The bounded pool for CPU-heavy media work, off the async runtime.
pub mod media_pool;
/// The tantivy search index, fed by the database's change sequence.
pub mod search;
/// The state shared by handlers and the runner.
pub mod state;
/// The media store trait and its backends.
pub mod storage;
/// Receiving a submission: validation, storing the original, the work and its job.
pub mod submissions;
