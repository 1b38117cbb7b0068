use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000002_create_district::District;
use crate::m20261123_000006_create_vaccine::Vaccine;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum VaccineLot {
    Table,
    Id,
    LotNumber,
    VaccineId,
    DistrictId,
    ExpiresOn,
    DosesOnHand,
    DosesReserved,
    AllocationRef,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(VaccineLot::Table)
            .if_not_exists()
            .col(pk_auto(VaccineLot::Id))
            .col(string_len(VaccineLot::LotNumber, 64))
            .col(integer(VaccineLot::VaccineId))
            .col(integer(VaccineLot::DistrictId))
            .col(date(VaccineLot::ExpiresOn))
            .col(big_integer(VaccineLot::DosesOnHand).default(0))
            .col(big_integer(VaccineLot::DosesReserved).default(0))
            .col(string_len_null(VaccineLot::AllocationRef, 200))
            .col(version())
            // The stock invariant, enforced by the database whatever the code does.
            .check(Expr::col(VaccineLot::DosesOnHand).gte(0))
            .check(Expr::col(VaccineLot::DosesReserved).gte(0))
            .check(Expr::col(VaccineLot::DosesReserved).lte(Expr::col(VaccineLot::DosesOnHand)))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_vaccine_lot_vaccine")
                    .from(VaccineLot::Table, VaccineLot::VaccineId)
                    .to(Vaccine::Table, Vaccine::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_vaccine_lot_district")
                    .from(VaccineLot::Table, VaccineLot::DistrictId)
                    .to(District::Table, District::Id),
            );
        manager.create_table(timestamps(&mut table).take()).await?;
        for (name, cols) in [
            (
                "ux_vaccine_lot_number_district",
                vec![VaccineLot::LotNumber, VaccineLot::DistrictId],
            ),
            (
                "idx_vaccine_lot_district_vaccine",
                vec![
                    VaccineLot::DistrictId,
                    VaccineLot::VaccineId,
                    VaccineLot::Id,
                ],
            ),
            ("idx_vaccine_lot_expires", vec![VaccineLot::ExpiresOn]),
        ] {
            let mut index = Index::create();
            index.name(name).table(VaccineLot::Table);
            for col in cols {
                index.col(col);
            }
            if name.starts_with("ux_") {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VaccineLot::Table).to_owned())
            .await
    }
}
