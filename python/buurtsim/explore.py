"""Explorations of the parameter space on dask.distributed: :func:`explore`, and their indices: :func:`sensitivity`.

An exploration runs a **design** (:func:`buurtsim.morris_design`,
:func:`buurtsim.sobol_design`, :func:`buurtsim.latin_hypercube`, or any table
of parameter values) as paired ensembles: at every design point, every
scenario on the same replicates (common random numbers), through the one
batch runner of :func:`buurtsim.run`. One design point is one **task**, run
in a dask worker on one thread; the worker computes the horizon values and
the paired differences of :func:`buurtsim.compare` and writes them as a small
JSON file into the **store**, so a re-run with the same store skips finished
tasks. Every design point uses the same ``seed``: replicate ``k`` is the same
synthetic city and random streams at every point and in every scenario, so
differences between points are the parameters' doing, not noise between
seeds.

The store (a directory)::

    STORE/manifest.json            the spec: everything a result depends on, and its sha256
    STORE/tasks/<name>.json        one finished design point; <name> = sha256("<spec sha256>:<point>")[:32]

The spec holds the resolved scenarios (TOML, every parameter), baseline,
replicates, weeks, seed, ``weeks_from``, outputs, the design's points, the
buurtsim version and git commit and the CBS data's sha256. A store whose
spec differs is refused (:class:`buurtsim.ExploreError`). A task file is
written under a temporary name and renamed (``os.replace``), so a kill leaves
either the whole file or none. Task files are plain JSON (NaN as ``null``).
"""

import datetime
import difflib
import hashlib
import json
import math
import numbers
import os
import pathlib
import socket
import sys
import tempfile
import time
import zlib

import numpy as np
import pandas as pd
import xarray as xr

from . import _core
from .compare import SAVINGS_LABEL, SAVINGS_ROWS, SAVINGS_UNIT, compare
from .data import data_dir
from .errors import ExploreError, ParamError, SensitivityError, UnknownKeyError, UsageError
from .params import _PARAMS, flatten, override_strings, positive_int, toml_value
from .run import run
from .scenario import Scenario
from .sensitivity import Design, morris_indices, sobol_indices

__all__ = ["explore", "sensitivity", "design_of", "DEFAULT_OUTPUTS", "ALL_OUTPUTS", "AREAS", "STORE_FORMAT"]

#: Written into every manifest and task file; a store of another format is refused.
STORE_FORMAT = "buurtsim-explore 1"
#: The areas of every comparison (as :func:`buurtsim.compare`).
AREAS = ("city", "targeted")
#: The outputs kept by default: the paired differences a policy maker reads.
DEFAULT_OUTPUTS = ("total_cost_eur", "gemeente_cost_eur", "zorgverzekeraar_cost_eur",
                   "euro_saved_per_euro_spent", "euro_saved_per_euro_spent_gemeente",
                   "euro_saved_per_euro_spent_zorgverzekeraar", "wmo_clients", "buurtteam_wait_weeks",
                   "buurtteam_hours_needed", "questions_unmet", "lonely_share")
#: Every row of a comparison: the key indicators, then the savings rows (``outputs="all"``).
ALL_OUTPUTS = tuple(k["indicator"] for k in _core.key_indicators()) + tuple(SAVINGS_ROWS)

_OUTPUT_LABELS = {k["indicator"]: (k["label"], k["unit"]) for k in _core.key_indicators()}
_OUTPUT_LABELS.update({r["indicator"]: (r["label"] or SAVINGS_LABEL, SAVINGS_UNIT) for r in _core.savings_rows()})
# The ensemble's shape and pairing come from explore's own arguments; a design cannot vary them.
_FIXED = {"run.seed": "seed", "run.replicates": "replicates", "run.weeks": "weeks"}
# Columns of Design.to_frame() that say where a point belongs, not what it is.
_LABELS = ("trajectory", "changed", "block")


# ---------------------------------------------------------------------------------------------
# arguments
# ---------------------------------------------------------------------------------------------

def _design_arg(design):
    """design -> (names, values (n, k), unit (n, k) or None, labels {name: list}, meta dict or None)."""
    if isinstance(design, Design):
        frame = design.to_frame()
        names = list(design.parameters)
        values = np.array(design.points, dtype=float)
        unit = np.array(design.unit, dtype=float)
        meta = {"method": design.method, "bounds": [list(b) for b in design.bounds], "log": list(design.log),
                "seed": int(design.seed), "info": {k: int(v) if isinstance(v, numbers.Integral) else float(v)
                                                   for k, v in design.info.items()}}
    elif isinstance(design, pd.DataFrame):
        frame = design
        names = [c for c in design.columns if c not in _LABELS]
        for c in names:
            if not isinstance(c, str):
                raise UsageError(f"explore: design columns must be parameter names, got {c!r}")
            if design[c].dtype.kind not in "biuf":
                raise UsageError(f"explore: design column {c!r} must hold numbers, got dtype {design[c].dtype}")
        values = design[names].to_numpy(dtype=float) if names else np.empty((len(design), 0))
        unit, meta = None, None
    else:
        raise UsageError("explore: design must be a buurtsim.Design (morris_design, sobol_design, latin_hypercube) "
                         f"or a pandas.DataFrame of parameter values, one row per point; got {type(design).__name__}")
    if not names:
        raise UsageError("explore: the design has no parameter columns")
    if values.shape[0] == 0:
        raise UsageError("explore: the design has no points")
    labels = {c: [_label(v) for v in frame[c].tolist()] for c in _LABELS if c in frame.columns}
    return names, values, unit, labels, meta


