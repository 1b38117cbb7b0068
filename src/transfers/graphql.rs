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
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::TransferStatus;
use crate::graphql::live;
use crate::state::AppState;
use crate::stock::graphql::{Vaccine, VaccineLot, vaccine_of};

/// Doses moved from a lot of one district to another district.
pub struct Transfer(pub transfer::Model);

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

/// Doses moved from a lot of one district to another district:
/// REQUESTED -> APPROVED -> DISPATCHED -> RECEIVED, or REJECTED / CANCELLED before dispatch.
#[Object]
impl Transfer {
    /// Transfer id; pass it to the workflow mutations.
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// Where it stands.
    async fn status(&self) -> TransferStatus {
        self.0.status.into()
    }
    /// Doses asked for (and dispatched).
    async fn doses(&self) -> i64 {
        self.0.doses
    }
    /// The source lot.
    #[graphql(name = "fromLot")]
    async fn source_lot(&self, ctx: &Context<'_>) -> Result<Option<VaccineLot>> {
        Ok(ctx
            .by_id::<entity::vaccine_lot::Entity>(self.0.from_lot_id)
            .await?
            .map(VaccineLot))
    }
    /// The destination's lot, once received; null before.
    async fn to_lot(&self, ctx: &Context<'_>) -> Result<Option<VaccineLot>> {
        let Some(id) = self.0.to_lot_id else {
            return Ok(None);
        };
        Ok(ctx
            .by_id::<entity::vaccine_lot::Entity>(id)
            .await?
            .map(VaccineLot))
    }
    /// District giving the doses.
    #[graphql(name = "fromDistrict")]
    async fn source_district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.from_district_id)
            .await?
            .map(District))
    }
    /// District receiving the doses.
    async fn to_district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.to_district_id)
            .await?
            .map(District))
    }
    /// The vaccine.
    async fn vaccine(&self, ctx: &Context<'_>) -> Option<Vaccine> {
        vaccine_of(ctx, self.0.vaccine_id)
    }
    /// Why it was requested; null when not given.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Doses that arrived; null before receipt.
    async fn doses_received(&self) -> Option<i64> {
        self.0.doses_received
    }
    /// Why fewer doses arrived; null when none were missing.
    async fn shortfall_reason(&self) -> Option<&str> {
        self.0.shortfall_reason.as_deref()
    }
    /// Why it was rejected or cancelled; null otherwise.
    async fn closing_reason(&self) -> Option<&str> {
        self.0.closing_reason.as_deref()
    }
    /// Who asked for it, as "agency-code/subject".
    async fn requested_by(&self) -> &str {
        &self.0.requested_by
    }
    /// When it was requested.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }
    /// The steps taken so far, oldest first.
    async fn timeline(&self) -> Vec<TransferStep> {
        reads::timeline(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// Version, increased by every step.
    async fn version(&self) -> i32 {
        self.0.version
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

/// A suggested move of doses from surplus to shortage.
pub struct RebalancingSuggestion(SuggestedTransfer);

/// A suggested move of doses from surplus to shortage, lots expiring first going first.
#[Object]
impl RebalancingSuggestion {
    /// Pass it to `requestSuggestedTransfer` to turn the suggestion into a transfer request.
    async fn id(&self) -> String {
        self.0.id()
    }
    /// District with doses to spare.
    #[graphql(name = "fromDistrict")]
    async fn source_district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.suggestion.from_district_id)
            .await?
            .map(District))
    }
    /// District short of doses.
    async fn to_district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.suggestion.to_district_id)
            .await?
            .map(District))
    }
    /// The lot to move from.
    async fn lot(&self) -> VaccineLot {
        VaccineLot(self.0.lot.clone())
    }
    /// Doses to move.
    async fn doses(&self) -> i64 {
        self.0.suggestion.doses
    }
    /// Why.
    async fn reasons(&self) -> Vec<SuggestionReason> {
        self.0
            .suggestion
            .reasons
            .iter()
            .map(|r| (*r).into())
            .collect()
    }
    /// What the source can give and the destination lacks, before this move.
    async fn source_surplus(&self) -> i64 {
        self.0.suggestion.source_surplus
    }
    /// What the destination lacks before this move.
    async fn destination_shortage(&self) -> i64 {
        self.0.suggestion.destination_shortage
    }
    /// The reasons in words.
    async fn explanation(&self) -> String {
        self.0.explanation()
    }
}

/// Filter for `transfers`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct TransferFilterInput {
    /// Only transfers in this status.
    pub status: Option<TransferStatus>,
    /// Only transfers from or to this district (GSO code).
    pub district_code: Option<String>,
    /// Only transfers of this vaccine.
    pub vaccine_code: Option<String>,
}

impl From<TransferFilterInput> for TransferFilter {
    fn from(f: TransferFilterInput) -> Self {
        TransferFilter {
            status: f.status.map(Into::into),
            district_code: f.district_code,
            vaccine_code: f.vaccine_code,
        }
    }
}

