//! The report workflow, one state machine. A source (the district health centre or committee) saves
//! its draft and submits it; the province's HEALTH approvers accept it, which freezes it, or return it
//! for correction.
//!
//! | step   | who (policy action)             | from                 | to                       |
//! |--------|---------------------------------|----------------------|--------------------------|
//! | save   | writers of the district (Write) | new, DRAFT, RETURNED | DRAFT when new, else kept |
//! | submit | writers of the district (Write) | DRAFT, RETURNED      | SUBMITTED                |
//! | accept | HEALTH approvers (Approve)      | SUBMITTED            | ACCEPTED                 |
//! | return | HEALTH approvers (Approve)      | SUBMITTED            | RETURNED                 |
//!
//! Each step's rule is [`Step::rule`], what it writes besides the status [`Step::record`]; a step that
//! races another on the same report answers CONFLICT.

use chrono::Duration;
use entity::{ReportKind, ReportStatus, district, report};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, NotSet, QueryFilter, Set};

use super::calls;
use super::deadlines::due_at;
use super::figures::Figures;
use super::read::district_in_scope;
use crate::auth::Actor;
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::kit::{self, Ctx, Text, Write, check_version, text};
use crate::policy::{self, Action, Resource};

/// States in which the source may still edit its report, and submit it.
pub const EDITABLE: &[ReportStatus] = &[ReportStatus::Draft, ReportStatus::Returned];

/// A step on a saved report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Submit,
    Accept,
    /// Sends the report back, saying what to correct.
    Return {
        reason: String,
    },
}

/// Who may take a step, from which states, to which state, and the audit action that records it.
struct Rule {
    action: Action,
    from: &'static [ReportStatus],
    to: ReportStatus,
    audit: &'static str,
}

impl Step {
    fn rule(&self) -> Rule {
        use ReportStatus::{Accepted, Returned, Submitted};
        match self {
            Step::Submit => Rule {
                action: Action::Write,
                from: EDITABLE,
                to: Submitted,
                audit: "report.submit",
            },
            Step::Accept => Rule {
                action: Action::Approve,
                from: &[Submitted],
                to: Accepted,
                audit: "report.accept",
            },
            Step::Return { .. } => Rule {
                action: Action::Approve,
                from: &[Submitted],
                to: Returned,
                audit: "report.return",
            },
        }
    }

    /// The step with its input checked: a return says why, in at most 500 characters.
    fn checked(self) -> AppResult<Step> {
        match self {
            Step::Return { reason } => Ok(Step::Return {
                reason: text("reason", Some(&reason), Text::required(500))?.unwrap_or_default(),
            }),
            other => Ok(other),
        }
    }

    /// What the step writes on the report besides its status. A report is submitted only with figures
    /// that pass validation.
    fn record(
        self,
        before: &report::Model,
        row: &mut report::ActiveModel,
        actor: &Actor,
        at: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        match self {
            Step::Submit => {
                Figures::of(before).validate()?;
                row.submitted_at = Set(Some(at));
            }
            Step::Accept => {
                row.reviewed_at = Set(Some(at));
                row.reviewed_by = Set(Some(actor.label()));
            }
            Step::Return { reason } => {
                row.reviewed_at = Set(Some(at));
                row.reviewed_by = Set(Some(actor.label()));
                row.return_reason = Set(Some(reason));
            }
        }
        Ok(())
    }
}

/// Takes a step on a report, as [`Step::rule`] allows, with its audit row and its event.
#[tracing::instrument(skip_all, fields(report.id = id))]
pub async fn step(ctx: &Ctx<'_>, id: i32, step: Step) -> AppResult<report::Model> {
    let rule = step.rule();
    let scope = policy::require(ctx.actor, Resource::Report, rule.action)?;
    let step = step.checked()?;
    let mut write = ctx.write().await?;
    let before = kit::by_id::<report::Entity>(&*write, id).await?;
    let district = lookup::by_id(&*write, before.district_id).await?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "report {id} is for district {}, outside your scope",
            district.code
        )));
    }
    if !rule.from.contains(&before.status) {
        return Err(AppError::InvalidState(format!(
            "report {id} is {}",
            before.status.as_str()
        )));
    }
    let mut row: report::ActiveModel = before.clone().into();
    row.status = Set(rule.to);
    step.record(&before, &mut row, ctx.actor, write.now())?;
    let still = Condition::all().add(report::Column::Status.eq(before.status));
    let after = write
        .update_versioned::<report::Entity>(id, before.version, row, still)
        .await?;
    write
        .audit_changed(rule.audit, "report", id, &before, &after)
        .await?;
    write
        .emit(DomainEvent::Report {
            report_id: after.id,
            district_id: after.district_id,
        })
        .await?;
    write.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone)]
