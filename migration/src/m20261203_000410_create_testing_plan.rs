//! Testing plans: a cohort of workers (a port's cargo inspectors, say) tested on set cadences.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;
use crate::m20261123_000012_create_checkpoint::Checkpoint;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TestingPlan {
    Table,
    Id,
    Name,
    DistrictId,
    CheckpointId,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TestingPlan as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .if_not_exists()
                    .col(big_pk_auto(P::Id))
                    .col(string_len(P::Name, 200))
                    .col(integer(P::DistrictId))
                    .col(integer_null(P::CheckpointId))
                    .col(string_len(P::CreatedBy, 300))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_testing_plan_district")
                            .from(P::Table, P::DistrictId)
                            .to(District::Table, District::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_testing_plan_checkpoint")
                            .from(P::Table, P::CheckpointId)
                            .to(Checkpoint::Table, Checkpoint::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TestingPlan::Table).to_owned())
            .await
    }
}
