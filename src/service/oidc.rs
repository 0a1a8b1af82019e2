//! Sign-in through the city's OpenID Connect provider (its SPID/CIE gateway or Keycloak):
//! the start (a single-use row with the state's hash, the nonce and the PKCE verifier,
//! bound to the browser by a cookie's hash), the callback (checks, then the person's
//! account: found by issuer + subject, or made from the provider's name and address), and
//! the link mailed to the owner of an existing account with the same address, which joins
//! the identity to it only when followed in the browser that signed in.

use super::accounts::{count_mail, send_verification, start_session, Session};
use super::{Refusal, ServiceError, ServiceResult};
use crate::auth;
use crate::db::accounts::{reserve_attempt, Reservation};
use crate::db::oidc::{self as rows, Created};
use crate::db::{now_ms, users};
use crate::domain::PersonName;
use crate::i18n::oidc_link_mail;
use crate::mail::{is_deliverable, Mail};
use crate::oidc::{OidcError, Provider};
use crate::state::AppState;
use std::sync::Arc;

/// How long a sign-in may stay at the provider (login, consent) before it must start again.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// How long the mailed link that joins an identity to an existing account works.
pub const LINK_TTL_MS: i64 = 3600 * 1000;
/// Sign-ins one client address may start in a window: each writes a row.
const STARTS_PER_ADDRESS: i64 = 60;
const STARTS_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The codes of the callback's refusals, each with its words in the catalogue.
pub const STATE_INVALID: &str = "oidc_state_invalid";
pub const UNREACHABLE: &str = "oidc_unreachable";
pub const CODE_REFUSED: &str = "oidc_code_refused";
pub const TOKEN_INVALID: &str = "oidc_token_invalid";
pub const EMAIL_MISSING: &str = "oidc_email_missing";
pub const CANCELLED: &str = "oidc_cancelled";

/// Whether sign-in through a provider is configured.
pub fn enabled(state: &AppState) -> bool {
    state.oidc.is_some()
}

/// The provider, or NotFound: without one the routes do not exist.
fn provider(state: &AppState) -> ServiceResult<&Arc<Provider>> {
    state.oidc.as_ref().ok_or(ServiceError::NotFound)
}

/// The provider's failure as a refusal the visitor can read; the reason goes to the log.
fn refused(e: OidcError) -> ServiceError {
    match e {
        OidcError::Unreachable(reason) => {
            tracing::warn!(reason, "oidc provider unreachable");
            ServiceError::refused(Refusal::Upstream, UNREACHABLE)
        }
        OidcError::CodeRefused(reason) => {
            tracing::info!(reason, "oidc code refused by the provider");
            ServiceError::invalid(CODE_REFUSED)
        }
        OidcError::BadToken(reason) => {
            tracing::warn!(reason, "oidc id token refused");
            ServiceError::refused(Refusal::WrongCredentials, TOKEN_INVALID)
        }
    }
}

fn state_invalid(why: &'static str) -> ServiceError {
    tracing::info!(why, "oidc callback refused");
    ServiceError::invalid(STATE_INVALID)
}

/// A sign-in on its way to the provider: where to send the browser, and the secret its
/// cookie keeps (only its hash is stored), which the callback must bring back.
pub struct Start {
    pub url: String,
    pub browser_secret: String,
}

/// Starts a sign-in. `redirect_uri` is this site's callback as registered with the
/// provider; `client` the bucket of the client's address (each start writes a row).
pub async fn start(state: &AppState, redirect_uri: &str, client: &str) -> ServiceResult<Start> {
    let provider = provider(state)?;
    if let Reservation::Refused { until } = reserve_attempt(&state.db, &format!("oidc:{client}"), STARTS_WINDOW_MS, STARTS_PER_ADDRESS).await? {
        let seconds = ((until - now_ms()).max(1000) as u64).div_ceil(1000);
        return Err(ServiceError::refused(Refusal::TooMany { retry_after_s: seconds }, super::accounts::TOO_MANY_ATTEMPTS_CODE)
            .arg("minutes", seconds.div_ceil(60).max(1)));
    }
    let authorization = provider.authorize(redirect_uri).await.map_err(refused)?;
    let browser_secret = auth::new_token();
    rows::insert_login(
        &state.db,
        &auth::token_hash(&authorization.state),
        &auth::token_hash(&browser_secret),
        &authorization.nonce,
        &authorization.pkce_verifier,
        LOGIN_TTL_MS,
    )
    .await?;
    Ok(Start { url: authorization.url, browser_secret })
}

/// What the provider sent back to the callback, and the browser's cookie.
pub struct Callback<'a> {
    pub state: &'a str,
    pub code: &'a str,
    /// The provider's `error` (the person cancelled, or it refused); empty when none.
    pub error: &'a str,
    pub browser_secret: Option<&'a str>,
}

/// How a callback ended, when it did not fail.
pub enum Outcome {
    SignedIn(Session),
    /// The address has an account already: its owner was mailed the link that joins them.
    LinkSent,
}

