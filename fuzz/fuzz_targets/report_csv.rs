//! `report_csv`: the reports importer, `lienthong::reports::csv::parse`.
//!
//! Invariants: it never panics; an error is BAD_USER_INPUT and every line it names is the line where the
//! header or a record starts; a success holds one row per record, in order, each carrying its record's
//! line, with valid figures, and a period the importer can compute a due time for without panicking.
//!
//! Also compiled into the root crate's `tests/fuzz_corpus.rs`, which replays the seeds and regressions.
#![cfg_attr(fuzzing, no_main)]

#[path = "common/lines.rs"]
mod lines;

use lienthong::error::AppError;
use lienthong::reports::csv::parse;
use lienthong::reports::deadlines::due_at;
use lines::Lines;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(not(fuzzing), not(test)))]
fn main() {}

/// Most rows one file may hold (`MAX_ROWS` in src/reports/csv.rs).
const MAX_ROWS: usize = 50_000;

pub fn run(data: &[u8]) {
    let lines = Lines::of(data);
    match parse(data) {
        Ok(rows) => {
            assert!(!rows.is_empty(), "success without rows");
            assert!(rows.len() <= MAX_ROWS, "{} rows", rows.len());
            let found: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert_eq!(found, lines.records, "rows' lines");
            for row in &rows {
                let text = |t: &str| !t.is_empty() && t.trim() == t;
                assert!(text(&row.district_code), "{row:?}");
                assert!(text(&row.source_agency), "{row:?}");
                if let Err(e) = row.figures.validate() {
                    panic!("accepted figures fail validation: {e}: {row:?}");
                }
                // The import computes the due time of every row: an error is fine, a panic is not.
                if let Err(e) = due_at(row.kind, row.period, None) {
                    assert_eq!(e.code(), "BAD_USER_INPUT", "{e}");
                }
            }
        }
        Err(AppError::BadUserInput { field, message }) => lines.check(data, &field, &message),
        Err(other) => panic!("not BAD_USER_INPUT: {other:?}"),
    }
}
