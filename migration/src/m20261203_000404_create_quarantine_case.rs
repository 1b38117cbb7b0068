//! Quarantine cases: a person isolated in a facility, at home under a signed commitment, or monitoring
//! themselves, supervised by a commune, until released, transferred to treatment or absconded.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{timestamps, version};
use crate::m20261123_000002_create_district::District;
use crate::m20261203_000403_create_quarantine_facility::QuarantineFacility;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum QuarantineCase {
    Table,
    Id,
    DistrictId,
    Commune,
    FacilityId,
    Category,
    Kind,
    FullName,
    IdNumber,
    Phone,
    Address,
    StartedAt,
    PlannedEndAt,
    Status,
    CommitmentPerson,
    CommitmentHousehold,
    CommitmentSignedAt,
    FollowUpId,
    CrewMemberId,
    OpenedBy,
    ClosedAt,
    CloseReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use QuarantineCase as Q;
        manager
            .create_table(
                timestamps(
                    Table::create()
                        .table(Q::Table)
                        .if_not_exists()
                        .col(big_pk_auto(Q::Id))
                        .col(integer(Q::DistrictId))
                        .col(string_len_null(Q::Commune, 200))
                        .col(big_integer_null(Q::FacilityId))
                        .col(string_len(Q::Category, 24))
                        .col(string_len(Q::Kind, 24))
                        .col(string_len(Q::FullName, 200))
                        .col(string_len_null(Q::IdNumber, 32))
                        .col(string_len_null(Q::Phone, 16))
                        .col(string_len_null(Q::Address, 500))
                        .col(timestamp_with_time_zone(Q::StartedAt))
                        .col(timestamp_with_time_zone(Q::PlannedEndAt))
                        .col(string_len(Q::Status, 32))
                        .col(string_len_null(Q::CommitmentPerson, 200))
                        .col(string_len_null(Q::CommitmentHousehold, 200))
                        .col(timestamp_with_time_zone_null(Q::CommitmentSignedAt))
                        .col(big_integer_null(Q::FollowUpId))
                        .col(big_integer_null(Q::CrewMemberId))
                        .col(string_len(Q::OpenedBy, 300))
                        .col(timestamp_with_time_zone_null(Q::ClosedAt))
                        .col(string_len_null(Q::CloseReason, 500))
                        .col(version())
                        .foreign_key(
                            ForeignKey::create()
                                .name("fk_quarantine_case_district")
                                .from(Q::Table, Q::DistrictId)
                                .to(District::Table, District::Id),
                        )
                        .foreign_key(
                            ForeignKey::create()
                                .name("fk_quarantine_case_facility")
                                .from(Q::Table, Q::FacilityId)
                                .to(QuarantineFacility::Table, QuarantineFacility::Id),
                        ),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quarantine_case_facility")
                    .table(Q::Table)
                    .col(Q::FacilityId)
                    .col(Q::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quarantine_case_district")
                    .table(Q::Table)
                    .col(Q::DistrictId)
                    .col(Q::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuarantineCase::Table).to_owned())
            .await
    }
}
