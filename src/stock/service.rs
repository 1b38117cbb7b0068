//! Stock rules: every change to a lot's balance is one conditional update plus one ledger row, in the
//! caller's transaction, so the balance always equals the sum of the ledger and never goes below what is
//! reserved, whatever the concurrency.

use chrono::{Duration, NaiveDate, Utc};
use entity::{StockEventKind, district, stock_event, vaccine, vaccine_lot};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, FromQueryResult, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::auth::Actor;
use crate::districts::lookup::{by_code as find_by_code, in_district};
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, TxnFuture};
use crate::keyset::{self, Page, PageRequest};
use crate::policy::{self, Action, Resource, Scope};

/// Most doses one operation may move; larger figures are typing errors.
pub const MAX_DOSES: i64 = 10_000_000;

/// The vaccines, read once at start-up: reference data that only migrations change, so nesting a
/// vaccine under a lot or transfer costs no query.
#[derive(Debug, Default)]
pub struct VaccineCatalog {
    by_id: std::collections::HashMap<i32, std::sync::Arc<vaccine::Model>>,
}

impl VaccineCatalog {
    pub async fn load<C: ConnectionTrait>(db: &C) -> AppResult<VaccineCatalog> {
        let by_id = vaccines(db)
            .await?
            .into_iter()
            .map(|v| (v.id, std::sync::Arc::new(v)))
            .collect();
        Ok(VaccineCatalog { by_id })
    }

    pub fn get(&self, id: i32) -> Option<&std::sync::Arc<vaccine::Model>> {
        self.by_id.get(&id)
    }

    /// Every vaccine, by id.
    pub fn all(&self) -> impl Iterator<Item = std::sync::Arc<vaccine::Model>> {
        let mut all: Vec<_> = self.by_id.values().cloned().collect();
        all.sort_by_key(|v| v.id);
        all.into_iter()
    }
}

