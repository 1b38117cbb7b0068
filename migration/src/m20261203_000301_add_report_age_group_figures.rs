//! Weekly epidemic reports carry the age-group figures the elderly-coverage rule needs: people aged 65
//! and over and 50 and over, and how many of them are fully vaccinated.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Report {
    Table,
    #[sea_orm(iden = "people_65_plus")]
    People65Plus,
    #[sea_orm(iden = "people_65_plus_full")]
    People65PlusFull,
    #[sea_orm(iden = "people_50_plus")]
    People50Plus,
    #[sea_orm(iden = "people_50_plus_full")]
    People50PlusFull,
}

const COLUMNS: [Report; 4] = [
    Report::People65Plus,
    Report::People65PlusFull,
    Report::People50Plus,
    Report::People50PlusFull,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Report::Table)
                        .add_column(big_integer_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Report::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
