"""What drives the policy answer: a Morris screen, then Sobol indices, written to docs/SENSITIVITY.md.

Three stages, each one :func:`buurtsim.explore` over the scenarios ``buurtondersteuners-targeted`` and
``facilitator-every-wijk`` against ``baseline`` (common random numbers), on one dask cluster:

1. ``noise``: the defaults on ``--noise-replicates`` replicates: the answer as the project shows it
   today (simulation noise only), and the size of that noise per output, which sets the floor below
   which an index cannot be told from noise;
2. ``morris``: a Morris screen of every parameter in :data:`PARAMETERS` over its plausible range
   (:func:`buurtsim.plausible_ranges`);
3. ``sobol``: Sobol S1 and ST with bootstrap intervals for the ``--top`` parameters of the screen
   (:func:`rank_parameters`), and the share of the Sobol sample where care cost saved exceeds the
   intervention cost.

Every stage keeps an explore store under ``--store``: a killed run started again with the same
arguments runs only the missing design points. The document is rewritten after every stage, so a
partial run leaves a partial document. Each invocation's wall time is logged in ``STORE/log.json``
and the document reports their sum.

    PYTHONPATH=build/python nice -n 10 /usr/bin/python3 experiments/sensitivity/run.py
"""

import argparse
import datetime
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

import pandas as pd

import buurtsim
from buurtsim.explore import write_result

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import sensitivity_doc  # noqa: E402
from screen import LOG, PARAMETERS, bounds_of, compared, rank_parameters  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASELINE = "baseline"
SCENARIOS = [BASELINE, "buurtondersteuners-targeted", "facilitator-every-wijk"]
STAGES = ("noise", "morris", "sobol")


def stage_explore(name, args, cluster, design, replicates, log):
    """One stage: an explore into STORE/<name>; its invocation appended to the log."""
    store = args.store / name
    client = cluster.for_stage(store, design)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    load = os.getloadavg()
    result = buurtsim.explore(SCENARIOS, design, baseline=BASELINE, replicates=replicates, weeks=args.weeks,
                              set=run_set(args), store=store, client=client, progress=args.progress)
    entry = {k: result.attrs[k] for k in ("tasks", "tasks_run", "tasks_skipped", "runs", "runs_run", "workers",
                                          "elapsed_seconds", "task_cpu_seconds_total", "resident_weeks_run")}
    entry.update(stage=name, started=started, load_at_start=list(load), load_at_end=list(os.getloadavg()))
    log.append(entry)
    write_log(args.store, log)
    write_result(result, args.store / f"{name}.nc")
    return result


def saved_result(store, stage):
    """A stage's Dataset as its last run wrote it (STORE/<stage>.nc), or None if it has not run."""
    import xarray as xr

    path = store / f"{stage}.nc"
    if not path.exists():
        return None
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def run_set(args):
    s = {"population.scale": args.scale}
    if args.wijken:
        s["population.wijken"] = list(args.wijken)
    if args.burn_in is not None:
        s["run.burn_in_weeks"] = args.burn_in
    return s


def read_log(store):
    path = store / "log.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def write_log(store, log):
    tmp = store / "log.json.tmp"
    tmp.write_text(json.dumps(log, indent=1), encoding="utf-8")
    os.replace(tmp, store / "log.json")


