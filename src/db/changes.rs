//! The change sequence: every change to what the public may see appends a row, and each
//! search index applies the rows in `seq` order and remembers the last one it applied.

use super::{now_ms, Backend, Db, DbResult};
use sqlx::{Any, Row, Transaction};
use std::sync::atomic::{AtomicU64, Ordering};

/// Appends a change for `work_id` inside the caller's transaction.
pub async fn record(tx: &mut Transaction<'_, Any>, backend: Backend, work_id: &str) -> DbResult<()> {
    if backend == Backend::Postgres {
        // A bigserial is handed out at insert but becomes visible at commit, so two writers
        // could commit 8 before 7 and a reader at 8 would skip 7 forever. Serialising the
        // writers of this table makes commit order equal sequence order. (SQLite has one
        // writer at a time already.)
        sqlx::query("select pg_advisory_xact_lock(74110001)").execute(&mut **tx).await?;
    }
    sqlx::query("insert into change_log (work_id, created_at) values ($1, $2)")
        .bind(work_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Changes after `seq`, oldest first.
pub async fn since(db: &Db, seq: i64, limit: i64) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query("select seq, work_id from change_log where seq > $1 order by seq limit $2")
        .bind(seq)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("seq")?, r.try_get("work_id")?))).collect()
}

/// The newest sequence number, or 0.
pub async fn latest(db: &Db) -> DbResult<i64> {
    let row = sqlx::query("select coalesce(max(seq), 0) as seq from change_log").fetch_one(&db.pool).await?;
    row.try_get("seq")
}

/// The newest sequence number as read by a query that began after this call did, so it
/// holds every change committed before the call — what a search must reflect — but shared:
/// callers that arrive while a read is under way wait for the next one, which serves them
/// all. Under load that is one query per query's round trip, not one per search.
pub async fn latest_shared(db: &Db) -> DbResult<i64> {
    db.latest_change.read(db).await
}

/// See [`latest_shared`].
pub(super) struct SharedRead {
    /// Reads begun so far; a read's number is its place in that count.
    begun: AtomicU64,
    /// Held by the one read under way.
    reading: tokio::sync::Mutex<()>,
    /// The number of the last read that finished and what it found (None: it failed, and
    /// so do those who waited for it, at once, rather than each trying again in turn);
    /// every waiter is woken when it changes, or when a read is dropped part way.
    last: tokio::sync::watch::Sender<(u64, Option<i64>)>,
}

impl Default for SharedRead {
    fn default() -> Self {
        Self { begun: AtomicU64::new(0), reading: tokio::sync::Mutex::new(()), last: tokio::sync::watch::Sender::new((0, Some(0))) }
    }
}

/// The one read under way: when it ends, whether with an answer, an error, or dropped
/// part way (its request gone), the lock is let go and then every waiter is woken, so
/// one of them reads next if it still needs to.
struct Reading<'a> {
    lock: Option<tokio::sync::MutexGuard<'a, ()>>,
    last: &'a tokio::sync::watch::Sender<(u64, Option<i64>)>,
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.lock.take();
        self.last.send_modify(|_| {});
    }
}

impl SharedRead {
    async fn read(&self, db: &Db) -> DbResult<i64> {
        // Any read numbered above those begun by now begins after this call.
        let wanted = self.begun.load(Ordering::SeqCst) + 1;
        let mut last = self.last.subscribe();
        loop {
            let (number, seq) = *last.borrow_and_update();
            if number >= wanted {
                return seq.ok_or_else(|| sqlx::Error::Io(std::io::Error::other("the newest change could not be read")));
            }
            if let Ok(lock) = self.reading.try_lock() {
                let _reading = Reading { lock: Some(lock), last: &self.last };
                // Let the requests already waiting to run on this thread ask first: they
                // join this read (it has not begun) instead of waiting for the next.
                tokio::task::yield_now().await;
                let number = self.begun.fetch_add(1, Ordering::SeqCst) + 1;
                let read = latest(db).await;
                // One read at a time, so numbers finish in order.
                self.last.send_if_modified(|last| {
                    *last = (number, read.as_ref().ok().copied());
                    false // the waiters are woken once the lock is let go
                });
                return read;
            }
            // The read under way may have begun before this call: wait for it to end, then
            // look again (a read it ends with is new enough, or this call reads next).
            if last.changed().await.is_err() {
                return latest(db).await;
            }
        }
    }
}
