//! GraphQL face of checkpoints, screenings and alerts. Personal fields are checked one by one: a caller
//! who may not read them gets null and a FORBIDDEN error at the field's path, and the rest of the record.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{alert, checkpoint, checkpoint_status_change, screening};
use futures_util::Stream;

use super::loaders::{StaffLoader, StatusHistoryLoader};
use super::service::{
    self, AlertFilter, CheckpointFilter, CheckpointInput, NewScreening, ScreeningFilter,
    StatsGroup, StatsRow,
};
use crate::admin::graphql::Agency;
use crate::auth::Actor;
use crate::districts::graphql::District;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{
    CheckpointKind, CheckpointStatus, Decision, Direction, TestKind, TestResult, VehicleKind,
};
use crate::graphql::loaders::RowsById;
use crate::state::AppState;

/// Personal fields read during one request, audited together when it ends.
#[derive(Debug, Default, Clone)]
pub struct PersonalReads(Arc<Mutex<BTreeMap<i64, BTreeSet<&'static str>>>>);

impl PersonalReads {
    fn add(&self, screening_id: i64, field: &'static str) {
        if let Ok(mut reads) = self.0.lock() {
            reads.entry(screening_id).or_default().insert(field);
        }
    }

    /// Writes the audit rows; the response must not leave without them.
    pub async fn flush(&self, app: &AppState, actor: &Actor) -> AppResult<()> {
        let reads: Vec<(i64, Vec<&'static str>)> = match self.0.lock() {
            Ok(mut reads) => std::mem::take(&mut *reads)
                .into_iter()
                .map(|(id, f)| (id, f.into_iter().collect()))
                .collect(),
            Err(_) => return Err(AppError::Internal("personal-read log poisoned".into())),
        };
        service::audit_personal_reads(&app.db, actor, reads).await
    }
}

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
    /// The value of a personal field, if the caller may read it (and the read is logged). Otherwise null,
    /// with a FORBIDDEN error at the field's path and the rest of the record served. (The error is added
    /// here rather than returned: returned, the library would drop the field from `data` altogether.)
    async fn personal<'a>(
        &'a self,
        ctx: &Context<'_>,
        field: &'static str,
        value: &'a Option<String>,
    ) -> Result<Option<&'a str>> {
        let actor = ctx.actor()?;
        let staff = ctx
            .loader::<StaffLoader>()
            .load_one(self.0.checkpoint_id)
            .await?
            .unwrap_or_default();
        let staffed_by: Vec<i32> = staff.iter().map(|s| s.agency_id).collect();
        if !service::may_read_personal(actor, &self.0, &staffed_by) {
            let denied: async_graphql::Error =
                AppError::forbidden(format!("{field} is personal data your agency may not read"))
                    .into();
            ctx.add_error(ctx.set_error_path(denied.into_server_error(ctx.item.pos)));
            return Ok(None);
        }
        match ctx.data_opt::<PersonalReads>() {
            Some(reads) => reads.add(self.0.id, field),
            // Outside an HTTP request (a subscription): log the read at once.
            None => {
                service::audit_personal_reads(&ctx.app().db, actor, vec![(self.0.id, vec![field])])
                    .await?
            }
        }
        Ok(value.as_deref())
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

/// How `checkpointStats` groups figures.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum StatsGroupBy {
    /// By calendar day, province time.
    Day,
    /// By checkpoint.
    Checkpoint,
    /// By district of the checkpoint.
    District,
}

/// Figures of one group of screenings.
pub struct CheckpointStatsRow {
    row: StatsRow,
    group: StatsGroupBy,
}

