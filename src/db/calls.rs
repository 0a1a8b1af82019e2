//! Themed calls.

use super::{changes, new_id, now_ms, Db, DbResult};
use crate::domain::{Call, CallFields, CallState, Cover, NewCall};
use sqlx::Row;

const COLUMNS: &str = "id, slug, title, description, question, kinds, opens_at, closes_at, state, max_works_per_person,
                       licences, alt_text_required, captions_required, transcript_required, results_text, cover_key, cover_width, cover_height, cover_alt";

fn from_row(row: &sqlx::any::AnyRow) -> DbResult<Call> {
    let kinds: String = row.try_get("kinds")?;
    let licences: String = row.try_get("licences")?;
    let state: String = row.try_get("state")?;
    let alt_text_required: i64 = row.try_get("alt_text_required")?;
    let captions_required: i64 = row.try_get("captions_required")?;
    let transcript_required: i64 = row.try_get("transcript_required")?;
    let cover_key: Option<String> = row.try_get("cover_key")?;
    let cover = match cover_key {
        Some(key) => Some(Cover {
            key,
            width: row.try_get::<Option<i64>, _>("cover_width")?.unwrap_or(0),
            height: row.try_get::<Option<i64>, _>("cover_height")?.unwrap_or(0),
            alt: row.try_get("cover_alt")?,
        }),
        None => None,
    };
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
        licences: Call::parse_licences_csv(&licences),
        alt_text_required: alt_text_required != 0,
        captions_required: captions_required != 0,
        transcript_required: transcript_required != 0,
        results_text: row.try_get("results_text")?,
        cover,
    })
}

/// Creates a call; a duplicate slug is a unique violation.
pub async fn insert(db: &Db, call: &NewCall, created_by: Option<&str>) -> DbResult<Call> {
    let id = new_id();
    let now = now_ms();
    let f = &call.fields;
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "insert into civic_call (id, slug, title, description, question, kinds, opens_at, closes_at, state, created_by,
                                 created_at, updated_at, max_works_per_person, licences, alt_text_required, results_text,
                                 captions_required, transcript_required)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&id)
    .bind(call.slug.as_str())
    .bind(f.title.clone().into_inner())
    .bind(f.description.clone().into_inner())
    .bind(f.question.clone().into_inner())
    .bind(Call::kinds_csv(&f.kinds))
    .bind(f.opens_at)
    .bind(f.closes_at)
    .bind(call.state.as_str())
    .bind(created_by)
    .bind(now)
    .bind(f.max_works_per_person)
    .bind(Call::licences_csv(&f.licences))
    .bind(f.alt_text_required as i64)
    .bind(f.results_text.clone().into_inner())
    .bind(f.captions_required as i64)
    .bind(f.transcript_required as i64)
    .execute(&mut *tx)
    .await?;
    super::audit::record(&mut tx, created_by, "call.create", call.slug.as_str(), "").await?;
    tx.commit().await?;
    find_by_id(db, &id).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Replaces a call's editable fields. Published works of the call are re-indexed, since
/// the index holds the call's title.
pub async fn update(db: &Db, call: &Call, f: &CallFields, actor_id: &str) -> DbResult<()> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "update civic_call set title = $1, description = $2, question = $3, kinds = $4, opens_at = $5, closes_at = $6,
                max_works_per_person = $7, licences = $8, alt_text_required = $9, results_text = $10, updated_at = $11,
                captions_required = $13, transcript_required = $14
         where id = $12",
    )
    .bind(f.title.clone().into_inner())
    .bind(f.description.clone().into_inner())
    .bind(f.question.clone().into_inner())
    .bind(Call::kinds_csv(&f.kinds))
    .bind(f.opens_at)
    .bind(f.closes_at)
    .bind(f.max_works_per_person)
    .bind(Call::licences_csv(&f.licences))
    .bind(f.alt_text_required as i64)
    .bind(f.results_text.clone().into_inner())
    .bind(now)
    .bind(&call.id)
    .bind(f.captions_required as i64)
    .bind(f.transcript_required as i64)
    .execute(&mut *tx)
    .await?;
    let published = sqlx::query("select id from work where call_id = $1 and status = 'published'").bind(&call.id).fetch_all(&mut *tx).await?;
    for row in &published {
        let work_id: String = row.try_get("id")?;
        changes::record(&mut tx, db.backend, &work_id).await?;
    }
    super::audit::record(&mut tx, Some(actor_id), "call.edit", &call.slug, "").await?;
    tx.commit().await
}

