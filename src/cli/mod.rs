//! The command line's work, below the parsing in `main.rs`: each command acts as the command-line
//! operator (`admin::operators`) through the same services as the API, so it is checked and audited the
//! same way. What a command prints and its exit status are the command line's contract with scripts.

pub mod agencies;
pub mod backup;
pub mod keys;
pub mod migrations;
pub mod reports;
pub mod serve;
pub mod setup;
pub mod tokens;

use std::path::Path;

use crate::auth::Actor;
use crate::districts::import;
use crate::error::{AppError, AppResult};
use crate::keyset::{MAX_PAGE_SIZE, Page, PageRequest};
use crate::state::AppState;

/// How commands print records: aligned text for people, JSON (one document on stdout) for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
}

/// Prints `value` as one JSON document on stdout.
pub fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    );
}

/// `import districts FILE`: all rows or none.
pub async fn import_districts(
    state: &AppState,
    operator: &str,
    file: &Path,
    output: Output,
) -> AppResult<()> {
    let reader = std::fs::File::open(file)
        .map_err(|e| AppError::bad_input("file", format!("{}: {e}", file.display())))?;
    let rows = import::parse(std::io::BufReader::new(reader))?;
    let loader = Actor::operator(0, operator);
    let summary = import::import(&state.ctx(&loader), &rows).await?;
    if output == Output::Json {
        print_json(&serde_json::json!({
            "rows": rows.len(),
            "created": summary.created,
            "updated": summary.updated,
        }));
        return Ok(());
    }
    println!(
        "imported {} districts: {} created, {} updated",
        rows.len(),
        summary.created,
        summary.updated
    );
    Ok(())
}

/// Walks a listing to its end in the largest pages, handing each page's rows to `show` as it comes.
async fn page_through<T>(
    mut fetch: impl AsyncFnMut(PageRequest) -> AppResult<Page<T>>,
    mut show: impl AsyncFnMut(Vec<T>) -> AppResult<()>,
) -> AppResult<()> {
    let mut after = None;
    loop {
        let page = fetch(PageRequest::new(Some(MAX_PAGE_SIZE as i32), after, false)?).await?;
        after = page.items.last().map(|(position, _)| *position);
        show(page.items.into_iter().map(|(_, row)| row).collect()).await?;
        if !page.has_next {
            return Ok(());
        }
    }
}
