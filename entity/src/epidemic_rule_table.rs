use sea_orm::entity::prelude::*;

/// A rule table a province loaded (JSON in `body`), in force from `effective_from` until the next.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "epidemic_rule_table")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub province_id: i32,
    pub effective_from: Date,
    pub decision: String,
    pub body: String,
    pub loaded_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
