//! The transfer workflow, one state machine:
//!
//! ```text
//! (request) -> REQUESTED -> APPROVED -> DISPATCHED -> RECEIVED
//!                  |            |
//!                  +-> REJECTED +-> CANCELLED   (REQUESTED or APPROVED -> CANCELLED)
//! ```
//!
//! A request creates a transfer (`request.rs`). Every later step is one [`Step`], whose [`Rule`] says
//! who may take it, from which statuses, to which status, and what it does to stock; [`take`] applies
//! any rule the same way: the status moves with a versioned update (a step raced by another answers
//! CONFLICT), stock moves in the same write, audited as `transfer.<step>`, and subscribers hear of it on
//! commit.

use entity::{TransferStatus, district, transfer, vaccine_lot};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, Set};

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::kit::{self, Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource, Scope};
use crate::stock::ledger::{self, Movement};
use crate::stock::lots;

/// Reasons and notes given with a transfer: one line, at most 500 characters.
pub(super) const REASON: Text = Text::optional(500);

/// The transfer with this id, whoever may see it; NOT_FOUND when there is none.
pub(super) async fn by_id(db: &impl ConnectionTrait, id: i32) -> AppResult<transfer::Model> {
    kit::by_id::<transfer::Entity>(db, id).await
}

pub(super) fn event_of(t: &transfer::Model) -> DomainEvent {
    DomainEvent::Transfer {
        transfer_id: t.id,
        from_district_id: t.from_district_id,
        to_district_id: t.to_district_id,
    }
}

pub(super) fn covers(scope: &Scope, d: &district::Model) -> bool {
    scope.covers_district(d.id, d.province_id)
}

/// INVALID_STATE for a lot expired today (province time); `then` finishes the message.
pub(super) fn refuse_expired(w: &Write<'_>, lot: &vaccine_lot::Model, then: &str) -> AppResult<()> {
    if ledger::is_expired(lot, w.ctx().today()) {
        return Err(AppError::InvalidState(format!(
            "lot {} expired on {}{then}",
            lot.lot_number, lot.expires_on
        )));
    }
    Ok(())
}

/// A step of the workflow after the request, with what the caller gives for it.
#[derive(Debug, Clone)]
pub enum Step {
    Approve,
    Reject {
        reason: String,
    },
    Dispatch,
    Receive {
        doses_received: i64,
        shortfall_reason: Option<String>,
    },
    Cancel {
        reason: String,
    },
}

/// Which side of the transfer takes a step: a caller whose scope covers that district.
#[derive(Debug, Clone, Copy)]
enum Side {
    Source,
    Destination,
    Either,
}

/// What a step does to the stock of the lots involved.
#[derive(Debug, Clone, Copy)]
enum StockEffect {
    /// Nothing moves.
    Untouched,
    /// The doses are held back at the source lot (not for an expired lot).
    Reserve,
    /// Doses held back at the source lot, if the transfer was approved, are freed.
    Release,
    /// The reserved doses leave the source lot (not an expired lot).
    MoveOut,
    /// The doses join the destination's lot of the same number; a shortfall is written off there as
    /// wasted, with its reason.
    MoveIn,
}

/// The whole rule of one step.
#[derive(Debug, Clone, Copy)]
struct Rule {
    /// As audited (`transfer.approve`) and in messages ("cannot be approved now").
    name: &'static str,
    /// The policy actions on transfers that allow it; the first the caller holds gives its scope.
    by: &'static [Action],
    side: Side,
    from: &'static [TransferStatus],
    to: TransferStatus,
    stock: StockEffect,
}

impl Step {
    /// The transitions, each listed once: the policy actions on transfers that allow the step (the
    /// first the caller holds gives its scope), the side of the transfer that scope must cover, the
    /// statuses it leaves from, the status it reaches, and what it does to stock.
    #[rustfmt::skip]
    fn rule(&self) -> Rule {
        use Side::*;
        use StockEffect::*;
        use TransferStatus::*;
        const APPROVE: &[Action] = &[Action::Approve];
        const WRITE: &[Action] = &[Action::Write];
        // Either side, or an approver, may call a transfer off before it leaves.
        const APPROVE_OR_WRITE: &[Action] = &[Action::Approve, Action::Write];
        match self {
            Step::Approve        => Rule { name: "approve",  by: APPROVE,          side: Source,      from: &[Requested],           to: Approved,   stock: Reserve },
            Step::Reject { .. }  => Rule { name: "reject",   by: APPROVE,          side: Source,      from: &[Requested],           to: Rejected,   stock: Untouched },
            Step::Dispatch       => Rule { name: "dispatch", by: WRITE,            side: Source,      from: &[Approved],            to: Dispatched, stock: MoveOut },
            Step::Receive { .. } => Rule { name: "receive",  by: WRITE,            side: Destination, from: &[Dispatched],          to: Received,   stock: MoveIn },
            Step::Cancel { .. }  => Rule { name: "cancel",   by: APPROVE_OR_WRITE, side: Either,      from: &[Requested, Approved], to: Cancelled,  stock: Release },
        }
    }

