//! What the public says about published works: appreciations, and reports that hide a
//! work from the gallery until a curator decides.

use super::{email_not_verified, Actor, ServiceError, ServiceResult};
use crate::db::reactions::{self, ReportOutcome};
use crate::db::users::User;
use crate::db::works;
use crate::domain::{Description, Status};
use crate::state::AppState;

/// The longest report: a few words on what is wrong.
const MAX_REPORT_CHARS: usize = 1000;

fn confirmed<'a>(actor: Actor<'a>) -> ServiceResult<&'a User> {
    let user = actor.require()?;
    if user.email_verified { Ok(user) } else { Err(email_not_verified()) }
}

async fn require_published(state: &AppState, id: &str) -> ServiceResult<()> {
    works::find(&state.db, id).await?.filter(|w| w.status == Status::Published).ok_or(ServiceError::NotFound)?;
    Ok(())
}

/// Appreciates a published work (once per person); returns the new count.
pub async fn appreciate(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<i64> {
    let user = confirmed(actor)?;
    require_published(state, id).await?;
    reactions::appreciate(&state.db, id, &user.id).await?;
    Ok(reactions::appreciations(&state.db, id).await?)
}

/// Reports a published work to the curators; enough open reports hide it pending review.
pub async fn report(state: &AppState, actor: Actor<'_>, id: &str, reason: &str, link_base: Option<&str>) -> ServiceResult<ReportOutcome> {
    let user = confirmed(actor)?;
    let reason = Description::parse(reason)?.into_inner();
    if reason.is_empty() || reason.chars().count() > MAX_REPORT_CHARS {
        return Err(ServiceError::invalid("reason_required"));
    }
    require_published(state, id).await?;
    let outcome = reactions::report(&state.db, id, &user.id, &reason, state.config.report_hide_threshold).await?;
    if outcome.hidden {
        state.index_notify.notify_one();
        tracing::info!(work.id = %id, "work hidden by reports until a curator decides");
        crate::notify::hidden_by_reports(state, id, link_base).await;
    }
    Ok(outcome)
}