#[derive(Default)]
pub struct TransferQuery;

#[Object]
impl TransferQuery {
    /// Transfers the caller may see, by id.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn transfers(
        &self,
        ctx: &Context<'_>,
        filter: Option<TransferFilterInput>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<Transfer>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let transfers = reads::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(transfers, Transfer))
    }

    /// One transfer with its timeline. NOT_FOUND when it does not exist or is not visible to the caller.
    async fn transfer(&self, ctx: &Context<'_>, id: i32) -> Result<Transfer> {
        Ok(Transfer(reads::get(&ctx.services()?, id).await?))
    }

    /// Moves that would bring surplus doses of one vaccine to districts short of them within
    /// `horizonDays` (1 to 365), lots expiring first going first, never a lot that would expire before
    /// the destination could use it.
    async fn rebalancing_suggestions(
        &self,
        ctx: &Context<'_>,
        vaccine_code: String,
        #[graphql(default = 30)] horizon_days: i64,
        #[graphql(default_with = "NeedBasisInput::RemainingNeed")] basis: NeedBasisInput,
    ) -> Result<Vec<RebalancingSuggestion>> {
        let found =
            suggestions::suggestions(&ctx.services()?, &vaccine_code, horizon_days, basis.into())
                .await?;
        Ok(found.into_iter().map(RebalancingSuggestion).collect())
    }
}

/// A request for doses from a lot of another district.
#[derive(InputObject)]
pub struct RequestTransferInput {
    /// The source lot.
    pub lot_id: i32,
    /// District to receive the doses (GSO code): the requester's own, or any for the province.
    pub to_district_code: String,
    /// Doses, at least 1 and at most the lot's available doses.
    pub doses: i64,
    /// Why they are needed.
    pub reason: Option<String>,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

impl From<RequestTransferInput> for RequestTransfer {
    fn from(input: RequestTransferInput) -> Self {
        RequestTransfer {
            lot_id: input.lot_id,
            to_district_code: input.to_district_code,
            doses: input.doses,
            reason: input.reason,
            idempotency_key: input.idempotency_key,
        }
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

/// Result of a transfer mutation.
#[derive(SimpleObject)]
pub struct TransferPayload {
    /// The transfer after the step.
    pub transfer: Transfer,
}

impl From<transfer::Model> for TransferPayload {
    fn from(t: transfer::Model) -> Self {
        TransferPayload {
            transfer: Transfer(t),
        }
    }
}

#[derive(Default)]
pub struct TransferMutation;

#[Object]
impl TransferMutation {
    /// Asks for doses from another district's lot (the destination's HEALTH agency, or the province's).
    async fn request_transfer(
        &self,
        ctx: &Context<'_>,
        input: RequestTransferInput,
    ) -> Result<TransferPayload> {
        Ok(request::request(&ctx.services()?, input.into())
            .await?
            .into())
    }

    /// Turns a rebalancing suggestion into a transfer request.
    async fn request_suggested_transfer(
        &self,
        ctx: &Context<'_>,
        input: RequestSuggestedTransferInput,
    ) -> Result<TransferPayload> {
        let (id, key) = (&input.suggestion_id, input.idempotency_key.clone());
        Ok(suggestions::request_suggested(&ctx.services()?, id, key)
            .await?
            .into())
    }

    /// Approves a requested transfer and reserves its doses (province HEALTH, role APPROVER).
    async fn approve_transfer(
        &self,
        ctx: &Context<'_>,
        input: TransferIdInput,
    ) -> Result<TransferPayload> {
        Ok(workflow::approve(&ctx.services()?, input.id).await?.into())
    }

    /// Refuses a requested transfer (province HEALTH, role APPROVER).
    async fn reject_transfer(
        &self,
        ctx: &Context<'_>,
        input: CloseTransferInput,
    ) -> Result<TransferPayload> {
        Ok(workflow::reject(&ctx.services()?, input.id, input.reason)
            .await?
            .into())
    }

    /// Sends an approved transfer: its doses leave the source lot (the source district).
    async fn dispatch_transfer(
        &self,
        ctx: &Context<'_>,
        input: TransferIdInput,
    ) -> Result<TransferPayload> {
        Ok(workflow::dispatch(&ctx.services()?, input.id).await?.into())
    }

    /// Records the arrival of a dispatched transfer (the destination district).
    async fn receive_transfer(
        &self,
        ctx: &Context<'_>,
        input: ReceiveTransferInput,
    ) -> Result<TransferPayload> {
        let (id, received, why) = (input.id, input.doses_received, input.shortfall_reason);
        Ok(workflow::receive(&ctx.services()?, id, received, why)
            .await?
            .into())
    }

    /// Calls off a transfer before dispatch, releasing any reservation.
    async fn cancel_transfer(
        &self,
        ctx: &Context<'_>,
        input: CloseTransferInput,
    ) -> Result<TransferPayload> {
        Ok(workflow::cancel(&ctx.services()?, input.id, input.reason)
            .await?
            .into())
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
