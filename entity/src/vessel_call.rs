use sea_orm::entity::prelude::*;

/// A vessel's call at a seaport or inland-waterway checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "vessel_call")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub checkpoint_id: i32,
    pub district_id: i32,
    pub vessel_name: String,
    /// Registration or IMO number.
    pub registration: String,
    pub flag: String,
    pub arrived_at: DateTimeUtc,
    /// Comma-separated, most recent first.
    pub last_ports: String,
    pub recorded_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