def _label(v):
    """A label value as JSON keeps it: ints stay ints, a missing one (None, NaN) is ""."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return v


def _check_parameters(names, values, common):
    """Names in the parameter table, real or integer, not fixed or also in `set`; values in range.

    Returns the values as the engine gets them (integers rounded) and the parameters' types.
    """
    values = values.copy()
    types = []
    for j, name in enumerate(names):
        row = _PARAMS.get(name)
        if row is None:
            close = difflib.get_close_matches(name, list(_PARAMS), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise UnknownKeyError(f'explore: unknown design parameter "{name}"{hint}; the parameters are listed in '
                                  f'docs/PARAMETERS.md')
        if name in _FIXED:
            raise UsageError(f"explore: design parameter {name} cannot be varied: it sets the ensemble's shape; "
                             f"use explore's {_FIXED[name]}= argument")
        if name in common:
            raise UsageError(f"explore: {name} is both a design parameter and in set=; give it in one place")
        if row["type"] not in ("real", "integer"):
            raise UsageError(f"explore: design parameter {name} is a {row['type']} parameter; only real and integer "
                             f"parameters can be varied")
        col = values[:, j]
        bad = np.flatnonzero(~np.isfinite(col))
        if bad.size:
            raise UsageError(f"explore: design parameter {name} must be a finite number, got {col[bad[0]]!r} at "
                             f"point {bad[0]}")
        if row["type"] == "integer":
            col = np.rint(col)
            values[:, j] = col
        lo, hi = float(row["min"]), float(row["max"])
        low = (col <= lo) if row["min_exclusive"] else (col < lo)
        bad = np.flatnonzero(low | (col > hi))
        if bad.size:
            rule = f"{'(' if row['min_exclusive'] else '['}{lo:g}, {hi:g}]"
            raise ParamError(f"explore: design parameter {name} must be in {rule} (docs/PARAMETERS.md), got "
                             f"{col[bad[0]]:g} at point {bad[0]} ({bad.size} point(s) out of range)")
        types.append(row["type"])
    return values, types


def _overrides(names, types, row):
    return [(n, int(v) if t == "integer" else float(v)) for n, t, v in zip(names, types, row)]


def _outputs_arg(outputs):
    if outputs is None:
        return list(DEFAULT_OUTPUTS)
    if isinstance(outputs, str):
        outputs = list(ALL_OUTPUTS) if outputs == "all" else [outputs]
    try:
        outputs = list(outputs)
    except TypeError:
        raise UsageError(f"explore: outputs must be a list of indicator names or 'all', got {outputs!r}") from None
    for o in outputs:
        if o not in ALL_OUTPUTS:
            close = difflib.get_close_matches(str(o), ALL_OUTPUTS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"explore: unknown output {o!r}{hint} (the outputs are the rows of buurtsim.compare: "
                             f"{', '.join(ALL_OUTPUTS)})")
    if len(set(outputs)) != len(outputs) or not outputs:
        raise UsageError(f"explore: outputs must be a non-empty list of distinct names, got {outputs}")
    return outputs


def _data_sha256(year):
    path = pathlib.Path(data_dir()) / "cbs" / f"cbs-kwb-utrecht-{int(year)}.csv"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None   # a client without the data: the workers' own checks report it


def _canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _prepare(scenarios, design, baseline, replicates, weeks, seed, set, weeks_from, outputs):
    """Check every argument; the spec (a JSON-able dict of everything the results depend on) and the overrides.

    The resolved scenarios stand for the overrides and labels they came from, so the same exploration asked
    for in other words (a path or a name, `set` in another order, the CLI or Python) is the same spec.
    """
    specs = scenarios if isinstance(scenarios, (list, tuple)) else [scenarios]
    if len(specs) < 2:
        raise UsageError(f"explore needs at least two scenarios (a baseline and one to compare), got {len(specs)}")
    replicates = positive_int("replicates", replicates, 1)
    weeks = positive_int("weeks", weeks, 1)
    seed = positive_int("seed", seed, 0)
    if isinstance(weeks_from, bool) or not isinstance(weeks_from, numbers.Integral) or weeks_from < 0:
        raise UsageError(f"explore: weeks_from must be an integer >= 0, got {weeks_from!r}")
    if set is not None and not isinstance(set, dict):
        raise UsageError(f"explore: set must be a dict of parameter overrides, got {type(set).__name__}")
    common = flatten(set) if set else []
    extra = override_strings(common)
    for key, value in (("run.weeks", weeks), ("run.seed", seed), ("run.replicates", replicates)):
        if value is not None:
            extra.append(f"{key}={value}")
    names, values, unit, labels, meta = _design_arg(design)
    values, types = _check_parameters(names, values, {k for k, _ in common})
    outputs = _outputs_arg(outputs)

    wrapped = [Scenario._unresolved(s) for s in specs]
    resolved = [w._resolve(extra) for w in wrapped]
    _core.check_paired([str(w.label) for w in wrapped], resolved)
    scenario_names = [r.name for r in resolved]
    if baseline is None:
        baseline = scenario_names[0]
    if baseline not in scenario_names:
        raise UsageError(f"explore: baseline {baseline!r} is not one of the scenarios ({', '.join(scenario_names)})")
    for name in names:
        here = [r.get(name) for r in resolved]
        if any(v != here[0] for v in here):
            shown = ", ".join(f"{r.name}: {v}" for r, v in zip(resolved, here))
            raise UsageError(f"explore: design parameter {name} differs between the scenarios ({shown}); a design "
                             f"sets it in every scenario, which would erase the difference being compared")
    first = resolved[0]
    weeks, seed, replicates = first.get("run.weeks"), first.get("run.seed"), first.get("run.replicates")
    if weeks_from >= weeks:
        raise UsageError(f"explore: weeks_from must be below the run's {weeks} weeks, got {weeks_from}")
    # Each parameter alone at its lowest and highest value in every scenario: the engine's own rules
    # (exclusive bounds, rules between parameters) fail here, before any cluster starts. The first point
    # is checked whole; a later point that breaks a rule between parameters fails in its task.
    checks = [_overrides(names, types, values[0])]
    for j in range(len(names)):
        for v in (values[:, j].min(), values[:, j].max()):
            checks.append(_overrides([names[j]], [types[j]], [v]))
    for pairs in checks:
        point = override_strings(pairs)
        for w in wrapped:
            try:
                w._resolve(extra + point)
            except ParamError as e:
                raise type(e)(f"explore: design values {', '.join(point)} in {w.label}: {e}") from None

    spec = {
        "format": STORE_FORMAT,
        "buurtsim_version": _core.version, "git_commit": _core.git_commit,
        "format_version": _core.format_version,
        "data_sha256": _data_sha256(first.get("population.year")),
        "scenarios": [{"name": r.name, "toml": r.toml} for r in resolved],
        "baseline": baseline, "replicates": replicates, "weeks": weeks, "seed": seed,
        "burn_in_weeks": first.get("run.burn_in_weeks"), "weeks_from": int(weeks_from),
        "outputs": outputs,
        "parameters": [{"name": n, "type": t} for n, t in zip(names, types)],
        "points": values.tolist(), "labels": labels,
        "design": None if meta is None else dict(meta, unit=unit.tolist()),
    }
    return spec, extra


# ---------------------------------------------------------------------------------------------
# the store
# ---------------------------------------------------------------------------------------------

def _write_atomically(path, write, mode=None):
    """Write `path` whole or not at all: ``write(tmp)`` fills a temporary file in the same directory
    (permissions `mode` if given), then os.replace; the temporary goes on any error or signal."""
    path = pathlib.Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_json_atomic(path, obj):
    """Write JSON to `path` whole or not at all, synced to disk."""
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(obj, f, separators=(",", ":"), allow_nan=False)
            f.flush()
            os.fsync(f.fileno())
    # mkstemp's 0600 would hide a shared store's files from the other users
    _write_atomically(path, write, mode=0o644)


def _spec_differences(new, old):
    parts = []
    for key in sorted(set(new) | set(old)):
        a, b = new.get(key), old.get(key)
        if a == b:
            continue
        if key == "points":
            if len(a or []) != len(b or []):
                parts.append(f"design points: {len(a or [])} here, {len(b or [])} in the store")
            else:
                i = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
                parts.append(f"design point {i}: {a[i]} here, {b[i]} in the store")
        elif key == "scenarios":
            names_a, names_b = [s["name"] for s in a or []], [s["name"] for s in b or []]
            if names_a != names_b:
                parts.append(f"scenarios: {names_a} here, {names_b} in the store")
            else:
                changed = [s["name"] for s, t in zip(a, b) if s != t]
                parts.append(f"the parameters of scenario(s) {', '.join(changed)}")
        elif isinstance(a, (str, int, float, type(None))) and isinstance(b, (str, int, float, type(None))):
            parts.append(f"{key}: {a!r} here, {b!r} in the store")
        else:
            parts.append(f"{key}")
    return "; ".join(parts) or "the spec"


def _open_store(store, spec, digest):
    path = pathlib.Path(store)
    if path.exists() and not path.is_dir():
        raise ExploreError(f"explore: store {path} is not a directory")
    manifest = path / "manifest.json"
    if manifest.exists():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ExploreError(f"explore: store {path}: cannot read manifest.json ({e})") from None
        if not isinstance(old, dict) or old.get("format") != STORE_FORMAT:
            raise ExploreError(f"explore: store {path} is not a store of this buurtsim ({STORE_FORMAT!r}): "
                               f"its manifest.json has format {old.get('format') if isinstance(old, dict) else old!r}")
        if old.get("spec_sha256") != digest:
            raise ExploreError(f"explore: store {path} holds another exploration (differs in "
                               f"{_spec_differences(spec, old.get('spec') or {})}); use another store directory, "
                               f"or delete this one to start again")
    else:
        if path.exists() and any(path.iterdir()):
            raise ExploreError(f"explore: store {path} is not empty and has no manifest.json: not an exploration's "
                               f"store; give a new or empty directory")
        try:
            (path / "tasks").mkdir(parents=True, exist_ok=True)
            _write_json_atomic(manifest, {"format": STORE_FORMAT, "spec_sha256": digest,
                                          "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                                              timespec="seconds"),
                                          "spec": spec})
        except OSError as e:
            raise ExploreError(f"explore: cannot create store {path}: {e}") from None
    (path / "tasks").mkdir(exist_ok=True)
    return path


def _task_name(digest, point):
    return hashlib.sha256(f"{digest}:{point}".encode()).hexdigest()[:32]


def _read_record(path, digest, point):
    """A finished task's record, or None if the file is missing or not this task's."""
    try:
        record = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("spec_sha256") != digest or record.get("point") != point:
        return None
    return record


# ---------------------------------------------------------------------------------------------
# one task, in a worker
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# explore
# ---------------------------------------------------------------------------------------------

def _client_arg(client, workers):
    if client is None:
        return
    from distributed import Client

    if not isinstance(client, Client):
        raise UsageError(f"explore: client must be a dask.distributed.Client, got {type(client).__name__}")
    if workers is not None:
        raise UsageError("explore: workers= sizes the LocalCluster explore starts; a client brings its own workers")


def _guarded_line(path, line):
    """Whether `line` of the script `path` is inside a top-level ``if __name__ == "__main__":`` block."""
    import ast

    try:
        tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return True   # cannot tell: do not refuse
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1 \
                and isinstance(node.test.ops[0], ast.Eq):
            sides = [node.test.left, node.test.comparators[0]]
            names = {n.id for n in sides if isinstance(n, ast.Name)}
            texts = {n.value for n in sides if isinstance(n, ast.Constant)}
            if names == {"__name__"} and texts == {"__main__"} and node.lineno <= line <= node.end_lineno:
                return True
    return False


def _check_main_guard():
    """Refuse a LocalCluster started from a script's top level outside ``if __name__ == "__main__":``.

    Its worker processes are spawned and import the script; unguarded, each would call explore again,
    fail, and be restarted by its nanny, over and over.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None:
        return   # an interactive session or a notebook: the workers do not import it
    top, frame = None, sys._getframe()
    while frame is not None:   # the outermost frame running the script's own top level
        if frame.f_code.co_name == "<module>" and frame.f_globals is vars(main) \
                and frame.f_code.co_filename == main.__file__:
            top = frame
        frame = frame.f_back
    if top is not None and not _guarded_line(path, top.f_lineno):
        raise UsageError(f"explore: {path}, line {top.f_lineno}: a script that runs explore on its own "
                         f"LocalCluster must do so under `if __name__ == \"__main__\":` (its worker processes "
                         f"import the script), or pass client=")


