use sea_orm::entity::prelude::*;

use crate::ReportKind;

/// A request for reports from every district of a province, with a deadline (and one for the province's
/// aggregate), e.g. the census of adults due at 17:00 on 10/12/2021.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "report_call")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub province_id: i32,
    pub kind: ReportKind,
    pub period: Date,
    /// Comma-separated GSO codes of the districts called; null for every district of the province.
    pub district_codes: Option<String>,
    pub deadline: DateTimeUtc,
    pub aggregate_deadline: Option<DateTimeUtc>,
    pub note: Option<String>,
    pub issued_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
