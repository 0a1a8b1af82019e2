//! People's accounts: sign-up with its hourly limits, email verification, sign-in with its
//! password limits and one-time links, password reset, sessions, deletion, and the admins'
//! people list, roles and audit log. Mail links are made from the `link_base` the caller
//! was given for this server (see `http::links`): nothing here reads a request.

use super::{Actor, Refusal, ServiceError, ServiceResult};
use crate::auth;
use crate::db::accounts::{self, Deletion, PersonRow, Reservation, TokenPurpose};
use crate::db::oidc::NO_PASSWORD;
use crate::db::users::{self, User};
use crate::db::now_ms;
use crate::domain::{check_new_password, PersonName, Role};
use crate::i18n::{already_registered_mail, no_account_mail, reset_mail, sign_in_link_mail, verify_mail};
use crate::mail::{is_deliverable, Mail};
use crate::state::AppState;

/// Sign-in attempts are counted in windows of this length.
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Password checks allowed per account in a window: enough for typos, too few for guessing.
const ATTEMPTS_PER_ACCOUNT: i64 = 5;
/// Password checks allowed per client address in a window (several people may share one).
const ATTEMPTS_PER_ADDRESS: i64 = 20;
/// Mails (sign-up, verification, reset, sign-in links) one client address may cause in a window.
const MAILS_PER_ADDRESS: i64 = 20;
/// Lock-out warnings and sign-in links one account may receive in an hour, so that the
/// lock-out itself cannot be turned into a flood of mail.
const LINK_MAILS_PER_ACCOUNT: i64 = 3;
pub(super) const HOUR_MS: i64 = 3600 * 1000;
/// How long a verification link works.
const VERIFY_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// How long a password-reset link works.
const RESET_TTL_MS: i64 = 3600 * 1000;
/// How long a one-time sign-in link works.
const SIGN_IN_LINK_TTL_MS: i64 = 3600 * 1000;
/// An account without a password (made through the city's provider) confirms its deletion
/// with a sign-in at most this old instead.
const FRESH_SIGN_IN_MS: i64 = 10 * 60 * 1000;

/// The codes of the two sign-in lock-outs: this connection, or this account.
pub const TOO_MANY_ATTEMPTS_CODE: &str = "too_many_attempts";
pub const ACCOUNT_LOCKED_CODE: &str = "account_locked";

pub(super) fn wait_s(until: i64) -> u64 {
    ((until - now_ms()).max(1000) as u64).div_ceil(1000)
}

fn minutes(seconds: u64) -> u64 {
    seconds.div_ceil(60).max(1)
}

pub(super) fn too_many(code: &'static str, retry_after_s: u64) -> ServiceError {
    ServiceError::refused(Refusal::TooMany { retry_after_s }, code).arg("minutes", minutes(retry_after_s))
}

fn account_key(email: &str) -> String {
    format!("account:{}", auth::token_hash(email))
}

/// The sign-in limits for one attempt: per account (keyed by a hash of the email, so the
/// table holds no addresses, known or guessed) and per client address. An attempt is
/// reserved *before* the password is checked, so parallel requests cannot slip past.
struct SignInThrottle {
    email: String,
    account_key: String,
    address_key: String,
    /// Which attempt of the window this one is, once reserved.
    account_count: i64,
}

impl SignInThrottle {
    fn new(email: &str, client: &str) -> Self {
        Self { email: email.to_owned(), account_key: account_key(email), address_key: format!("address:{client}"), account_count: 0 }
    }

    /// Reserves this attempt under both limits, or refuses with the one that is reached.
    async fn reserve(&mut self, state: &AppState) -> ServiceResult<()> {
        if let Reservation::Refused { until } = accounts::reserve_attempt(&state.db, &self.address_key, THROTTLE_WINDOW_MS, ATTEMPTS_PER_ADDRESS).await? {
            return Err(too_many(TOO_MANY_ATTEMPTS_CODE, wait_s(until)));
        }
        match accounts::reserve_attempt(&state.db, &self.account_key, THROTTLE_WINDOW_MS, ATTEMPTS_PER_ACCOUNT).await? {
            Reservation::Reserved { count } => {
                self.account_count = count;
                Ok(())
            }
            Reservation::Refused { until } => {
                // Not this connection's fault as far as it knows: its attempt was not made.
                accounts::release_attempt(&state.db, &self.address_key).await?;
                Err(too_many(ACCOUNT_LOCKED_CODE, wait_s(until)))
            }
        }
    }

