use sea_orm::entity::prelude::*;

use crate::ReportStatus;

/// One agency's answer to a data call: values by field name (JSON), with the report workflow's
/// statuses (draft, submitted, returned, accepted). One answer per agency and call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "call_answer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub call_id: i32,
    pub agency_id: i32,
    pub district_id: Option<i32>,
    pub status: ReportStatus,
    /// Values by field name, as a JSON object of strings.
    pub field_values: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<String>,
    pub return_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
