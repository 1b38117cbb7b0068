//! The GraphQL types of reports: reports, their figures, report calls, and the read models over them
//! (reporting status, discrepancies, the province summary).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{report, report_call};

use crate::admin::graphql::Agency;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::resolvers::row_object;
use crate::graphql::scalars::Date;
use crate::reports::figures::{Figures, report_figures};
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

row_object! {
    #[Object]
    /// A district's report for one period, from its health centre or its committee.
    pub struct Report(report::Model) as r {
        /// Report id.
        id: i32 = r.id;
        /// Kind of report.
        kind: ReportKind = r.kind.into();
        /// The day reported (a week's Monday for weekly reports).
        period: Date = Date(r.period);
        /// The report call it answers; null when none.
        report_call_id: Option<i32> = r.report_call_id;
        /// Where it stands.
        status: ReportStatus = r.status.into();
        /// When it is due.
        due_at: DateTime<Utc> = r.due_at;
        /// When it was (last) submitted; null before.
        submitted_at: Option<DateTime<Utc>> = r.submitted_at;
        /// Who accepted or returned it; null before review.
        reviewed_by: Option<&str> = r.reviewed_by.as_deref();
        /// Why it was returned; null otherwise.
        return_reason: Option<&str> = r.return_reason.as_deref();
        /// The figures.
        figures: ReportFigures = Figures::of(r).into();
        /// Version, for `expectedVersion`.
        version: i32 = r.version;
    }
    nodes {
        /// The district reported on.
        district: District = r.district_id;
        /// Agency that reports.
        source_agency: Agency = r.source_agency_id;
    }

    impl {
        /// Submitted after its due time, or not submitted and past it. Derived, never entered.
        async fn late(&self, ctx: &Context<'_>) -> Result<bool> {
            Ok(deadlines::late(&ctx.services()?, &self.0))
        }
    }
}

row_object! {
    #[Object]
    /// A request for reports from every district, with a deadline and one for the province's aggregate.
    pub struct ReportCall(report_call::Model) as call {
        /// Call id; pass it as `reportCallId`.
        id: i32 = call.id;
        /// Kind of report asked for.
        kind: ReportKind = call.kind.into();
        /// Period asked for.
        period: Date = Date(call.period);
        /// GSO codes of the districts called; every district of the province when empty.
        district_codes: Vec<&str> = calls::called_districts(call).unwrap_or_default();
        /// Deadline for the districts.
        deadline: DateTime<Utc> = call.deadline;
        /// Deadline for the province's aggregate; null when none.
        aggregate_deadline: Option<DateTime<Utc>> = call.aggregate_deadline;
        /// What is asked; null when nothing more is said.
        note: Option<&str> = call.note.as_deref();
        /// Who issued it.
        issued_by: &str = &call.issued_by;
    }
}

row_object! {
    #[Object]
    /// One district's standing for an expected report.
    pub struct DistrictReportingStatus(DistrictStatus) as d {
        /// The district.
        district: District = District(d.district.clone());
        /// Whether a report was submitted.
        submitted: bool = d.submitted;
        /// Whether it was submitted by the due time.
        on_time: bool = d.on_time;
        /// Submitted late, or still missing past the due time.
        late: bool = d.late;
        /// When it is due.
        due_at: DateTime<Utc> = d.due_at;
        /// When the first report was submitted; null when missing.
        submitted_at: Option<DateTime<Utc>> = d.submitted_at;
        /// 1 when submitted, else 0.
        completeness: f64 = d.completeness();
        /// 1 when on time, else 0.
        timeliness: f64 = d.timeliness();
    }
}

row_object! {
    #[Object]
    /// Reporting status of a period or call, per district and for the province.
    pub struct ReportingStatusView(ReportingStatus) as status {
        /// Each district in the caller's reach.
        districts: Vec<DistrictReportingStatus> =
            status.districts.iter().cloned().map(DistrictReportingStatus).collect();
        /// Reports expected (one per district).
        expected: usize = status.expected;
        /// Reports submitted.
        submitted: usize = status.submitted;
        /// Reports submitted on time.
        on_time: usize = status.on_time;
        /// Reports submitted late.
        late: usize = status.late;
        /// Reports missing.
        missing: usize = status.missing;
        /// Submitted / expected.
        completeness: f64 = status.completeness();
        /// On time / expected.
        timeliness: f64 = status.timeliness();
    }
}

row_object! {
    #[Object]
    /// A figure on which the district committee and the district health centre disagree beyond the tolerance.
    pub struct ReportDiscrepancy(Discrepancy) as d {
        /// The figure, by its API name (e.g. `adultsDose1`).
        figure: &str = d.figure;
        /// The health centre's value.
        health_value: i64 = d.health;
        /// The committee's value.
        committee_value: i64 = d.committee;
        /// Absolute difference.
        difference: i64 = d.difference();
        /// The health centre's report.
        health_report_id: i32 = d.health_report_id;
        /// The committee's report.
        committee_report_id: i32 = d.committee_report_id;
    }
    nodes {
        /// The district.
        district: District = d.district_id;
    }

}

row_object! {
    #[Object]
    /// Coverage of adults and stock of one district on a date.
    pub struct DistrictSummary(SummaryLine) as line {
        /// The district.
        district: District = District(line.district.clone());
        /// Adults 18+ (from the report, else the profile); null when unknown.
        adults_18_plus: Option<i64> = line.adults_18_plus;
        /// Adults with dose 1; null when no report.
        adults_dose1: Option<i64> = line.adults_dose1;
        /// Adults fully vaccinated; null when no report.
        adults_full: Option<i64> = line.adults_full;
        /// Share of adults with dose 1, 0 to 1; null when unknown.
        coverage_dose1: Option<f64> = line.coverage_dose1();
        /// Share of adults fully vaccinated, 0 to 1; null when unknown.
        coverage_full: Option<f64> = line.coverage_full();
        /// Doses given that day; null when not reported.
        doses_given: Option<i64> = line.doses_given_that_day;
        /// Usable doses on hand (0 when the caller may not read stock).
        doses_on_hand: i64 = line.doses_on_hand;
    }
}

row_object! {
    #[Object]
    /// The province's coverage on a date.
    pub struct ProvinceSummary(summary::ProvinceSummary) as p {
        /// The date.
        date: Date = Date(p.date);
        /// Per district.
        districts: Vec<DistrictSummary> = p.districts.iter().cloned().map(DistrictSummary).collect();
        /// Adults 18+ of the districts with figures.
        adults_18_plus: i64 = p.adults_18_plus;
        /// Adults with dose 1.
        adults_dose1: i64 = p.adults_dose1;
        /// Adults fully vaccinated.
        adults_full: i64 = p.adults_full;
        /// Share with dose 1, 0 to 1.
        coverage_dose1: f64 = p.coverage_dose1;
        /// Share fully vaccinated, 0 to 1.
        coverage_full: f64 = p.coverage_full;
        /// Doses given that day.
        doses_given: i64 = p.doses_given;
        /// Usable doses on hand.
        doses_on_hand: i64 = p.doses_on_hand;
    }
}