    /// The password was wrong. The attempt stays counted; the one that locks the account
    /// tells its owner by mail, with a link that lets them in anyway.
    async fn failed(&self, state: &AppState, link_base: Option<&str>) -> ServiceResult<()> {
        tracing::info!("sign-in failed");
        if self.account_count == ATTEMPTS_PER_ACCOUNT {
            tracing::warn!("an account is locked after repeated wrong passwords");
            if let Some(found) = users::find_by_email(&state.db, &self.email).await? {
                send_sign_in_link(state, link_base, &found.user, true).await?;
            }
        }
        Ok(())
    }

    /// A right password clears the account's count and gives back this connection's attempt
    /// (a library's shared address is not locked by its own successful sign-ins).
    async fn succeeded(&self, state: &AppState) -> ServiceResult<()> {
        accounts::clear_failures(&state.db, &self.account_key).await?;
        accounts::release_attempt(&state.db, &self.address_key).await?;
        Ok(())
    }

    /// Checks `password` against `hash` on the request pool, counting the attempt.
    async fn check(&mut self, state: &AppState, password: &str, hash: String, link_base: Option<&str>) -> ServiceResult<bool> {
        self.reserve(state).await?;
        let password = password.to_owned();
        let ok = state.request_pool.run(move || auth::verify_password(&password, &hash)).await?;
        if ok { self.succeeded(state).await? } else { self.failed(state, link_base).await? }
        Ok(ok)
    }
}

/// Counts one mail caused by this client address; refuses past the limit, so the forms
/// cannot be used to flood someone's inbox.
pub(super) async fn count_mail(state: &AppState, client: &str) -> ServiceResult<()> {
    let key = format!("mail:{client}");
    match accounts::reserve_attempt(&state.db, &key, THROTTLE_WINDOW_MS, MAILS_PER_ADDRESS).await? {
        Reservation::Reserved { .. } => Ok(()),
        Reservation::Refused { until } => Err(too_many(TOO_MANY_ATTEMPTS_CODE, wait_s(until))),
    }
}

/// Mails a one-time sign-in link to an account's owner, at most a few times an hour per
/// account (quietly skipped past that, and without a public address for links).
/// `locked` adds the warning that someone is guessing.
async fn send_sign_in_link(state: &AppState, link_base: Option<&str>, user: &User, locked: bool) -> ServiceResult<()> {
    let key = format!("linkmail:{}", auth::token_hash(&user.email));
    if let Reservation::Refused { .. } = accounts::reserve_attempt(&state.db, &key, HOUR_MS, LINK_MAILS_PER_ACCOUNT).await? {
        tracing::info!("sign-in link not sent: this account had enough of them this hour");
        return Ok(());
    }
    let Some(base) = link_base else { return Ok(()) };
    let token = auth::new_token();
    accounts::issue_token(&state.db, &user.id, TokenPurpose::SignIn, &auth::token_hash(&token), SIGN_IN_LINK_TTL_MS).await?;
    let (subject, body) = sign_in_link_mail(&user.name, &format!("{base}/signin/link?token={token}"), locked);
    state.mailer.send(Mail { to: user.email.clone(), subject, body, kind: if locked { "account_locked" } else { "sign_in_link" } }).await?;
    Ok(())
}

/// The code of the refusal of every password path (sign-up, sign-in, reset, mailed sign-in
/// links) when the city turned passwords off (`PIAZZA_PASSWORD_SIGNIN=false`).
pub const PASSWORD_SIGN_IN_OFF_CODE: &str = "password_sign_in_off";

/// Whether people may use a password here. When the city turned passwords off, sign-in
/// goes through its provider only: no password sign-up, sign-in or reset, and no mailed
/// sign-in links either (they are the password's way round a lock-out, and would be a way
/// in that skips the provider).
pub fn passwords_allowed(state: &AppState) -> bool {
    state.config.password_signin
}

fn require_passwords(state: &AppState) -> ServiceResult<()> {
    if passwords_allowed(state) {
        Ok(())
    } else {
        tracing::info!("password path refused: password sign-in is off");
        Err(ServiceError::refused(Refusal::NotAllowed, PASSWORD_SIGN_IN_OFF_CODE))
    }
}

/// A new browser session: a new id every time, so a planted cookie is never promoted.
pub struct Session {
    pub token: String,
    pub max_age_s: i64,
}

