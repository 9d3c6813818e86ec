#!/usr/bin/env python3
"""Calibrate buurtsim to the Utrecht targets in experiments/calibration/targets.toml.

All fitted parameters ([fit.parameter] in targets.toml) are fitted jointly to all
fitted targets (more targets than parameters) by scipy.optimize.least_squares
(method "trf"): the residuals are the targets' errors in units of their
tolerance half-width, the parameters live in a normalised space z in [0, 1]
(on a log scale for rates and durations), the Jacobian is taken by forward
differences with a step (--diff-step, in z) large enough for the simulation
noise, and every evaluation runs the model at reduced scale with the same seed
(common random numbers: the objective is deterministic). The best evaluation is
kept, rounded, and evaluated at scale 1.0 with several replicates and another
seed.

Outputs: data/params/utrecht-2023.toml (only the fitted keys) and
docs/CALIBRATION.md (method, fitted parameters, fit table, targets not used,
drift table, fit history).

Usage: experiments/calibration/calibrate.py [--scale 0.1] [--max-evaluations 120]
  [--diff-step 0.05] [--replicates-fit 1] [--replicates-final 4] [--weeks 260]
  [--threads 2] [--out-params data/params/utrecht-2023.toml]
  [--out-doc docs/CALIBRATION.md] [--final-only]
  (with the built package on PYTHONPATH: PYTHONPATH=build/python)
"""
from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

import buurtsim

from calibration_doc import previous_fit_history, fit_history_block, render_doc, render_fit_history
from fit import FitLog, FitSpace, evaluate, fitted, least_squares_fit, round_sig, split_refit
from measures import WEEKS_PER_YEAR, drift_specs, needed_variables, summarize, target_statistic, yearly_drift
from model_runs import ROOT, Runner, defaults_and_ranges, git_commit, machine
from params_file import read_params, write_params
from targets import HERE, TARGETS_FILE, load_drift_notes, load_fit_parameters, load_targets, load_unmatched

