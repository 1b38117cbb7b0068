//! What an alert that is not a screening's comes from: a vessel call, a quarantine case or a testing
//! plan (ids without foreign keys: SQLite cannot add them to an existing table).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Alert {
    Table,
    VesselCallId,
    QuarantineCaseId,
    TestingPlanId,
}

const ORIGINS: [Alert; 3] = [
    Alert::VesselCallId,
    Alert::QuarantineCaseId,
    Alert::TestingPlanId,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for origin in ORIGINS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alert::Table)
                        .add_column(big_integer_null(origin))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for origin in ORIGINS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alert::Table)
                        .drop_column(origin)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
