//! A weekly epidemic report's commune lines: the figures of each commune, from which communes get
//! epidemic levels of their own.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{non_negative, timestamps};
use crate::m20261202_000022_create_commune::Commune;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Report {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportCommuneLine {
    Table,
    Id,
    ReportId,
    CommuneId,
    Population,
    NewCasesCommunity,
    NewCasesInQuarantine,
    #[sea_orm(iden = "adults_18_plus")]
    Adults18Plus,
    #[sea_orm(iden = "adults_dose1")]
    AdultsDose1,
    #[sea_orm(iden = "people_65_plus")]
    People65Plus,
    #[sea_orm(iden = "people_65_plus_full")]
    People65PlusFull,
    #[sea_orm(iden = "people_50_plus")]
    People50Plus,
    #[sea_orm(iden = "people_50_plus_full")]
    People50PlusFull,
}

const FIGURES: [ReportCommuneLine; 9] = [
    ReportCommuneLine::Population,
    ReportCommuneLine::NewCasesCommunity,
    ReportCommuneLine::NewCasesInQuarantine,
    ReportCommuneLine::Adults18Plus,
    ReportCommuneLine::AdultsDose1,
    ReportCommuneLine::People65Plus,
    ReportCommuneLine::People65PlusFull,
    ReportCommuneLine::People50Plus,
    ReportCommuneLine::People50PlusFull,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(ReportCommuneLine::Table)
            .if_not_exists()
            .col(pk_auto(ReportCommuneLine::Id))
            .col(integer(ReportCommuneLine::ReportId))
            .col(integer(ReportCommuneLine::CommuneId));
        for figure in FIGURES {
            table.col(big_integer_null(figure).check(non_negative(figure)));
        }
        table
            .foreign_key(
                ForeignKey::create()
                    .name("fk_report_commune_line_report")
                    .from(ReportCommuneLine::Table, ReportCommuneLine::ReportId)
                    .to(Report::Table, Report::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_report_commune_line_commune")
                    .from(ReportCommuneLine::Table, ReportCommuneLine::CommuneId)
                    .to(Commune::Table, Commune::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_commune_line_unique")
                    .table(ReportCommuneLine::Table)
                    .col(ReportCommuneLine::ReportId)
                    .col(ReportCommuneLine::CommuneId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportCommuneLine::Table).to_owned())
            .await
    }
}
