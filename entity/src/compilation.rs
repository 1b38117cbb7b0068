use sea_orm::entity::prelude::*;

/// The compiling agency's own deliverable for a call: the totals of the accepted answers, frozen when
/// sent, due by the call's aggregate deadline. One per call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "compilation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub call_id: i32,
    pub agency_id: i32,
    /// Totals by numeric field, as a JSON object of strings.
    pub totals: String,
    pub answers_count: i32,
    pub due_at: Option<DateTimeUtc>,
    pub sent_at: DateTimeUtc,
    pub sent_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
