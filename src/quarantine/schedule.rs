//! The tests of quarantine cases: recording one (it fills the scheduled test whose day it falls in, or
//! is added beside the schedule), and the sweep that alerts health, once, for each scheduled test left
//! untaken past its grace period.

use chrono::{DateTime, Duration, Utc};
use entity::{QuarantineStatus, TestKind, TestResult, quarantine_case, quarantine_test};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, Set};

use super::cases;
use crate::checkpoints::alerts::{self, AlertOrigin};
use crate::checkpoints::posts::check_test_taken;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// A test result to record for a case.
#[derive(Debug, Clone)]
pub struct CaseTest {
    pub case_id: i64,
    /// The scheduled test it fulfils; when omitted, the earliest untaken one whose day it falls in.
    pub test_id: Option<i64>,
    pub kind: TestKind,
    pub result: TestResult,
    pub taken_at: DateTime<Utc>,
}

/// Health records a test of an OPEN case. A positive result alerts health. Refused: a test dated before
/// the case started or in the future.
#[tracing::instrument(skip_all, fields(case.id = input.case_id))]
pub async fn record(ctx: &Ctx<'_>, input: CaseTest) -> AppResult<quarantine_case::Model> {
    let scope = policy::require(ctx.actor, Resource::QuarantineCase, Action::Write)?;
    check_test_taken(input.kind, input.taken_at, ctx.now())?;
    let mut w = ctx.write().await?;
    let case = cases::in_scope(&w, scope, input.case_id).await?;
    if input.taken_at < case.started_at {
        return Err(AppError::bad_input("takenAt", "before the case started"));
    }
    if case.status != QuarantineStatus::Open {
        return Err(AppError::InvalidState(format!(
            "quarantine case {} is {}, not OPEN",
            case.id,
            case.status.as_str()
        )));
    }
    let slot = match input.test_id {
        Some(id) => {
            let t = quarantine_test::Entity::find_by_id(id)
                .filter(quarantine_test::Column::CaseId.eq(case.id))
                .one(&*w)
                .await?
                .ok_or_else(|| {
                    AppError::bad_input("testId", format!("no test {id} of this case"))
                })?;
            if t.taken_at.is_some() {
                return Err(AppError::InvalidState(format!(
                    "test {id} is already recorded"
                )));
            }
            Some(t)
        }
        None => due_slot(&*w, case.id, input.taken_at).await?,
    };
    let recorded_by = Some(ctx.actor.label());
    let saved = match slot {
        Some(t) => {
            let mut row: quarantine_test::ActiveModel = t.into();
            row.kind = Set(input.kind);
            row.result = Set(Some(input.result));
            row.taken_at = Set(Some(input.taken_at));
            row.recorded_by = Set(recorded_by);
            row.update(&*w).await?
        }
        None => {
            quarantine_test::ActiveModel {
                id: NotSet,
                case_id: Set(case.id),
                due_at: Set(None),
                kind: Set(input.kind),
                result: Set(Some(input.result)),
                taken_at: Set(Some(input.taken_at)),
                recorded_by: Set(recorded_by),
                alerted_at: Set(None),
                created_at: Set(w.now()),
            }
            .insert(&*w)
            .await?
        }
    };
    w.audit_created(
        "quarantine_test.record",
        "quarantine_test",
        saved.id,
        &saved,
    )
    .await?;
    if input.result == TestResult::Positive {
        let origin = AlertOrigin {
            quarantine_case_id: Some(case.id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(&mut w, origin, case.district_id, &["POSITIVE_TEST"]).await?;
    }
    w.commit().await?;
    Ok(case)
}

/// The earliest untaken scheduled test whose test day has begun by `taken_at`.
async fn due_slot(
    conn: &impl sea_orm::ConnectionTrait,
    case_id: i64,
    taken_at: DateTime<Utc>,
) -> AppResult<Option<quarantine_test::Model>> {
    Ok(quarantine_test::Entity::find()
        .filter(quarantine_test::Column::CaseId.eq(case_id))
        .filter(quarantine_test::Column::TakenAt.is_null())
        .filter(quarantine_test::Column::DueAt.lte(taken_at + Duration::days(1)))
        .order_by_asc(quarantine_test::Column::DueAt)
        .one(conn)
        .await?)
}

/// Alerts health of the case's district for every scheduled test of an OPEN case left untaken past its
/// grace period, once per test: the test is marked in the same write, by a conditional update that only
/// one of two concurrent sweeps wins. Returns the alerts raised. Runs on a timer in `serve`.
#[tracing::instrument(skip_all)]
pub async fn sweep_overdue(ctx: &Ctx<'_>) -> AppResult<usize> {
    let grace = ctx.config.quarantine.test_grace;
    let cutoff = ctx.now() - grace;
    let late = quarantine_test::Entity::find()
        .filter(quarantine_test::Column::TakenAt.is_null())
        .filter(quarantine_test::Column::AlertedAt.is_null())
        .filter(quarantine_test::Column::DueAt.lt(cutoff))
        .filter(
            quarantine_test::Column::CaseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(quarantine_case::Column::Id)
                    .from(quarantine_case::Entity)
                    .and_where(quarantine_case::Column::Status.eq(QuarantineStatus::Open))
                    .to_owned(),
            ),
        )
        .all(ctx.db)
        .await?;
    let mut raised = 0;
    for test in late {
        let mut w = ctx.write().await?;
        let marked = quarantine_test::Entity::update_many()
            .col_expr(
                quarantine_test::Column::AlertedAt,
                sea_orm::sea_query::Expr::value(w.now()),
            )
            .filter(quarantine_test::Column::Id.eq(test.id))
            .filter(quarantine_test::Column::AlertedAt.is_null())
            .filter(quarantine_test::Column::TakenAt.is_null())
            .exec(&*w)
            .await?;
        if marked.rows_affected != 1 {
            continue;
        }
        let Some(case) = quarantine_case::Entity::find_by_id(test.case_id)
            .one(&*w)
            .await?
        else {
            continue;
        };
        w.audit_created("quarantine_test.overdue", "quarantine_test", test.id, &test)
            .await?;
        let origin = AlertOrigin {
            quarantine_case_id: Some(case.id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(&mut w, origin, case.district_id, &["OVERDUE_TEST"]).await?;
        w.commit().await?;
        raised += 1;
    }
    Ok(raised)
}
