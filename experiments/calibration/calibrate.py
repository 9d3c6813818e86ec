#!/usr/bin/env python3
"""Calibrate buurtsim to the Utrecht targets in experiments/calibration/targets.toml.

Each fitted target is paired with one parameter that mainly drives it. All
pairs are fitted jointly by a damped, iterated secant search (a deterministic
Robbins-Monro scheme): every iteration runs the model once with the current
parameter vector, at reduced scale and with the same seed (common random
numbers, so the response is smooth in the parameters), and moves each
parameter along its own secant slope towards its target with a decreasing
gain. A probe step starts each slope; slopes are updated from the last two
iterates and averaged with the previous estimate. The best iterate (smallest
worst-case error in tolerance units) is kept, rounded, optionally refined at
full scale, and evaluated at scale 1.0 with many replicates and a different
seed.

Outputs: data/params/utrecht-2023.toml (only the fitted keys) and
docs/CALIBRATION.md (method, fitted parameters, fit table, drift table).

Usage: experiments/calibration/calibrate.py [--scale 0.1] [--iterations 30]
  [--replicates-fit 2] [--replicates-final 20] [--weeks 260] [--threads 2]
  [--out-params data/params/utrecht-2023.toml] [--out-doc docs/CALIBRATION.md]
  [--final-only] [--bin build/bin/buurtsim]
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from scipy import stats as sps

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGETS_FILE = HERE / "targets.toml"
BASE_SCENARIO = ROOT / "experiments" / "calibration" / "base.toml"
WEEKS_PER_YEAR = 52

# Parameters moved together with a fitted one, keeping the ratio of their
# defaults (older residents ask about 1.7 times as often as adults 18-64).
LINKED = {"questions.rate_18_64": ["questions.rate_65_plus"]}

STATISTICS = ("weighted_mean", "ratio", "annual_per_capita", "event_weighted_mean")

# Extra indicators for the drift table only (not targets): name -> spec.
DRIFT_EXTRA = {
    "carers_overburdened_share": dict(label="Carers overburdened", statistic="ratio",
                                      indicator="carers_overburdened", denominator="carers",
                                      multiplier=100.0, unit="% of carers"),
    "buurtteam_waiting_per_1000": dict(label="On the buurtteam waiting list", statistic="ratio",
                                       indicator="buurtteam_waiting", denominator="residents",
                                       multiplier=1000.0, unit="per 1,000 residents"),
    "buurtteam_clients_per_1000": dict(label="Open buurtteam cases", statistic="ratio",
                                       indicator="buurtteam_clients", denominator="residents",
                                       multiplier=1000.0, unit="per 1,000 residents"),
    "unmet_open_per_1000": dict(label="Open unmet questions", statistic="ratio",
                                indicator="questions_unmet_open", denominator="residents",
                                multiplier=1000.0, unit="per 1,000 residents"),
    "escalations_per_1000": dict(label="Escalations", statistic="annual_per_capita",
                                 indicator="escalations", denominator="residents",
                                 multiplier=1000.0, unit="per 1,000 residents per year"),
    "mean_ties_in_buurt": dict(label="Ties within the own buurt", statistic="weighted_mean",
                               indicator="mean_ties_in_buurt", weight="adults",
                               multiplier=1.0, unit="ties per adult"),
}


# --------------------------------------------------------------------------
# Targets

@dataclass
class Target:
    name: str
    label: str
    value: float
    lower: float
    upper: float
    unit: str
    source: str
    statistic: str
    indicator: str
    other: str  # weight or denominator
    multiplier: float = 1.0
    parameter: str | None = None
    direction: int = 1
    transform: str = "linear"
    target_transform: str = "linear"
    probe: float | None = None
    max_step: float | None = None
    note: str = ""

    def within(self, v: float) -> bool:
        return bool(np.isfinite(v) and self.lower <= v <= self.upper)

    def band_text(self) -> str:
        if math.isclose(self.value - self.lower, self.upper - self.value, rel_tol=1e-9):
            return f"{fmt(self.value)} ± {fmt(self.upper - self.value)}"
        return f"{fmt(self.lower)}–{fmt(self.upper)} (aim {fmt(self.value)})"

    def error(self, v: float) -> float:
        """Signed error in units of the half-width of the accepted band (on the fit scale)."""
        if self.target_transform == "log":
            if not (v > 0):
                return -np.inf if v == 0 else np.nan
            half = math.log(self.upper / self.value) if v > self.value else math.log(self.value / self.lower)
            return math.log(v / self.value) / half
        half = (self.upper - self.value) if v > self.value else (self.value - self.lower)
        return (v - self.value) / half


def load_targets(path: Path = TARGETS_FILE) -> list[Target]:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    out = []
    for name, t in raw["target"].items():
        value = float(t["value"])
        if "lower" in t or "upper" in t:
            lower, upper = float(t["lower"]), float(t["upper"])
        elif "relative_tolerance" in t:
            lower, upper = value * (1 - t["relative_tolerance"]), value * (1 + t["relative_tolerance"])
        else:
            lower, upper = value - float(t["tolerance"]), value + float(t["tolerance"])
        if not lower <= value <= upper:
            raise ValueError(f"{path}: target.{name}: value {value} outside [{lower}, {upper}]")
        if t["statistic"] not in STATISTICS:
            raise ValueError(f"{path}: target.{name}: unknown statistic {t['statistic']!r}; one of {STATISTICS}")
        other = t.get("weight", t.get("denominator"))
        if other is None:
            raise ValueError(f"{path}: target.{name}: needs weight or denominator")
        out.append(Target(name=name, label=t["label"], value=value, lower=lower, upper=upper, unit=t["unit"],
                          source=t["source"], statistic=t["statistic"], indicator=t["indicator"], other=other,
                          multiplier=float(t.get("multiplier", 1.0)), parameter=t.get("parameter"),
                          direction=int(t.get("direction", 1)), transform=t.get("transform", "linear"),
                          target_transform=t.get("target_transform", "linear"), probe=t.get("probe"),
                          max_step=t.get("max_step"), note=t.get("note", "")))
    return out


def load_drift_notes(path: Path = TARGETS_FILE) -> dict[str, str]:
    with open(path, "rb") as f:
        return dict(tomllib.load(f).get("drift_notes", {}))


# --------------------------------------------------------------------------
# Statistics: city level, one value per replicate

def _weighted_mean(ds, x, w):
    xv, wv = ds[x].astype(float), ds[w].astype(float)
    ok = xv.notnull() & (wv > 0)
    num = (xv.where(ok, 0.0) * wv.where(ok, 0.0)).sum("buurt")
    den = wv.where(ok, 0.0).sum("buurt")
    return (num / den.where(den > 0)).mean("week", skipna=True)


def _ratio(ds, x, d):
    num = ds[x].astype(float).sum("buurt")
    den = ds[d].astype(float).sum("buurt")
    return (num / den.where(den > 0)).mean("week", skipna=True)


def _annual_per_capita(ds, x, d):
    n = ds.sizes["week"]
    total = ds[x].astype(float).sum(("week", "buurt"))
    den = ds[d].astype(float).sum("buurt").mean("week")
    return total / den.where(den > 0) * WEEKS_PER_YEAR / n


def _event_weighted_mean(ds, x, w):
    xv, wv = ds[x].astype(float), ds[w].astype(float)
    ok = xv.notnull() & (wv > 0)
    num = (xv.where(ok, 0.0) * wv.where(ok, 0.0)).sum(("week", "buurt"))
    den = wv.where(ok, 0.0).sum(("week", "buurt"))
    return num / den.where(den > 0)


_STAT_FUNCS = {"weighted_mean": _weighted_mean, "ratio": _ratio, "annual_per_capita": _annual_per_capita,
               "event_weighted_mean": _event_weighted_mean}


def select_weeks(ds: xr.Dataset, first: int, last: int) -> xr.Dataset:
    """Weeks first..last inclusive (by the week coordinate)."""
    w = ds["week"].values
    return ds.isel(week=np.nonzero((w >= first) & (w <= last))[0])


def statistic(ds: xr.Dataset, statistic_name: str, indicator: str, other: str, multiplier: float = 1.0) -> np.ndarray:
    """City-level statistic per replicate (array over the replicate dimension)."""
    if ds.sizes["week"] == 0:
        raise ValueError("no weeks selected")
    res = _STAT_FUNCS[statistic_name](ds, indicator, other) * multiplier
    return np.atleast_1d(np.asarray(res.transpose("replicate").values, dtype=float))


def target_statistic(ds: xr.Dataset, t: Target, first: int = 52, last: int = 10**9) -> np.ndarray:
    return statistic(select_weeks(ds, first, last), t.statistic, t.indicator, t.other, t.multiplier)


def needed_variables(targets: list[Target]) -> list[str]:
    names = {"residents", "adults", "adults_65plus"}
    for t in targets:
        names |= {t.indicator, t.other}
    for spec in DRIFT_EXTRA.values():
        names |= {spec["indicator"], spec.get("weight", spec.get("denominator"))}
    return sorted(names)


def summarize(values: np.ndarray) -> dict:
    """Mean, 2.5-97.5 percentiles of replicate values, and t-based 95 % CI of the mean."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return dict(n=0, mean=np.nan, p025=np.nan, p975=np.nan, ci_lo=np.nan, ci_hi=np.nan, sd=np.nan)
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else 0.0
    half = float(sps.t.ppf(0.975, n - 1) * sd / math.sqrt(n)) if n > 1 else np.nan
    return dict(n=n, mean=mean, sd=sd, p025=float(np.percentile(v, 2.5)), p975=float(np.percentile(v, 97.5)),
                ci_lo=mean - half, ci_hi=mean + half)


