//! Report rules: due times, lateness (derived, never stored), validation of figures, the
//! draft -> submitted -> accepted / returned workflow, reporting status, reconciliation of the two sources,
//! the province summary and epidemic levels.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use entity::{AgencyKind, ReportKind, ReportStatus, agency, district, report, report_call};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::levels::{Inputs, RuleTable};
use crate::audit::{self, Change};
use crate::auth::Actor;
use crate::districts::lookup::{by_code as find_by_code, in_district};
use crate::districts::service::meets_treatment_capacity;
use crate::error::{AppError, AppResult};
use crate::events::{DomainEvent, EventBus};
use crate::keyset::{self, Page, PageRequest};
use crate::policy::{self, Action, Resource, Scope};

/// Largest figure accepted.
pub const MAX_FIGURE: i64 = 20_000_000;

/// An instant in province time (UTC+7); `None` at the very ends of the calendar.
fn local(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    date.and_time(time)
        .checked_sub_signed(Duration::hours(7))
        .map(|t| t.and_utc())
}

/// When a report is due: daily vaccination at 17:00 on its date; weekly epidemic reports before Wednesday
/// of the following week (Tuesday 24:00); a report answering a call, by the call's deadline.
pub fn due_at(
    kind: ReportKind,
    period: NaiveDate,
    call: Option<&report_call::Model>,
) -> AppResult<DateTime<Utc>> {
    if let Some(call) = call {
        return Ok(call.deadline);
    }
    let five_pm = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default();
    let due = match kind {
        ReportKind::DailyVaccination | ReportKind::VaccinationCensus => local(period, five_pm),
        ReportKind::WeeklyEpidemic => {
            if period.weekday() != Weekday::Mon {
                return Err(AppError::bad_input(
                    "period",
                    "a weekly report's period is the Monday of its week",
                ));
            }
            period
                .checked_add_signed(Duration::days(9))
                .and_then(|day| local(day, NaiveTime::MIN))
        }
    };
    due.ok_or_else(|| AppError::bad_input("period", "outside the calendar"))
}

/// Late: submitted after the due time, or still not submitted once it has passed.
pub fn is_late(r: &report::Model, now: DateTime<Utc>) -> bool {
    r.submitted_at.map_or(now > r.due_at, |s| s > r.due_at)
}

/// The typed figures of a report; `None` is "not reported".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub adults_18_plus: Option<i64>,
    pub adults_dose1: Option<i64>,
    pub adults_full: Option<i64>,
    pub adolescents_15_17_dose1: Option<i64>,
    pub doses_administered_today: Option<i64>,
    pub unvaccinated_contraindicated: Option<i64>,
    pub unvaccinated_deferred: Option<i64>,
    pub unvaccinated_refused: Option<i64>,
    pub unvaccinated_absent: Option<i64>,
    pub unvaccinated_other: Option<i64>,
    pub new_cases_community: Option<i64>,
    pub new_cases_in_quarantine: Option<i64>,
    pub tests_performed: Option<i64>,
    pub patients_in_treatment: Option<i64>,
    pub deaths: Option<i64>,
    pub beds_available: Option<i64>,
}

impl Figures {
    /// Figures from their values in the order of [`Figures::named`] (the CSV column order too).
    pub fn from_values(values: &[Option<i64>; 16]) -> Figures {
        Figures {
            adults_18_plus: values[0],
            adults_dose1: values[1],
            adults_full: values[2],
            adolescents_15_17_dose1: values[3],
            doses_administered_today: values[4],
            unvaccinated_contraindicated: values[5],
            unvaccinated_deferred: values[6],
            unvaccinated_refused: values[7],
            unvaccinated_absent: values[8],
            unvaccinated_other: values[9],
            new_cases_community: values[10],
            new_cases_in_quarantine: values[11],
            tests_performed: values[12],
            patients_in_treatment: values[13],
            deaths: values[14],
            beds_available: values[15],
        }
    }

