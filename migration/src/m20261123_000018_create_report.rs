use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::version;
use crate::m20261123_000002_create_district::District;
use crate::m20261123_000003_create_agency::Agency;
use crate::m20261123_000017_create_report_call::ReportCall;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Report {
    Table,
    Id,
    DistrictId,
    Kind,
    Period,
    SourceAgencyId,
    #[sea_orm(iden = "report_call_id")]
    CallId,
    Status,
    DueAt,
    SubmittedAt,
    ReviewedAt,
    ReviewedBy,
    ReturnReason,
    #[sea_orm(iden = "adults_18_plus")]
    Adults18Plus,
    AdultsDose1,
    AdultsFull,
    #[sea_orm(iden = "adolescents_15_17_dose1")]
    Adolescents1517Dose1,
    DosesAdministeredToday,
    UnvaccinatedContraindicated,
    UnvaccinatedDeferred,
    UnvaccinatedRefused,
    UnvaccinatedAbsent,
    UnvaccinatedOther,
    NewCasesCommunity,
    NewCasesInQuarantine,
    TestsPerformed,
    PatientsInTreatment,
    Deaths,
    BedsAvailable,
}

const FIGURES: [Report; 16] = [
    Report::Adults18Plus,
    Report::AdultsDose1,
    Report::AdultsFull,
    Report::Adolescents1517Dose1,
    Report::DosesAdministeredToday,
    Report::UnvaccinatedContraindicated,
    Report::UnvaccinatedDeferred,
    Report::UnvaccinatedRefused,
    Report::UnvaccinatedAbsent,
    Report::UnvaccinatedOther,
    Report::NewCasesCommunity,
    Report::NewCasesInQuarantine,
    Report::TestsPerformed,
    Report::PatientsInTreatment,
    Report::Deaths,
    Report::BedsAvailable,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Report::Table)
            .if_not_exists()
            .col(pk_auto(Report::Id))
            .col(integer(Report::DistrictId))
            .col(string_len(Report::Kind, 24))
            .col(date(Report::Period))
            .col(integer(Report::SourceAgencyId))
            .col(integer_null(Report::CallId))
            .col(string_len(Report::Status, 24))
            .col(timestamp_with_time_zone(Report::DueAt))
            .col(timestamp_with_time_zone_null(Report::SubmittedAt))
            .col(timestamp_with_time_zone_null(Report::ReviewedAt))
            .col(string_len_null(Report::ReviewedBy, 300))
            .col(string_len_null(Report::ReturnReason, 500));
        for figure in FIGURES {
            table.col(
                big_integer_null(figure)
                    .check(Expr::col(figure).is_null().or(Expr::col(figure).gte(0))),
            );
        }
        table
            .col(version())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_report_district")
                    .from(Report::Table, Report::DistrictId)
                    .to(District::Table, District::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_report_agency")
                    .from(Report::Table, Report::SourceAgencyId)
                    .to(Agency::Table, Agency::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_report_call")
                    .from(Report::Table, Report::CallId)
                    .to(ReportCall::Table, ReportCall::Id),
            );
        manager
            .create_table(crate::common::timestamps(&mut table).take())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_report_source_period")
                    .table(Report::Table)
                    .col(Report::DistrictId)
                    .col(Report::Kind)
                    .col(Report::Period)
                    .col(Report::SourceAgencyId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_kind_period")
                    .table(Report::Table)
                    .col(Report::Kind)
                    .col(Report::Period)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Report::Table).to_owned())
            .await
    }
}
