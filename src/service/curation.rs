//! What curators do to works: decisions with their reasons (and the mail that tells the
//! author), shortlists and features, bulk approval, the review queue, and the ready-made
//! reasons they pick from.

use super::works::WorkList;
use super::{Actor, Page, ServiceError, ServiceResult};
use crate::db::reasons::{self, ReasonTemplate};
use crate::db::review::{self, QueueFilter};
use crate::db::{calls, reactions, works};
use crate::domain::{Decision, Description, Flag, Kind, Status, Title};
use crate::state::AppState;

/// The most works one bulk approval takes: a page of the queue.
pub const MAX_BULK: usize = 200;
/// Works per page of the review queue.
pub const QUEUE_PAGE_SIZE: i64 = 100;
/// The longest reason a curator may give.
const MAX_REASON_CHARS: usize = 2000;

/// A decision as the curator sent it: the reason typed, or a template's when left empty.
pub struct DecisionInput<'a> {
    pub decision: &'a str,
    pub reason: &'a str,
    pub template_id: Option<&'a str>,
}

/// The reason a curator gives: typed, or taken from a template when left empty.
async fn resolve_reason(state: &AppState, reason: &str, template_id: Option<&str>) -> ServiceResult<String> {
    let reason = reason.trim();
    if !reason.is_empty() {
        return Ok(reason.to_owned());
    }
    match template_id.filter(|t| !t.is_empty()) {
        Some(id) => Ok(reasons::find(&state.db, id)
            .await?
            .ok_or_else(|| ServiceError::invalid("unknown_reason_template"))?
            .body),
        None => Ok(String::new()),
    }
}

/// The reason for `decision` as the author will read it: required unless approving, and
/// not too long.
pub(super) async fn checked_reason(state: &AppState, input: &DecisionInput<'_>, decision: Decision) -> ServiceResult<String> {
    let reason = resolve_reason(state, input.reason, input.template_id).await?;
    if decision.needs_reason() && reason.is_empty() {
        return Err(ServiceError::invalid("reason_required"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::invalid("reason_too_long").arg("max", MAX_REASON_CHARS));
    }
    Ok(reason)
}

/// Applies a curator's decision and tells the author by mail. `link_base` makes the link
/// in the mail; without it the mail goes without a link.
pub async fn decide(state: &AppState, actor: Actor<'_>, id: &str, input: DecisionInput<'_>, link_base: Option<&str>) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    let decision = Decision::parse(input.decision)
        .ok_or_else(|| ServiceError::invalid("invalid_decision"))?;
    let reason = checked_reason(state, &input, decision).await?;
    let work = works::find(&state.db, id).await?.filter(|w| w.status != Status::Withdrawn).ok_or(ServiceError::NotFound)?;
    if !review::decide(&state.db, id, decision, &reason, Some(&curator.id)).await? {
        return Err(ServiceError::conflict("not_reviewable"));
    }
    state.index_notify.notify_one();
    crate::notify::work_status(state, &work, decision.status(), &reason, &reason, link_base).await;
    Ok(())
}

/// Shortlists or features a work (or takes the mark away).
pub async fn set_flag(state: &AppState, actor: Actor<'_>, id: &str, flag: &str, on: bool) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    let flag = Flag::parse(flag).ok_or_else(|| ServiceError::invalid("invalid_flag"))?;
    works::find(&state.db, id).await?.filter(|w| w.status != Status::Withdrawn).ok_or(ServiceError::NotFound)?;
    if review::set_flag(&state.db, id, flag, on, &curator.id).await? {
        return Ok(());
    }
    Err(match flag {
        Flag::Featured => ServiceError::conflict("not_published"),
        Flag::Shortlisted => ServiceError::conflict("not_reviewable"),
    })
}

/// What a bulk approval did: nothing fails half-way silently.
#[derive(Debug, Default)]
pub struct BulkOutcome {
    pub approved: Vec<String>,
    /// Works that were not (or no longer) waiting for review: someone else decided first.
    pub skipped: Vec<String>,
}

