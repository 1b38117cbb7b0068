//! The stock ledger: every change to a lot's balance is one conditional update plus one ledger row, in
//! the caller's write, so the balance always equals the sum of the ledger and never goes below what is
//! reserved, whatever the concurrency. Doses given, doses wasted and physical counts are written here.

use chrono::NaiveDate;
use entity::{StockEventKind, stock_event, vaccine, vaccine_lot};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, Set,
};
use serde::Serialize;

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed, TxnFuture};
use crate::kit::{self, Ctx, Text, Write, check_version, text};
use crate::policy::{self, Action, Resource, Scope};

/// Most doses one operation may move; larger figures are typing errors.
pub const MAX_DOSES: i64 = 10_000_000;

/// A lot and the ledger row a stock mutation wrote to it.
pub type Recorded = (vaccine_lot::Model, stock_event::Model);

/// Doses that can still be used or moved: on hand minus reserved.
pub fn available(lot: &vaccine_lot::Model) -> i64 {
    lot.doses_on_hand - lot.doses_reserved
}

pub fn is_expired(lot: &vaccine_lot::Model, today: NaiveDate) -> bool {
    lot.expires_on < today
}

/// Days from today (province time) to the lot's expiry; negative once expired.
pub fn days_to_expiry(ctx: &Ctx<'_>, lot: &vaccine_lot::Model) -> i64 {
    (lot.expires_on - ctx.today()).num_days()
}

pub fn validate_doses(field: &str, doses: i64) -> AppResult<()> {
    if doses <= 0 || doses > MAX_DOSES {
        return Err(AppError::bad_input(
            field,
            format!("must be between 1 and {MAX_DOSES}"),
        ));
    }
    Ok(())
}

/// Loads a lot and checks it lies in the caller's scope (FORBIDDEN outside it).
pub async fn lot_in_scope<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    lot_id: i32,
) -> AppResult<vaccine_lot::Model> {
    let lot = lot_by_id(db, lot_id).await?;
    let district = lookup::by_id(db, lot.district_id).await?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "lot {lot_id} belongs to district {}, outside your scope",
            district.code
        )));
    }
    Ok(lot)
}

/// The lot with this id; NOT_FOUND when there is none.
pub async fn lot_by_id(db: &impl ConnectionTrait, lot_id: i32) -> AppResult<vaccine_lot::Model> {
    kit::by_id::<vaccine_lot::Entity>(db, lot_id).await
}

/// One change to a lot's balance: `on_hand` and `reserved` move by the deltas, only if afterwards
/// `0 <= reserved <= on_hand`; a movement of a `kind` is also written to the ledger.
#[derive(Debug, Clone)]
pub struct Movement {
    pub kind: Option<StockEventKind>,
    pub on_hand: i64,
    pub reserved: i64,
    pub dose_number: Option<i32>,
    pub reason: Option<String>,
    pub transfer_id: Option<i32>,
}

impl Movement {
    /// `doses` (signed) in or out of the lot, written to the ledger as `kind`.
    pub fn ledger(kind: StockEventKind, doses: i64) -> Movement {
        Movement {
            kind: Some(kind),
            on_hand: doses,
            reserved: 0,
            dose_number: None,
            reason: None,
            transfer_id: None,
        }
    }

    /// `doses` held back (positive) or freed (negative) for a transfer; the ledger is not touched.
    pub fn reservation(doses: i64) -> Movement {
        Movement {
            kind: None,
            on_hand: 0,
            reserved: doses,
            dose_number: None,
            reason: None,
            transfer_id: None,
        }
    }

    /// Reserved doses leaving the lot for a transfer.
    pub fn dispatch(doses: i64) -> Movement {
        Movement {
            reserved: -doses,
            ..Movement::ledger(StockEventKind::TransferOut, -doses)
        }
    }

    pub fn because(self, reason: Option<String>) -> Movement {
        Movement { reason, ..self }
    }

    pub fn of_transfer(self, transfer_id: i32) -> Movement {
        Movement {
            transfer_id: Some(transfer_id),
            ..self
        }
    }
}

