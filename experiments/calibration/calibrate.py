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
  [--final-only] (with the built package on PYTHONPATH: PYTHONPATH=build/python)
"""
from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from calibration_doc import previous_fit_history, fit_history_block, render_doc, render_fit_history
from measures import WEEKS_PER_YEAR, drift_specs, needed_variables, summarize, target_statistic, yearly_drift
from model_runs import ROOT, Runner, defaults_and_ranges, git_commit, machine
from params_file import read_params, write_params
from secant import LINKED, FitLog, fit, make_pairs, round_sig, to_fit
from targets import HERE, TARGETS_FILE, load_drift_notes, load_targets

BASE_SCENARIO = HERE / "base.toml"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1, help="population.scale during the fit")
    ap.add_argument("--iterations", type=int, default=30, help="maximum iterations at reduced scale")
    ap.add_argument("--refine-iterations", type=int, default=5,
                    help="further iterations at scale 1.0 after the reduced-scale fit")
    ap.add_argument("--replicates-fit", type=int, default=2, help="replicates per iteration at reduced scale")
    ap.add_argument("--replicates-refine", type=int, default=4, help="replicates per refinement iteration")
    ap.add_argument("--jobs", type=int, default=2,
                    help="chunks per model run (replicates split; chunk j uses seed + j), run one after the other")
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
    ap.add_argument("--bin-commit", default=None,
                    help="commit the buurtsim module was built from, when it reports 'unknown' (built outside git)")
    ap.add_argument("--scenario", type=Path, default=BASE_SCENARIO)
    ap.add_argument("--targets", type=Path, default=TARGETS_FILE)
    ap.add_argument("--out-params", type=Path, default=ROOT / "data/params/utrecht-2023.toml")
    ap.add_argument("--out-doc", type=Path, default=ROOT / "docs/CALIBRATION.md")
    ap.add_argument("--final-only", action="store_true",
                    help="skip the fit: evaluate the parameters in --out-params and rewrite the doc")
    args = ap.parse_args(argv)
    if args.measure_from >= args.weeks:
        ap.error("--measure-from must be below --weeks")

    targets = load_targets(args.targets)
    drift_notes = load_drift_notes(args.targets)
    defaults, ranges = defaults_and_ranges()
    for t in targets:
        if t.parameter and (t.parameter not in defaults or t.parameter not in ranges):
            raise SystemExit(f"parameter {t.parameter} (target {t.name}) not in buurtsim.parameters() with a range")
    runner = Runner(args.scenario.resolve(), args.threads, needed_variables(targets), args.jobs,
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
                seed_fit=args.seed_fit, seed_final=args.seed_final, final_scale=args.final_scale,
                stop_fraction=args.stop_fraction,
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


if __name__ == "__main__":
    sys.exit(main())