class Cluster:
    """The dask client of every stage, started at the first stage that has points to run (a resumed
    invocation whose stores are complete starts none)."""

    def __init__(self, args):
        self.args, self.client, self.cluster, self.scratch = args, None, None, None

    def for_stage(self, store, design):
        tasks = store / "tasks"
        if tasks.is_dir() and len(list(tasks.glob("*.json"))) >= len(design):
            # explore checks every record and runs the rest on its own LocalCluster if one is bad
            return None
        if self.client is None:
            self.start()
        return self.client

    def start(self):
        from distributed import Client, LocalCluster

        if self.args.scheduler:
            self.client = Client(self.args.scheduler)
            return
        # its own scratch directory: the default one under /tmp is shared with other users' clusters
        self.scratch = tempfile.mkdtemp(prefix="buurtsim-sensitivity-dask-")
        self.cluster = LocalCluster(n_workers=self.args.workers, threads_per_worker=1, processes=True,
                                    dashboard_address=":0", local_directory=self.scratch)
        self.client = Client(self.cluster, set_as_default=False)
        self.client.wait_for_workers(self.args.workers)

    def close(self):
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=0.2, help="population.scale (default 0.2: below it the "
                   "buurtondersteuner loses its week's hours to whole questions, see the document)")
    p.add_argument("--weeks", type=int, default=104, help="recorded weeks after the burn-in (default 104)")
    p.add_argument("--trajectories", type=int, default=8, help="Morris trajectories (default 8)")
    p.add_argument("--replicates", type=int, default=1, help="replicates per design point (default 1)")
    p.add_argument("--noise-replicates", type=int, default=10, help="replicates of the noise stage (default 10)")
    p.add_argument("--top", type=int, default=6, help="parameters of the Sobol stage (default 6)")
    p.add_argument("--sobol-n", type=int, default=32, help="Sobol base sample size, a power of 2 (default 32)")
    p.add_argument("--parameters", nargs="+", default=None, help="screen these parameters (default: PARAMETERS)")
    p.add_argument("--until", choices=STAGES, default=STAGES[-1], help="the last stage to run (default sobol); "
                   "the earlier ones run first, or are read from their stores if complete")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="LocalCluster workers (default: cores)")
    p.add_argument("--scheduler", default=None, help="a dask scheduler address instead of a LocalCluster")
    p.add_argument("--store", type=pathlib.Path, default=ROOT / "results" / "sensitivity",
                   help="directory of the stores and the log (default results/sensitivity)")
    p.add_argument("--doc", type=pathlib.Path, default=ROOT / "docs" / "SENSITIVITY.md")
    p.add_argument("--tables", type=pathlib.Path, default=ROOT / "experiments" / "sensitivity" / "results",
                   help="where the index tables go as CSV (default experiments/sensitivity/results)")
    p.add_argument("--wijken", nargs="+", default=None, help="restrict to these wijk codes (tests)")
    p.add_argument("--burn-in", type=int, default=None, help="run.burn_in_weeks (tests; default the scenarios')")
    p.add_argument("--no-progress", dest="progress", action="store_false")
    p.add_argument("--doc-only", action="store_true", help="rewrite the document from the stages' saved results "
                   "(STORE/<stage>.nc) without explore: for a build other than the one that ran them, whose "
                   "stores explore refuses")
    args = p.parse_args(argv)
    for name in ("weeks", "trajectories", "replicates", "noise_replicates", "top", "workers"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if args.noise_replicates < 2:
        p.error(f"--noise-replicates must be >= 2 (the noise is an sd over replicates), got {args.noise_replicates}")
    args.parameters = args.parameters or list(PARAMETERS)
    if args.top > len(args.parameters):
        p.error(f"--top {args.top} is more than the {len(args.parameters)} parameters screened")
    return args


def command_line(args):
    """The command that gives this document (the arguments that differ from the defaults)."""
    defaults = parse([])
    parts = ["PYTHONPATH=build/python", "nice -n 10", "/usr/bin/python3", "experiments/sensitivity/run.py"]
    for key in ("scale", "weeks", "trajectories", "replicates", "noise_replicates", "top", "sobol_n", "workers",
                "scheduler", "burn_in"):
        value = getattr(args, key)
        if value != getattr(defaults, key) and key != "workers":
            parts.append(f"--{key.replace('_', '-')} {value}")
    if args.parameters != defaults.parameters:
        parts.append("--parameters " + " ".join(args.parameters))
    if args.wijken:
        parts.append("--wijken " + " ".join(args.wijken))
    return " ".join(parts)


def main(argv=None):
    args = parse(argv)
    args.store.mkdir(parents=True, exist_ok=True)
    args.tables.mkdir(parents=True, exist_ok=True)
    log = read_log(args.store)
    bounds = bounds_of(args.parameters)
    log_params = [n for n in LOG if n in bounds]
    cluster = Cluster(args)
    results = {}
    try:
        defaults = buurtsim.Scenario(BASELINE, set=run_set(args))
        first = args.parameters[0]
        noise_design = pd.DataFrame({first: [float(defaults.get(first))]})
        morris_design = buurtsim.morris_design(bounds, trajectories=args.trajectories, log=log_params, seed=1)
        for stage in STAGES:
            if stage == "noise":
                design, reps = noise_design, args.noise_replicates
            elif stage == "morris":
                design, reps = morris_design, args.replicates
            else:
                top = list(results["ranking"].index[:args.top])
                design = buurtsim.sobol_design({n: bounds[n] for n in top}, n=args.sobol_n,
                                               log=[n for n in log_params if n in top], seed=1)
                reps = args.replicates
            # a finished stage's store has every task: explore reads them and runs nothing
            if args.doc_only:
                results[stage] = saved_result(args.store, stage)
                if results[stage] is None:
                    break
            else:
                results[stage] = stage_explore(stage, args, cluster, design, reps, log)
            if stage in ("morris", "sobol"):
                indices = buurtsim.sensitivity(results[stage], bootstrap=1000, seed=1)
                # with provenance, so `buurtsim report --drivers` (and scripts/demo) can read it
                buurtsim.write_indices(indices, args.tables / f"{stage}-indices.csv", results[stage])
                results[f"{stage}_indices"] = indices
            if stage == "morris":   # the ranking picks the Sobol stage's parameters; the document shows it
                results["ranking"] = rank_parameters(indices, results["noise"], morris_design.info["delta"],
                                                     compared(results["morris"]))
            sensitivity_doc.write(args.doc, results, log, args, command_line(args), bounds)
            if stage == args.until:
                break
    finally:
        cluster.close()
    return results


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"sensitivity: done in {time.perf_counter() - t:.0f} s", file=sys.stderr)
