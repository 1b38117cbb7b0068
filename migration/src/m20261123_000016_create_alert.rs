use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_create_district::District;
use crate::m20261123_000015_create_screening::Screening;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Alert {
    Table,
    Id,
    ScreeningId,
    DistrictId,
    Reasons,
    CreatedAt,
    AcknowledgedAt,
    AcknowledgedBy,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alert::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Alert::Id))
                    .col(big_integer(Alert::ScreeningId))
                    .col(integer(Alert::DistrictId))
                    .col(string_len(Alert::Reasons, 100))
                    .col(timestamp_with_time_zone(Alert::CreatedAt))
                    .col(timestamp_with_time_zone_null(Alert::AcknowledgedAt))
                    .col(string_len_null(Alert::AcknowledgedBy, 300))
                    .col(string_len_null(Alert::Note, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alert_screening")
                            .from(Alert::Table, Alert::ScreeningId)
                            .to(Screening::Table, Screening::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alert_district")
                            .from(Alert::Table, Alert::DistrictId)
                            .to(District::Table, District::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_alert_district")
                    .table(Alert::Table)
                    .col(Alert::DistrictId)
                    .col(Alert::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alert::Table).to_owned())
            .await
    }
}
