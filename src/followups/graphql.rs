//! GraphQL face of follow-ups: the list, one step, the counts for the steering committee and the live
//! feed of a district.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{follow_up, follow_up_step};
use futures_util::{Stream, StreamExt};

use super::advance::{self, Step};
use super::reads::{self, FollowUpFilter, SummaryRow};
use crate::auth::Actor;
use crate::districts::graphql::{Commune, District};
use crate::graphql::context::ContextExt;
use crate::graphql::live;
use crate::graphql::resolvers::{each, input_object, payload, root_object, row_object};
use crate::state::AppState;
use crate::travellers::graphql::Traveller;
use crate::travellers::history;
use crate::travellers::loaders::FollowUpOfTravellerLoader;

/// Where a follow-up stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "FollowUpStatus", remote = "entity::FollowUpStatus")]
pub enum FollowUpStatus {
    /// Waiting for first contact.
    Pending,
    /// Contacted by the commune or the health centre.
    Contacted,
    /// Monitoring their health at home.
    HomeMonitoring,
    /// In quarantine.
    Quarantined,
    /// Tested.
    Tested,
    /// Closed, with its outcome.
    Closed,
}

row_object! {
    #[Object]
    /// The follow-up of one alerted traveller at the destination district and commune.
    pub struct FollowUp(follow_up::Model) as f {
        /// Record id; pass it to `advanceFollowUp`.
        id: i64 = f.id;
        /// Where it stands.
        status: FollowUpStatus = f.status.into();
        /// First contact is due by then (the crossing plus the configured time, 24 h by default).
        due_at: DateTime<Utc> = f.due_at;
        /// When they crossed.
        crossed_at: DateTime<Utc> = f.crossed_at;
        /// When first contacted; null until then.
        contacted_at: Option<DateTime<Utc>> = f.contacted_at;
        /// When closed; null until then.
        closed_at: Option<DateTime<Utc>> = f.closed_at;
        /// The outcome recorded on closing; null until then.
        outcome: Option<&str> = f.outcome.as_deref();
        /// Version for optimistic concurrency: pass it as `expectedVersion`.
        version: i32 = f.version;
    }
    nodes {
        /// The destination district that follows them up.
        district: District = f.district_id;
        /// The destination commune; null when not given.
        commune: Commune = f.commune_id;
        /// The traveller (their personal fields follow the usual rules).
        traveller: Traveller = f.traveller_id;
    }

    impl {
        /// Whether first contact is overdue now: still PENDING after `dueAt`. Derived from the clock.
        async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
            Ok(reads::is_overdue(&self.0, ctx.services()?.now()))
        }
        /// GSO code of the destination commune; null when not given.
        async fn commune_code(&self, ctx: &Context<'_>) -> Result<Option<String>> {
            let commune: Option<Commune> = ctx.node(self.0.commune_id).await?;
            Ok(commune.map(|c| c.0.code))
        }
        /// Every step taken, oldest first: the status, by whom and when.
        async fn steps(&self, ctx: &Context<'_>) -> Result<Vec<FollowUpStep>> {
            let steps = reads::steps(ctx.services()?.db, self.0.id).await?;
            Ok(steps.into_iter().map(FollowUpStep).collect())
        }
    }
}

row_object! {
    #[Object]
    /// One step of a follow-up.
    pub struct FollowUpStep(follow_up_step::Model) as s {
        /// Status before; null for the opening step.
        #[expect(clippy::wrong_self_convention, reason = "the API's field name")]
        from_status: Option<FollowUpStatus> = s.from_status.map(Into::into);
        /// Status taken.
        to_status: FollowUpStatus = s.to_status.into();
        /// Note left with the step; null when none.
        note: Option<&str> = s.note.as_deref();
        /// Who, as "agency-code/subject".
        taken_by: &str = &s.taken_by;
        /// When.
        taken_at: DateTime<Utc> = s.taken_at;
    }
}

row_object! {
    #[Object]
    /// Follow-up counts of one district and commune, without personal data.
    pub struct FollowUpSummaryRow(SummaryRow) as r {
        /// Waiting for first contact.
        pending: i64 = r.pending;
        /// Contacted.
        contacted: i64 = r.contacted;
        /// Monitoring at home.
        home_monitoring: i64 = r.home_monitoring;
        /// In quarantine.
        quarantined: i64 = r.quarantined;
        /// Tested.
        tested: i64 = r.tested;
        /// Closed.
        closed: i64 = r.closed;
        /// Still pending after their due time.
        overdue: i64 = r.overdue;
        /// All follow-ups of the row.
        total: i64 = r.total();
    }
    nodes {
        /// The district.
        district: District = r.district_id;
        /// The commune; null for follow-ups without one.
        commune: Commune = r.commune_id;
    }
}

input_object! {
    /// Filter for `followUps`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct FollowUpFilterInput => FollowUpFilter {
        /// Only follow-ups of this destination district (GSO code).
        district_code: Option<String>,
        /// Only follow-ups assigned to this commune (GSO code).
        commune_code: Option<String>,
        /// Only follow-ups in this status.
        status: Option<FollowUpStatus> => each,
        /// Only overdue (true) or not overdue (false) follow-ups, as of now.
        overdue: Option<bool>,
    }
}

