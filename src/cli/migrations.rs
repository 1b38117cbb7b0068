//! `lienthong migrate` and `lienthong migrate status`.

use sea_orm::DatabaseConnection;

use super::{Output, print_json};
use crate::error::AppResult;
use crate::schema_version;

/// What `migrate` did.
pub fn print_applied(applied: &[String], output: Output) {
    match output {
        Output::Json => print_json(&serde_json::json!({ "applied": applied })),
        Output::Text if applied.is_empty() => eprintln!("database is up to date"),
        Output::Text => {
            for name in applied {
                println!("applied {name}");
            }
            eprintln!("database is up to date ({} applied)", applied.len());
        }
    }
}

/// Every migration and its state; exits with status 2 when some are pending, so scripts can test it.
pub async fn status(db: &DatabaseConnection, output: Output) -> AppResult<()> {
    let rows = schema_version::status(db).await?;
    let pending = rows.iter().filter(|m| !m.applied).count();
    match output {
        Output::Json => print_json(&serde_json::json!({ "migrations": rows, "pending": pending })),
        Output::Text => {
            for m in &rows {
                println!(
                    "{:<8} {}",
                    if m.applied { "applied" } else { "PENDING" },
                    m.name
                );
            }
            eprintln!("{} applied, {pending} pending", rows.len() - pending);
        }
    }
    if pending > 0 {
        std::process::exit(2);
    }
    Ok(())
}
