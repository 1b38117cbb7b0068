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
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{
    CheckpointKind, CheckpointStatus, Decision, Direction, TestKind, TestResult, VehicleKind,
};
use crate::graphql::loaders::RowsById;
use crate::graphql::personal_reads::{self, Record};

/// A control post.
pub struct Checkpoint(pub checkpoint::Model);

/// A control post shared by police, transport, border guard and health.
#[Object]
impl Checkpoint {
    /// Stable code, e.g. `TH-QL1-BIMSON`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind of post.
    async fn kind(&self) -> CheckpointKind {
        self.0.kind.into()
    }
    /// District it stands in.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.district_id)
            .await?
            .map(District))
    }
    /// Route and km marker, e.g. "QL1 Km468+150"; null when not given.
    async fn route_marker(&self) -> Option<&str> {
        self.0.route_marker.as_deref()
    }
    /// Commune; null when not given.
    async fn commune(&self) -> Option<&str> {
        self.0.commune.as_deref()
    }
    /// Latitude (WGS 84); null when not given.
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }
    /// Longitude (WGS 84); null when not given.
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
    /// Current status.
    async fn status(&self) -> CheckpointStatus {
        self.0.status.into()
    }
    /// Since when the current status holds.
    async fn status_since(&self) -> DateTime<Utc> {
        self.0.status_since
    }
    /// Every status it has had, oldest first.
    async fn status_history(&self, ctx: &Context<'_>) -> Result<Vec<StatusChange>> {
        let history = ctx
            .loader::<StatusHistoryLoader>()
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(history.into_iter().map(StatusChange).collect())
    }
    /// Agencies staffing it.
    async fn staffing_agencies(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        let staff = ctx
            .loader::<StaffLoader>()
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let agencies = ctx
            .loader::<RowsById<entity::agency::Entity>>()
            .load_many(staff.iter().map(|s| s.agency_id))
            .await?;
        Ok(agencies.into_values().map(Agency).collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One change of a checkpoint's status.
pub struct StatusChange(checkpoint_status_change::Model);

/// One change of a checkpoint's status.
#[Object]
impl StatusChange {
    /// Status taken.
    async fn status(&self) -> CheckpointStatus {
        self.0.status.into()
    }
    /// From when.
    async fn effective_from(&self) -> DateTime<Utc> {
        self.0.effective_from
    }
    /// Why; null when not given.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Who, as "agency-code/subject".
    async fn set_by(&self) -> &str {
        &self.0.set_by
    }
}

/// One screening record.
pub struct Screening(pub screening::Model);

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
            .loader::<StaffLoader>()
            .load_one(self.0.checkpoint_id)
            .await?
            .unwrap_or_default();
        let staffed_by: Vec<i32> = staff.iter().map(|s| s.agency_id).collect();
        let allowed = screenings::may_read_personal(&services, &self.0, &staffed_by);
        let record = Record {
            entity: "screening",
            id: self.0.id,
        };
        personal_reads::serve(ctx, allowed, record, field, value.as_deref()).await
    }
}

/// One screening at a checkpoint. `fullName`, `idNumber`, `phone` and `destinationAddress` are personal:
/// readable by HEALTH and POLICE (BORDER_GUARD at checkpoints it staffs); for anyone else they are null with
/// a FORBIDDEN error. Every read of them is audited.
#[Object]
impl Screening {
    /// Record id.
    async fn id(&self) -> i64 {
        self.0.id
    }
    /// The checkpoint.
    async fn checkpoint(&self, ctx: &Context<'_>) -> Result<Option<Checkpoint>> {
        Ok(ctx
            .by_id::<entity::checkpoint::Entity>(self.0.checkpoint_id)
            .await?
            .map(Checkpoint))
    }
    /// The checkpoint's code.
    async fn checkpoint_code(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(ctx
            .by_id::<entity::checkpoint::Entity>(self.0.checkpoint_id)
            .await?
            .map(|c| c.code))
    }
    /// When the screening took place.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
    /// Who recorded it, as "agency-code/subject".
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }
    /// Into or out of the province.
    async fn direction(&self) -> Direction {
        self.0.direction.into()
    }
    /// Vehicle plate; null for people on foot or when not taken.
    async fn vehicle_plate(&self) -> Option<&str> {
        self.0.vehicle_plate.as_deref()
    }
    /// What they travel in.
    async fn vehicle_kind(&self) -> VehicleKind {
        self.0.vehicle_kind.into()
    }
    /// People screened in this record.
    async fn people_count(&self) -> i32 {
        self.0.people_count
    }
    /// Province they come from (GSO code); null when unknown.
    async fn origin_province_code(&self) -> Option<&str> {
        self.0.origin_province_code.as_deref()
    }
    /// District they come from (GSO code); null when unknown.
    async fn origin_district_code(&self) -> Option<&str> {
        self.0.origin_district_code.as_deref()
    }
    /// Whether they come from an epidemic area.
    async fn from_epidemic_area(&self) -> bool {
        self.0.from_epidemic_area
    }
    /// Whether they made a health declaration.
    async fn health_declared(&self) -> bool {
        self.0.health_declared
    }
    /// Test taken.
    async fn test_kind(&self) -> TestKind {
        self.0.test_kind.into()
    }
    /// Test result; null without a test.
    async fn test_result(&self) -> Option<TestResult> {
        self.0.test_result.map(Into::into)
    }
    /// When the test was taken; null when unknown.
    async fn test_taken_at(&self) -> Option<DateTime<Utc>> {
        self.0.test_taken_at
    }
    /// Vaccine doses shown on the health app or paper; null when not checked.
    async fn doses_shown(&self) -> Option<i32> {
        self.0.doses_shown
    }
    /// Whether anyone had symptoms.
    async fn symptoms(&self) -> bool {
        self.0.symptoms
    }
    /// What the post decided.
    async fn decision(&self) -> Decision {
        self.0.decision.into()
    }
    /// District they are going to; null when not given.
    async fn destination_district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        let Some(id) = self.0.destination_district_id else {
            return Ok(None);
        };
        Ok(ctx
            .by_id::<entity::district::Entity>(id)
            .await?
            .map(District))
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
}

