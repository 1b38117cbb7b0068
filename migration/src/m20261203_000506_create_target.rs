//! Vaccination targets per district, milestone and measure.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Target {
    Table,
    Id,
    DistrictId,
    Milestone,
    Measure,
    ShareBp,
    SetBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Target::Table)
                    .if_not_exists()
                    .col(pk_auto(Target::Id))
                    .col(integer(Target::DistrictId))
                    .col(date(Target::Milestone))
                    .col(string_len(Target::Measure, 32))
                    .col(integer(Target::ShareBp))
                    .col(string_len(Target::SetBy, 300))
                    .col(timestamp_with_time_zone(Target::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_target_districtid")
                            .from(Target::Table, Target::DistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_target_districtid_milestone_measure")
                    .table(Target::Table)
                    .col(Target::DistrictId)
                    .col(Target::Milestone)
                    .col(Target::Measure)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Target::Table).to_owned())
            .await
    }
}
