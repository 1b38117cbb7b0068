use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Checkpoint {
    Table,
    Id,
    Code,
    Name,
    DistrictId,
    Kind,
    RouteMarker,
    Commune,
    Latitude,
    Longitude,
    Status,
    StatusSince,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Checkpoint::Table)
            .if_not_exists()
            .col(pk_auto(Checkpoint::Id))
            .col(string_len_uniq(Checkpoint::Code, 64))
            .col(string_len(Checkpoint::Name, 200))
            .col(integer(Checkpoint::DistrictId))
            .col(string_len(Checkpoint::Kind, 24))
            .col(string_len_null(Checkpoint::RouteMarker, 100))
            .col(string_len_null(Checkpoint::Commune, 200))
            .col(double_null(Checkpoint::Latitude))
            .col(double_null(Checkpoint::Longitude))
            .col(string_len(Checkpoint::Status, 24))
            .col(timestamp_with_time_zone(Checkpoint::StatusSince))
            .col(version())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_checkpoint_district")
                    .from(Checkpoint::Table, Checkpoint::DistrictId)
                    .to(District::Table, District::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_checkpoint_district")
                    .table(Checkpoint::Table)
                    .col(Checkpoint::DistrictId)
                    .col(Checkpoint::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Checkpoint::Table).to_owned())
            .await
    }
}
