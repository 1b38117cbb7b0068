//! Quarantine facilities: concentrated sites, hospitals and hotels with a capacity; occupancy is derived
//! from the open cases placed in them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum QuarantineFacility {
    Table,
    Id,
    Code,
    Name,
    DistrictId,
    Commune,
    Address,
    Kind,
    Capacity,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                timestamps(
                    Table::create()
                        .table(QuarantineFacility::Table)
                        .if_not_exists()
                        .col(big_pk_auto(QuarantineFacility::Id))
                        .col(string_len_uniq(QuarantineFacility::Code, 64))
                        .col(string_len(QuarantineFacility::Name, 200))
                        .col(integer(QuarantineFacility::DistrictId))
                        .col(string_len_null(QuarantineFacility::Commune, 200))
                        .col(string_len_null(QuarantineFacility::Address, 500))
                        .col(string_len(QuarantineFacility::Kind, 24))
                        .col(integer(QuarantineFacility::Capacity))
                        .check(Expr::col(QuarantineFacility::Capacity).gt(0))
                        .col(version())
                        .foreign_key(
                            ForeignKey::create()
                                .name("fk_quarantine_facility_district")
                                .from(QuarantineFacility::Table, QuarantineFacility::DistrictId)
                                .to(District::Table, District::Id),
                        ),
                )
                .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuarantineFacility::Table).to_owned())
            .await
    }
}
