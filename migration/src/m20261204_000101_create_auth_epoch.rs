//! A counter of changes that can end a token's validity, for the verified-token cache on SQLite: the
//! server reads it on each request, and triggers move it on every such change, whoever writes (the
//! server or the command line). On PostgreSQL the same changes reach every server as notifications,
//! so the table stays at zero there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The triggers, by name, with what fires them.
const TRIGGERS: [(&str, &str); 5] = [
    (
        "auth_epoch_token_update",
        "AFTER UPDATE OF revoked_at, expires_at, issued_at, role, subject, agency_id, jti ON api_token",
    ),
    ("auth_epoch_token_delete", "AFTER DELETE ON api_token"),
    ("auth_epoch_agency_update", "AFTER UPDATE ON agency"),
    ("auth_epoch_agency_delete", "AFTER DELETE ON agency"),
    (
        "auth_epoch_district_update",
        "AFTER UPDATE OF code ON district",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE auth_epoch (id integer NOT NULL PRIMARY KEY, value bigint NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO auth_epoch (id, value) VALUES (1, 0)")
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            for (name, event) in TRIGGERS {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name} {event} FOR EACH ROW \
                     BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            for (name, _) in TRIGGERS {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                    .await?;
            }
        }
        db.execute_unprepared("DROP TABLE auth_epoch").await?;
        Ok(())
    }
}
