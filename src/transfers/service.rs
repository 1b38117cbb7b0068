//! The transfer workflow: REQUESTED -> APPROVED (doses reserved) -> DISPATCHED (doses leave the source
//! lot) -> RECEIVED (doses join a lot of the destination; a shortfall is recorded as wastage), or
//! REJECTED / CANCELLED before dispatch (any reservation released). Every step checks who may take it,
//! moves the status with a conditional update (a step raced by another fails with INVALID_STATE), and is
//! audited in its own transaction.

use chrono::{Duration, Utc};
use entity::{StockEventKind, TransferStatus, district, stock_event, transfer, vaccine_lot};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait,
    FromQueryResult, NotSet, QueryFilter, QuerySelect, RelationTrait, Set,
};
use serde::Serialize;

use super::rebalance::{self, DistrictNeed, LotStock, Params, Reason};
use crate::audit::{self, Change};
use crate::auth::Actor;
use crate::districts::lookup::{by_code as find_by_code, in_district};
use crate::error::{AppError, AppResult};
use crate::events::{DomainEvent, EventBus};
use crate::idempotency::{self, TxnFuture};
use crate::keyset::{self, Page, PageRequest};
use crate::policy::{self, Action, Resource, Scope};
use crate::stock::service::{self as stock, Movement};

/// Days doses are assumed to spend on the road between districts.
pub const TRANSIT_DAYS: i64 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct RequestTransfer {
    pub lot_id: i32,
    pub to_district_code: String,
    pub doses: i64,
    pub reason: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

async fn district_by_id(txn: &DatabaseTransaction, id: i32) -> AppResult<district::Model> {
    district::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("district", id))
}

fn covers(scope: &Scope, d: &district::Model) -> bool {
    scope.covers_district(d.id, d.province_id)
}

fn check_text(field: &str, text: Option<&str>, required: bool) -> AppResult<()> {
    match text.map(str::trim) {
        None | Some("") if required => Err(AppError::bad_input(field, "a reason is required")),
        Some(t) if t.chars().count() > 500 => {
            Err(AppError::bad_input(field, "at most 500 characters"))
        }
        Some(t) if t.chars().any(char::is_control) => {
            Err(AppError::bad_input(field, "no control characters"))
        }
        _ => Ok(()),
    }
}

