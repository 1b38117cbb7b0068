//! GraphQL face of transfers and rebalancing.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::transfer;
use futures_util::{Stream, StreamExt};

use super::reads::{self, Milestone, TransferFilter};
use super::rebalance::Reason;
use super::request::{self, RequestTransfer};
use super::suggestions::{self, NeedBasis, SuggestedTransfer};
use super::workflow;
use crate::auth::Actor;
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::TransferStatus;
use crate::graphql::live;
use crate::graphql::resolvers::{each, input_object, payload, root_object, row_object};
use crate::state::AppState;
use crate::stock::graphql::{Vaccine, VaccineLot, vaccine_of};

/// One step of a transfer's history.
#[derive(SimpleObject)]
pub struct TransferStep {
    /// Status reached.
    pub status: TransferStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// Who, as "agency-code/subject".
    pub by: String,
}

impl From<Milestone> for TransferStep {
    fn from(m: Milestone) -> Self {
        TransferStep {
            status: m.status.into(),
            at: m.at,
            by: m.by,
        }
    }
}

row_object! {
    #[Object]
    /// Doses moved from a lot of one district to another district:
    /// REQUESTED -> APPROVED -> DISPATCHED -> RECEIVED, or REJECTED / CANCELLED before dispatch.
    pub struct Transfer(transfer::Model) as t {
        /// Transfer id; pass it to the workflow mutations.
        id: i32 = t.id;
        /// Where it stands.
        status: TransferStatus = t.status.into();
        /// Doses asked for (and dispatched).
        doses: i64 = t.doses;
        /// Why it was requested; null when not given.
        reason: Option<&str> = t.reason.as_deref();
        /// Doses that arrived; null before receipt.
        doses_received: Option<i64> = t.doses_received;
        /// Why fewer doses arrived; null when none were missing.
        shortfall_reason: Option<&str> = t.shortfall_reason.as_deref();
        /// Why it was rejected or cancelled; null otherwise.
        closing_reason: Option<&str> = t.closing_reason.as_deref();
        /// Who asked for it, as "agency-code/subject".
        requested_by: &str = &t.requested_by;
        /// When it was requested.
        requested_at: DateTime<Utc> = t.requested_at;
        /// The steps taken so far, oldest first.
        timeline: Vec<TransferStep> = reads::timeline(t).into_iter().map(Into::into).collect();
        /// Version, increased by every step.
        version: i32 = t.version;
    }
    nodes {
        /// The source lot.
        #[graphql(name = "fromLot")]
        source_lot: VaccineLot = t.from_lot_id;
        /// The destination's lot, once received; null before.
        to_lot: VaccineLot = t.to_lot_id;
        /// District giving the doses.
        #[graphql(name = "fromDistrict")]
        source_district: District = t.from_district_id;
        /// District receiving the doses.
        to_district: District = t.to_district_id;
    }

    impl {
        /// The vaccine.
        async fn vaccine(&self, ctx: &Context<'_>) -> Option<Vaccine> {
            vaccine_of(ctx.app(), self.0.vaccine_id)
        }
    }
}

/// How `rebalancingSuggestions` measures a district's need.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum NeedBasisInput {
    /// Adults 18+ times the doses in the schedule, less the doses of this vaccine already given there.
    RemainingNeed,
    /// What the district would give over the horizon at its rate of the last 14 days.
    DaysOfStock,
}

impl From<NeedBasisInput> for NeedBasis {
    fn from(basis: NeedBasisInput) -> Self {
        match basis {
            NeedBasisInput::RemainingNeed => NeedBasis::RemainingNeed,
            NeedBasisInput::DaysOfStock => NeedBasis::DaysOfStock,
        }
    }
}

/// Why a move is suggested.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionReason {
    /// The source holds more than it needs over the horizon.
    Surplus,
    /// The destination holds less than it needs.
    Shortage,
    /// At its own pace the source would let these doses expire.
    Expiry,
}

