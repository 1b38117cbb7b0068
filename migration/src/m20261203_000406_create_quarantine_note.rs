//! What the commune's community team saw on a supervision visit, and the violations police record.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000404_create_quarantine_case::QuarantineCase;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QuarantineNote {
    Table,
    Id,
    CaseId,
    Kind,
    Violation,
    At,
    Present,
    Note,
    RecordedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use QuarantineNote as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .if_not_exists()
                    .col(big_pk_auto(N::Id))
                    .col(big_integer(N::CaseId))
                    .col(string_len(N::Kind, 24))
                    .col(string_len_null(N::Violation, 24))
                    .col(timestamp_with_time_zone(N::At))
                    .col(boolean_null(N::Present))
                    .col(string_len_null(N::Note, 1000))
                    .col(string_len(N::RecordedBy, 300))
                    .col(timestamp_with_time_zone(N::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quarantine_note_case")
                            .from(N::Table, N::CaseId)
                            .to(QuarantineCase::Table, QuarantineCase::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quarantine_note_case")
                    .table(N::Table)
                    .col(N::CaseId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuarantineNote::Table).to_owned())
            .await
    }
}
