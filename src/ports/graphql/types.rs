//! The GraphQL types of the port gate: vessel calls with their crews, the derived cargo release and
//! why it is held; testing plans with their members. Crew and cohort members' names and numbers are
//! personal: served under [`calls::may_read_personal`], every read audited.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};
use entity::{cohort_member, cohort_test, crew_member, crew_test, testing_plan, vessel_call};

use crate::checkpoints::graphql::Checkpoint;
use crate::checkpoints::loaders::StaffLoader;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{TestKind, TestResult};
use crate::graphql::personal_reads::{self, Record};
use crate::graphql::resolvers::row_object;
use crate::ports::release::{self, HoldKind, Release};
use crate::ports::{calls, cohorts};
use crate::quarantine::loaders::ChildrenOf;

/// Whether a vessel's cargo may be handled; derived from the crew's tests, never typed in.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum CargoRelease {
    /// The captain and every crew member tested negative within the validity window after arrival.
    Released,
    /// Someone is untested, awaiting a result, or tested outside the window (see `holdReasons`).
    Held,
    /// Someone tested positive.
    Blocked,
}

/// Why one person holds a vessel's cargo.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum HoldReasonKind {
    /// No test recorded.
    Untested,
    /// A test awaits its result.
    Pending,
    /// Only negatives taken before arrival.
    TestBeforeArrival,
    /// Only negatives taken after the validity window.
    TestOutsideWindow,
    /// Tested positive.
    Positive,
}

/// A person's place on a crew list.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::CrewRole")]
pub enum CrewRole {
    /// The captain.
    Captain,
    /// A crew member.
    Crew,
}

/// Where a record with personal fields stands: its district and the post whose staff may read them.
#[derive(Clone, Copy)]
struct Place {
    district_id: i32,
    checkpoint_id: Option<i32>,
}

/// A personal field of the row `id` of `entity` standing at `place`: the value when the caller may read it
/// (the read audited), else null with FORBIDDEN.
async fn personal<'a>(
    ctx: &Context<'_>,
    place: Place,
    entity: &'static str,
    id: i64,
    field: &'static str,
    value: Option<&'a str>,
) -> Result<Option<&'a str>> {
    let record = Record { entity, id };
    let staffed_by: Vec<i32> = match place.checkpoint_id {
        Some(id) => ctx
            .rows_of::<StaffLoader, _, _>(id)
            .await?
            .iter()
            .map(|s| s.agency_id)
            .collect(),
        None => Vec::new(),
    };
    let allowed = calls::may_read_personal(&ctx.services()?, place.district_id, &staffed_by);
    personal_reads::serve(ctx, allowed, record, field, value).await
}

/// One person on a vessel call's crew list. `fullName` and `idNumber` are personal: readable by HEALTH
/// and POLICE, and by TRANSPORT and BORDER_GUARD at ports they staff; for anyone else null with a
/// FORBIDDEN error. Every read is audited.
pub struct CrewMember {
    row: crew_member::Model,
    place: Place,
}

/// One person on a vessel call's crew list. `fullName` and `idNumber` are personal: readable by HEALTH
/// and POLICE, and by TRANSPORT and BORDER_GUARD at ports they staff; for anyone else null with a
/// FORBIDDEN error. Every read is audited.
#[Object]
impl CrewMember {
    /// Crew member id; pass it to `recordCrewTest`.
    async fn id(&self) -> i64 {
        self.row.id
    }
    /// Captain or crew.
    async fn role(&self) -> CrewRole {
        self.row.role.into()
    }
    /// Personal: full name.
    async fn full_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        personal(
            ctx,
            self.place,
            "crew_member",
            self.row.id,
            "fullName",
            Some(&self.row.full_name),
        )
        .await
    }
    /// Personal: passport, seafarer's book or identity number.
    async fn id_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        personal(
            ctx,
            self.place,
            "crew_member",
            self.row.id,
            "idNumber",
            Some(&self.row.id_number),
        )
        .await
    }
    /// Tests, oldest first.
    async fn tests(&self, ctx: &Context<'_>) -> Result<Vec<CrewTest>> {
        let rows = ctx
            .rows_of::<ChildrenOf<crew_test::Entity>, _, _>(self.row.id)
            .await?;
        Ok(rows.into_iter().map(CrewTest).collect())
    }
}

