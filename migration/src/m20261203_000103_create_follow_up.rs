//! Follow-ups: one per alerted traveller, at the destination district and commune, with its status and
//! the time first contact is due. Overdue is derived from the clock, never stored.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000002_create_district::District;
use crate::m20261203_000102_create_traveller::Traveller;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum FollowUp {
    Table,
    Id,
    TravellerId,
    AlertId,
    DistrictId,
    CommuneId,
    Status,
    Outcome,
    CrossedAt,
    DueAt,
    ContactedAt,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FollowUp as F;
        let mut table = Table::create();
        table
            .table(F::Table)
            .if_not_exists()
            .col(big_pk_auto(F::Id))
            .col(big_integer_uniq(F::TravellerId))
            .col(big_integer_null(F::AlertId))
            .col(integer(F::DistrictId))
            .col(integer_null(F::CommuneId))
            .col(string_len(F::Status, 24))
            .col(string_len_null(F::Outcome, 500))
            .col(timestamp_with_time_zone(F::CrossedAt))
            .col(timestamp_with_time_zone(F::DueAt))
            .col(timestamp_with_time_zone_null(F::ContactedAt))
            .col(timestamp_with_time_zone_null(F::ClosedAt))
            .col(version())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_follow_up_traveller")
                    .from(F::Table, F::TravellerId)
                    .to(Traveller::Table, Traveller::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_follow_up_district")
                    .from(F::Table, F::DistrictId)
                    .to(District::Table, District::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_follow_up_district")
                    .table(F::Table)
                    .col(F::DistrictId)
                    .col(F::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FollowUp::Table).to_owned())
            .await
    }
}