    /// Every figure with its API name, for validation messages and reconciliation.
    pub fn named(&self) -> [(&'static str, Option<i64>); 16] {
        [
            ("adults18Plus", self.adults_18_plus),
            ("adultsDose1", self.adults_dose1),
            ("adultsFull", self.adults_full),
            ("adolescents1517Dose1", self.adolescents_15_17_dose1),
            ("dosesAdministeredToday", self.doses_administered_today),
            (
                "unvaccinatedContraindicated",
                self.unvaccinated_contraindicated,
            ),
            ("unvaccinatedDeferred", self.unvaccinated_deferred),
            ("unvaccinatedRefused", self.unvaccinated_refused),
            ("unvaccinatedAbsent", self.unvaccinated_absent),
            ("unvaccinatedOther", self.unvaccinated_other),
            ("newCasesCommunity", self.new_cases_community),
            ("newCasesInQuarantine", self.new_cases_in_quarantine),
            ("testsPerformed", self.tests_performed),
            ("patientsInTreatment", self.patients_in_treatment),
            ("deaths", self.deaths),
            ("bedsAvailable", self.beds_available),
        ]
    }

    pub fn of(r: &report::Model) -> Figures {
        Figures {
            adults_18_plus: r.adults_18_plus,
            adults_dose1: r.adults_dose1,
            adults_full: r.adults_full,
            adolescents_15_17_dose1: r.adolescents_15_17_dose1,
            doses_administered_today: r.doses_administered_today,
            unvaccinated_contraindicated: r.unvaccinated_contraindicated,
            unvaccinated_deferred: r.unvaccinated_deferred,
            unvaccinated_refused: r.unvaccinated_refused,
            unvaccinated_absent: r.unvaccinated_absent,
            unvaccinated_other: r.unvaccinated_other,
            new_cases_community: r.new_cases_community,
            new_cases_in_quarantine: r.new_cases_in_quarantine,
            tests_performed: r.tests_performed,
            patients_in_treatment: r.patients_in_treatment,
            deaths: r.deaths,
            beds_available: r.beds_available,
        }
    }

    /// Sets every figure of a report row.
    pub fn apply(&self, row: &mut report::ActiveModel) {
        row.adults_18_plus = Set(self.adults_18_plus);
        row.adults_dose1 = Set(self.adults_dose1);
        row.adults_full = Set(self.adults_full);
        row.adolescents_15_17_dose1 = Set(self.adolescents_15_17_dose1);
        row.doses_administered_today = Set(self.doses_administered_today);
        row.unvaccinated_contraindicated = Set(self.unvaccinated_contraindicated);
        row.unvaccinated_deferred = Set(self.unvaccinated_deferred);
        row.unvaccinated_refused = Set(self.unvaccinated_refused);
        row.unvaccinated_absent = Set(self.unvaccinated_absent);
        row.unvaccinated_other = Set(self.unvaccinated_other);
        row.new_cases_community = Set(self.new_cases_community);
        row.new_cases_in_quarantine = Set(self.new_cases_in_quarantine);
        row.tests_performed = Set(self.tests_performed);
        row.patients_in_treatment = Set(self.patients_in_treatment);
        row.deaths = Set(self.deaths);
        row.beds_available = Set(self.beds_available);
    }

    /// No negative or absurd figure; dose 1 within adults, full within dose 1; the unvaccinated by reason
    /// add up to the adults without dose 1 where all are given. Each failure names its field.
    pub fn validate(&self) -> AppResult<()> {
        for (name, value) in self.named() {
            if let Some(v) = value
                && !(0..=MAX_FIGURE).contains(&v)
            {
                return Err(AppError::bad_input(
                    format!("figures.{name}"),
                    format!("must be between 0 and {MAX_FIGURE}"),
                ));
            }
        }
        if let (Some(dose1), Some(adults)) = (self.adults_dose1, self.adults_18_plus)
            && dose1 > adults
        {
            return Err(AppError::bad_input(
                "figures.adultsDose1",
                format!("{dose1} exceeds the {adults} adults"),
            ));
        }
        if let (Some(full), Some(dose1)) = (self.adults_full, self.adults_dose1)
            && full > dose1
        {
            return Err(AppError::bad_input(
                "figures.adultsFull",
                format!("{full} exceeds the {dose1} with dose 1"),
            ));
        }
        let reasons = [
            self.unvaccinated_contraindicated,
            self.unvaccinated_deferred,
            self.unvaccinated_refused,
            self.unvaccinated_absent,
            self.unvaccinated_other,
        ];
        if let (Some(adults), Some(dose1)) = (self.adults_18_plus, self.adults_dose1)
            && reasons.iter().any(Option::is_some)
        {
            let total: i64 = reasons.iter().flatten().sum();
            if total != adults - dose1 {
                return Err(AppError::bad_input(
                    "figures.unvaccinated",
                    format!(
                        "the unvaccinated by reason add up to {total}, not the {} adults without dose 1",
                        adults - dose1
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct SaveReport {
    pub district_code: String,
    pub kind: ReportKind,
    pub period: NaiveDate,
    pub report_call_id: Option<i32>,
    pub figures: Figures,
    pub expected_version: Option<i32>,
}

async fn district_in_scope(
    txn: &DatabaseTransaction,
    scope: &Scope,
    code: &str,
) -> AppResult<district::Model> {
    let d = find_by_code(txn, code).await?;
    if !scope.covers_district(d.id, d.province_id) {
        return Err(AppError::forbidden(format!(
            "district {code} is outside your scope"
        )));
    }
    Ok(d)
}

fn event_of(r: &report::Model) -> DomainEvent {
    DomainEvent::Report {
        report_id: r.id,
        district_id: r.district_id,
    }
}

/// Saves the caller's draft for a district and period (creating it, or editing a draft or a returned
/// report). Submitted and accepted reports cannot be edited.
#[tracing::instrument(skip_all, fields(district.code = %input.district_code))]
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    input: SaveReport,
) -> AppResult<report::Model> {
    let scope = policy::require(actor, Resource::Report, Action::Write)?;
    input.figures.validate()?;
    let today = crate::clock::today();
    if input.period > today + Duration::days(1) {
        return Err(AppError::bad_input("period", "not in the future"));
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    let district = district_in_scope(txn, &scope, &input.district_code).await?;
    let call = match input.report_call_id {
        Some(id) => {
            let call = report_call::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(|| {
                    AppError::bad_input("reportCallId", format!("no report call {id}"))
                })?;
            if call.kind != input.kind
                || call.period != input.period
                || call.province_id != district.province_id
            {
                return Err(AppError::bad_input(
                    "reportCallId",
                    "the call asks for another kind, period or province",
                ));
            }
            Some(call)
        }
        None => None,
    };
    let due = due_at(input.kind, input.period, call.as_ref())?;
    let existing = report::Entity::find()
        .filter(report::Column::DistrictId.eq(district.id))
        .filter(report::Column::Kind.eq(input.kind))
        .filter(report::Column::Period.eq(input.period))
        .filter(report::Column::SourceAgencyId.eq(actor.agency_id))
        .one(txn)
        .await?;
    let now = Utc::now();
    let saved = match existing {
        Some(before) => {
            if matches!(
                before.status,
                ReportStatus::Submitted | ReportStatus::Accepted
            ) {
                return Err(AppError::InvalidState(format!(
                    "report {} is {}; it can no longer be edited",
                    before.id,
                    before.status.as_str()
                )));
            }
            if let Some(v) = input.expected_version
                && v != before.version
            {
                return Err(AppError::Conflict(format!(
                    "report {} is at version {}, not {v}",
                    before.id, before.version
                )));
            }
            let mut row: report::ActiveModel = before.clone().into();
            input.figures.apply(&mut row);
            row.due_at = Set(due);
            row.report_call_id = Set(input.report_call_id);
            row.version = Set(before.version + 1);
            row.updated_at = Set(now);
            let done = report::Entity::update_many()
                .set(row)
                .filter(report::Column::Id.eq(before.id))
                .filter(report::Column::Version.eq(before.version))
                .exec(txn)
                .await?;
            if done.rows_affected != 1 {
                return Err(AppError::Conflict(format!(
                    "report {} changed concurrently",
                    before.id
                )));
            }
            let after = report::Entity::find_by_id(before.id)
                .one(txn)
                .await?
                .ok_or_else(|| AppError::not_found("report", before.id))?;
            audit::record(
                txn,
                actor,
                chrono::Utc::now(),
                Change {
                    action: "report.save",
                    entity: "report",
                    entity_id: after.id.to_string(),
                    before: Some(&before),
                    after: Some(&after),
                },
            )
            .await?;
            after
        }
        None => {
            let mut row = report::ActiveModel {
                id: NotSet,
                district_id: Set(district.id),
                kind: Set(input.kind),
                period: Set(input.period),
                source_agency_id: Set(actor.agency_id),
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
            let created = row.insert(txn).await?;
            audit::record(
                txn,
                actor,
                chrono::Utc::now(),
                Change {
                    action: "report.save",
                    entity: "report",
                    entity_id: created.id.to_string(),
                    before: None::<&()>,
                    after: Some(&created),
                },
            )
            .await?;
            created
        }
    };
    write.commit().await?;
    Ok(saved)
}

/// A workflow step on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Accept,
    Return,
}

/// Submits, accepts or returns a report. Submitting is for writers of its district (at `at`, normally
/// now); accepting and returning for the province's HEALTH approvers. An accepted report is frozen.
#[tracing::instrument(skip_all, fields(report.id = id))]
pub async fn step(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
    step: Step,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> AppResult<report::Model> {
    let scope = match step {
        Step::Submit => policy::require(actor, Resource::Report, Action::Write)?,
        Step::Accept | Step::Return => policy::require(actor, Resource::Report, Action::Approve)?,
    };
    if step == Step::Return
        && reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty() || r.chars().count() > 500)
    {
        return Err(AppError::bad_input(
            "reason",
            "say why the report is returned (at most 500 characters)",
        ));
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    let before = report::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("report", id))?;
    let district = district::Entity::find_by_id(before.district_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("district", before.district_id))?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "report {id} is for district {}, outside your scope",
            district.code
        )));
    }
    let (allowed, to): (&[ReportStatus], ReportStatus) = match step {
        Step::Submit => (
            &[ReportStatus::Draft, ReportStatus::Returned],
            ReportStatus::Submitted,
        ),
        Step::Accept => (&[ReportStatus::Submitted], ReportStatus::Accepted),
        Step::Return => (&[ReportStatus::Submitted], ReportStatus::Returned),
    };
    if !allowed.contains(&before.status) {
        return Err(AppError::InvalidState(format!(
            "report {id} is {}",
            before.status.as_str()
        )));
    }
    if step == Step::Submit {
        // A report is submitted only with figures that pass validation.
        Figures::of(&before).validate()?;
    }
    let mut row: report::ActiveModel = before.clone().into();
    row.status = Set(to);
    match step {
        Step::Submit => row.submitted_at = Set(Some(at)),
        Step::Accept => {
            row.reviewed_at = Set(Some(at));
            row.reviewed_by = Set(Some(actor.label()));
        }
        Step::Return => {
            row.reviewed_at = Set(Some(at));
            row.reviewed_by = Set(Some(actor.label()));
            row.return_reason = Set(reason.map(|r| r.trim().to_owned()));
        }
    }
    row.version = Set(before.version + 1);
    row.updated_at = Set(Utc::now());
    let done = report::Entity::update_many()
        .set(row)
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::Version.eq(before.version))
        .exec(txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::InvalidState(format!(
            "report {id} changed concurrently; reload it"
        )));
    }
    let after = report::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("report", id))?;
    let action = match step {
        Step::Submit => "report.submit",
        Step::Accept => "report.accept",
        Step::Return => "report.return",
    };
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action,
            entity: "report",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    let event = event_of(&after);
    events.stage(txn, &event).await?;
    write.commit().await?;
    events.committed(event);
    Ok(after)
}

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

/// Calls every district of the caller's province for a report by a deadline (province HEALTH approvers).
#[tracing::instrument(skip_all)]
pub async fn create_call(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewCall,
) -> AppResult<report_call::Model> {
    policy::require(actor, Resource::Report, Action::Approve)?;
    if input.aggregate_deadline.is_some_and(|a| a < input.deadline) {
        return Err(AppError::bad_input(
            "aggregateDeadline",
            "after the districts' deadline",
        ));
    }
    if input
        .note
        .as_deref()
        .is_some_and(|n| n.chars().count() > 500)
    {
        return Err(AppError::bad_input("note", "at most 500 characters"));
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &DatabaseTransaction = &write;
    for code in &input.district_codes {
        let d = find_by_code(txn, code)
            .await
            .map_err(|_| AppError::bad_input("districtCodes", format!("no district {code}")))?;
        if d.province_id != actor.province_id {
            return Err(AppError::bad_input(
                "districtCodes",
                format!("district {code} is in another province"),
            ));
        }
    }
    let call = report_call::ActiveModel {
        id: NotSet,
        province_id: Set(actor.province_id),
        kind: Set(input.kind),
        period: Set(input.period),
        district_codes: Set(
            (!input.district_codes.is_empty()).then(|| input.district_codes.join(","))
        ),
        deadline: Set(input.deadline),
        aggregate_deadline: Set(input.aggregate_deadline),
        note: Set(input.note),
        issued_by: Set(actor.label()),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "report_call.create",
            entity: "report_call",
            entity_id: call.id.to_string(),
            before: None::<&()>,
            after: Some(&call),
        },
    )
    .await?;
    write.commit().await?;
    Ok(call)
}

pub async fn list_calls(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<Page<report_call::Model>> {
    if policy::read_scope(actor, Resource::Report).is_none() {
        return Ok(Page::empty());
    }
    let select =
        report_call::Entity::find().filter(report_call::Column::ProvinceId.eq(actor.province_id));
    keyset::fetch(db, select, report_call::Column::Id, page, |c| {
        i64::from(c.id)
    })
    .await
}

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub district_code: Option<String>,
    pub kind: Option<ReportKind>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub status: Option<ReportStatus>,
    pub source_agency_code: Option<String>,
}

/// Transport reads epidemic figures only (DESIGN.md §3): figures drawn from other kinds of report are
/// refused, as a denied field is.
fn require_figures_of(scope: &Scope, kind: ReportKind) -> AppResult<()> {
    if matches!(scope, Scope::EpidemicFigures { .. }) && kind != ReportKind::WeeklyEpidemic {
        return Err(AppError::forbidden(format!(
            "{kind:?} figures are not epidemic figures"
        )));
    }
    Ok(())
}

fn report_scope(scope: Scope) -> Condition {
    let cond = Condition::all().add(scope.district_filter(report::Column::DistrictId));
    match scope {
        // Transport reads epidemic figures only.
        Scope::EpidemicFigures { .. } => {
            cond.add(report::Column::Kind.eq(ReportKind::WeeklyEpidemic))
        }
        _ => cond,
    }
}

#[tracing::instrument(skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &ReportFilter,
    page: PageRequest,
) -> AppResult<Page<report::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Report) else {
        return Ok(Page::empty());
    };
    let mut cond = report_scope(scope);
    if let Some(code) = &filter.district_code {
        cond = cond.add(in_district(report::Column::DistrictId, code));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(report::Column::Kind.eq(kind));
    }
    if let Some(from) = filter.period_from {
        cond = cond.add(report::Column::Period.gte(from));
    }
    if let Some(to) = filter.period_to {
        cond = cond.add(report::Column::Period.lte(to));
    }
    if let Some(status) = filter.status {
        cond = cond.add(report::Column::Status.eq(status));
    }
    if let Some(code) = &filter.source_agency_code {
        let agency = agency::Entity::find()
            .filter(agency::Column::Code.eq(code.as_str()))
            .one(db)
            .await?;
        cond = cond.add(report::Column::SourceAgencyId.eq(agency.map_or(0, |a| a.id)));
    }
    keyset::fetch(
        db,
        report::Entity::find().filter(cond),
        report::Column::Id,
        page,
        |r| i64::from(r.id),
    )
    .await
}

