//! `import reports FILE` and `export reports`: the reports CSV for scripts with database access.

use std::path::Path;

use chrono::NaiveDate;

use crate::admin::operators;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::reports;
use crate::state::AppState;

/// `import reports FILE`: all rows or none.
pub async fn import(
    state: &AppState,
    operator: &str,
    file: &Path,
    output: super::Output,
) -> AppResult<()> {
    let reader = std::fs::File::open(file)
        .map_err(|e| AppError::bad_input("file", format!("{}: {e}", file.display())))?;
    let rows = reports::csv::parse(std::io::BufReader::new(reader))?;
    let loader = Actor::operator(0, operator);
    let imported = reports::csv::import(&state.ctx(&loader), &rows).await?;
    match output {
        super::Output::Json => super::print_json(&serde_json::json!({ "rows": imported })),
        super::Output::Text => println!("imported {imported} reports"),
    }
    Ok(())
}

/// What `export reports` takes from the command line.
pub struct ExportArgs {
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub kind: Option<String>,
    pub format: String,
    pub province: Option<String>,
}

/// `export reports`: the reports of the operator's province as CSV on standard output.
pub async fn export(state: &AppState, operator: &str, args: ExportArgs) -> AppResult<()> {
    if !args.format.eq_ignore_ascii_case("csv") {
        return Err(AppError::bad_input("format", "csv is the one format"));
    }
    let kind = args
        .kind
        .as_deref()
        .map(reports::csv::parse_kind)
        .transpose()?;
    let actor = operators::of_province(&state.db, args.province.as_deref(), operator).await?;
    let filter = reports::read::ReportFilter {
        kind,
        periods: (args.period_from, args.period_to),
        ..Default::default()
    };
    print!(
        "{}",
        reports::csv::export(&state.ctx(&actor), &filter).await?
    );
    Ok(())
}
