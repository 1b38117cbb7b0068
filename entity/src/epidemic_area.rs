use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a register entry comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AreaSource {
    /// A level this province declared (fed by the declared epidemic levels).
    #[sea_orm(string_value = "DECLARED_LEVEL")]
    DeclaredLevel,
    /// Another province's announcement, entered by province health.
    #[sea_orm(string_value = "ANNOUNCEMENT")]
    Announcement,
}

/// The unit an area code names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AreaKind {
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    #[sea_orm(string_value = "DISTRICT")]
    District,
    #[sea_orm(string_value = "COMMUNE")]
    Commune,
}

/// One entry of the epidemic-area register: a province, district or commune (of any province) at a
/// level (1-4) or in lockdown, from `valid_from` until `valid_to` (open when null).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "epidemic_area")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub area_code: String,
    pub area_kind: AreaKind,
    pub province_code: String,
    pub level: Option<i32>,
    pub lockdown: bool,
    pub valid_from: DateTimeUtc,
    pub valid_to: Option<DateTimeUtc>,
    pub source: AreaSource,
    pub note: Option<String>,
    pub entered_by: String,
    pub ended_by: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
