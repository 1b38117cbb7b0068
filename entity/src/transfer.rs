use sea_orm::entity::prelude::*;

use crate::TransferStatus;

/// Doses moved from a lot of one district to another district:
/// REQUESTED -> APPROVED -> DISPATCHED -> RECEIVED, or REJECTED / CANCELLED.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "transfer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub from_lot_id: i32,
    pub from_district_id: i32,
    pub to_district_id: i32,
    pub vaccine_id: i32,
    pub doses: i64,
    pub status: TransferStatus,
    pub reason: Option<String>,
    /// Lot at the destination, once received.
    pub to_lot_id: Option<i32>,
    pub doses_received: Option<i64>,
    pub shortfall_reason: Option<String>,
    /// Why it was rejected or cancelled.
    pub closing_reason: Option<String>,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
    pub dispatched_by: Option<String>,
    pub dispatched_at: Option<DateTimeUtc>,
    pub received_by: Option<String>,
    pub received_at: Option<DateTimeUtc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vaccine_lot::Entity",
        from = "Column::FromLotId",
        to = "super::vaccine_lot::Column::Id"
    )]
    FromLot,
}

impl ActiveModelBehavior for ActiveModel {}
