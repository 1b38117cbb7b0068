//! Rebalancing suggestions: the figures gathered for one vaccine over the province (need per district,
//! usable lots), handed to [`rebalance::suggest`], and a suggestion turned into a transfer request.

use chrono::Duration;
use entity::{StockEventKind, district, stock_event, transfer, vaccine, vaccine_lot};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, RelationTrait,
};

use super::rebalance::{self, DistrictNeed, LotStock, Params, Reason};
use super::request::{self, RequestTransfer};
use super::suggestion_id::{self, SuggestedMove};
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::kit::{self, Ctx};
use crate::policy::{self, Action, Resource, Scope};
use crate::stock::ledger;
use crate::targets::coverage::{self, Coverage};

/// Days doses are assumed to spend on the road between districts.
pub const TRANSIT_DAYS: i64 = 2;

/// Days of recent administrations a district's pace is measured over.
const RECENT_DAYS: i64 = 14;

/// How a district's need for doses is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedBasis {
    /// The doses still needed to give one course per eligible person, from the latest reported
    /// coverage ([`remaining_need`]); without a report, adults 18+ times the doses in the schedule
    /// less the doses of this vaccine already given there.
    RemainingNeed,
    /// The doses the district would give over the horizon at its rate of the last 14 days.
    DaysOfStock,
}

/// A suggested move, with its source lot.
#[derive(Debug, Clone)]
pub struct SuggestedTransfer {
    pub suggestion: rebalance::Suggestion,
    pub vaccine_id: i32,
    pub lot: vaccine_lot::Model,
}

impl SuggestedTransfer {
    /// The id that `requestSuggestedTransfer` takes.
    pub fn id(&self) -> String {
        suggestion_id::encode(SuggestedMove {
            lot_id: self.suggestion.lot_id,
            to_district_id: self.suggestion.to_district_id,
            doses: self.suggestion.doses,
        })
    }

    /// The reasons in words.
    pub fn explanation(&self) -> String {
        format!(
            "{}; the destination is short of {} doses; lot {} expires {}",
            describe(&self.suggestion.reasons),
            self.suggestion.destination_shortage,
            self.lot.lot_number,
            self.lot.expires_on
        )
    }
}

/// Words for a suggestion's reasons.
fn describe(reasons: &[Reason]) -> &'static str {
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

/// Rebalancing suggestions for one vaccine over the caller's province (a district-level caller sees
/// those that involve its district).
#[tracing::instrument(skip_all, fields(vaccine = %vaccine_code, horizon_days))]
pub async fn suggestions(
    ctx: &Ctx<'_>,
    vaccine_code: &str,
    horizon_days: i64,
    basis: NeedBasis,
) -> AppResult<Vec<SuggestedTransfer>> {
    if !(1..=365).contains(&horizon_days) {
        return Err(AppError::bad_input("horizonDays", "1 to 365"));
    }
    let Some(scope) = policy::read_scope(ctx.actor, Resource::Transfer) else {
        return Ok(Vec::new());
    };
    if matches!(
        scope,
        Scope::TransfersToEscort { .. }
            | Scope::StaffedCheckpoints { .. }
            | Scope::Addressed { .. }
    ) {
        return Ok(Vec::new());
    }
    let vaccine = kit::by_code::<vaccine::Entity>(ctx.db, vaccine_code).await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(ctx.actor.province_id))
        .all(ctx.db)
        .await?;
    let today = ctx.today();
    let lots = vaccine_lot::Entity::find()
        .filter(vaccine_lot::Column::VaccineId.eq(vaccine.id))
        .filter(vaccine_lot::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(vaccine_lot::Column::ExpiresOn.gte(today))
        .all(ctx.db)
        .await?;
    let given = given_by_district(ctx, vaccine.id).await?;
    let coverage = coverage::series(ctx.db, &districts, today).await?;
    let latest = |id: i32| coverage.get(&id).and_then(|s| s.latest().copied());
    let needs = needs(&districts, &given, &vaccine, basis, horizon_days, latest);
    let stock: Vec<LotStock> = lots
        .iter()
        .map(|l| LotStock {
            lot_id: l.id,
            district_id: l.district_id,
            expires_on: l.expires_on,
            available: ledger::available(l),
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
            let lot = lots.iter().find(|l| l.id == s.lot_id)?.clone();
            Some(SuggestedTransfer {
                suggestion: s,
                vaccine_id: vaccine.id,
                lot,
            })
        })
        .collect())
}

/// Doses of one vaccine a district has given: in all, and over the last [`RECENT_DAYS`].
#[derive(Debug, FromQueryResult)]
struct Given {
    district_id: i32,
    total: i64,
    recent: i64,
}