/// Approves several works, each with its author's mail.
pub async fn bulk_approve(state: &AppState, actor: Actor<'_>, ids: &[String], link_base: Option<&str>) -> ServiceResult<BulkOutcome> {
    actor.require_curator()?;
    if ids.is_empty() {
        return Err(ServiceError::invalid("nothing_selected"));
    }
    if ids.len() > MAX_BULK {
        return Err(ServiceError::invalid("too_many_works").arg("max", MAX_BULK));
    }
    let mut outcome = BulkOutcome::default();
    for id in ids {
        let input = DecisionInput { decision: "approve", reason: "", template_id: None };
        match decide(state, actor, id, input, link_base).await {
            Ok(()) => outcome.approved.push(id.clone()),
            Err(ServiceError::NotFound) => outcome.skipped.push(id.clone()),
            Err(e) if e.is_refusal(super::Refusal::Conflict) => outcome.skipped.push(id.clone()),
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}

/// The review queue's filters as sent: unknown values are refused, not ignored.
#[derive(Debug, Default, Clone)]
pub struct QueueQuery {
    pub call: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub shortlisted_only: bool,
    pub page: i64,
}

impl QueueQuery {
    /// A yes/no filter as forms and links send it: a ticked checkbox or `1`/`true`.
    pub fn ticked(value: Option<&str>) -> bool {
        value.is_some_and(|s| s == "1" || s == "true" || s == "on")
    }
}

/// Turns the queue's query into a filter.
pub async fn queue_filter(state: &AppState, query: &QueueQuery) -> ServiceResult<QueueFilter> {
    let mut filter = QueueFilter::default();
    if let Some(slug) = query.call.as_deref().filter(|s| !s.is_empty()) {
        let call = calls::find_any_by_slug(&state.db, slug).await?.ok_or(ServiceError::NotFound)?;
        filter.call_id = Some(call.id);
    }
    if let Some(s) = query.status.as_deref().filter(|s| !s.is_empty()) {
        filter.status = Some(
            Status::parse(s)
                .filter(|s| *s != Status::Withdrawn)
                .ok_or_else(|| ServiceError::invalid("invalid_status"))?,
        );
    }
    if let Some(k) = query.kind.as_deref().filter(|s| !s.is_empty()) {
        filter.kind = Some(Kind::parse(k)?);
    }
    filter.shortlisted_only = query.shortlisted_only;
    Ok(filter)
}

/// A page of the review queue and the filter it was read with.
pub struct Queue {
    pub works: WorkList,
    pub filter: QueueFilter,
}

/// The works waiting for a curator (or in the status asked for), oldest first.
pub async fn queue(state: &AppState, actor: Actor<'_>, query: &QueueQuery) -> ServiceResult<Queue> {
    actor.require_curator()?;
    let filter = queue_filter(state, query).await?;
    let (limit, offset) = Page::window(query.page, QUEUE_PAGE_SIZE);
    let rows = review::queue(&state.db, &filter, limit, offset).await?;
    let (list, page) = Page::trim(query.page, QUEUE_PAGE_SIZE, rows);
    Ok(Queue { works: WorkList::load(state, list, page, actor.reader()).await?, filter })
}

/// Works the public reported, most reported first.
pub async fn open_reports(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<reactions::Reported>> {
    actor.require_curator()?;
    Ok(reactions::open_reports(&state.db).await?)
}

/// Checks a template's label and text.
fn parse_template(label: &str, body: &str) -> ServiceResult<(String, String)> {
    let label = Title::parse(label).map_err(|_| ServiceError::invalid("invalid_label"))?;
    let body = Description::parse(body)?.into_inner();
    if body.is_empty() || body.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::invalid("invalid_reason"));
    }
    Ok((label.into_inner(), body))
}

pub async fn reasons(state: &AppState, actor: Actor<'_>) -> ServiceResult<Vec<ReasonTemplate>> {
    actor.require_curator()?;
    Ok(reasons::list(&state.db).await?)
}

/// Saves a reason template: a new one without `id`, else replaces that one.
pub async fn save_reason(state: &AppState, actor: Actor<'_>, id: Option<&str>, label: &str, text: &str) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    let (label, text) = parse_template(label, text)?;
    if !reasons::save(&state.db, id, &label, &text, &curator.id).await? {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

pub async fn delete_reason(state: &AppState, actor: Actor<'_>, id: &str) -> ServiceResult<()> {
    let curator = actor.require_curator()?;
    if !reasons::delete(&state.db, id, &curator.id).await? {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}
