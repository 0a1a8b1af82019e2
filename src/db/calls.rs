//! Themed calls.

use super::{new_id, now_ms, Db, DbResult};
use crate::domain::{Call, CallState, NewCall};
use sqlx::Row;

const COLUMNS: &str = "id, slug, title, description, question, kinds, opens_at, closes_at, state, max_works_per_person";

fn from_row(row: &sqlx::any::AnyRow) -> DbResult<Call> {
    let kinds: String = row.try_get("kinds")?;
    let state: String = row.try_get("state")?;
    Ok(Call {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        question: row.try_get("question")?,
        kinds: Call::parse_kinds_csv(&kinds),
        opens_at: row.try_get("opens_at")?,
        closes_at: row.try_get("closes_at")?,
        state: CallState::parse(&state).unwrap_or(CallState::Draft),
        max_works_per_person: row.try_get("max_works_per_person")?,
    })
}

/// Creates an open call; a duplicate slug is a unique violation.
pub async fn insert(db: &Db, call: &NewCall, created_by: Option<&str>) -> DbResult<Call> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "insert into civic_call (id, slug, title, description, question, kinds, opens_at, closes_at, state, created_by,
                                 created_at, updated_at, max_works_per_person)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $12, $9, $10, $10, $11)",
    )
    .bind(&id)
    .bind(call.slug.as_str())
    .bind(call.title.clone().into_inner())
    .bind(call.description.clone().into_inner())
    .bind(call.question.clone().into_inner())
    .bind(Call::kinds_csv(&call.kinds))
    .bind(call.opens_at)
    .bind(call.closes_at)
    .bind(created_by)
    .bind(now)
    .bind(call.max_works_per_person)
    .bind(call.state.as_str())
    .execute(&db.pool)
    .await?;
    find_by_id(db, &id).await?.ok_or(sqlx::Error::RowNotFound)
}

pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<Call>> {
    let row = sqlx::query(&format!("select {COLUMNS} from civic_call where slug = $1 and state <> 'draft'"))
        .bind(slug)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_id(db: &Db, id: &str) -> DbResult<Option<Call>> {
    let row = sqlx::query(&format!("select {COLUMNS} from civic_call where id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Calls the public can see, open ones first, newest first.
pub async fn list_visible(db: &Db) -> DbResult<Vec<Call>> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from civic_call where state <> 'draft' order by closes_at desc limit 100"
    ))
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    let mut calls = rows.iter().map(from_row).collect::<DbResult<Vec<_>>>()?;
    calls.sort_by_key(|c| (!c.is_open(now), std::cmp::Reverse(c.closes_at)));
    Ok(calls)
}

/// A call in any state, drafts included (for curators).
pub async fn find_any_by_slug(db: &Db, slug: &str) -> DbResult<Option<Call>> {
    let row = sqlx::query(&format!("select {COLUMNS} from civic_call where slug = $1"))
        .bind(slug)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Moves a call to another state and logs who did it; false if there is no such call.
pub async fn set_state(db: &Db, slug: &str, state: CallState, actor_id: &str) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query("update civic_call set state = $1, updated_at = $2 where slug = $3")
        .bind(state.as_str())
        .bind(now_ms())
        .bind(slug)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    super::audit::record(&mut tx, Some(actor_id), &format!("call.{}", state.as_str()), slug, "").await?;
    tx.commit().await?;
    Ok(true)
}
