use sea_orm::entity::prelude::*;

use crate::TargetMeasure;

/// A vaccination target of one district for one milestone: the share (in basis points, 7500 = 75 %)
/// of the measure's population to reach by that date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "target")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub district_id: i32,
    pub milestone: Date,
    pub measure: TargetMeasure,
    pub share_bp: i32,
    pub set_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
