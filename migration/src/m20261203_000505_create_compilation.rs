//! The compiling agency's deliverable per call, frozen when sent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000003_create_agency::Agency;
use crate::m20261203_000503_create_data_call::DataCall;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Compilation {
    Table,
    Id,
    CallId,
    AgencyId,
    Totals,
    AnswersCount,
    DueAt,
    SentAt,
    SentBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Compilation::Table)
                    .if_not_exists()
                    .col(pk_auto(Compilation::Id))
                    .col(integer(Compilation::CallId))
                    .col(integer(Compilation::AgencyId))
                    .col(text(Compilation::Totals))
                    .col(integer(Compilation::AnswersCount))
                    .col(timestamp_with_time_zone_null(Compilation::DueAt))
                    .col(timestamp_with_time_zone(Compilation::SentAt))
                    .col(string_len(Compilation::SentBy, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_compilation_callid")
                            .from(Compilation::Table, Compilation::CallId)
                            .to(DataCall::Table, DataCall::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_compilation_agencyid")
                            .from(Compilation::Table, Compilation::AgencyId)
                            .to(Agency::Table, Agency::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_compilation_callid")
                    .table(Compilation::Table)
                    .col(Compilation::CallId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Compilation::Table).to_owned())
            .await
    }
}
