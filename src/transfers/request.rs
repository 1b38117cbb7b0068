//! The first step of a transfer: a request for doses from a lot of another district.

use entity::{TransferStatus, transfer};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, NotSet, Set};
use serde::Serialize;

use super::workflow::{REASON, by_id, covers, event_of, refuse_expired};
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed, TxnFuture};
use crate::kit::{Ctx, Write, text};
use crate::policy::{self, Action, Resource, Scope};
use crate::stock::ledger;

#[derive(Debug, Clone, Serialize)]
pub struct RequestTransfer {
    pub lot_id: i32,
    pub to_district_code: String,
    pub doses: i64,
    pub reason: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// A district short of doses (its HEALTH agency) or the province's HEALTH asks for doses from a lot of
/// another district. Nothing is reserved until approval, but the lot must have the doses available now.
#[tracing::instrument(skip_all, fields(lot.id = input.lot_id, to = %input.to_district_code))]
pub async fn request(ctx: &Ctx<'_>, mut input: RequestTransfer) -> AppResult<transfer::Model> {
    let scope = policy::require(ctx.actor, Resource::Transfer, Action::Write)?;
    ledger::validate_doses("doses", input.doses)?;
    let hash = idempotency::request_hash(&input);
    input.reason = text("reason", input.reason.as_deref(), REASON)?;
    let request = Keyed::new("requestTransfer", input.idempotency_key.as_deref(), &hash);
    let (created, _) = idempotency::once(ctx, request, existing, |w| {
        let input = input.clone();
        Box::pin(async move {
            let created = create(w, scope, input).await?;
            let id = i64::from(created.id);
            Ok((created, id))
        })
    })
    .await?;
    Ok(created)
}

async fn create(
    w: &mut Write<'_>,
    scope: Scope,
    input: RequestTransfer,
) -> AppResult<transfer::Model> {
    let to = lookup::by_code(&**w, &input.to_district_code).await?;
    if !covers(&scope, &to) {
        return Err(AppError::forbidden(format!(
            "you may request transfers only to your own district, not {}",
            to.code
        )));
    }
    let lot = ledger::lot_by_id(&**w, input.lot_id).await?;
    let from = lookup::by_id(&**w, lot.district_id).await?;
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
    refuse_expired(w, &lot, "; it cannot be transferred")?;
    if ledger::available(&lot) < input.doses {
        return Err(AppError::InsufficientStock(format!(
            "lot {} has {} doses available; {} requested",
            lot.lot_number,
            ledger::available(&lot),
            input.doses
        )));
    }
    let now = w.now();
    let created = transfer::ActiveModel {
        id: NotSet,
        from_lot_id: Set(lot.id),
        from_district_id: Set(from.id),
        to_district_id: Set(to.id),
        vaccine_id: Set(lot.vaccine_id),
        doses: Set(input.doses),
        status: Set(TransferStatus::Requested),
        reason: Set(input.reason),
        requested_by: Set(w.ctx().actor.label()),
        requested_at: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let created = created.insert(&**w).await?;
    w.audit_created("transfer.request", "transfer", created.id, &created)
        .await?;
    w.emit(event_of(&created)).await?;
    Ok(created)
}

fn existing(txn: &DatabaseTransaction, id: i64) -> TxnFuture<'_, transfer::Model> {
    Box::pin(async move {
        let id = i32::try_from(id).map_err(|_| AppError::not_found("transfer", id))?;
        by_id(txn, id).await
    })
}
