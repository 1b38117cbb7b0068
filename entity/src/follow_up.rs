use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a follow-up stands: PENDING -> CONTACTED -> HOME_MONITORING / QUARANTINED / TESTED -> CLOSED.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FollowUpStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "CONTACTED")]
    Contacted,
    #[sea_orm(string_value = "HOME_MONITORING")]
    HomeMonitoring,
    #[sea_orm(string_value = "QUARANTINED")]
    Quarantined,
    #[sea_orm(string_value = "TESTED")]
    Tested,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// The follow-up of one alerted traveller at the destination district (and commune).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "follow_up")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub traveller_id: i64,
    pub alert_id: Option<i64>,
    pub district_id: i32,
    pub commune_id: Option<i32>,
    pub status: FollowUpStatus,
    pub outcome: Option<String>,
    pub crossed_at: DateTimeUtc,
    /// First contact is due by then.
    pub due_at: DateTimeUtc,
    pub contacted_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
