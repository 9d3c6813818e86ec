"""explore's arguments, checked, and the spec built from them: everything an exploration's results depend on.

The spec is a JSON-able dict (the resolved scenarios, baseline, replicates, weeks, seed, outputs, the
design's parameters and points, the build and the data's sha256); its sha256 names the exploration's store
(explore_store.py). Every check here runs in the client before any cluster starts.
"""

import difflib
import hashlib
import math
import numbers
import pathlib

import numpy as np
import pandas as pd

from . import _core
from .compare import SAVINGS_LABEL, SAVINGS_ROWS, SAVINGS_UNIT
from .data import data_dir
from .errors import ParamError, UnknownKeyError, UsageError
from .explore_store import STORE_FORMAT
from .params import _PARAMS, flatten, override_strings, positive_int
from .scenario import Scenario
from .sensitivity import Design

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


