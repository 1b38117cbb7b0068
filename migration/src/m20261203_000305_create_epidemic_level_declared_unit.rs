//! The units (commune, district or province) a declaration covers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000304_create_epidemic_level_declaration::EpidemicLevelDeclaration;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EpidemicLevelDeclaredUnit {
    Table,
    Id,
    DeclarationId,
    UnitKind,
    UnitCode,
    EffectiveFrom,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EpidemicLevelDeclaredUnit::Table)
                    .if_not_exists()
                    .col(pk_auto(EpidemicLevelDeclaredUnit::Id))
                    .col(integer(EpidemicLevelDeclaredUnit::DeclarationId))
                    .col(string_len(EpidemicLevelDeclaredUnit::UnitKind, 16))
                    .col(string_len(EpidemicLevelDeclaredUnit::UnitCode, 8))
                    // Copied from the declaration so the unit's history reads from one index.
                    .col(timestamp_with_time_zone(
                        EpidemicLevelDeclaredUnit::EffectiveFrom,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_epidemic_level_declared_unit_declaration")
                            .from(
                                EpidemicLevelDeclaredUnit::Table,
                                EpidemicLevelDeclaredUnit::DeclarationId,
                            )
                            .to(
                                EpidemicLevelDeclaration::Table,
                                EpidemicLevelDeclaration::Id,
                            ),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_epidemic_level_declared_unit")
                    .table(EpidemicLevelDeclaredUnit::Table)
                    .col(EpidemicLevelDeclaredUnit::UnitKind)
                    .col(EpidemicLevelDeclaredUnit::UnitCode)
                    .col(EpidemicLevelDeclaredUnit::EffectiveFrom)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(EpidemicLevelDeclaredUnit::Table)
                    .to_owned(),
            )
            .await
    }
}
