//! GraphQL face of reports, report calls, reporting status, reconciliation, the province summary and
//! epidemic levels.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{report, report_call};
use futures_util::Stream;

use super::levels::colour;
use super::service::{
    self, Discrepancy, DistrictLevel, DistrictStatus, Figures, NewCall, ReportFilter,
    ReportingStatus, SaveReport, Step, SummaryLine,
};
use crate::admin::graphql::Agency;
use crate::auth::Actor;
use crate::districts::graphql::District;
use crate::events::DomainEvent;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::scalars::Date;
use crate::state::AppState;

/// The typed figures of a report. Null means "not reported".
#[derive(SimpleObject, InputObject, Clone, Default)]
#[graphql(input_name = "ReportFiguresInput")]
pub struct ReportFigures {
    /// People aged 18 and over.
    pub adults_18_plus: Option<i64>,
    /// Adults with at least one dose (at most adults18Plus).
    pub adults_dose1: Option<i64>,
    /// Adults fully vaccinated (at most adultsDose1).
    pub adults_full: Option<i64>,
    /// Adolescents 15 to 17 with at least one dose.
    #[graphql(name = "adolescents1517Dose1")]
    pub adolescents_15_17_dose1: Option<i64>,
    /// Doses given on the report's day.
    pub doses_administered_today: Option<i64>,
    /// Adults not vaccinated: contraindicated.
    pub unvaccinated_contraindicated: Option<i64>,
    /// Adults not vaccinated: deferred.
    pub unvaccinated_deferred: Option<i64>,
    /// Adults not vaccinated: refused.
    pub unvaccinated_refused: Option<i64>,
    /// Adults not vaccinated: absent.
    pub unvaccinated_absent: Option<i64>,
    /// Adults not vaccinated: other reasons. The five reasons add up to adults18Plus - adultsDose1.
    pub unvaccinated_other: Option<i64>,
    /// New cases found in the community.
    pub new_cases_community: Option<i64>,
    /// New cases found in quarantine.
    pub new_cases_in_quarantine: Option<i64>,
    /// Tests performed.
    pub tests_performed: Option<i64>,
    /// Patients in treatment.
    pub patients_in_treatment: Option<i64>,
    /// Deaths.
    pub deaths: Option<i64>,
    /// Treatment beds available.
    pub beds_available: Option<i64>,
}

impl From<ReportFigures> for Figures {
    fn from(f: ReportFigures) -> Self {
        Figures {
            adults_18_plus: f.adults_18_plus,
            adults_dose1: f.adults_dose1,
            adults_full: f.adults_full,
            adolescents_15_17_dose1: f.adolescents_15_17_dose1,
            doses_administered_today: f.doses_administered_today,
            unvaccinated_contraindicated: f.unvaccinated_contraindicated,
            unvaccinated_deferred: f.unvaccinated_deferred,
            unvaccinated_refused: f.unvaccinated_refused,
            unvaccinated_absent: f.unvaccinated_absent,
            unvaccinated_other: f.unvaccinated_other,
            new_cases_community: f.new_cases_community,
            new_cases_in_quarantine: f.new_cases_in_quarantine,
            tests_performed: f.tests_performed,
            patients_in_treatment: f.patients_in_treatment,
            deaths: f.deaths,
            beds_available: f.beds_available,
        }
    }
}

impl From<Figures> for ReportFigures {
    fn from(f: Figures) -> Self {
        ReportFigures {
            adults_18_plus: f.adults_18_plus,
            adults_dose1: f.adults_dose1,
            adults_full: f.adults_full,
            adolescents_15_17_dose1: f.adolescents_15_17_dose1,
            doses_administered_today: f.doses_administered_today,
            unvaccinated_contraindicated: f.unvaccinated_contraindicated,
            unvaccinated_deferred: f.unvaccinated_deferred,
            unvaccinated_refused: f.unvaccinated_refused,
            unvaccinated_absent: f.unvaccinated_absent,
            unvaccinated_other: f.unvaccinated_other,
            new_cases_community: f.new_cases_community,
            new_cases_in_quarantine: f.new_cases_in_quarantine,
            tests_performed: f.tests_performed,
            patients_in_treatment: f.patients_in_treatment,
            deaths: f.deaths,
            beds_available: f.beds_available,
        }
    }
}