def _start_client(client, workers):
    if client is not None:
        return client, None
    import multiprocessing.process

    if getattr(multiprocessing.process.current_process(), "_inheriting", False):
        # A worker process of the LocalCluster re-runs the caller's script while it starts (spawn): without
        # this, multiprocessing's own error and a loop of restarting workers follow.
        raise UsageError("explore: called while a worker process starts: a script that calls explore without a "
                         "client must do so under `if __name__ == \"__main__\":` (worker processes import the "
                         "script)")
    from distributed import Client, LocalCluster

    n = workers or os.cpu_count() or 1
    # ":0": the HTTP server (and a dashboard if bokeh is installed) on a free port, never a clash on 8787
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster, set_as_default=False)   # not the caller's default client
    client.wait_for_workers(n)
    return client, cluster


def _worker_count(client):
    try:
        return len(client.scheduler_info()["workers"])
    except Exception:  # noqa: BLE001  (a scheduler that went away: the count is only reported)
        return 0


def _point_text(spec, i):
    return ", ".join(f"{p['name']}={toml_value(p['name'], int(v) if p['type'] == 'integer' else v)}"
                     for p, v in zip(spec["parameters"], spec["points"][i]))


def explore(scenarios, design, *, baseline=None, replicates=2, weeks=None, seed=None, set=None, weeks_from=0,
            outputs=None, store=None, client=None, workers=None, progress=True):
    """Run a design over parameters as paired ensembles on dask.distributed; one Dataset of paired differences.

    Every design point is one task: every scenario on the same ``replicates``
    (common random numbers, the same ``seed`` at every point), run by
    :func:`buurtsim.run` on one thread in a dask worker, which computes the
    comparison of :func:`buurtsim.compare` and writes it into ``store``. A
    re-run with the same store skips finished tasks: after a kill or a lost
    worker it resumes, with results identical to an uninterrupted run.

    Parameters
    ----------
    scenarios : list of scenarios
        Two or more, each as for :func:`buurtsim.run` (a path, a shipped
        scenario's name, TOML text, a dict, a :class:`buurtsim.Scenario`).
        They are resolved here, in the client: workers get the resolved TOML,
        so only the CBS data must be on every machine.
    design : Design or pandas.DataFrame
        From :func:`buurtsim.morris_design`, :func:`buurtsim.sobol_design` or
        :func:`buurtsim.latin_hypercube` over parameter names of
        docs/PARAMETERS.md (real or integer ones; integers are rounded), or a
        DataFrame with one column per parameter and one row per point
        (columns ``trajectory``, ``changed``, ``block`` of
        :meth:`Design.to_frame` are carried as labels). Only a Design can be
        read by :func:`sensitivity`. A design parameter is set in every
        scenario, the baseline included; one that the scenarios set
        differently (an intervention's own lever) is refused.
    baseline : str, optional
        The scenario the others are compared with (default: the first).
    replicates, weeks, seed : int, optional
        Replicates per scenario and point (default 2), ``run.weeks`` and
        ``run.seed`` (default: the scenarios').
    set : dict, optional
        Overrides for every scenario and point, ``{"population.scale": 0.05}``.
    weeks_from : int
        First week of the comparison's horizon.
    outputs : list of str or "all", optional
        Rows of the comparison to keep (default :data:`DEFAULT_OUTPUTS`:
        total, gemeente and zorgverzekeraar cost, euro saved per euro spent per
        payer, Wmo clients, buurtteam wait and hours needed, questions unmet,
        lonely share); ``"all"`` keeps every row (:data:`ALL_OUTPUTS`).
    store : path, optional
        The store directory (created if missing; see the module's doc). Default: a temporary
        directory removed afterwards (no resume).
    client : dask.distributed.Client, optional
        Where the tasks run: any cluster (``Client("tcp://host:8786")``).
        Default: a :class:`distributed.LocalCluster` of ``workers`` worker
        processes with one thread each, closed afterwards.
    workers : int, optional
        Size of that LocalCluster (default: the number of cores).
    progress : bool
        A tqdm progress bar over finished tasks (on stderr).

    Returns
    -------
    xarray.Dataset
        Dims ``point``, ``scenario`` (the scenarios compared with the
        baseline), ``area`` (``city``, ``targeted``), ``output``,
        ``replicate``, ``parameter``. Variables: ``difference`` (point,
        scenario, area, output), the paired difference's mean over replicates
        (for the savings rows, the mean per-replicate ratio), as the
        ``estimate`` of :func:`buurtsim.compare`, with ``ci_low``/``ci_high``
        (its 95 % interval over replicates: simulation noise only);
        ``difference_replicate``, ``baseline_value`` and ``scenario_value``
        (point, scenario, area, output, replicate): per replicate, the
        difference and the two horizon values; ``parameter_values`` (point,
        parameter) and one coordinate on ``point`` per parameter;
        ``design_unit`` (the design's unit-cube points, for a Design);
        ``task_seconds``, ``task_cpu_seconds`` and ``task_worker`` (point). Attributes: the spec's
        scalars, ``tasks``, ``tasks_run``, ``tasks_skipped``, ``runs`` (one
        scenario on one replicate at one point), ``runs_run``, ``workers``,
        ``elapsed_seconds``, ``resident_weeks`` (burn-in included),
        ``runs_per_hour`` and ``resident_weeks_per_second`` (of this call's
        tasks over its elapsed time), ``spec_sha256``, ``store``.

    Raises
    ------
    buurtsim.ExploreError
        A task failed (the message names the design point and its values; the
        other tasks finish and are stored first), or ``store`` holds another
        exploration.
    buurtsim.UsageError, buurtsim.ParamError, buurtsim.UnknownKeyError
        A bad argument or parameter value, before anything runs.

    Examples
    --------
    >>> import buurtsim
    >>> d = buurtsim.morris_design({"buurtondersteuner.reach_max": (0.2, 0.8),
    ...                             "help.willingness_neighbour": (0.2, 0.6)}, trajectories=4, seed=1)
    >>> res = buurtsim.explore(["baseline", "buurtondersteuners-targeted"], d, replicates=2, weeks=52,
    ...                        set={"population.scale": 0.05}, store="explore-store")   # doctest: +SKIP
    >>> res.difference.sel(scenario="buurtondersteuners-targeted", area="targeted", output="total_cost_eur")
    ... # doctest: +SKIP
    >>> buurtsim.sensitivity(res)                                         # Morris mu*, sigma  # doctest: +SKIP
    """
    started = time.perf_counter()
    if not isinstance(progress, bool):
        raise UsageError(f"explore: progress must be True or False, got {progress!r}")
    if workers is not None:
        workers = positive_int("workers", workers, 1)
    _client_arg(client, workers)
    if client is None:
        _check_main_guard()
    spec, extra = _prepare(scenarios, design, baseline, replicates, weeks, seed, set, weeks_from, outputs)
    digest = hashlib.sha256(_canonical(spec).encode()).hexdigest()
    temporary = None
    if store is None:
        temporary = tempfile.TemporaryDirectory(prefix="buurtsim-explore-")
        store = temporary.name
    try:
        path = _open_store(store, spec, digest)
        records, stats = _run_tasks(spec, digest, path, client, workers, progress)
    finally:
        if temporary is not None:
            temporary.cleanup()
    stats["elapsed_seconds"] = time.perf_counter() - started
    return _assemble(spec, digest, records, stats, None if temporary is not None else path, extra)


