//! Library desks (assisted submission): admins name the desks and their operators; an
//! operator sends works on behalf of people who may have no account and no email, and
//! hands them a receipt with a claim code; the person follows the work with the code and,
//! once they have an account, makes it theirs.
//!
//! Until it is claimed, a desk work's author is the operator who helped (so the operator
//! follows it, sees its privacy receipt and hears the decisions like any author), shown
//! under the name the person chose; the claim hands it to the person's account.

use super::accounts::{too_many, wait_s, HOUR_MS};
use super::submissions::{self, SubmissionInput};
use super::works::WorkList;
use super::{email_not_verified, Actor, ServiceError, ServiceResult};
use crate::db::accounts::{self, Reservation};
use crate::db::desks::{self, Desk, DeskWork};
use crate::db::users::User;
use crate::db::works::{self, Work};
use crate::domain::{ClaimCode, Contact, PersonName, Role, Slug, Status, Title};
use crate::state::AppState;

/// How many of an operator's works `/desk` lists.
const HELPED_LIST: i64 = 200;

/// A new desk: by an admin, or from the command line (`by` None).
pub async fn create(state: &AppState, by: Option<&User>, slug: &str, name: &str) -> ServiceResult<Desk> {
    let slug = Slug::parse(slug)?;
    let name = Title::parse(name)?.into_inner();
    desks::insert(&state.db, slug.as_str(), &name, by.map(|u| u.id.as_str())).await.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            ServiceError::conflict("desk_slug_taken")
        } else {
            e.into()
        }
    })
}

/// [`create`], by the admin who asks.
pub async fn create_as_admin(state: &AppState, actor: Actor<'_>, slug: &str, name: &str) -> ServiceResult<Desk> {
    let admin = actor.require_admin()?;
    create(state, Some(admin), slug, name).await
}

/// Every desk, for admins.
pub async fn all(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<Desk>> {
    actor.require_admin()?;
    Ok(desks::all(&state.db).await?)
}

/// Makes the person with this address an operator of the desk `slug`: by an admin, or
/// from the command line (`by` None).
pub async fn appoint(state: &AppState, by: Option<&User>, email: &str, slug: &str) -> ServiceResult<User> {
    let desk = desks::find_by_slug(&state.db, slug.trim()).await?.ok_or_else(|| ServiceError::invalid("unknown_desk"))?;
    let email = crate::auth::normalise_email(email).ok_or_else(|| ServiceError::invalid("invalid_email"))?;
    let person = crate::db::users::find_by_email(&state.db, &email).await?.ok_or(ServiceError::NotFound)?.user;
    if by.is_some_and(|admin| admin.id == person.id) {
        // An admin who made themselves an operator would leave the piazza without them.
        return Err(ServiceError::conflict("own_role"));
    }
    desks::set_operator(&state.db, &person.id, &desk.id, by.map(|u| u.id.as_str())).await?;
    Ok(User { role: Role::Operator, ..person })
}

/// [`appoint`], by the admin who asks.
pub async fn appoint_as_admin(state: &AppState, actor: Actor<'_>, email: &str, slug: &str) -> ServiceResult<User> {
    let admin = actor.require_admin()?;
    appoint(state, Some(admin), email, slug).await
}

/// The operator asking, with their desk; anyone else is refused.
async fn operator<'a>(state: &AppState, actor: Actor<'a>) -> ServiceResult<(&'a User, Desk)> {
    let user = actor.require()?;
    if user.role != Role::Operator {
        return Err(ServiceError::Forbidden);
    }
    let desk = desks::of_operator(&state.db, &user.id).await?.ok_or(ServiceError::Forbidden)?;
    Ok((user, desk))
}

/// The desk of the operator asking (Forbidden for anyone else).
pub async fn desk_of(state: &AppState, actor: Actor<'_>) -> ServiceResult<Desk> {
    Ok(operator(state, actor).await?.1)
}

/// What a desk submission answers: the new work and the code the person takes home.
pub struct Sent {
    pub id: String,
    pub claim_code: ClaimCode,
}

/// An operator sends a work on behalf of the person `input.on_behalf_name`: the call's
/// rules apply as to anyone, and its per-person limit counts that person.
pub async fn submit(state: &AppState, actor: Actor<'_>, input: SubmissionInput) -> ServiceResult<Sent> {
    let claim_code = ClaimCode::from_bits(rand::random());
    let desk = match operator(state, actor).await {
        Ok((user, desk)) => on_behalf(&input, user, &desk, &claim_code),
        Err(e) => Err(e),
    };
    let id = submissions::submit_with(state, actor, input, desk.map(Some)).await?;
    Ok(Sent { id, claim_code })
}

