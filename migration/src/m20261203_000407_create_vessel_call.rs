//! Vessel calls at seaport and inland-waterway checkpoints: the vessel, its arrival and last ports.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;
use crate::m20261123_000012_create_checkpoint::Checkpoint;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum VesselCall {
    Table,
    Id,
    CheckpointId,
    DistrictId,
    VesselName,
    Registration,
    Flag,
    ArrivedAt,
    LastPorts,
    RecordedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use VesselCall as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .if_not_exists()
                    .col(big_pk_auto(V::Id))
                    .col(integer(V::CheckpointId))
                    .col(integer(V::DistrictId))
                    .col(string_len(V::VesselName, 200))
                    .col(string_len(V::Registration, 32))
                    .col(string_len(V::Flag, 64))
                    .col(timestamp_with_time_zone(V::ArrivedAt))
                    .col(string_len(V::LastPorts, 500))
                    .col(string_len(V::RecordedBy, 300))
                    .col(timestamp_with_time_zone(V::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vessel_call_checkpoint")
                            .from(V::Table, V::CheckpointId)
                            .to(Checkpoint::Table, Checkpoint::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vessel_call_district")
                            .from(V::Table, V::DistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_vessel_call_district")
                    .table(V::Table)
                    .col(V::DistrictId)
                    .col(V::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VesselCall::Table).to_owned())
            .await
    }
}
