//! Indexes that let every list filter read one index range in its keyset order: screenings of a post or
//! district by time, the first lots of each district, lots and transfers of one vaccine.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Screening {
    Table,
    Id,
    CheckpointId,
    DistrictId,
    RecordedAt,
}

#[derive(DeriveIden)]
enum VaccineLot {
    Table,
    Id,
    DistrictId,
    VaccineId,
}

#[derive(DeriveIden)]
enum Transfer {
    Table,
    Id,
    VaccineId,
}

/// (index name, table, columns)
fn indexes() -> Vec<(&'static str, DynIden, Vec<DynIden>)> {
    vec![
        (
            "idx_screening_checkpoint_time",
            Screening::Table.into_iden(),
            vec![
                Screening::CheckpointId.into_iden(),
                Screening::RecordedAt.into_iden(),
                Screening::Id.into_iden(),
            ],
        ),
        (
            "idx_screening_district_time",
            Screening::Table.into_iden(),
            vec![
                Screening::DistrictId.into_iden(),
                Screening::RecordedAt.into_iden(),
                Screening::Id.into_iden(),
            ],
        ),
        (
            "idx_vaccine_lot_district_id",
            VaccineLot::Table.into_iden(),
            vec![
                VaccineLot::DistrictId.into_iden(),
                VaccineLot::Id.into_iden(),
            ],
        ),
        (
            "idx_vaccine_lot_vaccine",
            VaccineLot::Table.into_iden(),
            vec![
                VaccineLot::VaccineId.into_iden(),
                VaccineLot::Id.into_iden(),
            ],
        ),
        (
            "idx_transfer_vaccine",
            Transfer::Table.into_iden(),
            vec![Transfer::VaccineId.into_iden(), Transfer::Id.into_iden()],
        ),
    ]
}

/// Screening indexes by id that the time-ordered ones above replace.
const REPLACED: [&str; 2] = ["idx_screening_checkpoint", "idx_screening_district"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, cols) in indexes() {
            let mut index = Index::create();
            index.name(name).table(table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        for name in REPLACED {
            manager
                .drop_index(Index::drop().name(name).table(Screening::Table).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes() {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for (name, col) in REPLACED
            .into_iter()
            .zip([Screening::CheckpointId, Screening::DistrictId])
        {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Screening::Table)
                        .col(col)
                        .col(Screening::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