/// A district's report for one period from one source.
pub struct Report(pub report::Model);

/// A district's report for one period, from its health centre or its committee.
#[Object]
impl Report {
    /// Report id.
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// The district reported on.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.district_id)
            .await?
            .map(District))
    }
    /// Kind of report.
    async fn kind(&self) -> ReportKind {
        self.0.kind.into()
    }
    /// The day reported (a week's Monday for weekly reports).
    async fn period(&self) -> Date {
        Date(self.0.period)
    }
    /// Agency that reports.
    async fn source_agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        Ok(ctx
            .by_id::<entity::agency::Entity>(self.0.source_agency_id)
            .await?
            .map(Agency))
    }
    /// The report call it answers; null when none.
    async fn report_call_id(&self) -> Option<i32> {
        self.0.report_call_id
    }
    /// Where it stands.
    async fn status(&self) -> ReportStatus {
        self.0.status.into()
    }
    /// When it is due.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// When it was (last) submitted; null before.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// Submitted after its due time, or not submitted and past it. Derived, never entered.
    async fn late(&self) -> bool {
        service::is_late(&self.0, Utc::now())
    }
    /// Who accepted or returned it; null before review.
    async fn reviewed_by(&self) -> Option<&str> {
        self.0.reviewed_by.as_deref()
    }
    /// Why it was returned; null otherwise.
    async fn return_reason(&self) -> Option<&str> {
        self.0.return_reason.as_deref()
    }
    /// The figures.
    async fn figures(&self) -> ReportFigures {
        Figures::of(&self.0).into()
    }
    /// Version, for `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A request for reports with a deadline.
pub struct ReportCall(pub report_call::Model);

/// A request for reports from every district, with a deadline and one for the province's aggregate.
#[Object]
impl ReportCall {
    /// Call id; pass it as `reportCallId`.
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// Kind of report asked for.
    async fn kind(&self) -> ReportKind {
        self.0.kind.into()
    }
    /// Period asked for.
    async fn period(&self) -> Date {
        Date(self.0.period)
    }
    /// GSO codes of the districts called; every district of the province when empty.
    async fn district_codes(&self) -> Vec<String> {
        self.0
            .district_codes
            .as_deref()
            .map(|c| c.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    }
    /// Deadline for the districts.
    async fn deadline(&self) -> DateTime<Utc> {
        self.0.deadline
    }
    /// Deadline for the province's aggregate; null when none.
    async fn aggregate_deadline(&self) -> Option<DateTime<Utc>> {
        self.0.aggregate_deadline
    }
    /// What is asked; null when nothing more is said.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who issued it.
    async fn issued_by(&self) -> &str {
        &self.0.issued_by
    }
}

/// One district's standing for an expected report.
pub struct DistrictReportingStatus(DistrictStatus);

/// One district's standing for an expected report.
#[Object]
impl DistrictReportingStatus {
    /// The district.
    async fn district(&self) -> District {
        District(self.0.district.clone())
    }
    /// Whether a report was submitted.
    async fn submitted(&self) -> bool {
        self.0.submitted
    }
    /// Whether it was submitted by the due time.
    async fn on_time(&self) -> bool {
        self.0.on_time
    }
    /// Submitted late, or still missing past the due time.
    async fn late(&self) -> bool {
        self.0.late
    }
    /// When it is due.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// When the first report was submitted; null when missing.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// 1 when submitted, else 0.
    async fn completeness(&self) -> f64 {
        f64::from(u8::from(self.0.submitted))
    }
    /// 1 when on time, else 0.
    async fn timeliness(&self) -> f64 {
        f64::from(u8::from(self.0.on_time))
    }
}

/// Reporting status of a period or call, per district and for the province.
pub struct ReportingStatusView(ReportingStatus);

/// Reporting status of a period or call, per district and for the province.
#[Object]
impl ReportingStatusView {
    /// Each district in the caller's reach.
    async fn districts(&self) -> Vec<DistrictReportingStatus> {
        self.0
            .districts
            .iter()
            .cloned()
            .map(DistrictReportingStatus)
            .collect()
    }
    /// Reports expected (one per district).
    async fn expected(&self) -> usize {
        self.0.expected
    }
    /// Reports submitted.
    async fn submitted(&self) -> usize {
        self.0.submitted
    }
    /// Reports submitted on time.
    async fn on_time(&self) -> usize {
        self.0.on_time
    }
    /// Reports submitted late.
    async fn late(&self) -> usize {
        self.0.late
    }
    /// Reports missing.
    async fn missing(&self) -> usize {
        self.0.missing
    }
    /// Submitted / expected.
    async fn completeness(&self) -> f64 {
        self.0.completeness()
    }
    /// On time / expected.
    async fn timeliness(&self) -> f64 {
        self.0.timeliness()
    }
}

/// A figure on which the district committee and the health centre disagree.
pub struct ReportDiscrepancy(Discrepancy);

/// A figure on which the district committee and the district health centre disagree beyond the tolerance.
#[Object]
impl ReportDiscrepancy {
    /// The district.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.district_id)
            .await?
            .map(District))
    }
    /// The figure, by its API name (e.g. `adultsDose1`).
    async fn figure(&self) -> &str {
        self.0.figure
    }
    /// The health centre's value.
    async fn health_value(&self) -> i64 {
        self.0.health
    }
    /// The committee's value.
    async fn committee_value(&self) -> i64 {
        self.0.committee
    }
    /// Absolute difference.
    async fn difference(&self) -> i64 {
        (self.0.health - self.0.committee).abs()
    }
    /// The health centre's report.
    async fn health_report_id(&self) -> i32 {
        self.0.health_report_id
    }
    /// The committee's report.
    async fn committee_report_id(&self) -> i32 {
        self.0.committee_report_id
    }
}