/// A district short of doses (its HEALTH agency) or the province's HEALTH asks for doses from a lot of
/// another district. Nothing is reserved until approval, but the lot must have the doses available now.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id, to = %input.to_district_code))]
pub async fn request(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    input: RequestTransfer,
) -> AppResult<transfer::Model> {
    let scope = policy::require(actor, Resource::Transfer, Action::Write)?;
    stock::validate_doses("doses", input.doses)?;
    check_text("reason", input.reason.as_deref(), false)?;
    let hash = idempotency::request_hash(&input);
    let key = input.idempotency_key.clone();
    let (created, is_new) = idempotency::once_in_txn(
        db,
        actor,
        "requestTransfer",
        key.as_deref(),
        &hash,
        existing,
        move |txn| {
            let (input, actor, events) = (input.clone(), actor.clone(), events.clone());
            Box::pin(async move {
                let to = find_by_code(txn, &input.to_district_code).await?;
                if !covers(&scope, &to) {
                    return Err(AppError::forbidden(format!(
                        "you may request transfers only to your own district, not {}",
                        to.code
                    )));
                }
                let lot = vaccine_lot::Entity::find_by_id(input.lot_id)
                    .one(txn)
                    .await?
                    .ok_or_else(|| AppError::not_found("lot", input.lot_id))?;
                let from = district_by_id(txn, lot.district_id).await?;
                if from.id == to.id {
                    return Err(AppError::bad_input(
                        "toDistrictCode",
                        "the lot is already in that district",
                    ));
                }
                if from.province_id != to.province_id {
                    return Err(AppError::bad_input(
                        "toDistrictCode",
                        "transfers stay within one province",
                    ));
                }
                if stock::is_expired(&lot, crate::clock::today()) {
                    return Err(AppError::InvalidState(format!(
                        "lot {} expired on {}; it cannot be transferred",
                        lot.lot_number, lot.expires_on
                    )));
                }
                if stock::available(&lot) < input.doses {
                    return Err(AppError::InsufficientStock(format!(
                        "lot {} has {} doses available; {} requested",
                        lot.lot_number,
                        stock::available(&lot),
                        input.doses
                    )));
                }
                let now = Utc::now();
                let created = transfer::ActiveModel {
                    id: NotSet,
                    from_lot_id: Set(lot.id),
                    from_district_id: Set(from.id),
                    to_district_id: Set(to.id),
                    vaccine_id: Set(lot.vaccine_id),
                    doses: Set(input.doses),
                    status: Set(TransferStatus::Requested),
                    reason: Set(input.reason.as_deref().map(|r| r.trim().to_owned())),
                    to_lot_id: Set(None),
                    doses_received: Set(None),
                    shortfall_reason: Set(None),
                    closing_reason: Set(None),
                    requested_by: Set(actor.label()),
                    requested_at: Set(now),
                    approved_by: Set(None),
                    approved_at: Set(None),
                    dispatched_by: Set(None),
                    dispatched_at: Set(None),
                    received_by: Set(None),
                    received_at: Set(None),
                    closed_by: Set(None),
                    closed_at: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
                audit::record(
                    txn,
                    &actor,
                    chrono::Utc::now(),
                    Change {
                        action: "transfer.request",
                        entity: "transfer",
                        entity_id: created.id.to_string(),
                        before: None::<&()>,
                        after: Some(&created),
                    },
                )
                .await?;
                events.stage(txn, &event_of(&created)).await?;
                let id = i64::from(created.id);
                Ok((created, id))
            })
        },
    )
    .await?;
    if is_new {
        events.committed(event_of(&created));
    }
    Ok(created)
}

fn existing(txn: &DatabaseTransaction, id: i64) -> TxnFuture<'_, transfer::Model> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("transfer", id))?;
        transfer::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::not_found("transfer", id))
    })
}

fn event_of(t: &transfer::Model) -> DomainEvent {
    DomainEvent::Transfer {
        transfer_id: t.id,
        from_district_id: t.from_district_id,
        to_district_id: t.to_district_id,
    }
}

/// One workflow step: who takes it, from which status, and what it does besides moving the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Approve,
    Reject,
    Dispatch,
    Receive,
    Cancel,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Approve => "approve",
            Step::Reject => "reject",
            Step::Dispatch => "dispatch",
            Step::Receive => "receive",
            Step::Cancel => "cancel",
        }
    }

    fn allowed_from(self) -> &'static [TransferStatus] {
        match self {
            Step::Approve | Step::Reject => &[TransferStatus::Requested],
            Step::Dispatch => &[TransferStatus::Approved],
            Step::Receive => &[TransferStatus::Dispatched],
            Step::Cancel => &[TransferStatus::Requested, TransferStatus::Approved],
        }
    }

    fn to(self) -> TransferStatus {
        match self {
            Step::Approve => TransferStatus::Approved,
            Step::Reject => TransferStatus::Rejected,
            Step::Dispatch => TransferStatus::Dispatched,
            Step::Receive => TransferStatus::Received,
            Step::Cancel => TransferStatus::Cancelled,
        }
    }
}

/// Arguments of the steps that take some.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub reason: Option<String>,
    pub doses_received: Option<i64>,
}

pub async fn approve(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
) -> AppResult<transfer::Model> {
    step(db, events, actor, id, Step::Approve, StepInput::default()).await
}

pub async fn reject(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
    reason: String,
) -> AppResult<transfer::Model> {
    step(
        db,
        events,
        actor,
        id,
        Step::Reject,
        StepInput {
            reason: Some(reason),
            doses_received: None,
        },
    )
    .await
}

pub async fn dispatch(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
) -> AppResult<transfer::Model> {
    step(db, events, actor, id, Step::Dispatch, StepInput::default()).await
}

pub async fn receive(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
    doses_received: i64,
    shortfall_reason: Option<String>,
) -> AppResult<transfer::Model> {
    step(
        db,
        events,
        actor,
        id,
        Step::Receive,
        StepInput {
            reason: shortfall_reason,
            doses_received: Some(doses_received),
        },
    )
    .await
}