async fn given_by_district(ctx: &Ctx<'_>, vaccine_id: i32) -> AppResult<Vec<Given>> {
    use stock_event::Column as E;
    let since = ctx.now() - Duration::days(RECENT_DAYS);
    let doses = || Expr::col((stock_event::Entity, E::Doses));
    let recent = Expr::case(Expr::col((stock_event::Entity, E::At)).gte(since), doses()).finally(0);
    let district = || Expr::col((vaccine_lot::Entity, vaccine_lot::Column::DistrictId));
    Ok(stock_event::Entity::find()
        .select_only()
        .column_as(district(), "district_id")
        .column_as(doses().sum().mul(-1).cast_as("BIGINT"), "total")
        .column_as(recent.sum().mul(-1).cast_as("BIGINT"), "recent")
        .join(JoinType::InnerJoin, stock_event::Relation::Lot.def())
        .filter(vaccine_lot::Column::VaccineId.eq(vaccine_id))
        .filter(E::Kind.eq(StockEventKind::Administered))
        .group_by(district())
        .into_model::<Given>()
        .all(ctx.db)
        .await?)
}

/// Each district's need over the horizon, and its recent daily pace.
fn needs(
    districts: &[district::Model],
    given: &[Given],
    vaccine: &vaccine::Model,
    basis: NeedBasis,
    horizon_days: i64,
    latest: impl Fn(i32) -> Option<Coverage>,
) -> Vec<DistrictNeed> {
    districts
        .iter()
        .map(|d| {
            let g = given.iter().find(|g| g.district_id == d.id);
            let daily_rate = g.map_or(0.0, |g| g.recent as f64 / RECENT_DAYS as f64);
            let need = match basis {
                NeedBasis::RemainingNeed => match latest(d.id) {
                    Some(c) => remaining_need(&c, vaccine.doses_in_schedule),
                    None => std::cmp::max(
                        d.adults_18_plus.unwrap_or(0) * i64::from(vaccine.doses_in_schedule)
                            - g.map_or(0, |g| g.total),
                        0,
                    ),
                },
                NeedBasis::DaysOfStock => (daily_rate * horizon_days as f64).ceil() as i64,
            };
            DistrictNeed {
                district_id: d.id,
                need,
                daily_rate,
            }
        })
        .collect()
}

/// Doses still needed in a district for one course per eligible person: those without dose 1 need the
/// whole schedule, those with dose 1 but not done need the rest of it (one dose less):
/// `(eligible - dose1) * schedule + (dose1 - completed) * (schedule - 1)`, never below zero.
pub fn remaining_need(c: &Coverage, doses_in_schedule: i32) -> i64 {
    let schedule = i64::from(std::cmp::max(doses_in_schedule, 1));
    let not_started = std::cmp::max(c.eligible - c.dose1, 0);
    let in_progress = std::cmp::max(c.dose1 - c.completed, 0);
    not_started * schedule + in_progress * (schedule - 1)
}

/// Turns a rebalancing suggestion into a transfer request, in one step.
pub async fn request_suggested(
    ctx: &Ctx<'_>,
    suggestion: &str,
    idempotency_key: Option<String>,
) -> AppResult<transfer::Model> {
    policy::require(ctx.actor, Resource::Transfer, Action::Write)?;
    let moved = suggestion_id::decode(suggestion)?;
    let to = match lookup::by_id(ctx.db, moved.to_district_id).await {
        Err(AppError::NotFound { .. }) => Err(AppError::bad_input(
            "suggestionId",
            "its district no longer exists",
        )),
        found => found,
    }?;
    let input = RequestTransfer {
        lot_id: moved.lot_id,
        to_district_code: to.code,
        doses: moved.doses,
        reason: Some("rebalancing suggestion".into()),
        idempotency_key,
    };
    request::request(ctx, input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cov(eligible: i64, dose1: i64, completed: i64) -> Coverage {
        Coverage {
            day: chrono::NaiveDate::from_ymd_opt(2021, 12, 10).expect("date"),
            eligible,
            dose1,
            completed,
            adolescents_dose1: None,
            adolescents_dose2: None,
        }
    }

    #[test]
    fn remaining_need_counts_one_course_per_person() {
        // 1,000 without dose 1 need 2 doses each, 500 half-way need 1: 2,500 doses of a 2-dose vaccine.
        assert_eq!(remaining_need(&cov(10_000, 9_000, 8_500), 2), 2_500);
        // Abdala: 3 doses; the half-way need 2 more.
        assert_eq!(remaining_need(&cov(10_000, 9_000, 8_500), 3), 4_000);
        // Coverage complete: nothing needed, every dose held is surplus.
        assert_eq!(remaining_need(&cov(10_000, 10_000, 10_000), 2), 0);
    }
}
