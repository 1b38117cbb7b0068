//! The GraphQL types of quarantine: facilities with their occupancy, cases with their tests and notes,
//! and the summary. A case's personal fields are served one by one under the case rule
//! ([`cases::may_read_personal`]), every read audited.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};
use entity::{quarantine_case, quarantine_facility, quarantine_note, quarantine_test};

use crate::areas::units;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{TestKind, TestResult};
use crate::graphql::loaders::IdKeyed;
use crate::graphql::personal_reads::{self, Record};
use crate::graphql::resolvers::row_object;
use crate::quarantine::cases;
use crate::quarantine::loaders::{ChildrenOf, Occupancy};
use crate::quarantine::summary::SummaryRow;

impl IdKeyed for quarantine_facility::Entity {
    type Key = i64;
    const ID: Self::Column = quarantine_facility::Column::Id;
    fn key(row: &quarantine_facility::Model) -> i64 {
        row.id
    }
}

/// Kind of quarantine facility.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::FacilityKind")]
pub enum FacilityKind {
    /// A concentrated quarantine site (khu cách ly tập trung).
    Concentrated,
    /// A hospital.
    Hospital,
    /// A hotel used for paid quarantine.
    Hotel,
}

/// Why a person is in quarantine.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::QuarantineCategory")]
pub enum QuarantineCategory {
    /// A confirmed case.
    F0,
    /// A close contact of a case.
    F1,
    /// Back from an epidemic area.
    Returnee,
    /// Another reason.
    Other,
}

/// Where and how a person is isolated.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::QuarantineKind")]
pub enum QuarantineKind {
    /// In a facility.
    Concentrated,
    /// At home, under a commitment signed by the person and the household.
    HomeIsolation,
    /// Monitoring themselves.
    SelfMonitoring,
}

/// Where a quarantine case stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::QuarantineStatus")]
pub enum QuarantineStatus {
    /// In quarantine.
    Open,
    /// Released at the end.
    Released,
    /// Moved to treatment.
    TransferredToTreatment,
    /// Left without release.
    Absconded,
}

/// A violation of quarantine.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::ViolationKind")]
pub enum ViolationKind {
    /// The home-isolation commitment was broken.
    CommitmentBroken,
    /// The person left quarantine; the case ends as ABSCONDED.
    Absconded,
    /// Something else.
    Other,
}

/// A supervision visit or a violation.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "entity::QuarantineNoteKind")]
pub enum QuarantineNoteKind {
    /// A visit by the commune's community team.
    Visit,
    /// A violation recorded by police.
    Violation,
}

row_object! {
    #[Object]
    /// A quarantine facility; occupancy counts its OPEN cases.
    pub struct QuarantineFacility(quarantine_facility::Model) as f {
        /// Stable code.
        code: &str = &f.code;
        /// Name.
        name: &str = &f.name;
        /// Kind.
        kind: FacilityKind = f.kind.into();
        /// Places.
        capacity: i32 = f.capacity;
        /// Commune (GSO code); null when not given.
        commune_code: Option<&str> = f.commune.as_deref();
        /// Commune name; null when no commune is given.
        commune_name: Option<&str> = f.commune.as_deref().and_then(units::name_of);
        /// Address; null when not given.
        address: Option<&str> = f.address.as_deref();
    }
    nodes {
        /// District it stands in.
        district: District = f.district_id;
    }

    impl {
        /// Open cases placed in it.
        async fn occupancy(&self, ctx: &Context<'_>) -> Result<i64> {
            Ok(ctx.loader::<Occupancy>().load_one(self.0.id).await?.unwrap_or(0))
        }
        /// Places left: capacity less occupancy.
        async fn free_places(&self, ctx: &Context<'_>) -> Result<i64> {
            let taken = ctx.loader::<Occupancy>().load_one(self.0.id).await?.unwrap_or(0);
            Ok((i64::from(self.0.capacity) - taken).max(0))
        }
    }
}

row_object! {
    #[Object]
    /// One test of a quarantine case: scheduled (with a due time) or taken besides the schedule.
    pub struct QuarantineTest(quarantine_test::Model) as t {
        /// Test id; pass it as `testId` to `recordQuarantineTest`.
        id: i64 = t.id;
        /// When it falls due (end of its test day); null for a test outside the schedule.
        due_at: Option<DateTime<Utc>> = t.due_at;
        /// Kind of test.
        kind: TestKind = t.kind.into();
        /// Result; null until taken.
        result: Option<TestResult> = t.result.map(Into::into);
        /// When it was taken; null until then.
        taken_at: Option<DateTime<Utc>> = t.taken_at;
        /// When health was alerted that it is overdue; null when it was not.
        overdue_alerted_at: Option<DateTime<Utc>> = t.alerted_at;
    }
}

row_object! {
    #[Object]
    /// A supervision visit or a violation of a quarantine case.
    pub struct QuarantineNote(quarantine_note::Model) as n {
        /// Visit or violation.
        kind: QuarantineNoteKind = n.kind.into();
        /// The violation; null on a visit.
        violation: Option<ViolationKind> = n.violation.map(Into::into);
        /// When.
        at: DateTime<Utc> = n.at;
        /// On a visit: whether the person was there; null on a violation.
        present: Option<bool> = n.present;
        /// What was seen; null when nothing was noted.
        note: Option<&str> = n.note.as_deref();
        /// Who recorded it, as "agency-code/subject".
        recorded_by: &str = &n.recorded_by;
    }
}