pub async fn cancel(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
    reason: String,
) -> AppResult<transfer::Model> {
    step(
        db,
        events,
        actor,
        id,
        Step::Cancel,
        StepInput {
            reason: Some(reason),
            doses_received: None,
        },
    )
    .await
}

#[tracing::instrument(skip_all, fields(transfer.id = id, step = step.name()))]
async fn step(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    id: i32,
    step: Step,
    input: StepInput,
) -> AppResult<transfer::Model> {
    let approve_scope = policy::decide(actor, Resource::Transfer, Action::Approve);
    let write_scope = policy::decide(actor, Resource::Transfer, Action::Write);
    let scope = match step {
        Step::Approve | Step::Reject => {
            policy::require(actor, Resource::Transfer, Action::Approve)?
        }
        Step::Cancel => match approve_scope.or(write_scope) {
            Some(scope) => scope,
            None => policy::require(actor, Resource::Transfer, Action::Write)?,
        },
        Step::Dispatch | Step::Receive => {
            policy::require(actor, Resource::Transfer, Action::Write)?
        }
    };
    match step {
        Step::Reject | Step::Cancel => check_text("reason", input.reason.as_deref(), true)?,
        Step::Receive => check_text("shortfallReason", input.reason.as_deref(), false)?,
        _ => {}
    }
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    let before = transfer::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("transfer", id))?;
    let from = district_by_id(txn, before.from_district_id).await?;
    let to = district_by_id(txn, before.to_district_id).await?;
    // The side that takes each step: the source dispatches, the destination receives; either side (or
    // an approver) may cancel.
    let allowed = match step {
        Step::Approve | Step::Reject => covers(&scope, &from),
        Step::Dispatch => covers(&scope, &from),
        Step::Receive => covers(&scope, &to),
        Step::Cancel => covers(&scope, &from) || covers(&scope, &to),
    };
    if !allowed {
        return Err(AppError::forbidden(format!(
            "transfer {id} is not yours to {}",
            step.name()
        )));
    }
    if !step.allowed_from().contains(&before.status) {
        return Err(AppError::InvalidState(format!(
            "transfer {id} is {}; it cannot be {}d now",
            before.status.as_str(),
            step.name()
        )));
    }
    let now = Utc::now();
    let label = actor.label();
    let mut row: transfer::ActiveModel = before.clone().into();
    let lot = vaccine_lot::Entity::find_by_id(before.from_lot_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("lot", before.from_lot_id))?;
    let today = crate::clock::today();
    // Balance changes go last, just before commit: on PostgreSQL the lot row stays locked from its
    // update to the end of the transaction, and a busy lot is shared by many transfers.
    let mut movements: Vec<(i32, Movement)> = Vec::new();
    match step {
        Step::Approve => {
            if stock::is_expired(&lot, today) {
                return Err(AppError::InvalidState(format!(
                    "lot {} expired on {}",
                    lot.lot_number, lot.expires_on
                )));
            }
            let reserve = Movement {
                kind: None,
                on_hand: 0,
                reserved: before.doses,
                dose_number: None,
                reason: None,
                transfer_id: Some(id),
            };
            movements.push((lot.id, reserve));
            row.approved_by = Set(Some(label));
            row.approved_at = Set(Some(now));
        }
        Step::Reject => {
            row.closing_reason = Set(input.reason.map(|r| r.trim().to_owned()));
            row.closed_by = Set(Some(label));
            row.closed_at = Set(Some(now));
        }
        Step::Dispatch => {
            if stock::is_expired(&lot, today) {
                return Err(AppError::InvalidState(format!(
                    "lot {} expired on {}; cancel the transfer",
                    lot.lot_number, lot.expires_on
                )));
            }
            let out = Movement {
                kind: Some(StockEventKind::TransferOut),
                on_hand: -before.doses,
                reserved: -before.doses,
                dose_number: None,
                reason: None,
                transfer_id: Some(id),
            };
            movements.push((lot.id, out));
            row.dispatched_by = Set(Some(label));
            row.dispatched_at = Set(Some(now));
        }
        Step::Receive => {
            let received = input.doses_received.unwrap_or(before.doses);
            if !(0..=before.doses).contains(&received) {
                return Err(AppError::bad_input(
                    "dosesReceived",
                    format!("0 to the {} doses dispatched", before.doses),
                ));
            }
            let shortfall = before.doses - received;
            if shortfall > 0 && input.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(AppError::bad_input(
                    "shortfallReason",
                    format!("{shortfall} doses short: say why"),
                ));
            }
            let to_lot = destination_lot(txn, &lot, to.id).await?;
            let arrive = Movement {
                kind: Some(StockEventKind::TransferIn),
                on_hand: before.doses,
                reserved: 0,
                dose_number: None,
                reason: None,
                transfer_id: Some(id),
            };
            movements.push((to_lot.id, arrive));
            if shortfall > 0 {
                let reason = format!(
                    "shortfall on receipt of transfer {id}: {}",
                    input.reason.as_deref().unwrap_or("").trim()
                );
                let lost = Movement {
                    kind: Some(StockEventKind::Wasted),
                    on_hand: -shortfall,
                    reserved: 0,
                    dose_number: None,
                    reason: Some(reason),
                    transfer_id: Some(id),
                };
                movements.push((to_lot.id, lost));
                row.shortfall_reason = Set(input.reason.map(|r| r.trim().to_owned()));
            }
            row.to_lot_id = Set(Some(to_lot.id));
            row.doses_received = Set(Some(received));
            row.received_by = Set(Some(label));
            row.received_at = Set(Some(now));
        }
        Step::Cancel => {
            if before.status == TransferStatus::Approved {
                let release = Movement {
                    kind: None,
                    on_hand: 0,
                    reserved: -before.doses,
                    dose_number: None,
                    reason: None,
                    transfer_id: Some(id),
                };
                movements.push((lot.id, release));
            }
            row.closing_reason = Set(input.reason.map(|r| r.trim().to_owned()));
            row.closed_by = Set(Some(label));
            row.closed_at = Set(Some(now));
        }
    }
    row.status = Set(step.to());
    row.version = Set(before.version + 1);
    row.updated_at = Set(now);
    let moved = transfer::Entity::update_many()
        .set(row)
        .filter(transfer::Column::Id.eq(id))
        .filter(transfer::Column::Status.eq(before.status))
        .filter(transfer::Column::Version.eq(before.version))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::InvalidState(format!(
            "transfer {id} changed while being {}d; reload it",
            step.name()
        )));
    }
    let after = transfer::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("transfer", id))?;
    let action = format!("transfer.{}", step.name());
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: &action,
            entity: "transfer",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    for (lot_id, movement) in movements {
        stock::apply(txn, actor, lot_id, movement).await?;
    }
    events.stage(txn, &event_of(&after)).await?;
    write.commit().await?;
    events.committed(event_of(&after));
    Ok(after)
}

