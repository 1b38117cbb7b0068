//! Answers to data calls, as reports work today: the addressee saves a draft and submits it; the
//! compiling agency accepts it, which freezes it, or returns it for correction.
//!
//! | step   | who                                    | from                 | to        |
//! |--------|----------------------------------------|----------------------|-----------|
//! | save   | an addressee (Answer Write)            | new, DRAFT, RETURNED | DRAFT when new, else kept |
//! | submit | the answering agency (Answer Write)    | DRAFT, RETURNED      | SUBMITTED |
//! | accept | the compiling agency (Answer Approve)  | SUBMITTED            | ACCEPTED  |
//! | return | the compiling agency (Answer Approve)  | SUBMITTED            | RETURNED  |

use std::collections::BTreeMap;

use entity::{ReportStatus, agency, call_answer, data_call};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, NotSet, QueryFilter, QueryOrder, Select,
    Set,
};

use super::calls;
use super::forms::{check_values, to_json};
use crate::error::{AppError, AppResult};
use crate::keyset::{self, Page, PageRequest};
use crate::kit::{self, Ctx, Text, Write, check_version, text};
use crate::policy::{self, Action, Resource, Scope};

/// States in which the answering agency may still edit and submit.
pub const EDITABLE: &[ReportStatus] = &[ReportStatus::Draft, ReportStatus::Returned];

/// An answer's values by field name.
pub fn values(a: &call_answer::Model) -> BTreeMap<String, String> {
    serde_json::from_str(&a.field_values).unwrap_or_default()
}

/// Whether an answer was (or, unsubmitted, is by `now`) late for its call.
pub fn late(
    a: Option<&call_answer::Model>,
    call: &data_call::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    match a.and_then(|a| a.submitted_at) {
        Some(at) => at > call.deadline,
        None => now > call.deadline,
    }
}

#[derive(Debug, Clone)]
pub struct SaveAnswer {
    pub call_id: i32,
    pub values: BTreeMap<String, String>,
    pub expected_version: Option<i32>,
}

/// Saves the caller's answer to a call addressed to it (creates it, or edits its draft or returned
/// answer). FORBIDDEN when the call does not address the caller's agency.
#[tracing::instrument(skip_all, fields(call.id = input.call_id))]
pub async fn save(ctx: &Ctx<'_>, input: SaveAnswer) -> AppResult<call_answer::Model> {
    policy::require(ctx.actor, Resource::Answer, Action::Write)?;
    let write = ctx.write().await?;
    let saved = save_in(&write, input, None).await?;
    write.commit().await?;
    Ok(saved)
}

