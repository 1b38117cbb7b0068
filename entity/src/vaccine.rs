use sea_orm::entity::prelude::*;

/// A vaccine product (not a lot), e.g. AstraZeneca with 2 doses in its schedule.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "vaccine")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub manufacturer: String,
    pub doses_in_schedule: i32,
    pub min_interval_days: Option<i32>,
    pub doses_per_vial: Option<i32>,
    pub storage: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
