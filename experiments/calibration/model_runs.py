"""Running the model for the calibration: buurtsim.run in this process, the parameters' defaults
and ranges from buurtsim.parameters(), and where the run happened (commit, machine)."""
from __future__ import annotations

import os
import subprocess
import time
import tomllib
from pathlib import Path

import buurtsim
import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]


def split_replicates(replicates: int, jobs: int) -> list[int]:
    """Replicates per chunk: as even as possible, no empty chunk."""
    jobs = max(1, min(jobs, replicates))
    return [replicates // jobs + (j < replicates % jobs) for j in range(jobs)]


class Runner:
    """Runs the model (buurtsim.run, in this process) and returns the needed indicators.

    The replicates of one call are split into `jobs` chunks; chunk j runs with seed + j
    (replicates 0, 1, ... of that seed), so a call is fully determined by (seed, replicates,
    jobs), the same call in every iteration gives common random numbers, and the fits of the
    earlier subprocess runner (one process per chunk) are reproduced. The chunks run one after
    the other, each on every thread."""

    def __init__(self, scenario: Path, threads: int, variables: list[str], jobs: int = 1,
                 extra: dict | None = None):
        self.scenario, self.threads = scenario, threads
        self.variables = variables
        self.jobs = jobs
        self.extra = dict(extra or {})  # overrides added to every run (e.g. run.burn_in_weeks)
        self.count = 0
        self.seconds = 0.0
        self.git_commit = buurtsim.git_commit

    def run(self, params: dict[str, float], scale: float, weeks: int, replicates: int, seed: int) -> xr.Dataset:
        self.count += 1
        overrides = {"population.scale": float(scale), "run.weeks": int(weeks), **self.extra,
                     **{k: float(v) for k, v in params.items()}}
        t0 = time.time()
        parts = []
        for j, n in enumerate(split_replicates(replicates, self.jobs)):
            ds = buurtsim.run(self.scenario, seed=seed + j, replicates=n, threads=self.threads, set=overrides)
            missing = sorted(set(self.variables) - set(ds.data_vars))
            if missing:
                raise RuntimeError(f"the results lack indicators {missing}")
            parts.append(ds[self.variables].isel(scenario=0, drop=True))
        self.seconds += time.time() - t0
        data = xr.concat(parts, dim="replicate") if len(parts) > 1 else parts[0]
        return data.assign_coords(replicate=np.arange(data.sizes["replicate"], dtype=np.int32))


def defaults_and_ranges() -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """Defaults and allowed ranges of the numeric parameters, from buurtsim.parameters()
    (a range only where both bounds are finite)."""
    table = buurtsim.parameters()
    numeric = table[table["type"].isin(["integer", "real"])]
    defaults = {name: float(tomllib.loads(f"v = {row['default']}")["v"]) for name, row in numeric.iterrows()}
    ranges = {name: (float(row["min"]), float(row["max"])) for name, row in numeric.iterrows()
              if np.isfinite(row["min"]) and np.isfinite(row["max"])}
    return defaults, ranges


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu})"
