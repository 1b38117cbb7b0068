use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The kind of unit an epidemic level is computed or declared for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LevelUnitKind {
    #[sea_orm(string_value = "COMMUNE")]
    Commune,
    #[sea_orm(string_value = "DISTRICT")]
    District,
    #[sea_orm(string_value = "PROVINCE")]
    Province,
}

/// One unit a declaration covers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "epidemic_level_declared_unit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub declaration_id: i32,
    pub unit_kind: LevelUnitKind,
    pub unit_code: String,
    pub effective_from: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::epidemic_level_declaration::Entity",
        from = "Column::DeclarationId",
        to = "super::epidemic_level_declaration::Column::Id"
    )]
    Declaration,
}

impl Related<super::epidemic_level_declaration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Declaration.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
