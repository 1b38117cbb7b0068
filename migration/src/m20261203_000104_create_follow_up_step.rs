//! The steps of a follow-up: each status it took, by whom and when.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000103_create_follow_up::FollowUp;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FollowUpStep {
    Table,
    Id,
    FollowUpId,
    FromStatus,
    ToStatus,
    Note,
    AgencyId,
    TakenBy,
    TakenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FollowUpStep as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .if_not_exists()
                    .col(big_pk_auto(S::Id))
                    .col(big_integer(S::FollowUpId))
                    .col(string_len_null(S::FromStatus, 24))
                    .col(string_len(S::ToStatus, 24))
                    .col(string_len_null(S::Note, 500))
                    .col(integer_null(S::AgencyId))
                    .col(string_len(S::TakenBy, 300))
                    .col(timestamp_with_time_zone(S::TakenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_step_follow_up")
                            .from(S::Table, S::FollowUpId)
                            .to(FollowUp::Table, FollowUp::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_follow_up_step_follow_up")
                    .table(S::Table)
                    .col(S::FollowUpId)
                    .col(S::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FollowUpStep::Table).to_owned())
            .await
    }
}
