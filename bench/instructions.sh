#!/usr/bin/env bash
# Server instructions per request, counted by callgrind: repeatable for the same binary and data whatever
# else the machine is doing, so two builds compare without the noise of timed runs. Loads the peer's data
# (`lienthong-bench peer-serve`, database `lienthong_peer`), then serves it under callgrind, sends 30
# warm-up requests and N counted ones, one at a time, and prints instructions per counted request. The
# kernel's share (sockets, scheduling) is not counted.
#
# Usage: bash bench/instructions.sh [a|b] [N]      (cases as in bench/peer.sh; default: both, N 200 / 40)
# Knobs: BIN=target/release  PEER_PG_URL=postgres://postgres@127.0.0.1:5432  PORT=8095
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release}
export PEER_PG_URL=${PEER_PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-8095}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -n "${BIN_BUILT:-}" ] || [ "$BIN" != target/release ] || cargo build --release --locked --bin lienthong --bin lienthong-bench
out=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$out"' EXIT

wait_for_data() { # $1: query file
  for _ in $(seq 600); do
    curl -sf -H "$auth" -H 'Content-Type: application/json' --data @"$1" "http://127.0.0.1:$PORT/graphql" 2>/dev/null \
      | grep -q '"data"' && return 0
    sleep 0.5
  done
  echo "server did not answer" >&2; exit 1
}

python3 bench/queries.py "$out"
auth="Authorization: Bearer $("$BIN/lienthong-bench" peer-token)"

# Load the data once, with the server peer-serve starts, then stop it.
"$BIN/lienthong-bench" peer-serve --bind "127.0.0.1:$PORT" >"$out/load.log" 2>&1 &
server=$!
wait_for_data "$out/b.json"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

count() { # $1: case, $2: requests
  PGSSLMODE=disable LIENTHONG_JWT_SECRET=benchmark-secret-benchmark-secret-0123456789 \
  LIENTHONG_RATE_LIMIT_PER_MINUTE=1000000000 LIENTHONG_LOG=warn \
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.%p" \
    "$BIN/lienthong" serve --database-url "$PEER_PG_URL/lienthong_peer" --bind "127.0.0.1:$PORT" \
    >"$out/serve.log" 2>&1 &
  server=$!
  wait_for_data "$out/$1.json"
  python3 - "$out/$1.json" "$2" "$PORT" "$auth" <<'PY'
import http.client, subprocess, sys
body, n, port, auth = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
name, value = auth.split(": ", 1)
headers = {name: value, "Content-Type": "application/json"}
conn = http.client.HTTPConnection("127.0.0.1", port)
def send():
    conn.request("POST", "/graphql", body, headers)
    data = conn.getresponse().read()
    assert b'"errors"' not in data, data[:300]
for _ in range(30):
    send()
subprocess.run(["callgrind_control", "-z"], check=True, capture_output=True)
for _ in range(n):
    send()
subprocess.run(["callgrind_control", "-d"], check=True, capture_output=True)
PY
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  local total
  total=$(awk '/^summary:/ {print $2}' "$out"/cg."$1".*.1)
  echo "case $1: $(( total / $2 )) instructions per request ($2 requests, $(date -u +%Y-%m-%dT%H:%MZ))"
}

case "${1:-both}" in
  a) count a "${2:-40}" ;;
  b) count b "${2:-200}" ;;
  *) count a 40; count b 200 ;;
esac