/// Coverage and stock of one district on a date.
pub struct DistrictSummary(SummaryLine);

fn share(part: Option<i64>, whole: Option<i64>) -> Option<f64> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => Some(p as f64 / w as f64),
        _ => None,
    }
}

/// Coverage of adults and stock of one district on a date.
#[Object]
impl DistrictSummary {
    /// The district.
    async fn district(&self) -> District {
        District(self.0.district.clone())
    }
    /// Adults 18+ (from the report, else the profile); null when unknown.
    async fn adults_18_plus(&self) -> Option<i64> {
        self.0.adults_18_plus
    }
    /// Adults with dose 1; null when no report.
    async fn adults_dose1(&self) -> Option<i64> {
        self.0.adults_dose1
    }
    /// Adults fully vaccinated; null when no report.
    async fn adults_full(&self) -> Option<i64> {
        self.0.adults_full
    }
    /// Share of adults with dose 1, 0 to 1; null when unknown.
    async fn coverage_dose1(&self) -> Option<f64> {
        share(self.0.adults_dose1, self.0.adults_18_plus)
    }
    /// Share of adults fully vaccinated, 0 to 1; null when unknown.
    async fn coverage_full(&self) -> Option<f64> {
        share(self.0.adults_full, self.0.adults_18_plus)
    }
    /// Doses given that day; null when not reported.
    async fn doses_given(&self) -> Option<i64> {
        self.0.doses_given_that_day
    }
    /// Usable doses on hand (0 when the caller may not read stock).
    async fn doses_on_hand(&self) -> i64 {
        self.0.doses_on_hand
    }
}

/// The province's coverage on a date.
#[derive(SimpleObject)]
pub struct ProvinceSummary {
    /// The date.
    pub date: Date,
    /// Per district.
    pub districts: Vec<DistrictSummary>,
    /// Adults 18+ of the districts with figures.
    pub adults_18_plus: i64,
    /// Adults with dose 1.
    pub adults_dose1: i64,
    /// Adults fully vaccinated.
    pub adults_full: i64,
    /// Share with dose 1, 0 to 1.
    pub coverage_dose1: f64,
    /// Share fully vaccinated, 0 to 1.
    pub coverage_full: f64,
    /// Doses given that day.
    pub doses_given: i64,
    /// Usable doses on hand.
    pub doses_on_hand: i64,
}

