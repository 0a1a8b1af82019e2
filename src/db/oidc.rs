//! Sign-in through an OpenID Connect provider: identities (issuer + subject → person),
//! sign-ins on their way to the provider and back, and identities waiting for the owner of
//! an existing account to link them by mail.

use super::users::{user_from_row, User};
use super::{new_id, now_ms, Db, DbResult};
use crate::domain::Role;
use sqlx::Row;

/// What an account made by a provider has in place of a password hash: no password matches it.
pub const NO_PASSWORD: &str = "!";

/// What the callback needs of the sign-in it answers.
pub struct PendingLogin {
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: i64,
}

/// Records a sign-in sent to the provider, and forgets the ones that expired unanswered.
pub async fn insert_login(db: &Db, state_hash: &str, browser_hash: &str, nonce: &str, pkce_verifier: &str, ttl_ms: i64) -> DbResult<()> {
    let now = now_ms();
    sqlx::query("delete from oidc_login where expires_at <= $1").bind(now).execute(&db.pool).await?;
    sqlx::query(
        "insert into oidc_login (state_hash, browser_hash, nonce, pkce_verifier, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(state_hash)
    .bind(browser_hash)
    .bind(nonce)
    .bind(pkce_verifier)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Takes the sign-in that `state` names, deleting it: one statement, so a second callback
/// with the same state (a replay, or two tabs) finds nothing.
pub async fn take_login(db: &Db, state_hash: &str) -> DbResult<Option<PendingLogin>> {
    let row = sqlx::query("delete from oidc_login where state_hash = $1 returning browser_hash, nonce, pkce_verifier, expires_at")
        .bind(state_hash)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(PendingLogin {
            browser_hash: r.try_get("browser_hash")?,
            nonce: r.try_get("nonce")?,
            pkce_verifier: r.try_get("pkce_verifier")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// The live person an identity belongs to.
pub async fn find_identity(db: &Db, issuer: &str, subject: &str) -> DbResult<Option<User>> {
    let row = sqlx::query(
        "select u.id, u.email, u.name, u.role, u.email_verified_at from oidc_identity i join app_user u on u.id = i.user_id
         where i.issuer = $1 and i.subject = $2 and u.deleted_at is null",
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// What making an account for a new identity came to.
pub enum Created {
    Made(User),
    /// The address already has an account: it must be linked by its owner instead.
    EmailTaken,
    /// The identity was recorded meanwhile (a second callback at the same moment).
    IdentityTaken,
}

/// Makes a citizen (without a password) and records their identity, in one transaction.
pub async fn create_account(db: &Db, issuer: &str, subject: &str, email: &str, name: &str, email_verified: bool) -> DbResult<Created> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let inserted = sqlx::query(
        "insert into app_user (id, email, name, role, password_hash, email_verified_at, created_at, updated_at)
         values ($1, $2, $3, 'citizen', $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(email)
    .bind(name)
    .bind(NO_PASSWORD)
    .bind(email_verified.then_some(now))
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if super::is_unique_violation(&e) => return Ok(Created::EmailTaken),
        other => other?,
    };
    let linked = sqlx::query("insert into oidc_identity (issuer, subject, user_id, created_at) values ($1, $2, $3, $4)")
        .bind(issuer)
        .bind(subject)
        .bind(&id)
        .bind(now)
        .execute(&mut *tx)
        .await;
    match linked {
        Err(e) if super::is_unique_violation(&e) => return Ok(Created::IdentityTaken),
        other => other?,
    };
    tx.commit().await?;
    Ok(Created::Made(User { id, email: email.to_owned(), name: name.to_owned(), role: Role::Citizen, email_verified }))
}

/// Stores a link's hash that would join an identity to an account; earlier links for that
/// account stop working, so only the newest mail is valid.
pub async fn insert_link(db: &Db, token_hash: &str, user_id: &str, issuer: &str, subject: &str, browser_hash: &str, ttl_ms: i64) -> DbResult<()> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query("delete from oidc_link where user_id = $1 or expires_at <= $2").bind(user_id).bind(now).execute(&mut *tx).await?;
    sqlx::query(
        "insert into oidc_link (token_hash, user_id, issuer, subject, browser_hash, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(issuer)
    .bind(subject)
    .bind(browser_hash)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Whether a link is live for this browser (to show its button; nothing is used).
pub async fn link_is_live(db: &Db, token_hash: &str, browser_hash: &str) -> DbResult<bool> {
    let row = sqlx::query("select 1 as ok from oidc_link where token_hash = $1 and browser_hash = $2 and expires_at > $3")
        .bind(token_hash)
        .bind(browser_hash)
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Uses a link: the identity joins the account, whose address now counts as confirmed (its
/// owner read the mail). The person's id, or None for a used, expired or unknown link, one
/// opened in another browser, an account gone, or an identity linked meanwhile elsewhere.
pub async fn use_link(db: &Db, token_hash: &str, browser_hash: &str) -> DbResult<Option<String>> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query(
        "delete from oidc_link where token_hash = $1 and browser_hash = $2 and expires_at > $3 returning user_id, issuer, subject",
    )
    .bind(token_hash)
    .bind(browser_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(None);
    };
    let (user_id, issuer, subject): (String, String, String) = (row.try_get("user_id")?, row.try_get("issuer")?, row.try_get("subject")?);
    let live = sqlx::query("update app_user set email_verified_at = coalesce(email_verified_at, $1), updated_at = $1 where id = $2 and deleted_at is null")
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    if live.rows_affected() == 0 {
        tx.commit().await?;
        return Ok(None);
    }
    let linked = sqlx::query("insert into oidc_identity (issuer, subject, user_id, created_at) values ($1, $2, $3, $4)")
        .bind(&issuer)
        .bind(&subject)
        .bind(&user_id)
        .bind(now)
        .execute(&mut *tx)
        .await;
    match linked {
        Err(e) if super::is_unique_violation(&e) => {
            tx.rollback().await?;
            Ok(None)
        }
        Err(e) => Err(e),
        Ok(_) => {
            tx.commit().await?;
            Ok(Some(user_id))
        }
    }
}
