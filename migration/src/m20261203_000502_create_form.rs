//! Forms created as data: typed fields and cross-field rules, versioned by code.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000001_create_province::Province;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Form {
    Table,
    Id,
    ProvinceId,
    Code,
    Version,
    Name,
    Fields,
    Rules,
    DefaultDueTime,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Form::Table)
                    .if_not_exists()
                    .col(pk_auto(Form::Id))
                    .col(integer(Form::ProvinceId))
                    .col(string_len(Form::Code, 64))
                    .col(integer(Form::Version))
                    .col(string_len(Form::Name, 200))
                    .col(text(Form::Fields))
                    .col(text(Form::Rules))
                    .col(string_len_null(Form::DefaultDueTime, 5))
                    .col(string_len(Form::CreatedBy, 300))
                    .col(timestamp_with_time_zone(Form::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_form_provinceid")
                            .from(Form::Table, Form::ProvinceId)
                            .to(Province::Table, Province::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_form_provinceid_code_version")
                    .table(Form::Table)
                    .col(Form::ProvinceId)
                    .col(Form::Code)
                    .col(Form::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Form::Table).to_owned())
            .await
    }
}
