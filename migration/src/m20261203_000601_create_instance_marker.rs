//! Markers of what a database is: the demo writes `data_set = demo` when it loads, so `serve --demo` can
//! refuse a province's real database instead of minting demo tokens on it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum InstanceMarker {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstanceMarker::Table)
                    .if_not_exists()
                    .col(string_len(InstanceMarker::Name, 64).primary_key())
                    .col(string_len(InstanceMarker::Value, 200))
                    .col(timestamp_with_time_zone(InstanceMarker::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InstanceMarker::Table).to_owned())
            .await
    }
}
