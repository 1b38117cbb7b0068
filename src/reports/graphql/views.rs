//! The read models over reports as GraphQL types: reporting status, discrepancies, the province summary
//! and epidemic levels.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::scalars::Date;
use crate::reports::levels::{self, DistrictLevel};
use crate::reports::reconciliation::Discrepancy;
use crate::reports::summary::{self, DistrictStatus, ReportingStatus, SummaryLine};

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

impl From<summary::ProvinceSummary> for ProvinceSummary {
    fn from(s: summary::ProvinceSummary) -> Self {
        ProvinceSummary {
            date: Date(s.date),
            districts: s.districts.into_iter().map(DistrictSummary).collect(),
            adults_18_plus: s.adults_18_plus,
            adults_dose1: s.adults_dose1,
            adults_full: s.adults_full,
            coverage_dose1: s.coverage_dose1,
            coverage_full: s.coverage_full,
            doses_given: s.doses_given,
            doses_on_hand: s.doses_on_hand,
        }
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
