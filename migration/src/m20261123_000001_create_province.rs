use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::timestamps;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Province {
    Table,
    Id,
    Code,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Province::Table)
            .if_not_exists()
            .col(pk_auto(Province::Id))
            .col(string_len_uniq(Province::Code, 8))
            .col(string_len(Province::Name, 200));
        manager.create_table(timestamps(&mut table).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Province::Table).to_owned())
            .await
    }
}
