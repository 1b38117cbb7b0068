use sea_orm::entity::prelude::*;

use crate::StockEventKind;

/// One movement of doses in or out of a lot (append-only). `doses` is signed: negative for doses leaving.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "stock_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub lot_id: i32,
    pub kind: StockEventKind,
    pub doses: i64,
    /// Dose number in the schedule, for administrations.
    pub dose_number: Option<i32>,
    pub reason: Option<String>,
    pub transfer_id: Option<i32>,
    pub agency_code: String,
    pub subject: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vaccine_lot::Entity",
        from = "Column::LotId",
        to = "super::vaccine_lot::Column::Id"
    )]
    Lot,
}

impl ActiveModelBehavior for ActiveModel {}