/// The destination's lot with the same lot number, created if it holds none yet. A lot number the
/// destination already holds for another vaccine or expiry cannot take these doses.
async fn destination_lot(
    txn: &DatabaseTransaction,
    source: &vaccine_lot::Model,
    to_district_id: i32,
) -> AppResult<vaccine_lot::Model> {
    let lot = stock::lot_for(
        txn,
        &source.lot_number,
        source.vaccine_id,
        to_district_id,
        source.expires_on,
        source.allocation_ref.as_deref(),
    )
    .await?;
    if lot.vaccine_id != source.vaccine_id || lot.expires_on != source.expires_on {
        return Err(AppError::Conflict(format!(
            "the destination holds lot {} with another vaccine or expiry; resolve it first",
            lot.lot_number
        )));
    }
    Ok(lot)
}

#[derive(Debug, Clone, Default)]
pub struct TransferFilter {
    pub status: Option<TransferStatus>,
    pub district_code: Option<String>,
    pub vaccine_code: Option<String>,
}

fn read_condition(scope: Scope) -> Condition {
    use transfer::Column as T;
    match scope {
        Scope::District { district_id, .. } => Condition::any()
            .add(T::FromDistrictId.eq(district_id))
            .add(T::ToDistrictId.eq(district_id)),
        Scope::TransfersToEscort { .. } => Condition::all()
            .add(scope.district_filter(T::FromDistrictId))
            .add(T::Status.is_in([TransferStatus::Approved, TransferStatus::Dispatched])),
        other => other.district_filter(T::FromDistrictId),
    }
}

