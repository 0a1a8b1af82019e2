//! The database: one pool over SQLite or PostgreSQL, queries checked at run time, and the
//! few places where the two dialects differ.

pub mod accounts;
pub mod audit;
pub mod calls;
pub mod changes;
pub mod desks;
pub mod events;
pub mod jobs;
pub mod oidc;
pub mod reactions;
pub mod reasons;
pub mod review;
pub mod updates;
pub mod uploads;
pub mod users;
pub mod works;

use sqlx::any::{AnyPoolOptions, AnyConnectOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The shared connection pool and the dialect it speaks.
#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// One read of the newest change for every search that asks at once.
    latest_change: std::sync::Arc<changes::SharedRead>,
}

pub type DbResult<T> = Result<T, sqlx::Error>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        if backend == Backend::Sqlite {
            if let Some(parent) = sqlite_path(url).and_then(|p| std::path::Path::new(p).parent().map(|p| p.to_owned())) {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(&parent)?;
                }
            }
        }
        let options = AnyConnectOptions::from_str(url)?.log_statements(tracing::log::LevelFilter::Debug);
        let pool_options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // A connection to PostgreSQL may have died with its server: it is pinged before
            // use and replaced. A SQLite file cannot hang up, and the ping would double the
            // trips to the connection's thread of every query.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the single writer; the busy timeout makes
                        // writers queue instead of failing with "database is locked".
                        conn.execute("pragma journal_mode = wal").await?;
                        conn.execute("pragma busy_timeout = 10000").await?;
                        conn.execute("pragma foreign_keys = on").await?;
                        conn.execute("pragma synchronous = normal").await?;
                    }
                    Ok(())
                })
            });
        let pool = retry_transient("connecting to the database", is_transient, || pool_options.clone().connect_with(options.clone()))
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
        Ok(Self { pool, backend, latest_change: Default::default() })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // Every migration runs in its own transaction, so a run cut short by a lost
        // connection is simply run again.
        let lost_connection = |e: &sqlx::migrate::MigrateError| match e {
            sqlx::migrate::MigrateError::Execute(e) | sqlx::migrate::MigrateError::ExecuteMigration(e, _) => is_transient(e),
            _ => false,
        };
        match self.backend {
            Backend::Postgres => retry_transient("running migrations", lost_connection, || migrator.run(&self.pool)).await?,
            // SQLite changes a constraint only by rebuilding its table, and its procedure
            // for that wants foreign keys off (dropping the old table would otherwise
            // cascade to every row that references it); the pragma cannot change inside
            // the transaction each migration runs in, so it is set on the connection
            // around them, and what they left is checked before foreign keys come back.
            Backend::Sqlite => {
                let mut conn = self.pool.acquire().await?;
                conn.execute("pragma foreign_keys = off").await?;
                let ran = migrator.run(&mut *conn).await;
                let broken = sqlx::query("pragma foreign_key_check").fetch_all(&mut *conn).await.map(|rows| rows.len());
                conn.execute("pragma foreign_keys = on").await?;
                ran?;
                if broken? > 0 {
                    anyhow::bail!("the database's migrations left rows whose references point nowhere");
                }
            }
        }
        Ok(())
    }

    /// Cheap round trip for health checks.
    pub async fn ping(&self) -> DbResult<()> {
        sqlx::query("select 1").execute(&self.pool).await.map(|_| ())
    }
}

/// Attempts at start-up: a database that is restarting, or a connection cut by an
/// administrator, is waited for about 15 s before the process gives up.
const RETRIES: u32 = 6;

/// Errors of the connection rather than of the statement: worth another try.
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Protocol(_) => true,
        // Class 08: connection exception; 57P0x: the server is shutting down or the
        // session was terminated by an administrator.
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

/// Runs `attempt_once` until it succeeds, fails in a way `retryable` does not accept, or
/// has been tried [`RETRIES`] times, waiting 0.5 s, 1 s, 2 s ... between tries.
async fn retry_transient<T, E, F, Fut>(what: &str, retryable: impl Fn(&E) -> bool, mut attempt_once: F) -> Result<T, E>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut delay = Duration::from_millis(500);
    for attempt in 1..RETRIES {
        match attempt_once().await {
            Err(e) if retryable(&e) => {
                tracing::warn!(error = %e, attempt, "{what} failed; trying again");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    attempt_once().await
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// Milliseconds since the Unix epoch: the one time representation both databases store.
pub fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos() as i64 / 1_000_000
}

/// A fresh random identifier, unguessable so that ids in URLs reveal nothing.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// True when the error is a unique-constraint violation (a duplicate slug or email).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