/// Sets the cover picture; returns the key of the one it replaces, to delete.
pub async fn set_cover(db: &Db, id: &str, cover: &Cover, actor_id: &str) -> DbResult<Option<String>> {
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query("select slug, cover_key from civic_call where id = $1").bind(id).fetch_one(&mut *tx).await?;
    let slug: String = row.try_get("slug")?;
    let old: Option<String> = row.try_get("cover_key")?;
    sqlx::query("update civic_call set cover_key = $1, cover_width = $2, cover_height = $3, cover_alt = $4, updated_at = $5 where id = $6")
        .bind(&cover.key)
        .bind(cover.width)
        .bind(cover.height)
        .bind(&cover.alt)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    super::audit::record(&mut tx, Some(actor_id), "call.cover", &slug, "").await?;
    tx.commit().await?;
    Ok(old.filter(|k| *k != cover.key))
}

/// Every cover key, for the sweeper.
pub async fn all_cover_keys(db: &Db) -> DbResult<Vec<String>> {
    let rows = sqlx::query("select cover_key from civic_call where cover_key is not null").fetch_all(&db.pool).await?;
    rows.iter().map(|r| r.try_get("cover_key")).collect()
}

/// The one call matching `condition`, a `where` clause with one parameter `$1`.
async fn find_where(db: &Db, condition: &str, value: &str) -> DbResult<Option<Call>> {
    let row = sqlx::query(&format!("select {COLUMNS} from civic_call where {condition}")).bind(value).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

/// A call the public may see (anything but a draft).
pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<Call>> {
    find_where(db, "slug = $1 and state <> 'draft'", slug).await
}

pub async fn find_by_id(db: &Db, id: &str) -> DbResult<Option<Call>> {
    find_where(db, "id = $1", id).await
}

/// Calls the home page lists: not drafts, not archived; open ones first, then upcoming,
/// then the rest, newest first.
pub async fn list_visible(db: &Db) -> DbResult<Vec<Call>> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from civic_call where state not in ('draft', 'archived') order by closes_at desc limit 100"
    ))
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    let mut calls = rows.iter().map(from_row).collect::<DbResult<Vec<_>>>()?;
    let rank = |c: &Call| match c.phase(now) {
        "open" => 0,
        "upcoming" => 1,
        _ => 2,
    };
    calls.sort_by_key(|c| (rank(c), std::cmp::Reverse(c.closes_at)));
    Ok(calls)
}

/// Archived calls, newest first.
pub async fn list_archived(db: &Db) -> DbResult<Vec<Call>> {
    let rows = sqlx::query(&format!("select {COLUMNS} from civic_call where state = 'archived' order by closes_at desc limit 200"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Every call in every state, for curators: newest first.
pub async fn list_all(db: &Db) -> DbResult<Vec<Call>> {
    let rows = sqlx::query(&format!("select {COLUMNS} from civic_call order by created_at desc limit 500"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A call in any state, drafts included (for curators).
pub async fn find_any_by_slug(db: &Db, slug: &str) -> DbResult<Option<Call>> {
    find_where(db, "slug = $1", slug).await
}

/// Moves a call from the state it was read in to `to` and logs who did it; false if the
/// call was no longer in that state (someone else moved it meanwhile).
pub async fn set_state(db: &Db, call: &Call, to: CallState, actor_id: &str) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query("update civic_call set state = $1, updated_at = $2 where id = $3 and state = $4")
        .bind(to.as_str())
        .bind(now_ms())
        .bind(&call.id)
        .bind(call.state.as_str())
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    super::audit::record(&mut tx, Some(actor_id), &format!("call.{}", to.as_str()), &call.slug, "").await?;
    tx.commit().await?;
    Ok(true)
}
