//! Answers of agencies to data calls, with the report workflow's statuses.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;
use crate::m20261123_000003_create_agency::Agency;
use crate::m20261203_000503_create_data_call::DataCall;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CallAnswer {
    Table,
    Id,
    CallId,
    AgencyId,
    DistrictId,
    Status,
    FieldValues,
    SubmittedAt,
    ReviewedAt,
    ReviewedBy,
    ReturnReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CallAnswer::Table)
                    .if_not_exists()
                    .col(pk_auto(CallAnswer::Id))
                    .col(integer(CallAnswer::CallId))
                    .col(integer(CallAnswer::AgencyId))
                    .col(integer_null(CallAnswer::DistrictId))
                    .col(string_len(CallAnswer::Status, 24))
                    .col(text(CallAnswer::FieldValues))
                    .col(timestamp_with_time_zone_null(CallAnswer::SubmittedAt))
                    .col(timestamp_with_time_zone_null(CallAnswer::ReviewedAt))
                    .col(string_len_null(CallAnswer::ReviewedBy, 300))
                    .col(string_len_null(CallAnswer::ReturnReason, 500))
                    .col(integer(CallAnswer::Version))
                    .col(timestamp_with_time_zone(CallAnswer::CreatedAt))
                    .col(timestamp_with_time_zone(CallAnswer::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_call_answer_callid")
                            .from(CallAnswer::Table, CallAnswer::CallId)
                            .to(DataCall::Table, DataCall::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_call_answer_agencyid")
                            .from(CallAnswer::Table, CallAnswer::AgencyId)
                            .to(Agency::Table, Agency::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_call_answer_districtid")
                            .from(CallAnswer::Table, CallAnswer::DistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_call_answer_callid_agencyid")
                    .table(CallAnswer::Table)
                    .col(CallAnswer::CallId)
                    .col(CallAnswer::AgencyId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CallAnswer::Table).to_owned())
            .await
    }
}
