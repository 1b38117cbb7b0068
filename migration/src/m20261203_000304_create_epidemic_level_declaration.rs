//! A People's Committee decision declaring the epidemic level in force for one or more units from an
//! effective time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::timestamps;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Province {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum EpidemicLevelDeclaration {
    Table,
    Id,
    ProvinceId,
    Level,
    DecisionNumber,
    EffectiveFrom,
    Note,
    DeclaredBy,
    DeclaredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(EpidemicLevelDeclaration::Table)
            .if_not_exists()
            .col(pk_auto(EpidemicLevelDeclaration::Id))
            .col(integer(EpidemicLevelDeclaration::ProvinceId))
            .col(
                small_integer(EpidemicLevelDeclaration::Level).check(
                    Expr::col(EpidemicLevelDeclaration::Level)
                        .gte(1)
                        .and(Expr::col(EpidemicLevelDeclaration::Level).lte(4)),
                ),
            )
            .col(string_len(EpidemicLevelDeclaration::DecisionNumber, 100))
            .col(timestamp_with_time_zone(
                EpidemicLevelDeclaration::EffectiveFrom,
            ))
            .col(text_null(EpidemicLevelDeclaration::Note))
            .col(string_len(EpidemicLevelDeclaration::DeclaredBy, 300))
            .col(timestamp_with_time_zone(
                EpidemicLevelDeclaration::DeclaredAt,
            ))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_epidemic_level_declaration_province")
                    .from(
                        EpidemicLevelDeclaration::Table,
                        EpidemicLevelDeclaration::ProvinceId,
                    )
                    .to(Province::Table, Province::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(EpidemicLevelDeclaration::Table)
                    .to_owned(),
            )
            .await
    }
}
