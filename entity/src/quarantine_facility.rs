use sea_orm::entity::prelude::*;

use crate::FacilityKind;

/// A concentrated quarantine site, hospital or hotel; occupancy is derived from its open cases.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quarantine_facility")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub district_id: i32,
    pub commune: Option<String>,
    pub address: Option<String>,
    pub kind: FacilityKind,
    pub capacity: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