pub async fn start_session(state: &AppState, user_id: &str) -> ServiceResult<Session> {
    let token = auth::new_token();
    let max_age_s = auth::SESSION_DAYS * 86_400;
    users::insert_session(&state.db, &auth::token_hash(&token), user_id, now_ms() + max_age_s * 1000).await?;
    Ok(Session { token, max_age_s })
}

/// Signs a person in with their password and starts a session. `client` is the bucket of
/// the client's address; `link_base` makes the lock-out mail's link.
pub async fn sign_in(state: &AppState, email: &str, password: &str, client: &str, link_base: Option<&str>) -> ServiceResult<Session> {
    require_passwords(state)?;
    let email = auth::normalise_email(email).unwrap_or_default();
    // Reserved before the password is checked, so a thousand parallel guesses get no more
    // checks than a thousand sequential ones.
    let mut throttle = SignInThrottle::new(&email, client);
    let found = users::find_by_email(&state.db, &email).await?;
    // Checked against a dummy hash when the account is unknown, so timing reveals nothing.
    let hash = found.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| auth::dummy_hash().to_owned());
    let ok = throttle.check(state, password, hash, link_base).await?;
    let Some(found) = found.filter(|_| ok) else {
        return Err(ServiceError::refused(Refusal::WrongCredentials, "sign_in_failed"));
    };
    start_session(state, &found.user.id).await
}

/// The person a browser session belongs to, if it is live.
pub async fn by_session(state: &AppState, session_token: &str) -> ServiceResult<Option<User>> {
    Ok(users::find_by_session(&state.db, &auth::token_hash(session_token)).await?)
}

/// The person an API token belongs to, if it is live.
pub async fn by_api_token(state: &AppState, token: &str) -> ServiceResult<Option<User>> {
    Ok(users::find_by_api_token(&state.db, &auth::token_hash(token)).await?)
}

/// Ends one session (signing out in this browser).
pub async fn sign_out(state: &AppState, session_token: &str) -> ServiceResult<()> {
    users::delete_session(&state.db, &auth::token_hash(session_token)).await?;
    Ok(())
}

/// Ends every session of the signed-in person; returns how many.
pub async fn sign_out_everywhere(state: &AppState, actor: Actor<'_>) -> ServiceResult<u64> {
    let user = actor.require()?;
    let ended = accounts::delete_sessions(&state.db, &user.id).await?;
    tracing::info!(sessions = ended, "signed out everywhere");
    Ok(ended)
}

/// What a new account is made from, as typed.
pub struct SignUp<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
}

/// Counts one sign-up against the hourly limits of this address (or IPv6 /64) and of the
/// whole piazza, before any work is done; the refusal, if any, says when to try again.
async fn reserve_sign_up(state: &AppState, client: &str) -> ServiceResult<()> {
    let limits = [
        (format!("signup:{client}"), state.config.signups_per_address_per_hour, false),
        ("signup:all".to_owned(), state.config.signups_per_hour, true),
    ];
    for (key, limit, everyone) in limits {
        if let Reservation::Refused { until } = accounts::reserve_attempt(&state.db, &key, HOUR_MS, limit).await? {
            let seconds = wait_s(until);
            tracing::info!("sign-up refused by its hourly limits");
            return Err(ServiceError::refused(Refusal::TooMany { retry_after_s: seconds }, "too_many_sign_ups")
                .arg("minutes", minutes(seconds))
                .arg("scope", if everyone { "everyone" } else { "address" }));
        }
    }
    Ok(())
}

/// Makes an account and mails the link that confirms its address. An address that already
/// has an account gets a mail saying so instead: the answer is the same either way, so
/// whether an address has an account is told only to its inbox.
pub async fn sign_up(state: &AppState, input: SignUp<'_>, client: &str, link_base: &str) -> ServiceResult<()> {
    require_passwords(state)?;
    let email = auth::normalise_email(input.email)
        .filter(|e| is_deliverable(e))
        .ok_or_else(|| ServiceError::invalid("invalid_email"))?;
    let name = PersonName::parse(input.name)?.into_inner();
    check_new_password(input.password)?;
    reserve_sign_up(state, client).await?;
    count_mail(state, client).await?;
    let password = input.password.to_owned();
    let hash = state.request_pool.run(move || auth::hash_password(&password)).await??;
    match accounts::sign_up(&state.db, &email, &name, &hash).await? {
        Some(user) => send_verification(state, link_base, &user).await,
        None => {
            let (subject, body) = already_registered_mail(&format!("{link_base}/reset-password"));
            state.mailer.send(Mail { to: email, subject, body, kind: "already_registered" }).await?;
            Ok(())
        }
    }
}

