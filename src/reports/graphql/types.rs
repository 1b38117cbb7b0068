//! Reports, their figures and report calls as GraphQL types.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{report, report_call};

use crate::admin::graphql::Agency;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::scalars::Date;
use crate::reports::figures::{Figures, report_figures};
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
