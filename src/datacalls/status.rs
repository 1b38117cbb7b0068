//! Completeness and timeliness of one call: every addressee's standing (answered, on time, late,
//! missing), the totals (completeness = submitted / expected, timeliness = on time / expected), and the
//! compiling agency's own deliverable against the aggregate deadline.

use chrono::{DateTime, Utc};
use entity::{ReportStatus, agency, call_answer, compilation, data_call, district};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::calls;
use crate::error::{AppError, AppResult};
use crate::keyset::{Page, PageRequest};
use crate::kit::Ctx;
use crate::policy::Scope;

/// One addressee's standing.
#[derive(Debug, Clone)]
pub struct AddresseeLine {
    pub agency: agency::Model,
    pub district: Option<district::Model>,
    pub answer: Option<call_answer::Model>,
    pub submitted: bool,
    pub on_time: bool,
    pub late: bool,
}

/// Where the compiler's deliverable stands.
#[derive(Debug, Clone)]
pub struct Deliverable {
    pub compiler: agency::Model,
    pub due_at: Option<DateTime<Utc>>,
    pub sent: Option<compilation::Model>,
    /// Sent after the aggregate deadline, or not sent and past it.
    pub late: bool,
}

#[derive(Debug, Clone)]
pub struct CallStatus {
    pub call: data_call::Model,
    pub lines: Vec<AddresseeLine>,
    pub expected: usize,
    pub submitted: usize,
    pub on_time: usize,
    pub late: usize,
    pub accepted: usize,
    pub deliverable: Deliverable,
}

impl CallStatus {
    /// Submitted / expected; 1 when nobody is expected.
    pub fn completeness(&self) -> f64 {
        ratio(self.submitted, self.expected)
    }

    /// On time / expected; 1 when nobody is expected.
    pub fn timeliness(&self) -> f64 {
        ratio(self.on_time, self.expected)
    }
}

fn ratio(n: usize, of: usize) -> f64 {
    if of == 0 { 1.0 } else { n as f64 / of as f64 }
}

/// The status of a call: for the province's readers, or for an addressee that answered it (which
/// reads the summary of the calls it answered). NOT_FOUND otherwise.
#[tracing::instrument(skip_all, fields(call.id = call_id))]
pub async fn call_status(ctx: &Ctx<'_>, call_id: i32) -> AppResult<CallStatus> {
    let (call, scope) = calls::readable(ctx, call_id).await?;
    let answers = call_answer::Entity::find()
        .filter(call_answer::Column::CallId.eq(call.id))
        .all(ctx.db)
        .await?;
    if !matches!(scope, Scope::Province { .. })
        && !answers.iter().any(|a| a.agency_id == ctx.actor.agency_id)
    {
        return Err(AppError::not_found("call", call_id));
    }
    let now = ctx.now();
    let mut lines = Vec::new();
    for (agency, district) in calls::addressees(ctx.db, &call).await? {
        let answer = answers.iter().find(|a| a.agency_id == agency.id).cloned();
        let submitted_at = answer.as_ref().and_then(|a| a.submitted_at);
        let on_time = submitted_at.is_some_and(|s| s <= call.deadline);
        let late = submitted_at.map_or(now > call.deadline, |s| s > call.deadline);
        lines.push(AddresseeLine {
            agency,
            district,
            submitted: submitted_at.is_some(),
            on_time,
            late,
            answer,
        });
    }
    let compiler = crate::kit::by_id::<agency::Entity>(ctx.db, call.compiler_agency_id).await?;
    let sent = compilation::Entity::find()
        .filter(compilation::Column::CallId.eq(call.id))
        .one(ctx.db)
        .await?;
    let due_at = call.aggregate_deadline;
    let late = match (&sent, due_at) {
        (_, None) => false,
        (Some(s), Some(due)) => s.sent_at > due,
        (None, Some(due)) => now > due,
    };
    Ok(CallStatus {
        expected: lines.len(),
        submitted: lines.iter().filter(|l| l.submitted).count(),
        on_time: lines.iter().filter(|l| l.on_time).count(),
        late: lines.iter().filter(|l| l.late).count(),
        accepted: lines
            .iter()
            .filter(|l| {
                l.answer
                    .as_ref()
                    .is_some_and(|a| a.status == ReportStatus::Accepted)
            })
            .count(),
        deliverable: Deliverable {
            compiler,
            due_at,
            sent,
            late,
        },
        call,
        lines,
    })
}

/// A call's aggregate, owed by its compiling agency: due, sent, late.
#[derive(Debug, Clone)]
pub struct CallDeliverable {
    pub call: data_call::Model,
    pub sent: Option<compilation::Model>,
    pub late: bool,
}

/// One page of the compiling agencies' own deliverables: the calls of the province with an aggregate
/// deadline, by id, each with its aggregate as sent. For the province's readers of calls; empty for the
/// others.
pub async fn deliverables(ctx: &Ctx<'_>, page: PageRequest) -> AppResult<Page<CallDeliverable>> {
    if !matches!(
        crate::policy::read_scope(ctx.actor, crate::policy::Resource::Call),
        Some(Scope::Province { .. })
    ) {
        return Ok(Page::empty());
    }
    let filter = calls::CallFilter {
        with_aggregate: true,
        ..Default::default()
    };
    let calls = calls::list(ctx, &filter, page).await?;
    let sent = compilation::Entity::find()
        .filter(compilation::Column::CallId.is_in(calls.items.iter().map(|(_, c)| c.id)))
        .all(ctx.db)
        .await?;
    let now = ctx.now();
    Ok(calls.map(|call| {
        let sent = sent.iter().find(|s| s.call_id == call.id).cloned();
        let late = match (&sent, call.aggregate_deadline) {
            (_, None) => false,
            (Some(s), Some(due)) => s.sent_at > due,
            (None, Some(due)) => now > due,
        };
        CallDeliverable { call, sent, late }
    }))
}