pub(super) async fn send_verification(state: &AppState, link_base: &str, user: &User) -> ServiceResult<()> {
    let token = auth::new_token();
    accounts::issue_token(&state.db, &user.id, TokenPurpose::VerifyEmail, &auth::token_hash(&token), VERIFY_TTL_MS).await?;
    let (subject, body) = verify_mail(&user.name, &format!("{link_base}/verify?token={token}"));
    state.mailer.send(Mail { to: user.email.clone(), subject, body, kind: "verify_email" }).await?;
    Ok(())
}

/// Mails a new verification link to the signed-in person, unless already confirmed.
pub async fn resend_verification(state: &AppState, actor: Actor<'_>, client: &str, link_base: &str) -> ServiceResult<()> {
    let user = actor.require()?;
    if !user.email_verified {
        count_mail(state, client).await?;
        send_verification(state, link_base, user).await?;
    }
    Ok(())
}

/// Whether a mailed link still works (not used, not expired), without using it.
pub async fn link_is_live(state: &AppState, token: &str, purpose: TokenPurpose) -> ServiceResult<bool> {
    Ok(accounts::token_is_live(&state.db, &auth::token_hash(token), purpose).await?)
}

/// Confirms an address with the link from the mail; false for a used, expired or unknown link.
pub async fn verify_email(state: &AppState, token: &str) -> ServiceResult<bool> {
    let verified = accounts::verify_email(&state.db, &auth::token_hash(token)).await?.is_some();
    if verified {
        tracing::info!("email verified");
    }
    Ok(verified)
}

/// Asks for a sign-in link by mail: the way in for the owner of an account that someone
/// locked by guessing. The same answer whether or not the address has an account.
pub async fn request_sign_in_link(state: &AppState, email: &str, client: &str, link_base: Option<&str>) -> ServiceResult<()> {
    require_passwords(state)?;
    count_mail(state, client).await?;
    if let Some(email) = auth::normalise_email(email) {
        if let Some(found) = users::find_by_email(&state.db, &email).await? {
            send_sign_in_link(state, link_base, &found.user, false).await?;
        }
    }
    Ok(())
}

/// Uses a sign-in link: a session, whatever the password limits say (the owner proved they
/// read the account's mail). The limits stay, so the guessing stays stopped. None for a
/// used, expired or unknown link.
pub async fn sign_in_with_link(state: &AppState, token: &str) -> ServiceResult<Option<Session>> {
    require_passwords(state)?;
    let Some(user_id) = accounts::use_sign_in_link(&state.db, &auth::token_hash(token)).await? else {
        return Ok(None);
    };
    tracing::info!("signed in with a one-time link");
    Ok(Some(start_session(state, &user_id).await?))
}

/// Mails a reset link, or to an address without an account a note saying so. Both paths
/// write one mail (the slow, durable part), so the time of the answer does not tell whether
/// the address has an account.
pub async fn request_reset(state: &AppState, email: &str, client: &str, link_base: &str) -> ServiceResult<()> {
    require_passwords(state)?;
    count_mail(state, client).await?;
    let Some(email) = auth::normalise_email(email).filter(|e| is_deliverable(e)) else { return Ok(()) };
    match users::find_by_email(&state.db, &email).await? {
        Some(found) => {
            let token = auth::new_token();
            accounts::issue_token(&state.db, &found.user.id, TokenPurpose::ResetPassword, &auth::token_hash(&token), RESET_TTL_MS).await?;
            let (subject, body) = reset_mail(&format!("{link_base}/reset?token={token}"));
            state.mailer.send(Mail { to: found.user.email, subject, body, kind: "reset_password" }).await?;
        }
        None => {
            let (subject, body) = no_account_mail(&format!("{link_base}/signup"));
            state.mailer.send(Mail { to: email, subject, body, kind: "reset_no_account" }).await?;
        }
    }
    Ok(())
}

/// Sets a new password with the link from the mail; every session, API token and mailed
/// link of the account ends. False for a used, expired or unknown link.
pub async fn reset_password(state: &AppState, token: &str, password: &str) -> ServiceResult<bool> {
    require_passwords(state)?;
    check_new_password(password)?;
    let password = password.to_owned();
    let hash = state.request_pool.run(move || auth::hash_password(&password)).await??;
    let Some(email) = accounts::reset_password(&state.db, &auth::token_hash(token), &hash).await? else {
        return Ok(false);
    };
    // The owner proved who they are: their own typos no longer hold the account shut.
    accounts::clear_failures(&state.db, &account_key(&email)).await?;
    tracing::info!("password reset");
    Ok(true)
}

