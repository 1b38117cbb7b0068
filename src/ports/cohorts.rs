//! Cohort testing: a testing plan for a group of workers (a port's cargo inspectors), each member with
//! cadences (a rapid test every shift, RT-PCR every few days); recording their tests; who is overdue;
//! and the sweep that alerts health once per overdue due time, after a grace period.

use chrono::{DateTime, Duration, Utc};
use entity::{
    TestKind, TestResult, checkpoint, cohort_member, cohort_test, district, testing_plan,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, NotSet, QueryFilter, Set};
use serde::Serialize;

use super::calls::staffed_posts;
use crate::checkpoints::alerts::{self, AlertOrigin};
use crate::checkpoints::posts::check_test_taken;
use crate::error::{AppError, AppResult};
use crate::keyset::{Listed, Order, Position};
use crate::kit::{self, Ctx, ScopedList, Text, by_code_from, text};
use crate::policy::{self, Action, Resource, Scope};

/// A member of a new plan.
#[derive(Debug, Clone, Serialize)]
pub struct NewMember {
    pub full_name: String,
    pub id_number: Option<String>,
    /// Default: the plan's.
    pub rapid_every_hours: Option<i32>,
    /// Default: the plan's.
    pub pcr_every_days: Option<i32>,
}

/// A new testing plan.
#[derive(Debug, Clone, Serialize)]
pub struct NewPlan {
    pub name: String,
    /// The post the cohort works at; its district is the plan's.
    pub checkpoint_code: Option<String>,
    /// Required without a checkpoint.
    pub district_code: Option<String>,
    pub rapid_every_hours: Option<i32>,
    pub pcr_every_days: Option<i32>,
    pub members: Vec<NewMember>,
}

/// Creates a plan with its members (HEALTH; TRANSPORT and BORDER_GUARD for posts they staff). Every
/// member needs a cadence, their own or the plan's.
#[tracing::instrument(skip_all)]
pub async fn create(ctx: &Ctx<'_>, input: NewPlan) -> AppResult<testing_plan::Model> {
    let scope = policy::require(ctx.actor, Resource::TestingPlan, Action::Write)?;
    let name = text("name", Some(&input.name), Text::required(200))?.unwrap_or_default();
    if input.members.is_empty() || input.members.len() > 500 {
        return Err(AppError::bad_input("members", "1 to 500 members"));
    }
    let mut members = Vec::new();
    for (i, m) in input.members.into_iter().enumerate() {
        let full_name = text(
            &format!("members[{i}].fullName"),
            Some(&m.full_name),
            Text::required(200),
        )?;
        let rapid = m.rapid_every_hours.or(input.rapid_every_hours);
        let pcr = m.pcr_every_days.or(input.pcr_every_days);
        if rapid.is_none() && pcr.is_none() {
            return Err(AppError::bad_input(
                format!("members[{i}]"),
                "no cadence: give rapidEveryHours or pcrEveryDays (for the member or the plan)",
            ));
        }
        if rapid.is_some_and(|h| !(1..=168).contains(&h)) {
            return Err(AppError::bad_input(
                format!("members[{i}].rapidEveryHours"),
                "1 to 168",
            ));
        }
        if pcr.is_some_and(|d| !(1..=30).contains(&d)) {
            return Err(AppError::bad_input(
                format!("members[{i}].pcrEveryDays"),
                "1 to 30",
            ));
        }
        members.push((full_name.unwrap_or_default(), m.id_number, rapid, pcr));
    }
    let w = ctx.write().await?;
    let (district_id, checkpoint_id) = match (&input.checkpoint_code, &input.district_code) {
        (Some(code), _) => {
            let post = by_code_from::<checkpoint::Entity>(&*w, "checkpointCode", code).await?;
            let reaches = match scope {
                Scope::StaffedCheckpoints { agency_id } => {
                    let staffed = entity::checkpoint_staff::Entity::find()
                        .filter(entity::checkpoint_staff::Column::CheckpointId.eq(post.id))
                        .filter(entity::checkpoint_staff::Column::AgencyId.eq(agency_id))
                        .one(&*w)
                        .await?;
                    staffed.is_some()
                }
                _ => {
                    let d = crate::districts::lookup::by_id(&*w, post.district_id).await?;
                    scope.covers_district(d.id, d.province_id)
                }
            };
            if !reaches {
                return Err(AppError::forbidden(format!(
                    "checkpoint {} is outside your reach",
                    post.code
                )));
            }
            (post.district_id, Some(post.id))
        }
        (None, Some(code)) => {
            let d = by_code_from::<district::Entity>(&*w, "districtCode", code).await?;
            if matches!(scope, Scope::StaffedCheckpoints { .. })
                || !scope.covers_district(d.id, d.province_id)
            {
                return Err(AppError::forbidden(format!(
                    "district {} is outside your reach",
                    d.code
                )));
            }
            (d.id, None)
        }
        (None, None) => {
            return Err(AppError::bad_input(
                "districtCode",
                "a district or a checkpoint is required",
            ));
        }
    };
    let now = w.now();
    let plan = testing_plan::ActiveModel {
        id: NotSet,
        name: Set(name),
        district_id: Set(district_id),
        checkpoint_id: Set(checkpoint_id),
        created_by: Set(ctx.actor.label()),
        created_at: Set(now),
    }
    .insert(&*w)
    .await?;
    for (full_name, id_number, rapid, pcr) in members {
        cohort_member::ActiveModel {
            id: NotSet,
            plan_id: Set(plan.id),
            full_name: Set(full_name),
            id_number: Set(id_number),
            rapid_every_hours: Set(rapid),
            pcr_every_days: Set(pcr),
            alerted_due_at: Set(None),
            created_at: Set(now),
        }
        .insert(&*w)
        .await?;
    }
    w.commit_created("testing_plan.create", "testing_plan", plan.id, &plan)
        .await?;
    Ok(plan)
}