/// The desk part of a submission, checked: who is credited, how to reach them, consent.
fn on_behalf(input: &SubmissionInput, operator: &User, desk: &Desk, code: &ClaimCode) -> ServiceResult<DeskWork> {
    let credited_name = PersonName::parse(&input.on_behalf_name)?.into_inner();
    let contact = Contact::parse(&input.on_behalf_contact)?;
    if input.consent.trim() != "yes" {
        return Err(ServiceError::invalid("consent_required"));
    }
    Ok(DeskWork {
        desk_id: desk.id.clone(),
        helper_id: operator.id.clone(),
        credited_name,
        contact: contact.map(|c| c.as_str().to_owned()),
        claim_code: code.as_str().to_owned(),
    })
}

/// The works the operator asking helped with, newest first, with their statuses.
pub async fn helped(state: &AppState, actor: Actor<'_>) -> ServiceResult<WorkList> {
    let (user, _) = operator(state, actor).await?;
    let list = works::helped_by(&state.db, &user.id, HELPED_LIST).await?;
    WorkList::all(state, list, actor.reader()).await
}

/// What the printed receipt shows.
pub struct Receipt {
    pub work: Work,
    pub desk: Desk,
    pub code: ClaimCode,
}

/// The receipt of a work the operator asking sent and that is not yet claimed (NotFound
/// otherwise, as if it did not exist).
pub async fn receipt(state: &AppState, actor: Actor<'_>, work_id: &str) -> ServiceResult<Receipt> {
    let (user, desk) = operator(state, actor).await?;
    let work = works::find(&state.db, work_id)
        .await?
        .filter(|w| w.helper_id.as_deref() == Some(&user.id) && w.author_id == user.id && w.status != Status::Withdrawn)
        .ok_or(ServiceError::NotFound)?;
    let code = desks::code_of(&state.db, work_id).await?.ok_or(ServiceError::NotFound)?;
    let code = ClaimCode::parse(&code).map_err(|_| ServiceError::Internal(anyhow::anyhow!("the stored claim code of {work_id} is malformed")))?;
    Ok(Receipt { work, desk, code })
}

/// Counts one claim-code lookup or claim against the hourly limit of the address.
async fn reserve_lookup(state: &AppState, client: &str) -> ServiceResult<()> {
    let key = format!("claim:{client}");
    if let Reservation::Refused { until } = accounts::reserve_attempt(&state.db, &key, HOUR_MS, state.config.claim_lookups_per_address_per_hour).await? {
        tracing::info!("claim-code lookups refused by their hourly limit");
        return Err(too_many("too_many_claim_lookups", wait_s(until)));
    }
    Ok(())
}

/// What a claim code tells: the work's status and, when it was rejected or changes were
/// asked, the curator's reason. Nothing else: not the title, not who sent it.
pub struct ClaimStatus {
    pub status: Status,
    pub reason: Option<String>,
}

/// Looks a claim code up, as anyone may (rate-limited by `client`, the address's bucket).
pub async fn follow(state: &AppState, client: &str, typed: &str) -> ServiceResult<ClaimStatus> {
    reserve_lookup(state, client).await?;
    let code = ClaimCode::parse(typed)?;
    let claim = desks::live_claim(&state.db, code.as_str()).await?.ok_or(ServiceError::NotFound)?;
    let work = works::find(&state.db, &claim.work_id).await?.filter(|w| w.status != Status::Withdrawn).ok_or(ServiceError::NotFound)?;
    let reason = matches!(work.status, Status::Rejected | Status::ChangesRequested).then(|| work.review_reason.clone().unwrap_or_default());
    Ok(ClaimStatus { status: work.status, reason })
}

/// A signed-in person with a confirmed address makes the work of a code theirs; the code
/// stops working. Returns the work's id.
pub async fn claim(state: &AppState, actor: Actor<'_>, client: &str, typed: &str) -> ServiceResult<String> {
    let user = actor.require()?;
    if !user.email_verified {
        return Err(email_not_verified());
    }
    reserve_lookup(state, client).await?;
    let code = ClaimCode::parse(typed)?;
    let id = desks::claim(&state.db, code.as_str(), &user.id).await?.ok_or(ServiceError::NotFound)?;
    state.index_notify.notify_one();
    tracing::info!(work = %id, "a desk work was claimed");
    Ok(id)
}
