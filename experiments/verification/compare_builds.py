#!/usr/bin/python3
"""Do two builds of buurtsim give the same distributions? (issue 13: a speed change
that changes the random stream must leave the distributions as they were.)

Runs the same scenarios with both binaries, each with its own replicates, and
compares every indicator city-wide: per replicate, the mean over the recorded
weeks of the sum over buurten (of the mean over buurten for shares, scores and
waiting times), and the effect of each scenario against the first, paired by
replicate (common random numbers within a build). Welch's t for each; under
equal distributions |t| stays below ~4 for all of them (a few hundred tests).

    /usr/bin/python3 experiments/verification/compare_builds.py OLD_BINARY NEW_BINARY \\
        --scale 0.25 --replicates 16 experiments/scenarios/baseline.toml \\
        experiments/scenarios/buurtkamers.toml
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr
from scipy import stats

MEANS = ("_share", "cohesion", "wait_weeks", "mean_")  # averaged over buurten, not summed


def run(binary, scenarios, out, args):
    cmd = [binary, "run", *scenarios, "-o", str(out), "--replicates", str(args.replicates), "--seed", str(args.seed),
           "--threads", str(args.threads), "-q", "--set", f"population.scale={args.scale}"]
    if args.weeks:
        cmd += ["--set", f"run.weeks={args.weeks}"]
    subprocess.run(cmd, check=True)


def city(path):
    """{indicator: array (scenario, replicate)} of city-level run means."""
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        names = [str(s) for s in ds["scenario_name"].values]
        out = {}
        for name, var in ds.data_vars.items():
            if var.dims != ("scenario", "replicate", "week", "buurt"):
                continue
            v = var.values.astype(float)
            per_week = np.nanmean(v, axis=3) if any(m in name for m in MEANS) else np.nansum(v, axis=3)
            out[name] = np.nanmean(per_week, axis=2)
        return names, out


def welch(a, b):
    if np.allclose(a, a.mean()) and np.allclose(b, b.mean()):
        return 0.0 if np.isclose(a.mean(), b.mean()) else np.inf
    return float(stats.ttest_ind(a, b, equal_var=False).statistic)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("scenarios", nargs="+")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--replicates", type=int, default=16)
    ap.add_argument("--weeks", type=int, default=0, help="recorded weeks (0: the scenario's)")
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--limit", type=float, default=4.0, help="|t| above this is reported as a difference")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for tag, binary in (("old", args.old), ("new", args.new)):
            f = pathlib.Path(tmp) / f"{tag}.h5"
            run(binary, args.scenarios, f, args)
            files.append(city(f))
    (names, old), (_, new) = files
    rows, worst, spread = [], 0.0, []
    for ind in sorted(old):
        for s, scen in enumerate(names):
            t = welch(old[ind][s], new[ind][s])
            rows.append((ind, scen, old[ind][s].mean(), new[ind][s].mean(), t))
            if s > 0:  # the scenario's effect, paired by replicate within each build
                d_old, d_new = old[ind][s] - old[ind][0], new[ind][s] - new[ind][0]
                t_eff = welch(d_old, d_new)
                rows.append((ind, f"{scen} - {names[0]}", d_old.mean(), d_new.mean(), t_eff))
                # How well common random numbers pair the scenarios: the effect's spread over replicates.
                if d_old.std(ddof=1) > 0:
                    spread.append(d_new.std(ddof=1) / d_old.std(ddof=1))
    print(f"| indicator | scenario | old mean | new mean | Welch t |")
    print("|---|---|---:|---:|---:|")
    for ind, scen, a, b, t in rows:
        mark = " **" if abs(t) > args.limit else ""
        print(f"| {ind} | {scen} | {a:.6g} | {b:.6g} | {t:+.2f}{mark} |")
        if np.isfinite(t):
            worst = max(worst, abs(t))
    if spread:
        q = np.percentile(spread, [25, 50, 75])
        print(f"spread of the paired effects over replicates, new / old (common random numbers): "
              f"median {q[1]:.2f}, quartiles {q[0]:.2f}-{q[2]:.2f}, over {len(spread)} effects")
    bad = [r for r in rows if abs(r[4]) > args.limit]
    print(f"\n{len(rows)} comparisons, {args.replicates} replicates per build, scale {args.scale}: "
          f"largest |t| {worst:.2f}; {len(bad)} above {args.limit}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