/// A cohort member's test.
#[derive(Debug, Clone)]
pub struct NewCohortTest {
    pub member_id: i64,
    pub kind: TestKind,
    pub result: TestResult,
    pub taken_at: DateTime<Utc>,
}

/// Records a member's test; a positive one alerts health of the plan's district.
#[tracing::instrument(skip_all, fields(member.id = input.member_id))]
pub async fn record_test(ctx: &Ctx<'_>, input: NewCohortTest) -> AppResult<testing_plan::Model> {
    let scope = policy::require(ctx.actor, Resource::TestingPlan, Action::Write)?;
    check_test_taken(input.kind, input.taken_at, ctx.now())?;
    let mut w = ctx.write().await?;
    let member = cohort_member::Entity::find_by_id(input.member_id)
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("cohort member", input.member_id))?;
    let plan = testing_plan::Entity::find_by_id(member.plan_id)
        .filter(within(scope))
        .one(&*w)
        .await?
        .ok_or_else(|| AppError::not_found("cohort member", input.member_id))?;
    let saved = cohort_test::ActiveModel {
        id: NotSet,
        member_id: Set(member.id),
        kind: Set(input.kind),
        result: Set(input.result),
        taken_at: Set(input.taken_at),
        recorded_by: Set(ctx.actor.label()),
        created_at: Set(w.now()),
    }
    .insert(&*w)
    .await?;
    w.audit_created("cohort_test.record", "cohort_test", saved.id, &saved)
        .await?;
    if input.result == TestResult::Positive {
        let origin = AlertOrigin {
            testing_plan_id: Some(plan.id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(&mut w, origin, plan.district_id, &["POSITIVE_TEST"]).await?;
    }
    w.commit().await?;
    Ok(plan)
}

/// When a member's next test falls due: for each cadence, its last test of that kind (a rapid cadence
/// is met by any test) or, before any, joining the plan, plus the interval; the earliest of these.
pub fn next_due(
    member: &cohort_member::Model,
    tests: &[cohort_test::Model],
) -> Option<DateTime<Utc>> {
    let last = |pcr_only: bool| {
        tests
            .iter()
            .filter(|t| !pcr_only || t.kind == TestKind::RtPcr)
            .map(|t| t.taken_at)
            .max()
            .unwrap_or(member.created_at)
    };
    let rapid = member
        .rapid_every_hours
        .map(|h| last(false) + Duration::hours(i64::from(h)));
    let pcr = member
        .pcr_every_days
        .map(|d| last(true) + Duration::days(i64::from(d)));
    match (rapid, pcr) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Alerts health of the plan's district for each member whose next test is overdue past the grace
/// period, once per due time (the member is marked with it by a conditional update in the same write).
#[tracing::instrument(skip_all)]
pub async fn sweep_overdue(ctx: &Ctx<'_>) -> AppResult<usize> {
    let grace = ctx.config.quarantine.cohort_grace;
    let now = ctx.now();
    let members = cohort_member::Entity::find().all(ctx.db).await?;
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    let tests = cohort_test::Entity::find()
        .filter(cohort_test::Column::MemberId.is_in(ids))
        .all(ctx.db)
        .await?;
    let mut raised = 0;
    for member in members {
        let own: Vec<cohort_test::Model> = tests
            .iter()
            .filter(|t| t.member_id == member.id)
            .cloned()
            .collect();
        let Some(due) = next_due(&member, &own) else {
            continue;
        };
        if due + grace >= now || member.alerted_due_at == Some(due) {
            continue;
        }
        let mut w = ctx.write().await?;
        let marked = cohort_member::Entity::update_many()
            .col_expr(cohort_member::Column::AlertedDueAt, Expr::value(due))
            .filter(cohort_member::Column::Id.eq(member.id))
            .filter(
                Condition::any()
                    .add(cohort_member::Column::AlertedDueAt.is_null())
                    .add(cohort_member::Column::AlertedDueAt.ne(due)),
            )
            .exec(&*w)
            .await?;
        if marked.rows_affected != 1 {
            continue;
        }
        let Some(plan) = testing_plan::Entity::find_by_id(member.plan_id)
            .one(&*w)
            .await?
        else {
            continue;
        };
        w.audit_created("cohort_member.overdue", "cohort_member", member.id, &member)
            .await?;
        let origin = AlertOrigin {
            testing_plan_id: Some(plan.id),
            ..AlertOrigin::default()
        };
        alerts::raise_for(&mut w, origin, plan.district_id, &["OVERDUE_TEST"]).await?;
        w.commit().await?;
        raised += 1;
    }
    Ok(raised)
}

/// Plans in a scope: its districts, or the posts a narrowed agency staffs.
pub fn within(scope: Scope) -> Condition {
    match scope {
        Scope::StaffedCheckpoints { agency_id } => Condition::all()
            .add(testing_plan::Column::CheckpointId.in_subquery(staffed_posts(agency_id))),
        _ => scope.district_filter(testing_plan::Column::DistrictId),
    }
}

#[derive(Debug, Clone, Default)]
pub struct TestingPlanFilter {
    pub checkpoint_code: Option<String>,
    pub district_code: Option<String>,
}

impl Listed for testing_plan::Entity {
    const ORDER: Order<testing_plan::Column> = Order::Id(testing_plan::Column::Id);

    fn position(p: &testing_plan::Model) -> Position {
        Position::id(p.id)
    }
}

/// Testing plans in the caller's reach, by id.
impl ScopedList for TestingPlanFilter {
    type Entity = testing_plan::Entity;
    const RESOURCE: Resource = Resource::TestingPlan;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use testing_plan::Column as P;
        let mut cond = within(scope);
        if let Some(code) = &self.checkpoint_code {
            cond = cond.add(kit::with_code::<checkpoint::Entity>(P::CheckpointId, code));
        }
        if let Some(code) = &self.district_code {
            cond = cond.add(crate::districts::lookup::in_district(P::DistrictId, code));
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: TestingPlanFilter);

#[cfg(test)]
mod tests {
    use super::*;

    fn member(rapid: Option<i32>, pcr: Option<i32>, joined: DateTime<Utc>) -> cohort_member::Model {
        cohort_member::Model {
            id: 1,
            plan_id: 1,
            full_name: "x".into(),
            id_number: None,
            rapid_every_hours: rapid,
            pcr_every_days: pcr,
            alerted_due_at: None,
            created_at: joined,
        }
    }

    fn test(kind: TestKind, taken_at: DateTime<Utc>) -> cohort_test::Model {
        cohort_test::Model {
            id: 1,
            member_id: 1,
            kind,
            result: TestResult::Negative,
            taken_at,
            recorded_by: "x".into(),
            created_at: taken_at,
        }
    }

    #[test]
    fn the_next_test_is_due_on_the_earliest_cadence() {
        let joined = Utc::now() - Duration::days(10);
        let m = member(Some(8), Some(3), joined);
        assert_eq!(next_due(&m, &[]), Some(joined + Duration::hours(8)));
        // A rapid test a day ago: the next rapid test in 8 hours from it; RT-PCR still due from joining.
        let rapid = test(TestKind::RapidAntigen, joined + Duration::days(9));
        assert_eq!(
            next_due(&m, std::slice::from_ref(&rapid)),
            Some(joined + Duration::days(3))
        );
        // An RT-PCR meets both cadences.
        let pcr = test(TestKind::RtPcr, joined + Duration::days(9));
        assert_eq!(
            next_due(&m, std::slice::from_ref(&pcr)),
            Some(pcr.taken_at + Duration::hours(8))
        );
        assert_eq!(
            next_due(&member(None, Some(3), joined), &[rapid]),
            Some(joined + Duration::days(3))
        );
        assert_eq!(next_due(&member(None, None, joined), &[pcr]), None);
    }
}
