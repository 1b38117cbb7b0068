//! Communes (xã, phường, thị trấn): loading the 2021 GSO list for the districts a database holds, and
//! listing a district's communes. Every agency reads them (they are reference data, like districts).

use std::collections::HashMap;

use entity::{CommuneKind, commune, district};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::lookup;
use super::service::fold;
use crate::error::{AppError, AppResult};
use crate::graphql::loaders::IdKeyed;
use crate::kit::Ctx;
use crate::policy::{self, Resource};

/// Communes nest by id (under follow-ups and alerts).
impl IdKeyed for commune::Entity {
    type Key = i32;
    const ID: Self::Column = commune::Column::Id;
    fn key(row: &commune::Model) -> i32 {
        row.id
    }
}

const COMMUNES_CSV: &str = include_str!("../../data/communes-2021.csv");

/// Loads the communes of those `districts` that have none yet, from the 2021 list; returns how many it
/// added. Reference data, written in the districts' import (whose audit row covers it).
pub async fn load_for<C: ConnectionTrait>(
    conn: &C,
    districts: &[district::Model],
) -> AppResult<usize> {
    let ids: Vec<i32> = districts.iter().map(|d| d.id).collect();
    let loaded: Vec<i32> = commune::Entity::find()
        .select_only()
        .column(commune::Column::DistrictId)
        .distinct()
        .filter(commune::Column::DistrictId.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    let by_code: HashMap<&str, i32> = districts
        .iter()
        .filter(|d| !loaded.contains(&d.id))
        .map(|d| (d.code.as_str(), d.id))
        .collect();
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    for line in COMMUNES_CSV.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let [code, name, kind, district_code, _] = f[..] else {
            continue;
        };
        let (Some(district_id), Some(kind)) =
            (by_code.get(district_code), CommuneKind::parse(kind))
        else {
            continue;
        };
        rows.push(commune::ActiveModel {
            id: NotSet,
            code: Set(code.into()),
            name: Set(name.into()),
            search_name: Set(fold(name)),
            kind: Set(kind),
            district_id: Set(*district_id),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    let added = rows.len();
    // Batches keep each statement under the engines' bound-parameter limits.
    for batch in rows.chunks(200) {
        commune::Entity::insert_many(batch.to_vec())
            .exec(conn)
            .await
            .map_err(AppError::from)?;
    }
    Ok(added)
}

/// The communes of a district, by code. NOT_FOUND for an unknown district; empty for a caller who may
/// not read districts.
pub async fn of_district(ctx: &Ctx<'_>, district_code: &str) -> AppResult<Vec<commune::Model>> {
    if policy::read_scope(ctx.actor, Resource::DistrictProfile).is_none() {
        return Ok(Vec::new());
    }
    let district = lookup::by_code(ctx.db, district_code).await?;
    of_district_id(ctx.db, district.id).await
}

/// The commune `code` of `district`: BAD_USER_INPUT on `field` for a code the reference list does not
/// hold or a commune of another district.
pub async fn in_district<C: ConnectionTrait>(
    conn: &C,
    field: &str,
    code: &str,
    district: &district::Model,
) -> AppResult<commune::Model> {
    let found = commune::Entity::find()
        .filter(commune::Column::Code.eq(code))
        .one(conn)
        .await?;
    match found {
        Some(c) if c.district_id == district.id => Ok(c),
        Some(c) => Err(AppError::bad_input(
            field,
            format!("commune {} is not in district {}", c.code, district.code),
        )),
        None => Err(AppError::bad_input(
            field,
            format!("'{code}' is not a commune code (GSO, 5 digits) of the reference list"),
        )),
    }
}

/// The communes of the district `district_id`, by code.
pub async fn of_district_id<C: ConnectionTrait>(
    conn: &C,
    district_id: i32,
) -> AppResult<Vec<commune::Model>> {
    Ok(commune::Entity::find()
        .filter(commune::Column::DistrictId.eq(district_id))
        .order_by_asc(commune::Column::Code)
        .all(conn)
        .await?)
}