# --------------------------------------------------------------------------
# Secant / Robbins-Monro search

def to_fit(x: float, transform: str) -> float:
    return math.log(x) if transform == "log" else x


def from_fit(u: float, transform: str) -> float:
    return math.exp(u) if transform == "log" else u


def fit_bounds(lo: float, hi: float, transform: str) -> tuple[float, float]:
    if transform == "log":
        lo = max(lo, 1e-9)
        return math.log(lo), math.log(hi)
    return lo, hi


def gain(k: int, g0: float = 0.9, decay: float = 0.08) -> float:
    """Robbins-Monro style decreasing gain a_k = g0 / (1 + decay k)."""
    return g0 / (1.0 + decay * k)


def update_slope(slope: float | None, u_prev: float, y_prev: float, u: float, y: float, direction: int,
                 min_du: float, memory: float = 0.3) -> float | None:
    """Secant slope dy/du from the last two iterates, averaged with the previous estimate.

    A secant with the wrong sign (noise, or a flat stretch) or from a step
    shorter than min_du is ignored; a new secant is limited to 1/10..10 times
    the previous estimate so one noisy pair cannot wreck the search.
    """
    du = u - u_prev
    if abs(du) < min_du:
        return slope
    s = (y - y_prev) / du
    if not np.isfinite(s) or s == 0 or (direction and np.sign(s) != np.sign(direction)):
        return slope
    if slope is None:
        return s
    s = math.copysign(min(max(abs(s), abs(slope) / 10), abs(slope) * 10), s)
    return memory * slope + (1 - memory) * s


