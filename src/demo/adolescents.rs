//! The demo's 15-17 milestone of 002 ("by 10/12 every dose allocated for ages 15-17 used"): a target of
//! 100 % for every district, allocations recorded for a few districts, all of them used but one, which
//! is short of its target and behind.

use chrono::{Datelike, Duration, NaiveDate};
use entity::{Role, TargetMeasure, district};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::admin::agencies;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::AppState;
use crate::targets::allocation::{self, SetAllocation};
use crate::targets::coverage;
use crate::targets::settings::{self, SetTarget};

/// Districts given an allocation whose doses are all used.
const USED_UP: [&str; 4] = ["380", "381", "388", "389"];
/// A district given half as many doses again as it used: short of its target.
pub const SHORT: &str = "391";

/// 10/12 of this year, or of the next once it has passed.
pub fn milestone_10_12(today: NaiveDate) -> NaiveDate {
    let this_year = NaiveDate::from_ymd_opt(today.year(), 12, 10).unwrap_or(today);
    if this_year >= today {
        this_year
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, 12, 10).unwrap_or(today)
    }
}

/// The target and the allocations, after the daily reports (which carry the adolescents' doses).
pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let actor = Actor::acting_as(&health, None, Role::Approver, "demo-loader");
    let ctx = state.ctx(&actor);
    let today = ctx.today();
    settings::set_target(
        &ctx,
        SetTarget {
            district_code: None,
            milestone: milestone_10_12(today),
            measure: TargetMeasure::AdolescentAllocationUsed,
            share: 1.0,
        },
    )
    .await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .filter(district::Column::Code.is_in(USED_UP.into_iter().chain([SHORT])))
        .all(&state.db)
        .await?;
    let series = coverage::series(&state.db, &districts, today).await?;
    for d in &districts {
        let Some(used) = series
            .get(&d.id)
            .and_then(|s| s.latest())
            .and_then(|c| c.adolescent_doses_used())
        else {
            continue;
        };
        // Allocations are recorded in hundreds of doses.
        let doses = if d.code == SHORT {
            used * 3 / 2 / 100 * 100
        } else {
            used / 100 * 100
        };
        allocation::set_allocation(
            &ctx,
            SetAllocation {
                district_code: d.code.clone(),
                doses,
                as_of: today - Duration::days(10),
                note: Some("Phân bổ vắc xin Pfizer cho trẻ 15-17 tuổi (minh họa)".into()),
                idempotency_key: None,
            },
        )
        .await?;
    }
    Ok(())
}
