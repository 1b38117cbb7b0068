use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::timestamps;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Vaccine {
    Table,
    Id,
    Code,
    Name,
    Manufacturer,
    DosesInSchedule,
    MinIntervalDays,
    DosesPerVial,
    Storage,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Vaccine::Table)
            .if_not_exists()
            .col(pk_auto(Vaccine::Id))
            .col(string_len_uniq(Vaccine::Code, 32))
            .col(string_len(Vaccine::Name, 200))
            .col(string_len(Vaccine::Manufacturer, 200))
            .col(
                integer(Vaccine::DosesInSchedule).check(Expr::col(Vaccine::DosesInSchedule).gte(1)),
            )
            .col(integer_null(Vaccine::MinIntervalDays))
            .col(integer_null(Vaccine::DosesPerVial))
            .col(string_len_null(Vaccine::Storage, 500))
            .col(string_len_null(Vaccine::Note, 500));
        manager.create_table(timestamps(&mut table).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Vaccine::Table).to_owned())
            .await
    }
}
