//! GraphQL face of vaccines, lots and the stock ledger.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{stock_event, vaccine, vaccine_lot};

use super::ledger::{self, AdjustStock, Consume, Recorded};
use super::lots::{self, ReceiveLot};
use super::reads::{self, EventFilter, LotFilter, StockLine};
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::StockEventKind;
use crate::graphql::resolvers::{each, input_object, root_object, row_object};
use crate::graphql::scalars::Date;
use crate::state::AppState;

row_object! {
    #[Object]
    /// A vaccine product and its schedule.
    pub struct Vaccine(Arc<vaccine::Model>) as v {
        /// Stable code, e.g. `ASTRAZENECA`, `ABDALA`.
        code: &str = &v.code;
        /// Name, e.g. "AstraZeneca (Vaxzevria)".
        name: &str = &v.name;
        /// Maker.
        manufacturer: &str = &v.manufacturer;
        /// Doses in the primary schedule (Abdala 3, the others 2).
        doses_in_schedule: i32 = v.doses_in_schedule;
        /// Shortest interval between doses, in days; null when not recorded.
        min_interval_days: Option<i32> = v.min_interval_days;
        /// Doses in one vial; null where vial sizes vary.
        doses_per_vial: Option<i32> = v.doses_per_vial;
        /// Storage conditions; null when not recorded.
        storage: Option<&str> = v.storage.as_deref();
    }
}

/// A vaccine by id, from the catalog read at start-up.
pub fn vaccine_of(app: &AppState, id: i32) -> Option<Vaccine> {
    app.vaccines.get(id).cloned().map(Vaccine)
}

row_object! {
    #[Object]
    /// A lot of one vaccine held by one district. `dosesOnHand` always equals the sum of its stock events.
    pub struct VaccineLot(vaccine_lot::Model) as lot {
        /// Lot id; pass it to stock mutations and `requestTransfer`.
        id: i32 = lot.id;
        /// Manufacturer's lot number (unique within a district).
        lot_number: &str = &lot.lot_number;
        /// Last day the doses may be used.
        expires_on: Date = Date(lot.expires_on);
        /// Doses physically held.
        doses_on_hand: i64 = lot.doses_on_hand;
        /// Doses held for approved transfers.
        doses_reserved: i64 = lot.doses_reserved;
        /// Doses that can be given or moved: on hand less reserved.
        doses_available: i64 = ledger::available(lot);
        /// Allocation decision or delivery note; null when none was given.
        allocation_ref: Option<&str> = lot.allocation_ref.as_deref();
        /// Version for optimistic concurrency (`adjustStock.expectedVersion`).
        version: i32 = lot.version;
    }
    nodes {
        /// The district holding it.
        district: District = lot.district_id;
    }
    sync |app| {
        /// The vaccine.
        vaccine: Option<Vaccine> = vaccine_of(app, lot.vaccine_id);
    }

    impl {
        /// Days from today (province time) to expiry; negative once expired.
        async fn days_to_expiry(&self, ctx: &Context<'_>) -> Result<i64> {
            Ok(ledger::days_to_expiry(&ctx.services()?, &self.0))
        }
    }
}

row_object! {
    #[Object]
    /// One movement in the stock ledger (append-only).
    pub struct StockEvent(stock_event::Model) as event {
        /// Position in the ledger.
        id: i64 = event.id;
        /// Kind of movement.
        kind: StockEventKind = event.kind.into();
        /// Doses moved: positive in, negative out.
        doses: i64 = event.doses;
        /// Dose number in the schedule, for administrations; null otherwise.
        dose_number: Option<i32> = event.dose_number;
        /// Why (wastage, adjustment) or the allocation reference (receipt); null when none.
        reason: Option<&str> = event.reason.as_deref();
        /// Transfer that caused it; null otherwise.
        transfer_id: Option<i32> = event.transfer_id;
        /// Agency of the actor.
        agency_code: &str = &event.agency_code;
        /// Person or script of the actor.
        subject: &str = &event.subject;
        /// When it happened.
        at: DateTime<Utc> = event.at;
    }
    nodes {
        /// The lot it moved.
        lot: VaccineLot = event.lot_id;
    }

}

row_object! {
    #[Object]
    /// Stock of one vaccine in one district (usable lots: not expired).
    pub struct StockSummaryLine(StockLine) as line {
        /// Number of lots.
        lots: i64 = line.lots;
        /// Doses physically held.
        doses_on_hand: i64 = line.doses_on_hand;
        /// Doses held for approved transfers.
        doses_reserved: i64 = line.doses_reserved;
        /// On hand less reserved.
        doses_available: i64 = line.doses_available();
        /// Doses in lots that expire within 30 days.
        doses_expiring_within_30_days: i64 = line.doses_expiring_30_days;
    }
    nodes {
        /// The district.
        district: District = line.district_id;
    }

    impl {
        /// The vaccine.
        async fn vaccine(&self, ctx: &Context<'_>) -> Option<Vaccine> {
            vaccine_of(ctx.app(), self.0.vaccine_id)
        }
    }
}

