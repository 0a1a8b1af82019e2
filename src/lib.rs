//! Piazza: a city's virtual square. The municipality opens themed calls, citizens answer
//! with poems, stories, photos and films, curators review them, the public browses and
//! searches what was published.

/// Start-up and shutdown of `piazza serve`: listener, server, runner, indexer.
pub mod app;
/// Passwords (argon2id), session and API tokens.
pub mod auth;
/// A map bounded in bytes, oldest entry out first (kept pages, kept search answers).
pub mod bounded;
/// The typed configuration: defaults, a TOML file, `PIAZZA_*` variables.
pub mod config;
/// Instants as machines read them (RFC 3339 in UTC).
pub mod clock;
/// The database pool, migrations and every SQL query, by table; below `service`.
pub mod db;
/// `piazza demo`: sample calls and works so the first page is alive.
pub mod demo;
/// The rules of the piazza as plain types and functions: kinds, states, licences, calls,
/// fields, decisions and marks, who sees what. Uses nothing else of the crate.
pub mod domain;
/// The JSON API, the pages and media serving: parse, call `service`, render. The only
/// layer that knows HTTP; `app` is the only module outside it that uses it.
pub mod http;
/// The message catalogue (Fluent files in `locales/`): languages, negotiation, every word.
pub mod i18n;
/// The durable job runner and the `process_work` job.
pub mod jobs;
/// Italian time (Europe/Rome): typed times to instants and instants to days and hours.
pub mod local_time;
/// Account mail: a durable outbox folder, delivered through SMTP when configured.
pub mod mail;
/// Mail to authors about their works: decisions with reasons, processing failures.
pub mod notify;
/// The city's OpenID Connect provider (SPID/CIE gateway, Keycloak) as a client sees it:
/// lazy discovery with its keys, PKCE, the ID token's checks; nothing of accounts.
pub mod oidc;
/// The bounded pool for CPU-heavy media work, off the async runtime.
pub mod media_pool;
/// The application layer: every operation (submissions, curation, reactions, works,
/// calls, the gallery, accounts, exports) with its rules, for the API, the pages and
/// `piazza demo`; typed inputs and outputs, one error type, nothing of HTTP.
pub mod service;
/// The tantivy search index, fed by the database's change sequence.
pub mod search;
/// The state shared by handlers and the runner.
pub mod state;
/// The media store trait and its backends.
pub mod storage;
