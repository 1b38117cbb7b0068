//! One person across posts: every crossing (traveller entry) of an id number, oldest first, for
//! province HEALTH and POLICE; each record found is audited as a personal read of its id number.

use entity::traveller;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::identity::valid_identity;
use crate::audit::{self, PersonalRead};
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// Most crossings returned for one id number.
const MAX_CROSSINGS: u64 = 500;

/// Every crossing of `id_number`, oldest first (their follow-ups nest under each).
#[tracing::instrument(skip_all)]
pub async fn of_id_number(ctx: &Ctx<'_>, id_number: &str) -> AppResult<Vec<traveller::Model>> {
    policy::require(ctx.actor, Resource::TravellerHistory, Action::Read)?;
    let id = id_number.trim().to_uppercase();
    if !valid_identity(&id) {
        return Err(AppError::bad_input(
            "idNumber",
            "a 12-digit citizen identity number, a 9-digit identity card number or a passport number",
        ));
    }
    let rows = traveller::Entity::find()
        .filter(traveller::Column::IdNumber.eq(id))
        .order_by_asc(traveller::Column::CrossedAt)
        .order_by_asc(traveller::Column::Id)
        .limit(MAX_CROSSINGS)
        .all(ctx.db)
        .await?;
    // Finding records by id number reads that field of each: audited before anything is returned.
    let reads: Vec<PersonalRead> = rows
        .iter()
        .map(|t| PersonalRead {
            entity: "traveller",
            id: t.id,
            fields: vec!["idNumber"],
        })
        .collect();
    audit::personal_reads(ctx, &reads).await?;
    Ok(rows)
}
