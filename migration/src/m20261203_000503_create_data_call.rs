//! Calls for data: a form addressed to agencies by kind, level and district, with deadlines and a compiler.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000001_create_province::Province;
use crate::m20261123_000003_create_agency::Agency;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum DataCall {
    Table,
    Id,
    ProvinceId,
    FormCode,
    FormVersion,
    Title,
    Period,
    AddresseeKinds,
    AddresseeLevel,
    DistrictCodes,
    Deadline,
    AggregateDeadline,
    CompilerAgencyId,
    Note,
    IssuedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataCall::Table)
                    .if_not_exists()
                    .col(pk_auto(DataCall::Id))
                    .col(integer(DataCall::ProvinceId))
                    .col(string_len(DataCall::FormCode, 64))
                    .col(integer(DataCall::FormVersion))
                    .col(string_len(DataCall::Title, 200))
                    .col(date(DataCall::Period))
                    .col(string_len(DataCall::AddresseeKinds, 300))
                    .col(string_len(DataCall::AddresseeLevel, 24))
                    .col(text_null(DataCall::DistrictCodes))
                    .col(timestamp_with_time_zone(DataCall::Deadline))
                    .col(timestamp_with_time_zone_null(DataCall::AggregateDeadline))
                    .col(integer(DataCall::CompilerAgencyId))
                    .col(string_len_null(DataCall::Note, 500))
                    .col(string_len(DataCall::IssuedBy, 300))
                    .col(timestamp_with_time_zone(DataCall::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_data_call_provinceid")
                            .from(DataCall::Table, DataCall::ProvinceId)
                            .to(Province::Table, Province::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_data_call_compileragencyid")
                            .from(DataCall::Table, DataCall::CompilerAgencyId)
                            .to(Agency::Table, Agency::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DataCall::Table).to_owned())
            .await
    }
}