    /// The step with its free text checked and trimmed.
    fn checked(self) -> AppResult<Step> {
        Ok(match self {
            Step::Reject { reason } => Step::Reject {
                reason: required_reason(&reason)?,
            },
            Step::Cancel { reason } => Step::Cancel {
                reason: required_reason(&reason)?,
            },
            Step::Receive {
                doses_received,
                shortfall_reason,
            } => Step::Receive {
                doses_received,
                shortfall_reason: text("shortfallReason", shortfall_reason.as_deref(), REASON)?,
            },
            other => other,
        })
    }
}

fn required_reason(reason: &str) -> AppResult<String> {
    let rule = Text::required(REASON.max);
    Ok(text("reason", Some(reason), rule)?.unwrap_or_default())
}

impl Rule {
    /// The caller's scope under the first of the rule's actions it holds; FORBIDDEN when none.
    fn scope(&self, actor: &crate::auth::Actor) -> AppResult<Scope> {
        let held = self
            .by
            .iter()
            .find_map(|&action| policy::decide(actor, Resource::Transfer, action));
        match (held, self.by.last()) {
            (Some(scope), _) => Ok(scope),
            (None, Some(&action)) => policy::require(actor, Resource::Transfer, action),
            (None, None) => Err(AppError::Internal(format!("{} names no action", self.name))),
        }
    }

    /// FORBIDDEN unless the scope covers the side of `t` that takes the step.
    async fn check_side(&self, w: &Write<'_>, scope: &Scope, t: &transfer::Model) -> AppResult<()> {
        let from = lookup::by_id(&**w, t.from_district_id).await?;
        let to = lookup::by_id(&**w, t.to_district_id).await?;
        let allowed = match self.side {
            Side::Source => covers(scope, &from),
            Side::Destination => covers(scope, &to),
            Side::Either => covers(scope, &from) || covers(scope, &to),
        };
        if !allowed {
            return Err(AppError::forbidden(format!(
                "transfer {} is not yours to {}",
                t.id, self.name
            )));
        }
        Ok(())
    }

    /// INVALID_STATE unless `t` is in a status the step leaves from.
    fn check_status(&self, t: &transfer::Model) -> AppResult<()> {
        if !self.from.contains(&t.status) {
            return Err(AppError::InvalidState(format!(
                "transfer {} is {}; it cannot be {}d now",
                t.id,
                t.status.as_str(),
                self.name
            )));
        }
        Ok(())
    }
}

/// Approves a requested transfer and reserves its doses at the source.
pub async fn approve(ctx: &Ctx<'_>, id: i32) -> AppResult<transfer::Model> {
    take(ctx, id, Step::Approve).await
}

/// Refuses a requested transfer.
pub async fn reject(ctx: &Ctx<'_>, id: i32, reason: String) -> AppResult<transfer::Model> {
    take(ctx, id, Step::Reject { reason }).await
}

/// Sends an approved transfer: its doses leave the source lot.
pub async fn dispatch(ctx: &Ctx<'_>, id: i32) -> AppResult<transfer::Model> {
    take(ctx, id, Step::Dispatch).await
}

/// Records the arrival of a dispatched transfer; doses missing are written off with their reason.
pub async fn receive(
    ctx: &Ctx<'_>,
    id: i32,
    doses_received: i64,
    shortfall_reason: Option<String>,
) -> AppResult<transfer::Model> {
    let step = Step::Receive {
        doses_received,
        shortfall_reason,
    };
    take(ctx, id, step).await
}

/// Calls off a transfer before dispatch, releasing any reservation.
pub async fn cancel(ctx: &Ctx<'_>, id: i32, reason: String) -> AppResult<transfer::Model> {
    take(ctx, id, Step::Cancel { reason }).await
}

/// Takes one step of transfer `id` by its rule.
#[tracing::instrument(skip_all, fields(transfer.id = id, step = step.rule().name))]
pub async fn take(ctx: &Ctx<'_>, id: i32, step: Step) -> AppResult<transfer::Model> {
    let rule = step.rule();
    let scope = rule.scope(ctx.actor)?;
    let step = step.checked()?;
    let mut w = ctx.write().await?;
    let before = by_id(&*w, id).await?;
    rule.check_side(&w, &scope, &before).await?;
    rule.check_status(&before)?;
    let lot = ledger::lot_by_id(&*w, before.from_lot_id).await?;
    let effect = stock_effect(&w, rule.stock, &step, &before, &lot).await?;
    let row = recorded(&w, rule, step, &before, effect.to_lot_id);
    let same_status = Condition::all().add(transfer::Column::Status.eq(before.status));
    let after = w
        .update_versioned::<transfer::Entity>(id, before.version, row, same_status)
        .await?;
    let action = format!("transfer.{}", rule.name);
    w.audit_changed(&action, "transfer", id, &before, &after)
        .await?;
    // Balance changes go last, just before commit: on PostgreSQL the lot row stays locked from its
    // update to the end of the transaction, and a busy lot is shared by many transfers.
    for (lot_id, movement) in effect.movements {
        ledger::apply(&w, lot_id, movement).await?;
    }
    w.emit(event_of(&after)).await?;
    w.commit().await?;
    Ok(after)
}