pub async fn get(db: &DatabaseConnection, actor: &Actor, id: i32) -> AppResult<report::Model> {
    let scope = policy::require(actor, Resource::Report, Action::Read)?;
    report::Entity::find()
        .filter(report::Column::Id.eq(id))
        .filter(report_scope(scope))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("report", id))
}

/// Districts of the caller's reach (its province, or its own district), by id.
async fn districts_in_reach(
    db: &DatabaseConnection,
    scope: &Scope,
    province_id: i32,
) -> AppResult<Vec<district::Model>> {
    let mut query = district::Entity::find().filter(district::Column::ProvinceId.eq(province_id));
    if let Scope::District { district_id, .. } = scope {
        query = query.filter(district::Column::Id.eq(*district_id));
    }
    Ok(query.order_by_asc(district::Column::Id).all(db).await?)
}

/// Where one district stands for one expected report.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictStatus {
    pub district: district::Model,
    pub submitted: bool,
    pub on_time: bool,
    pub late: bool,
    pub due_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Expected, submitted, on time, late and missing, per district and for the province.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportingStatus {
    pub districts: Vec<DistrictStatus>,
    pub expected: usize,
    pub submitted: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

impl ReportingStatus {
    pub fn completeness(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            self.submitted as f64 / self.expected as f64
        }
    }

    pub fn timeliness(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            self.on_time as f64 / self.expected as f64
        }
    }
}

