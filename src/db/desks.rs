//! Library desks, their operators, the works sent there and the claim codes that follow them.

use super::{new_id, now_ms, Db, DbResult};
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone)]
pub struct Desk {
    pub id: String,
    pub slug: String,
    pub name: String,
}

fn desk_from_row(r: &sqlx::any::AnyRow) -> DbResult<Desk> {
    Ok(Desk { id: r.try_get("id")?, slug: r.try_get("slug")?, name: r.try_get("name")? })
}

/// A new desk; a unique violation when the slug is taken.
pub async fn insert(db: &Db, slug: &str, name: &str, actor_id: Option<&str>) -> DbResult<Desk> {
    let desk = Desk { id: new_id(), slug: slug.to_owned(), name: name.to_owned() };
    let mut tx = db.pool.begin().await?;
    sqlx::query("insert into desk (id, slug, name, created_at) values ($1, $2, $3, $4)")
        .bind(&desk.id)
        .bind(slug)
        .bind(name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    super::audit::record(&mut tx, actor_id, "desk.created", slug, name).await?;
    tx.commit().await?;
    Ok(desk)
}

pub async fn all(db: &Db) -> DbResult<Vec<Desk>> {
    let rows = sqlx::query("select id, slug, name from desk order by name, slug").fetch_all(&db.pool).await?;
    rows.iter().map(desk_from_row).collect()
}

pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<Desk>> {
    let row = sqlx::query("select id, slug, name from desk where slug = $1").bind(slug).fetch_optional(&db.pool).await?;
    row.as_ref().map(desk_from_row).transpose()
}

/// The desk of an operator (None for anyone else, or an operator whose desk is unset).
pub async fn of_operator(db: &Db, user_id: &str) -> DbResult<Option<Desk>> {
    let row = sqlx::query(
        "select d.id, d.slug, d.name from app_user u join desk d on d.id = u.desk_id where u.id = $1 and u.role = 'operator'",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(desk_from_row).transpose()
}

/// Makes a person an operator of `desk_id`, in the audit log.
pub async fn set_operator(db: &Db, user_id: &str, desk_id: &str, actor_id: Option<&str>) -> DbResult<()> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update app_user set role = 'operator', desk_id = $1, updated_at = $2 where id = $3")
        .bind(desk_id)
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    super::audit::record(&mut tx, actor_id, "person.role.operator", user_id, desk_id).await?;
    tx.commit().await
}

/// What a work sent at a desk records beside the work itself.
#[derive(Debug, Clone)]
pub struct DeskWork {
    pub desk_id: String,
    /// The operator who helped, the work's author until it is claimed.
    pub helper_id: String,
    pub credited_name: String,
    pub contact: Option<String>,
    pub claim_code: String,
}

/// Records the desk part of a new work inside the transaction that inserts it: the desk,
/// the helper, the credit, the contact and the claim code, and the operator's action in the
/// audit log.
pub(super) async fn record_desk_work(tx: &mut Transaction<'_, Any>, work_id: &str, desk: &DeskWork) -> DbResult<()> {
    sqlx::query("update work set desk_id = $1, helper_id = $2, credited_name = $3, contact = $4 where id = $5")
        .bind(&desk.desk_id)
        .bind(&desk.helper_id)
        .bind(&desk.credited_name)
        .bind(desk.contact.as_deref())
        .bind(work_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("insert into claim (code, work_id, created_at) values ($1, $2, $3)")
        .bind(&desk.claim_code)
        .bind(work_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    super::audit::record(tx, Some(&desk.helper_id), "desk.work_sent", work_id, &desk.credited_name).await
}

/// How many works the person credited as `name` (or reached at `contact`, when given) has
/// sent at desks to a call, counting as the per-person limit counts: the person, not the
/// operator who helped.
pub async fn count_for_person_in_call(db: &Db, call_id: &str, desk_id: &str, name: &str, contact: Option<&str>) -> DbResult<i64> {
    let live = "status in ('processing', 'pending_review', 'changes_requested', 'published')";
    let row = match contact {
        Some(contact) => {
            sqlx::query(&format!("select count(*) as n from work where call_id = $1 and contact = $2 and {live}"))
                .bind(call_id)
                .bind(contact)
                .fetch_one(&db.pool)
                .await?
        }
        None => {
            sqlx::query(&format!(
                "select count(*) as n from work where call_id = $1 and desk_id = $2 and lower(credited_name) = lower($3) and {live}"
            ))
            .bind(call_id)
            .bind(desk_id)
            .bind(name)
            .fetch_one(&db.pool)
            .await?
        }
    };
    row.try_get("n")
}

/// A claim code and its work, while it still works.
#[derive(Debug, Clone)]
pub struct Claim {
    pub work_id: String,
}

/// The live claim of a code (None once claimed, or for a code that never was).
pub async fn live_claim(db: &Db, code: &str) -> DbResult<Option<Claim>> {
    let row = sqlx::query("select work_id from claim where code = $1 and claimed_at is null").bind(code).fetch_optional(&db.pool).await?;
    row.map(|r| Ok(Claim { work_id: r.try_get("work_id")? })).transpose()
}

/// The claim code of a work, while it is unclaimed.
pub async fn code_of(db: &Db, work_id: &str) -> DbResult<Option<String>> {
    let row = sqlx::query("select code from claim where work_id = $1 and claimed_at is null").bind(work_id).fetch_optional(&db.pool).await?;
    row.map(|r| r.try_get("code")).transpose()
}

/// Hands the work of a live code to `user_id`, once: the code stops working in the same
/// transaction, so two people racing with one code cannot both have it. Returns the work's
/// id, or None if the code no longer works (or its work was withdrawn).
pub async fn claim(db: &Db, code: &str, user_id: &str) -> DbResult<Option<String>> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let taken = sqlx::query("update claim set claimed_at = $1, claimed_by = $2 where code = $3 and claimed_at is null")
        .bind(now)
        .bind(user_id)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    if taken.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let work_id: String = sqlx::query("select work_id from claim where code = $1").bind(code).fetch_one(&mut *tx).await?.try_get("work_id")?;
    let moved = sqlx::query("update work set author_id = $1, updated_at = $2 where id = $3 and status <> 'withdrawn'")
        .bind(user_id)
        .bind(now)
        .bind(&work_id)
        .execute(&mut *tx)
        .await?;
    if moved.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    super::events::record_event(&mut tx, &work_id, Some(user_id), "claimed", "").await?;
    super::audit::record(&mut tx, Some(user_id), "work.claimed", &work_id, "").await?;
    tx.commit().await?;
    Ok(Some(work_id))
}

/// A desk work's contact and live claim code, while it is unclaimed and has a contact.
pub async fn contact_and_code(db: &Db, work_id: &str) -> DbResult<Option<(String, String)>> {
    let row = sqlx::query(
        "select w.contact, c.code from work w join claim c on c.work_id = w.id
         where w.id = $1 and w.contact is not null and c.claimed_at is null",
    )
    .bind(work_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get("contact")?, r.try_get("code")?))).transpose()
}