/// A district's epidemic level for a week.
pub struct EpidemicLevel(DistrictLevel);

/// A district's epidemic level for a week, with its inputs and the rule that decided it.
#[Object]
impl EpidemicLevel {
    /// The district.
    async fn district(&self) -> District {
        District(self.0.district.clone())
    }
    /// 1 (low) to 4 (very high).
    async fn level(&self) -> u8 {
        self.0.level
    }
    /// GREEN, YELLOW, ORANGE or RED.
    async fn colour(&self) -> &'static str {
        colour(self.0.level)
    }
    /// Criterion 1: new community cases per 100,000 people over the week.
    #[graphql(name = "newCasesPer100k")]
    async fn new_cases_per_100k(&self) -> f64 {
        self.0.new_cases_per_100k
    }
    /// Criterion 2: share of adults with at least one dose, 0 to 1.
    async fn coverage_dose1(&self) -> f64 {
        self.0.coverage_dose1
    }
    /// Criterion 3: whether the district can treat the patients the rule requires.
    async fn treatment_capacity_met(&self) -> bool {
        self.0.treatment_capacity_met
    }
    /// The decision and matrix cell that produced the level.
    async fn rule(&self) -> &str {
        &self.0.rule
    }
}

/// Districts per level.
#[derive(SimpleObject)]
pub struct LevelCount {
    /// Level 1 to 4.
    pub level: u8,
    /// GREEN, YELLOW, ORANGE or RED.
    pub colour: String,
    /// Districts at that level.
    pub districts: usize,
}