/// One report is expected from every district for the period (or call); the first one submitted, from
/// either source, counts.
#[tracing::instrument(skip_all)]
pub async fn reporting_status(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: ReportKind,
    period: Option<NaiveDate>,
    call_id: Option<i32>,
) -> AppResult<ReportingStatus> {
    let scope = policy::require(actor, Resource::Report, Action::Read)?;
    let (kind, period, call) = match call_id {
        Some(id) => {
            let call = report_call::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|c| c.province_id == actor.province_id)
                .ok_or_else(|| AppError::not_found("report call", id))?;
            (call.kind, call.period, Some(call))
        }
        None => (
            kind,
            period.ok_or_else(|| AppError::bad_input("period", "give a period or a reportCall"))?,
            None,
        ),
    };
    let due = due_at(kind, period, call.as_ref())?;
    let mut districts = districts_in_reach(db, &scope, actor.province_id).await?;
    // A call may name the districts it asks; only those are expected.
    if let Some(codes) = call.as_ref().and_then(|c| c.district_codes.as_deref()) {
        let called: Vec<&str> = codes.split(',').collect();
        districts.retain(|d| called.contains(&d.code.as_str()));
    }
    let reports = report::Entity::find()
        .filter(report::Column::Kind.eq(kind))
        .filter(report::Column::Period.eq(period))
        .filter(report::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(report::Column::SubmittedAt.is_not_null())
        .all(db)
        .await?;
    let now = Utc::now();
    let mut out = ReportingStatus {
        districts: Vec::new(),
        expected: districts.len(),
        submitted: 0,
        on_time: 0,
        late: 0,
        missing: 0,
    };
    for d in districts {
        let first = reports
            .iter()
            .filter(|r| r.district_id == d.id)
            .filter_map(|r| r.submitted_at)
            .min();
        let submitted = first.is_some();
        let on_time = first.is_some_and(|s| s <= due);
        let late = first.map_or(now > due, |s| s > due);
        out.submitted += usize::from(submitted);
        out.on_time += usize::from(on_time);
        out.late += usize::from(submitted && !on_time);
        out.missing += usize::from(!submitted);
        out.districts.push(DistrictStatus {
            district: d,
            submitted,
            on_time,
            late,
            due_at: due,
            submitted_at: first,
        });
    }
    Ok(out)
}

