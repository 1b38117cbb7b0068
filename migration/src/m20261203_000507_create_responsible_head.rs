//! The heads answerable for a district's milestones, one per title.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ResponsibleHead {
    Table,
    Id,
    DistrictId,
    Title,
    Name,
    SetBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResponsibleHead::Table)
                    .if_not_exists()
                    .col(pk_auto(ResponsibleHead::Id))
                    .col(integer(ResponsibleHead::DistrictId))
                    .col(string_len(ResponsibleHead::Title, 200))
                    .col(string_len(ResponsibleHead::Name, 200))
                    .col(string_len(ResponsibleHead::SetBy, 300))
                    .col(timestamp_with_time_zone(ResponsibleHead::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_responsible_head_districtid")
                            .from(ResponsibleHead::Table, ResponsibleHead::DistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_responsible_head_districtid_title")
                    .table(ResponsibleHead::Table)
                    .col(ResponsibleHead::DistrictId)
                    .col(ResponsibleHead::Title)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ResponsibleHead::Table).to_owned())
            .await
    }
}
