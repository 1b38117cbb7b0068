//! GraphQL face of quarantine: facilities, cases, their tests, supervision and the summary.

mod inputs;
mod types;

use async_graphql::{Context, Result};

use inputs::{
    CloseQuarantineCaseInput, CreateQuarantineFacilityInput, OpenQuarantineCaseInput,
    QuarantineCaseFilterInput, QuarantineFacilityFilterInput, RecordQuarantineTestInput,
    RecordQuarantineViolationInput, RecordSupervisionVisitInput,
};
pub use types::{QuarantineCase, QuarantineFacility, QuarantineSummaryRow};

use crate::graphql::context::ContextExt;
use crate::graphql::resolvers::{payload, root_object};
use crate::quarantine::{cases, facilities, schedule, summary, supervision};

root_object! {
    impl QuarantineQuery {
        lists {
            /// Quarantine facilities in the caller's scope, by id, with their occupancy and free places.
            quarantine_facilities(QuarantineFacilityFilterInput) -> QuarantineFacility = facilities::list;
            /// Quarantine cases in the caller's scope (HEALTH, POLICE, PEOPLES_COMMITTEE), by id.
            quarantine_cases(QuarantineCaseFilterInput) -> QuarantineCase = cases::list;
        }
    }

    /// Open quarantine cases per district and commune, counts only (no personal data), for the steering
    /// committee and the agencies that supervise.
    async fn quarantine_summary(&self, ctx: &Context<'_>) -> Result<Vec<QuarantineSummaryRow>> {
        let rows = summary::summary(&ctx.services()?).await?;
        Ok(rows.into_iter().map(QuarantineSummaryRow).collect())
    }
}

payload! {
    /// Result of `createQuarantineFacility`.
    pub struct CreateQuarantineFacilityPayload {
        /// The facility created.
        facility: QuarantineFacility,
    }
}

payload! {
    /// Result of a quarantine case mutation.
    pub struct QuarantineCasePayload {
        /// The case after the change.
        quarantine_case: QuarantineCase,
    }
}

root_object! {
    impl QuarantineMutation {
        calls {
            /// Creates a quarantine facility (HEALTH).
            create_quarantine_facility(#[graphql(desc = "The facility: code, name, district, kind, capacity.")] input: CreateQuarantineFacilityInput) -> CreateQuarantineFacilityPayload
                = |s| facilities::create(&s, input.into());
            /// Opens a quarantine case (HEALTH) with its test schedule. Refused: a full facility, an end before the
            /// start, home isolation without a signed commitment. Filling a facility alerts health.
            open_quarantine_case(#[graphql(desc = "The person, category, kind, place and, for home isolation, the commitment.")] input: OpenQuarantineCaseInput) -> QuarantineCasePayload
                = |s| cases::open(&s, input.into());
            /// Records a test of an OPEN case (HEALTH); a positive result alerts health.
            record_quarantine_test(#[graphql(desc = "The case, the test's kind, result and time.")] input: RecordQuarantineTestInput) -> QuarantineCasePayload
                = |s| schedule::record(&s, input.into());
            /// Closes an OPEN case (HEALTH): released, transferred to treatment or absconded (which alerts health).
            close_quarantine_case(#[graphql(desc = "The case, how it ends and why.")] input: CloseQuarantineCaseInput) -> QuarantineCasePayload
                = |s| cases::close(&s, input.into());
            /// Records a supervision visit (the commune's team: PEOPLES_COMMITTEE; or HEALTH). A person away from
            /// home isolation breaks the commitment, which alerts health.
            record_supervision_visit(#[graphql(desc = "The case, when, and whether the person was there.")] input: RecordSupervisionVisitInput) -> QuarantineCasePayload
                = |s| supervision::record_visit(&s, input.into());
            /// Records a violation (POLICE); alerts health; an abscondment ends the case.
            record_quarantine_violation(#[graphql(desc = "The case, when, and what the violation was.")] input: RecordQuarantineViolationInput) -> QuarantineCasePayload
                = |s| supervision::record_violation(&s, input.into());
        }
    }
}
