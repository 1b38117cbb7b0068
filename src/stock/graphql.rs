//! GraphQL face of vaccines, lots and the stock ledger.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{stock_event, vaccine, vaccine_lot};

use super::ledger::{self, AdjustStock, Consume, Recorded};
use super::lots::{self, ReceiveLot};
use super::reads::{self, EventFilter, LotFilter, StockLine};
use crate::districts::graphql::District;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::StockEventKind;
use crate::graphql::scalars::Date;

/// A vaccine product and its schedule, shared from the catalog read at start-up.
#[derive(Clone)]
pub struct Vaccine(pub Arc<vaccine::Model>);

/// A vaccine product and its schedule.
#[Object]
impl Vaccine {
    /// Stable code, e.g. `ASTRAZENECA`, `ABDALA`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name, e.g. "AstraZeneca (Vaxzevria)".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Maker.
    async fn manufacturer(&self) -> &str {
        &self.0.manufacturer
    }
    /// Doses in the primary schedule (Abdala 3, the others 2).
    async fn doses_in_schedule(&self) -> i32 {
        self.0.doses_in_schedule
    }
    /// Shortest interval between doses, in days; null when not recorded.
    async fn min_interval_days(&self) -> Option<i32> {
        self.0.min_interval_days
    }
    /// Doses in one vial; null where vial sizes vary.
    async fn doses_per_vial(&self) -> Option<i32> {
        self.0.doses_per_vial
    }
    /// Storage conditions; null when not recorded.
    async fn storage(&self) -> Option<&str> {
        self.0.storage.as_deref()
    }
}

/// A vaccine by id, from the catalog read at start-up.
pub fn vaccine_of(ctx: &Context<'_>, id: i32) -> Option<Vaccine> {
    ctx.app().vaccines.get(id).cloned().map(Vaccine)
}

/// A lot of one vaccine held by one district.
pub struct VaccineLot(pub vaccine_lot::Model);

/// A lot of one vaccine held by one district. `dosesOnHand` always equals the sum of its stock events.
#[Object]
impl VaccineLot {
    /// Lot id; pass it to stock mutations and `requestTransfer`.
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// Manufacturer's lot number (unique within a district).
    async fn lot_number(&self) -> &str {
        &self.0.lot_number
    }
    /// The vaccine.
    async fn vaccine(&self, ctx: &Context<'_>) -> Option<Vaccine> {
        vaccine_of(ctx, self.0.vaccine_id)
    }
    /// The district holding it.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.district_id)
            .await?
            .map(District))
    }
    /// Last day the doses may be used.
    async fn expires_on(&self) -> Date {
        Date(self.0.expires_on)
    }
    /// Days from today (province time) to expiry; negative once expired.
    async fn days_to_expiry(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(ledger::days_to_expiry(&ctx.services()?, &self.0))
    }
    /// Doses physically held.
    async fn doses_on_hand(&self) -> i64 {
        self.0.doses_on_hand
    }
    /// Doses held for approved transfers.
    async fn doses_reserved(&self) -> i64 {
        self.0.doses_reserved
    }
    /// Doses that can be given or moved: on hand less reserved.
    async fn doses_available(&self) -> i64 {
        ledger::available(&self.0)
    }
    /// Allocation decision or delivery note; null when none was given.
    async fn allocation_ref(&self) -> Option<&str> {
        self.0.allocation_ref.as_deref()
    }
    /// Version for optimistic concurrency (`adjustStock.expectedVersion`).
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One movement in the stock ledger (append-only).
pub struct StockEvent(pub stock_event::Model);

/// One movement in the stock ledger (append-only).
#[Object]
impl StockEvent {
    /// Position in the ledger.
    async fn id(&self) -> i64 {
        self.0.id
    }
    /// The lot it moved.
    async fn lot(&self, ctx: &Context<'_>) -> Result<Option<VaccineLot>> {
        Ok(ctx
            .by_id::<entity::vaccine_lot::Entity>(self.0.lot_id)
            .await?
            .map(VaccineLot))
    }
    /// Kind of movement.
    async fn kind(&self) -> StockEventKind {
        self.0.kind.into()
    }
    /// Doses moved: positive in, negative out.
    async fn doses(&self) -> i64 {
        self.0.doses
    }
    /// Dose number in the schedule, for administrations; null otherwise.
    async fn dose_number(&self) -> Option<i32> {
        self.0.dose_number
    }
    /// Why (wastage, adjustment) or the allocation reference (receipt); null when none.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Transfer that caused it; null otherwise.
    async fn transfer_id(&self) -> Option<i32> {
        self.0.transfer_id
    }
    /// Agency of the actor.
    async fn agency_code(&self) -> &str {
        &self.0.agency_code
    }
    /// Person or script of the actor.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// Stock of one vaccine in one district (usable lots: not expired).
pub struct StockSummaryLine(StockLine);

/// Stock of one vaccine in one district (usable lots: not expired).
#[Object]
impl StockSummaryLine {
    /// The district.
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        Ok(ctx
            .by_id::<entity::district::Entity>(self.0.district_id)
            .await?
            .map(District))
    }
    /// The vaccine.
    async fn vaccine(&self, ctx: &Context<'_>) -> Option<Vaccine> {
        vaccine_of(ctx, self.0.vaccine_id)
    }
    /// Number of lots.
    async fn lots(&self) -> i64 {
        self.0.lots
    }
    /// Doses physically held.
    async fn doses_on_hand(&self) -> i64 {
        self.0.doses_on_hand
    }
    /// Doses held for approved transfers.
    async fn doses_reserved(&self) -> i64 {
        self.0.doses_reserved
    }
    /// On hand less reserved.
    async fn doses_available(&self) -> i64 {
        self.0.doses_available()
    }
    /// Doses in lots that expire within 30 days.
    async fn doses_expiring_within_30_days(&self) -> i64 {
        self.0.doses_expiring_30_days
    }
}

