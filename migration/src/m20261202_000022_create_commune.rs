use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::timestamps;
use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Commune {
    Table,
    Id,
    Code,
    Name,
    SearchName,
    Kind,
    DistrictId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Commune::Table)
            .if_not_exists()
            .col(pk_auto(Commune::Id))
            .col(string_len_uniq(Commune::Code, 8))
            .col(string_len(Commune::Name, 200))
            .col(string_len(Commune::SearchName, 200))
            .col(string_len(Commune::Kind, 16))
            .col(integer(Commune::DistrictId))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_commune_district")
                    .from(Commune::Table, Commune::DistrictId)
                    .to(District::Table, District::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_commune_district")
                    .table(Commune::Table)
                    .col(Commune::DistrictId)
                    .col(Commune::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Commune::Table).to_owned())
            .await
    }
}