/// Applies a movement with one conditional UPDATE; INSUFFICIENT_STOCK (with the doses available) when
/// the lot cannot afford it at the moment of the update.
pub async fn apply(
    w: &Write<'_>,
    lot_id: i32,
    movement: Movement,
) -> AppResult<(vaccine_lot::Model, Option<stock_event::Model>)> {
    use vaccine_lot::Column as L;
    // The ledger row first, the balance last: on PostgreSQL the lot row stays locked from its update
    // to commit, so the update is the last statement before it. A refused update rolls both back.
    let event = match movement.kind {
        Some(kind) => Some(ledger_row(w, lot_id, kind, &movement).await?),
        None => None,
    };
    let updated = vaccine_lot::Entity::update_many()
        .col_expr(
            L::DosesOnHand,
            Expr::col(L::DosesOnHand).add(movement.on_hand),
        )
        .col_expr(
            L::DosesReserved,
            Expr::col(L::DosesReserved).add(movement.reserved),
        )
        .col_expr(L::Version, Expr::col(L::Version).add(1))
        .col_expr(L::UpdatedAt, Expr::value(w.now()))
        .filter(L::Id.eq(lot_id))
        .filter(
            Expr::col(L::DosesOnHand)
                .add(movement.on_hand)
                .gte(Expr::col(L::DosesReserved).add(movement.reserved)),
        )
        .filter(Expr::col(L::DosesReserved).add(movement.reserved).gte(0))
        .exec_with_returning(&**w)
        .await?;
    match updated.into_iter().next() {
        Some(lot) => Ok((lot, event)),
        None => {
            let lot = lot_by_id(&**w, lot_id).await?;
            let wanted = -(movement.on_hand - movement.reserved);
            Err(AppError::InsufficientStock(format!(
                "lot {} has {} doses available ({} on hand, {} reserved); {wanted} requested",
                lot.lot_number,
                available(&lot),
                lot.doses_on_hand,
                lot.doses_reserved
            )))
        }
    }
}

/// The ledger row of a movement, by the writer's caller, at the write's instant.
async fn ledger_row(
    w: &Write<'_>,
    lot_id: i32,
    kind: StockEventKind,
    movement: &Movement,
) -> AppResult<stock_event::Model> {
    let actor = w.ctx().actor;
    Ok(stock_event::ActiveModel {
        id: NotSet,
        lot_id: Set(lot_id),
        kind: Set(kind),
        doses: Set(movement.on_hand),
        dose_number: Set(movement.dose_number),
        reason: Set(movement.reason.as_deref().map(|r| r.trim().to_owned())),
        transfer_id: Set(movement.transfer_id),
        agency_code: Set(actor.agency_code.clone()),
        subject: Set(actor.subject.clone()),
        at: Set(w.now()),
    }
    .insert(&**w)
    .await?)
}

/// The common end of every stock mutation: apply the movement, audit the lot before and after, and
/// return the lot with its ledger row and the row's id (which an idempotency key remembers).
pub(super) async fn record(
    w: &Write<'_>,
    action: &str,
    before: Option<&vaccine_lot::Model>,
    lot_id: i32,
    movement: Movement,
) -> AppResult<(Recorded, i64)> {
    let (after, event) = apply(w, lot_id, movement).await?;
    let event = event.ok_or_else(|| AppError::Internal(format!("{action} wrote no ledger row")))?;
    w.audit(action, "vaccine_lot", lot_id, before, Some(&after))
        .await?;
    let id = event.id;
    Ok(((after, event), id))
}

/// The lot and ledger row an earlier run of an idempotent stock request produced.
pub(super) fn existing_event(txn: &DatabaseTransaction, event_id: i64) -> TxnFuture<'_, Recorded> {
    Box::pin(async move {
        let event = kit::by_id::<stock_event::Entity>(txn, event_id).await?;
        let lot = lot_by_id(txn, event.lot_id).await?;
        Ok((lot, event))
    })
}

