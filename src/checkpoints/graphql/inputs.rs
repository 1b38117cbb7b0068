//! The inputs of checkpoint queries and mutations, each with its conversion to the service's type.

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Utc};

use crate::checkpoints::alerts::AlertFilter;
use crate::checkpoints::posts::{CheckpointFilter, CheckpointInput, StatusStep};
use crate::checkpoints::screenings::{NewScreening, ScreeningFilter};
use crate::checkpoints::stats::StatsGroup;
use crate::graphql::enums::{
    CheckpointKind, CheckpointStatus, Decision, Direction, TestKind, TestResult, VehicleKind,
};

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

impl From<StatsGroupBy> for StatsGroup {
    fn from(group: StatsGroupBy) -> StatsGroup {
        match group {
            StatsGroupBy::Day => StatsGroup::Day,
            StatsGroupBy::Checkpoint => StatsGroup::Checkpoint,
            StatsGroupBy::District => StatsGroup::District,
        }
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

impl From<CheckpointFilterInput> for CheckpointFilter {
    fn from(f: CheckpointFilterInput) -> CheckpointFilter {
        CheckpointFilter {
            district_code: f.district_code,
            kind: f.kind.map(Into::into),
            status: f.status.map(Into::into),
        }
    }
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

impl From<ScreeningFilterInput> for ScreeningFilter {
    fn from(f: ScreeningFilterInput) -> ScreeningFilter {
        ScreeningFilter {
            checkpoint_code: f.checkpoint_code,
            district_code: f.district_code,
            from: f.from,
            to: f.to,
            decision: f.decision.map(Into::into),
            test_result: f.test_result.map(Into::into),
            from_epidemic_area: f.from_epidemic_area,
        }
    }
}

/// Filter for `alerts`.
#[derive(InputObject, Default)]
pub struct AlertFilterInput {
    /// Only alerts for this district.
    pub district_code: Option<String>,
    /// Only acknowledged (true) or open (false) alerts.
    pub acknowledged: Option<bool>,
}

impl From<AlertFilterInput> for AlertFilter {
    fn from(f: AlertFilterInput) -> AlertFilter {
        AlertFilter {
            district_code: f.district_code,
            acknowledged: f.acknowledged,
        }
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

impl From<CreateCheckpointInput> for CheckpointInput {
    fn from(input: CreateCheckpointInput) -> CheckpointInput {
        CheckpointInput {
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
        }
    }
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

impl From<UpdateCheckpointInput> for CheckpointInput {
    fn from(input: UpdateCheckpointInput) -> CheckpointInput {
        CheckpointInput {
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
        }
    }
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

impl From<SetCheckpointStatusInput> for StatusStep {
    fn from(input: SetCheckpointStatusInput) -> StatusStep {
        StatusStep {
            code: input.code,
            status: input.status.into(),
            reason: input.reason,
            effective_from: input.effective_from,
            expected_version: input.expected_version,
        }
    }
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

impl From<RecordScreeningInput> for NewScreening {
    fn from(input: RecordScreeningInput) -> NewScreening {
        NewScreening {
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
        }
    }
}

/// An alert to acknowledge.
#[derive(InputObject)]
pub struct AcknowledgeAlertInput {
    /// Alert id.
    pub id: i64,
    /// What health is doing about it.
    pub note: Option<String>,
}
