//! The GraphQL types of reports: reports, their figures, report calls, and the read models over them
//! (reporting status, discrepancies, the province summary, epidemic levels).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{report, report_call};

use crate::admin::graphql::Agency;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::scalars::Date;
use crate::reports::figures::{Figures, report_figures};
use crate::reports::levels::{self, DistrictLevel};
use crate::reports::reconciliation::Discrepancy;
use crate::reports::summary::{self, DistrictStatus, ReportingStatus, SummaryLine};
use crate::reports::{calls, deadlines};

/// `ReportFigures` and its input `ReportFiguresInput`, one field a row of the figures table.
macro_rules! report_figures_type {
    ($($field:ident $api:literal [$($kind:ident),*] $epidemic:literal $label:literal;)*) => {
        /// The typed figures of a report. Null means "not reported".
        #[derive(SimpleObject, InputObject, Clone, Default)]
        #[graphql(input_name = "ReportFiguresInput")]
        pub struct ReportFigures {
            $(#[doc = $label] #[graphql(name = $api)] pub $field: Option<i64>,)*
        }

        impl From<ReportFigures> for Figures {
            fn from(f: ReportFigures) -> Self {
                Figures { $($field: f.$field),* }
            }
        }

        impl From<Figures> for ReportFigures {
            fn from(f: Figures) -> Self {
                ReportFigures { $($field: f.$field),* }
            }
        }
    };
}
report_figures!(report_figures_type);

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
    async fn late(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(deadlines::late(&ctx.services()?, &self.0))
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
    async fn district_codes(&self) -> Vec<&str> {
        calls::called_districts(&self.0).unwrap_or_default()
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
        self.0.completeness()
    }
    /// 1 when on time, else 0.
    async fn timeliness(&self) -> f64 {
        self.0.timeliness()
    }
}

/// Reporting status of a period or call, per district and for the province.
pub struct ReportingStatusView(pub ReportingStatus);

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
pub struct ReportDiscrepancy(pub Discrepancy);

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
        self.0.difference()
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
        self.0.coverage_dose1()
    }
    /// Share of adults fully vaccinated, 0 to 1; null when unknown.
    async fn coverage_full(&self) -> Option<f64> {
        self.0.coverage_full()
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
pub struct ProvinceSummary(pub summary::ProvinceSummary);

/// The province's coverage on a date.
#[Object]
impl ProvinceSummary {
    /// The date.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    /// Per district.
    async fn districts(&self) -> Vec<DistrictSummary> {
        self.0
            .districts
            .iter()
            .cloned()
            .map(DistrictSummary)
            .collect()
    }
    /// Adults 18+ of the districts with figures.
    async fn adults_18_plus(&self) -> i64 {
        self.0.adults_18_plus
    }
    /// Adults with dose 1.
    async fn adults_dose1(&self) -> i64 {
        self.0.adults_dose1
    }
    /// Adults fully vaccinated.
    async fn adults_full(&self) -> i64 {
        self.0.adults_full
    }
    /// Share with dose 1, 0 to 1.
    async fn coverage_dose1(&self) -> f64 {
        self.0.coverage_dose1
    }
    /// Share fully vaccinated, 0 to 1.
    async fn coverage_full(&self) -> f64 {
        self.0.coverage_full
    }
    /// Doses given that day.
    async fn doses_given(&self) -> i64 {
        self.0.doses_given
    }
    /// Usable doses on hand.
    async fn doses_on_hand(&self) -> i64 {
        self.0.doses_on_hand
    }
}

/// A district's epidemic level for a week.
pub struct EpidemicLevel(pub DistrictLevel);

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
        self.0.colour()
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

impl From<levels::LevelCount> for LevelCount {
    fn from(c: levels::LevelCount) -> Self {
        LevelCount {
            level: c.level,
            colour: c.colour.into(),
            districts: c.districts,
        }
    }
}
