#!/usr/bin/env python3
"""The impact simulator's cohort model in plain NumPy, for a side-by-side run
with `minewatch simulate` (same scenario file, same parameters from
data/sim_parameters.csv with the fits of data/sim_calibration.csv, replicates
drawn from a seeded generator; the numbers match in distribution, not draw
for draw). It has the military phase (crossings, engagement while observed,
detonations), fence decay after maintenance, the incidental and intentional
channels, the exposure decline once mine action starts, and clearance with
its quality and deminer casualties; migration and mine decay have no sourced
rate, so neither implementation runs them.

    python3 bench/sim_numpy.py examples/scenarios/unfenced-100km.toml --runs 10000 --seed 1

Prints the wall time and the mean and 5-95% band of civilian casualties over
the horizon, to compare with `minewatch simulate ... --format json`.
`bench/side-by-side.sh` runs both and prints the ratio.
"""
import argparse
import csv
import math
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def parameters():
    values = {}
    with open(ROOT / "data" / "sim_parameters.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["default"] and row["basis"] != "calibrate" and row["name"] != "decline_with_clearance":
                values[row["name"]] = float(row["default"])
    with open(ROOT / "data" / "sim_calibration.csv", newline="") as f:
        for row in csv.DictReader(f):
            values[row["name"]] = float(row["value"])
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    s = tomllib.loads(Path(args.scenario).read_text())
    p = parameters()
    for key, override in s.get("parameters", {}).items():
        p[key] = override["value"]
    field, clearance = s["field"], s.get("clearance")
    years = int(s["horizon_years"])
    cell_m = field.get("cell_m", 100.0)
    cells = math.ceil(field["frontage_km"] * 1000 / cell_m)
    density = p.get("density_per_m", 0.0) if field.get("ap_mines", True) else 0.0
    per_cell = round(density * cell_m)
    area = cell_m * field["depth_m"]
    fence = 1.0 if field["fenced"] else 0.0
    marking = 1.0 if field["marked"] else 0.0
    maintenance = field.get("maintenance_years", 0.0)
    h_f, h_u = p.get("hazard_incidental_fenced", 0.0), p.get("hazard_incidental_unfenced", 0.0)
    pressure = s.get("civilian", {}).get("crossing_pressure", 0.0)
    h_int = p.get("hazard_intentional", 0.0) * pressure
    fence_decay = p.get("fence_decay_per_year", 0.0)
    military = s["military"]
    m_years = int(military["years"])
    observed_years = int(military.get("observed_years", m_years if military["observed"] else 0))
    attempts = military.get("attempts_per_km_year", 0.0) * field["frontage_km"]
    p_engaged = p.get("p_obs_engaged", 0.0)
    width = p.get("trigger_width_m", 0.0)
    decline = p.get("exposure_decline_with_mine_action", 0.0)
    if not clearance or not clearance.get("mine_action", True):
        decline = 0.0
    p_kill, quality = p.get("p_kill", 0.0), p.get("clearance_quality", 1.0)
    p_deminer = p.get("p_deminer_per_mine_found", 0.0)
    productivity = p.get("productivity_m2_per_deminer_day")
    rng = np.random.default_rng(args.seed)

    start = time.perf_counter()
    runs = args.runs
    belt = np.full((runs, cells), per_cell, dtype=np.int64)
    total = np.zeros(runs, dtype=np.int64)
    killed = np.zeros(runs, dtype=np.int64)
    crossed = np.zeros(runs, dtype=np.int64)
    tried = np.zeros(runs, dtype=np.int64)
    cleared = 0
    carry = 0.0
    for year in range(years):
        if year < m_years and attempts > 0 and per_cell > 0:
            # Every attempt of every replicate at once: a random cell, engaged
            # while observed, else a detonation with 1 - exp(-width x mines/m).
            n = rng.poisson(attempts, size=runs)
            rep = np.repeat(np.arange(runs), n)
            cell = rng.integers(0, cells, size=rep.size)
            stopped = rng.random(rep.size) < (p_engaged if year < observed_years else 0.0)
            p_det = 1.0 - np.exp(-width * belt[rep, cell] / cell_m)
            det = ~stopped & (rng.random(rep.size) < p_det)
            np.subtract.at(belt, (rep[det], cell[det]), 1)
            np.maximum(belt, 0, out=belt)
            tried += n
            crossed += np.bincount(rep[~stopped & ~det], minlength=runs)
        if year >= maintenance:
            fence *= 1.0 - fence_decay
        protection = fence * marking
        exposure = math.exp(-decline * (year - clearance["start_year"])) if decline and year >= clearance["start_year"] else 1.0
        hazard = exposure * (protection * h_f + (1 - protection) * h_u)
        hits = rng.binomial(belt, min(hazard, 1.0))
        belt -= hits
        crossings = rng.binomial(belt, min(exposure * h_int, 1.0)) if h_int else 0
        belt -= crossings
        casualties = hits.sum(axis=1) + (crossings.sum(axis=1) if h_int else 0)
        total += casualties
        killed += rng.binomial(casualties, p_kill)
        if clearance and productivity and year >= clearance["start_year"] and cleared < cells:
            carry += clearance["deminers"] * clearance["working_days"] * productivity
            n = min(int(carry // area), cells - cleared)
            if n > 0:
                carry -= n * area
                found = rng.binomial(belt[:, cleared:cleared + n], quality)
                belt[:, cleared:cleared + n] -= found
                rng.binomial(found, p_deminer)
                cleared += n
    elapsed = time.perf_counter() - start
    print(f"numpy: {runs} replicates x {years} years x {cells} cells in {elapsed:.2f} s")
    print(f"civilian casualties over the horizon: mean {total.mean():.1f}, "
          f"median {np.median(total):.1f} [{np.percentile(total, 5):.1f}-{np.percentile(total, 95):.1f}]")
    if tried.sum():
        print(f"crossing success: mean share {np.mean(crossed[tried > 0] / tried[tried > 0]):.3f}")
    print(f"seconds {elapsed:.4f}")


if __name__ == "__main__":
    main()