/// Filter for `reports`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct ReportFilterInput {
    /// Only this district.
    pub district_code: Option<String>,
    /// Only this kind.
    pub kind: Option<ReportKind>,
    /// Periods from this date.
    pub period_from: Option<Date>,
    /// Periods up to this date.
    pub period_to: Option<Date>,
    /// Only this status.
    pub status: Option<ReportStatus>,
    /// Only from this agency.
    pub source_agency_code: Option<String>,
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// Reports in the caller's scope, by id (transport: weekly epidemic reports only).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        filter: Option<ReportFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Report>> {
        let paging = ctx.paging(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = ReportFilter {
            district_code: f.district_code,
            kind: f.kind.map(Into::into),
            period_from: f.period_from.map(|d| d.0),
            period_to: f.period_to.map(|d| d.0),
            status: f.status.map(Into::into),
            source_agency_code: f.source_agency_code,
        };
        Ok(paging.connection(
            service::list(&ctx.app().db, ctx.actor()?, &filter, paging.request).await?,
            Report,
        ))
    }

    /// Report calls of the caller's province, by id.
    async fn report_calls(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<ReportCall>> {
        let paging = ctx.paging(first, after)?;
        Ok(paging.connection(
            service::list_calls(&ctx.app().db, ctx.actor()?, paging.request).await?,
            ReportCall,
        ))
    }

    /// Expected, submitted, on time, late and missing reports per district and for the province, for a
    /// kind and period, or for a report call.
    async fn reporting_status(
        &self,
        ctx: &Context<'_>,
        kind: Option<ReportKind>,
        period: Option<Date>,
        report_call_id: Option<i32>,
    ) -> Result<ReportingStatusView> {
        let kind = kind
            .map(Into::into)
            .unwrap_or(entity::ReportKind::DailyVaccination);
        Ok(ReportingStatusView(
            service::reporting_status(
                &ctx.app().db,
                ctx.actor()?,
                kind,
                period.map(|d| d.0),
                report_call_id,
            )
            .await?,
        ))
    }

    /// Figures on which a district's committee and health centre disagree for a kind and period, beyond
    /// both tolerances (absolute, and relative to the larger value), until one report is accepted.
    async fn report_discrepancies(
        &self,
        ctx: &Context<'_>,
        kind: ReportKind,
        period: Date,
        #[graphql(default = 0)] absolute_tolerance: i64,
        #[graphql(default = 0.0)] relative_tolerance: f64,
    ) -> Result<Vec<ReportDiscrepancy>> {
        let found = service::discrepancies(
            &ctx.app().db,
            ctx.actor()?,
            kind.into(),
            period.0,
            absolute_tolerance,
            relative_tolerance,
        )
        .await?;
        Ok(found.into_iter().map(ReportDiscrepancy).collect())
    }

    /// Coverage of adults per district and for the province on a date, doses given that day, stock on hand.
    async fn province_summary(&self, ctx: &Context<'_>, date: Date) -> Result<ProvinceSummary> {
        let lines = service::province_summary(&ctx.services()?, date.0).await?;
        let with_figures: Vec<&SummaryLine> =
            lines.iter().filter(|l| l.adults_dose1.is_some()).collect();
        let adults: i64 = with_figures.iter().filter_map(|l| l.adults_18_plus).sum();
        let dose1: i64 = with_figures.iter().filter_map(|l| l.adults_dose1).sum();
        let full: i64 = with_figures.iter().filter_map(|l| l.adults_full).sum();
        let ratio = |p: i64| {
            if adults > 0 {
                p as f64 / adults as f64
            } else {
                0.0
            }
        };
        Ok(ProvinceSummary {
            date,
            adults_18_plus: adults,
            adults_dose1: dose1,
            adults_full: full,
            coverage_dose1: ratio(dose1),
            coverage_full: ratio(full),
            doses_given: lines.iter().filter_map(|l| l.doses_given_that_day).sum(),
            doses_on_hand: lines.iter().map(|l| l.doses_on_hand).sum(),
            districts: lines.into_iter().map(DistrictSummary).collect(),
        })
    }

    /// Epidemic level of every district for the week starting `week` (a Monday), per Decision 4800/QĐ-BYT
    /// unless configured otherwise.
    async fn epidemic_levels(&self, ctx: &Context<'_>, week: Date) -> Result<Vec<EpidemicLevel>> {
        let app = ctx.app();
        let levels =
            service::epidemic_levels(&app.db, ctx.actor()?, &app.config.epidemic_rules, week.0)
                .await?;
        Ok(levels.into_iter().map(EpidemicLevel).collect())
    }

    /// Districts per epidemic level for the week starting `week` (a Monday).
    async fn epidemic_level_counts(
        &self,
        ctx: &Context<'_>,
        week: Date,
    ) -> Result<Vec<LevelCount>> {
        let app = ctx.app();
        let levels =
            service::epidemic_levels(&app.db, ctx.actor()?, &app.config.epidemic_rules, week.0)
                .await?;
        Ok((1..=4)
            .map(|level| LevelCount {
                level,
                colour: colour(level).into(),
                districts: levels.iter().filter(|l| l.level == level).count(),
            })
            .collect())
    }
}

/// A draft report to save.
#[derive(InputObject)]
pub struct SaveReportInput {
    /// District reported on (GSO code).
    pub district_code: String,
    /// Kind of report.
    pub kind: ReportKind,
    /// The day (a Monday for weekly reports).
    pub period: Date,
    /// The report call answered, if any.
    pub report_call_id: Option<i32>,
    /// The figures.
    pub figures: ReportFigures,
    /// The `version` the change is based on; CONFLICT when stale.
    pub expected_version: Option<i32>,
}

/// A report to act on.
#[derive(InputObject)]
pub struct ReportIdInput {
    /// Report id.
    pub id: i32,
}

/// A report to send back.
#[derive(InputObject)]
pub struct ReturnReportInput {
    /// Report id.
    pub id: i32,
    /// What to correct (required).
    pub reason: String,
}

/// A report call to issue.
#[derive(InputObject)]
pub struct CreateReportCallInput {
    /// Kind of report asked for.
    pub kind: ReportKind,
    /// Period asked for.
    pub period: Date,
    /// Districts called (GSO codes); every district of the province when omitted.
    pub district_codes: Option<Vec<String>>,
    /// Deadline for the districts.
    pub deadline: DateTime<Utc>,
    /// Deadline for the province's aggregate.
    pub aggregate_deadline: Option<DateTime<Utc>>,
    /// What is asked.
    pub note: Option<String>,
}