/// A screening health must follow up.
pub struct Alert(pub alert::Model);

/// A screening health must follow up: a positive test, symptoms, a quarantine or a referral.
#[Object]
impl Alert {
    /// Alert id; pass it to `acknowledgeAlert`.
    async fn id(&self) -> i64 {
        self.0.id
    }
    /// The screening (its personal fields follow the usual rules).
    async fn screening(&self, ctx: &Context<'_>) -> Result<Screening> {
        ctx.by_id::<entity::screening::Entity>(self.0.screening_id)
            .await?
            .map(Screening)
            .ok_or_else(|| "screening missing".into())
    }
    /// District whose health centre follows up (the destination, else the checkpoint's district).
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.district_id)
            .await?
            .map(District))
    }
    /// Why.
    async fn reasons(&self) -> Vec<AlertReason> {
        self.0
            .reasons
            .split(',')
            .filter_map(|r| match r {
                "POSITIVE_TEST" => Some(AlertReason::PositiveTest),
                "SYMPTOMS" => Some(AlertReason::Symptoms),
                "QUARANTINED" => Some(AlertReason::Quarantined),
                "REFERRED_TO_HEALTH" => Some(AlertReason::ReferredToHealth),
                _ => None,
            })
            .collect()
    }
    /// When it was raised.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When health took it up; null until then.
    async fn acknowledged_at(&self) -> Option<DateTime<Utc>> {
        self.0.acknowledged_at
    }
    /// Who took it up; null until then.
    async fn acknowledged_by(&self) -> Option<&str> {
        self.0.acknowledged_by.as_deref()
    }
    /// Note left on acknowledgement; null when none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// Figures of one group of screenings.
pub struct CheckpointStatsRow(pub StatsRow);

/// Figures of one group of screenings (counts of records unless said otherwise).
#[Object]
impl CheckpointStatsRow {
    /// The day (YYYY-MM-DD) when grouped by day; null otherwise.
    async fn day(&self) -> Option<&str> {
        match &self.0.key {
            StatsKey::Day(day) => Some(day),
            _ => None,
        }
    }
    /// The checkpoint when grouped by checkpoint; null otherwise.
    async fn checkpoint(&self, ctx: &Context<'_>) -> Result<Option<Checkpoint>> {
        let StatsKey::Checkpoint(id) = self.0.key else {
            return Ok(None);
        };
        Ok(ctx
            .by_id::<entity::checkpoint::Entity>(id)
            .await?
            .map(Checkpoint))
    }
    /// The district when grouped by district; null otherwise.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        let StatsKey::District(id) = self.0.key else {
            return Ok(None);
        };
        Ok(ctx
            .by_id::<entity::district::Entity>(id)
            .await?
            .map(District))
    }
    /// Screening records (vehicles or groups on foot).
    async fn vehicles(&self) -> i64 {
        self.0.figures.vehicles
    }
    /// People screened.
    async fn people(&self) -> i64 {
        self.0.figures.people
    }
    /// Records with a health declaration.
    async fn declared(&self) -> i64 {
        self.0.figures.declared
    }
    /// Records with a test.
    async fn tested(&self) -> i64 {
        self.0.figures.tested
    }
    /// Records with a positive test.
    async fn positive(&self) -> i64 {
        self.0.figures.positive
    }
    /// Records turned back.
    async fn turned_back(&self) -> i64 {
        self.0.figures.turned_back
    }
    /// Records sent to quarantine.
    async fn quarantined(&self) -> i64 {
        self.0.figures.quarantined
    }
    /// Records referred to health.
    async fn referred(&self) -> i64 {
        self.0.figures.referred
    }
}