/// Figures of one group of screenings (counts of records unless said otherwise).
#[Object]
impl CheckpointStatsRow {
    /// The day (YYYY-MM-DD) when grouped by day; null otherwise.
    async fn day(&self) -> Option<&str> {
        (self.group == StatsGroupBy::Day).then_some(self.row.key.as_str())
    }
    /// The checkpoint when grouped by checkpoint; null otherwise.
    async fn checkpoint(&self, ctx: &Context<'_>) -> Result<Option<Checkpoint>> {
        if self.group != StatsGroupBy::Checkpoint {
            return Ok(None);
        }
        let id: i32 = self.row.key.parse().map_err(|_| "bad key")?;
        Ok(ctx
            .by_id::<entity::checkpoint::Entity>(id)
            .await?
            .map(Checkpoint))
    }
    /// The district when grouped by district; null otherwise.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        if self.group != StatsGroupBy::District {
            return Ok(None);
        }
        let id: i32 = self.row.key.parse().map_err(|_| "bad key")?;
        Ok(ctx
            .by_id::<entity::district::Entity>(id)
            .await?
            .map(District))
    }
    /// Screening records (vehicles or groups on foot).
    async fn vehicles(&self) -> i64 {
        self.row.vehicles
    }
    /// People screened.
    async fn people(&self) -> i64 {
        self.row.people
    }
    /// Records with a health declaration.
    async fn declared(&self) -> i64 {
        self.row.declared
    }
    /// Records with a test.
    async fn tested(&self) -> i64 {
        self.row.tested
    }
    /// Records with a positive test.
    async fn positive(&self) -> i64 {
        self.row.positive
    }
    /// Records turned back.
    async fn turned_back(&self) -> i64 {
        self.row.turned_back
    }
    /// Records sent to quarantine.
    async fn quarantined(&self) -> i64 {
        self.row.quarantined
    }
    /// Records referred to health.
    async fn referred(&self) -> i64 {
        self.row.referred
    }
}

/// Filter for `checkpoints`.
#[derive(InputObject, Default)]
pub struct CheckpointFilterInput {
    /// Only checkpoints of this district (GSO code).
    pub district_code: Option<String>,
    /// Only checkpoints of this kind.
    pub kind: Option<CheckpointKind>,
    /// Only checkpoints in this status.
    pub status: Option<CheckpointStatus>,
}

/// Filter for `screenings`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct ScreeningFilterInput {
    /// Only at this checkpoint.
    pub checkpoint_code: Option<String>,
    /// Only at checkpoints of this district.
    pub district_code: Option<String>,
    /// Recorded from this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Recorded before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only with this decision.
    pub decision: Option<Decision>,
    /// Only with this test result.
    pub test_result: Option<TestResult>,
    /// Only from (or not from) an epidemic area.
    pub from_epidemic_area: Option<bool>,
}

/// Filter for `alerts`.
#[derive(InputObject, Default)]
pub struct AlertFilterInput {
    /// Only alerts for this district.
    pub district_code: Option<String>,
    /// Only acknowledged (true) or open (false) alerts.
    pub acknowledged: Option<bool>,
}

#[derive(Default)]
pub struct CheckpointQuery;