/// Doses leaving a lot for good: given to people, or wasted.
#[derive(Debug, Clone, Serialize)]
pub struct Consume {
    pub lot_id: i32,
    pub doses: i64,
    pub dose_number: Option<i32>,
    pub reason: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// Records doses administered from a lot, by dose number in the vaccine's schedule (one more for a
/// booster). An expired lot cannot be administered.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id))]
pub async fn record_administration(ctx: &Ctx<'_>, input: Consume) -> AppResult<Recorded> {
    consume(ctx, input, StockEventKind::Administered).await
}

/// Records doses wasted (broken vials, cold-chain failure, expiry), with a reason.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id))]
pub async fn record_wastage(ctx: &Ctx<'_>, input: Consume) -> AppResult<Recorded> {
    consume(ctx, input, StockEventKind::Wasted).await
}

async fn consume(ctx: &Ctx<'_>, mut input: Consume, kind: StockEventKind) -> AppResult<Recorded> {
    let scope = policy::require(ctx.actor, Resource::Stock, Action::Write)?;
    let wasted = kind == StockEventKind::Wasted;
    validate_doses("doses", input.doses)?;
    let (operation, action) = if wasted {
        ("recordWastage", "stock.waste")
    } else {
        ("recordAdministration", "stock.administer")
    };
    let hash = idempotency::request_hash(&(operation, &input));
    let rule = if wasted {
        Text::required(500)
    } else {
        Text::optional(500)
    };
    input.reason = text("reason", input.reason.as_deref(), rule)?;
    let request = Keyed::new(operation, input.idempotency_key.as_deref(), &hash);
    let (result, _) = idempotency::once(ctx, request, existing_event, |w| {
        let input = input.clone();
        Box::pin(async move {
            let lot = lot_in_scope(&**w, &scope, input.lot_id).await?;
            if !wasted {
                check_administrable(w, &lot, input.dose_number).await?;
            }
            let movement = Movement {
                dose_number: input.dose_number,
                ..Movement::ledger(kind, -input.doses).because(input.reason)
            };
            record(w, action, Some(&lot), lot.id, movement).await
        })
    })
    .await?;
    Ok(result)
}

/// An administration needs a lot not yet expired and a dose number within the vaccine's schedule (one
/// more for a booster).
async fn check_administrable(
    w: &Write<'_>,
    lot: &vaccine_lot::Model,
    dose_number: Option<i32>,
) -> AppResult<()> {
    if is_expired(lot, w.ctx().today()) {
        return Err(AppError::InvalidState(format!(
            "lot {} expired on {}; it cannot be administered",
            lot.lot_number, lot.expires_on
        )));
    }
    let vaccine = kit::by_id::<vaccine::Entity>(&**w, lot.vaccine_id).await?;
    let max = vaccine.doses_in_schedule + 1;
    match dose_number {
        Some(n) if (1..=max).contains(&n) => Ok(()),
        _ => Err(AppError::bad_input(
            "doseNumber",
            format!(
                "1 to {max} for {} ({} in the schedule, then a booster)",
                vaccine.code, vaccine.doses_in_schedule
            ),
        )),
    }
}

/// A physical count of a lot.
#[derive(Debug, Clone, Serialize)]
pub struct AdjustStock {
    pub lot_id: i32,
    pub counted_doses: i64,
    pub reason: String,
    pub expected_version: Option<i32>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// Sets a lot's balance to a physical count, recording the difference as ADJUSTED with a reason. The count
/// may not fall below the doses reserved for approved transfers. The count applies only to the lot as it
/// was read: a lot changed since (another movement, another count) answers CONFLICT, count again.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id))]
pub async fn adjust_stock(ctx: &Ctx<'_>, input: AdjustStock) -> AppResult<Recorded> {
    let scope = policy::require(ctx.actor, Resource::Stock, Action::Write)?;
    if input.counted_doses < 0 || input.counted_doses > MAX_DOSES {
        return Err(AppError::bad_input(
            "countedDoses",
            format!("must be between 0 and {MAX_DOSES}"),
        ));
    }
    let hash = idempotency::request_hash(&input);
    let why = text("reason", Some(&input.reason), Text::required(500))?;
    let request = Keyed::new("adjustStock", input.idempotency_key.as_deref(), &hash);
    let (result, _) = idempotency::once(ctx, request, existing_event, |w| {
        let (input, why) = (input.clone(), why.clone());
        Box::pin(async move {
            let lot = lot_in_scope(&**w, &scope, input.lot_id).await?;
            check_version("lot", &lot.lot_number, lot.version, input.expected_version)?;
            if input.counted_doses < lot.doses_reserved {
                return Err(AppError::bad_input(
                    "countedDoses",
                    format!(
                        "{} doses are reserved for approved transfers; cancel them first",
                        lot.doses_reserved
                    ),
                ));
            }
            let delta = input.counted_doses - lot.doses_on_hand;
            let movement = Movement::ledger(StockEventKind::Adjusted, delta).because(why);
            let event = ledger_row(w, lot.id, StockEventKind::Adjusted, &movement).await?;
            let counted = vaccine_lot::ActiveModel {
                doses_on_hand: Set(input.counted_doses),
                ..Default::default()
            };
            let after = w
                .update_versioned::<vaccine_lot::Entity>(
                    lot.id,
                    lot.version,
                    counted,
                    Condition::all(),
                )
                .await?;
            w.audit_changed("stock.adjust", "vaccine_lot", lot.id, &lot, &after)
                .await?;
            let id = event.id;
            Ok(((after, event), id))
        })
    })
    .await?;
    Ok(result)
}
