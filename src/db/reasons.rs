//! The reasons curators pick from when they reject a work or ask for changes. Curators
//! edit them; a decision copies the text, so editing a template never rewrites history.

use super::{new_id, now_ms, Db, DbResult};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct ReasonTemplate {
    pub id: String,
    pub label: String,
    pub body: String,
}

pub async fn list(db: &Db) -> DbResult<Vec<ReasonTemplate>> {
    let rows = sqlx::query("select id, label, body from reason_template order by label").fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok(ReasonTemplate { id: r.try_get("id")?, label: r.try_get("label")?, body: r.try_get("body")? }))
        .collect()
}

pub async fn find(db: &Db, id: &str) -> DbResult<Option<ReasonTemplate>> {
    let row = sqlx::query("select id, label, body from reason_template where id = $1").bind(id).fetch_optional(&db.pool).await?;
    row.map(|r| Ok(ReasonTemplate { id: r.try_get("id")?, label: r.try_get("label")?, body: r.try_get("body")? })).transpose()
}

/// Creates a template (no id) or replaces one; false if the id does not exist.
pub async fn save(db: &Db, id: Option<&str>, label: &str, body: &str, actor_id: &str) -> DbResult<bool> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let id = match id {
        Some(id) => {
            let updated = sqlx::query("update reason_template set label = $1, body = $2, updated_at = $3 where id = $4")
                .bind(label)
                .bind(body)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            id.to_owned()
        }
        None => {
            let id = new_id();
            sqlx::query("insert into reason_template (id, label, body, created_at, updated_at) values ($1, $2, $3, $4, $4)")
                .bind(&id)
                .bind(label)
                .bind(body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    super::audit::record(&mut tx, Some(actor_id), "reason.save", &id, label).await?;
    tx.commit().await?;
    Ok(true)
}

/// Deletes a template; false if there was none.
pub async fn delete(db: &Db, id: &str, actor_id: &str) -> DbResult<bool> {
    let mut tx = db.pool.begin().await?;
    let deleted = sqlx::query("delete from reason_template where id = $1").bind(id).execute(&mut *tx).await?;
    if deleted.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    super::audit::record(&mut tx, Some(actor_id), "reason.delete", id, "").await?;
    tx.commit().await?;
    Ok(true)
}
