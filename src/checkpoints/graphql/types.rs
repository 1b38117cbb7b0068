//! The GraphQL types of checkpoints, screenings, alerts and their figures. Personal fields of a
//! screening are served one by one: a caller who may not read them gets null and a FORBIDDEN error at
//! the field's path, and the rest of the record.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};
use entity::{alert, checkpoint, checkpoint_status_change, screening};

use crate::admin::graphql::Agency;
use crate::checkpoints::loaders::{StaffLoader, StatusHistoryLoader};
use crate::checkpoints::screenings;
use crate::checkpoints::stats::{StatsKey, StatsRow};
use crate::districts::graphql::{Commune, District};
use crate::followups::graphql::{FollowUp, follow_up_of};
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{
    CheckpointKind, CheckpointStatus, Decision, Direction, TestKind, TestResult, VehicleKind,
};
use crate::graphql::loaders::RowsById;
use crate::graphql::personal_reads::{self, Record};
use crate::graphql::resolvers::row_object;
use crate::travellers::graphql::Traveller;
use crate::travellers::loaders::TravellersLoader;

row_object! {
    #[Object]
    /// A control post shared by police, transport, border guard and health.
    pub struct Checkpoint(checkpoint::Model) as c {
        /// Stable code, e.g. `TH-QL1-BIMSON`.
        code: &str = &c.code;
        /// Name.
        name: &str = &c.name;
        /// Kind of post.
        kind: CheckpointKind = c.kind.into();
        /// Route and km marker, e.g. "QL1 Km468+150"; null when not given.
        route_marker: Option<&str> = c.route_marker.as_deref();
        /// Commune; null when not given.
        commune: Option<&str> = c.commune.as_deref();
        /// Latitude (WGS 84); null when not given.
        latitude: Option<f64> = c.latitude;
        /// Longitude (WGS 84); null when not given.
        longitude: Option<f64> = c.longitude;
        /// Current status.
        status: CheckpointStatus = c.status.into();
        /// Since when the current status holds.
        status_since: DateTime<Utc> = c.status_since;
        /// Version for optimistic concurrency.
        version: i32 = c.version;
    }
    nodes {
        /// District it stands in.
        district: District = c.district_id;
    }

    impl {
        /// Every status it has had, oldest first.
        async fn status_history(&self, ctx: &Context<'_>) -> Result<Vec<StatusChange>> {
            let history = ctx.rows_of::<StatusHistoryLoader, _, _>(self.0.id).await?;
            Ok(history.into_iter().map(StatusChange).collect())
        }
        /// Agencies staffing it.
        async fn staffing_agencies(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
            let staff = ctx.rows_of::<StaffLoader, _, _>(self.0.id).await?;
            let agencies = ctx
                .loader::<RowsById<entity::agency::Entity>>()
                .load_many(staff.iter().map(|s| s.agency_id))
                .await?;
            Ok(agencies.into_values().map(Agency).collect())
        }
    }
}

row_object! {
    #[Object]
    /// One change of a checkpoint's status.
    pub struct StatusChange(checkpoint_status_change::Model) as change {
        /// Status taken.
        status: CheckpointStatus = change.status.into();
        /// From when.
        effective_from: DateTime<Utc> = change.effective_from;
        /// Why; null when not given.
        reason: Option<&str> = change.reason.as_deref();
        /// Who, as "agency-code/subject".
        set_by: &str = &change.set_by;
    }
}

impl Screening {
    /// A personal field, served and audited where the personal-data rule allows (see
    /// [`screenings::may_read_personal`]).
    async fn personal<'a>(
        &'a self,
        ctx: &Context<'_>,
        field: &'static str,
        value: &'a Option<String>,
    ) -> Result<Option<&'a str>> {
        let services = ctx.services()?;
        let staff = ctx
            .rows_of::<StaffLoader, _, _>(self.0.checkpoint_id)
            .await?;
        let staffed_by: Vec<i32> = staff.iter().map(|s| s.agency_id).collect();
        let allowed = screenings::may_read_personal(&services, &self.0, &staffed_by);
        let record = Record {
            entity: "screening",
            id: self.0.id,
        };
        personal_reads::serve(ctx, allowed, record, field, value.as_deref()).await
    }
}

