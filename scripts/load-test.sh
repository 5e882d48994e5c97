#!/usr/bin/env bash
# Load test on loopback: the release server on a fresh database, wrk as the
# load generator (Debian package `wrk`; `apt-get install wrk`), both on this
# machine. Prints requests/s and latency percentiles for the parties API and
# the map page, the server's memory, and the cold start to first answer.
#
#   scripts/load-test.sh            # 20 s per endpoint
#   DURATION=10s scripts/load-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20s}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet
dir=$(mktemp -d)
port=18080
start=$(date +%s.%N)
./target/release/minewatch serve --addr 127.0.0.1:$port --database "sqlite://$dir/load.db" >"$dir/out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/api/v1/parties?on=2025-01-17" >/dev/null; do sleep 0.01; done
ready=$(date +%s.%N)
echo "cold start (new database, import of data/) to first answer: $(echo "($ready - $start) * 1000" | bc) ms"
kill $server; wait $server 2>/dev/null || true
start=$(date +%s.%N)
./target/release/minewatch serve --addr 127.0.0.1:$port --database "sqlite://$dir/load.db" >"$dir/out" 2>/dev/null &
server=$!
until curl -sf "http://127.0.0.1:$port/api/v1/parties?on=2025-01-17" >/dev/null; do sleep 0.01; done
ready=$(date +%s.%N)
echo "start on an existing database to first answer: $(echo "($ready - $start) * 1000" | bc) ms"
for path in "/api/v1/parties?on=2025-01-17" "/?on=2025-01-17"; do
    echo "== GET $path"
    wrk -t2 -c32 -d"$duration" --latency "http://127.0.0.1:$port$path" | grep -E 'Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx'
done
echo "server memory (RSS): $(ps -o rss= -p $server | awk '{printf "%.1f MB", $1/1024}')"
