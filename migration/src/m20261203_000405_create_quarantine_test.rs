//! Tests of quarantine cases: those the schedule sets (due on a day from the start) and any other taken;
//! `alerted_at` marks a scheduled test whose lateness has raised its one alert.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000404_create_quarantine_case::QuarantineCase;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QuarantineTest {
    Table,
    Id,
    CaseId,
    DueAt,
    Kind,
    Result,
    TakenAt,
    RecordedBy,
    AlertedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use QuarantineTest as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::CaseId))
                    .col(timestamp_with_time_zone_null(T::DueAt))
                    .col(string_len(T::Kind, 24))
                    .col(string_len_null(T::Result, 16))
                    .col(timestamp_with_time_zone_null(T::TakenAt))
                    .col(string_len_null(T::RecordedBy, 300))
                    .col(timestamp_with_time_zone_null(T::AlertedAt))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quarantine_test_case")
                            .from(T::Table, T::CaseId)
                            .to(QuarantineCase::Table, QuarantineCase::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quarantine_test_case")
                    .table(T::Table)
                    .col(T::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quarantine_test_due")
                    .table(T::Table)
                    .col(T::DueAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuarantineTest::Table).to_owned())
            .await
    }
}
