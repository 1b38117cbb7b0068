use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{non_negative, timestamps, version};
use crate::m20261123_000001_create_province::Province;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum District {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    SearchName,
    Kind,
    ProvinceId,
    Population,
    PopulationYear,
    PopulationIllustrative,
    #[sea_orm(iden = "adults_18_plus")]
    Adults18Plus,
    TreatmentBeds,
    IntensiveCareBeds,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(District::Table)
            .if_not_exists()
            .col(pk_auto(District::Id))
            .col(string_len_uniq(District::Code, 8))
            .col(string_len(District::Name, 200))
            .col(string_len_null(District::NameEn, 200))
            .col(string_len(District::SearchName, 200))
            .col(string_len(District::Kind, 16))
            .col(integer(District::ProvinceId))
            .col(big_integer_null(District::Population).check(non_negative(District::Population)))
            .col(integer_null(District::PopulationYear))
            .col(boolean(District::PopulationIllustrative).default(false))
            .col(
                big_integer_null(District::Adults18Plus)
                    .check(non_negative(District::Adults18Plus)),
            )
            .col(integer_null(District::TreatmentBeds).check(non_negative(District::TreatmentBeds)))
            .col(
                integer_null(District::IntensiveCareBeds)
                    .check(non_negative(District::IntensiveCareBeds)),
            )
            .col(version())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_district_province")
                    .from(District::Table, District::ProvinceId)
                    .to(Province::Table, Province::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_district_province")
                    .table(District::Table)
                    .col(District::ProvinceId)
                    .col(District::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(District::Table).to_owned())
            .await
    }
}
