//! Daily vaccination reports and censuses carry the adolescents 15 to 17 with their second (Pfizer)
//! dose, so the doses used of the 15-17 allocation are dose 1 plus dose 2.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Report {
    Table,
    #[sea_orm(iden = "adolescents_15_17_dose2")]
    Adolescents1517Dose2,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Report::Table)
                    .add_column(big_integer_null(Report::Adolescents1517Dose2))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Report::Table)
                    .drop_column(Report::Adolescents1517Dose2)
                    .to_owned(),
            )
            .await
    }
}
