//! Self-service accounts: sign-up, one-time links (verify an address, reset a password),
//! sign-in throttling, the people list for admins, and account deletion.

use super::users::{user_from_row, User, UserWithHash};
use super::{changes, new_id, now_ms, Db, DbResult};
use crate::domain::{Licence, Role, Status};
use sqlx::Row;

/// The name shown on works kept after their author deleted the account.
pub const ANONYMOUS_AUTHOR: &str = "Autore anonimo";

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    /// A one-time sign-in, mailed to the owner of an account locked by guessing.
    SignIn,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::SignIn => "sign_in",
        }
    }
}

/// Creates a citizen whose email is not verified yet; None if the email is taken.
pub async fn sign_up(db: &Db, email: &str, name: &str, password_hash: &str) -> DbResult<Option<User>> {
    let id = new_id();
    let now = now_ms();
    let inserted = sqlx::query(
        "insert into app_user (id, email, name, role, password_hash, created_at, updated_at)
         values ($1, $2, $3, 'citizen', $4, $5, $5)",
    )
    .bind(&id)
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(now)
    .execute(&db.pool)
    .await;
    match inserted {
        Ok(_) => Ok(Some(User { id, email: email.to_owned(), name: name.to_owned(), role: Role::Citizen, email_verified: false })),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A live (not deleted) person by id, with their password hash.
pub async fn find_by_id(db: &Db, id: &str) -> DbResult<Option<UserWithHash>> {
    let row = sqlx::query(
        "select id, email, name, role, email_verified_at, password_hash from app_user where id = $1 and deleted_at is null",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok(UserWithHash { user: user_from_row(&r)?, password_hash: r.try_get("password_hash")? })).transpose()
}

/// Stores a one-time link's hash. Earlier unused links of the same purpose stop working, so
/// only the newest mail is valid.
pub async fn issue_token(db: &Db, user_id: &str, purpose: TokenPurpose, token_hash: &str, ttl_ms: i64) -> DbResult<()> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query("delete from account_token where user_id = $1 and purpose = $2")
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into account_token (token_hash, user_id, purpose, created_at, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// True if the link is unused and unexpired (to show its form; nothing is consumed).
pub async fn token_is_live(db: &Db, token_hash: &str, purpose: TokenPurpose) -> DbResult<bool> {
    let row = sqlx::query(
        "select 1 as ok from account_token where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Uses a link up: returns its person if it was unused and unexpired. One statement, so two
/// concurrent clicks cannot both succeed.
async fn consume_token(tx: &mut sqlx::Transaction<'_, sqlx::Any>, token_hash: &str, purpose: TokenPurpose) -> DbResult<Option<String>> {
    let now = now_ms();
    let row = sqlx::query(
        "update account_token set used_at = $1
         where token_hash = $2 and purpose = $3 and used_at is null and expires_at > $1
         returning user_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get("user_id")).transpose()
}

/// Consumes a verification link and marks the address verified; the person's id, or None.
pub async fn verify_email(db: &Db, token_hash: &str) -> DbResult<Option<String>> {
    let mut tx = db.pool.begin().await?;
    let Some(user_id) = consume_token(&mut tx, token_hash, TokenPurpose::VerifyEmail).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    sqlx::query("update app_user set email_verified_at = coalesce(email_verified_at, $1), updated_at = $1 where id = $2")
        .bind(now_ms())
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// Consumes a sign-in link; the person's id if it was live and the account still exists.
pub async fn use_sign_in_link(db: &Db, token_hash: &str) -> DbResult<Option<String>> {
    let mut tx = db.pool.begin().await?;
    let Some(user_id) = consume_token(&mut tx, token_hash, TokenPurpose::SignIn).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let live = sqlx::query("select 1 as ok from app_user where id = $1 and deleted_at is null").bind(&user_id).fetch_optional(&mut *tx).await?;
    tx.commit().await?;
    Ok(live.map(|_| user_id))
}

/// Consumes a reset link and sets the new password. Every session, API token and other
/// one-time link of the person ends (whoever knew the old password is shut out), and the
/// address counts as verified: the person just proved they read its mail. Returns the
/// person's email, or None.
pub async fn reset_password(db: &Db, token_hash: &str, password_hash: &str) -> DbResult<Option<String>> {
    let mut tx = db.pool.begin().await?;
    let Some(user_id) = consume_token(&mut tx, token_hash, TokenPurpose::ResetPassword).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let now = now_ms();
    let row = sqlx::query(
        "update app_user set password_hash = $1, email_verified_at = coalesce(email_verified_at, $2), updated_at = $2
         where id = $3 and deleted_at is null returning email",
    )
    .bind(password_hash)
    .bind(now)
    .bind(&user_id)
    .fetch_optional(&mut *tx)
    .await?;
    // Whoever knew the old password may have made sessions, API tokens or links with it.
    for table in ["session", "api_token", "account_token"] {
        sqlx::query(&format!("delete from {table} where user_id = $1")).bind(&user_id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    row.map(|r| r.try_get("email")).transpose()
}

/// Ends every browser session of a person ("sign out everywhere"); how many there were.
pub async fn delete_sessions(db: &Db, user_id: &str) -> DbResult<u64> {
    let done = sqlx::query("delete from session where user_id = $1").bind(user_id).execute(&db.pool).await?;
    Ok(done.rows_affected())
}

/// How many browser sessions a person has open.
pub async fn count_sessions(db: &Db, user_id: &str) -> DbResult<i64> {
    let row = sqlx::query("select count(*) as n from session where user_id = $1 and expires_at > $2")
        .bind(user_id)
        .bind(now_ms())
        .fetch_one(&db.pool)
        .await?;
    row.try_get("n")
}

/// The answer to "may one more attempt be made under this key?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Counted: this is attempt number `count` of the window.
    Reserved { count: i64 },
    /// The limit is reached; the window (and the wait) ends at `until` (Unix ms).
    Refused { until: i64 },
}

/// Reserves one attempt under `key` before the costly or risky check it guards: a window
/// starts at its first attempt and lasts `window_ms`; at most `limit` attempts are counted
/// in it. One upsert whose update is conditional, so however many requests arrive at once,
/// on however many web nodes, no more than `limit` are ever let through.
pub async fn reserve_attempt(db: &Db, key: &str, window_ms: i64, limit: i64) -> DbResult<Reservation> {
    let now = now_ms();
    let expired_before = now - window_ms;
    let row = sqlx::query(
        "insert into sign_in_throttle (key, window_start, failures) values ($1, $2, 1)
         on conflict (key) do update set
             failures = case when sign_in_throttle.window_start > $3 then sign_in_throttle.failures + 1 else 1 end,
             window_start = case when sign_in_throttle.window_start > $3 then sign_in_throttle.window_start else $2 end
         where sign_in_throttle.window_start <= $3 or sign_in_throttle.failures < $4
         returning failures",
    )
    .bind(key)
    .bind(now)
    .bind(expired_before)
    .bind(limit)
    .fetch_optional(&db.pool)
    .await?;
    if let Some(row) = row {
        let count: i64 = row.try_get("failures")?;
        if count == 1 {
            // A new window: old ones carry no information, and the table stays as small
            // as the set of recent attackers.
            sqlx::query("delete from sign_in_throttle where window_start <= $1").bind(expired_before).execute(&db.pool).await?;
        }
        return Ok(Reservation::Reserved { count });
    }
    let window_start: i64 = sqlx::query("select window_start from sign_in_throttle where key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("window_start"))
        .transpose()?
        .unwrap_or(now);
    Ok(Reservation::Refused { until: window_start + window_ms })
}

/// Gives back an attempt that turned out not to count (the password was right), so people
/// who share an address are not locked out by each other's successful sign-ins.
pub async fn release_attempt(db: &Db, key: &str) -> DbResult<()> {
    sqlx::query("update sign_in_throttle set failures = failures - 1 where key = $1 and failures > 0").bind(key).execute(&db.pool).await?;
    Ok(())
}

/// Forgets the attempts under `key` (after a successful sign-in or a password reset).
pub async fn clear_failures(db: &Db, key: &str) -> DbResult<()> {
    sqlx::query("delete from sign_in_throttle where key = $1").bind(key).execute(&db.pool).await?;
    Ok(())
}

/// A person as the admin's people page lists them.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub user: User,
    pub created_at: i64,
}

/// Every person with an account (deleted accounts are gone from the list), by email.
pub async fn list_people(db: &Db) -> DbResult<Vec<PersonRow>> {
    let rows = sqlx::query(
        "select id, email, name, role, email_verified_at, created_at from app_user where deleted_at is null order by email limit 2000",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok(PersonRow { user: user_from_row(r)?, created_at: r.try_get("created_at")? })).collect()
}

/// What deleting an account did, and the stored objects to remove after the commit.
#[derive(Debug, Clone, Default)]
pub struct Deletion {
    pub withdrawn: Vec<String>,
    pub anonymised: Vec<String>,
    /// Originals of every work (they may carry the author's metadata).
    pub keys: Vec<String>,
    /// Work ids whose derivatives go too.
    pub derivative_works: Vec<String>,
}

/// The rule for a deleted author's works: a published CC0 work stays, anonymised (the
/// licence already waived the author's rights and the public may rely on it); every other
/// work is withdrawn.
pub fn kept_after_deletion(status: Status, licence: Licence) -> bool {
    status == Status::Published && licence == Licence::Cc0
}

/// Deletes a person's account in one transaction: withdraws or anonymises their works (each
/// change goes on the change log so search follows), stops their works' jobs, and erases
/// the person, keeping only an anonymous row that kept works still point to.
pub async fn delete_account(db: &Db, user_id: &str) -> DbResult<Deletion> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    // Works an operator sent at a desk for someone else stay that person's, to claim.
    let rows = sqlx::query("select id, status, licence, original_key from work where author_id = $1 and (helper_id is null or helper_id <> author_id)")
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
    let mut deletion = Deletion::default();
    for row in &rows {
        let id: String = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let licence: String = row.try_get("licence")?;
        let original: Option<String> = row.try_get("original_key")?;
        deletion.keys.extend(original);
        let status = Status::parse(&status).unwrap_or(Status::Rejected);
        let keep = Licence::parse(&licence).is_ok_and(|l| kept_after_deletion(status, l));
        if keep {
            // The published version stays, anonymised; earlier versions were never public.
            sqlx::query("delete from work_revision where work_id = $1").bind(&id).execute(&mut *tx).await?;
            sqlx::query(
                "update work set original_key = null, original_name = null, original_mime = null, updated_at = $1 where id = $2",
            )
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            deletion.anonymised.push(id.clone());
        } else {
            super::works::withdraw_in(&mut tx, &id, now).await?;
            deletion.withdrawn.push(id.clone());
            deletion.derivative_works.push(id.clone());
        }
        changes::record(&mut tx, db.backend, &id).await?;
    }
    // Its provider identities too: signing in with them again makes a new account.
    for table in ["session", "api_token", "account_token", "oidc_identity", "oidc_link"] {
        sqlx::query(&format!("delete from {table} where user_id = $1")).bind(user_id).execute(&mut *tx).await?;
    }
    // The row stays only as the author of kept works: no email, no name, no password.
    sqlx::query(
        "update app_user set email = $1, name = $2, role = 'citizen', password_hash = '!', email_verified_at = null,
                deleted_at = $3, updated_at = $3
         where id = $4",
    )
    .bind(format!("deleted-{user_id}@invalid"))
    .bind(ANONYMOUS_AUTHOR)
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(deletion)
}
