//! Supervision of people in quarantine: the commune's community team records its visits (finding a
//! person away from home isolation breaks the commitment), police record violations. Both alert
//! health of the case's district; an abscondment also ends the case.

use chrono::{DateTime, Utc};
use entity::{
    QuarantineKind, QuarantineNoteKind, QuarantineStatus, ViolationKind, quarantine_case,
    quarantine_note,
};
use sea_orm::{ActiveModelTrait, NotSet, Set};

use super::cases;
use crate::checkpoints::alerts::{self, AlertOrigin};
use crate::checkpoints::posts::beyond_skew;
use crate::error::{AppError, AppResult};
use crate::kit::{Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource};

/// A visit or a violation to record.
#[derive(Debug, Clone)]
pub struct NewNote {
    pub case_id: i64,
    pub at: DateTime<Utc>,
    /// On a visit: whether the person was there.
    pub present: Option<bool>,
    /// On a violation: what it was.
    pub violation: Option<ViolationKind>,
    pub note: Option<String>,
}

/// The commune's team (a People's Committee) or health records a supervision visit to an OPEN case.
#[tracing::instrument(skip_all, fields(case.id = input.case_id))]
pub async fn record_visit(ctx: &Ctx<'_>, input: NewNote) -> AppResult<quarantine_case::Model> {
    let scope = policy::require(ctx.actor, Resource::QuarantineVisit, Action::Write)?;
    let present = input
        .present
        .ok_or_else(|| AppError::bad_input("present", "required"))?;
    let mut w = ctx.write().await?;
    let case = cases::in_scope(&w, scope, input.case_id).await?;
    insert(&w, &case, QuarantineNoteKind::Visit, &input).await?;
    if !present && case.kind == QuarantineKind::HomeIsolation {
        alert(&mut w, &case, "COMMITMENT_BROKEN").await?;
    }
    w.commit().await?;
    Ok(case)
}

/// Police record a violation of an OPEN case; an abscondment ends the case as ABSCONDED.
#[tracing::instrument(skip_all, fields(case.id = input.case_id))]
pub async fn record_violation(ctx: &Ctx<'_>, input: NewNote) -> AppResult<quarantine_case::Model> {
    let scope = policy::require(ctx.actor, Resource::QuarantineViolation, Action::Write)?;
    let violation = input
        .violation
        .ok_or_else(|| AppError::bad_input("violation", "required"))?;
    let mut w = ctx.write().await?;
    let case = cases::in_scope(&w, scope, input.case_id).await?;
    insert(&w, &case, QuarantineNoteKind::Violation, &input).await?;
    let case = match violation {
        ViolationKind::Absconded => {
            // The abscondment alert is raised by ending the case.
            let reason = Some("absconded (police)".to_owned());
            cases::end_in(
                &mut w,
                scope,
                case.id,
                QuarantineStatus::Absconded,
                reason,
                None,
            )
            .await?
        }
        ViolationKind::CommitmentBroken => {
            alert(&mut w, &case, "COMMITMENT_BROKEN").await?;
            case
        }
        ViolationKind::Other => case,
    };
    w.commit().await?;
    Ok(case)
}

async fn insert(
    w: &Write<'_>,
    case: &quarantine_case::Model,
    kind: QuarantineNoteKind,
    input: &NewNote,
) -> AppResult<()> {
    if case.status != QuarantineStatus::Open {
        return Err(AppError::InvalidState(format!(
            "quarantine case {} is {}, not OPEN",
            case.id,
            case.status.as_str()
        )));
    }
    if beyond_skew(input.at, w.now()) {
        return Err(AppError::bad_input("at", "in the future"));
    }
    if input.at < case.started_at {
        return Err(AppError::bad_input("at", "before the case started"));
    }
    let note = text(
        "note",
        input.note.as_deref(),
        Text::optional(1000).multiline(),
    )?;
    let saved = quarantine_note::ActiveModel {
        id: NotSet,
        case_id: Set(case.id),
        kind: Set(kind),
        violation: Set(input.violation),
        at: Set(input.at),
        present: Set(input.present),
        note: Set(note),
        recorded_by: Set(w.ctx().actor.label()),
        created_at: Set(w.now()),
    }
    .insert(&**w)
    .await?;
    w.audit_created(
        "quarantine_note.record",
        "quarantine_note",
        saved.id,
        &saved,
    )
    .await
}

async fn alert(w: &mut Write<'_>, case: &quarantine_case::Model, reason: &str) -> AppResult<()> {
    let origin = AlertOrigin {
        quarantine_case_id: Some(case.id),
        ..AlertOrigin::default()
    };
    alerts::raise_for(w, origin, case.district_id, &[reason]).await?;
    Ok(())
}
