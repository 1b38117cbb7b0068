//! The inputs of quarantine queries and mutations, each with its conversion to the service's type.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};

use super::types::{
    FacilityKind, QuarantineCategory, QuarantineKind, QuarantineStatus, ViolationKind,
};
use crate::graphql::enums::{TestKind, TestResult};
use crate::graphql::resolvers::{each, input_object};
use crate::quarantine::cases::{CaseFilter, CloseCase, Commitment, NewCase};
use crate::quarantine::facilities::{FacilityFilter, NewFacility};
use crate::quarantine::schedule::CaseTest;
use crate::quarantine::supervision::NewNote;

input_object! {
    /// Filter for `quarantineFacilities`.
    #[derive(InputObject, Default)]
    pub struct QuarantineFacilityFilterInput => FacilityFilter {
        /// Only facilities of this district (GSO code).
        district_code: Option<String>,
        /// Only of this kind.
        kind: Option<FacilityKind> => each,
        /// Only with (true) or without (false) a free place.
        has_free_places: Option<bool>,
    }
}

input_object! {
    /// A new quarantine facility.
    #[derive(InputObject)]
    pub struct CreateQuarantineFacilityInput => NewFacility {
        /// Stable code: A-Z, 0-9 and '-'.
        code: String,
        /// Name.
        name: String,
        /// District (GSO code).
        district_code: String,
        /// Commune (GSO code, 5 digits), in the district.
        commune_code: Option<String>,
        /// Address.
        address: Option<String>,
        /// Kind.
        kind: FacilityKind => Into::into,
        /// Places, 1 to 100000.
        capacity: i32,
    }
}

input_object! {
    /// Filter for `quarantineCases`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct QuarantineCaseFilterInput => CaseFilter {
        /// Only cases supervised in this district (GSO code).
        district_code: Option<String>,
        /// Only cases in this facility.
        facility_code: Option<String>,
        /// Only in this status.
        status: Option<QuarantineStatus> => each,
        /// Only of this category.
        category: Option<QuarantineCategory> => each,
        /// Only of this kind.
        kind: Option<QuarantineKind> => each,
        /// Only cases with (true) or without (false) a scheduled test past due and not taken.
        overdue: Option<bool>,
    }
}

/// Who signed a home-isolation commitment, and when.
#[derive(InputObject)]
pub struct CommitmentInput {
    /// The person isolated, as signed.
    pub person_name: String,
    /// The member of the household who signed for it.
    pub household_name: String,
    /// When both signed (not in the future).
    pub signed_at: DateTime<Utc>,
}

impl From<CommitmentInput> for Commitment {
    fn from(c: CommitmentInput) -> Commitment {
        Commitment {
            person_name: c.person_name,
            household_name: c.household_name,
            signed_at: c.signed_at,
        }
    }
}

input_object! {
    /// A quarantine case to open.
    #[derive(InputObject)]
    pub struct OpenQuarantineCaseInput => NewCase {
        /// F0, F1, RETURNEE or OTHER.
        category: QuarantineCategory => Into::into,
        /// CONCENTRATED (needs `facilityCode`), HOME_ISOLATION (needs `commitment` and `address`) or SELF_MONITORING.
        kind: QuarantineKind => Into::into,
        /// Personal: full name.
        full_name: String,
        /// Personal: 12-digit citizen identity number or 9-digit identity card number.
        id_number: Option<String>,
        /// Personal: phone.
        phone: Option<String>,
        /// Personal: home address.
        address: Option<String>,
        /// District of the supervising commune (GSO code).
        district_code: String,
        /// Supervising commune (GSO code, 5 digits), in the district.
        commune_code: Option<String>,
        /// Facility, for CONCENTRATED; refused when full.
        facility_code: Option<String>,
        /// Start (default now; not in the future).
        started_at: Option<DateTime<Utc>>,
        /// Planned end (default from the rules in force); after the start.
        planned_end_at: Option<DateTime<Utc>>,
        /// The signed commitment, for HOME_ISOLATION.
        commitment: Option<CommitmentInput> => each,
        /// The follow-up (returnees) this case comes from.
        follow_up_id: Option<i64>,
    }
}

input_object! {
    /// A test of a quarantine case.
    #[derive(InputObject)]
    pub struct RecordQuarantineTestInput => CaseTest {
        /// The case (OPEN).
        case_id: i64,
        /// The scheduled test it fulfils; by default the earliest untaken one whose day has begun.
        test_id: Option<i64>,
        /// RAPID_ANTIGEN or RT_PCR.
        kind: TestKind => Into::into,
        /// Result.
        result: TestResult => Into::into,
        /// When taken: not before the case started, not in the future.
        taken_at: DateTime<Utc>,
    }
}

input_object! {
    /// How a quarantine case ends.
    #[derive(InputObject)]
    pub struct CloseQuarantineCaseInput => CloseCase {
        /// The case (OPEN).
        id: i64,
        /// RELEASED, TRANSFERRED_TO_TREATMENT or ABSCONDED.
        status: QuarantineStatus => Into::into,
        /// Why.
        reason: Option<String>,
        /// The `version` the change is based on; CONFLICT when stale.
        expected_version: Option<i32>,
    }
}

input_object! {
    /// A supervision visit.
    #[derive(InputObject)]
    pub struct RecordSupervisionVisitInput => NewNote {
        /// The case (OPEN).
        case_id: i64,
        /// When (not in the future).
        at: DateTime<Utc>,
        /// Whether the person was there; absent from home isolation breaks the commitment and alerts health.
        present: bool => Some,
        /// What was seen.
        note: Option<String>,
    }
    also { violation: None }
}

input_object! {
    /// A violation of quarantine.
    #[derive(InputObject)]
    pub struct RecordQuarantineViolationInput => NewNote {
        /// The case (OPEN).
        case_id: i64,
        /// When (not in the future).
        at: DateTime<Utc>,
        /// What it was; ABSCONDED ends the case.
        violation: ViolationKind => |v: ViolationKind| Some(v.into()),
        /// What happened.
        note: Option<String>,
    }
    also { present: None }
}
