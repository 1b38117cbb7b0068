//! GraphQL face of the port gate: vessel calls, crew tests and cohort testing plans.

mod inputs;
mod types;

use inputs::{
    CreateTestingPlanInput, RecordCohortTestInput, RecordCrewTestInput, RecordVesselCallInput,
    TestingPlanFilterInput, VesselCallFilterInput,
};
pub use types::{TestingPlan, VesselCall};

use crate::graphql::resolvers::{payload, root_object};
use crate::ports::{calls, cohorts};

root_object! {
    impl PortQuery {
        lists {
            /// Vessel calls in the caller's reach (TRANSPORT and BORDER_GUARD: ports they staff), by id.
            vessel_calls(VesselCallFilterInput) -> VesselCall = calls::list;
            /// Testing plans in the caller's reach (TRANSPORT and BORDER_GUARD: posts they staff), by id.
            testing_plans(TestingPlanFilterInput) -> TestingPlan = cohorts::list;
        }
    }
}

payload! {
    /// Result of a vessel call mutation.
    pub struct VesselCallPayload {
        /// The call after the change, with its derived cargo release.
        vessel_call: VesselCall,
    }
}

payload! {
    /// Result of a testing plan mutation.
    pub struct TestingPlanPayload {
        /// The plan after the change.
        testing_plan: TestingPlan,
    }
}

root_object! {
    impl PortMutation {
        calls {
            /// Records a vessel call with its crew list (HEALTH; TRANSPORT and BORDER_GUARD at ports they staff).
            record_vessel_call(#[graphql(desc = "The checkpoint, the vessel, its arrival and its crew.")] input: RecordVesselCallInput) -> VesselCallPayload
                = |s| calls::record(&s, input.into());
            /// Records a crew member's test. A positive one blocks the cargo, alerts health (`screeningAlerts`)
            /// and opens an F0 quarantine case.
            record_crew_test(#[graphql(desc = "The crew member, the test's kind, result and time.")] input: RecordCrewTestInput) -> VesselCallPayload
                = |s| calls::record_test(&s, input.into());
            /// Creates a testing plan for a cohort of workers (HEALTH; TRANSPORT and BORDER_GUARD at posts they staff).
            create_testing_plan(#[graphql(desc = "The plan, its post or district, cadences and members.")] input: CreateTestingPlanInput) -> TestingPlanPayload
                = |s| cohorts::create(&s, input.into());
            /// Records a cohort member's test; a positive one alerts health.
            record_cohort_test(#[graphql(desc = "The member, the test's kind, result and time.")] input: RecordCohortTestInput) -> TestingPlanPayload
                = |s| cohorts::record_test(&s, input.into());
        }
    }
}