/// Filter for `vaccineLots`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct VaccineLotFilter {
    /// Only lots of this district (GSO code).
    pub district_code: Option<String>,
    /// Only lots of this vaccine.
    pub vaccine_code: Option<String>,
    /// Only lots expiring within this many days (0 to 3650).
    pub expiring_within_days: Option<i64>,
    /// Include lots with no doses left (default false).
    #[graphql(default)]
    pub include_empty: bool,
    /// Include expired lots (default false).
    #[graphql(default)]
    pub include_expired: bool,
}

impl From<VaccineLotFilter> for LotFilter {
    fn from(f: VaccineLotFilter) -> Self {
        LotFilter {
            district_code: f.district_code,
            vaccine_code: f.vaccine_code,
            expiring_within_days: f.expiring_within_days,
            include_empty: f.include_empty,
            include_expired: f.include_expired,
        }
    }
}

/// Filter for `stockEvents`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct StockEventFilter {
    /// Only movements of this lot.
    pub lot_id: Option<i32>,
    /// Only movements of lots of this district.
    pub district_code: Option<String>,
    /// Only movements of this kind.
    pub kind: Option<StockEventKind>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Up to this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
}

impl From<StockEventFilter> for EventFilter {
    fn from(f: StockEventFilter) -> Self {
        EventFilter {
            lot_id: f.lot_id,
            district_code: f.district_code,
            kind: f.kind.map(Into::into),
            from: f.from,
            to: f.to,
        }
    }
}

#[derive(Default)]
pub struct StockQuery;

#[Object]
impl StockQuery {
    /// Vaccine products, with their schedules.
    async fn vaccines(&self, ctx: &Context<'_>) -> Result<Vec<Vaccine>> {
        ctx.actor()?;
        Ok(ctx.app().vaccines.all().map(Vaccine).collect())
    }

    /// Lots in the caller's scope, by id (usable lots with doses unless the filter says otherwise).
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn vaccine_lots(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which lots; all the caller may see when omitted.")] filter: Option<
            VaccineLotFilter,
        >,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<VaccineLot>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let lots = reads::list_lots(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(lots, VaccineLot))
    }

    /// The stock ledger of lots in the caller's scope, oldest first.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn stock_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ledger entries; all the caller may see when omitted.")]
        filter: Option<StockEventFilter>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<StockEvent>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let events = reads::list_events(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(events, StockEvent))
    }

    /// Stock per district and vaccine in the caller's scope (optionally one province's).
    async fn stock_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The province's code; the caller's own province when omitted.")]
        province_code: Option<String>,
    ) -> Result<Vec<StockSummaryLine>> {
        let lines = reads::stock_summary(&ctx.services()?, province_code.as_deref()).await?;
        Ok(lines.into_iter().map(StockSummaryLine).collect())
    }

    /// Lots with doses left that expire within `withinDays` days (default 30), soonest first (at most 1,000).
    async fn expiring_lots(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Lots expiring within this many days from today (province time).",
            default = 30
        )]
        within_days: i64,
    ) -> Result<Vec<VaccineLot>> {
        let lots = reads::expiring_lots(&ctx.services()?, within_days).await?;
        Ok(lots.into_iter().map(VaccineLot).collect())
    }
}

