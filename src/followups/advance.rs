//! Taking a follow-up one step: who may (the destination district's HEALTH or PEOPLES_COMMITTEE, or
//! province HEALTH), from which status (see [`machine`](super::machine)), with its note, by whom and
//! when, audited, at the version read.

use entity::{FollowUpStatus, district, follow_up, follow_up_step};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, NotSet, Set};

use super::machine;
use crate::auth::Actor;
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::kit::{self, Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource};

/// A step to take.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: i64,
    pub status: FollowUpStatus,
    pub note: Option<String>,
    pub expected_version: Option<i32>,
}

/// Takes the step. FORBIDDEN for an agency outside the destination district; INVALID_STATE for a step
/// out of order; CONFLICT on a stale version; BAD_USER_INPUT (`note`) when closing without an outcome.
#[tracing::instrument(skip_all, fields(follow_up.id = step.id))]
pub async fn advance(ctx: &Ctx<'_>, step: Step) -> AppResult<follow_up::Model> {
    let mut w = ctx.write().await?;
    let after = advance_within(&mut w, ctx.actor, step).await?;
    w.commit().await?;
    Ok(after)
}

/// Takes the step inside another workflow's write `w` (a quarantine case opened for this follow-up
/// moves it to QUARANTINED in the same transaction); asks the policy itself and commits nothing.
pub async fn advance_within(
    w: &mut Write<'_>,
    actor: &Actor,
    step: Step,
) -> AppResult<follow_up::Model> {
    let scope = policy::require(actor, Resource::FollowUp, Action::Write)?;
    let note = text(
        "note",
        step.note.as_deref(),
        Text::optional(500).multiline(),
    )?;
    if machine::needs_note(step.status) && note.is_none() {
        return Err(AppError::bad_input("note", "closing needs its outcome"));
    }
    let before = kit::by_id::<follow_up::Entity>(&**w, step.id).await?;
    let place: district::Model = lookup::by_id(&**w, before.district_id).await?;
    if !scope.covers_district(place.id, place.province_id) {
        return Err(AppError::forbidden(format!(
            "follow-up {} is for district {}; your agency works outside it",
            before.id, place.code
        )));
    }
    kit::check_version("follow-up", step.id, before.version, step.expected_version)?;
    if !machine::allowed(before.status, step.status) {
        let next: Vec<_> = machine::next(before.status)
            .iter()
            .map(|s| machine::name(*s))
            .collect();
        return Err(AppError::InvalidState(format!(
            "follow-up {} is {}; it may move to: {}",
            before.id,
            machine::name(before.status),
            if next.is_empty() {
                "nothing (closed)".into()
            } else {
                next.join(", ")
            }
        )));
    }
    let now = w.now();
    let mut row = follow_up::ActiveModel {
        status: Set(step.status),
        ..Default::default()
    };
    match step.status {
        FollowUpStatus::Contacted => row.contacted_at = Set(Some(now)),
        FollowUpStatus::Closed => {
            row.closed_at = Set(Some(now));
            row.outcome = Set(note.clone());
        }
        _ => {}
    }
    let also = Condition::all().add(follow_up::Column::Status.eq(before.status));
    let after = w
        .update_versioned::<follow_up::Entity>(step.id, before.version, row, also)
        .await?;
    follow_up_step::ActiveModel {
        id: NotSet,
        follow_up_id: Set(after.id),
        from_status: Set(Some(before.status)),
        to_status: Set(step.status),
        note: Set(note),
        agency_id: Set(Some(actor.agency_id)),
        taken_by: Set(actor.label()),
        taken_at: Set(now),
    }
    .insert(&**w)
    .await?;
    w.audit_changed("followUp.advance", "follow_up", after.id, &before, &after)
        .await?;
    w.emit(DomainEvent::FollowUp {
        follow_up_id: after.id,
        district_id: after.district_id,
    })
    .await?;
    Ok(after)
}