input_object! {
    /// Filter for `vaccineLots`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct VaccineLotFilter => LotFilter {
        /// Only lots of this district (GSO code).
        district_code: Option<String>,
        /// Only lots of this vaccine.
        vaccine_code: Option<String>,
        /// Only lots expiring within this many days (0 to 3650).
        expiring_within_days: Option<i64>,
        /// Include lots with no doses left (default false).
        #[graphql(default)]
        include_empty: bool,
        /// Include expired lots (default false).
        #[graphql(default)]
        include_expired: bool,
    }
}

input_object! {
    /// Filter for `stockEvents`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct StockEventFilter => EventFilter {
        /// Only movements of this lot.
        lot_id: Option<i32>,
        /// Only movements of lots of this district.
        district_code: Option<String>,
        /// Only movements of this kind.
        kind: Option<StockEventKind> => each,
        /// From this instant (inclusive).
        from: Option<DateTime<Utc>>,
        /// Up to this instant (exclusive).
        to: Option<DateTime<Utc>>,
    }
}

root_object! {
    impl StockQuery {
        lists {
            /// Lots in the caller's scope, by id (usable lots with doses unless the filter says otherwise).
            vaccine_lots(VaccineLotFilter) -> VaccineLot = reads::list_lots;
            /// The stock ledger of lots in the caller's scope, oldest first.
            stock_events(StockEventFilter) -> StockEvent = reads::list_events;
        }
    }

        /// Vaccine products, with their schedules.
        async fn vaccines(&self, ctx: &Context<'_>) -> Result<Vec<Vaccine>> {
            ctx.actor()?;
            Ok(ctx.app().vaccines.all().map(Vaccine).collect())
        }

        /// Stock per district and vaccine in the caller's scope (optionally one province's).
        async fn stock_summary(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The province's code; the caller's own province when omitted.")] province_code: Option<String>,
        ) -> Result<Vec<StockSummaryLine>> {
            let lines = reads::stock_summary(&ctx.services()?, province_code.as_deref()).await?;
            Ok(lines.into_iter().map(StockSummaryLine).collect())
        }

        /// Lots with doses left that expire within `withinDays` days (default 30), soonest first (at most 1,000).
        async fn expiring_lots(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Lots expiring within this many days from today (province time).", default = 30)] within_days: i64,
        ) -> Result<Vec<VaccineLot>> {
            let lots = reads::expiring_lots(&ctx.services()?, within_days).await?;
            Ok(lots.into_iter().map(VaccineLot).collect())
        }
}

input_object! {
    /// An allocation received into a district.
    #[derive(InputObject)]
    pub struct ReceiveLotInput => ReceiveLot {
        /// District receiving (GSO code).
        district_code: String,
        /// Vaccine code, e.g. `PFIZER`.
        vaccine_code: String,
        /// Manufacturer's lot number.
        lot_number: String => |number: String| number.trim().to_owned(),
        /// Last day of use; not in the past.
        expires_on: Date => Into::into,
        /// Doses received, 1 to 10,000,000.
        doses: i64,
        /// Allocation decision or delivery note.
        allocation_ref: Option<String>,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
}

input_object! {
    /// Doses given from a lot.
    #[derive(InputObject)]
    pub struct RecordAdministrationInput => Consume {
        /// The lot.
        lot_id: i32,
        /// Doses given, at least 1.
        doses: i64,
        /// Which dose of the schedule (1 to dosesInSchedule, or one more for a booster).
        dose_number: i32 => Some,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
    also { reason: None }
}

input_object! {
    /// Doses lost from a lot.
    #[derive(InputObject)]
    pub struct RecordWastageInput => Consume {
        /// The lot.
        lot_id: i32,
        /// Doses lost, at least 1.
        doses: i64,
        /// Why (required).
        reason: String => Some,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
    also { dose_number: None }
}

input_object! {
    /// A physical count of a lot.
    #[derive(InputObject)]
    pub struct AdjustStockInput => AdjustStock {
        /// The lot.
        lot_id: i32,
        /// Doses counted; not below the doses reserved.
        counted_doses: i64,
        /// Why the count differs (required).
        reason: String,
        /// The lot `version` the count is based on; CONFLICT when the lot has changed since.
        expected_version: Option<i32>,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
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

root_object! {
    impl StockMutation {
        calls {
            /// Records an allocation received: a new lot, or more doses of a lot the district holds (same vaccine
            /// and expiry). HEALTH agencies; district ones for their own district.
            receive_lot(#[graphql(desc = "The delivery received: district, vaccine, lot number, doses and expiry.")] input: ReceiveLotInput) -> StockPayload = |s| lots::receive_lot(&s, input.into());
            /// Records doses given. INSUFFICIENT_STOCK beyond the doses available; INVALID_STATE for an expired lot.
            record_administration(#[graphql(desc = "The lot and the doses given.")] input: RecordAdministrationInput) -> StockPayload
                = |s| ledger::record_administration(&s, input.into());
            /// Records doses wasted, with a reason. INSUFFICIENT_STOCK beyond the doses available.
            record_wastage(#[graphql(desc = "The lot, the doses wasted and why.")] input: RecordWastageInput) -> StockPayload
                = |s| ledger::record_wastage(&s, input.into());
            /// Sets a lot to a physical count; the difference is recorded as ADJUSTED.
            adjust_stock(#[graphql(desc = "The lot, its physical count and the version it is based on.")] input: AdjustStockInput) -> StockPayload = |s| ledger::adjust_stock(&s, input.into());
        }
    }
}
