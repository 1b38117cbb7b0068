//! GraphQL face of reports, report calls, reporting status, reconciliation, the province summary and
//! epidemic levels: the roots, each resolver one service call.

mod inputs;
mod types;
mod views;

use async_graphql::{Context, Object, Result, SimpleObject, Subscription};
use futures_util::Stream;

use self::inputs::{
    CreateReportCallInput, ReportFilterInput, ReportIdInput, ReturnReportInput, SaveReportInput,
};
pub use self::types::{Report, ReportCall, ReportFigures};
use self::views::{
    EpidemicLevel, LevelCount, ProvinceSummary, ReportDiscrepancy, ReportingStatusView,
};
use crate::events::DomainEvent;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::ReportKind;
use crate::graphql::scalars::Date;
use crate::reports::reconciliation::{self, Tolerance};
use crate::reports::summary::{self, Expected};
use crate::reports::workflow::{self, Step};
use crate::reports::{calls, levels, read};

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
        let asked = Expected {
            kind: kind.map(Into::into),
            period: period.map(|d| d.0),
            call_id: report_call_id,
        };
        let status = summary::reporting_status(&ctx.services()?, asked).await?;
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
        Ok(summary::province_summary(&ctx.services()?, date.0)
            .await?
            .into())
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
        let district_id = read::followed_district(&ctx.services()?, &district_code).await?;
        let select = move |event: &DomainEvent| match *event {
            DomainEvent::Report {
                report_id,
                district_id: of,
            } if of == district_id => Some(report_id),
            _ => None,
        };
        let load = |app: crate::state::AppState, actor: crate::auth::Actor, id: i32| async move {
            read::get(&app.ctx(&actor), id).await.map(Report)
        };
        Ok(crate::graphql::live::stream(
            ctx.app().clone(),
            ctx.actor()?.clone(),
            select,
            load,
        ))
    }
}