/// Result of a report mutation.
#[derive(SimpleObject)]
pub struct ReportPayload {
    /// The report after the change.
    pub report: Report,
}

/// Result of `createReportCall`.
#[derive(SimpleObject)]
pub struct ReportCallPayload {
    /// The call.
    pub report_call: ReportCall,
}

#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Saves the caller's draft (creates it, or edits a draft or returned report). HEALTH and
    /// PEOPLES_COMMITTEE agencies, for their district (the province's HEALTH for any).
    async fn save_report(
        &self,
        ctx: &Context<'_>,
        input: SaveReportInput,
    ) -> Result<ReportPayload> {
        let input = SaveReport {
            district_code: input.district_code,
            kind: input.kind.into(),
            period: input.period.0,
            report_call_id: input.report_call_id,
            figures: input.figures.into(),
            expected_version: input.expected_version,
        };
        Ok(ReportPayload {
            report: Report(service::save(&ctx.app().db, ctx.actor()?, input).await?),
        })
    }

    /// Submits a draft or returned report; `late` tells whether it missed its due time.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        input: ReportIdInput,
    ) -> Result<ReportPayload> {
        let app = ctx.app();
        let done = service::step(
            &app.db,
            &app.events,
            ctx.actor()?,
            input.id,
            Step::Submit,
            None,
            Utc::now(),
        )
        .await?;
        Ok(ReportPayload {
            report: Report(done),
        })
    }

    /// Accepts a submitted report, which freezes it (province HEALTH, role APPROVER).
    async fn accept_report(
        &self,
        ctx: &Context<'_>,
        input: ReportIdInput,
    ) -> Result<ReportPayload> {
        let app = ctx.app();
        let done = service::step(
            &app.db,
            &app.events,
            ctx.actor()?,
            input.id,
            Step::Accept,
            None,
            Utc::now(),
        )
        .await?;
        Ok(ReportPayload {
            report: Report(done),
        })
    }

    /// Sends a submitted report back for correction (province HEALTH, role APPROVER).
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        input: ReturnReportInput,
    ) -> Result<ReportPayload> {
        let app = ctx.app();
        let done = service::step(
            &app.db,
            &app.events,
            ctx.actor()?,
            input.id,
            Step::Return,
            Some(input.reason),
            Utc::now(),
        )
        .await?;
        Ok(ReportPayload {
            report: Report(done),
        })
    }

    /// Asks every district for a report by a deadline (province HEALTH, role APPROVER).
    async fn create_report_call(
        &self,
        ctx: &Context<'_>,
        input: CreateReportCallInput,
    ) -> Result<ReportCallPayload> {
        let call = NewCall {
            kind: input.kind.into(),
            period: input.period.0,
            district_codes: input.district_codes.unwrap_or_default(),
            deadline: input.deadline,
            aggregate_deadline: input.aggregate_deadline,
            note: input.note,
        };
        Ok(ReportCallPayload {
            report_call: ReportCall(service::create_call(&ctx.app().db, ctx.actor()?, call).await?),
        })
    }
}

#[derive(Default)]
pub struct ReportSubscription;

#[Subscription]
impl ReportSubscription {
    /// Reports of a district (GSO code) as they are submitted, accepted or returned.
    async fn report_events(
        &self,
        ctx: &Context<'_>,
        district_code: String,
    ) -> Result<impl Stream<Item = Report>> {
        let app = ctx.app().clone();
        let actor = ctx.actor()?.clone();
        crate::policy::require(
            &actor,
            crate::policy::Resource::Report,
            crate::policy::Action::Read,
        )?;
        let district = crate::districts::lookup::by_code(&app.db, &district_code).await?;
        let select = move |event: &DomainEvent| match *event {
            DomainEvent::Report {
                report_id,
                district_id,
            } if district_id == district.id => Some(report_id),
            _ => None,
        };
        let load = |app: AppState, actor: Actor, id: i32| async move {
            service::get(&app.db, &actor, id).await.map(Report)
        };
        Ok(crate::graphql::live::stream(app, actor, select, load))
    }
}
