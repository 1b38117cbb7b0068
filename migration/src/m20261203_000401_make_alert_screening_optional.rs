//! An alert may come from something other than a screening (a crew test, a quarantine case, a testing
//! plan): its screening becomes optional. SQLite cannot drop a NOT NULL in place, so there the table is
//! rebuilt in its new shape and the rows copied; PostgreSQL drops the constraint.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};

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
    TravellerId,
    PostDistrictId,
    CommuneId,
    OutboundProvinceCode,
}

#[derive(DeriveIden)]
enum AlertRebuilt {
    Table,
}

/// Every column the table has at this point, the travellers' columns (m20261203_000105..108) included.
const COLUMNS: &str = "id, screening_id, district_id, reasons, created_at, acknowledged_at, \
     acknowledged_by, note, traveller_id, post_district_id, commune_id, outbound_province_code";

/// Rebuilds the SQLite table with `screening_id` nullable or not (rows without one are dropped then),
/// in one transaction on one connection (pooled connections would not all see the new table at once).
async fn rebuild(manager: &SchemaManager<'_>, nullable: bool) -> Result<(), DbErr> {
    let screening = if nullable {
        big_integer_null(Alert::ScreeningId)
    } else {
        big_integer(Alert::ScreeningId)
    };
    let create = Table::create()
        .table(AlertRebuilt::Table)
        .col(big_pk_auto(Alert::Id))
        .col(screening)
        .col(integer(Alert::DistrictId))
        .col(string_len(Alert::Reasons, 100))
        .col(timestamp_with_time_zone(Alert::CreatedAt))
        .col(timestamp_with_time_zone_null(Alert::AcknowledgedAt))
        .col(string_len_null(Alert::AcknowledgedBy, 300))
        .col(string_len_null(Alert::Note, 500))
        .col(big_integer_null(Alert::TravellerId))
        .col(integer_null(Alert::PostDistrictId))
        .col(integer_null(Alert::CommuneId))
        .col(string_len_null(Alert::OutboundProvinceCode, 8))
        .foreign_key(
            ForeignKey::create()
                .name("fk_alert_screening")
                .from(AlertRebuilt::Table, Alert::ScreeningId)
                .to(Screening::Table, Screening::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_alert_district")
                .from(AlertRebuilt::Table, Alert::DistrictId)
                .to(District::Table, District::Id),
        )
        .to_owned();
    let index = Index::create()
        .name("idx_alert_district")
        .table(Alert::Table)
        .col(Alert::DistrictId)
        .col(Alert::Id)
        .to_owned();
    let keep = if nullable {
        ""
    } else {
        " WHERE screening_id IS NOT NULL"
    };
    let txn = manager.get_connection().begin().await?;
    txn.execute(&create).await?;
    txn.execute_unprepared(&format!(
        "INSERT INTO alert_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM alert{keep}"
    ))
    .await?;
    txn.execute_unprepared("DROP TABLE alert").await?;
    txn.execute_unprepared("ALTER TABLE alert_rebuilt RENAME TO alert")
        .await?;
    txn.execute(&index).await?;
    txn.commit().await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => rebuild(manager, true).await,
            _ => {
                manager
                    .get_connection()
                    .execute_unprepared("ALTER TABLE alert ALTER COLUMN screening_id DROP NOT NULL")
                    .await?;
                Ok(())
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => rebuild(manager, false).await,
            _ => {
                let db = manager.get_connection();
                db.execute_unprepared("DELETE FROM alert WHERE screening_id IS NULL")
                    .await?;
                db.execute_unprepared("ALTER TABLE alert ALTER COLUMN screening_id SET NOT NULL")
                    .await?;
                Ok(())
            }
        }
    }
}
