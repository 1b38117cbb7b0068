use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000001_create_province::Province;
use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Agency {
    Table,
    Id,
    Code,
    Name,
    Kind,
    ProvinceId,
    DistrictId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Agency::Table)
            .if_not_exists()
            .col(pk_auto(Agency::Id))
            .col(string_len_uniq(Agency::Code, 64))
            .col(string_len(Agency::Name, 200))
            .col(string_len(Agency::Kind, 24))
            .col(integer(Agency::ProvinceId))
            .col(integer_null(Agency::DistrictId))
            .col(version())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_agency_province")
                    .from(Agency::Table, Agency::ProvinceId)
                    .to(Province::Table, Province::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_agency_district")
                    .from(Agency::Table, Agency::DistrictId)
                    .to(District::Table, District::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Agency::Table).to_owned())
            .await
    }
}