row_object! {
    #[Object]
    /// A test of a crew member.
    pub struct CrewTest(crew_test::Model) as t {
        /// Kind of test.
        kind: TestKind = t.kind.into();
        /// Result.
        result: TestResult = t.result.into();
        /// When taken.
        taken_at: DateTime<Utc> = t.taken_at;
        /// Who recorded it, as "agency-code/subject".
        recorded_by: &str = &t.recorded_by;
    }
}

/// One person holding a vessel's cargo, and why.
pub struct HoldReason {
    member: CrewMember,
    kind: HoldKind,
}

/// One person holding a vessel's cargo, and why.
#[Object]
impl HoldReason {
    /// The person (personal fields follow the crew rule).
    async fn crew_member(&self) -> &CrewMember {
        &self.member
    }
    /// Why.
    async fn reason(&self) -> HoldReasonKind {
        match self.kind {
            HoldKind::Untested => HoldReasonKind::Untested,
            HoldKind::Pending => HoldReasonKind::Pending,
            HoldKind::BeforeArrival => HoldReasonKind::TestBeforeArrival,
            HoldKind::OutsideWindow => HoldReasonKind::TestOutsideWindow,
            HoldKind::Positive => HoldReasonKind::Positive,
        }
    }
}

impl VesselCall {
    fn place(&self) -> Place {
        Place {
            district_id: self.0.district_id,
            checkpoint_id: Some(self.0.checkpoint_id),
        }
    }

    async fn derived(&self, ctx: &Context<'_>) -> Result<(Release, Vec<release::Hold>)> {
        let crew = ctx
            .rows_of::<ChildrenOf<crew_member::Entity>, _, _>(self.0.id)
            .await?;
        let tests = ctx
            .loader::<ChildrenOf<crew_test::Entity>>()
            .load_many(crew.iter().map(|m| m.id))
            .await?;
        let crew: Vec<_> = crew
            .into_iter()
            .map(|m| {
                let t = tests.get(&m.id).cloned().unwrap_or_default();
                (m, t)
            })
            .collect();
        let validity = ctx.app().config.quarantine.crew_test_validity;
        Ok(release::derive(self.0.arrived_at, validity, &crew))
    }
}

row_object! {
    #[Object]
    /// A vessel's call at a SEAPORT or INLAND_WATERWAY checkpoint, with its crew and the cargo release derived
    /// from their tests.
    pub struct VesselCall(vessel_call::Model) as v {
        /// Call id.
        id: i64 = v.id;
        /// Vessel name.
        vessel_name: &str = &v.vessel_name;
        /// Registration or IMO number.
        registration: &str = &v.registration;
        /// Flag state.
        flag: &str = &v.flag;
        /// Arrival.
        arrived_at: DateTime<Utc> = v.arrived_at;
        /// Last ports of call, most recent first.
        last_ports: Vec<&str> = v.last_ports.split(',').filter(|p| !p.is_empty()).collect();
        /// Who recorded it, as "agency-code/subject".
        recorded_by: &str = &v.recorded_by;
    }
    nodes {
        /// The checkpoint.
        checkpoint: Checkpoint = v.checkpoint_id;
        /// District of the checkpoint.
        district: District = v.district_id;
    }

    impl {
        /// The crew list, captain included, in the order given.
        async fn crew(&self, ctx: &Context<'_>) -> Result<Vec<CrewMember>> {
            let rows = ctx.rows_of::<ChildrenOf<crew_member::Entity>, _, _>(self.0.id).await?;
            let place = self.place();
            Ok(rows.into_iter().map(|row| CrewMember { row, place }).collect())
        }
        /// Whether cargo may be handled, derived from the crew's tests now.
        async fn cargo_release(&self, ctx: &Context<'_>) -> Result<CargoRelease> {
            Ok(match self.derived(ctx).await?.0 {
                Release::Released => CargoRelease::Released,
                Release::Held => CargoRelease::Held,
                Release::Blocked => CargoRelease::Blocked,
            })
        }
        /// The people holding or blocking the cargo, and why; empty when released.
        async fn hold_reasons(&self, ctx: &Context<'_>) -> Result<Vec<HoldReason>> {
            let place = self.place();
            Ok(self
                .derived(ctx)
                .await?
                .1
                .into_iter()
                .map(|h| HoldReason { member: CrewMember { row: h.crew_member, place }, kind: h.kind })
                .collect())
        }
    }
}

