//! Migration discipline: only `lienthong migrate` and `serve --migrate` (which `--demo` implies) change
//! the schema, one process at a time; every other command, and `serve` without `--migrate`, refuses a
//! database whose schema is behind the binary, naming the pending migrations.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::{self, Connection};
use sea_orm::{DatabaseBackend, DatabaseConnection};

use crate::error::{AppError, AppResult};

/// Key of the PostgreSQL advisory lock held while migrating ("lienthong" in ASCII, folded to 63 bits).
const MIGRATION_LOCK_KEY: i64 = 0x6c69_656e_7468_6f6e;

/// One migration of the binary and whether the database has it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationRow {
    pub name: String,
    pub applied: bool,
}

/// Every migration the binary knows, in order, with its state in this database. Read-only: the
/// migration table is not created when missing (every migration is then pending).
pub async fn status(db: &DatabaseConnection) -> AppResult<Vec<MigrationRow>> {
    let pending: Vec<String> = Migrator::get_pending_migrations_read_only(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .map(|m| MigrationRow {
            name: m.name().to_owned(),
            applied: !pending.iter().any(|p| p == m.name()),
        })
        .collect())
}

/// The names of the migrations this database lacks.
pub async fn pending(db: &DatabaseConnection) -> AppResult<Vec<String>> {
    Ok(status(db)
        .await?
        .into_iter()
        .filter(|m| !m.applied)
        .map(|m| m.name)
        .collect())
}

/// INVALID_STATE naming the pending migrations, unless the schema is current.
pub async fn require_current(db: &DatabaseConnection) -> AppResult<()> {
    let pending = pending(db).await?;
    if pending.is_empty() {
        return Ok(());
    }
    Err(AppError::InvalidState(format!(
        "the database schema is out of date: {} pending migration(s): {}; run `lienthong migrate` \
         (after a backup) or start with `serve --migrate`",
        pending.len(),
        pending.join(", ")
    )))
}

/// Applies the pending migrations while holding the migration lock (a PostgreSQL advisory lock on its
/// own connection; on SQLite a lock on the file `DB.migrate-lock`), so two processes never migrate at
/// once: the second waits, then finds nothing left to do. Returns the migrations applied.
pub async fn migrate_locked(db: &DatabaseConnection, database_url: &str) -> AppResult<Vec<String>> {
    let _lock = MigrationLock::take(db, database_url).await?;
    let before = pending(db).await?;
    Migrator::up(db, None).await?;
    Ok(before)
}

/// Held until dropped (the PostgreSQL session ends, or the file lock is released).
enum MigrationLock {
    Postgres(#[allow(dead_code)] sqlx::PgConnection),
    File(#[allow(dead_code)] std::fs::File),
    None,
}

impl MigrationLock {
    async fn take(db: &DatabaseConnection, database_url: &str) -> AppResult<MigrationLock> {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(database_url)
                    .await
                    .map_err(|e| AppError::Internal(format!("migration lock: {e}")))?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(MIGRATION_LOCK_KEY)
                    .execute(&mut conn)
                    .await
                    .map_err(|e| AppError::Internal(format!("migration lock: {e}")))?;
                Ok(MigrationLock::Postgres(conn))
            }
            DatabaseBackend::Sqlite => {
                let file = db
                    .get_sqlite_connection_pool()
                    .connect_options()
                    .get_filename()
                    .to_path_buf();
                if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
                    return Ok(MigrationLock::None);
                }
                let path = format!("{}.migrate-lock", file.display());
                let lock = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)?;
                // Blocking, but a migration run is a short, one-off wait at the command line.
                let lock = tokio::task::spawn_blocking(move || lock.lock().map(|()| lock))
                    .await
                    .map_err(|e| AppError::Internal(format!("migration lock: {e}")))??;
                Ok(MigrationLock::File(lock))
            }
            _ => Ok(MigrationLock::None),
        }
    }
}