/// Transfers the caller may see, by id.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &TransferFilter,
    page: PageRequest,
) -> AppResult<Page<transfer::Model>> {
    let Some(scope) = policy::read_scope(actor, Resource::Transfer) else {
        return Ok(Page::empty());
    };
    let mut cond = Condition::all().add(read_condition(scope));
    if let Some(status) = filter.status {
        cond = cond.add(transfer::Column::Status.eq(status));
    }
    if let Some(code) = &filter.district_code {
        cond = cond.add(
            Condition::any()
                .add(in_district(transfer::Column::FromDistrictId, code))
                .add(in_district(transfer::Column::ToDistrictId, code)),
        );
    }
    if let Some(code) = &filter.vaccine_code {
        cond = cond.add(stock::in_vaccine(
            transfer::Column::VaccineId,
            code.as_str(),
        ));
    }
    keyset::fetch(
        db,
        transfer::Entity::find().filter(cond),
        transfer::Column::Id,
        page,
        |t| i64::from(t.id),
    )
    .await
}

/// One transfer, if the caller may see it.
pub async fn get(db: &DatabaseConnection, actor: &Actor, id: i32) -> AppResult<transfer::Model> {
    let scope = policy::require(actor, Resource::Transfer, Action::Read)?;
    transfer::Entity::find()
        .filter(transfer::Column::Id.eq(id))
        .filter(read_condition(scope))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("transfer", id))
}

/// How a district's need for doses is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedBasis {
    /// Adults 18+ times the doses in the schedule, less the doses of this vaccine already given there.
    RemainingNeed,
    /// The doses the district would give over the horizon at its rate of the last 14 days.
    DaysOfStock,
}

/// A suggested move, with the district codes resolved.
#[derive(Debug, Clone)]
pub struct SuggestionView {
    pub suggestion: rebalance::Suggestion,
    pub vaccine_id: i32,
    pub lot: vaccine_lot::Model,
}

#[derive(Debug, FromQueryResult)]
struct Given {
    district_id: i32,
    total: i64,
    recent: i64,
}

