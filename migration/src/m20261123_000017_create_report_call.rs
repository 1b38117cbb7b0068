use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000001_create_province::Province;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ReportCall {
    Table,
    Id,
    ProvinceId,
    Kind,
    Period,
    DistrictCodes,
    Deadline,
    AggregateDeadline,
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
                    .table(ReportCall::Table)
                    .if_not_exists()
                    .col(pk_auto(ReportCall::Id))
                    .col(integer(ReportCall::ProvinceId))
                    .col(string_len(ReportCall::Kind, 24))
                    .col(date(ReportCall::Period))
                    .col(text_null(ReportCall::DistrictCodes))
                    .col(timestamp_with_time_zone(ReportCall::Deadline))
                    .col(timestamp_with_time_zone_null(ReportCall::AggregateDeadline))
                    .col(string_len_null(ReportCall::Note, 500))
                    .col(string_len(ReportCall::IssuedBy, 300))
                    .col(timestamp_with_time_zone(ReportCall::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_report_call_province")
                            .from(ReportCall::Table, ReportCall::ProvinceId)
                            .to(Province::Table, Province::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportCall::Table).to_owned())
            .await
    }
}
