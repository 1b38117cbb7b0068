//! `lienthong backup --to FILE`: a consistent copy of a live SQLite database. `VACUUM INTO` reads in one
//! transaction, so the copy is the database as of one instant while other processes keep writing. For
//! PostgreSQL, `pg_dump` does the same (see README).

use std::path::Path;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use super::{Output, print_json};
use crate::error::{AppError, AppResult};

pub async fn run(db: &DatabaseConnection, to: &Path, output: Output) -> AppResult<()> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Err(AppError::bad_input(
            "to",
            "backup copies SQLite databases; for PostgreSQL use pg_dump -Fc (see README)",
        ));
    }
    if to.exists() {
        return Err(AppError::bad_input(
            "to",
            format!("{} exists; give a new file", to.display()),
        ));
    }
    let target = to
        .to_str()
        .ok_or_else(|| AppError::bad_input("to", "not UTF-8"))?;
    let started = std::time::Instant::now();
    db.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    match output {
        Output::Json => print_json(&serde_json::json!({
            "file": target,
            "bytes": bytes,
            "seconds": started.elapsed().as_secs_f64(),
        })),
        Output::Text => println!(
            "backed up to {target} ({bytes} bytes, {:.1} s); keep the signing secret or key set \
             beside it",
            started.elapsed().as_secs_f64()
        ),
    }
    Ok(())
}
