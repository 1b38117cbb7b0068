//! GraphQL face of reports, report calls, reporting status, reconciliation, the province summary and
//! epidemic levels: the roots, each resolver one service call.

mod types;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

use self::types::{
    EpidemicLevel, LevelCount, ProvinceSummary, ReportDiscrepancy, ReportingStatusView,
};
pub use self::types::{Report, ReportCall, ReportFigures};
use crate::auth::Actor;
use crate::events::DomainEvent;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::live;
use crate::graphql::scalars::Date;
use crate::reports::calls::NewCall;
use crate::reports::read::ReportFilter;
use crate::reports::reconciliation::{self, Tolerance};
use crate::reports::summary;
use crate::reports::workflow::{self, SaveReport, Step};
use crate::reports::{calls, levels, read};
use crate::state::AppState;

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
        let filter = filter.unwrap_or_default().into();
        let rows = read::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(rows, Report))
    }

    /// Report calls of the caller's province, by id.
    async fn report_calls(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<ReportCall>> {
        let paging = ctx.paging(first, after)?;
        let rows = calls::list(&ctx.services()?, paging.request).await?;
        Ok(paging.connection(rows, ReportCall))
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
        let (kind, period) = (kind.map(Into::into), period.map(|d| d.0));
        let status =
            summary::reporting_status(&ctx.services()?, kind, period, report_call_id).await?;
        Ok(ReportingStatusView(status))
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
        let tolerance = Tolerance {
            absolute: absolute_tolerance,
            relative: relative_tolerance,
        };
        let found =
            reconciliation::discrepancies(&ctx.services()?, kind.into(), period.0, tolerance)
                .await?;
        Ok(found.into_iter().map(ReportDiscrepancy).collect())
    }

    /// Coverage of adults per district and for the province on a date, doses given that day, stock on hand.
    async fn province_summary(&self, ctx: &Context<'_>, date: Date) -> Result<ProvinceSummary> {
        let summary = summary::province_summary(&ctx.services()?, date.0).await?;
        Ok(ProvinceSummary(summary))
    }

    /// Epidemic level of every district for the week starting `week` (a Monday), per Decision 4800/QĐ-BYT
    /// unless configured otherwise.
    async fn epidemic_levels(&self, ctx: &Context<'_>, week: Date) -> Result<Vec<EpidemicLevel>> {
        let found = levels::epidemic_levels(&ctx.services()?, week.0).await?;
        Ok(found.into_iter().map(EpidemicLevel).collect())
    }

    /// Districts per epidemic level for the week starting `week` (a Monday).
    async fn epidemic_level_counts(
        &self,
        ctx: &Context<'_>,
        week: Date,
    ) -> Result<Vec<LevelCount>> {
        let counts = levels::level_counts(&ctx.services()?, week.0).await?;
        Ok(counts.into_iter().map(Into::into).collect())
    }
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

impl ReportPayload {
    fn of(report: entity::report::Model) -> ReportPayload {
        ReportPayload {
            report: Report(report),
        }
    }
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
        let saved = workflow::save(&ctx.services()?, input.into()).await?;
        Ok(ReportPayload::of(saved))
    }

    /// Submits a draft or returned report; `late` tells whether it missed its due time.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        input: ReportIdInput,
    ) -> Result<ReportPayload> {
        let done = workflow::step(&ctx.services()?, input.id, Step::Submit).await?;
        Ok(ReportPayload::of(done))
    }

    /// Accepts a submitted report, which freezes it (province HEALTH, role APPROVER).
    async fn accept_report(
        &self,
        ctx: &Context<'_>,
        input: ReportIdInput,
    ) -> Result<ReportPayload> {
        let done = workflow::step(&ctx.services()?, input.id, Step::Accept).await?;
        Ok(ReportPayload::of(done))
    }

    /// Sends a submitted report back for correction (province HEALTH, role APPROVER).
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        input: ReturnReportInput,
    ) -> Result<ReportPayload> {
        let (id, step) = input.into_domain();
        let done = workflow::step(&ctx.services()?, id, step).await?;
        Ok(ReportPayload::of(done))
    }

    /// Asks every district for a report by a deadline (province HEALTH, role APPROVER).
    async fn create_report_call(
        &self,
        ctx: &Context<'_>,
        input: CreateReportCallInput,
    ) -> Result<ReportCallPayload> {
        let call = calls::create(&ctx.services()?, input.into()).await?;
        Ok(ReportCallPayload {
            report_call: ReportCall(call),
        })
    }
}

/// A report delivered by `reportEvents`, with the cursor to resume after it.
#[derive(SimpleObject)]
pub struct ReportEvent {
    /// Opaque, increasing position of this event: pass it as `after` when subscribing again.
    pub cursor: String,
    #[graphql(flatten)]
    pub report: Report,
}

#[derive(Default)]
pub struct ReportSubscription;

#[Subscription]
impl ReportSubscription {
    /// Reports of a district (GSO code) as they are submitted, accepted or returned. Given `after`,
    /// first replays the report events after that cursor (bounded as for `screeningAlerts`; beyond the
    /// bound CURSOR_EXPIRED), then goes on live with no gap and no duplicate.
    async fn report_events(
        &self,
        ctx: &Context<'_>,
        district_code: String,
        #[graphql(desc = "The `cursor` of the last report event received: resume after it.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = ReportEvent>> {
        let district_id = read::followed_district(&ctx.services()?, &district_code).await?;
        let select = move |event: &DomainEvent| match *event {
            DomainEvent::Report {
                report_id,
                district_id: of,
            } if of == district_id => Some(report_id),
            _ => None,
        };
        let load = |app: AppState, actor: Actor, id: i32| async move {
            read::get(&app.ctx(&actor), id).await.map(Report)
        };
        let (app, actor) = (ctx.app().clone(), ctx.actor()?.clone());
        let stream = live::stream(app, actor, after, select, load).await?;
        Ok(stream.map(|d| ReportEvent {
            cursor: d.cursor,
            report: d.item,
        }))
    }
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

impl From<ReportFilterInput> for ReportFilter {
    fn from(f: ReportFilterInput) -> Self {
        ReportFilter {
            district_code: f.district_code,
            kind: f.kind.map(Into::into),
            periods: (f.period_from.map(|d| d.0), f.period_to.map(|d| d.0)),
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
