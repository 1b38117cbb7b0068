//! Tests of cohort members.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000411_create_cohort_member::CohortMember;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CohortTest {
    Table,
    Id,
    MemberId,
    Kind,
    Result,
    TakenAt,
    RecordedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CohortTest as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::MemberId))
                    .col(string_len(T::Kind, 24))
                    .col(string_len(T::Result, 16))
                    .col(timestamp_with_time_zone(T::TakenAt))
                    .col(string_len(T::RecordedBy, 300))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cohort_test_member")
                            .from(T::Table, T::MemberId)
                            .to(CohortMember::Table, CohortMember::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cohort_test_member")
                    .table(T::Table)
                    .col(T::MemberId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CohortTest::Table).to_owned())
            .await
    }
}
