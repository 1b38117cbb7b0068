//! The demo's stock: lots of several vaccines in every district, recent administrations, and transfers
//! at each step of the workflow.

use chrono::Duration;
use entity::{Role, district, vaccine_lot};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::admin::agencies;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::state::AppState;
use crate::stock::ledger::{self, Consume};
use crate::stock::lots::{self, ReceiveLot};
use crate::transfers::request::{self, RequestTransfer};
use crate::transfers::workflow;

/// Demo stock: lots of several vaccines across the districts, with recent administrations, so that some
/// districts hold far more than they use, some run short, and some lots are close to expiry; and a few
/// transfers at each step of the workflow.
pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let actor = Actor::acting_as(&health, None, Role::Approver, "demo-loader");
    let ctx = state.ctx(&actor);
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .all(ctx.db)
        .await?;
    let mut first_lots = Vec::new();
    for (i, d) in districts.iter().enumerate() {
        first_lots.extend(stock_district(&ctx, i, d).await?);
    }
    transfers_at_each_step(&ctx, &first_lots, &districts).await
}

/// The lots of the `i`th district, with two weeks of administrations; returns its AstraZeneca lot.
async fn stock_district(
    ctx: &Ctx<'_>,
    i: usize,
    d: &district::Model,
) -> AppResult<Option<vaccine_lot::Model>> {
    let today = ctx.today();
    let mut first_lot = None;
    let n: i64 = d.code.parse().unwrap_or(0);
    for (vaccine, lot_number, doses, expires_in, daily) in planned_lots(i, n) {
        let (lot, _) = lots::receive_lot(
            ctx,
            ReceiveLot {
                district_code: d.code.clone(),
                vaccine_code: vaccine.into(),
                lot_number,
                expires_on: today + Duration::days(expires_in),
                doses,
                allocation_ref: Some("Quyết định phân bổ (illustrative)".into()),
                idempotency_key: None,
            },
        )
        .await?;
        // Two weeks of administrations in two entries.
        for dose_number in [1, 2] {
            let consume = Consume {
                lot_id: lot.id,
                doses: daily * 7,
                dose_number: Some(dose_number),
                reason: None,
                idempotency_key: None,
            };
            ledger::record_administration(ctx, consume).await?;
        }
        if vaccine == "ASTRAZENECA" {
            first_lot = Some(lot);
        }
    }
    Ok(first_lot)
}

/// The lots of the `i`th district (GSO code `n`): vaccine, lot number, doses, days to expiry, doses given
/// a day.
fn planned_lots(i: usize, n: i64) -> Vec<(&'static str, String, i64, i64, i64)> {
    // Doses given per day recently, and how many days of that pace the district holds.
    let rate = 20 + (n * 37) % 180;
    let days_held = [90, 8, 35, 20][i % 4];
    let mut lots = vec![(
        "ASTRAZENECA",
        format!("AZ{}{:03}", 2100 + (n % 7), n),
        rate * (days_held + 14),
        60 + n % 90,
        rate,
    )];
    if i.is_multiple_of(3) {
        // Pfizer close to expiry where it is used slowly: the directive's "doses left to expire".
        lots.push((
            "PFIZER",
            format!("PF{}{:03}", 3100 + (n % 5), n),
            600 + (n % 4) * 150 + 10 * 14,
            5 + n % 9,
            10,
        ));
    } else if i % 3 == 1 {
        // Districts that use Pfizer fast and hold little of it.
        lots.push((
            "PFIZER",
            format!("PF{}{:03}", 3200 + (n % 5), n),
            300 + 60 * 14,
            40,
            60,
        ));
    }
    if i.is_multiple_of(2) {
        lots.push((
            "VEROCELL",
            format!("VC{}{:03}", 4200 + (n % 3), n),
            2_000 + (n % 6) * 500 + 40 * 14,
            150,
            40,
        ));
    }
    if i % 9 == 4 {
        lots.push((
            "ABDALA",
            format!("AB{}{:03}", 5300, n),
            3_000 + 60 * 14,
            120,
            60,
        ));
    }
    lots
}

/// A few transfers between neighbouring districts, one at each step of the workflow.
async fn transfers_at_each_step(
    ctx: &Ctx<'_>,
    first_lots: &[vaccine_lot::Model],
    districts: &[district::Model],
) -> AppResult<()> {
    let pairs: Vec<(usize, usize)> = vec![(0, 1), (4, 5), (8, 9), (12, 13), (16, 17)];
    for (step, (from, to)) in pairs.into_iter().enumerate() {
        let (Some(lot), Some(dest)) = (first_lots.get(from), districts.get(to)) else {
            continue;
        };
        let ask = RequestTransfer {
            lot_id: lot.id,
            to_district_code: dest.code.clone(),
            doses: 500,
            reason: Some("short of doses for second injections".into()),
            idempotency_key: None,
        };
        let t = request::request(ctx, ask).await?;
        if step >= 1 {
            workflow::approve(ctx, t.id).await?;
        }
        if step >= 2 {
            workflow::dispatch(ctx, t.id).await?;
        }
        if step >= 3 {
            workflow::receive(
                ctx,
                t.id,
                if step == 4 { 490 } else { 500 },
                (step == 4).then(|| "one box of 10 doses broken in transit".into()),
            )
            .await?;
        }
    }
    Ok(())
}
