use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000012_create_checkpoint::Checkpoint;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CheckpointStatusChange {
    Table,
    Id,
    CheckpointId,
    Status,
    EffectiveFrom,
    Reason,
    SetBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckpointStatusChange::Table)
                    .if_not_exists()
                    .col(pk_auto(CheckpointStatusChange::Id))
                    .col(integer(CheckpointStatusChange::CheckpointId))
                    .col(string_len(CheckpointStatusChange::Status, 24))
                    .col(timestamp_with_time_zone(
                        CheckpointStatusChange::EffectiveFrom,
                    ))
                    .col(string_len_null(CheckpointStatusChange::Reason, 500))
                    .col(string_len(CheckpointStatusChange::SetBy, 300))
                    .col(timestamp_with_time_zone(CheckpointStatusChange::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_checkpoint_status_change_checkpoint")
                            .from(
                                CheckpointStatusChange::Table,
                                CheckpointStatusChange::CheckpointId,
                            )
                            .to(Checkpoint::Table, Checkpoint::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_checkpoint_status_change_checkpoint")
                    .table(CheckpointStatusChange::Table)
                    .col(CheckpointStatusChange::CheckpointId)
                    .col(CheckpointStatusChange::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(CheckpointStatusChange::Table)
                    .to_owned(),
            )
            .await
    }
}