/// Rebalancing suggestions for one vaccine over the caller's province (a district-level caller sees
/// those that involve its district).
#[tracing::instrument(skip_all, fields(vaccine = %vaccine_code, horizon_days))]
pub async fn suggestions(
    db: &DatabaseConnection,
    actor: &Actor,
    vaccine_code: &str,
    horizon_days: i64,
    basis: NeedBasis,
) -> AppResult<Vec<SuggestionView>> {
    if !(1..=365).contains(&horizon_days) {
        return Err(AppError::bad_input("horizonDays", "1 to 365"));
    }
    let Some(scope) = policy::read_scope(actor, Resource::Transfer) else {
        return Ok(Vec::new());
    };
    if matches!(
        scope,
        Scope::TransfersToEscort { .. } | Scope::StaffedCheckpoints { .. }
    ) {
        return Ok(Vec::new());
    }
    let vaccine = stock::find_vaccine(db, vaccine_code).await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(actor.province_id))
        .all(db)
        .await?;
    let today = crate::clock::today();
    let lots = vaccine_lot::Entity::find()
        .filter(vaccine_lot::Column::VaccineId.eq(vaccine.id))
        .filter(vaccine_lot::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(vaccine_lot::Column::ExpiresOn.gte(today))
        .all(db)
        .await?;
    let since = Utc::now() - Duration::days(14);
    use stock_event::Column as E;
    let recent = Expr::case(
        Expr::col((stock_event::Entity, E::At)).gte(since),
        Expr::col((stock_event::Entity, E::Doses)),
    )
    .finally(0);
    let given: Vec<Given> = stock_event::Entity::find()
        .select_only()
        .column_as(
            Expr::col((vaccine_lot::Entity, vaccine_lot::Column::DistrictId)),
            "district_id",
        )
        .column_as(
            Expr::col((stock_event::Entity, E::Doses))
                .sum()
                .mul(-1)
                .cast_as("BIGINT"),
            "total",
        )
        .column_as(recent.sum().mul(-1).cast_as("BIGINT"), "recent")
        .join(
            sea_orm::JoinType::InnerJoin,
            stock_event::Relation::Lot.def(),
        )
        .filter(vaccine_lot::Column::VaccineId.eq(vaccine.id))
        .filter(E::Kind.eq(StockEventKind::Administered))
        .group_by(Expr::col((
            vaccine_lot::Entity,
            vaccine_lot::Column::DistrictId,
        )))
        .into_model::<Given>()
        .all(db)
        .await?;
    let needs: Vec<DistrictNeed> = districts
        .iter()
        .map(|d| {
            let g = given.iter().find(|g| g.district_id == d.id);
            let daily_rate = g.map_or(0.0, |g| g.recent as f64 / 14.0);
            let need = match basis {
                NeedBasis::RemainingNeed => std::cmp::max(
                    d.adults_18_plus.unwrap_or(0) * i64::from(vaccine.doses_in_schedule)
                        - g.map_or(0, |g| g.total),
                    0,
                ),
                NeedBasis::DaysOfStock => (daily_rate * horizon_days as f64).ceil() as i64,
            };
            DistrictNeed {
                district_id: d.id,
                need,
                daily_rate,
            }
        })
        .collect();
    let stock: Vec<LotStock> = lots
        .iter()
        .map(|l| LotStock {
            lot_id: l.id,
            district_id: l.district_id,
            expires_on: l.expires_on,
            available: stock::available(l),
        })
        .collect();
    let params = Params {
        today,
        transit_days: TRANSIT_DAYS,
        default_days_to_use: 7,
    };
    Ok(rebalance::suggest(&needs, &stock, params)
        .into_iter()
        .filter(|s| match scope {
            Scope::District { district_id, .. } => {
                s.from_district_id == district_id || s.to_district_id == district_id
            }
            _ => true,
        })
        .filter_map(|s| {
            lots.iter()
                .find(|l| l.id == s.lot_id)
                .cloned()
                .map(|lot| SuggestionView {
                    suggestion: s,
                    vaccine_id: vaccine.id,
                    lot,
                })
        })
        .collect())
}

/// Words for a suggestion's reasons, for its explanation.
pub fn describe(reasons: &[Reason]) -> &'static str {
    match (
        reasons.contains(&Reason::Surplus),
        reasons.contains(&Reason::Expiry),
    ) {
        (true, true) => "the source holds more than it needs and would let some expire",
        (true, false) => "the source holds more than it needs",
        (false, true) => "the source would let these doses expire at its pace",
        (false, false) => "the destination is short",
    }
}

const SUGGESTION_PREFIX: &str = "s1:";

/// A suggestion's id: what to move, where. Turning it into a request re-checks everything.
pub fn suggestion_id(s: &rebalance::Suggestion) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
        "{SUGGESTION_PREFIX}{}:{}:{}",
        s.lot_id, s.to_district_id, s.doses
    ))
}

fn parse_suggestion_id(id: &str) -> AppResult<(i32, i32, i64)> {
    use base64::Engine;
    let bad = || AppError::bad_input("suggestionId", "not an id from rebalancingSuggestions");
    if id.len() > 128 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text
        .strip_prefix(SUGGESTION_PREFIX)
        .ok_or_else(bad)?
        .split(':');
    let lot = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let to = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let doses = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok((lot, to, doses))
}

/// Turns a rebalancing suggestion into a transfer request, in one step.
pub async fn request_suggested(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    suggestion: &str,
    idempotency_key: Option<String>,
) -> AppResult<transfer::Model> {
    policy::require(actor, Resource::Transfer, Action::Write)?;
    let (lot_id, to_district_id, doses) = parse_suggestion_id(suggestion)?;
    let to = district::Entity::find_by_id(to_district_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::bad_input("suggestionId", "its district no longer exists"))?;
    let input = RequestTransfer {
        lot_id,
        to_district_code: to.code,
        doses,
        reason: Some("rebalancing suggestion".into()),
        idempotency_key,
    };
    request(db, events, actor, input).await
}
