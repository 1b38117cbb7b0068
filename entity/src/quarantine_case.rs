use sea_orm::entity::prelude::*;

use crate::{QuarantineCategory, QuarantineKind, QuarantineStatus};

/// A person in quarantine or isolation. `full_name`, `id_number`, `phone` and `address` are personal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quarantine_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i32,
    /// The supervising commune.
    pub commune: Option<String>,
    pub facility_id: Option<i64>,
    pub category: QuarantineCategory,
    pub kind: QuarantineKind,
    #[serde(skip)]
    pub full_name: String,
    #[serde(skip)]
    pub id_number: Option<String>,
    #[serde(skip)]
    pub phone: Option<String>,
    #[serde(skip)]
    pub address: Option<String>,
    pub started_at: DateTimeUtc,
    pub planned_end_at: DateTimeUtc,
    pub status: QuarantineStatus,
    #[serde(skip)]
    pub commitment_person: Option<String>,
    #[serde(skip)]
    pub commitment_household: Option<String>,
    pub commitment_signed_at: Option<DateTimeUtc>,
    pub follow_up_id: Option<i64>,
    pub crew_member_id: Option<i64>,
    pub opened_by: String,
    pub closed_at: Option<DateTimeUtc>,
    pub close_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
