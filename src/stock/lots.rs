//! Lots coming into a district: an allocation received, and the lot a district holds under a number
//! (made empty when it holds none, for a receipt or a transfer's arrival).

use chrono::NaiveDate;
use entity::{StockEventKind, vaccine, vaccine_lot};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, Set};
use serde::Serialize;

use super::ledger::{self, Movement, Recorded};
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed};
use crate::kit::{self, Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource};

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
pub async fn receive_lot(ctx: &Ctx<'_>, mut input: ReceiveLot) -> AppResult<Recorded> {
    let scope = policy::require(ctx.actor, Resource::Stock, Action::Write)?;
    validate_lot_number(&input.lot_number)?;
    ledger::validate_doses("doses", input.doses)?;
    let hash = idempotency::request_hash(&input);
    input.allocation_ref = text(
        "allocationRef",
        input.allocation_ref.as_deref(),
        Text::optional(500),
    )?;
    if input.expires_on < ctx.today() {
        return Err(AppError::bad_input(
            "expiresOn",
            "the lot has already expired",
        ));
    }
    let request = Keyed::new("receiveLot", input.idempotency_key.as_deref(), &hash);
    let (result, _) = idempotency::once(ctx, request, ledger::existing_event, |w| {
        let input = input.clone();
        Box::pin(async move {
            let district = lookup::by_code(&**w, &input.district_code).await?;
            if !scope.covers_district(district.id, district.province_id) {
                return Err(AppError::forbidden(format!(
                    "district {} is outside your scope",
                    district.code
                )));
            }
            let vaccine = kit::by_code::<vaccine::Entity>(&**w, &input.vaccine_code).await?;
            let lot = lot_for(
                w,
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
            let movement = Movement::ledger(StockEventKind::Received, input.doses)
                .because(input.allocation_ref);
            ledger::record(w, "stock.receive", None, lot.id, movement).await
        })
    })
    .await?;
    Ok(result)
}

/// The district's lot of that number, made empty (with the vaccine and expiry given) when it has none;
/// its balance comes only from ledger movements. Insert-or-nothing, then read: two transactions creating
/// one lot at once both end with the same row instead of one failing on the unique index. The caller
/// checks the vaccine and expiry of what it got.
pub async fn lot_for(
    w: &Write<'_>,
    lot_number: &str,
    vaccine_id: i32,
    district_id: i32,
    expires_on: NaiveDate,
    allocation_ref: Option<&str>,
) -> AppResult<vaccine_lot::Model> {
    use vaccine_lot::Column as C;
    let txn: &DatabaseTransaction = w;
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
        created_at: Set(w.now()),
        updated_at: Set(w.now()),
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
