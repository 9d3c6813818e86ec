"""One task of an exploration, run in a dask worker: one design point, every scenario on every replicate.

The worker runs the C++ engine through :func:`buurtsim.run` on one thread, computes the horizon values and
paired differences of :func:`buurtsim.compare`, and returns them as a small JSON-able record (also written
into the store when the worker sees it).
"""

import os
import pathlib
import socket
import time
import zlib

import numpy as np
import pandas as pd

from . import _core
from .compare import compare
from .errors import ExploreError
from .explore_args import AREAS
from .explore_store import STORE_FORMAT, _write_json_atomic
from .run import run


def _json_array(a):
    a = np.asarray(a, dtype=float)
    out = a.astype(object)
    out[np.isnan(a)] = None
    return out.tolist()


def _cube(table, column, others, outputs):
    """A column of a comparison table as an array (scenario, area, output); NaN where a row is missing."""
    t = table.set_index(["scenario_name", "area", "indicator"])[column]
    index = pd.MultiIndex.from_product([others, AREAS, outputs])
    return t.reindex(index).to_numpy(dtype=float).reshape(len(others), len(AREAS), len(outputs))


def _run_task(task):
    """One design point: every scenario on every replicate, paired, on one thread of this worker.

    Returns the task's record and writes it into the store's tasks/ directory if this machine sees it.
    """
    start, cpu = time.perf_counter(), time.process_time()
    where = f"{socket.gethostname()}:{os.getpid()}"
    if (_core.version, _core.git_commit) != (task["buurtsim_version"], task["git_commit"]):
        raise ExploreError(f"worker {where} runs buurtsim {_core.version} (commit {_core.git_commit}) but the "
                           f"exploration was started with {task['buurtsim_version']} (commit {task['git_commit']}): "
                           f"run one build on every machine")
    scenarios = [zlib.decompress(t).decode("utf-8") for t in task["scenarios"]]
    ds = run(scenarios, set=dict(task["overrides"]), threads=1)
    shas = {line.split()[0] for line in str(ds.attrs.get("provenance_data_files", "")).splitlines() if line.strip()}
    if task["data_sha256"] and shas and task["data_sha256"] not in shas:
        raise ExploreError(f"worker {where} read CBS data with sha256 {', '.join(sorted(shas))}, the exploration's "
                           f"is {task['data_sha256']}: give every machine the same data directory")
    baseline, outputs, weeks_from = task["baseline"], task["outputs"], task["weeks_from"]
    names = [str(n) for n in ds["scenario_name"].values]
    others = [n for n in names if n != baseline]
    full = compare(ds, baseline, weeks_from=weeks_from)
    per = [compare(ds.isel(replicate=[k]), baseline, weeks_from=weeks_from) for k in range(ds.sizes["replicate"])]

    def per_replicate(column):
        return np.stack([_cube(t, column, others, outputs) for t in per], axis=-1)

    buurten = full.set_index(["scenario_name", "area", "indicator"])["buurten"]
    residents = float(ds["residents"].isel(week=0).sum("buurt").sum())
    record = {
        "format": STORE_FORMAT, "spec_sha256": task["spec_sha256"], "point": task["point"],
        "values": [v for _, v in task["overrides"]],
        "scenarios": others, "outputs": outputs,
        "replicate_ids": [int(r) for r in ds["replicate"].values],
        "difference": _json_array(_cube(full, "estimate", others, outputs)),
        "ci_low": _json_array(_cube(full, "ci_low", others, outputs)),
        "ci_high": _json_array(_cube(full, "ci_high", others, outputs)),
        "difference_replicate": _json_array(per_replicate("estimate")),
        "baseline_value": _json_array(per_replicate("baseline_mean")),
        "scenario_value": _json_array(per_replicate("scenario_mean")),
        "buurten": [[int(buurten.get((s, a, outputs[0]), 0)) for a in AREAS] for s in others],
        "runs": int(ds.sizes["scenario"] * ds.sizes["replicate"]),
        "resident_weeks": residents * (ds.sizes["week"] + task["burn_in_weeks"]),
        "worker": where,
    }
    record["seconds"] = time.perf_counter() - start
    record["cpu_seconds"] = time.process_time() - cpu
    tasks_dir = pathlib.Path(task["tasks_dir"])
    if tasks_dir.is_dir():   # a machine that does not see the store leaves the writing to the client
        try:
            _write_json_atomic(tasks_dir / f"{task['name']}.json", record)
        except OSError:
            pass
    return record