/// A figure on which the district committee and the district health centre disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Discrepancy {
    pub district_id: i32,
    pub figure: &'static str,
    pub health: i64,
    pub committee: i64,
    pub health_report_id: i32,
    pub committee_report_id: i32,
}

/// Where both the health centre and the committee reported the same district and period, every figure
/// on which they differ by more than both tolerances, until the Department of Health accepts one of them.
#[tracing::instrument(skip_all)]
pub async fn discrepancies(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: ReportKind,
    period: NaiveDate,
    absolute: i64,
    relative: f64,
) -> AppResult<Vec<Discrepancy>> {
    if absolute < 0 || !(0.0..=1.0).contains(&relative) {
        return Err(AppError::bad_input(
            "tolerance",
            "absolute >= 0 and relative between 0 and 1",
        ));
    }
    let scope = policy::require(actor, Resource::Report, Action::Read)?;
    require_figures_of(&scope, kind)?;
    let districts = districts_in_reach(db, &scope, actor.province_id).await?;
    let reports = report::Entity::find()
        .filter(report::Column::Kind.eq(kind))
        .filter(report::Column::Period.eq(period))
        .filter(report::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(report::Column::Status.ne(ReportStatus::Draft))
        .all(db)
        .await?;
    let agencies = agency::Entity::find()
        .filter(agency::Column::Id.is_in(reports.iter().map(|r| r.source_agency_id)))
        .all(db)
        .await?;
    let kind_of = |r: &report::Model| {
        agencies
            .iter()
            .find(|a| a.id == r.source_agency_id)
            .map(|a| a.kind)
    };
    let mut out = Vec::new();
    for d in &districts {
        let mine: Vec<&report::Model> = reports.iter().filter(|r| r.district_id == d.id).collect();
        if mine.iter().any(|r| r.status == ReportStatus::Accepted) {
            continue;
        }
        let health = mine.iter().find(|r| kind_of(r) == Some(AgencyKind::Health));
        let committee = mine
            .iter()
            .find(|r| kind_of(r) == Some(AgencyKind::PeoplesCommittee));
        let (Some(h), Some(c)) = (health, committee) else {
            continue;
        };
        for ((figure, hv), (_, cv)) in Figures::of(h)
            .named()
            .into_iter()
            .zip(Figures::of(c).named())
        {
            let (Some(hv), Some(cv)) = (hv, cv) else {
                continue;
            };
            let diff = (hv - cv).abs();
            let larger = hv.max(cv).max(1) as f64;
            if diff > absolute && diff as f64 / larger > relative {
                out.push(Discrepancy {
                    district_id: d.id,
                    figure,
                    health: hv,
                    committee: cv,
                    health_report_id: h.id,
                    committee_report_id: c.id,
                });
            }
        }
    }
    Ok(out)
}

/// The best report of a district for a kind on or before a date: accepted over submitted, health over
/// committee, latest period first.
fn best<'a>(
    reports: &'a [report::Model],
    agencies: &[agency::Model],
    district_id: i32,
) -> Option<&'a report::Model> {
    let rank = |r: &report::Model| {
        let accepted = r.status == ReportStatus::Accepted;
        let health = agencies
            .iter()
            .any(|a| a.id == r.source_agency_id && a.kind == AgencyKind::Health);
        (r.period, accepted, health)
    };
    reports
        .iter()
        .filter(|r| r.district_id == district_id)
        .max_by_key(|r| rank(r))
}