pub async fn vaccines<C: ConnectionTrait>(db: &C) -> AppResult<Vec<vaccine::Model>> {
    Ok(vaccine::Entity::find()
        .order_by_asc(vaccine::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_vaccine<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<vaccine::Model> {
    vaccine::Entity::find()
        .filter(vaccine::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("vaccine", code))
}

/// Rows whose vaccine column points at the vaccine with this code, as a filter.
pub fn in_vaccine(column: impl ColumnTrait, code: &str) -> sea_orm::sea_query::SimpleExpr {
    column.in_subquery(
        Query::select()
            .column(vaccine::Column::Id)
            .from(vaccine::Entity)
            .and_where(Expr::col(vaccine::Column::Code).eq(code))
            .to_owned(),
    )
}

/// Doses that can still be used or moved: on hand minus reserved.
pub fn available(lot: &vaccine_lot::Model) -> i64 {
    lot.doses_on_hand - lot.doses_reserved
}

pub fn is_expired(lot: &vaccine_lot::Model, today: NaiveDate) -> bool {
    lot.expires_on < today
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

fn validate_reason(field: &str, reason: Option<&str>, required: bool) -> AppResult<()> {
    match reason.map(str::trim) {
        None | Some("") if required => Err(AppError::bad_input(field, "a reason is required")),
        Some(r) if r.chars().count() > 500 => {
            Err(AppError::bad_input(field, "at most 500 characters"))
        }
        Some(r) if r.chars().any(char::is_control) => {
            Err(AppError::bad_input(field, "no control characters"))
        }
        _ => Ok(()),
    }
}

/// Loads a lot and checks it lies in the caller's scope.
pub async fn lot_in_scope<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    lot_id: i32,
) -> AppResult<vaccine_lot::Model> {
    let lot = vaccine_lot::Entity::find_by_id(lot_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("lot", lot_id))?;
    let district = district::Entity::find_by_id(lot.district_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("district", lot.district_id))?;
    if !scope.covers_district(district.id, district.province_id) {
        return Err(AppError::forbidden(format!(
            "lot {lot_id} belongs to district {}, outside your scope",
            district.code
        )));
    }
    Ok(lot)
}

/// One change to a lot's balance: `on_hand` and `reserved` move by the deltas, only if afterwards
/// `0 <= reserved <= on_hand`; a movement (`kind`) is also written to the ledger.
pub struct Movement {
    pub kind: Option<StockEventKind>,
    pub on_hand: i64,
    pub reserved: i64,
    pub dose_number: Option<i32>,
    pub reason: Option<String>,
    pub transfer_id: Option<i32>,
}

/// Applies a movement with one conditional UPDATE; INSUFFICIENT_STOCK (with the doses available) when
/// the lot cannot afford it at the moment of the update.
pub async fn apply(
    txn: &DatabaseTransaction,
    actor: &Actor,
    lot_id: i32,
    movement: Movement,
) -> AppResult<(vaccine_lot::Model, Option<stock_event::Model>)> {
    use vaccine_lot::Column as L;
    // The ledger row first, the balance last: on PostgreSQL the lot row stays locked from its update
    // to commit, so the update is the last statement before it. A refused update rolls both back.
    let event = match movement.kind {
        Some(kind) => Some(
            stock_event::ActiveModel {
                id: NotSet,
                lot_id: Set(lot_id),
                kind: Set(kind),
                doses: Set(movement.on_hand),
                dose_number: Set(movement.dose_number),
                reason: Set(movement.reason.as_deref().map(|r| r.trim().to_owned())),
                transfer_id: Set(movement.transfer_id),
                agency_code: Set(actor.agency_code.clone()),
                subject: Set(actor.subject.clone()),
                at: Set(Utc::now()),
            }
            .insert(txn)
            .await?,
        ),
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
        .col_expr(L::UpdatedAt, Expr::value(Utc::now()))
        .filter(L::Id.eq(lot_id))
        .filter(
            Expr::col(L::DosesOnHand)
                .add(movement.on_hand)
                .gte(Expr::col(L::DosesReserved).add(movement.reserved)),
        )
        .filter(Expr::col(L::DosesReserved).add(movement.reserved).gte(0))
        .exec_with_returning(txn)
        .await?;
    match updated.into_iter().next() {
        Some(lot) => Ok((lot, event)),
        None => {
            let lot = vaccine_lot::Entity::find_by_id(lot_id)
                .one(txn)
                .await?
                .ok_or_else(|| AppError::not_found("lot", lot_id))?;
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

/// The common end of every stock mutation: apply the movement, audit the lot before and after, and
/// return the lot with its ledger row (whose id an idempotency key remembers).
async fn record_movement(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: Option<&vaccine_lot::Model>,
    lot_id: i32,
    movement: Movement,
) -> AppResult<((vaccine_lot::Model, stock_event::Model), i64)> {
    let (after, event) = apply(txn, actor, lot_id, movement).await?;
    let event = event.ok_or_else(|| AppError::Internal(format!("{action} wrote no ledger row")))?;
    let change = Change {
        action,
        entity: "vaccine_lot",
        entity_id: lot_id.to_string(),
        before,
        after: Some(&after),
    };
    audit::record(txn, actor, chrono::Utc::now(), change).await?;
    let id = event.id;
    Ok(((after, event), id))
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceiveLot {
    pub district_code: String,
    pub vaccine_code: String,
    pub lot_number: String,
    pub expires_on: NaiveDate,
    pub doses: i64,
    pub allocation_ref: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

fn validate_lot_number(lot_number: &str) -> AppResult<()> {
    let ok = (1..=64).contains(&lot_number.len())
        && lot_number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'));
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "lotNumber",
            "1 to 64 characters: letters, digits, - / . _",
        ))
    }
}

/// Records doses received into a district: a new lot, or more doses of a lot the district already holds
/// (same vaccine and expiry required).
#[tracing::instrument(skip_all, fields(district.code = %input.district_code, lot = %input.lot_number))]
pub async fn receive_lot(
    db: &DatabaseConnection,
    actor: &Actor,
    input: ReceiveLot,
) -> AppResult<(vaccine_lot::Model, stock_event::Model)> {
    let scope = policy::require(actor, Resource::Stock, Action::Write)?;
    validate_lot_number(&input.lot_number)?;
    validate_doses("doses", input.doses)?;
    validate_reason("allocationRef", input.allocation_ref.as_deref(), false)?;
    if input.expires_on < crate::clock::today() {
        return Err(AppError::bad_input(
            "expiresOn",
            "the lot has already expired",
        ));
    }
    let hash = idempotency::request_hash(&input);
    let key = input.idempotency_key.clone();
    let (result, _) = idempotency::once_in_txn(
        db,
        actor,
        "receiveLot",
        key.as_deref(),
        &hash,
        existing_event,
        move |txn| {
            let (input, actor) = (input.clone(), actor.clone());
            Box::pin(async move {
                let district = find_by_code(txn, &input.district_code).await?;
                if !scope.covers_district(district.id, district.province_id) {
                    return Err(AppError::forbidden(format!(
                        "district {} is outside your scope",
                        district.code
                    )));
                }
                let vaccine = find_vaccine(txn, &input.vaccine_code).await?;
                let lot = lot_for(
                    txn,
                    &input.lot_number,
                    vaccine.id,
                    district.id,
                    input.expires_on,
                    input.allocation_ref.as_deref(),
                )
                .await?;
                if lot.vaccine_id != vaccine.id || lot.expires_on != input.expires_on {
                    return Err(AppError::bad_input(
                        "lotNumber",
                        format!(
                            "lot {} is already held here with another vaccine or expiry date",
                            lot.lot_number
                        ),
                    ));
                }
                let lot_id = lot.id;
                let movement = Movement {
                    kind: Some(StockEventKind::Received),
                    on_hand: input.doses,
                    reserved: 0,
                    dose_number: None,
                    reason: input.allocation_ref.clone(),
                    transfer_id: None,
                };
                record_movement(txn, &actor, "stock.receive", None, lot_id, movement).await
            })
        },
    )
    .await?;
    Ok(result)
}

/// Creates an empty lot; its balance comes only from ledger movements.
/// The district's lot of that number, made empty (with the vaccine and expiry given) when it has none.
/// Insert-or-nothing, then read: two transactions creating one lot at once both end with the same row
/// instead of one failing on the unique index. The caller checks the vaccine and expiry of what it got.
pub async fn lot_for(
    txn: &DatabaseTransaction,
    lot_number: &str,
    vaccine_id: i32,
    district_id: i32,
    expires_on: NaiveDate,
    allocation_ref: Option<&str>,
) -> AppResult<vaccine_lot::Model> {
    use vaccine_lot::Column as C;
    let now = Utc::now();
    let new = vaccine_lot::ActiveModel {
        id: NotSet,
        lot_number: Set(lot_number.to_owned()),
        vaccine_id: Set(vaccine_id),
        district_id: Set(district_id),
        expires_on: Set(expires_on),
        doses_on_hand: Set(0),
        doses_reserved: Set(0),
        allocation_ref: Set(allocation_ref.map(str::to_owned)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    vaccine_lot::Entity::insert(new)
        .on_conflict_do_nothing_on([C::LotNumber, C::DistrictId])
        .exec_without_returning(txn)
        .await?;
    vaccine_lot::Entity::find()
        .filter(C::LotNumber.eq(lot_number))
        .filter(C::DistrictId.eq(district_id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("lot {lot_number} neither made nor found")))
}

/// The lot and ledger row an earlier run of an idempotent stock request produced.
fn existing_event(
    txn: &DatabaseTransaction,
    event_id: i64,
) -> TxnFuture<'_, (vaccine_lot::Model, stock_event::Model)> {
    Box::pin(async move {
        let event = stock_event::Entity::find_by_id(event_id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("stock event", event_id))?;
        let lot = vaccine_lot::Entity::find_by_id(event.lot_id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("lot", event.lot_id))?;
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
pub async fn record_administration(
    db: &DatabaseConnection,
    actor: &Actor,
    input: Consume,
) -> AppResult<(vaccine_lot::Model, stock_event::Model)> {
    consume(db, actor, input, StockEventKind::Administered).await
}

/// Records doses wasted (broken vials, cold-chain failure, expiry), with a reason.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id))]
pub async fn record_wastage(
    db: &DatabaseConnection,
    actor: &Actor,
    input: Consume,
) -> AppResult<(vaccine_lot::Model, stock_event::Model)> {
    consume(db, actor, input, StockEventKind::Wasted).await
}

async fn consume(
    db: &DatabaseConnection,
    actor: &Actor,
    input: Consume,
    kind: StockEventKind,
) -> AppResult<(vaccine_lot::Model, stock_event::Model)> {
    let scope = policy::require(actor, Resource::Stock, Action::Write)?;
    validate_doses("doses", input.doses)?;
    validate_reason(
        "reason",
        input.reason.as_deref(),
        kind == StockEventKind::Wasted,
    )?;
    let operation = if kind == StockEventKind::Wasted {
        "recordWastage"
    } else {
        "recordAdministration"
    };
    let hash = idempotency::request_hash(&(operation, &input));
    let key = input.idempotency_key.clone();
    let (result, _) = idempotency::once_in_txn(
        db,
        actor,
        operation,
        key.as_deref(),
        &hash,
        existing_event,
        move |txn| {
            let (input, actor) = (input.clone(), actor.clone());
            Box::pin(async move {
                let lot = lot_in_scope(txn, &scope, input.lot_id).await?;
                if kind == StockEventKind::Administered {
                    if is_expired(&lot, crate::clock::today()) {
                        return Err(AppError::InvalidState(format!(
                            "lot {} expired on {}; it cannot be administered",
                            lot.lot_number, lot.expires_on
                        )));
                    }
                    let vaccine = vaccine::Entity::find_by_id(lot.vaccine_id)
                        .one(txn)
                        .await?
                        .ok_or_else(|| AppError::not_found("vaccine", lot.vaccine_id))?;
                    let max = vaccine.doses_in_schedule + 1;
                    match input.dose_number {
                        Some(n) if (1..=max).contains(&n) => {}
                        _ => {
                            return Err(AppError::bad_input(
                                "doseNumber",
                                format!(
                                    "1 to {max} for {} ({} in the schedule, then a booster)",
                                    vaccine.code, vaccine.doses_in_schedule
                                ),
                            ));
                        }
                    }
                }
                let movement = Movement {
                    kind: Some(kind),
                    on_hand: -input.doses,
                    reserved: 0,
                    dose_number: input.dose_number,
                    reason: input.reason.clone(),
                    transfer_id: None,
                };
                let action = if kind == StockEventKind::Wasted {
                    "stock.waste"
                } else {
                    "stock.administer"
                };
                record_movement(txn, &actor, action, Some(&lot), lot.id, movement).await
            })
        },
    )
    .await?;
    Ok(result)
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
/// may not fall below the doses reserved for approved transfers.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id))]
pub async fn adjust_stock(
    db: &DatabaseConnection,
    actor: &Actor,
    input: AdjustStock,
) -> AppResult<(vaccine_lot::Model, stock_event::Model)> {
    let scope = policy::require(actor, Resource::Stock, Action::Write)?;
    if input.counted_doses < 0 || input.counted_doses > MAX_DOSES {
        return Err(AppError::bad_input(
            "countedDoses",
            format!("must be between 0 and {MAX_DOSES}"),
        ));
    }
    validate_reason("reason", Some(&input.reason), true)?;
    let hash = idempotency::request_hash(&input);
    let key = input.idempotency_key.clone();
    let (result, _) = idempotency::once_in_txn(
        db,
        actor,
        "adjustStock",
        key.as_deref(),
        &hash,
        existing_event,
        move |txn| {
            let (input, actor) = (input.clone(), actor.clone());
            Box::pin(async move {
                let lot = lot_in_scope(txn, &scope, input.lot_id).await?;
                if let Some(expected) = input.expected_version
                    && expected != lot.version
                {
                    return Err(AppError::Conflict(format!(
                        "lot {} is at version {}, not {expected}",
                        lot.lot_number, lot.version
                    )));
                }
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
                let movement = Movement {
                    kind: Some(StockEventKind::Adjusted),
                    on_hand: delta,
                    reserved: 0,
                    dose_number: None,
                    reason: Some(input.reason.clone()),
                    transfer_id: None,
                };
                // Conditional on the balance read: a concurrent movement makes the count stale.
                let changed = || {
                    AppError::Conflict(format!(
                        "lot {} changed while it was being counted; count again",
                        lot.lot_number
                    ))
                };
                let recorded = match record_movement(
                    txn,
                    &actor,
                    "stock.adjust",
                    Some(&lot),
                    lot.id,
                    movement,
                )
                .await
                {
                    // A decrease computed from a balance that has since fallen.
                    Err(AppError::InsufficientStock(_)) => return Err(changed()),
                    other => other?,
                };
                if recorded.0.0.doses_on_hand != input.counted_doses {
                    return Err(changed());
                }
                Ok(recorded)
            })
        },
    )
    .await?;
    Ok(result)
}

#[derive(Debug, Clone, Default)]
pub struct LotFilter {
    pub district_code: Option<String>,
    pub vaccine_code: Option<String>,
    pub expiring_within_days: Option<i64>,
    pub include_empty: bool,
    pub include_expired: bool,
}

/// Lots in the caller's scope, by id.
#[tracing::instrument(skip_all)]
pub async fn list_lots(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &LotFilter,
    page: PageRequest,
) -> AppResult<Page<vaccine_lot::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Stock) else {
        return Ok(Page::empty());
    };
    let mut cond = Condition::all().add(scope.district_filter(vaccine_lot::Column::DistrictId));
    if let Some(code) = &filter.district_code {
        cond = cond.add(in_district(vaccine_lot::Column::DistrictId, code.as_str()));
    }
    if let Some(code) = &filter.vaccine_code {
        cond = cond.add(in_vaccine(vaccine_lot::Column::VaccineId, code.as_str()));
    }
    if let Some(days) = filter.expiring_within_days {
        if !(0..=3650).contains(&days) {
            return Err(AppError::bad_input("expiringWithinDays", "0 to 3650"));
        }
        let last_day = crate::clock::today() + Duration::days(days);
        cond = cond.add(vaccine_lot::Column::ExpiresOn.lte(last_day));
    }
    cond = cond.add(usable_lots(filter.include_empty, filter.include_expired));
    keyset::fetch(
        db,
        vaccine_lot::Entity::find().filter(cond),
        vaccine_lot::Column::Id,
        page,
        |l| i64::from(l.id),
    )
    .await
}

/// Lots still holding doses and not expired, unless asked to include those too.
fn usable_lots(include_empty: bool, include_expired: bool) -> Condition {
    let mut cond = Condition::all();
    if !include_expired {
        cond = cond.add(vaccine_lot::Column::ExpiresOn.gte(crate::clock::today()));
    }
    if !include_empty {
        cond = cond.add(vaccine_lot::Column::DosesOnHand.gt(0));
    }
    cond
}

/// Which of a district's lots to show under it: the first `first` by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LotSlice {
    pub first: u64,
    pub include_empty: bool,
    pub include_expired: bool,
}

/// Whether the caller may read the lots held by `district`.
pub fn may_read_lots_of(actor: &Actor, district: &district::Model) -> bool {
    policy::read_scope(actor, Resource::Stock)
        .is_some_and(|scope| scope.covers_district(district.id, district.province_id))
}

/// The first lots of each district, in one statement whatever the number of districts: one index range (district, id) per district, united. The caller checks
/// [`may_read_lots_of`] for each district first.
pub async fn first_lots_of_districts<C: ConnectionTrait>(
    db: &C,
    district_ids: &[i32],
    slice: LotSlice,
) -> AppResult<Vec<vaccine_lot::Model>> {
    use sea_orm::sea_query::{Alias, UnionType};
    let mut ids = district_ids.iter().map(|&district_id| {
        let head = Query::select()
            .column(vaccine_lot::Column::Id)
            .from(vaccine_lot::Entity)
            .and_where(vaccine_lot::Column::DistrictId.eq(district_id))
            .cond_where(usable_lots(slice.include_empty, slice.include_expired))
            .order_by(vaccine_lot::Column::Id, sea_orm::Order::Asc)
            .limit(slice.first)
            .to_owned();
        // Wrapped, since SQLite takes no LIMIT inside a compound select's arms.
        Query::select()
            .column(Alias::new("id"))
            .from_subquery(head, Alias::new("head"))
            .to_owned()
    });
    let Some(mut united) = ids.next() else {
        return Ok(Vec::new());
    };
    united.unions(ids.map(|arm| (UnionType::All, arm)));
    Ok(vaccine_lot::Entity::find()
        .filter(vaccine_lot::Column::Id.in_subquery(united))
        .order_by_asc(vaccine_lot::Column::Id)
        .all(db)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub lot_id: Option<i32>,
    pub district_code: Option<String>,
    pub kind: Option<StockEventKind>,
    pub from: Option<chrono::DateTime<Utc>>,
    pub to: Option<chrono::DateTime<Utc>>,
}

/// Ledger rows of lots in the caller's scope, oldest first.
#[tracing::instrument(skip_all)]
pub async fn list_events(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &EventFilter,
    page: PageRequest,
) -> AppResult<Page<stock_event::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Stock) else {
        return Ok(Page::empty());
    };
    let mut lots = Query::select()
        .column(vaccine_lot::Column::Id)
        .from(vaccine_lot::Entity)
        .cond_where(scope.district_filter(vaccine_lot::Column::DistrictId))
        .to_owned();
    if let Some(code) = &filter.district_code {
        lots.and_where(in_district(vaccine_lot::Column::DistrictId, code.as_str()));
    }
    let mut cond = Condition::all().add(stock_event::Column::LotId.in_subquery(lots));
    if let Some(id) = filter.lot_id {
        cond = cond.add(stock_event::Column::LotId.eq(id));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(stock_event::Column::Kind.eq(kind));
    }
    if let Some(from) = filter.from {
        cond = cond.add(stock_event::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        cond = cond.add(stock_event::Column::At.lt(to));
    }
    keyset::fetch(
        db,
        stock_event::Entity::find().filter(cond),
        stock_event::Column::Id,
        page,
        |e| e.id,
    )
    .await
}

/// Stock of one vaccine in one district.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StockLine {
    pub district_id: i32,
    pub vaccine_id: i32,
    pub lots: i64,
    pub doses_on_hand: i64,
    pub doses_reserved: i64,
    /// Doses in lots that expire within 30 days.
    pub doses_expiring_30_days: i64,
}

/// Stock per district and vaccine (usable lots only: not expired), in the caller's scope.
#[tracing::instrument(skip_all)]
pub async fn stock_summary(
    db: &DatabaseConnection,
    actor: &Actor,
    province_code: Option<&str>,
) -> AppResult<Vec<StockLine>> {
    let Some(scope) = policy::read_scope(actor, Resource::Stock) else {
        return Ok(Vec::new());
    };
    use vaccine_lot::Column as L;
    let today = crate::clock::today();
    let soon = today + Duration::days(30);
    let mut cond = Condition::all()
        .add(scope.district_filter(L::DistrictId))
        .add(L::ExpiresOn.gte(today));
    if let Some(code) = province_code {
        cond = cond.add(
            L::DistrictId.in_subquery(
                Query::select()
                    .column(district::Column::Id)
                    .from(district::Entity)
                    .and_where(
                        Expr::col(district::Column::ProvinceId).in_subquery(
                            Query::select()
                                .column(entity::province::Column::Id)
                                .from(entity::province::Entity)
                                .and_where(Expr::col(entity::province::Column::Code).eq(code))
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        );
    }
    let expiring =
        Expr::case(Expr::col(L::ExpiresOn).lte(soon), Expr::col(L::DosesOnHand)).finally(0);
    Ok(vaccine_lot::Entity::find()
        .select_only()
        .column(L::DistrictId)
        .column(L::VaccineId)
        .column_as(Expr::col(L::Id).count(), "lots")
        .column_as(
            Expr::col(L::DosesOnHand).sum().cast_as("BIGINT"),
            "doses_on_hand",
        )
        .column_as(
            Expr::col(L::DosesReserved).sum().cast_as("BIGINT"),
            "doses_reserved",
        )
        .column_as(expiring.sum().cast_as("BIGINT"), "doses_expiring_30_days")
        .filter(cond)
        .group_by(L::DistrictId)
        .group_by(L::VaccineId)
        .order_by_asc(L::DistrictId)
        .order_by_asc(L::VaccineId)
        .into_model::<StockLine>()
        .all(db)
        .await?)
}

/// Lots with doses left that expire within `within_days` (today included), soonest first.
#[tracing::instrument(skip_all)]
pub async fn expiring_lots(
    db: &DatabaseConnection,
    actor: &Actor,
    within_days: i64,
) -> AppResult<Vec<vaccine_lot::Model>> {
    if !(0..=3650).contains(&within_days) {
        return Err(AppError::bad_input("withinDays", "0 to 3650"));
    }
    let Some(scope) = policy::read_scope(actor, Resource::Stock) else {
        return Ok(Vec::new());
    };
    let today = crate::clock::today();
    Ok(vaccine_lot::Entity::find()
        .filter(scope.district_filter(vaccine_lot::Column::DistrictId))
        .filter(vaccine_lot::Column::ExpiresOn.gte(today))
        .filter(vaccine_lot::Column::ExpiresOn.lte(today + Duration::days(within_days)))
        .filter(vaccine_lot::Column::DosesOnHand.gt(0))
        .order_by_asc(vaccine_lot::Column::ExpiresOn)
        .order_by_asc(vaccine_lot::Column::Id)
        .limit(1000)
        .all(db)
        .await?)
}