input_object! {
    /// A step of a follow-up.
    #[derive(InputObject)]
    pub struct AdvanceFollowUpInput => Step {
        /// Follow-up id.
        id: i64,
        /// The status to move to (PENDING -> CONTACTED -> HOME_MONITORING / QUARANTINED / TESTED -> CLOSED).
        status: FollowUpStatus => Into::into,
        /// What was done; required (the outcome) when closing.
        note: Option<String>,
        /// The `version` the step is based on; CONFLICT when stale.
        expected_version: Option<i32>,
    }
}

payload! {
    /// Result of `advanceFollowUp`.
    pub struct AdvanceFollowUpPayload {
        /// The follow-up after the step.
        follow_up: FollowUp,
    }
}

root_object! {
    impl FollowUpQuery {
        lists {
            /// Follow-ups of alerted travellers in the caller's scope (the destination district), by id.
            follow_ups(FollowUpFilterInput) -> FollowUp = reads::list;
        }
    }

    /// Follow-up counts per district and commune, without personal data, of one district or of every
    /// district in the caller's scope (the steering committee's view). Empty for a caller who may not read them.
    async fn follow_up_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this district (GSO code); every district in scope when omitted.")]
        district_code: Option<String>,
    ) -> Result<Vec<FollowUpSummaryRow>> {
        let rows = reads::summary(&ctx.services()?, district_code.as_deref()).await?;
        Ok(rows.into_iter().map(FollowUpSummaryRow).collect())
    }

    /// Every crossing of one id number across posts, oldest first, each with its follow-up: a repeated or
    /// evasive crossing shows here. Province HEALTH and POLICE only; each record found is audited.
    async fn traveller_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Citizen identity number (12 digits), identity card number (9) or passport number.")]
        id_number: String,
    ) -> Result<Vec<TravellerCrossing>> {
        let rows = history::of_id_number(&ctx.services()?, &id_number).await?;
        Ok(rows
            .into_iter()
            .map(|t| TravellerCrossing(Traveller(t)))
            .collect())
    }
}

/// One crossing of a person: the traveller entry and its follow-up.
pub struct TravellerCrossing(Traveller);

/// One crossing of a person: the traveller entry and its follow-up.
#[Object]
impl TravellerCrossing {
    /// The traveller as recorded at the post (personal fields follow the usual rules).
    async fn traveller(&self) -> &Traveller {
        &self.0
    }
    /// The follow-up this crossing opened; null when none was (or the caller may not read it).
    async fn follow_up(&self, ctx: &Context<'_>) -> Result<Option<FollowUp>> {
        follow_up_of(ctx, Some(self.0.0.id)).await
    }
}

/// The follow-up of a traveller, where the caller may read it.
pub async fn follow_up_of(
    ctx: &Context<'_>,
    traveller_id: Option<i64>,
) -> Result<Option<FollowUp>> {
    let Some(id) = traveller_id else {
        return Ok(None);
    };
    let found = ctx
        .loader::<FollowUpOfTravellerLoader>()
        .load_one(id)
        .await?;
    let services = ctx.services()?;
    Ok(found
        .filter(|f| reads::may_read(&services, f))
        .map(FollowUp))
}

root_object! {
    impl FollowUpMutation {
        calls {
            /// Takes a follow-up one step (the destination district's HEALTH or PEOPLES_COMMITTEE, or province
            /// HEALTH). INVALID_STATE for a step out of order; FORBIDDEN outside the destination district.
            advance_follow_up(#[graphql(desc = "The follow-up, the status to move to and a note.")] input: AdvanceFollowUpInput) -> AdvanceFollowUpPayload
                = |s| advance::advance(&s, input.into());
        }
    }
}

/// A follow-up delivered by `followUpEvents`, with the cursor to resume after it.
#[derive(SimpleObject)]
pub struct FollowUpEvent {
    /// Opaque, increasing position of this event: pass it as `after` when subscribing again.
    pub cursor: String,
    #[graphql(flatten)]
    pub follow_up: FollowUp,
}

#[derive(Default)]
pub struct FollowUpSubscription;

#[Subscription]
impl FollowUpSubscription {
    /// Follow-ups as they are opened and stepped, for one destination district (GSO code) or, without it,
    /// every district in the caller's scope; each delivered as it stands when read. Given `after`, first
    /// replays the events after that cursor, as `screeningAlerts` does.
    async fn follow_up_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only follow-ups of this district; all the caller may see when omitted.")]
        district_code: Option<String>,
        #[graphql(desc = "The `cursor` of the last event received: resume after it.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = FollowUpEvent>> {
        let feed = reads::follow(&ctx.services()?, district_code.as_deref()).await?;
        let load = |app: AppState, actor: Actor, id: i64| async move {
            reads::get(&app.ctx(&actor), id).await.map(FollowUp)
        };
        let (app, actor) = (ctx.app().clone(), ctx.actor()?.clone());
        let stream = live::stream(app, actor, after, move |e| feed.select(e), load).await?;
        Ok(stream.map(|d| FollowUpEvent {
            cursor: d.cursor,
            follow_up: d.item,
        }))
    }
}
