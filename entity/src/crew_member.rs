use sea_orm::entity::prelude::*;

use crate::CrewRole;

/// One person on a vessel call's crew list. `full_name` and `id_number` are personal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "crew_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vessel_call_id: i64,
    #[serde(skip)]
    pub full_name: String,
    #[serde(skip)]
    pub id_number: String,
    pub role: CrewRole,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
