//! People, their sessions and their API tokens.

use super::{new_id, now_ms, Db, DbResult};
use crate::domain::Role;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Whether the person confirmed their email address; only they may submit works.
    pub email_verified: bool,
}

#[derive(Debug, Clone)]
pub struct UserWithHash {
    pub user: User,
    pub password_hash: String,
}

pub(crate) fn user_from_row(row: &sqlx::any::AnyRow) -> DbResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).unwrap_or(Role::Citizen),
        email_verified: row.try_get::<Option<i64>, _>("email_verified_at")?.is_some(),
    })
}

/// Creates a user whose email counts as verified: the paths that call this (`piazza user
/// add`, the demo) are run by an administrator. Self sign-up uses `accounts::sign_up`.
/// The email must be new (a unique violation otherwise).
pub async fn insert(db: &Db, email: &str, name: &str, role: Role, password_hash: &str) -> DbResult<User> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "insert into app_user (id, email, name, role, password_hash, email_verified_at, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6, $6)",
    )
    .bind(&id)
    .bind(email)
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(User { id, email: email.to_owned(), name: name.to_owned(), role, email_verified: true })
}

pub async fn find_by_email(db: &Db, email: &str) -> DbResult<Option<UserWithHash>> {
    let row = sqlx::query("select id, email, name, role, email_verified_at, password_hash from app_user where email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok(UserWithHash { user: user_from_row(&r)?, password_hash: r.try_get("password_hash")? }))
        .transpose()
}

/// Changes a person's role and logs who did it (None: the command line).
pub async fn set_role(db: &Db, user_id: &str, role: Role, actor_id: Option<&str>) -> DbResult<()> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("update app_user set role = $1, updated_at = $2, desk_id = null where id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    super::audit::record(&mut tx, actor_id, &format!("person.role.{}", role.as_str()), user_id, "").await?;
    tx.commit().await
}

pub async fn insert_session(db: &Db, token_hash: &str, user_id: &str, expires_at: i64) -> DbResult<()> {
    sqlx::query("insert into session (token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn find_by_session(db: &Db, token_hash: &str) -> DbResult<Option<User>> {
    let row = sqlx::query(
        "select u.id, u.email, u.name, u.role, u.email_verified_at from session s join app_user u on u.id = s.user_id
         where s.token_hash = $1 and s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// When a live session began.
pub async fn session_started_at(db: &Db, token_hash: &str) -> DbResult<Option<i64>> {
    let row = sqlx::query("select created_at from session where token_hash = $1 and expires_at > $2")
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get("created_at")).transpose()
}

pub async fn delete_session(db: &Db, token_hash: &str) -> DbResult<()> {
    sqlx::query("delete from session where token_hash = $1").bind(token_hash).execute(&db.pool).await?;
    Ok(())
}

pub async fn insert_api_token(db: &Db, token_hash: &str, user_id: &str) -> DbResult<()> {
    sqlx::query("insert into api_token (token_hash, user_id, created_at) values ($1, $2, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn find_by_api_token(db: &Db, token_hash: &str) -> DbResult<Option<User>> {
    let row = sqlx::query(
        "select u.id, u.email, u.name, u.role, u.email_verified_at from api_token t join app_user u on u.id = t.user_id
         where t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}
