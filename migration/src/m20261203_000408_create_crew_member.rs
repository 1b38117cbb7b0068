//! The crew list of a vessel call: the captain and every crew member, each once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261203_000407_create_vessel_call::VesselCall;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CrewMember {
    Table,
    Id,
    VesselCallId,
    FullName,
    IdNumber,
    Role,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CrewMember as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .if_not_exists()
                    .col(big_pk_auto(C::Id))
                    .col(big_integer(C::VesselCallId))
                    .col(string_len(C::FullName, 200))
                    .col(string_len(C::IdNumber, 32))
                    .col(string_len(C::Role, 16))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_crew_member_vessel_call")
                            .from(C::Table, C::VesselCallId)
                            .to(VesselCall::Table, VesselCall::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_crew_member_once")
                    .table(C::Table)
                    .col(C::VesselCallId)
                    .col(C::IdNumber)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CrewMember::Table).to_owned())
            .await
    }
}
