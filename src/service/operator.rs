//! What the person who runs the server does at the console (`piazza user …`, `piazza token
//! …`, `piazza demo`): whoever can run the binary on the server already holds every key, so
//! these take no actor. Refusals are the same as the pages'.

use super::{ServiceError, ServiceResult};
use crate::auth;
use crate::db::users::{self, User};
use crate::domain::{check_new_password, PersonName, Role};
use crate::state::AppState;

fn email_of(email: &str) -> ServiceResult<String> {
    auth::normalise_email(email).ok_or_else(|| ServiceError::invalid("invalid_email"))
}

async fn person(state: &AppState, email: &str) -> ServiceResult<User> {
    let email = email_of(email)?;
    Ok(users::find_by_email(&state.db, &email).await?.ok_or(ServiceError::NotFound)?.user)
}

/// The person with this address, if there is one.
pub async fn find(state: &AppState, email: &str) -> ServiceResult<Option<User>> {
    match person(state, email).await {
        Ok(user) => Ok(Some(user)),
        Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Adds a person with a confirmed address and a role (curators and admins are added so).
pub async fn add_person(state: &AppState, email: &str, name: &str, role: Role, password: &str) -> ServiceResult<User> {
    let email = email_of(email)?;
    let name = PersonName::parse(name)?.into_inner();
    check_new_password(password)?;
    let password = password.to_owned();
    let hash = state.request_pool.run(move || auth::hash_password(&password)).await??;
    users::insert(&state.db, &email, &name, role, &hash).await.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            ServiceError::conflict("email_taken")
        } else {
            e.into()
        }
    })
}

/// Gives the person with this address a role.
pub async fn set_role(state: &AppState, email: &str, role: Role) -> ServiceResult<User> {
    let user = person(state, email).await?;
    users::set_role(&state.db, &user.id, role, None).await?;
    Ok(User { role, ..user })
}

/// A new API token for the person with this address; only its hash is kept.
pub async fn create_api_token(state: &AppState, email: &str) -> ServiceResult<String> {
    let user = person(state, email).await?;
    let token = auth::new_token();
    users::insert_api_token(&state.db, &auth::token_hash(&token), &user.id).await?;
    Ok(token)
}