impl From<Reason> for SuggestionReason {
    fn from(r: Reason) -> Self {
        match r {
            Reason::Surplus => SuggestionReason::Surplus,
            Reason::Shortage => SuggestionReason::Shortage,
            Reason::Expiry => SuggestionReason::Expiry,
        }
    }
}

row_object! {
    #[Object]
    /// A suggested move of doses from surplus to shortage, lots expiring first going first.
    pub struct RebalancingSuggestion(SuggestedTransfer) as s {
        /// Pass it to `requestSuggestedTransfer` to turn the suggestion into a transfer request.
        id: String = s.id();
        /// The lot to move from.
        lot: VaccineLot = VaccineLot(s.lot.clone());
        /// Doses to move.
        doses: i64 = s.suggestion.doses;
        /// Why.
        reasons: Vec<SuggestionReason> = s.suggestion.reasons.iter().map(|r| (*r).into()).collect();
        /// What the source can give and the destination lacks, before this move.
        source_surplus: i64 = s.suggestion.source_surplus;
        /// What the destination lacks before this move.
        destination_shortage: i64 = s.suggestion.destination_shortage;
        /// The reasons in words.
        explanation: String = s.explanation();
    }
    nodes {
        /// District with doses to spare.
        #[graphql(name = "fromDistrict")]
        source_district: District = s.suggestion.from_district_id;
        /// District short of doses.
        to_district: District = s.suggestion.to_district_id;
    }

}

input_object! {
    /// Filter for `transfers`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct TransferFilterInput => TransferFilter {
        /// Only transfers in this status.
        status: Option<TransferStatus> => each,
        /// Only transfers from or to this district (GSO code).
        district_code: Option<String>,
        /// Only transfers of this vaccine.
        vaccine_code: Option<String>,
    }
}

root_object! {
    impl TransferQuery {
        lists {
            /// Transfers the caller may see, by id.
            transfers(TransferFilterInput) -> Transfer = reads::list;
        }
        calls {
            /// One transfer with its timeline. NOT_FOUND when it does not exist or is not visible to the caller.
            transfer(#[graphql(desc = "The transfer's id.")] id: i32) -> Transfer = |s| reads::get(&s, id);
        }
    }

    /// Moves that would bring surplus doses of one vaccine to districts short of them within
    /// `horizonDays` (1 to 365), lots expiring first going first, never a lot that would expire before
    /// the destination could use it.
    async fn rebalancing_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this vaccine; all vaccines when omitted.")] vaccine_code: String,
        #[graphql(desc = "How many days ahead expiry and use are looked at.", default = 30)] horizon_days: i64,
        #[graphql(desc = "What surplus and need are measured against.", default_with = "NeedBasisInput::RemainingNeed")] basis: NeedBasisInput,
    ) -> Result<Vec<RebalancingSuggestion>> {
        let found =
            suggestions::suggestions(&ctx.services()?, &vaccine_code, horizon_days, basis.into())
                .await?;
        Ok(found.into_iter().map(RebalancingSuggestion).collect())
    }
}