def _run_tasks(spec, digest, path, client, workers, progress):
    n = len(spec["points"])
    tasks_dir = path / "tasks"
    names = [_task_name(digest, i) for i in range(n)]
    records = {}
    for i, name in enumerate(names):
        record = _read_record(tasks_dir / f"{name}.json", digest, i)
        if record is not None:
            records[i] = record
    skipped = len(records)
    pending = [i for i in range(n) if i not in records]
    stats = {"tasks": n, "tasks_skipped": skipped, "tasks_run": len(pending), "workers": 0, "ran": []}
    if not pending:
        return records, stats

    from distributed import as_completed
    from tqdm import tqdm

    common = {
        "spec_sha256": digest, "buurtsim_version": spec["buurtsim_version"], "git_commit": spec["git_commit"],
        "data_sha256": spec["data_sha256"], "baseline": spec["baseline"], "outputs": spec["outputs"],
        "weeks_from": spec["weeks_from"], "tasks_dir": str(tasks_dir.resolve()),
        "scenarios": [zlib.compress(s["toml"].encode("utf-8"), 6) for s in spec["scenarios"]],
    }
    params = [p["name"] for p in spec["parameters"]]
    types = [p["type"] for p in spec["parameters"]]
    client, cluster = _start_client(client, workers)
    failures = {}
    futures = {}   # key -> design point
    submitted = []
    bar = None
    try:
        stats["workers"] = _worker_count(client)
        for i in pending:
            overrides = _overrides(params, types, spec["points"][i])
            burn_in = dict(overrides).get("run.burn_in_weeks", spec["burn_in_weeks"])
            task = dict(common, point=i, name=names[i], overrides=overrides, burn_in_weeks=burn_in)
            future = client.submit(_run_task, task, key=f"buurtsim-explore-{names[i]}", pure=False)
            futures[future.key] = i
            submitted.append(future)
        bar = tqdm(total=n, initial=skipped, desc="explore", unit="task", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True)
        for future in as_completed(submitted, loop=client.loop):
            i = futures[future.key]
            if future.status == "finished":
                record = future.result()
                target = tasks_dir / f"{names[i]}.json"
                if not target.exists():   # a worker that does not see the store
                    _write_json_atomic(target, record)
                records[i] = record
                stats["ran"].append(i)
            else:
                failures[i] = (future.exception() if future.status == "error"
                               else RuntimeError(f"the task was {future.status} by the scheduler"))
                bar.set_postfix(failed=len(failures))
            future.release()
            bar.update(1)
        stats["workers"] = max(stats["workers"], _worker_count(client))
    finally:
        if bar is not None:
            bar.close()
        unfinished = [f for f in submitted if futures[f.key] not in records and futures[f.key] not in failures]
        if unfinished and cluster is None:
            client.cancel(unfinished, force=True)
        if cluster is not None:
            client.close()
            cluster.close()
    if failures:
        first = min(failures)
        error = failures[first]
        more = sorted(failures)[1:]
        also = (f"; {len(more)} more point(s) failed: {', '.join(map(str, more[:10]))}"
                f"{', ...' if len(more) > 10 else ''}") if more else ""
        raise ExploreError(f"explore: design point {first} ({_point_text(spec, first)}) failed: "
                           f"{type(error).__name__}: {error}{also}. The {len(records)} finished point(s) are in "
                           f"store {path}; a re-run with it runs only the rest") from error
    return records, stats


