//! The doses the province allocated to each district for ages 15 to 17 (002: "by 10/12 every dose
//! allocated for ages 15-17 used"), and the share of them used.
//!
//! An allocation is the district's **total** allocation for the group as of a day, not an addition:
//! a later day's allocation supersedes it from that day on, and a second allocation for the same
//! district and day replaces the first. The allocation that counts on a day is the latest one up to it.
//! The doses used are the adolescents 15 to 17 with dose 1 plus those with dose 2, as reported on the
//! district's latest daily vaccination report up to that day.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::adolescent_allocation;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::settings::district_of_province;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed};
use crate::kit::{self, Ctx, Record, Text, text};
use crate::policy::{self, Action, Resource};
use crate::reports::figures::MAX_FIGURE;

impl Record for adolescent_allocation::Entity {
    const NAME: &'static str = "adolescent allocation";
    const ID: Self::Column = adolescent_allocation::Column::Id;
}

/// An allocation to record (`setAdolescentAllocation`).
#[derive(Debug, Clone, Serialize)]
pub struct SetAllocation {
    pub district_code: String,
    /// The district's total allocation for ages 15 to 17 as of `as_of`, in doses.
    pub doses: i64,
    pub as_of: NaiveDate,
    pub note: Option<String>,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// Records a district's allocation for ages 15 to 17 as of a day (province HEALTH or STEERING_COMMITTEE,
/// role APPROVER), replacing the one of the same district and day; audited in the same transaction.
/// BAD_USER_INPUT on an unknown district (`districtCode`) and on doses outside 0 to
/// [`MAX_FIGURE`] (`doses`); nothing is written on failure.
#[tracing::instrument(skip_all, fields(district.code = %input.district_code, as_of = %input.as_of))]
pub async fn set_allocation(
    ctx: &Ctx<'_>,
    input: SetAllocation,
) -> AppResult<adolescent_allocation::Model> {
    policy::require(ctx.actor, Resource::Target, Action::Approve)?;
    if !(0..=MAX_FIGURE).contains(&input.doses) {
        return Err(AppError::bad_input(
            "doses",
            format!("a number of doses from 0 to {MAX_FIGURE}"),
        ));
    }
    let note = text("note", input.note.as_deref(), Text::optional(500))?;
    let hash = idempotency::request_hash(&input);
    let request = Keyed::new(
        "setAdolescentAllocation",
        input.idempotency_key.as_deref(),
        &hash,
    );
    let (row, _) = idempotency::once(ctx, request, existing, |w| {
        let (input, note) = (input.clone(), note.clone());
        Box::pin(async move {
            let d = district_of_province(w, &input.district_code).await?;
            let before = adolescent_allocation::Entity::find()
                .filter(adolescent_allocation::Column::DistrictId.eq(d.id))
                .filter(adolescent_allocation::Column::AsOf.eq(input.as_of))
                .one(&**w)
                .await?;
            let row = adolescent_allocation::ActiveModel {
                id: before.as_ref().map_or(NotSet, |b| Set(b.id)),
                district_id: Set(d.id),
                as_of: Set(input.as_of),
                doses: Set(input.doses),
                note: Set(note),
                set_by: Set(w.ctx().actor.label()),
                updated_at: Set(w.now()),
            };
            let after = match &before {
                Some(b) => {
                    let after = row.update(&**w).await?;
                    w.audit_changed(
                        "adolescent_allocation.set",
                        "adolescent_allocation",
                        after.id,
                        b,
                        &after,
                    )
                    .await?;
                    after
                }
                None => {
                    let after = row.insert(&**w).await?;
                    w.audit_created(
                        "adolescent_allocation.set",
                        "adolescent_allocation",
                        after.id,
                        &after,
                    )
                    .await?;
                    after
                }
            };
            let id = i64::from(after.id);
            Ok((after, id))
        })
    })
    .await?;
    Ok(row)
}

fn existing(
    txn: &DatabaseTransaction,
    id: i64,
) -> idempotency::TxnFuture<'_, adolescent_allocation::Model> {
    Box::pin(async move { kit::by_id::<adolescent_allocation::Entity>(txn, id).await })
}

/// Each district's allocation for ages 15 to 17 on `as_of`: the latest recorded up to that day.
pub async fn allocated_on(
    conn: &impl ConnectionTrait,
    district_ids: &[i32],
    as_of: NaiveDate,
) -> AppResult<HashMap<i32, i64>> {
    let rows = adolescent_allocation::Entity::find()
        .filter(adolescent_allocation::Column::DistrictId.is_in(district_ids.iter().copied()))
        .filter(adolescent_allocation::Column::AsOf.lte(as_of))
        .order_by_asc(adolescent_allocation::Column::AsOf)
        .all(conn)
        .await?;
    // Oldest first: the latest day's allocation is the last inserted.
    Ok(rows.into_iter().map(|r| (r.district_id, r.doses)).collect())
}

/// The share of an allocation used: `used / allocated`; `None` when either is missing or nothing was
/// allocated. Not capped: above 1 when more doses were reported than allocated.
pub fn used_share(used: Option<i64>, allocated: Option<i64>) -> Option<f64> {
    match (used, allocated) {
        (Some(u), Some(a)) if a > 0 => Some(u as f64 / a as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_needs_both_figures_and_an_allocation() {
        assert_eq!(used_share(Some(900), Some(1_000)), Some(0.9));
        assert_eq!(used_share(Some(1_200), Some(1_000)), Some(1.2));
        assert_eq!(used_share(None, Some(1_000)), None);
        assert_eq!(used_share(Some(10), None), None);
        assert_eq!(used_share(Some(10), Some(0)), None);
    }
}