/// Saves an answer within an open write: the caller's own, or (`on_behalf`, for an import by the
/// compiling agency) another addressee's.
pub(super) async fn save_in(
    write: &Write<'_>,
    input: SaveAnswer,
    on_behalf: Option<&agency::Model>,
) -> AppResult<call_answer::Model> {
    let ctx = write.ctx();
    let call = calls::of_province(&**write, ctx.actor, input.call_id).await?;
    let (agency_id, district_id) = match on_behalf {
        Some(a) => (a.id, a.district_id),
        None => {
            if !calls::addresses_actor(&call, ctx.actor) {
                return Err(AppError::forbidden(format!(
                    "call {} is not addressed to agency {}",
                    call.id, ctx.actor.agency_code
                )));
            }
            (ctx.actor.agency_id, ctx.actor.district_id)
        }
    };
    let form = calls::form_of(&**write, &call).await?;
    let given: BTreeMap<String, String> = input
        .values
        .into_iter()
        .map(|(k, v)| (k, v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    check_values(&form, &given, false)?;
    let existing = call_answer::Entity::find()
        .filter(call_answer::Column::CallId.eq(call.id))
        .filter(call_answer::Column::AgencyId.eq(agency_id))
        .one(&**write)
        .await?;
    let now = write.now();
    match existing {
        Some(before) => {
            if !EDITABLE.contains(&before.status) {
                return Err(AppError::InvalidState(format!(
                    "answer {} is {}; it can no longer be edited",
                    before.id,
                    before.status.as_str()
                )));
            }
            check_version("answer", before.id, before.version, input.expected_version)?;
            let mut row: call_answer::ActiveModel = before.clone().into();
            row.field_values = Set(to_json(&given)?);
            let still = Condition::all().add(call_answer::Column::Status.eq(before.status));
            let after = write
                .update_versioned::<call_answer::Entity>(before.id, before.version, row, still)
                .await?;
            write
                .audit_changed("answer.save", "call_answer", after.id, &before, &after)
                .await?;
            Ok(after)
        }
        None => {
            let created = call_answer::ActiveModel {
                id: NotSet,
                call_id: Set(call.id),
                agency_id: Set(agency_id),
                district_id: Set(district_id),
                status: Set(ReportStatus::Draft),
                field_values: Set(to_json(&given)?),
                submitted_at: Set(None),
                reviewed_at: Set(None),
                reviewed_by: Set(None),
                return_reason: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&**write)
            .await
            .map_err(|e| {
                if crate::error::is_unique_violation(&e) {
                    AppError::Conflict(
                        "the answer was saved at the same moment; reload and retry".into(),
                    )
                } else {
                    e.into()
                }
            })?;
            write
                .audit_created("answer.save", "call_answer", created.id, &created)
                .await?;
            Ok(created)
        }
    }
}

/// A step on a saved answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Submit,
    Accept,
    Return { reason: String },
}

/// Takes a step: the answering agency submits (required fields and rules checked); the compiling agency
/// accepts or returns.
#[tracing::instrument(skip_all, fields(answer.id = id))]
pub async fn step(ctx: &Ctx<'_>, id: i32, step: Step) -> AppResult<call_answer::Model> {
    use ReportStatus::{Accepted, Returned, Submitted};
    let (action, from, to, audit): (_, &[ReportStatus], _, _) = match &step {
        Step::Submit => (Action::Write, EDITABLE, Submitted, "answer.submit"),
        Step::Accept => (Action::Approve, &[Submitted], Accepted, "answer.accept"),
        Step::Return { .. } => (Action::Approve, &[Submitted], Returned, "answer.return"),
    };
    policy::require(ctx.actor, Resource::Answer, action)?;
    let reason = match &step {
        Step::Return { reason } => text("reason", Some(reason), Text::required(500))?,
        _ => None,
    };
    let write = ctx.write().await?;
    let before = kit::by_id::<call_answer::Entity>(&*write, id).await?;
    let call = calls::of_province(&*write, ctx.actor, before.call_id)
        .await
        .map_err(|_| AppError::not_found("answer", id))?;
    let mine = match step {
        Step::Submit => before.agency_id == ctx.actor.agency_id,
        _ => call.compiler_agency_id == ctx.actor.agency_id,
    };
    if !mine {
        return Err(AppError::forbidden(match step {
            Step::Submit => format!("answer {id} is another agency's"),
            _ => format!(
                "only the compiling agency of call {} accepts or returns its answers",
                call.id
            ),
        }));
    }
    if !from.contains(&before.status) {
        return Err(AppError::InvalidState(format!(
            "answer {id} is {}",
            before.status.as_str()
        )));
    }
    let now = write.now();
    let mut row: call_answer::ActiveModel = before.clone().into();
    row.status = Set(to);
    match step {
        Step::Submit => {
            let form = calls::form_of(&*write, &call).await?;
            check_values(&form, &values(&before), true)?;
            row.submitted_at = Set(Some(now));
        }
        Step::Accept | Step::Return { .. } => {
            row.reviewed_at = Set(Some(now));
            row.reviewed_by = Set(Some(ctx.actor.label()));
            row.return_reason = Set(reason);
        }
    }
    let still = Condition::all().add(call_answer::Column::Status.eq(before.status));
    let after = write
        .update_versioned::<call_answer::Entity>(id, before.version, row, still)
        .await?;
    write
        .audit_changed(audit, "call_answer", id, &before, &after)
        .await?;
    write.commit().await?;
    Ok(after)
}

/// The answers to a call the caller may read: all of them for the province's readers, those of its
/// district for a district-level reader, its own for an addressee. `None` when it may read none; NOT_FOUND
/// for a call of another province.
async fn readable(ctx: &Ctx<'_>, call_id: i32) -> AppResult<Option<Select<call_answer::Entity>>> {
    let Some(scope) = policy::read_scope(ctx.actor, Resource::Answer) else {
        return Ok(None);
    };
    let call = calls::of_province(ctx.db, ctx.actor, call_id).await?;
    let select = call_answer::Entity::find().filter(call_answer::Column::CallId.eq(call.id));
    Ok(Some(match scope {
        Scope::Province { .. } => select,
        Scope::District { district_id, .. } => select.filter(
            Condition::any()
                .add(call_answer::Column::DistrictId.eq(district_id))
                .add(call_answer::Column::AgencyId.eq(ctx.actor.agency_id)),
        ),
        _ => select.filter(call_answer::Column::AgencyId.eq(ctx.actor.agency_id)),
    }))
}

/// Every answer to a call the caller may read ([`readable`]), by id: the CSV export.
pub async fn of_call(ctx: &Ctx<'_>, call_id: i32) -> AppResult<Vec<call_answer::Model>> {
    match readable(ctx, call_id).await? {
        Some(select) => Ok(select
            .order_by_asc(call_answer::Column::Id)
            .all(ctx.db)
            .await?),
        None => Ok(Vec::new()),
    }
}

/// One page of the answers to a call the caller may read ([`readable`]), by id.
pub async fn page_of_call(
    ctx: &Ctx<'_>,
    call_id: i32,
    page: PageRequest,
) -> AppResult<Page<call_answer::Model>> {
    match readable(ctx, call_id).await? {
        Some(select) => keyset::fetch(ctx.db, select, page).await,
        None => Ok(Page::empty()),
    }
}
