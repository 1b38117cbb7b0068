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
use crate::graphql::resolvers::{each, input_object};
use crate::travellers::graphql::TravellerInput;

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

input_object! {
    /// Filter for `checkpoints`.
    #[derive(InputObject, Default)]
    pub struct CheckpointFilterInput => CheckpointFilter {
        /// Only checkpoints of this district (GSO code).
        district_code: Option<String>,
        /// Only checkpoints of this kind.
        kind: Option<CheckpointKind> => each,
        /// Only checkpoints in this status.
        status: Option<CheckpointStatus> => each,
    }
}

input_object! {
    /// Filter for `screenings`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct ScreeningFilterInput => ScreeningFilter {
        /// Only at this checkpoint.
        checkpoint_code: Option<String>,
        /// Only at checkpoints of this district.
        district_code: Option<String>,
        /// Recorded from this instant (inclusive).
        from: Option<DateTime<Utc>>,
        /// Recorded before this instant.
        to: Option<DateTime<Utc>>,
        /// Only with this decision.
        decision: Option<Decision> => each,
        /// Only with this test result.
        test_result: Option<TestResult> => each,
        /// Only from (or not from) an epidemic area.
        from_epidemic_area: Option<bool>,
    }
}

input_object! {
    /// Filter for `alerts`.
    #[derive(InputObject, Default)]
    pub struct AlertFilterInput => AlertFilter {
        /// Only alerts for this district.
        district_code: Option<String>,
        /// Only acknowledged (true) or open (false) alerts.
        acknowledged: Option<bool>,
        /// Only outbound notices (destination in another province; true) or none of them (false).
        outbound: Option<bool>,
    }
}

input_object! {
    /// A new checkpoint (OPEN from now).
    #[derive(InputObject)]
    pub struct CreateCheckpointInput => CheckpointInput {
        /// Stable code: A-Z, 0-9 and '-'.
        code: String,
        /// Name.
        name: String => Some,
        /// District it stands in (GSO code).
        district_code: String => Some,
        /// Kind of post.
        kind: CheckpointKind => |kind: CheckpointKind| Some(kind.into()),
        /// Route and km marker, e.g. "QL1 Km468+150".
        route_marker: Option<String>,
        /// Commune.
        commune: Option<String>,
        /// Latitude (-90 to 90).
        latitude: Option<f64>,
        /// Longitude (-180 to 180).
        longitude: Option<f64>,
        /// Codes of the agencies staffing it.
        staffing_agency_codes: Option<Vec<String>>,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
    also { expected_version: None }
}

input_object! {
    /// Changes to a checkpoint; omitted fields stay as they are.
    #[derive(InputObject)]
    pub struct UpdateCheckpointInput => CheckpointInput {
        /// The checkpoint.
        code: String,
        /// New name.
        name: Option<String>,
        /// New kind.
        kind: Option<CheckpointKind> => each,
        /// New route and km marker.
        route_marker: Option<String>,
        /// New commune.
        commune: Option<String>,
        /// New latitude.
        latitude: Option<f64>,
        /// New longitude.
        longitude: Option<f64>,
        /// Replaces the staffing agencies.
        staffing_agency_codes: Option<Vec<String>>,
        /// The `version` the change is based on; CONFLICT when stale.
        expected_version: Option<i32>,
    }
    also { district_code: None, idempotency_key: None }
}

input_object! {
    /// A status change.
    #[derive(InputObject)]
    pub struct SetCheckpointStatusInput => StatusStep {
        /// The checkpoint.
        code: String,
        /// New status.
        status: CheckpointStatus => Into::into,
        /// Why (required to pause or close).
        reason: Option<String>,
        /// From when (default now; not in the future).
        effective_from: Option<DateTime<Utc>>,
        /// The `version` the change is based on; CONFLICT when stale.
        expected_version: Option<i32>,
    }
}

input_object! {
    /// One screening to record.
    #[derive(InputObject)]
    pub struct RecordScreeningInput => NewScreening {
        /// The checkpoint (must be OPEN).
        checkpoint_code: String,
        /// When (not in the future beyond 5 minutes).
        recorded_at: DateTime<Utc>,
        /// Into or out of the province.
        direction: Direction => Into::into,
        /// Vehicle plate.
        vehicle_plate: Option<String>,
        /// What they travel in.
        vehicle_kind: VehicleKind => Into::into,
        /// People screened, 1 to 1000.
        people_count: i32,
        /// Province they come from (GSO code).
        origin_province_code: Option<String>,
        /// District they come from (GSO code).
        origin_district_code: Option<String>,
        /// Whether they come from an epidemic area.
        #[graphql(default)]
        from_epidemic_area: bool,
        /// Whether they made a health declaration.
        #[graphql(default)]
        health_declared: bool,
        /// Test taken (default NONE).
        #[graphql(default_with = "TestKind::None")]
        test_kind: TestKind => Into::into,
        /// Test result; only with a test kind.
        test_result: Option<TestResult> => each,
        /// When the test was taken.
        test_taken_at: Option<DateTime<Utc>>,
        /// Vaccine doses shown (0 to 10).
        doses_shown: Option<i32>,
        /// Whether anyone had symptoms.
        #[graphql(default)]
        symptoms: bool,
        /// What the post decided.
        decision: Decision => Into::into,
        /// Personal: full name.
        full_name: Option<String>,
        /// Personal: 12-digit citizen identity number or 9-digit identity card number.
        id_number: Option<String>,
        /// Personal: phone (0 and 9 digits, or +84 and 9 digits).
        phone: Option<String>,
        /// Personal: destination address.
        destination_address: Option<String>,
        /// District they are going to (GSO code); its health centre gets any alert.
        destination_district_code: Option<String>,
        /// The people of the vehicle or group (at most 100, at most `peopleCount`), recorded all or none. Each
        /// alerted traveller raises their own alert and, heading to this province, opens a follow-up.
        travellers: Option<Vec<TravellerInput>> => |t: Option<Vec<TravellerInput>>| {
            t.unwrap_or_default().into_iter().map(Into::into).collect()
        },
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
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