def secant_step(u: float, y: float, aim: float, slope: float, a: float, max_step: float, lo: float,
                hi: float) -> float:
    """u_next = u - a (y - aim) / slope, step limited to max_step and u kept in [lo, hi]."""
    step = -a * (y - aim) / slope
    step = max(-max_step, min(max_step, step))
    return min(hi, max(lo, u + step))


def safeguard(u_new: float, below: float | None, above: float | None) -> float:
    """Keep a step inside the bracket of the most recent iterates whose statistic fell below and
    above the aim (a safeguarded secant): a step that leaves it is replaced by the midpoint."""
    if below is None or above is None:
        return u_new
    a, b = min(below, above), max(below, above)
    return u_new if a < u_new < b else 0.5 * (a + b)


def secant_solve(f, u0: float, aim: float, direction: int, probe: float, max_step: float, lo: float, hi: float,
                 iterations: int = 30, tol: float = 1e-6) -> tuple[float, list]:
    """Scalar version of the search (used by the tests and for illustration)."""
    u, y = u0, f(u0)
    hist = [(u, y)]
    slope = None
    below = above = None
    for k in range(iterations):
        if abs(y - aim) <= tol:
            break
        if y < aim:
            below = u
        else:
            above = u
        if slope is None:
            u_new = min(hi, max(lo, u + probe * direction * np.sign(aim - y)))
        else:
            u_new = safeguard(secant_step(u, y, aim, slope, gain(k), max_step, lo, hi), below, above)
        y_new = f(u_new)
        slope = update_slope(slope, u, y, u_new, y_new, direction, min_du=1e-12)
        u, y = u_new, y_new
        hist.append((u, y))
    return u, hist


@dataclass
class Pair:
    target: Target
    key: str
    lo: float   # range in fit units
    hi: float
    u: float    # current value in fit units
    probe: float
    max_step: float
    min_du: float
    slope: float | None = None
    prev: tuple[float, float] | None = None  # (u, y_fit) of the previous iterate
    below: tuple[float, int] | None = None   # (u, iteration) of the latest iterate below the aim
    above: tuple[float, int] | None = None   # same, above the aim

    def bracket(self, k: int, max_age: int = 4) -> tuple[float | None, float | None]:
        """The bracket from recent iterates only: other parameters move too, so old points expire."""
        fresh = lambda b: b[0] if b is not None and k - b[1] <= max_age else None
        return fresh(self.below), fresh(self.above)

    @property
    def value(self) -> float:
        return from_fit(self.u, self.target.transform)

    def y_fit(self, y: float) -> float:
        if self.target.target_transform == "log":
            # floor: a waiting time of exactly 0 would be -inf
            return math.log(max(y, self.target.value / 100))
        return y

    @property
    def aim(self) -> float:
        return self.y_fit(self.target.value)


def make_pairs(targets: list[Target], start: dict[str, float], ranges: dict[str, tuple[float, float]]) -> list[Pair]:
    pairs = []
    for t in targets:
        if not t.parameter:
            continue
        lo, hi = fit_bounds(*ranges[t.parameter], t.transform)
        width = hi - lo
        probe = t.probe if t.probe is not None else (0.2 if t.transform == "log" else 0.02 * width)
        max_step = t.max_step if t.max_step is not None else (0.7 if t.transform == "log" else 0.1 * width)
        x0 = max(start[t.parameter], 1e-9) if t.transform == "log" else start[t.parameter]
        u = min(hi, max(lo, to_fit(x0, t.transform)))
        pairs.append(Pair(target=t, key=t.parameter, lo=lo, hi=hi, u=u, probe=probe, max_step=max_step,
                          min_du=probe / 50))
    return pairs


def param_values(pairs: list[Pair], defaults: dict[str, float]) -> dict[str, float]:
    vals = {p.key: p.value for p in pairs}
    for key, linked in LINKED.items():
        if key in vals:
            for other in linked:
                vals[other] = defaults[other] * vals[key] / defaults[key]
    return vals


def round_sig(x: float, sig: int = 5) -> float:
    if x == 0 or not np.isfinite(x):
        return x
    return float(f"{x:.{sig}g}")


# --------------------------------------------------------------------------
# Running the model

def fmt_toml(v: float) -> str:
    return repr(float(v))