/// The stock side of a step: movements to apply, and the destination's lot when doses arrive there.
#[derive(Default)]
struct Effect {
    movements: Vec<(i32, Movement)>,
    to_lot_id: Option<i32>,
}

async fn stock_effect(
    w: &Write<'_>,
    effect: StockEffect,
    step: &Step,
    t: &transfer::Model,
    lot: &vaccine_lot::Model,
) -> AppResult<Effect> {
    let on_source = |movement: Movement| Effect {
        movements: vec![(lot.id, movement.of_transfer(t.id))],
        to_lot_id: None,
    };
    Ok(match effect {
        StockEffect::Untouched => Effect::default(),
        StockEffect::Reserve => {
            refuse_expired(w, lot, "")?;
            on_source(Movement::reservation(t.doses))
        }
        StockEffect::Release if t.status == TransferStatus::Approved => {
            on_source(Movement::reservation(-t.doses))
        }
        StockEffect::Release => Effect::default(),
        StockEffect::MoveOut => {
            refuse_expired(w, lot, "; cancel the transfer")?;
            on_source(Movement::dispatch(t.doses))
        }
        StockEffect::MoveIn => match step {
            Step::Receive {
                doses_received,
                shortfall_reason,
            } => arrival(w, t, lot, *doses_received, shortfall_reason.as_deref()).await?,
            _ => return Err(AppError::Internal("doses arrive only on receipt".into())),
        },
    })
}

/// The doses dispatched join the destination's lot; those that did not arrive are written off there.
async fn arrival(
    w: &Write<'_>,
    t: &transfer::Model,
    source: &vaccine_lot::Model,
    received: i64,
    shortfall_reason: Option<&str>,
) -> AppResult<Effect> {
    if !(0..=t.doses).contains(&received) {
        return Err(AppError::bad_input(
            "dosesReceived",
            format!("0 to the {} doses dispatched", t.doses),
        ));
    }
    let shortfall = t.doses - received;
    if shortfall > 0 && shortfall_reason.is_none() {
        return Err(AppError::bad_input(
            "shortfallReason",
            format!("{shortfall} doses short: say why"),
        ));
    }
    let to_lot = destination_lot(w, source, t.to_district_id).await?;
    let mut movements = vec![(
        to_lot.id,
        Movement::ledger(entity::StockEventKind::TransferIn, t.doses).of_transfer(t.id),
    )];
    if shortfall > 0 {
        let reason = format!(
            "shortfall on receipt of transfer {}: {}",
            t.id,
            shortfall_reason.unwrap_or("")
        );
        let lost = Movement::ledger(entity::StockEventKind::Wasted, -shortfall)
            .because(Some(reason))
            .of_transfer(t.id);
        movements.push((to_lot.id, lost));
    }
    Ok(Effect {
        movements,
        to_lot_id: Some(to_lot.id),
    })
}

/// The destination's lot with the same lot number, created if it holds none yet. A lot number the
/// destination already holds for another vaccine or expiry cannot take these doses.
async fn destination_lot(
    w: &Write<'_>,
    source: &vaccine_lot::Model,
    to_district_id: i32,
) -> AppResult<vaccine_lot::Model> {
    let lot = lots::lot_for(
        w,
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

/// What the step writes on the transfer: the status reached, who took it and when, and what the caller
/// gave (a closing reason; the doses received and why some are missing).
fn recorded(
    w: &Write<'_>,
    rule: Rule,
    step: Step,
    before: &transfer::Model,
    to_lot_id: Option<i32>,
) -> transfer::ActiveModel {
    let (by, at) = (Set(Some(w.ctx().actor.label())), Set(Some(w.now())));
    let mut row = transfer::ActiveModel {
        status: Set(rule.to),
        ..Default::default()
    };
    match rule.to {
        TransferStatus::Approved => (row.approved_by, row.approved_at) = (by, at),
        TransferStatus::Dispatched => (row.dispatched_by, row.dispatched_at) = (by, at),
        TransferStatus::Received => (row.received_by, row.received_at) = (by, at),
        TransferStatus::Rejected | TransferStatus::Cancelled => {
            (row.closed_by, row.closed_at) = (by, at)
        }
        TransferStatus::Requested => {}
    }
    match step {
        Step::Reject { reason } | Step::Cancel { reason } => {
            row.closing_reason = Set(Some(reason));
        }
        Step::Receive {
            doses_received,
            shortfall_reason,
        } => {
            row.to_lot_id = Set(to_lot_id);
            row.doses_received = Set(Some(doses_received));
            if doses_received < before.doses {
                row.shortfall_reason = Set(shortfall_reason);
            }
        }
        Step::Approve | Step::Dispatch => {}
    }
    row
}
