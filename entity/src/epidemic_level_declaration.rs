use sea_orm::entity::prelude::*;

/// A People's Committee decision: the level in force for its units from `effective_from`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "epidemic_level_declaration")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub province_id: i32,
    pub level: i16,
    pub decision_number: String,
    pub effective_from: DateTimeUtc,
    pub note: Option<String>,
    pub declared_by: String,
    pub declared_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