BASE_SCENARIO = HERE / "base.toml"
PARAMS_FILE = ROOT / "data/params/utrecht-2023.toml"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1, help="population.scale during the fit")
    ap.add_argument("--max-evaluations", type=int, default=120,
                    help="model runs the fit may spend (Jacobian columns included)")
    ap.add_argument("--diff-step", type=float, default=0.05,
                    help="finite-difference step in the normalised space z in [0, 1]")
    ap.add_argument("--tol", type=float, default=1e-3, help="ftol, xtol and gtol of least_squares")
    ap.add_argument("--replicates-fit", type=int, default=1, help="replicates per evaluation of the fit")
    ap.add_argument("--jobs", type=int, default=2,
                    help="chunks per model run (replicates split; chunk j uses seed + j), run one after the other")
    ap.add_argument("--replicates-final", type=int, default=4)
    ap.add_argument("--final-scale", type=float, default=1.0,
                    help="population.scale of the final evaluation (1.0 for the documented calibration)")
    ap.add_argument("--weeks", type=int, default=260, help="recorded weeks (run.weeks) of the final evaluation")
    ap.add_argument("--fit-weeks", type=int, default=None, help="recorded weeks of the fit runs (default --weeks)")
    ap.add_argument("--measure-from", type=int, default=52, help="first week of the measurement window")
    ap.add_argument("--burn-in", type=int, default=None,
                    help="override run.burn_in_weeks in every run (default: the scenario's value)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed-fit", type=int, default=1001)
    ap.add_argument("--seed-final", type=int, default=20231)
    ap.add_argument("--start", type=Path, default=PARAMS_FILE,
                    help="start from the values in this params file where it has them (else the defaults)")
    ap.add_argument("--bin-commit", default=None,
                    help="commit the buurtsim module was built from, when it reports 'unknown' (built outside git)")
    ap.add_argument("--scenario", type=Path, default=BASE_SCENARIO)
    ap.add_argument("--targets", type=Path, default=TARGETS_FILE)
    ap.add_argument("--out-params", type=Path, default=PARAMS_FILE)
    ap.add_argument("--out-doc", type=Path, default=ROOT / "docs/CALIBRATION.md")
    ap.add_argument("--only", default=None,
                    help="comma-separated fit parameters to refit; the others are held at their --start values "
                         "(a refit at full scale of the parameters a scale-dependent target moves)")
    ap.add_argument("--final-only", action="store_true",
                    help="skip the fit: evaluate the parameters in --out-params and rewrite the doc")
    args = ap.parse_args(argv)
    fit_weeks = args.fit_weeks or args.weeks
    if args.measure_from >= min(args.weeks, fit_weeks):
        ap.error("--measure-from must be below --weeks and --fit-weeks")

    defaults, ranges = defaults_and_ranges()
    available = set(buurtsim.parameters().index)
    targets = load_targets(args.targets, available)
    parameters = load_fit_parameters(args.targets, available)
    drift_notes = load_drift_notes(args.targets)
    unmatched = load_unmatched(args.targets)
    for p in parameters:
        for key in [p.name, *p.linked]:
            if key not in defaults or key not in ranges:
                raise SystemExit(f"fit parameter {key} not in buurtsim.parameters() with a range")
        lo, hi = ranges[p.name]
        if not lo <= p.lower < p.upper <= hi:
            raise SystemExit(f"fit bounds of {p.name} [{p.lower}, {p.upper}] outside its range [{lo}, {hi}]")
    runner = Runner(args.scenario.resolve(), args.threads, needed_variables(targets), args.jobs,
                    {} if args.burn_in is None else {"run.burn_in_weeks": int(args.burn_in)})
    previous = read_params(args.start) if args.start and args.start.exists() else {}
    start = {}
    for p in parameters:
        start[p.name] = previous.get(p.name, defaults[p.name])
    full = FitSpace(parameters, defaults)
    start.update({k: v for k, v in full.values(full.to_unit(start)).items() if k not in start})
    try:
        refit, held = split_refit(parameters, set(args.only.split(",")) if args.only else None, start)
    except ValueError as e:
        ap.error(f"--only: {e} (see {args.targets})")
    space = FitSpace(refit, defaults)
    log = FitLog()
    t0 = time.time()
    if args.final_only:
        if not args.out_params.exists():
            raise SystemExit(f"--final-only: {args.out_params} does not exist")
        end = read_params(args.out_params)
        history, fit_meta = previous_fit_history(args.out_doc)
        history = history or "(fit not rerun: --final-only)"
    else:
        def run(params):
            ds = runner.run({**held, **params}, args.scale, fit_weeks, args.replicates_fit, args.seed_fit)
            return evaluate(ds, targets, args.measure_from)
        best = least_squares_fit(run, targets, space, start, log, args.max_evaluations, args.diff_step, args.tol)
        print(log.message)
        end = {**held, **{k: round_sig(v) for k, v in best.items()}}
        table = render_fit_history(log, targets)
    fit_seconds = time.time() - t0
    fit_runs = runner.count
    t1 = time.time()
    ds = runner.run(end, args.final_scale, args.weeks, args.replicates_final, args.seed_final)
    final_seconds = time.time() - t1
    final = {t.name: target_statistic(ds, t, args.measure_from) for t in targets}
    specs = drift_specs(targets)
    years = args.weeks // WEEKS_PER_YEAR
    drift = yearly_drift(ds, specs, years) if years >= 2 else {}
    meta = dict(date=datetime.date.today().isoformat(), commit=git_commit(),
                bin_commit=(runner.git_commit if runner.git_commit != "unknown" or not args.bin_commit
                            else f"{args.bin_commit} (built outside git)"),
                weeks=args.weeks, fit_weeks=fit_weeks, measure_from=args.measure_from, scale_fit=args.scale,
                replicates_fit=args.replicates_fit, jobs=args.jobs, burn_in=args.burn_in,
                burn_in_default=defaults.get("run.burn_in_weeks"), replicates_final=args.replicates_final,
                seed_fit=args.seed_fit, seed_final=args.seed_final, final_scale=args.final_scale,
                max_evaluations=args.max_evaluations, diff_step=args.diff_step, tol=args.tol,
                n_targets=len(fitted(targets)), n_parameters=len(refit), held=sorted(held),
                final_only=args.final_only, fit_seconds=fit_seconds, fit_runs=fit_runs,
                final_seconds=final_seconds, machine=machine(), fit_message=log.message)
    meta["fit_date"] = meta["date"]
    if args.final_only:
        for k in ("fit_seconds", "fit_runs", "fit_message"):
            meta.pop(k)
        meta.update(fit_meta)  # describe the fit that produced the params file, not this call's options
    else:
        history = fit_history_block(meta, table)
    if not args.final_only:
        write_params(args.out_params, end, meta)
    doc = render_doc(meta, targets, parameters, start, end, ranges, final, drift, specs, history, drift_notes,
                     unmatched)
    args.out_doc.parent.mkdir(parents=True, exist_ok=True)
    args.out_doc.write_text(doc)
    print(f"wrote {args.out_doc}" + ("" if args.final_only else f" and {args.out_params}"))
    for t in targets:
        s = summarize(final[t.name])
        print(f"  {t.name:26s} {s['mean']:10.4g}  target {t.band_text():>22s}  "
              f"{'ok' if t.within(s['mean']) else 'MISS'}{'' if t.fit else ' (not fitted)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
