use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;
use crate::m20261123_000012_create_checkpoint::Checkpoint;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Screening {
    Table,
    Id,
    CheckpointId,
    DistrictId,
    RecordedAt,
    RecordedByAgencyId,
    RecordedBy,
    Direction,
    VehiclePlate,
    VehicleKind,
    PeopleCount,
    OriginProvinceCode,
    OriginDistrictCode,
    FromEpidemicArea,
    HealthDeclared,
    TestKind,
    TestResult,
    TestTakenAt,
    DosesShown,
    Symptoms,
    Decision,
    FullName,
    IdNumber,
    Phone,
    DestinationAddress,
    DestinationDistrictId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Screening::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Screening::Id))
                    .col(integer(Screening::CheckpointId))
                    .col(integer(Screening::DistrictId))
                    .col(timestamp_with_time_zone(Screening::RecordedAt))
                    .col(integer(Screening::RecordedByAgencyId))
                    .col(string_len(Screening::RecordedBy, 300))
                    .col(string_len(Screening::Direction, 24))
                    .col(string_len_null(Screening::VehiclePlate, 20))
                    .col(string_len(Screening::VehicleKind, 24))
                    .col(
                        integer(Screening::PeopleCount)
                            .check(Expr::col(Screening::PeopleCount).gt(0)),
                    )
                    .col(string_len_null(Screening::OriginProvinceCode, 8))
                    .col(string_len_null(Screening::OriginDistrictCode, 8))
                    .col(boolean(Screening::FromEpidemicArea))
                    .col(boolean(Screening::HealthDeclared))
                    .col(string_len(Screening::TestKind, 24))
                    .col(string_len_null(Screening::TestResult, 24))
                    .col(timestamp_with_time_zone_null(Screening::TestTakenAt))
                    .col(integer_null(Screening::DosesShown))
                    .col(boolean(Screening::Symptoms))
                    .col(string_len(Screening::Decision, 24))
                    .col(string_len_null(Screening::FullName, 200))
                    .col(string_len_null(Screening::IdNumber, 12))
                    .col(string_len_null(Screening::Phone, 16))
                    .col(string_len_null(Screening::DestinationAddress, 500))
                    .col(integer_null(Screening::DestinationDistrictId))
                    .col(timestamp_with_time_zone(Screening::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_screening_checkpoint")
                            .from(Screening::Table, Screening::CheckpointId)
                            .to(Checkpoint::Table, Checkpoint::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_screening_destination_district")
                            .from(Screening::Table, Screening::DestinationDistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_screening_checkpoint",
                [Screening::CheckpointId, Screening::Id],
            ),
            (
                "idx_screening_district",
                [Screening::DistrictId, Screening::Id],
            ),
            (
                "idx_screening_recorded_at",
                [Screening::RecordedAt, Screening::Id],
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Screening::Table)
                        .col(cols[0])
                        .col(cols[1])
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Screening::Table).to_owned())
            .await
    }
}