pub struct SaveReport {
    pub district_code: String,
    pub kind: ReportKind,
    pub period: chrono::NaiveDate,
    pub report_call_id: Option<i32>,
    pub figures: Figures,
    pub expected_version: Option<i32>,
}

/// Saves the caller's draft for a district and period: creates it, or edits the caller's draft or
/// returned report. Submitted and accepted reports cannot be edited.
#[tracing::instrument(skip_all, fields(district.code = %input.district_code))]
pub async fn save(ctx: &Ctx<'_>, input: SaveReport) -> AppResult<report::Model> {
    let scope = policy::require(ctx.actor, Resource::Report, Action::Write)?;
    input.figures.validate()?;
    if input.period > ctx.today() + Duration::days(1) {
        return Err(AppError::bad_input("period", "not in the future"));
    }
    let write = ctx.write().await?;
    let district = district_in_scope(&*write, &scope, &input.district_code).await?;
    let call = match input.report_call_id {
        Some(id) => Some(calls::answered(&*write, id, input.kind, input.period, &district).await?),
        None => None,
    };
    let due = due_at(input.kind, input.period, call.as_ref())?;
    let existing = report::Entity::find()
        .filter(report::Column::DistrictId.eq(district.id))
        .filter(report::Column::Kind.eq(input.kind))
        .filter(report::Column::Period.eq(input.period))
        .filter(report::Column::SourceAgencyId.eq(ctx.actor.agency_id))
        .one(&*write)
        .await?;
    let saved = match existing {
        Some(before) => edit(&write, before, &input, due).await?,
        None => create(&write, &district, &input, due).await?,
    };
    write.commit().await?;
    Ok(saved)
}

async fn edit(
    write: &Write<'_>,
    before: report::Model,
    input: &SaveReport,
    due: chrono::DateTime<chrono::Utc>,
) -> AppResult<report::Model> {
    if !EDITABLE.contains(&before.status) {
        return Err(AppError::InvalidState(format!(
            "report {} is {}; it can no longer be edited",
            before.id,
            before.status.as_str()
        )));
    }
    check_version("report", before.id, before.version, input.expected_version)?;
    let mut row: report::ActiveModel = before.clone().into();
    input.figures.apply(&mut row);
    row.due_at = Set(due);
    row.report_call_id = Set(input.report_call_id);
    let still = Condition::all().add(report::Column::Status.eq(before.status));
    let after = write
        .update_versioned::<report::Entity>(before.id, before.version, row, still)
        .await?;
    write
        .audit_changed("report.save", "report", after.id, &before, &after)
        .await?;
    Ok(after)
}

async fn create(
    write: &Write<'_>,
    district: &district::Model,
    input: &SaveReport,
    due: chrono::DateTime<chrono::Utc>,
) -> AppResult<report::Model> {
    let now = write.now();
    let mut row = report::ActiveModel {
        id: NotSet,
        district_id: Set(district.id),
        kind: Set(input.kind),
        period: Set(input.period),
        source_agency_id: Set(write.ctx().actor.agency_id),
        report_call_id: Set(input.report_call_id),
        status: Set(ReportStatus::Draft),
        due_at: Set(due),
        submitted_at: Set(None),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        return_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    input.figures.apply(&mut row);
    let created = row.insert(&**write).await?;
    write
        .audit_created("report.save", "report", created.id, &created)
        .await?;
    Ok(created)
}
