//! Members of a testing plan with their cadences; `alerted_due_at` is the due time whose lateness has
//! already raised its one alert.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000410_create_testing_plan::TestingPlan;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CohortMember {
    Table,
    Id,
    PlanId,
    FullName,
    IdNumber,
    RapidEveryHours,
    PcrEveryDays,
    AlertedDueAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CohortMember as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .if_not_exists()
                    .col(big_pk_auto(M::Id))
                    .col(big_integer(M::PlanId))
                    .col(string_len(M::FullName, 200))
                    .col(string_len_null(M::IdNumber, 32))
                    .col(integer_null(M::RapidEveryHours))
                    .col(integer_null(M::PcrEveryDays))
                    .col(timestamp_with_time_zone_null(M::AlertedDueAt))
                    .col(timestamp_with_time_zone(M::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cohort_member_plan")
                            .from(M::Table, M::PlanId)
                            .to(TestingPlan::Table, TestingPlan::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cohort_member_plan")
                    .table(M::Table)
                    .col(M::PlanId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CohortMember::Table).to_owned())
            .await
    }
}