row_object! {
    #[Object]
    /// One screening at a checkpoint. `fullName`, `idNumber`, `phone` and `destinationAddress` are personal:
    /// readable by HEALTH and POLICE (a district's: at its posts and for people heading to it; BORDER_GUARD at
    /// checkpoints it staffs); for anyone else they are null with a FORBIDDEN error. Every read of them is
    /// audited.
    pub struct Screening(screening::Model) as sc {
        /// Record id.
        id: i64 = sc.id;
        /// When the screening took place.
        recorded_at: DateTime<Utc> = sc.recorded_at;
        /// Who recorded it, as "agency-code/subject".
        recorded_by: &str = &sc.recorded_by;
        /// Into or out of the province.
        direction: Direction = sc.direction.into();
        /// Vehicle plate; null for people on foot or when not taken.
        vehicle_plate: Option<&str> = sc.vehicle_plate.as_deref();
        /// What they travel in.
        vehicle_kind: VehicleKind = sc.vehicle_kind.into();
        /// People screened in this record.
        people_count: i32 = sc.people_count;
        /// Province they come from (GSO code); null when unknown.
        origin_province_code: Option<&str> = sc.origin_province_code.as_deref();
        /// District they come from (GSO code); null when unknown.
        origin_district_code: Option<&str> = sc.origin_district_code.as_deref();
        /// Whether they come from an epidemic area.
        #[expect(clippy::wrong_self_convention, reason = "the API's field name")]
        from_epidemic_area: bool = sc.from_epidemic_area;
        /// Whether they made a health declaration.
        health_declared: bool = sc.health_declared;
        /// Test taken.
        test_kind: TestKind = sc.test_kind.into();
        /// Test result; null without a test.
        test_result: Option<TestResult> = sc.test_result.map(Into::into);
        /// When the test was taken; null when unknown.
        test_taken_at: Option<DateTime<Utc>> = sc.test_taken_at;
        /// Vaccine doses shown on the health app or paper; null when not checked.
        doses_shown: Option<i32> = sc.doses_shown;
        /// Whether anyone had symptoms.
        symptoms: bool = sc.symptoms;
        /// What the post decided.
        decision: Decision = sc.decision.into();
    }
    nodes {
        /// The checkpoint.
        checkpoint: Checkpoint = sc.checkpoint_id;
        /// District they are going to; null when not given.
        destination_district: District = sc.destination_district_id;
    }

    impl {
        /// The checkpoint's code.
        async fn checkpoint_code(&self, ctx: &Context<'_>) -> Result<Option<String>> {
            let checkpoint: Option<Checkpoint> = ctx.node(self.0.checkpoint_id).await?;
            Ok(checkpoint.map(|c| c.0.code))
        }
        /// Personal: full name.
        async fn full_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "fullName", &self.0.full_name).await
        }
        /// Personal: citizen identity number (12 digits) or old identity card number (9 digits).
        async fn id_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "idNumber", &self.0.id_number).await
        }
        /// Personal: phone number.
        async fn phone(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "phone", &self.0.phone).await
        }
        /// Personal: destination address.
        async fn destination_address(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "destinationAddress", &self.0.destination_address)
                .await
        }
        /// The people of the vehicle or group, in the order recorded; empty when the screening records one
        /// person (or a count) in its own fields.
        async fn travellers(&self, ctx: &Context<'_>) -> Result<Vec<Traveller>> {
            let rows = ctx.rows_of::<TravellersLoader, _, _>(self.0.id).await?;
            Ok(rows.into_iter().map(Traveller).collect())
        }
    }
}

/// Why health is alerted.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AlertReason {
    /// A positive test.
    PositiveTest,
    /// Symptoms.
    Symptoms,
    /// The post sent them to quarantine.
    Quarantined,
    /// The post referred them to health.
    ReferredToHealth,
    /// A crew member of a vessel call tested positive.
    PositiveCrewTest,
    /// A scheduled test (of a quarantine case or a cohort member) is overdue.
    OverdueTest,
    /// A home-isolation commitment was broken.
    CommitmentBroken,
    /// A person left quarantine without release.
    Absconded,
    /// A quarantine facility is full.
    FacilityFull,
    /// Their origin is an epidemic area (the register at the crossing time, or the officer's mark).
    FromEpidemicArea,
    /// They made no health declaration (given with another reason).
    NotDeclared,
}