/// A member of a testing plan with their cadences. `fullName` and `idNumber` are personal, under the
/// crew rule (HEALTH, POLICE; TRANSPORT and BORDER_GUARD at the plan's post if they staff it).
pub struct CohortMember {
    row: cohort_member::Model,
    place: Place,
}

impl CohortMember {
    async fn due(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        let tests = ctx
            .rows_of::<ChildrenOf<cohort_test::Entity>, _, _>(self.row.id)
            .await?;
        Ok(cohorts::next_due(&self.row, &tests))
    }
}

/// A member of a testing plan with their cadences. `fullName` and `idNumber` are personal, under the
/// crew rule (HEALTH, POLICE; TRANSPORT and BORDER_GUARD at the plan's post if they staff it).
#[Object]
impl CohortMember {
    /// Member id; pass it to `recordCohortTest`.
    async fn id(&self) -> i64 {
        self.row.id
    }
    /// A rapid test at least every so many hours (a shift); null when not on this cadence.
    async fn rapid_every_hours(&self) -> Option<i32> {
        self.row.rapid_every_hours
    }
    /// An RT-PCR test at least every so many days; null when not on this cadence.
    async fn pcr_every_days(&self) -> Option<i32> {
        self.row.pcr_every_days
    }
    /// When the next test falls due.
    async fn next_due_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        self.due(ctx).await
    }
    /// Whether the next test is past due.
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        let now = ctx.services()?.now();
        Ok(self.due(ctx).await?.is_some_and(|d| d < now))
    }
    /// Personal: full name.
    async fn full_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        personal(
            ctx,
            self.place,
            "cohort_member",
            self.row.id,
            "fullName",
            Some(&self.row.full_name),
        )
        .await
    }
    /// Personal: identity number; null when not given.
    async fn id_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        personal(
            ctx,
            self.place,
            "cohort_member",
            self.row.id,
            "idNumber",
            self.row.id_number.as_deref(),
        )
        .await
    }
    /// Tests, oldest first.
    async fn tests(&self, ctx: &Context<'_>) -> Result<Vec<CohortTest>> {
        let rows = ctx
            .rows_of::<ChildrenOf<cohort_test::Entity>, _, _>(self.row.id)
            .await?;
        Ok(rows.into_iter().map(CohortTest).collect())
    }
}

row_object! {
    #[Object]
    /// A test of a cohort member.
    pub struct CohortTest(cohort_test::Model) as t {
        /// Kind of test.
        kind: TestKind = t.kind.into();
        /// Result.
        result: TestResult = t.result.into();
        /// When taken.
        taken_at: DateTime<Utc> = t.taken_at;
    }
}

impl TestingPlan {
    async fn members_of(&self, ctx: &Context<'_>) -> Result<Vec<CohortMember>> {
        let rows = ctx
            .rows_of::<ChildrenOf<cohort_member::Entity>, _, _>(self.0.id)
            .await?;
        let place = Place {
            district_id: self.0.district_id,
            checkpoint_id: self.0.checkpoint_id,
        };
        Ok(rows
            .into_iter()
            .map(|row| CohortMember { row, place })
            .collect())
    }
}

row_object! {
    #[Object]
    /// A testing plan for a cohort of workers (a port's cargo inspectors, say).
    pub struct TestingPlan(testing_plan::Model) as p {
        /// Plan id.
        id: i64 = p.id;
        /// Name.
        name: &str = &p.name;
        /// Who created it, as "agency-code/subject".
        created_by: &str = &p.created_by;
    }
    nodes {
        /// District.
        district: District = p.district_id;
        /// The post the cohort works at; null when none.
        checkpoint: Checkpoint = p.checkpoint_id;
    }

    impl {
        /// Members, in the order given.
        async fn members(&self, ctx: &Context<'_>) -> Result<Vec<CohortMember>> {
            self.members_of(ctx).await
        }
        /// Members whose next test is past due.
        async fn overdue_members(&self, ctx: &Context<'_>) -> Result<Vec<CohortMember>> {
            let now = ctx.services()?.now();
            let mut out = Vec::new();
            for m in self.members_of(ctx).await? {
                if m.due(ctx).await?.is_some_and(|d| d < now) {
                    out.push(m);
                }
            }
            Ok(out)
        }
    }
}
