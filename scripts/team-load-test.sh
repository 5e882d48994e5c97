#!/usr/bin/env bash
# The team deployment's load test on loopback: two release servers (A, B) on
# one PostgreSQL database, wrk against A's reads, then 100 edits proposed
# through A and approved through B (crates/minewatch/examples/team_load.rs):
# latency of proposing and approving, how soon A serves each edit, and how
# soon a webhook subscriber on loopback receives each edit's entry.
#
#   DATABASE_ADMIN=postgres://postgres:PASSWORD@127.0.0.1/postgres scripts/team-load-test.sh
#   DURATION=10s EDITS=100 ...
set -euo pipefail
cd "$(dirname "$0")/.."
admin=${DATABASE_ADMIN:?set DATABASE_ADMIN to a PostgreSQL URL whose user may create databases}
duration=${DURATION:-10s}
edits=${EDITS:-100}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet
cargo build --release --quiet --example team_load -p minewatch
db="minewatch_load_$$"
psql "$admin" -qc "CREATE DATABASE $db"
url="${admin%/*}/$db"
dir=$(mktemp -d)
start() {
    ./target/release/minewatch serve --addr "127.0.0.1:$1" --database "$url" >"$dir/$1.out" 2>/dev/null &
    echo $!
}
a=$(start 18081)
sleep 1
b=$(start 18082)
trap 'kill $a $b 2>/dev/null; sleep 0.5; psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$dir"' EXIT
for port in 18081 18082; do
    until curl -sf "http://127.0.0.1:$port/api/v1/version" >/dev/null; do sleep 0.05; done
done
editor=$(./target/release/minewatch editor add ann --role editor --database "$url" | tail -n1)
reviewer=$(./target/release/minewatch editor add rev --role reviewer --database "$url" | tail -n1)
maintainer=$(./target/release/minewatch editor add max --role maintainer --database "$url" | tail -n1)
echo "== GET /api/v1/parties?on=2025-01-17 on replica A (PostgreSQL)"
wrk -t2 -c32 -d"$duration" --latency "http://127.0.0.1:18081/api/v1/parties?on=2025-01-17" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx'
echo "== $edits edits proposed through A, approved through B"
./target/release/examples/team_load 127.0.0.1:18081 127.0.0.1:18082 "$editor" "$reviewer" "$edits" "$maintainer"
