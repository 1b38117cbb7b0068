//! The epidemic-area register: a province, district or commune code (of any province) with a level or a
//! lockdown, valid from / to, and where the entry comes from (this province's declared levels, or another
//! province's announcement).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum EpidemicArea {
    Table,
    Id,
    AreaCode,
    AreaKind,
    ProvinceCode,
    Level,
    Lockdown,
    ValidFrom,
    ValidTo,
    Source,
    Note,
    EnteredBy,
    EndedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(EpidemicArea::Table)
            .if_not_exists()
            .col(pk_auto(EpidemicArea::Id))
            .col(string_len(EpidemicArea::AreaCode, 8))
            .col(string_len(EpidemicArea::AreaKind, 16))
            .col(string_len(EpidemicArea::ProvinceCode, 8))
            .col(integer_null(EpidemicArea::Level))
            .col(boolean(EpidemicArea::Lockdown).default(false))
            .col(timestamp_with_time_zone(EpidemicArea::ValidFrom))
            .col(timestamp_with_time_zone_null(EpidemicArea::ValidTo))
            .col(string_len(EpidemicArea::Source, 24))
            .col(string_len_null(EpidemicArea::Note, 500))
            .col(string_len(EpidemicArea::EnteredBy, 300))
            .col(string_len_null(EpidemicArea::EndedBy, 300))
            .col(version())
            .check(
                Expr::col(EpidemicArea::Level)
                    .is_null()
                    .or(Expr::col(EpidemicArea::Level).between(1, 4)),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_epidemic_area_code")
                    .table(EpidemicArea::Table)
                    .col(EpidemicArea::AreaCode)
                    .col(EpidemicArea::ValidFrom)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EpidemicArea::Table).to_owned())
            .await
    }
}
