//! Travellers: the people of one screening (a vehicle or a group), each with personal fields, origin,
//! destination, declaration, test and the epidemic area their origin matched.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;
use crate::m20261123_000015_create_screening::Screening;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Traveller {
    Table,
    Id,
    ScreeningId,
    PostDistrictId,
    CrossedAt,
    FullName,
    IdNumber,
    BirthYear,
    Phone,
    OriginProvinceCode,
    OriginDistrictCode,
    OriginCommuneCode,
    OriginText,
    DestinationDistrictCode,
    DestinationDistrictId,
    DestinationCommuneCode,
    DestinationAddress,
    DeclarationChannel,
    DeclarationReference,
    DosesShown,
    TestKind,
    TestResult,
    TestTakenAt,
    Symptoms,
    FromEpidemicArea,
    MarkedByOfficer,
    MatchedAreaId,
    MatchedAreaCode,
    MatchedLevel,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Traveller as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::ScreeningId))
                    .col(integer(T::PostDistrictId))
                    .col(timestamp_with_time_zone(T::CrossedAt))
                    .col(string_len_null(T::FullName, 200))
                    .col(string_len_null(T::IdNumber, 20))
                    .col(integer_null(T::BirthYear))
                    .col(string_len_null(T::Phone, 20))
                    .col(string_len_null(T::OriginProvinceCode, 8))
                    .col(string_len_null(T::OriginDistrictCode, 8))
                    .col(string_len_null(T::OriginCommuneCode, 8))
                    .col(string_len_null(T::OriginText, 500))
                    .col(string_len_null(T::DestinationDistrictCode, 8))
                    .col(integer_null(T::DestinationDistrictId))
                    .col(string_len_null(T::DestinationCommuneCode, 8))
                    .col(string_len_null(T::DestinationAddress, 500))
                    .col(string_len(T::DeclarationChannel, 16))
                    .col(string_len_null(T::DeclarationReference, 2000))
                    .col(integer_null(T::DosesShown))
                    .col(string_len(T::TestKind, 24))
                    .col(string_len_null(T::TestResult, 24))
                    .col(timestamp_with_time_zone_null(T::TestTakenAt))
                    .col(boolean(T::Symptoms).default(false))
                    .col(boolean(T::FromEpidemicArea).default(false))
                    .col(boolean(T::MarkedByOfficer).default(false))
                    .col(integer_null(T::MatchedAreaId))
                    .col(string_len_null(T::MatchedAreaCode, 8))
                    .col(integer_null(T::MatchedLevel))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_traveller_screening")
                            .from(T::Table, T::ScreeningId)
                            .to(Screening::Table, Screening::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_traveller_destination")
                            .from(T::Table, T::DestinationDistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_traveller_screening", vec![T::ScreeningId, T::Id]),
            ("idx_traveller_id_number", vec![T::IdNumber, T::CrossedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(T::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Traveller::Table).to_owned())
            .await
    }
}
