use sea_orm::entity::prelude::*;

/// An agency staffing a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "checkpoint_staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub checkpoint_id: i32,
    pub agency_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
