//! Tests of crew members; cargo release is derived from them, never stored.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000408_create_crew_member::CrewMember;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CrewTest {
    Table,
    Id,
    CrewMemberId,
    Kind,
    Result,
    TakenAt,
    RecordedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CrewTest as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::CrewMemberId))
                    .col(string_len(T::Kind, 24))
                    .col(string_len(T::Result, 16))
                    .col(timestamp_with_time_zone(T::TakenAt))
                    .col(string_len(T::RecordedBy, 300))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_crew_test_member")
                            .from(T::Table, T::CrewMemberId)
                            .to(CrewMember::Table, CrewMember::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_crew_test_member")
                    .table(T::Table)
                    .col(T::CrewMemberId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CrewTest::Table).to_owned())
            .await
    }
}
