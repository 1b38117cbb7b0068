//! The event log behind subscription cursors: every domain event, written in the transaction of the
//! change it reports, numbered in commit order. Subscribers replay from it after a reconnect.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum LiveEvent {
    Table,
    Id,
    Payload,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LiveEvent::Table)
                    .if_not_exists()
                    .col(pk_auto(LiveEvent::Id))
                    .col(text(LiveEvent::Payload))
                    .col(timestamp_with_time_zone(LiveEvent::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LiveEvent::Table).to_owned())
            .await
    }
}