impl QuarantineCase {
    async fn personal<'a>(
        &'a self,
        ctx: &Context<'_>,
        field: &'static str,
        value: Option<&'a str>,
    ) -> Result<Option<&'a str>> {
        let allowed = cases::may_read_personal(&ctx.services()?, &self.0);
        let record = Record {
            entity: "quarantine_case",
            id: self.0.id,
        };
        personal_reads::serve(ctx, allowed, record, field, value).await
    }
}

row_object! {
    #[Object]
    /// A person in quarantine or isolation. `fullName`, `idNumber`, `phone`, `address`, `commitmentPerson` and
    /// `commitmentHousehold` are personal: readable by HEALTH and POLICE of the case's district and of the
    /// province and by the PEOPLES_COMMITTEE of its district; for anyone else null with a FORBIDDEN error.
    /// Every read of them is audited.
    pub struct QuarantineCase(quarantine_case::Model) as c {
        /// Case id.
        id: i64 = c.id;
        /// Why.
        category: QuarantineCategory = c.category.into();
        /// Where and how.
        kind: QuarantineKind = c.kind.into();
        /// Where it stands.
        status: QuarantineStatus = c.status.into();
        /// Supervising commune (GSO code); null when not given.
        commune_code: Option<&str> = c.commune.as_deref();
        /// Supervising commune's name; null when no commune is given.
        commune_name: Option<&str> = c.commune.as_deref().and_then(units::name_of);
        /// Start.
        started_at: DateTime<Utc> = c.started_at;
        /// Planned end (from the rules in force unless given).
        planned_end_at: DateTime<Utc> = c.planned_end_at;
        /// When the home-isolation commitment was signed; null for other kinds.
        commitment_signed_at: Option<DateTime<Utc>> = c.commitment_signed_at;
        /// The follow-up it was opened from; null otherwise.
        follow_up_id: Option<i64> = c.follow_up_id;
        /// The crew member whose positive test opened it; null otherwise.
        crew_member_id: Option<i64> = c.crew_member_id;
        /// Who opened it, as "agency-code/subject".
        opened_by: &str = &c.opened_by;
        /// When it closed; null while open.
        closed_at: Option<DateTime<Utc>> = c.closed_at;
        /// Why it closed; null when not given.
        close_reason: Option<&str> = c.close_reason.as_deref();
        /// Version for optimistic concurrency.
        version: i32 = c.version;
    }
    nodes {
        /// District of the supervising commune.
        district: District = c.district_id;
        /// Facility; null unless concentrated in one.
        facility: QuarantineFacility = c.facility_id;
    }

    impl {
        /// Its tests, scheduled and other, oldest first.
        async fn tests(&self, ctx: &Context<'_>) -> Result<Vec<QuarantineTest>> {
            let rows = ctx.rows_of::<ChildrenOf<quarantine_test::Entity>, _, _>(self.0.id).await?;
            Ok(rows.into_iter().map(QuarantineTest).collect())
        }
        /// Scheduled tests past due and not taken.
        async fn overdue_tests(&self, ctx: &Context<'_>) -> Result<Vec<QuarantineTest>> {
            let now = ctx.services()?.now();
            let rows = ctx.rows_of::<ChildrenOf<quarantine_test::Entity>, _, _>(self.0.id).await?;
            Ok(rows
                .into_iter()
                .filter(|t| cases::is_late(t.due_at, t.taken_at.is_some(), now, chrono::Duration::zero()))
                .map(QuarantineTest)
                .collect())
        }
        /// Supervision visits and violations, oldest first.
        async fn notes(&self, ctx: &Context<'_>) -> Result<Vec<QuarantineNote>> {
            let rows = ctx.rows_of::<ChildrenOf<quarantine_note::Entity>, _, _>(self.0.id).await?;
            Ok(rows.into_iter().map(QuarantineNote).collect())
        }
        /// Personal: full name.
        async fn full_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "fullName", Some(&self.0.full_name)).await
        }
        /// Personal: identity number; null when not given.
        async fn id_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "idNumber", self.0.id_number.as_deref()).await
        }
        /// Personal: phone; null when not given.
        async fn phone(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "phone", self.0.phone.as_deref()).await
        }
        /// Personal: home address (or where the person is held); null when not given.
        async fn address(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "address", self.0.address.as_deref()).await
        }
        /// Personal: who signed the commitment for themselves; null for other kinds.
        async fn commitment_person(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "commitmentPerson", self.0.commitment_person.as_deref()).await
        }
        /// Personal: who signed the commitment for the household; null for other kinds.
        async fn commitment_household(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "commitmentHousehold", self.0.commitment_household.as_deref()).await
        }
    }
}

row_object! {
    #[Object]
    /// Open quarantine cases of one district and commune; counts only.
    pub struct QuarantineSummaryRow(SummaryRow) as r {
        /// Supervising commune (GSO code); null for cases without one.
        commune_code: Option<&str> = r.commune.as_deref();
        /// Supervising commune's name; null for cases without one.
        commune_name: Option<&str> = r.commune.as_deref().and_then(units::name_of);
        /// Open cases.
        open: i64 = r.open;
        /// Of which in facilities.
        concentrated: i64 = r.concentrated;
        /// Of which isolated at home.
        home_isolation: i64 = r.home_isolation;
        /// Of which self-monitoring.
        self_monitoring: i64 = r.self_monitoring;
        /// Of which F0.
        f0: i64 = r.f0;
        /// Of which F1.
        f1: i64 = r.f1;
        /// Of which returnees.
        returnees: i64 = r.returnees;
        /// Of which with a scheduled test past due.
        overdue: i64 = r.overdue;
    }
    nodes {
        /// District.
        district: District = r.district_id;
    }
}
