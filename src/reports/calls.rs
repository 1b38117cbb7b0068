//! Report calls: the province's Department of Health asks the districts for a report by a deadline (and
//! sets its own deadline for the aggregate); a report answering a call is due by the call's deadline.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{ReportKind, district, report_call};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::keyset::{self, Page, PageRequest};
use crate::kit::{Ctx, Text, text};
use crate::policy::{self, Action, Resource};

#[derive(Debug, Clone)]
pub struct NewCall {
    pub kind: ReportKind,
    pub period: NaiveDate,
    /// Districts called (GSO codes); empty for every district of the province.
    pub district_codes: Vec<String>,
    pub deadline: DateTime<Utc>,
    pub aggregate_deadline: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// Calls the districts of the caller's province for a report by a deadline (province HEALTH approvers).
#[tracing::instrument(skip_all)]
pub async fn create(ctx: &Ctx<'_>, input: NewCall) -> AppResult<report_call::Model> {
    policy::require(ctx.actor, Resource::Report, Action::Approve)?;
    if input.aggregate_deadline.is_some_and(|a| a < input.deadline) {
        return Err(AppError::bad_input(
            "aggregateDeadline",
            "after the districts' deadline",
        ));
    }
    let note = text("note", input.note.as_deref(), Text::optional(500))?;
    let write = ctx.write().await?;
    for code in &input.district_codes {
        let d = lookup::by_code(&*write, code)
            .await
            .map_err(|_| AppError::bad_input("districtCodes", format!("no district {code}")))?;
        if d.province_id != ctx.actor.province_id {
            return Err(AppError::bad_input(
                "districtCodes",
                format!("district {code} is in another province"),
            ));
        }
    }
    let called = (!input.district_codes.is_empty()).then(|| input.district_codes.join(","));
    let call = report_call::ActiveModel {
        id: NotSet,
        province_id: Set(ctx.actor.province_id),
        kind: Set(input.kind),
        period: Set(input.period),
        district_codes: Set(called),
        deadline: Set(input.deadline),
        aggregate_deadline: Set(input.aggregate_deadline),
        note: Set(note),
        issued_by: Set(ctx.actor.label()),
        created_at: Set(write.now()),
    }
    .insert(&*write)
    .await?;
    write
        .commit_created("report_call.create", "report_call", call.id, &call)
        .await?;
    Ok(call)
}

/// Report calls of the caller's province, by id; an empty page when it may not read reports.
pub async fn list(ctx: &Ctx<'_>, page: PageRequest) -> AppResult<Page<report_call::Model>> {
    if policy::read_scope(ctx.actor, Resource::Report).is_none() {
        return Ok(Page::empty());
    }
    let select = report_call::Entity::find()
        .filter(report_call::Column::ProvinceId.eq(ctx.actor.province_id));
    keyset::fetch(ctx.db, select, page).await
}

/// The call `id` of the caller's province, for the expected reports of a reporting status.
pub(super) async fn of_province(ctx: &Ctx<'_>, id: i32) -> AppResult<report_call::Model> {
    report_call::Entity::find_by_id(id)
        .one(ctx.db)
        .await?
        .filter(|c| c.province_id == ctx.actor.province_id)
        .ok_or_else(|| AppError::not_found("report call", id))
}

/// The call `id` a report of `kind` and `period` for `district` answers: it must ask for that kind,
/// period and province.
pub(super) async fn answered(
    conn: &impl ConnectionTrait,
    id: i32,
    kind: ReportKind,
    period: NaiveDate,
    district: &district::Model,
) -> AppResult<report_call::Model> {
    let call = report_call::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::bad_input("reportCallId", format!("no report call {id}")))?;
    if call.kind != kind || call.period != period || call.province_id != district.province_id {
        return Err(AppError::bad_input(
            "reportCallId",
            "the call asks for another kind, period or province",
        ));
    }
    Ok(call)
}

/// The districts a call names, when it names some; every district when `None`.
pub fn called_districts(call: &report_call::Model) -> Option<Vec<&str>> {
    call.district_codes
        .as_deref()
        .map(|codes| codes.split(',').collect())
}
