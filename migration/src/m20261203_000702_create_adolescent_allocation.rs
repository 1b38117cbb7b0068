//! The doses the province allocated to a district for ages 15 to 17: one row per district and day, each
//! the district's total allocation as of that day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum AdolescentAllocation {
    Table,
    Id,
    DistrictId,
    AsOf,
    Doses,
    Note,
    SetBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AdolescentAllocation::Table)
                    .if_not_exists()
                    .col(pk_auto(AdolescentAllocation::Id))
                    .col(integer(AdolescentAllocation::DistrictId))
                    .col(date(AdolescentAllocation::AsOf))
                    .col(big_integer(AdolescentAllocation::Doses))
                    .col(string_len_null(AdolescentAllocation::Note, 500))
                    .col(string_len(AdolescentAllocation::SetBy, 300))
                    .col(timestamp_with_time_zone(AdolescentAllocation::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_adolescent_allocation_districtid")
                            .from(
                                AdolescentAllocation::Table,
                                AdolescentAllocation::DistrictId,
                            )
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_adolescent_allocation_districtid_asof")
                    .table(AdolescentAllocation::Table)
                    .col(AdolescentAllocation::DistrictId)
                    .col(AdolescentAllocation::AsOf)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AdolescentAllocation::Table).to_owned())
            .await
    }
}