async fn submitted_reports(
    db: &DatabaseConnection,
    kind: ReportKind,
    from: NaiveDate,
    to: NaiveDate,
    district_ids: &[i32],
) -> AppResult<(Vec<report::Model>, Vec<agency::Model>)> {
    let reports = report::Entity::find()
        .filter(report::Column::Kind.eq(kind))
        .filter(report::Column::Period.gte(from))
        .filter(report::Column::Period.lte(to))
        .filter(report::Column::DistrictId.is_in(district_ids.iter().copied()))
        .filter(report::Column::Status.is_in([ReportStatus::Submitted, ReportStatus::Accepted]))
        .all(db)
        .await?;
    let agencies = agency::Entity::find()
        .filter(agency::Column::Id.is_in(reports.iter().map(|r| r.source_agency_id)))
        .all(db)
        .await?;
    Ok((reports, agencies))
}

/// Vaccination coverage of one district on a date.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    pub district: district::Model,
    pub adults_18_plus: Option<i64>,
    pub adults_dose1: Option<i64>,
    pub adults_full: Option<i64>,
    pub doses_given_that_day: Option<i64>,
    pub doses_on_hand: i64,
}

/// Coverage of adults per district on `date` (from the latest daily report up to that date; adults from
/// the report, else the district profile), doses given that day, and usable stock on hand.
#[tracing::instrument(skip_all)]
pub async fn province_summary(
    ctx: &crate::kit::Ctx<'_>,
    date: NaiveDate,
) -> AppResult<Vec<SummaryLine>> {
    let (db, actor) = (ctx.db, ctx.actor);
    let scope = policy::require(actor, Resource::Report, Action::Read)?;
    // Coverage comes from daily vaccination reports.
    require_figures_of(&scope, ReportKind::DailyVaccination)?;
    let districts = districts_in_reach(db, &scope, actor.province_id).await?;
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let (reports, agencies) = submitted_reports(
        db,
        ReportKind::DailyVaccination,
        date - Duration::days(60),
        date,
        &ids,
    )
    .await?;
    let stock = crate::stock::reads::stock_summary(ctx, None)
        .await
        .unwrap_or_default();
    Ok(districts
        .into_iter()
        .map(|d| {
            let latest = best(&reports, &agencies, d.id);
            let that_day = reports
                .iter()
                .filter(|r| r.district_id == d.id && r.period == date)
                .filter_map(|r| r.doses_administered_today)
                .max();
            SummaryLine {
                adults_18_plus: latest.and_then(|r| r.adults_18_plus).or(d.adults_18_plus),
                adults_dose1: latest.and_then(|r| r.adults_dose1),
                adults_full: latest.and_then(|r| r.adults_full),
                doses_given_that_day: that_day,
                doses_on_hand: stock
                    .iter()
                    .filter(|l| l.district_id == d.id)
                    .map(|l| l.doses_on_hand)
                    .sum(),
                district: d,
            }
        })
        .collect())
}

