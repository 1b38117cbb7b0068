//! GraphQL face of reports, report calls, reporting status, reconciliation and the province summary:
//! the roots, each resolver one service call.

mod types;

use async_graphql::{Context, InputObject, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

use self::types::{ProvinceSummary, ReportDiscrepancy, ReportingStatusView};
pub use self::types::{Report, ReportCall, ReportFigures};
use crate::auth::Actor;
use crate::events::DomainEvent;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{ReportKind, ReportStatus};
use crate::graphql::live;
use crate::graphql::resolvers::{input_object, payload, root_object};
use crate::graphql::scalars::Date;
use crate::reports::calls::NewCall;
use crate::reports::read::ReportFilter;
use crate::reports::reconciliation::{self, Tolerance};
use crate::reports::summary;
use crate::reports::workflow::{self, SaveReport, Step};
use crate::reports::{calls, read};
use crate::state::AppState;

root_object! {
    impl ReportQuery {
        lists {
            /// Reports in the caller's scope, by id (transport: weekly epidemic reports only).
            reports(ReportFilterInput) -> Report = read::list;
            /// Report calls of the caller's province, by id.
            report_calls() -> ReportCall = calls::list;
        }
        calls {
            /// Coverage of adults per district and for the province on a date, doses given that day, stock on hand.
            province_summary(#[graphql(desc = "The day summarised (province time).")] date: Date) -> ProvinceSummary = |s| summary::province_summary(&s, date.0);
        }
    }

    /// Expected, submitted, on time, late and missing reports per district and for the province, for a
    /// kind and period, or for a report call.
    async fn reporting_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report kind.")] kind: Option<ReportKind>,
        #[graphql(desc = "The reporting period (day).")] period: Option<Date>,
        #[graphql(desc = "The report call whose returns are counted; the daily report when omitted.")] report_call_id: Option<i32>,
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
        #[graphql(desc = "The report kind compared.")] kind: ReportKind,
        #[graphql(desc = "The reporting period (day) compared.")] period: Date,
        #[graphql(desc = "Differences up to this many units are not reported.", default = 0)] absolute_tolerance: i64,
        #[graphql(desc = "Differences up to this fraction (0.05 = 5 %) are not reported.", default = 0.0)] relative_tolerance: f64,
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
}

payload! {
    /// Result of a report mutation.
    pub struct ReportPayload {
        /// The report after the change.
        report: Report,
    }
}

payload! {
    /// Result of `createReportCall`.
    pub struct ReportCallPayload {
        /// The call.
        report_call: ReportCall,
    }
}

root_object! {
    impl ReportMutation {
        calls {
            /// Saves the caller's draft (creates it, or edits a draft or returned report). HEALTH and
            /// PEOPLES_COMMITTEE agencies, for their district (the province's HEALTH for any).
            save_report(#[graphql(desc = "The district, kind, period and figures of the draft report.")] input: SaveReportInput) -> ReportPayload = |s| workflow::save(&s, input.into());
            /// Submits a draft or returned report; `late` tells whether it missed its due time.
            submit_report(#[graphql(desc = "The draft report to submit.")] input: ReportIdInput) -> ReportPayload = |s| workflow::step(&s, input.id, Step::Submit);
            /// Accepts a submitted report, which freezes it (province HEALTH, role APPROVER).
            accept_report(#[graphql(desc = "The submitted report to accept.")] input: ReportIdInput) -> ReportPayload = |s| workflow::step(&s, input.id, Step::Accept);
            /// Sends a submitted report back for correction (province HEALTH, role APPROVER).
            return_report(#[graphql(desc = "The submitted report to return, with the reason.")] input: ReturnReportInput) -> ReportPayload = |s| {
                let (id, step) = input.into_domain();
                workflow::step(&s, id, step)
            };
            /// Asks every district for a report by a deadline (province HEALTH, role APPROVER).
            create_report_call(#[graphql(desc = "The report call: kind, period, deadlines and note.")] input: CreateReportCallInput) -> ReportCallPayload
                = |s| calls::create(&s, input.into());
        }
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
        #[graphql(desc = "Only this district's events; all the caller may see when omitted.")]
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

input_object! {
    /// A draft report to save.
    #[derive(InputObject)]
    pub struct SaveReportInput => SaveReport {
        /// District reported on (GSO code).
        district_code: String,
        /// Kind of report.
        kind: ReportKind => Into::into,
        /// The day (a Monday for weekly reports).
        period: Date => Into::into,
        /// The report call answered, if any.
        report_call_id: Option<i32>,
        /// The figures.
        figures: ReportFigures => Into::into,
        /// The `version` the change is based on; CONFLICT when stale.
        expected_version: Option<i32>,
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

input_object! {
    /// A report call to issue.
    #[derive(InputObject)]
    pub struct CreateReportCallInput => NewCall {
        /// Kind of report asked for.
        kind: ReportKind => Into::into,
        /// Period asked for.
        period: Date => Into::into,
        /// Districts called (GSO codes); every district of the province when omitted.
        district_codes: Option<Vec<String>> => Option::unwrap_or_default,
        /// Deadline for the districts.
        deadline: DateTime<Utc>,
        /// Deadline for the province's aggregate.
        aggregate_deadline: Option<DateTime<Utc>>,
        /// What is asked.
        note: Option<String>,
    }
}
