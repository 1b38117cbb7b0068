//! Inputs of the report queries and mutations, each converting itself to what its service takes.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};

use super::types::ReportFigures;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::scalars::Date;
use crate::reports::calls::NewCall;
use crate::reports::read::ReportFilter;
use crate::reports::workflow::{SaveReport, Step};

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

impl From<ReportFilterInput> for ReportFilter {
    fn from(f: ReportFilterInput) -> Self {
        ReportFilter {
            district_code: f.district_code,
            kind: f.kind.map(Into::into),
            period_from: f.period_from.map(|d| d.0),
            period_to: f.period_to.map(|d| d.0),
            status: f.status.map(Into::into),
            source_agency_code: f.source_agency_code,
        }
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

impl From<SaveReportInput> for SaveReport {
    fn from(input: SaveReportInput) -> Self {
        SaveReport {
            district_code: input.district_code,
            kind: input.kind.into(),
            period: input.period.0,
            report_call_id: input.report_call_id,
            figures: input.figures.into(),
            expected_version: input.expected_version,
        }
    }
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

impl ReturnReportInput {
    /// The report and the step sending it back.
    pub fn into_domain(self) -> (i32, Step) {
        (
            self.id,
            Step::Return {
                reason: self.reason,
            },
        )
    }
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

impl From<CreateReportCallInput> for NewCall {
    fn from(input: CreateReportCallInput) -> Self {
        NewCall {
            kind: input.kind.into(),
            period: input.period.0,
            district_codes: input.district_codes.unwrap_or_default(),
            deadline: input.deadline,
            aggregate_deadline: input.aggregate_deadline,
            note: input.note,
        }
    }
}
