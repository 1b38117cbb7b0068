//! Replays the checked-in fuzz inputs (`fuzz/seeds/<target>/*` and `fuzz/regressions/<target>/*`) through
//! the fuzz targets' own `run`, with the same invariants, so the default `cargo test` covers every past
//! finding without cargo-fuzz. See fuzz/README.md.

// A test binary: a failed expectation should panic with its message.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
// Each target file declares the helper modules it uses (fuzz_targets/common), as a fuzz binary must.
#![allow(clippy::duplicate_mod)]

use std::path::PathBuf;

// The targets are compiled here without `cfg(fuzzing)`, which leaves out their libFuzzer entry points.
#[path = "../fuzz/fuzz_targets/cursor.rs"]
mod cursor;
#[path = "../fuzz/fuzz_targets/district_csv.rs"]
mod district_csv;
#[path = "../fuzz/fuzz_targets/figures.rs"]
mod figures;
#[path = "../fuzz/fuzz_targets/report_csv.rs"]
mod report_csv;
#[path = "../fuzz/fuzz_targets/token.rs"]
mod token;

/// Runs every seed and regression input of `target`; there must be some.
fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files: Vec<PathBuf> = ["seeds", "regressions"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(fuzz.join(dir).join(target)).ok())
        .flatten()
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs for {target}");
    for path in files {
        let data = std::fs::read(&path).expect("read input");
        // Printed only when the test fails: names the input that broke an invariant.
        eprintln!("replaying {}", path.display());
        run(&data);
    }
}

#[test]
fn district_csv_inputs() {
    replay("district_csv", district_csv::run);
}

#[test]
fn report_csv_inputs() {
    replay("report_csv", report_csv::run);
}

#[test]
fn cursor_inputs() {
    replay("cursor", cursor::run);
}

#[test]
fn token_inputs() {
    replay("token", token::run);
}

#[test]
fn figures_inputs() {
    replay("figures", figures::run);
}
