use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000003_create_agency::Agency;
use crate::m20261123_000012_create_checkpoint::Checkpoint;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CheckpointStaff {
    Table,
    Id,
    CheckpointId,
    AgencyId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckpointStaff::Table)
                    .if_not_exists()
                    .col(pk_auto(CheckpointStaff::Id))
                    .col(integer(CheckpointStaff::CheckpointId))
                    .col(integer(CheckpointStaff::AgencyId))
                    .col(timestamp_with_time_zone(CheckpointStaff::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_checkpoint_staff_checkpoint")
                            .from(CheckpointStaff::Table, CheckpointStaff::CheckpointId)
                            .to(Checkpoint::Table, Checkpoint::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_checkpoint_staff_agency")
                            .from(CheckpointStaff::Table, CheckpointStaff::AgencyId)
                            .to(Agency::Table, Agency::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_checkpoint_staff")
                    .table(CheckpointStaff::Table)
                    .col(CheckpointStaff::CheckpointId)
                    .col(CheckpointStaff::AgencyId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CheckpointStaff::Table).to_owned())
            .await
    }
}
