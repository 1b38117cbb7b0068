#!/usr/bin/env bash
# Fuzzes every target (or those in FUZZ_TARGETS) for FUZZ_SECONDS each (default 60), on the stable
# toolchain without a sanitizer (the server is safe Rust). Seeds and regressions are copied into the
# working corpus first. Exits non-zero on the first finding and prints the input that triggered it.
#
#   fuzz/run.sh                                    # every target, 60 s each
#   FUZZ_SECONDS=300 FUZZ_TARGETS="cursor token" fuzz/run.sh
set -euo pipefail

cd "$(dirname "$0")/.."
CARGO_FUZZ_VERSION=0.13.2
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-district_csv report_csv cursor token figures}

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

max_len() {
    case "$1" in
        district_csv | report_csv) echo 16384 ;;
        token) echo 8192 ;;
        *) echo 1024 ;;
    esac
}

cargo fuzz build --sanitizer none

for target in $FUZZ_TARGETS; do
    corpus=fuzz/corpus/$target
    artifacts=fuzz/artifacts/$target
    mkdir -p "$corpus" "$artifacts"
    for dir in fuzz/seeds/$target fuzz/regressions/$target; do
        if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
            cp "$dir"/* "$corpus"/
        fi
    done
    echo "== $target: $FUZZ_SECONDS s"
    before=$(find "$artifacts" -type f | wc -l)
    status=0
    cargo fuzz run "$target" --sanitizer none "$corpus" -- \
        -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$target")" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 || status=$?
    after=$(find "$artifacts" -type f | wc -l)
    if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
        echo "FINDING in $target (exit $status); newest inputs in $artifacts:" >&2
        ls -t "$artifacts" | head -n 5 | sed "s|^|  $artifacts/|" >&2
        echo "reproduce: cargo fuzz run $target --sanitizer none <input>" >&2
        exit 1
    fi
done
echo "no findings"