#[Object]
impl CheckpointQuery {
    /// Checkpoints in the caller's scope, by id.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn checkpoints(
        &self,
        ctx: &Context<'_>,
        filter: Option<CheckpointFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Checkpoint>> {
        let paging = ctx.paging(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = CheckpointFilter {
            district_code: f.district_code,
            kind: f.kind.map(Into::into),
            status: f.status.map(Into::into),
        };
        Ok(paging.connection(
            service::list_checkpoints(&ctx.app().db, ctx.actor()?, &filter, paging.request).await?,
            Checkpoint,
        ))
    }

    /// One checkpoint with its status history.
    async fn checkpoint(&self, ctx: &Context<'_>, code: String) -> Result<Checkpoint> {
        Ok(Checkpoint(
            service::get_checkpoint(&ctx.app().db, ctx.actor()?, &code).await?,
        ))
    }

    /// Screenings in the caller's scope, oldest first (by recording time, then id).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn screenings(
        &self,
        ctx: &Context<'_>,
        filter: Option<ScreeningFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Screening>> {
        let paging = ctx.paging(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = ScreeningFilter {
            checkpoint_code: f.checkpoint_code,
            district_code: f.district_code,
            from: f.from,
            to: f.to,
            decision: f.decision.map(Into::into),
            test_result: f.test_result.map(Into::into),
            from_epidemic_area: f.from_epidemic_area,
        };
        Ok(paging.connection(
            service::list_screenings(&ctx.app().db, ctx.actor()?, &filter, paging.request).await?,
            Screening,
        ))
    }

    /// Screening figures between `from` and `to` (at most a year), grouped by day, checkpoint or district.
    async fn checkpoint_stats(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        group_by: StatsGroupBy,
    ) -> Result<Vec<CheckpointStatsRow>> {
        let group = match group_by {
            StatsGroupBy::Day => StatsGroup::Day,
            StatsGroupBy::Checkpoint => StatsGroup::Checkpoint,
            StatsGroupBy::District => StatsGroup::District,
        };
        let rows = service::stats(&ctx.app().db, ctx.actor()?, from, to, group).await?;
        Ok(rows
            .into_iter()
            .map(|row| CheckpointStatsRow {
                row,
                group: group_by,
            })
            .collect())
    }

    /// Alerts for health in the caller's scope, by id.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        filter: Option<AlertFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Alert>> {
        let paging = ctx.paging(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = AlertFilter {
            district_code: f.district_code,
            acknowledged: f.acknowledged,
        };
        Ok(paging.connection(
            service::list_alerts(&ctx.app().db, ctx.actor()?, &filter, paging.request).await?,
            Alert,
        ))
    }
}

/// A new checkpoint (OPEN from now).
#[derive(InputObject)]
pub struct CreateCheckpointInput {
    /// Stable code: A-Z, 0-9 and '-'.
    pub code: String,
    /// Name.
    pub name: String,
    /// District it stands in (GSO code).
    pub district_code: String,
    /// Kind of post.
    pub kind: CheckpointKind,
    /// Route and km marker, e.g. "QL1 Km468+150".
    pub route_marker: Option<String>,
    /// Commune.
    pub commune: Option<String>,
    /// Latitude (-90 to 90).
    pub latitude: Option<f64>,
    /// Longitude (-180 to 180).
    pub longitude: Option<f64>,
    /// Codes of the agencies staffing it.
    pub staffing_agency_codes: Option<Vec<String>>,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

/// Changes to a checkpoint; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateCheckpointInput {
    /// The checkpoint.
    pub code: String,
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<CheckpointKind>,
    /// New route and km marker.
    pub route_marker: Option<String>,
    /// New commune.
    pub commune: Option<String>,
    /// New latitude.
    pub latitude: Option<f64>,
    /// New longitude.
    pub longitude: Option<f64>,
    /// Replaces the staffing agencies.
    pub staffing_agency_codes: Option<Vec<String>>,
    /// The `version` the change is based on; CONFLICT when stale.
    pub expected_version: Option<i32>,
}

/// A status change.
#[derive(InputObject)]
pub struct SetCheckpointStatusInput {
    /// The checkpoint.
    pub code: String,
    /// New status.
    pub status: CheckpointStatus,
    /// Why (required to pause or close).
    pub reason: Option<String>,
    /// From when (default now; not in the future).
    pub effective_from: Option<DateTime<Utc>>,
    /// The `version` the change is based on; CONFLICT when stale.
    pub expected_version: Option<i32>,
}

/// One screening to record.
#[derive(InputObject)]
pub struct RecordScreeningInput {
    /// The checkpoint (must be OPEN).
    pub checkpoint_code: String,
    /// When (not in the future beyond 5 minutes).
    pub recorded_at: DateTime<Utc>,
    /// Into or out of the province.
    pub direction: Direction,
    /// Vehicle plate.
    pub vehicle_plate: Option<String>,
    /// What they travel in.
    pub vehicle_kind: VehicleKind,
    /// People screened, 1 to 1000.
    pub people_count: i32,
    /// Province they come from (GSO code).
    pub origin_province_code: Option<String>,
    /// District they come from (GSO code).
    pub origin_district_code: Option<String>,
    /// Whether they come from an epidemic area.
    #[graphql(default)]
    pub from_epidemic_area: bool,
    /// Whether they made a health declaration.
    #[graphql(default)]
    pub health_declared: bool,
    /// Test taken (default NONE).
    #[graphql(default_with = "TestKind::None")]
    pub test_kind: TestKind,
    /// Test result; only with a test kind.
    pub test_result: Option<TestResult>,
    /// When the test was taken.
    pub test_taken_at: Option<DateTime<Utc>>,
    /// Vaccine doses shown (0 to 10).
    pub doses_shown: Option<i32>,
    /// Whether anyone had symptoms.
    #[graphql(default)]
    pub symptoms: bool,
    /// What the post decided.
    pub decision: Decision,
    /// Personal: full name.
    pub full_name: Option<String>,
    /// Personal: 12-digit citizen identity number or 9-digit identity card number.
    pub id_number: Option<String>,
    /// Personal: phone (0 and 9 digits, or +84 and 9 digits).
    pub phone: Option<String>,
    /// Personal: destination address.
    pub destination_address: Option<String>,
    /// District they are going to (GSO code); its health centre gets any alert.
    pub destination_district_code: Option<String>,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

/// An alert to acknowledge.
#[derive(InputObject)]
pub struct AcknowledgeAlertInput {
    /// Alert id.
    pub id: i64,
    /// What health is doing about it.
    pub note: Option<String>,
}

/// Result of a checkpoint mutation.
#[derive(SimpleObject)]
pub struct CheckpointPayload {
    /// The checkpoint after the change.
    pub checkpoint: Checkpoint,
}

/// Result of `recordScreening`.
#[derive(SimpleObject)]
pub struct RecordScreeningPayload {
    /// The screening recorded.
    pub screening: Screening,
    /// The alert it raised; null when none.
    pub alert: Option<Alert>,
}

/// Result of `acknowledgeAlert`.
#[derive(SimpleObject)]
pub struct AcknowledgeAlertPayload {
    /// The alert, now acknowledged.
    pub alert: Alert,
}

#[derive(Default)]
pub struct CheckpointMutation;

#[Object]
impl CheckpointMutation {
    /// Creates a checkpoint (POLICE, TRANSPORT, BORDER_GUARD, ADMINISTRATION; a district committee in its district).
    async fn create_checkpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateCheckpointInput,
    ) -> Result<CheckpointPayload> {
        let input = CheckpointInput {
            code: input.code,
            name: Some(input.name),
            district_code: Some(input.district_code),
            kind: Some(input.kind.into()),
            route_marker: input.route_marker,
            commune: input.commune,
            latitude: input.latitude,
            longitude: input.longitude,
            staffing_agency_codes: input.staffing_agency_codes,
            expected_version: None,
            idempotency_key: input.idempotency_key,
        };
        Ok(CheckpointPayload {
            checkpoint: Checkpoint(
                service::create_checkpoint(&ctx.app().db, ctx.actor()?, input).await?,
            ),
        })
    }

    /// Updates a checkpoint's details or staffing.
    async fn update_checkpoint(
        &self,
        ctx: &Context<'_>,
        input: UpdateCheckpointInput,
    ) -> Result<CheckpointPayload> {
        let input = CheckpointInput {
            code: input.code,
            name: input.name,
            district_code: None,
            kind: input.kind.map(Into::into),
            route_marker: input.route_marker,
            commune: input.commune,
            latitude: input.latitude,
            longitude: input.longitude,
            staffing_agency_codes: input.staffing_agency_codes,
            expected_version: input.expected_version,
            idempotency_key: None,
        };
        Ok(CheckpointPayload {
            checkpoint: Checkpoint(
                service::update_checkpoint(&ctx.app().db, ctx.actor()?, input).await?,
            ),
        })
    }

    /// Opens, pauses or closes a checkpoint; the change is kept in its history.
    async fn set_checkpoint_status(
        &self,
        ctx: &Context<'_>,
        input: SetCheckpointStatusInput,
    ) -> Result<CheckpointPayload> {
        let done = service::set_status(
            &ctx.app().db,
            ctx.actor()?,
            &input.code,
            input.status.into(),
            input.reason,
            input.effective_from,
            input.expected_version,
        )
        .await?;
        Ok(CheckpointPayload {
            checkpoint: Checkpoint(done),
        })
    }

    /// Records a screening at an OPEN checkpoint (an agency staffing it, or province-level police, transport,
    /// border guard or health). Raises an alert for health on a positive test, symptoms, quarantine or referral.
    async fn record_screening(
        &self,
        ctx: &Context<'_>,
        input: RecordScreeningInput,
    ) -> Result<RecordScreeningPayload> {
        let app = ctx.app();
        let input = NewScreening {
            checkpoint_code: input.checkpoint_code,
            recorded_at: input.recorded_at,
            direction: input.direction.into(),
            vehicle_plate: input.vehicle_plate,
            vehicle_kind: input.vehicle_kind.into(),
            people_count: input.people_count,
            origin_province_code: input.origin_province_code,
            origin_district_code: input.origin_district_code,
            from_epidemic_area: input.from_epidemic_area,
            health_declared: input.health_declared,
            test_kind: input.test_kind.into(),
            test_result: input.test_result.map(Into::into),
            test_taken_at: input.test_taken_at,
            doses_shown: input.doses_shown,
            symptoms: input.symptoms,
            decision: input.decision.into(),
            full_name: input.full_name,
            id_number: input.id_number,
            phone: input.phone,
            destination_address: input.destination_address,
            destination_district_code: input.destination_district_code,
            idempotency_key: input.idempotency_key,
        };
        let (screening, alert) =
            service::record_screening(&app.db, &app.events, ctx.actor()?, input).await?;
        Ok(RecordScreeningPayload {
            screening: Screening(screening),
            alert: alert.map(Alert),
        })
    }

    /// Health takes up an alert.
    async fn acknowledge_alert(
        &self,
        ctx: &Context<'_>,
        input: AcknowledgeAlertInput,
    ) -> Result<AcknowledgeAlertPayload> {
        let done = service::acknowledge(&ctx.app().db, ctx.actor()?, input.id, input.note).await?;
        Ok(AcknowledgeAlertPayload { alert: Alert(done) })
    }
}

#[derive(Default)]
pub struct CheckpointSubscription;

#[Subscription]
impl CheckpointSubscription {
    /// Alerts as they are raised, for one district (GSO code) or, without it, every district in the
    /// caller's scope. Delivered to subscribers of every server process.
    async fn screening_alerts(
        &self,
        ctx: &Context<'_>,
        district_code: Option<String>,
    ) -> Result<impl Stream<Item = Alert>> {
        let app = ctx.app().clone();
        let actor = ctx.actor()?.clone();
        crate::policy::require(
            &actor,
            crate::policy::Resource::Alert,
            crate::policy::Action::Read,
        )?;
        let only = match &district_code {
            Some(code) => Some(crate::districts::lookup::by_code(&app.db, code).await?.id),
            None => None,
        };
        let select = move |event: &DomainEvent| match *event {
            DomainEvent::Alert {
                alert_id,
                district_id,
            } if only.is_none_or(|d| d == district_id) => Some(alert_id),
            _ => None,
        };
        let load = |app: AppState, actor: Actor, id: i64| async move {
            service::get_alert(&app.db, &actor, id).await.map(Alert)
        };
        Ok(crate::graphql::live::stream(app, actor, select, load))
    }
}
