//! The inputs of port queries and mutations, each with its conversion to the service's type.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};

use super::types::CrewRole;
use crate::graphql::enums::{TestKind, TestResult};
use crate::graphql::resolvers::input_object;
use crate::ports::calls::{NewCrewMember, NewCrewTest, NewVesselCall, VesselCallFilter};
use crate::ports::cohorts::{NewCohortTest, NewMember, NewPlan, TestingPlanFilter};

input_object! {
    /// Filter for `vesselCalls`.
    #[derive(InputObject, Default)]
    pub struct VesselCallFilterInput => VesselCallFilter {
        /// Only at this checkpoint.
        checkpoint_code: Option<String>,
        /// Only in this district (GSO code).
        district_code: Option<String>,
        /// Only arrived from this instant.
        arrived_from: Option<DateTime<Utc>>,
    }
}

input_object! {
    /// One person on a crew list.
    #[derive(InputObject)]
    pub struct CrewMemberInput => NewCrewMember {
        /// Personal: full name.
        full_name: String,
        /// Personal: passport, seafarer's book or identity number; once per call.
        id_number: String,
        /// CAPTAIN (exactly one) or CREW.
        role: CrewRole => Into::into,
    }
}

fn each_member(crew: Vec<CrewMemberInput>) -> Vec<NewCrewMember> {
    crew.into_iter().map(Into::into).collect()
}

input_object! {
    /// A vessel call to record. There is no release field: cargo release is derived from the crew's tests.
    #[derive(InputObject)]
    pub struct RecordVesselCallInput => NewVesselCall {
        /// A SEAPORT or INLAND_WATERWAY checkpoint.
        checkpoint_code: String,
        /// Vessel name.
        vessel_name: String,
        /// Registration or IMO number.
        registration: String,
        /// Flag state.
        flag: String,
        /// Arrival (not in the future).
        arrived_at: DateTime<Utc>,
        /// Last ports of call, most recent first (at most 10).
        #[graphql(default)]
        last_ports: Vec<String>,
        /// The crew list: exactly one CAPTAIN, nobody twice.
        crew: Vec<CrewMemberInput> => each_member,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
}

input_object! {
    /// A crew member's test.
    #[derive(InputObject)]
    pub struct RecordCrewTestInput => NewCrewTest {
        /// The crew member.
        crew_member_id: i64,
        /// RAPID_ANTIGEN or RT_PCR.
        kind: TestKind => Into::into,
        /// Result; POSITIVE blocks the cargo, alerts health and opens an F0 case.
        result: TestResult => Into::into,
        /// When taken (not in the future).
        taken_at: DateTime<Utc>,
    }
}

input_object! {
    /// Filter for `testingPlans`.
    #[derive(InputObject, Default)]
    pub struct TestingPlanFilterInput => TestingPlanFilter {
        /// Only plans at this checkpoint.
        checkpoint_code: Option<String>,
        /// Only plans of this district (GSO code).
        district_code: Option<String>,
    }
}

input_object! {
    /// A member of a testing plan.
    #[derive(InputObject)]
    pub struct CohortMemberInput => NewMember {
        /// Personal: full name.
        full_name: String,
        /// Personal: identity number.
        id_number: Option<String>,
        /// A rapid test at least every so many hours (default: the plan's).
        rapid_every_hours: Option<i32>,
        /// An RT-PCR test at least every so many days (default: the plan's).
        pcr_every_days: Option<i32>,
    }
}

fn each_cohort_member(members: Vec<CohortMemberInput>) -> Vec<NewMember> {
    members.into_iter().map(Into::into).collect()
}

input_object! {
    /// A testing plan for a cohort of workers.
    #[derive(InputObject)]
    pub struct CreateTestingPlanInput => NewPlan {
        /// Name, e.g. "Cán bộ kiểm hóa cảng Nghi Sơn".
        name: String,
        /// The post the cohort works at.
        checkpoint_code: Option<String>,
        /// District (GSO code), when there is no checkpoint.
        district_code: Option<String>,
        /// Default rapid-test cadence in hours (a shift), e.g. 8.
        rapid_every_hours: Option<i32>,
        /// Default RT-PCR cadence in days, e.g. 3.
        pcr_every_days: Option<i32>,
        /// Members; each needs a cadence, their own or the plan's.
        members: Vec<CohortMemberInput> => each_cohort_member,
    }
}

input_object! {
    /// A cohort member's test.
    #[derive(InputObject)]
    pub struct RecordCohortTestInput => NewCohortTest {
        /// The member.
        member_id: i64,
        /// RAPID_ANTIGEN or RT_PCR.
        kind: TestKind => Into::into,
        /// Result; POSITIVE alerts health.
        result: TestResult => Into::into,
        /// When taken (not in the future).
        taken_at: DateTime<Utc>,
    }
}
