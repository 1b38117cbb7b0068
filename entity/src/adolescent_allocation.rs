use sea_orm::entity::prelude::*;

/// The doses the province allocated to a district for ages 15 to 17, as of a day: the district's total
/// allocation from that day on (a later row replaces it; one row per district and day).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "adolescent_allocation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub district_id: i32,
    pub as_of: Date,
    pub doses: i64,
    pub note: Option<String>,
    pub set_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
