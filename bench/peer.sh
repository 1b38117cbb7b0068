#!/usr/bin/env bash
# Runs ../shared/bench/peer-bench.sh (PostGraphile and pgbench on a private PostgreSQL cluster) with this
# server measured in the same run: `lienthong-bench peer-serve` loads database `lienthong_peer` on that
# cluster at the peer's scale (30 districts, 3,000 lots, 30,000 transfers) and serves it.
#
# Usage: bash bench/peer.sh   (knobs of peer-bench.sh, e.g. DURATION=10 REPEAT=2, pass through)
set -euo pipefail
cd "$(dirname "$0")/.."
PEER_SCRIPT=${PEER_SCRIPT:-../shared/bench/peer-bench.sh}
PORT=${OURS_PORT:-8080}

cargo build --release --locked --bin lienthong --bin lienthong-bench
bench=$PWD/target/release/lienthong-bench
queries=$(mktemp -d)
python3 bench/queries.py "$queries"

OURS_CMD="$bench peer-serve --bind 127.0.0.1:$PORT" \
OURS_URL="http://127.0.0.1:$PORT/graphql" \
OURS_QUERY_A="$queries/a.json" \
OURS_QUERY_B="$queries/b.json" \
OURS_AUTH="Authorization: Bearer $("$bench" peer-token)" \
  bash "$PEER_SCRIPT"