input_object! {
    /// A request for doses from a lot of another district.
    #[derive(InputObject)]
    pub struct RequestTransferInput => RequestTransfer {
        /// The source lot.
        lot_id: i32,
        /// District to receive the doses (GSO code): the requester's own, or any for the province.
        to_district_code: String,
        /// Doses, at least 1 and at most the lot's available doses.
        doses: i64,
        /// Why they are needed.
        reason: Option<String>,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
}

/// A transfer to act on.
#[derive(InputObject)]
pub struct TransferIdInput {
    /// Transfer id.
    pub id: i32,
}

/// A transfer to refuse or call off, and why.
#[derive(InputObject)]
pub struct CloseTransferInput {
    /// Transfer id.
    pub id: i32,
    /// Why (required).
    pub reason: String,
}

/// Receipt of a dispatched transfer.
#[derive(InputObject)]
pub struct ReceiveTransferInput {
    /// Transfer id.
    pub id: i32,
    /// Doses that arrived (0 to the doses dispatched); the shortfall is recorded as wastage.
    pub doses_received: i64,
    /// Why doses are missing (required when any are).
    pub shortfall_reason: Option<String>,
}

/// A rebalancing suggestion to act on.
#[derive(InputObject)]
pub struct RequestSuggestedTransferInput {
    /// `id` of a `rebalancingSuggestions` entry.
    pub suggestion_id: String,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

payload! {
    /// Result of a transfer mutation.
    pub struct TransferPayload {
        /// The transfer after the step.
        transfer: Transfer,
    }
}

root_object! {
    impl TransferMutation {
        calls {
            /// Asks for doses from another district's lot (the destination's HEALTH agency, or the province's).
            request_transfer(#[graphql(desc = "The source lot, the receiving district, the doses and the reason.")] input: RequestTransferInput) -> TransferPayload
                = |s| request::request(&s, input.into());
            /// Turns a rebalancing suggestion into a transfer request.
            request_suggested_transfer(#[graphql(desc = "The rebalancing suggestion to turn into a transfer request.")] input: RequestSuggestedTransferInput) -> TransferPayload
                = |s| suggestions::request_suggested(&s, &input.suggestion_id, input.idempotency_key.clone());
            /// Approves a requested transfer and reserves its doses (province HEALTH, role APPROVER).
            approve_transfer(#[graphql(desc = "The requested transfer to approve.")] input: TransferIdInput) -> TransferPayload = |s| workflow::approve(&s, input.id);
            /// Refuses a requested transfer (province HEALTH, role APPROVER).
            reject_transfer(#[graphql(desc = "The requested transfer to reject, with the reason.")] input: CloseTransferInput) -> TransferPayload
                = |s| workflow::reject(&s, input.id, input.reason);
            /// Sends an approved transfer: its doses leave the source lot (the source district).
            dispatch_transfer(#[graphql(desc = "The approved transfer to send.")] input: TransferIdInput) -> TransferPayload = |s| workflow::dispatch(&s, input.id);
            /// Records the arrival of a dispatched transfer (the destination district).
            receive_transfer(#[graphql(desc = "The dispatched transfer received, with the doses that arrived.")] input: ReceiveTransferInput) -> TransferPayload
                = |s| workflow::receive(&s, input.id, input.doses_received, input.shortfall_reason);
            /// Calls off a transfer before dispatch, releasing any reservation.
            cancel_transfer(#[graphql(desc = "The transfer to cancel, with the reason.")] input: CloseTransferInput) -> TransferPayload
                = |s| workflow::cancel(&s, input.id, input.reason);
        }
    }
}

/// A transfer step delivered by `transferEvents`, with the cursor to resume after it.
#[derive(SimpleObject)]
pub struct TransferEvent {
    /// Opaque, increasing position of this event: pass it as `after` when subscribing again.
    pub cursor: String,
    #[graphql(flatten)]
    pub transfer: Transfer,
}

#[derive(Default)]
pub struct TransferSubscription;

#[Subscription]
impl TransferSubscription {
    /// Every step of transfers from or to a district (GSO code), as it happens, for callers who may see them.
    ///
    /// Given `after`, first replays the transfer events after that cursor (bounded as for
    /// `screeningAlerts`; beyond the bound CURSOR_EXPIRED), then goes on live with no gap and no
    /// duplicate.
    async fn transfer_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only transfers touching this district; all the caller may see when omitted."
        )]
        district_code: String,
        #[graphql(desc = "The `cursor` of the last transfer event received: resume after it.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = TransferEvent>> {
        let watch = reads::watch(&ctx.services()?, &district_code).await?;
        let load = |app: AppState, actor: Actor, id: i32| async move {
            reads::get(&app.ctx(&actor), id).await.map(Transfer)
        };
        let (app, actor) = (ctx.app().clone(), ctx.actor()?.clone());
        let stream = live::stream(app, actor, after, move |e| watch.picks(e), load).await?;
        Ok(stream.map(|d| TransferEvent {
            cursor: d.cursor,
            transfer: d.item,
        }))
    }
}
