//! Epidemic level rule tables a province loaded, each in force from a date until the next one.

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
enum EpidemicRuleTable {
    Table,
    Id,
    ProvinceId,
    EffectiveFrom,
    Decision,
    Body,
    LoadedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(EpidemicRuleTable::Table)
            .if_not_exists()
            .col(pk_auto(EpidemicRuleTable::Id))
            .col(integer(EpidemicRuleTable::ProvinceId))
            .col(date(EpidemicRuleTable::EffectiveFrom))
            .col(string_len(EpidemicRuleTable::Decision, 100))
            .col(text(EpidemicRuleTable::Body))
            .col(string_len(EpidemicRuleTable::LoadedBy, 300))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_epidemic_rule_table_province")
                    .from(EpidemicRuleTable::Table, EpidemicRuleTable::ProvinceId)
                    .to(Province::Table, Province::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_epidemic_rule_table_from")
                    .table(EpidemicRuleTable::Table)
                    .col(EpidemicRuleTable::ProvinceId)
                    .col(EpidemicRuleTable::EffectiveFrom)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EpidemicRuleTable::Table).to_owned())
            .await
    }
}