/// One district's level for a week, with its inputs.
#[derive(Debug, Clone)]
pub struct DistrictLevel {
    pub district: district::Model,
    pub level: u8,
    pub new_cases_per_100k: f64,
    pub coverage_dose1: f64,
    pub treatment_capacity_met: bool,
    pub rule: String,
}

/// Epidemic level of every district for the week starting `week` (a Monday): new community cases per
/// 100,000 from the weekly report, coverage from the latest daily report by the week's end, treatment
/// capacity from the district profile; not lowered below last week's level while capacity is not met.
#[tracing::instrument(skip_all)]
pub async fn epidemic_levels(
    db: &DatabaseConnection,
    actor: &Actor,
    rules: &RuleTable,
    week: NaiveDate,
) -> AppResult<Vec<DistrictLevel>> {
    if week.weekday() != Weekday::Mon {
        return Err(AppError::bad_input("week", "the Monday of the week"));
    }
    let scope = policy::require(actor, Resource::Report, Action::Read)?;
    let districts = districts_in_reach(db, &scope, actor.province_id).await?;
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let previous_week = week - Duration::days(7);
    let (weekly, weekly_agencies) =
        submitted_reports(db, ReportKind::WeeklyEpidemic, previous_week, week, &ids).await?;
    let (daily, daily_agencies) = submitted_reports(
        db,
        ReportKind::DailyVaccination,
        week - Duration::days(60),
        week + Duration::days(6),
        &ids,
    )
    .await?;
    let level_for = |d: &district::Model, period: NaiveDate, previous: Option<u8>| {
        let this_week: Vec<report::Model> = weekly
            .iter()
            .filter(|r| r.period == period)
            .cloned()
            .collect();
        let cases = best(&this_week, &weekly_agencies, d.id)
            .and_then(|r| r.new_cases_community)
            .unwrap_or(0);
        let population = d.population.unwrap_or(0).max(1) as f64;
        let coverage_daily: Vec<report::Model> = daily
            .iter()
            .filter(|r| r.period <= period + Duration::days(6))
            .cloned()
            .collect();
        let latest = best(&coverage_daily, &daily_agencies, d.id);
        let adults = latest
            .and_then(|r| r.adults_18_plus)
            .or(d.adults_18_plus)
            .unwrap_or(0);
        let dose1 = latest.and_then(|r| r.adults_dose1).unwrap_or(0);
        let inputs = Inputs {
            new_cases_per_100k: cases as f64 * 100_000.0 / population,
            coverage_dose1: if adults > 0 {
                dose1 as f64 / adults as f64
            } else {
                0.0
            },
            treatment_capacity_met: meets_treatment_capacity(d).unwrap_or(false),
            previous_level: previous,
        };
        (rules.level(inputs), inputs)
    };
    Ok(districts
        .iter()
        .map(|d| {
            let (last_week, _) = level_for(d, previous_week, None);
            let (level, inputs) = level_for(d, week, Some(last_week.level));
            DistrictLevel {
                district: d.clone(),
                level: level.level,
                new_cases_per_100k: inputs.new_cases_per_100k,
                coverage_dose1: inputs.coverage_dose1,
                treatment_capacity_met: inputs.treatment_capacity_met,
                rule: level.rule,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn daily_reports_are_due_at_five_pm_local() {
        let due = due_at(ReportKind::DailyVaccination, date(2021, 12, 10), None).expect("due");
        assert_eq!(due.to_rfc3339(), "2021-12-10T10:00:00+00:00");
    }

    #[test]
    fn weekly_reports_are_due_before_wednesday_of_the_next_week() {
        let due = due_at(ReportKind::WeeklyEpidemic, date(2021, 12, 6), None).expect("due");
        assert_eq!(
            due.to_rfc3339(),
            "2021-12-14T17:00:00+00:00",
            "Wednesday 15/12 00:00 local"
        );
        assert!(
            due_at(ReportKind::WeeklyEpidemic, date(2021, 12, 7), None).is_err(),
            "a Tuesday is not a week"
        );
    }

    #[test]
    fn periods_at_the_end_of_the_calendar_are_refused_not_a_panic() {
        // A CSV import accepts any date chrono parses, such as +262142-12-27 (fuzz/regressions/report_csv).
        let last_monday = (0..7)
            .filter_map(|back| NaiveDate::MAX.checked_sub_signed(Duration::days(back)))
            .find(|d| d.weekday() == Weekday::Mon)
            .expect("a Monday in the last week");
        assert!(due_at(ReportKind::WeeklyEpidemic, last_monday, None).is_err());
        assert!(due_at(ReportKind::DailyVaccination, NaiveDate::MAX, None).is_ok());
        assert!(due_at(ReportKind::DailyVaccination, NaiveDate::MIN, None).is_ok());
    }

    #[test]
    fn figures_from_values_keep_the_named_order() {
        let values: [Option<i64>; 16] = std::array::from_fn(|i| Some(i as i64));
        let named = Figures::from_values(&values).named();
        assert_eq!(named.map(|(_, v)| v), values);
    }

    #[test]
    fn figures_are_checked_against_each_other() {
        let ok = Figures {
            adults_18_plus: Some(100),
            adults_dose1: Some(80),
            adults_full: Some(60),
            unvaccinated_refused: Some(5),
            unvaccinated_absent: Some(15),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        let field = |f: Figures| match f.validate() {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(Figures {
                adults_dose1: Some(101),
                ..ok.clone()
            }),
            "figures.adultsDose1"
        );
        assert_eq!(
            field(Figures {
                adults_full: Some(81),
                ..ok.clone()
            }),
            "figures.adultsFull"
        );
        assert_eq!(
            field(Figures {
                unvaccinated_other: Some(1),
                ..ok.clone()
            }),
            "figures.unvaccinated"
        );
        assert_eq!(
            field(Figures {
                deaths: Some(-1),
                ..ok.clone()
            }),
            "figures.deaths"
        );
    }
}