row_object! {
    #[Object]
    /// Something health must follow up: a screening (a positive test, symptoms, a quarantine or a referral), a
    /// positive crew test, an overdue test, a broken commitment, an abscondment or a full facility.
    pub struct Alert(alert::Model) as alert {
        /// Alert id; pass it to `acknowledgeAlert`.
        id: i64 = alert.id;
        /// Why.
        reasons: Vec<AlertReason> = alert.reasons.split(',').filter_map(AlertReason::parse).collect();
        /// When it was raised.
        created_at: DateTime<Utc> = alert.created_at;
        /// When health took it up; null until then.
        acknowledged_at: Option<DateTime<Utc>> = alert.acknowledged_at;
        /// Who took it up; null until then.
        acknowledged_by: Option<&str> = alert.acknowledged_by.as_deref();
        /// Note left on acknowledgement; null when none.
        note: Option<&str> = alert.note.as_deref();
        /// The vessel call whose crew test raised it (see `vesselCalls`); null otherwise.
        vessel_call_id: Option<i64> = alert.vessel_call_id;
        /// The quarantine case it concerns (see `quarantineCases`); null otherwise.
        quarantine_case_id: Option<i64> = alert.quarantine_case_id;
        /// The testing plan whose member is overdue (see `testingPlans`); null otherwise.
        testing_plan_id: Option<i64> = alert.testing_plan_id;
        /// GSO code of the other province the traveller is heading to: an outbound notice, which carries
        /// no personal data to that province. Null for destinations in this province.
        outbound_province_code: Option<&str> = alert.outbound_province_code.as_deref();
    }
    nodes {
        /// District whose health centre follows up (the destination, else the checkpoint's district).
        district: District = alert.district_id;
        /// District of the post that raised it; null for alerts raised before this was kept.
        post_district: District = alert.post_district_id;
        /// The destination commune; null when not given.
        commune: Commune = alert.commune_id;
        /// The traveller it is about (personal fields follow the usual rules); null for an alert about a
        /// whole screening.
        traveller: Traveller = alert.traveller_id;
    }

    impl {
        /// The follow-up the alert opened at the destination; null when none was (a screening without
        /// travellers, an outbound notice) or the caller may not read it.
        async fn follow_up(&self, ctx: &Context<'_>) -> Result<Option<FollowUp>> {
            follow_up_of(ctx, self.0.traveller_id).await
        }
        /// The screening that raised it (its personal fields follow the usual rules); null for alerts
        /// of crews, quarantine cases and testing plans.
        async fn screening(&self, ctx: &Context<'_>) -> Result<Option<Screening>> {
            ctx.node(self.0.screening_id).await
        }
    }
}

impl AlertReason {
    /// The reason as the alert stores it (`POSITIVE_TEST`, ...); none for a name it does not know.
    fn parse(stored: &str) -> Option<AlertReason> {
        match stored {
            "POSITIVE_TEST" => Some(AlertReason::PositiveTest),
            "SYMPTOMS" => Some(AlertReason::Symptoms),
            "QUARANTINED" => Some(AlertReason::Quarantined),
            "REFERRED_TO_HEALTH" => Some(AlertReason::ReferredToHealth),
            "POSITIVE_CREW_TEST" => Some(AlertReason::PositiveCrewTest),
            "OVERDUE_TEST" => Some(AlertReason::OverdueTest),
            "COMMITMENT_BROKEN" => Some(AlertReason::CommitmentBroken),
            "ABSCONDED" => Some(AlertReason::Absconded),
            "FACILITY_FULL" => Some(AlertReason::FacilityFull),
            "FROM_EPIDEMIC_AREA" => Some(AlertReason::FromEpidemicArea),
            "NOT_DECLARED" => Some(AlertReason::NotDeclared),
            _ => None,
        }
    }
}

row_object! {
    #[Object]
    /// Figures of one group of screenings (counts of records unless said otherwise).
    pub struct CheckpointStatsRow(StatsRow) as row {
        /// The day (YYYY-MM-DD) when grouped by day; null otherwise.
        day: Option<&str> = match &row.key {
            StatsKey::Day(day) => Some(day),
            _ => None,
        };
        /// Screening records (vehicles or groups on foot).
        vehicles: i64 = row.figures.vehicles;
        /// People screened.
        people: i64 = row.figures.people;
        /// Records with a health declaration.
        declared: i64 = row.figures.declared;
        /// Records with a test.
        tested: i64 = row.figures.tested;
        /// Records with a positive test.
        positive: i64 = row.figures.positive;
        /// Records turned back.
        turned_back: i64 = row.figures.turned_back;
        /// Records sent to quarantine.
        quarantined: i64 = row.figures.quarantined;
        /// Records referred to health.
        referred: i64 = row.figures.referred;
    }

    impl {
        /// The checkpoint when grouped by checkpoint; null otherwise.
        async fn checkpoint(&self, ctx: &Context<'_>) -> Result<Option<Checkpoint>> {
            let id = match self.0.key {
                StatsKey::Checkpoint(id) => Some(id),
                _ => None,
            };
            ctx.node(id).await
        }
        /// The district when grouped by district; null otherwise.
        async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
            let id = match self.0.key {
                StatsKey::District(id) => Some(id),
                _ => None,
            };
            ctx.node(id).await
        }
    }
}