/// An allocation received into a district.
#[derive(InputObject)]
pub struct ReceiveLotInput {
    /// District receiving (GSO code).
    pub district_code: String,
    /// Vaccine code, e.g. `PFIZER`.
    pub vaccine_code: String,
    /// Manufacturer's lot number.
    pub lot_number: String,
    /// Last day of use; not in the past.
    pub expires_on: Date,
    /// Doses received, 1 to 10,000,000.
    pub doses: i64,
    /// Allocation decision or delivery note.
    pub allocation_ref: Option<String>,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

impl From<ReceiveLotInput> for ReceiveLot {
    fn from(input: ReceiveLotInput) -> Self {
        ReceiveLot {
            district_code: input.district_code,
            vaccine_code: input.vaccine_code,
            lot_number: input.lot_number.trim().to_owned(),
            expires_on: input.expires_on.0,
            doses: input.doses,
            allocation_ref: input.allocation_ref,
            idempotency_key: input.idempotency_key,
        }
    }
}

/// Doses given from a lot.
#[derive(InputObject)]
pub struct RecordAdministrationInput {
    /// The lot.
    pub lot_id: i32,
    /// Doses given, at least 1.
    pub doses: i64,
    /// Which dose of the schedule (1 to dosesInSchedule, or one more for a booster).
    pub dose_number: i32,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

impl From<RecordAdministrationInput> for Consume {
    fn from(input: RecordAdministrationInput) -> Self {
        Consume {
            lot_id: input.lot_id,
            doses: input.doses,
            dose_number: Some(input.dose_number),
            reason: None,
            idempotency_key: input.idempotency_key,
        }
    }
}

/// Doses lost from a lot.
#[derive(InputObject)]
pub struct RecordWastageInput {
    /// The lot.
    pub lot_id: i32,
    /// Doses lost, at least 1.
    pub doses: i64,
    /// Why (required).
    pub reason: String,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

impl From<RecordWastageInput> for Consume {
    fn from(input: RecordWastageInput) -> Self {
        Consume {
            lot_id: input.lot_id,
            doses: input.doses,
            dose_number: None,
            reason: Some(input.reason),
            idempotency_key: input.idempotency_key,
        }
    }
}

/// A physical count of a lot.
#[derive(InputObject)]
pub struct AdjustStockInput {
    /// The lot.
    pub lot_id: i32,
    /// Doses counted; not below the doses reserved.
    pub counted_doses: i64,
    /// Why the count differs (required).
    pub reason: String,
    /// The lot `version` the count is based on; CONFLICT when the lot has changed since.
    pub expected_version: Option<i32>,
    /// Makes retries safe: the same key returns the first result.
    pub idempotency_key: Option<String>,
}

impl From<AdjustStockInput> for AdjustStock {
    fn from(input: AdjustStockInput) -> Self {
        AdjustStock {
            lot_id: input.lot_id,
            counted_doses: input.counted_doses,
            reason: input.reason,
            expected_version: input.expected_version,
            idempotency_key: input.idempotency_key,
        }
    }
}

/// Result of a stock mutation.
#[derive(SimpleObject)]
pub struct StockPayload {
    /// The lot after the change.
    pub lot: VaccineLot,
    /// The ledger row written.
    pub event: StockEvent,
}

impl From<Recorded> for StockPayload {
    fn from((lot, event): Recorded) -> Self {
        StockPayload {
            lot: VaccineLot(lot),
            event: StockEvent(event),
        }
    }
}

#[derive(Default)]
pub struct StockMutation;

#[Object]
impl StockMutation {
    /// Records an allocation received: a new lot, or more doses of a lot the district holds (same vaccine
    /// and expiry). HEALTH agencies; district ones for their own district.
    async fn receive_lot(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The delivery received: district, vaccine, lot number, doses and expiry."
        )]
        input: ReceiveLotInput,
    ) -> Result<StockPayload> {
        let recorded = lots::receive_lot(&ctx.services()?, input.into()).await?;
        Ok(recorded.into())
    }

    /// Records doses given. INSUFFICIENT_STOCK beyond the doses available; INVALID_STATE for an expired lot.
    async fn record_administration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lot and the doses given.")] input: RecordAdministrationInput,
    ) -> Result<StockPayload> {
        let recorded = ledger::record_administration(&ctx.services()?, input.into()).await?;
        Ok(recorded.into())
    }

    /// Records doses wasted, with a reason. INSUFFICIENT_STOCK beyond the doses available.
    async fn record_wastage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lot, the doses wasted and why.")] input: RecordWastageInput,
    ) -> Result<StockPayload> {
        let recorded = ledger::record_wastage(&ctx.services()?, input.into()).await?;
        Ok(recorded.into())
    }

    /// Sets a lot to a physical count; the difference is recorded as ADJUSTED.
    async fn adjust_stock(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lot, its physical count and the version it is based on.")]
        input: AdjustStockInput,
    ) -> Result<StockPayload> {
        let recorded = ledger::adjust_stock(&ctx.services()?, input.into()).await?;
        Ok(recorded.into())
    }
}