def _assemble(spec, digest, records, stats, store, extra):
    n = len(spec["points"])
    first = records[0]
    others, outputs, replicate_ids = first["scenarios"], first["outputs"], first["replicate_ids"]
    params = [p["name"] for p in spec["parameters"]]
    values = np.array(spec["points"], dtype=float).reshape(n, len(params))

    def stack(key):
        return np.array([np.array(records[i][key], dtype=float) for i in range(n)])

    dims = ("point", "scenario", "area", "output")
    data = {
        "difference": (dims, stack("difference"), {"meaning": "paired difference scenario - baseline, mean over "
                                                              "replicates (savings rows: mean per-replicate ratio)"}),
        "difference_ci_low": (dims, stack("ci_low"), {"meaning": "lower end of the 95 % interval over replicates"}),
        "difference_ci_high": (dims, stack("ci_high"), {"meaning": "upper end of the 95 % interval over replicates"}),
        "difference_replicate": (dims + ("replicate",), stack("difference_replicate"),
                                 {"meaning": "paired difference per replicate"}),
        "baseline_value": (dims + ("replicate",), stack("baseline_value"),
                           {"meaning": "horizon value of the baseline per replicate (NaN for savings rows)"}),
        "scenario_value": (dims + ("replicate",), stack("scenario_value"),
                           {"meaning": "horizon value of the scenario per replicate (NaN for savings rows)"}),
        "buurten": (("point", "scenario", "area"), np.array([records[i]["buurten"] for i in range(n)], dtype=np.int32),
                    {"meaning": "buurten in the area"}),
        "parameter_values": (("point", "parameter"), values, {"meaning": "the parameter values run"}),
        "task_seconds": ("point", np.array([records[i]["seconds"] for i in range(n)], dtype=float),
                         {"units": "s", "meaning": "wall time of the task in its worker"}),
        "task_cpu_seconds": ("point", np.array([records[i].get("cpu_seconds", np.nan) for i in range(n)], dtype=float),
                             {"units": "s", "meaning": "CPU time of the worker process during the task (user + "
                                                       "system, all its threads)"}),
        "task_worker": ("point", np.array([records[i]["worker"] for i in range(n)], dtype=object),
                        {"meaning": "host:pid of the worker that ran the task"}),
    }
    design = spec["design"]
    if design is not None:
        data["design_unit"] = (("point", "parameter"), np.array(design["unit"], dtype=float),
                               {"meaning": "the design's points in the unit cube (what the estimators read)"})
    coords = {
        "point": np.arange(n), "scenario": others, "area": list(AREAS), "output": outputs,
        "replicate": replicate_ids, "parameter": params,
        "output_label": ("output", [_OUTPUT_LABELS[o][0] for o in outputs]),
        "output_unit": ("output", [_OUTPUT_LABELS[o][1] for o in outputs]),
    }
    for j, name in enumerate(params):
        coords[name] = ("point", values[:, j])
    for name, labels in spec["labels"].items():
        coords[name] = ("point", np.array(labels))
    tasks_run = stats["tasks_run"]
    runs_per_task = len(spec["scenarios"]) * spec["replicates"]
    resident_weeks = float(sum(records[i]["resident_weeks"] for i in range(n)))
    resident_weeks_run = float(sum(records[i]["resident_weeks"] for i in stats["ran"]))
    elapsed = stats["elapsed_seconds"]
    attrs = {
        "title": "buurtsim exploration",
        "baseline": spec["baseline"], "scenarios": json.dumps([s["name"] for s in spec["scenarios"]]),
        "replicates": spec["replicates"], "weeks": spec["weeks"], "burn_in_weeks": spec["burn_in_weeks"],
        "weeks_from": spec["weeks_from"], "seed": spec["seed"],
        "set": json.dumps(extra),
        "design_method": design["method"] if design else "table",
        "design_seed": design["seed"] if design else -1,
        "design_info": json.dumps(design["info"] if design else {}),
        "design_bounds": json.dumps(design["bounds"] if design else []),
        "design_log": json.dumps(design["log"] if design else []),
        "tasks": n, "tasks_run": tasks_run, "tasks_skipped": stats["tasks_skipped"],
        "runs": n * runs_per_task, "runs_run": tasks_run * runs_per_task,
        "resident_weeks": resident_weeks, "resident_weeks_run": resident_weeks_run,
        "workers": stats["workers"], "elapsed_seconds": elapsed,
        "runs_per_hour": tasks_run * runs_per_task / elapsed * 3600 if tasks_run else float("nan"),
        "resident_weeks_per_second": resident_weeks_run / elapsed if tasks_run else float("nan"),
        "task_seconds_total": float(sum(records[i]["seconds"] for i in range(n))),
        "task_cpu_seconds_total": float(sum(records[i].get("cpu_seconds", np.nan) for i in range(n))),
        "spec_sha256": digest, "store": str(pathlib.Path(store).resolve()) if store is not None else "",
        "buurtsim_version": spec["buurtsim_version"], "git_commit": spec["git_commit"],
        "format_version": spec["format_version"], "data_sha256": spec["data_sha256"] or "",
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


# ---------------------------------------------------------------------------------------------
# sensitivity of an exploration
# ---------------------------------------------------------------------------------------------

def design_of(result):
    """The :class:`buurtsim.Design` an exploration ran (rebuilt from its ``design_*`` attributes and ``design_unit``).

    Raises :class:`buurtsim.UsageError` for an exploration of a DataFrame of points (it has no design).
    """
    _result_arg("design_of", result)
    method = result.attrs.get("design_method")
    if method not in ("morris", "sobol", "lhs") or "design_unit" not in result:
        raise UsageError(f"design_of: the exploration ran a table of points (design_method {method!r}), not a "
                         f"buurtsim.Design; give explore a morris_design or sobol_design to read indices")
    params = [str(p) for p in result["parameter"].values]
    labels = {name: result[name].values for name in _LABELS if name in result.coords}
    if "changed" in labels:
        labels["changed"] = np.array([str(v) for v in labels["changed"]], dtype=object)
    if "block" in labels:
        labels["block"] = np.array([str(v) for v in labels["block"]], dtype=object)
    return Design(method, params, [tuple(b) for b in json.loads(result.attrs["design_bounds"])],
                  json.loads(result.attrs["design_log"]), result["design_unit"].transpose("point", "parameter").values,
                  int(result.attrs["design_seed"]), json.loads(result.attrs["design_info"]), labels)


def _result_arg(func, result):
    if not isinstance(result, xr.Dataset) or "difference" not in result or "parameter" not in result.coords:
        raise UsageError(f"{func}: result must be the xarray.Dataset of buurtsim.explore, got {type(result).__name__}")


def _selection(func, result, dim, chosen):
    have = [str(v) for v in result[dim].values]
    if chosen is None:
        return have
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    for c in chosen:
        if c not in have:
            raise UsageError(f"{func}: {dim} {c!r} is not in the exploration ({', '.join(have)})")
    return chosen


def sensitivity(result, method=None, *, scenario=None, area=None, outputs=None, bootstrap=1000, confidence=0.95,
                seed=0):
    """Sensitivity indices of every output of an exploration: Morris mu, mu*, sigma or Sobol S1, ST.

    Calls :func:`buurtsim.morris_indices` or :func:`buurtsim.sobol_indices`
    on the exploration's design and ``difference`` (the paired difference,
    mean over replicates), for every scenario, area and output.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`buurtsim.explore` of a :func:`buurtsim.morris_design` or :func:`buurtsim.sobol_design`.
    method : "morris" or "sobol", optional
        Default: the design's method (each design has one estimator).
    scenario, area, outputs : str or list of str, optional
        Restrict the table (default: all of the exploration's).
    bootstrap, confidence, seed
        As for the estimators.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario``, ``area``, then those of the estimators
        (``parameter, output, kind, estimate, ci_low, ci_high, runs``).
        ``attrs["left_out"]`` lists (scenario, area, output, reason) of outputs
        without indices: undefined at every point (NaN, e.g. euro saved per
        euro spent without intervention cost), or for Sobol constant over the
        design; ``attrs`` also holds the estimator's attributes.

    Raises
    ------
    buurtsim.UsageError
        A bad argument, a Latin hypercube or table exploration (no indices),
        or a method that is not the design's.
    buurtsim.SensitivityError
        An output is NaN at some design points but not all.
    """
    func = "sensitivity"
    _result_arg(func, result)
    design_method = result.attrs.get("design_method")
    if design_method not in ("morris", "sobol", "lhs"):
        design_of(result)   # raises: a table of points has no design to read indices from
    if method is None:
        method = design_method
    if method not in ("morris", "sobol"):
        raise UsageError(f"{func}: method must be 'morris' or 'sobol', got {method!r}"
                         + (" (a Latin hypercube exploration propagates uncertainty; it gives no indices)"
                            if method == "lhs" else ""))
    if design_method != method:
        raise UsageError(f"{func}: method {method!r} needs a {method} design, but the exploration ran a "
                         f"{design_method} design")
    design = design_of(result)
    estimator = morris_indices if method == "morris" else sobol_indices
    scenarios = _selection(func, result, "scenario", scenario)
    areas = _selection(func, result, "area", area)
    chosen = _selection(func, result, "output", outputs)
    tables, left_out, attrs = [], [], {}
    n = design.info.get("n")
    for s in scenarios:
        for a in areas:
            frame = result["difference"].sel(scenario=s, area=a, output=chosen).transpose("point", "output").to_pandas()
            keep = []
            for o in chosen:
                col = frame[o].to_numpy(dtype=float)
                if np.isnan(col).all():
                    left_out.append((s, a, o, "undefined (NaN) at every design point"))
                elif method == "sobol" and np.isfinite(col).all() and np.ptp(col[:2 * n]) == 0:
                    left_out.append((s, a, o, "does not vary over the design's A and B points"))
                else:
                    keep.append(o)
            if not keep:
                continue
            try:
                table = estimator(design, frame[keep], bootstrap=bootstrap, confidence=confidence, seed=seed)
            except SensitivityError as e:
                raise SensitivityError(f"{func}: scenario {s}, area {a}: {e}") from None
            table.insert(0, "area", a)
            table.insert(0, "scenario", s)
            tables.append(table)
            attrs = dict(table.attrs)
    columns = ["scenario", "area", "parameter", "output", "kind", "estimate", "ci_low", "ci_high", "runs"]
    out = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    out.attrs.update(attrs)
    out.attrs.update(method=method, left_out=left_out, replicates=int(result.attrs.get("replicates", 0)))
    return out


# ---------------------------------------------------------------------------------------------
# writing a result
# ---------------------------------------------------------------------------------------------

def _long_table(result):
    """One row per (point, scenario, area, output): the parameters, the difference and its interval."""
    frame = result[["difference", "difference_ci_low", "difference_ci_high"]].to_dataframe().reset_index()
    params = [str(p) for p in result["parameter"].values]
    first = ["point"] + params + [c for c in _LABELS if c in frame.columns]
    rest = [c for c in frame.columns if c not in first]
    return frame[first + rest]


def write_result(result, path):
    """Write an exploration's Dataset to ``path``: ``.nc`` (NetCDF-4, every variable) or ``.csv`` (the
    differences as a long table); whole or not at all (a temporary file, then os.replace)."""
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".nc", ".csv"):
        raise UsageError(f"write_result: {path} must end in .nc or .csv")
    def write(tmp):
        if suffix == ".nc":
            result.to_netcdf(tmp, engine="h5netcdf", invalid_netcdf=False)
        else:
            _long_table(result).to_csv(tmp, index=False)
    _write_atomically(path, write)
    return path
