use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000007_create_vaccine_lot::VaccineLot;
use crate::m20261123_000008_create_transfer::Transfer;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StockEvent {
    Table,
    Id,
    LotId,
    Kind,
    Doses,
    DoseNumber,
    Reason,
    TransferId,
    AgencyCode,
    Subject,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StockEvent::Table)
                    .if_not_exists()
                    .col(big_pk_auto(StockEvent::Id))
                    .col(integer(StockEvent::LotId))
                    .col(string_len(StockEvent::Kind, 16))
                    .col(big_integer(StockEvent::Doses))
                    .col(integer_null(StockEvent::DoseNumber))
                    .col(string_len_null(StockEvent::Reason, 500))
                    .col(integer_null(StockEvent::TransferId))
                    .col(string_len(StockEvent::AgencyCode, 64))
                    .col(string_len(StockEvent::Subject, 200))
                    .col(timestamp_with_time_zone(StockEvent::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_stock_event_lot")
                            .from(StockEvent::Table, StockEvent::LotId)
                            .to(VaccineLot::Table, VaccineLot::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_stock_event_transfer")
                            .from(StockEvent::Table, StockEvent::TransferId)
                            .to(Transfer::Table, Transfer::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_stock_event_lot")
                    .table(StockEvent::Table)
                    .col(StockEvent::LotId)
                    .col(StockEvent::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_stock_event_at")
                    .table(StockEvent::Table)
                    .col(StockEvent::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StockEvent::Table).to_owned())
            .await
    }
}
