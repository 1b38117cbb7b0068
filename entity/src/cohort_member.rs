use sea_orm::entity::prelude::*;

/// A member of a testing plan with their cadences. `full_name` and `id_number` are personal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cohort_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    #[serde(skip)]
    pub full_name: String,
    #[serde(skip)]
    pub id_number: Option<String>,
    /// A rapid test at least every so many hours (a shift).
    pub rapid_every_hours: Option<i32>,
    /// An RT-PCR test at least every so many days.
    pub pcr_every_days: Option<i32>,
    /// The due time whose lateness has raised its alert.
    pub alerted_due_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