/// The signed-in person's account as "my account" shows it.
pub struct AccountSummary {
    pub user: User,
    pub sessions: i64,
    /// False for an account made through the city's provider, which has none.
    pub has_password: bool,
}

pub async fn summary(state: &AppState, actor: Actor<'_>) -> ServiceResult<AccountSummary> {
    let user = actor.require()?;
    let sessions = accounts::count_sessions(&state.db, &user.id).await?;
    let found = accounts::find_by_id(&state.db, &user.id).await?.ok_or(ServiceError::Unauthenticated)?;
    Ok(AccountSummary { user: user.clone(), sessions, has_password: found.password_hash != NO_PASSWORD })
}

/// Deletes the signed-in person's account after checking their password (with the same
/// limits as sign-in: a borrowed session must not become a password oracle), or, for an
/// account without one, that `session_token`'s session began less than 10 minutes ago
/// (a fresh sign-in through the provider). Works still under review go; published ones
/// stay, anonymised.
pub async fn delete_account(state: &AppState, actor: Actor<'_>, password: &str, session_token: Option<&str>, client: &str, link_base: Option<&str>) -> ServiceResult<Deletion> {
    let user = actor.require()?;
    let found = accounts::find_by_id(&state.db, &user.id).await?.ok_or(ServiceError::Unauthenticated)?;
    if found.password_hash == NO_PASSWORD {
        let started = match session_token {
            Some(token) => users::session_started_at(&state.db, &auth::token_hash(token)).await?,
            None => None,
        };
        if !started.is_some_and(|at| now_ms() - at <= FRESH_SIGN_IN_MS) {
            return Err(ServiceError::refused(Refusal::NotAllowed, "sign_in_again_to_delete"));
        }
    } else {
        let mut throttle = SignInThrottle::new(&user.email, client);
        let ok = throttle.check(state, password, found.password_hash.clone(), link_base).await.map_err(|e| match e {
            // Which of the two limits does not matter here: the person is signed in.
            ServiceError::Refused { refusal: Refusal::TooMany { retry_after_s }, .. } => too_many(TOO_MANY_ATTEMPTS_CODE, retry_after_s),
            other => other,
        })?;
        if !ok {
            return Err(ServiceError::refused(Refusal::NotAllowed, "wrong_password"));
        }
    }
    let deletion = accounts::delete_account(&state.db, &user.id).await?;
    state.index_notify.notify_one();
    // After the commit: the rows no longer point at these objects. A failure here leaves
    // unreachable objects (no URL serves them), logged for the operator.
    let leftovers = crate::storage::remove_unreferenced(&*state.store, &deletion.keys, &deletion.derivative_works).await;
    tracing::info!(works.withdrawn = deletion.withdrawn.len(), works.anonymised = deletion.anonymised.len(), leftovers, "account deleted");
    Ok(deletion)
}

/// Everyone with an account, for admins.
pub async fn people(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<PersonRow>> {
    actor.require_admin()?;
    Ok(accounts::list_people(&state.db).await?)
}

/// An admin gives someone a role.
pub async fn set_role(state: &AppState, actor: Actor<'_>, id: &str, role: &str) -> ServiceResult<()> {
    let admin = actor.require_admin()?;
    let role = Role::parse(role).ok_or_else(|| ServiceError::invalid("invalid_role"))?;
    // An operator belongs to a desk: they are named at /admin/desks, with it.
    if role == Role::Operator {
        return Err(ServiceError::invalid("operator_needs_desk"));
    }
    // An admin who demoted themselves could leave the piazza with no admin at all.
    if admin.id == id {
        return Err(ServiceError::conflict("own_role"));
    }
    accounts::find_by_id(&state.db, id).await?.ok_or(ServiceError::NotFound)?;
    users::set_role(&state.db, id, role, Some(&admin.id)).await?;
    tracing::info!(role = role.as_str(), "role changed by an admin");
    Ok(())
}

/// The audit log, for admins: every curator and admin action with its stated reason.
pub async fn audit(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<crate::db::audit::AuditEvent>> {
    actor.require_admin()?;
    Ok(crate::db::audit::recent(&state.db, 500).await?)
}
