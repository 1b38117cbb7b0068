//! `district_csv`: the district reference-list importer, `lienthong::districts::import::parse`.
//!
//! Invariants: it never panics; an error is BAD_USER_INPUT and every line it names is the line where the
//! header or a record starts (so within the file); a success holds one row per record, each passing every
//! check of the importer, with distinct codes.
//!
//! This file is also compiled into the root crate's `tests/fuzz_corpus.rs` (without `cfg(fuzzing)`), which
//! replays `fuzz/seeds/district_csv` and `fuzz/regressions/district_csv` through [`run`].
#![cfg_attr(fuzzing, no_main)]

use std::collections::HashSet;

#[path = "common/lines.rs"]
mod lines;

use lienthong::districts::import::parse;
use lienthong::districts::service::{MAX_BEDS, MAX_POPULATION};
use lienthong::error::AppError;
use lines::Lines;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(not(fuzzing), not(test)))]
fn main() {}

/// Most rows one file may hold (`MAX_ROWS` in src/districts/import.rs).
const MAX_ROWS: usize = 10_000;

pub fn run(data: &[u8]) {
    let lines = Lines::of(data);
    match parse(data) {
        Ok(rows) => {
            assert!(!rows.is_empty(), "success without rows");
            assert!(rows.len() <= MAX_ROWS, "{} rows", rows.len());
            assert_eq!(rows.len(), lines.records.len(), "a record left out");
            let mut codes = HashSet::new();
            for row in &rows {
                let gso = |code: &str| {
                    !code.is_empty() && code.len() <= 8 && code.bytes().all(|b| b.is_ascii_digit())
                };
                assert!(gso(&row.code), "{row:?}");
                assert!(gso(&row.province_code), "{row:?}");
                assert!(codes.insert(row.code.clone()), "code twice: {row:?}");
                let text = |t: &str| !t.is_empty() && t.trim() == t && t.chars().count() <= 200;
                assert!(text(&row.name), "{row:?}");
                assert!(text(&row.province_name), "{row:?}");
                assert!(row.name_en.as_deref().is_none_or(text), "{row:?}");
                let people = |v: Option<i64>| v.is_none_or(|v| (0..=MAX_POPULATION).contains(&v));
                assert!(people(row.population), "{row:?}");
                assert!(people(row.adults_18_plus), "{row:?}");
                assert!(
                    row.population_year.is_none_or(|y| (0..=2100).contains(&y)),
                    "{row:?}"
                );
                if let (Some(adults), Some(population)) = (row.adults_18_plus, row.population) {
                    assert!(adults <= population, "{row:?}");
                }
                let beds = |v: Option<i32>| v.is_none_or(|v| (0..=MAX_BEDS).contains(&v));
                assert!(beds(row.treatment_beds), "{row:?}");
                assert!(beds(row.intensive_care_beds), "{row:?}");
            }
        }
        Err(AppError::BadUserInput { field, message }) => lines.check(data, &field, &message),
        Err(other) => panic!("not BAD_USER_INPUT: {other:?}"),
    }
}
