#!/usr/bin/env bash
# Minewatch's simulator against the plain NumPy implementation of the same
# model (bench/sim_numpy.py), same scenario and parameters, on this machine.
#   bench/side-by-side.sh [SCENARIO] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-examples/scenarios/unfenced-100km.toml}
runs=${2:-10000}
cargo build --release --quiet
start=$(date +%s.%N)
./target/release/minewatch simulate "$scenario" --runs "$runs" --seed 1 --format json >/tmp/minewatch-sim.json
end=$(date +%s.%N)
rust=$(echo "$end - $start" | bc)
python3 - <<'PY'
import json
s = json.load(open("/tmp/minewatch-sim.json"))
t = s["civilian_total"]
print(f"minewatch: civilian casualties over the horizon: mean {t['mean']:.1f}, median {t['median']:.1f} [{t['p5']:.1f}-{t['p95']:.1f}]")
PY
echo "minewatch: $runs replicates in $rust s (all cores)"
numpy=$(python3 bench/sim_numpy.py "$scenario" --runs "$runs" --seed 1 | tee /dev/stderr | sed -n 's/^seconds //p')
echo "ratio (numpy / minewatch): $(echo "scale=1; $numpy / $rust" | bc)x"
