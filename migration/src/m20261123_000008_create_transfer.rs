use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000002_create_district::District;
use crate::m20261123_000006_create_vaccine::Vaccine;
use crate::m20261123_000007_create_vaccine_lot::VaccineLot;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Transfer {
    Table,
    Id,
    FromLotId,
    FromDistrictId,
    ToDistrictId,
    VaccineId,
    Doses,
    Status,
    Reason,
    ToLotId,
    DosesReceived,
    ShortfallReason,
    ClosingReason,
    RequestedBy,
    RequestedAt,
    ApprovedBy,
    ApprovedAt,
    DispatchedBy,
    DispatchedAt,
    ReceivedBy,
    ReceivedAt,
    ClosedBy,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Transfer::Table)
            .if_not_exists()
            .col(pk_auto(Transfer::Id))
            .col(integer(Transfer::FromLotId))
            .col(integer(Transfer::FromDistrictId))
            .col(integer(Transfer::ToDistrictId))
            .col(integer(Transfer::VaccineId))
            .col(big_integer(Transfer::Doses).check(Expr::col(Transfer::Doses).gt(0)))
            .col(string_len(Transfer::Status, 16))
            .col(string_len_null(Transfer::Reason, 500))
            .col(integer_null(Transfer::ToLotId))
            .col(big_integer_null(Transfer::DosesReceived))
            .col(string_len_null(Transfer::ShortfallReason, 500))
            .col(string_len_null(Transfer::ClosingReason, 500))
            .col(string_len(Transfer::RequestedBy, 300))
            .col(timestamp_with_time_zone(Transfer::RequestedAt))
            .col(string_len_null(Transfer::ApprovedBy, 300))
            .col(timestamp_with_time_zone_null(Transfer::ApprovedAt))
            .col(string_len_null(Transfer::DispatchedBy, 300))
            .col(timestamp_with_time_zone_null(Transfer::DispatchedAt))
            .col(string_len_null(Transfer::ReceivedBy, 300))
            .col(timestamp_with_time_zone_null(Transfer::ReceivedAt))
            .col(string_len_null(Transfer::ClosedBy, 300))
            .col(timestamp_with_time_zone_null(Transfer::ClosedAt))
            .col(version())
            .check(Expr::col(Transfer::FromDistrictId).ne(Expr::col(Transfer::ToDistrictId)))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_transfer_from_lot")
                    .from(Transfer::Table, Transfer::FromLotId)
                    .to(VaccineLot::Table, VaccineLot::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_transfer_to_lot")
                    .from(Transfer::Table, Transfer::ToLotId)
                    .to(VaccineLot::Table, VaccineLot::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_transfer_from_district")
                    .from(Transfer::Table, Transfer::FromDistrictId)
                    .to(District::Table, District::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_transfer_to_district")
                    .from(Transfer::Table, Transfer::ToDistrictId)
                    .to(District::Table, District::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_transfer_vaccine")
                    .from(Transfer::Table, Transfer::VaccineId)
                    .to(Vaccine::Table, Vaccine::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        for (name, cols) in [
            ("idx_transfer_status", [Transfer::Status, Transfer::Id]),
            (
                "idx_transfer_from_district",
                [Transfer::FromDistrictId, Transfer::Id],
            ),
            (
                "idx_transfer_to_district",
                [Transfer::ToDistrictId, Transfer::Id],
            ),
        ] {
            let mut index = Index::create();
            index
                .name(name)
                .table(Transfer::Table)
                .col(cols[0])
                .col(cols[1]);
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Transfer::Table).to_owned())
            .await
    }
}