def split_replicates(replicates: int, jobs: int) -> list[int]:
    """Replicates per process: as even as possible, no empty process."""
    jobs = max(1, min(jobs, replicates))
    return [replicates // jobs + (j < replicates % jobs) for j in range(jobs)]


class Runner:
    """Runs buurtsim and returns the needed indicators. The replicates of one call are split over
    `jobs` concurrent processes; process j uses seed + j, so a call is fully determined by
    (seed, replicates, jobs) and the same call in every iteration gives common random numbers."""

    def __init__(self, binary: Path, scenario: Path, tmpdir: Path, threads: int, variables: list[str],
                 jobs: int = 1, extra: dict | None = None):
        self.binary, self.scenario, self.tmpdir, self.threads = binary, scenario, tmpdir, threads
        self.variables = variables
        self.jobs = jobs
        self.extra = dict(extra or {})  # overrides added to every run (e.g. run.burn_in_weeks)
        self.count = 0
        self.seconds = 0.0
        self.git_commit = "unknown"

    def run(self, params: dict[str, float], scale: float, weeks: int, replicates: int, seed: int) -> xr.Dataset:
        self.count += 1
        chunks = split_replicates(replicates, self.jobs)
        threads = max(1, self.threads // len(chunks))
        procs = []
        t0 = time.time()
        for j, n in enumerate(chunks):
            out = self.tmpdir / f"run{self.count:04d}-{j}.h5"
            cmd = [str(self.binary), "run", str(self.scenario), "-o", str(out), "--seed", str(seed + j),
                   "--replicates", str(n), "--threads", str(threads), "-q",
                   "--set", f"population.scale={fmt_toml(scale)}", "--set", f"run.weeks={int(weeks)}"]
            for k, v in self.extra.items():
                cmd += ["--set", f"{k}={v}"]
            for k, v in params.items():
                cmd += ["--set", f"{k}={fmt_toml(v)}"]
            procs.append((out, cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                     text=True)))
        parts, errors = [], []
        for out, cmd, proc in procs:
            _, err = proc.communicate()
            if proc.returncode != 0:
                errors.append(f"buurtsim failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
        self.seconds += time.time() - t0
        try:
            if errors:
                raise RuntimeError("\n".join(errors))
            for out, _, _ in procs:
                with xr.open_dataset(out, engine="h5netcdf") as ds:
                    self.git_commit = str(ds.attrs.get("git_commit", "unknown"))
                    missing = sorted(set(self.variables) - set(ds.data_vars))
                    if missing:
                        raise RuntimeError(f"result file lacks indicators {missing}")
                    part = ds[self.variables]
                    if "scenario" in part.dims:  # format 2: one scenario per file here
                        part = part.isel(scenario=0, drop=True)
                    parts.append(part.load())
        finally:
            for out, _, _ in procs:
                out.unlink(missing_ok=True)
        data = xr.concat(parts, dim="replicate") if len(parts) > 1 else parts[0]
        return data.assign_coords(replicate=np.arange(data.sizes["replicate"], dtype=np.int32))


def read_defaults_and_ranges(binary: Path) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """Defaults from `buurtsim params --toml`, ranges from `buurtsim params --markdown`."""
    r = subprocess.run([str(binary), "params", "--toml"], capture_output=True, text=True, check=True)
    nested = tomllib.loads(r.stdout)
    defaults = {}

    def walk(d, prefix=""):
        for k, v in d.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                defaults[prefix + k] = float(v)
    walk(nested)
    r = subprocess.run([str(binary), "params", "--markdown"], capture_output=True, text=True, check=True)
    ranges = {}
    pat = re.compile(r"^\|\s*`([\w.]+)`\s*\|[^|]*\|[^|]*\|\s*(?:number|integer)[^|]*?[\[(]\s*([-\d.eE+inf]+)\s*,\s*([-\d.eE+inf]+)\s*[\])]")
    for line in r.stdout.splitlines():
        m = pat.match(line)
        if m:
            ranges[m.group(1)] = (float(m.group(2)), float(m.group(3)))
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


# --------------------------------------------------------------------------
# Fit

@dataclass
class FitLog:
    rows: list = field(default_factory=list)  # (iteration, scale, params, stats, worst)
    seconds: float = 0.0


def evaluate(ds: xr.Dataset, targets: list[Target], first: int) -> dict[str, float]:
    return {t.name: float(np.nanmean(target_statistic(ds, t, first))) for t in targets}


def worst_error(targets: list[Target], means: dict[str, float], fitted_only: bool = True) -> float:
    errs = [abs(t.error(means[t.name])) for t in targets if (t.parameter or not fitted_only)]
    return float(max(errs)) if errs else 0.0


def fit(runner: Runner, targets: list[Target], pairs: list[Pair], defaults: dict, args, log: FitLog,
        scale: float, iterations: int, label: str, replicates: int, start_k: int = 0) -> dict[str, float]:
    """Run the joint secant search; returns the best parameter values found."""
    best = None
    for k in range(iterations):
        params = param_values(pairs, defaults)
        ds = runner.run(params, scale, args.weeks, replicates, args.seed_fit)
        means = evaluate(ds, targets, args.measure_from)
        worst = worst_error(targets, means)
        log.rows.append((f"{label}{k}", scale, dict(params), means, worst))
        print(f"[{label}{k}] worst error {worst:.2f} tol; " +
              ", ".join(f"{t.name}={means[t.name]:.3g}" for t in targets), flush=True)
        if best is None or worst < best[0]:
            best = (worst, dict(params))
        if worst <= args.stop_fraction:
            break
        if k == iterations - 1:
            break
        a = gain(start_k + k)
        for p in pairs:
            y = p.y_fit(means[p.target.name])
            if not np.isfinite(y):
                continue
            if p.prev is not None:
                p.slope = update_slope(p.slope, p.prev[0], p.prev[1], p.u, y, p.target.direction, p.min_du)
            p.prev = (p.u, y)
            if y < p.aim:
                p.below = (p.u, k)
            else:
                p.above = (p.u, k)
            if p.slope is None:
                # probe towards the target along the expected direction
                sgn = p.target.direction * (1 if p.aim > y else -1)
                p.u = min(p.hi, max(p.lo, p.u + sgn * p.probe))
            else:
                p.u = safeguard(secant_step(p.u, y, p.aim, p.slope, a, p.max_step, p.lo, p.hi), *p.bracket(k))
    return best[1]


# --------------------------------------------------------------------------
# Output files

def write_params(path: Path, values: dict[str, float], meta: dict) -> None:
    sections: dict[str, dict[str, float]] = {}
    for key, v in sorted(values.items()):
        sec, name = key.split(".", 1)
        sections.setdefault(sec, {})[name] = v
    lines = ["# Calibrated parameters for Utrecht (all of the city, 5-year baseline), fitted to",
             "# experiments/calibration/targets.toml; see docs/CALIBRATION.md.",
             f"# Generated by experiments/calibration/calibrate.py on {meta['date']}, git commit {meta['commit']}",
             f"# (buurtsim binary built from {meta['bin_commit']}).",
             "# Do not edit by hand: rerun the calibration (experiments/calibration/README.md).",
             "# A scenario fragment: extend it (extends = \"...\") or copy its tables into a scenario.", ""]
    for sec, kv in sections.items():
        lines.append(f"[{sec}]")
        for name, v in kv.items():
            lines.append(f"{name} = {fmt_toml(v)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)


def read_params(path: Path) -> dict[str, float]:
    with open(path, "rb") as f:
        nested = tomllib.load(f)
    return {f"{sec}.{k}": float(v) for sec, kv in nested.items() if isinstance(kv, dict) for k, v in kv.items()}


def fmt(x: float, digits: int = 3) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    if ax == 0:
        return "0"
    return f"{x:.{digits}g}"


def fmt_param(x: float) -> str:
    return f"{x:.4g}"


def yearly_drift(ds: xr.Dataset, specs: dict[str, dict], years: int) -> dict[str, list[float]]:
    """City-level yearly means (years 1..n, mean over replicates) per indicator spec."""
    out = {}
    for name, s in specs.items():
        vals = []
        for y in range(years):
            sub = select_weeks(ds, y * WEEKS_PER_YEAR, (y + 1) * WEEKS_PER_YEAR - 1)
            other = s.get("weight", s.get("denominator"))
            vals.append(float(np.nanmean(statistic(sub, s["statistic"], s["indicator"], other,
                                                   s.get("multiplier", 1.0)))))
        out[name] = vals
    return out


def drift_specs(targets: list[Target]) -> dict[str, dict]:
    specs = {t.name: dict(label=t.label, statistic=t.statistic, indicator=t.indicator,
                          weight=t.other, multiplier=t.multiplier, unit=t.unit) for t in targets}
    specs.update(DRIFT_EXTRA)
    return specs


def relative_change(a: float, b: float) -> float:
    if not (np.isfinite(a) and np.isfinite(b)) or a == 0:
        return np.nan
    return (b - a) / abs(a)


FIT_HISTORY_BEGIN = "<!-- fit-history:begin -->"
FIT_HISTORY_END = "<!-- fit-history:end -->"


def render_fit_history(log: FitLog, targets: list[Target], pairs_keys: list[str]) -> str:
    fitted = [t for t in targets if t.parameter]
    head = "| iteration | scale | worst error (tol units) | " + " | ".join(t.name for t in fitted) + " |"
    lines = [head, "|" + "---|" * (3 + len(fitted))]
    for it, scale, params, means, worst in log.rows:
        lines.append(f"| {it} | {scale:g} | {worst:.2f} | " +
                     " | ".join(f"{fmt(means[t.name])} ({fmt_param(params[t.parameter])})" for t in fitted) + " |")
    return "\n".join(lines)


def render_doc(meta: dict, targets: list[Target], start: dict[str, float], end: dict[str, float],
               ranges: dict[str, tuple[float, float]], final: dict[str, np.ndarray],
               drift: dict[str, list[float]], specs: dict[str, dict], fit_history: str,
               drift_notes: dict[str, str]) -> str:
    L = []
    L.append("# Calibration to Utrecht")
    L.append("")
    L.append(f"Generated by `experiments/calibration/calibrate.py` on {meta['date']} "
             f"(repository commit `{meta['commit']}`, buurtsim binary built from `{meta['bin_commit']}`). "
             "Do not edit by hand; rerun the calibration (see `experiments/calibration/README.md`). "
             "The fitted values are in `data/params/utrecht-2023.toml`; the targets, their sources and the "
             "computations are in `experiments/calibration/targets.toml`.")
    L.append("")
    L.append("## Method")
    L.append("")
    L.append(f"- Scenario: `experiments/calibration/base.toml` (all of Utrecht, CBS 2023 population, "
             f"every parameter at its default) with `--set` overrides for the fitted keys; "
             f"{meta['weeks']} recorded weeks after the model's own unrecorded burn-in (`run.burn_in_weeks`"
             + (f" = {meta['burn_in']} weeks, set by the calibration" if meta.get('burn_in') is not None
                else f" = {meta['burn_in_default']:g} weeks, the default" if meta.get('burn_in_default') is not None
                else ": the scenario's value") + ").")
    L.append(f"- Targets are measured at city level over weeks {meta['measure_from']}–{meta['weeks'] - 1} "
             "(the first recorded year is a further burn-in). Shares per buurt are aggregated by weighting with "
             "their denominator (adults, or residents 65+ for the 65+ share; buurten where it is 0 and the share "
             "is NaN are skipped); counts are summed over buurten and divided by the city total; per-year "
             "rates are the sum over the window divided by the mean denominator, times 52 / weeks; the "
             "waiting time is the mean over the cases started, weighted by `buurtteam_started`.")
    L.append("- Search: each target is paired with the one parameter that mainly drives it (table below). "
             "All pairs are fitted jointly by a damped, iterated secant search, a deterministic "
             "Robbins–Monro scheme: every iteration runs the model once with the current parameter vector "
             f"(scale {meta['scale_fit']}, {meta['replicates_fit']} replicates, the same seeds in "
             "every iteration: common random numbers make the response smooth in the parameters) and moves "
             "each parameter by u ← u − a_k (y − target) / s, with the gain a_k = 0.9 / (1 + 0.08 k) and s the "
             "pair's secant slope. The first step of each pair is a probe in the expected direction; slopes "
             "are then updated from the last two iterates (a secant of the wrong sign is ignored) and averaged "
             "with the previous estimate (weight 0.7 on the new secant). The step is safeguarded: when the "
             "last four iterates bracket the target and the secant step leaves the bracket, the midpoint is "
             "taken instead (regula falsi / bisection). Steps are capped and parameters kept "
             "within their documented ranges. Rates and durations (volunteer recruitment, question rate, care "
             "duration, buurtteam FTE) are fitted on a log scale, the waiting time as log(wait). The question "
             "rate of residents 65+ moves with `questions.rate_18_64`, keeping the default ratio. "
             f"The search stops when every fitted target is within {meta['stop_fraction']:g} × its tolerance "
             "of the aimed value, or after the iteration limit; the best iterate (smallest worst error in "
             "tolerance units) is kept and rounded to 5 significant digits.")
    if meta.get("refine"):
        L.append(f"- Refinement: up to {meta['refine']} further iterations of the same search at scale 1.0 "
                 f"({meta['replicates_refine']} replicates, gain restarted), from the best reduced-scale point "
                 "and with its slopes. The shares are scale-free, but the buurtteam queue is not: at reduced "
                 "scale each wijk team has proportionally fewer case slots, so random peaks in demand fill it "
                 "more often and the waiting time at the same FTE per 10,000 residents is longer. The best "
                 "full-scale iterate is kept.")
    L.append(f"- Seeds: fit seed {meta['seed_fit']}, evaluation seed {meta['seed_final']}. Each model run "
             f"splits its replicates over {meta['jobs']} concurrent buurtsim processes; process j uses seed + j "
             "(replicates 0, 1, … of that seed), the same in every iteration.")
    L.append(f"- Evaluation: scale {meta['final_scale']:g}, {meta['replicates_final']} replicates, "
             "seeds different from the fit. Intervals: the table shows both the 2.5–97.5 percentiles of "
             "the replicate values (spread of one simulated Utrecht) and the 95 % confidence interval of "
             "the mean over replicates (t distribution). A target counts as met when the mean over replicates "
             "lies in the accepted band.")
    L.append("- Wmo cost is not fitted separately: it follows from the Wmo clients times "
             "`wmo.cost_per_client_week` (CBS 84580NED spending excl. verblijf en opvang / CBS 85994NED clients).")
    if meta.get("final_only"):
        fit_s = (f"fit {meta['fit_seconds'] / 60:.1f} min ({meta['fit_runs']} model runs) on {meta['fit_date']}"
                 if "fit_seconds" in meta else "fit not recorded")
        L.append(f"- Run time: {fit_s}; this evaluation {meta['final_seconds'] / 60:.1f} min (document "
                 f"regenerated with `--final-only` on {meta['date']}, fit not rerun), on {meta['machine']}.")
    else:
        L.append(f"- Run time: fit {meta['fit_seconds'] / 60:.1f} min ({meta['fit_runs']} model runs), "
                 f"evaluation {meta['final_seconds'] / 60:.1f} min, on {meta['machine']}.")
    L.append("")
    L.append("## Fitted parameters")
    L.append("")
    L.append("| parameter | range | start (default) | fitted | target driven |")
    L.append("|---|---|---|---|---|")
    by_param = {t.parameter: t for t in targets if t.parameter}
    for key in sorted(end):
        t = by_param.get(key)
        rng = ranges.get(key)
        rng_s = f"[{fmt_param(rng[0])}, {fmt_param(rng[1])}]" if rng else "-"
        drv = t.name if t else next((f"moves with {k}" for k, ls in LINKED.items() if key in ls), "-")
        flag = ""
        if rng and (math.isclose(end[key], rng[0]) or math.isclose(end[key], rng[1])):
            flag = " (at range bound)"
        L.append(f"| `{key}` | {rng_s} | {fmt_param(start.get(key, np.nan))} | {fmt_param(end[key])}{flag} | {drv} |")
    L.append("")
    L.append("## Fit table")
    L.append("")
    L.append(f"City level, weeks {meta['measure_from']}–{meta['weeks'] - 1}, scale {meta['final_scale']:g}, "
             f"{meta['replicates_final']} replicates.")
    L.append("")
    L.append("| target | source | target value ± tol | model mean | 95 % interval over replicates (2.5–97.5 pct) "
             "| 95 % CI of the mean (t) | within? |")
    L.append("|---|---|---|---|---|---|---|")
    n_in = 0
    for t in targets:
        s = summarize(final[t.name])
        ok = t.within(s["mean"])
        n_in += ok
        fitted = "" if t.parameter else " (not fitted)"
        L.append(f"| {t.label} [{t.unit}]{fitted} | {t.source} | {t.band_text()} | {fmt(s['mean'])} | "
                 f"{fmt(s['p025'])}–{fmt(s['p975'])} | {fmt(s['ci_lo'])}–{fmt(s['ci_hi'])} | "
                 f"{'yes' if ok else '**no**'} |")
    L.append("")
    L.append(f"{n_in} of {len(targets)} targets met.")
    cost = next((t for t in targets if t.name == "wmo_cost"), None)
    if cost is not None:
        s = summarize(final[cost.name])
        L.append("")
        L.append(f"Wmo maatwerk cost (excl. verblijf en opvang): €{s['mean']:.0f} per resident per year "
                 f"(replicates {s['p025']:.0f}–{s['p975']:.0f}); CBS 84580NED 2024: €188 "
                 "(€70.3 M / 374,238 residents).")
    notes = [t for t in targets if t.note]
    if notes:
        L.append("")
        L.append("Notes:")
        L.append("")
        for t in notes:
            L.append(f"- {t.name}: {t.note}")
    L.append("")
    L.append("## Drift")
    L.append("")
    years = len(next(iter(drift.values()))) if drift else 0
    L.append(f"City-level yearly means (mean over the {meta['replicates_final']} replicates; year y = weeks "
             f"52(y−1)…52y−1 of the recorded run) and the relative change from year 2 to year {years}. "
             "Changes above 5 % are flagged (issue: no indicator may trend by more than a few percent "
             "without a documented cause).")
    L.append("")
    L.append("| indicator | unit | " + " | ".join(f"year {y + 1}" for y in range(years)) +
             f" | change year 2 → {years} | flag |")
    L.append("|---|---|" + "---|" * years + "---|---|")
    flagged = []
    for name, vals in drift.items():
        ch = relative_change(vals[1], vals[-1]) if years >= 2 else np.nan
        flag = bool(np.isfinite(ch) and abs(ch) > 0.05)
        if flag:
            flagged.append(name)
        ch_s = f"{ch * 100:+.1f} %" if np.isfinite(ch) else "n/a"
        L.append(f"| {specs[name]['label']} | {specs[name]['unit']} | " + " | ".join(fmt(v) for v in vals) +
                 f" | {ch_s} | {'**> 5 %**' if flag else ''} |")
    L.append("")
    if flagged:
        L.append("Flagged indicators and their causes:")
        L.append("")
        for name in flagged:
            L.append(f"- {specs[name]['label']}: {drift_notes.get(name, 'cause not yet documented.')}")
    else:
        L.append("No indicator changes by more than 5 % from year 2 to the last year.")
    L.append("")
    L.append("## Fit history")
    L.append("")
    L.append(FIT_HISTORY_BEGIN)
    L.append(fit_history)
    L.append(FIT_HISTORY_END)
    L.append("")
    return "\n".join(L)


# Settings of the fit, kept in the document so that --final-only can describe the fit it did not rerun.
FIT_META_KEYS = ("scale_fit", "replicates_fit", "replicates_refine", "refine", "jobs", "seed_fit",
                 "stop_fraction", "fit_seconds", "fit_runs", "fit_date")
_FIT_META_RE = re.compile(r"<!-- fit-meta: (\{.*?\}) -->")


def fit_history_block(meta: dict, table: str) -> str:
    fm = {k: meta[k] for k in FIT_META_KEYS if k in meta}
    return f"<!-- fit-meta: {json.dumps(fm, sort_keys=True)} -->\n{table}"


def previous_fit_history(doc: Path) -> tuple[str | None, dict]:
    """The fit-history block of an existing document and the fit settings recorded in it."""
    if not doc.exists():
        return None, {}
    text = doc.read_text()
    i, j = text.find(FIT_HISTORY_BEGIN), text.find(FIT_HISTORY_END)
    if i < 0 or j < i:
        return None, {}
    block = text[i + len(FIT_HISTORY_BEGIN):j].strip("\n")
    m = _FIT_META_RE.search(block)
    return block, (json.loads(m.group(1)) if m else {})


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


# --------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1, help="population.scale during the fit")
    ap.add_argument("--iterations", type=int, default=30, help="maximum iterations at reduced scale")
    ap.add_argument("--refine-iterations", type=int, default=5,
                    help="further iterations at scale 1.0 after the reduced-scale fit")
    ap.add_argument("--replicates-fit", type=int, default=2, help="replicates per iteration at reduced scale")
    ap.add_argument("--replicates-refine", type=int, default=4, help="replicates per refinement iteration")
    ap.add_argument("--jobs", type=int, default=2,
                    help="concurrent buurtsim processes per model run (replicates split; process j uses seed + j)")
    ap.add_argument("--replicates-final", type=int, default=20)
    ap.add_argument("--final-scale", type=float, default=1.0,
                    help="population.scale of the final evaluation (1.0 for the documented calibration)")
    ap.add_argument("--weeks", type=int, default=260, help="recorded weeks (run.weeks)")
    ap.add_argument("--measure-from", type=int, default=52, help="first week of the measurement window")
    ap.add_argument("--burn-in", type=int, default=None,
                    help="override run.burn_in_weeks in every run (default: the scenario's value)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed-fit", type=int, default=1001)
    ap.add_argument("--seed-final", type=int, default=20231)
    ap.add_argument("--stop-fraction", type=float, default=0.2,
                    help="stop when every fitted target is within this fraction of its tolerance")
    ap.add_argument("--bin", type=Path, default=Path(os.environ.get("BUURTSIM_BIN", ROOT / "build/bin/buurtsim")))
    ap.add_argument("--bin-commit", default=None,
                    help="commit the binary was built from, when it reports 'unknown' (built outside git)")
    ap.add_argument("--scenario", type=Path, default=BASE_SCENARIO)
    ap.add_argument("--targets", type=Path, default=TARGETS_FILE)
    ap.add_argument("--out-params", type=Path, default=ROOT / "data/params/utrecht-2023.toml")
    ap.add_argument("--out-doc", type=Path, default=ROOT / "docs/CALIBRATION.md")
    ap.add_argument("--final-only", action="store_true",
                    help="skip the fit: evaluate the parameters in --out-params and rewrite the doc")
    args = ap.parse_args(argv)
    if args.measure_from >= args.weeks:
        ap.error("--measure-from must be below --weeks")
    if not args.bin.exists():
        ap.error(f"buurtsim binary not found at {args.bin}; build it or pass --bin / set BUURTSIM_BIN")

    targets = load_targets(args.targets)
    drift_notes = load_drift_notes(args.targets)
    tmp = Path(tempfile.mkdtemp(prefix="buurtsim-calibration-"))
    try:
        # A private copy of the binary: a rebuild during the run cannot mix two models.
        binary = tmp / "buurtsim"
        shutil.copy2(args.bin, binary)
        defaults, ranges = read_defaults_and_ranges(binary)
        for t in targets:
            if t.parameter and (t.parameter not in defaults or t.parameter not in ranges):
                raise SystemExit(f"parameter {t.parameter} (target {t.name}) not in the binary's parameter table")
        runner = Runner(binary, args.scenario.resolve(), tmp, args.threads, needed_variables(targets), args.jobs,
                        {} if args.burn_in is None else {"run.burn_in_weeks": int(args.burn_in)})
        log = FitLog()
        start = {t.parameter: defaults[t.parameter] for t in targets if t.parameter}
        for k, ls in LINKED.items():
            if k in start:
                for o in ls:
                    start[o] = defaults[o]
        t0 = time.time()
        if args.final_only:
            if not args.out_params.exists():
                raise SystemExit(f"--final-only: {args.out_params} does not exist")
            end = read_params(args.out_params)
            history, fit_meta = previous_fit_history(args.out_doc)
            history = history or "(fit not rerun: --final-only)"
        else:
            pairs = make_pairs(targets, start, ranges)
            best = fit(runner, targets, pairs, defaults, args, log, args.scale, args.iterations, "s",
                       args.replicates_fit)
            if args.refine_iterations > 0:
                for p in pairs:  # restart from the best point, keep the slopes
                    p.u = min(p.hi, max(p.lo, to_fit(best[p.key], p.target.transform)))
                    p.prev = p.below = p.above = None
                best = fit(runner, targets, pairs, defaults, args, log, 1.0, args.refine_iterations, "f",
                           args.replicates_refine)
            end = {k: round_sig(v) for k, v in best.items()}
            table = render_fit_history(log, targets, list(end))
        fit_seconds = time.time() - t0
        fit_runs = runner.count
        t1 = time.time()
        ds = runner.run(end, args.final_scale, args.weeks, args.replicates_final, args.seed_final)
        final_seconds = time.time() - t1
        final = {t.name: target_statistic(ds, t, args.measure_from) for t in targets}
        specs = drift_specs(targets)
        years = args.weeks // WEEKS_PER_YEAR
        drift = yearly_drift(ds, specs, years) if years >= 2 else {}
        meta = dict(date=datetime.date.today().isoformat(), commit=git_commit(), bin_commit=(runner.git_commit if runner.git_commit != "unknown" or not args.bin_commit
                                                else f"{args.bin_commit} (built outside git)"),
                    weeks=args.weeks, measure_from=args.measure_from, scale_fit=args.scale,
                    replicates_fit=args.replicates_fit, replicates_refine=args.replicates_refine,
                    jobs=args.jobs, burn_in=args.burn_in, burn_in_default=defaults.get("run.burn_in_weeks"),
                    replicates_final=args.replicates_final,
                    seed_fit=args.seed_fit, seed_final=args.seed_final, final_scale=args.final_scale, stop_fraction=args.stop_fraction,
                    refine=args.refine_iterations, final_only=args.final_only,
                    fit_seconds=fit_seconds, fit_runs=fit_runs, final_seconds=final_seconds, machine=machine())
        meta["fit_date"] = meta["date"]
        if args.final_only:
            for k in ("fit_seconds", "fit_runs"):
                meta.pop(k)
            meta.update(fit_meta)  # describe the fit that produced the params file, not this call's options
        else:
            history = fit_history_block(meta, table)
        if not args.final_only:
            write_params(args.out_params, end, meta)
        doc = render_doc(meta, targets, start, end, ranges, final, drift, specs, history, drift_notes)
        args.out_doc.parent.mkdir(parents=True, exist_ok=True)
        args.out_doc.write_text(doc)
        print(f"wrote {args.out_doc}" + ("" if args.final_only else f" and {args.out_params}"))
        for t in targets:
            s = summarize(final[t.name])
            print(f"  {t.name:24s} {s['mean']:10.4g}  target {t.band_text():>22s}  "
                  f"{'ok' if t.within(s['mean']) else 'MISS'}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