/// Ends a sign-in: the state must name a live sign-in started by this browser; then the
/// code is exchanged and the ID token checked; then the person is found or made.
/// `link_base` makes the links of the mail this may send.
pub async fn finish(state: &AppState, callback: Callback<'_>, redirect_uri: &str, client: &str, link_base: Option<&str>) -> ServiceResult<Outcome> {
    let provider = provider(state)?;
    if callback.state.is_empty() {
        return Err(state_invalid("no state"));
    }
    // Taken (deleted) before anything else: whatever follows, this state is used up.
    let Some(login) = rows::take_login(&state.db, &auth::token_hash(callback.state)).await? else {
        return Err(state_invalid("unknown or used state"));
    };
    if login.expires_at <= now_ms() {
        return Err(state_invalid("expired"));
    }
    let from_this_browser = callback
        .browser_secret
        .is_some_and(|secret| auth::constant_time_eq(auth::token_hash(secret).as_bytes(), login.browser_hash.as_bytes()));
    if !from_this_browser {
        return Err(state_invalid("started in another browser"));
    }
    if !callback.error.is_empty() {
        tracing::info!(error = callback.error, "oidc provider answered with an error");
        return Err(ServiceError::invalid(CANCELLED));
    }
    if callback.code.is_empty() {
        return Err(state_invalid("no code"));
    }
    let person = provider.finish(redirect_uri, callback.code, &login.nonce, &login.pkce_verifier).await.map_err(refused)?;
    let issuer = provider.issuer();
    if let Some(user) = rows::find_identity(&state.db, issuer, &person.subject).await? {
        tracing::info!("signed in through the oidc provider");
        return Ok(Outcome::SignedIn(start_session(state, &user.id).await?));
    }
    let Some(email) = person.email.as_deref().and_then(auth::normalise_email).filter(|e| is_deliverable(e)) else {
        tracing::info!("oidc provider gave no usable email address");
        return Err(ServiceError::invalid(EMAIL_MISSING));
    };
    let local_part = email.split('@').next().unwrap_or_default().to_owned();
    let name = person
        .name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok())
        .map_or_else(|| PersonName::parse(&local_part), Ok)?
        .into_inner();
    match rows::create_account(&state.db, issuer, &person.subject, &email, &name, person.email_verified).await? {
        Created::Made(user) => {
            tracing::info!(email_verified = user.email_verified, "account made through the oidc provider");
            if !user.email_verified {
                match link_base {
                    Some(base) => send_verification(state, base, &user).await?,
                    None => tracing::warn!("no public address for links: the verification mail was not sent"),
                }
            }
            Ok(Outcome::SignedIn(start_session(state, &user.id).await?))
        }
        Created::IdentityTaken => {
            let user = rows::find_identity(&state.db, issuer, &person.subject).await?.ok_or(ServiceError::NotFound)?;
            Ok(Outcome::SignedIn(start_session(state, &user.id).await?))
        }
        Created::EmailTaken => {
            let Some(existing) = users::find_by_email(&state.db, &email).await? else {
                return Err(ServiceError::Internal(anyhow::anyhow!("an address taken and not found")));
            };
            let Some(base) = link_base else {
                return Err(ServiceError::refused(Refusal::Upstream, "public_url_required"));
            };
            count_mail(state, client).await?;
            let token = auth::new_token();
            let browser_hash = auth::token_hash(callback.browser_secret.unwrap_or_default());
            rows::insert_link(&state.db, &auth::token_hash(&token), &existing.user.id, issuer, &person.subject, &browser_hash, LINK_TTL_MS).await?;
            let (subject, body) = oidc_link_mail(&existing.user.name, &format!("{base}/auth/oidc/link?token={token}"));
            state.mailer.send(Mail { to: existing.user.email.clone(), subject, body, kind: "oidc_link" }).await?;
            tracing::info!("an account has this address: its owner was mailed a link to join the oidc identity");
            Ok(Outcome::LinkSent)
        }
    }
}

/// Whether a joining link is live for this browser (to show its button; nothing is used).
pub async fn link_is_live(state: &AppState, token: &str, browser_secret: Option<&str>) -> ServiceResult<bool> {
    provider(state)?;
    let Some(secret) = browser_secret else { return Ok(false) };
    Ok(rows::link_is_live(&state.db, &auth::token_hash(token), &auth::token_hash(secret)).await?)
}

/// Follows a joining link: the identity joins the account and a session starts. None for a
/// used, expired or unknown link, or one opened in a browser other than the one that
/// signed in through the provider.
pub async fn use_link(state: &AppState, token: &str, browser_secret: Option<&str>) -> ServiceResult<Option<Session>> {
    provider(state)?;
    let Some(secret) = browser_secret else { return Ok(None) };
    let Some(user_id) = rows::use_link(&state.db, &auth::token_hash(token), &auth::token_hash(secret)).await? else {
        return Ok(None);
    };
    tracing::info!("an oidc identity was joined to an existing account by its mailed link");
    Ok(Some(start_session(state, &user_id).await?))
}
