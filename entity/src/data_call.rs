use sea_orm::entity::prelude::*;

use crate::AddresseeLevel;

/// A call for data: a form (by code and version) addressed to agencies by kind, level and district,
/// for a period, with the addressees' deadline, the aggregate's deadline and the agency that compiles.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "data_call")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub province_id: i32,
    pub form_code: String,
    pub form_version: i32,
    pub title: String,
    pub period: Date,
    /// Comma-separated agency kinds addressed.
    pub addressee_kinds: String,
    pub addressee_level: AddresseeLevel,
    /// Comma-separated GSO codes of the districts addressed; null for every district.
    pub district_codes: Option<String>,
    pub deadline: DateTimeUtc,
    pub aggregate_deadline: Option<DateTimeUtc>,
    pub compiler_agency_id: i32,
    pub note: Option<String>,
    pub issued_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
