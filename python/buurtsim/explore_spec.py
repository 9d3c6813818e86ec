"""The spec file of ``python3 -m buurtsim explore SPEC.toml``: read, checked, and turned into explore's arguments.

A spec (paths are relative to the spec file's directory)::

    scenarios = ["baseline", "buurtondersteuners-targeted"]   # shipped names or paths; the first is the baseline
    baseline = "baseline"          # optional
    replicates = 2                 # per scenario and design point (default 2)
    weeks = 52                     # optional: run.weeks
    weeks_from = 0                 # first week of the comparison's horizon
    scale = 0.05                   # optional: population.scale
    seed = 1                       # optional: run.seed, the same at every design point
    outputs = "default"            # or "all", or a list of rows of buurtsim.compare
    store = "explore-store"        # default: <spec name>-store
    output = "explore.nc"          # .nc (NetCDF, the whole Dataset) or .csv (one row per point, scenario,
                                   # area, output); default: <spec name>.nc
    indices = "indices.csv"        # optional: the sensitivity table with provenance (buurtsim.write_indices; .csv or .json), for report --drivers
    workers = 2                    # optional: size of the LocalCluster (default: one per core)
    scheduler = "tcp://host:8786"  # optional: run on this dask scheduler instead of a LocalCluster
    progress = true

    [set]                          # overrides for every scenario and point
    "population.wijken" = ["WK034403"]

    [design]
    method = "morris"              # morris (trajectories, levels), sobol (n), lhs (n)
    trajectories = 10
    seed = 0

    [parameters]                   # name = [lo, hi], or {range = [lo, hi], log = true}
    "buurtondersteuner.reach_max" = [0.2, 0.8]
    "questions.rate_65_plus" = { range = [0.01, 0.03], log = true }

Every error names the file, the key, the value and the rule.
"""

import difflib
import math
import numbers
import pathlib
import tomllib

from .errors import UsageError
from .params import flatten
from .sensitivity import latin_hypercube, morris_design, sobol_design

__all__ = ["read_spec"]

_KEYS = ("scenarios", "baseline", "replicates", "weeks", "weeks_from", "scale", "seed", "outputs", "store",
         "output", "indices", "workers", "scheduler", "progress", "set", "design", "parameters")
_DESIGN_KEYS = {"morris": ("method", "trajectories", "levels", "seed"), "sobol": ("method", "n", "seed"),
                "lhs": ("method", "n", "seed")}


class _Spec:
    def __init__(self, path):
        self.path = pathlib.Path(path)

    def error(self, key, rule, value=None, *, show=True):
        got = f", got {value!r}" if show else ""
        return UsageError(f"{self.path}: {key}: {rule}{got}")

    def integer(self, table, key, name, minimum, default=None):
        if key not in table:
            return default
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise self.error(name, f"must be an integer >= {minimum}", v)
        return v

    def text(self, table, key, name, default=None):
        if key not in table:
            return default
        v = table[key]
        if not isinstance(v, str) or not v:
            raise self.error(name, "must be a non-empty string", v)
        return v

    def file(self, value, name, suffixes=None):
        p = pathlib.Path(value)
        if suffixes and p.suffix.lower() not in suffixes:
            raise self.error(name, f"must end in {' or '.join(suffixes)}", value)
        return p if p.is_absolute() else self.path.parent / p


def _unknown(spec, table, allowed, where):
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise spec.error(f"{where}{key}", f"unknown key{hint} (keys: {', '.join(allowed)})", show=False)


def _parameters(spec, table, prefix=""):
    """{name: (lo, hi)} and the log-scaled names; nested tables are dotted names (a.b = [..] is "a.b")."""
    bounds, log = {}, []
    for key, value in table.items():
        name = prefix + key
        where = f'parameters."{name}"'
        if isinstance(value, dict) and "range" not in value:
            if not value:
                raise spec.error(where, "must be [lo, hi] or {range = [lo, hi], log = true}", value)
            b, lg = _parameters(spec, value, name + ".")
            bounds.update(b)
            log += lg
            continue
        if isinstance(value, dict):
            _unknown(spec, value, ("range", "log"), where + ".")
            flag = value.get("log", False)
            if not isinstance(flag, bool):
                raise spec.error(where + ".log", "must be true or false", flag)
            pair = value["range"]
        else:
            flag, pair = False, value
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair)):
            raise spec.error(where, "must be [lo, hi] (two numbers) or {range = [lo, hi], log = true}", pair)
        lo, hi = float(pair[0]), float(pair[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise spec.error(where, "must have finite lo < hi", pair)
        if flag and lo <= 0:
            raise spec.error(where, "must have lo > 0 to be log-scaled", pair)
        bounds[name] = (lo, hi)
        if flag:
            log.append(name)
    return bounds, log


def _design(spec, table, bounds, log):
    if not isinstance(table, dict):
        raise spec.error("design", "must be a table with method = morris, sobol or lhs", table)
    method = table.get("method")
    if method not in _DESIGN_KEYS:
        raise spec.error("design.method", "must be one of morris, sobol, lhs", method, show="method" in table)
    _unknown(spec, table, _DESIGN_KEYS[method], "design.")
    seed = spec.integer(table, "seed", "design.seed", 0, 0)
    if method == "morris":
        trajectories = spec.integer(table, "trajectories", "design.trajectories", 2, 10)
        levels = spec.integer(table, "levels", "design.levels", 2, 4)
        if levels % 2:
            raise spec.error("design.levels", "must be even", levels)
        return morris_design(bounds, trajectories, levels, log=log, seed=seed)
    if "n" not in table:
        raise spec.error("design.n", f"is required for method {method} (the base sample size)", show=False)
    n = spec.integer(table, "n", "design.n", 2)
    if method == "sobol":
        if n & (n - 1):
            raise spec.error("design.n", "must be a power of 2 for method sobol", n)
        return sobol_design(bounds, n, log=log, seed=seed)
    return latin_hypercube(bounds, n, log=log, seed=seed)


def read_spec(path):
    """Read and check an exploration spec; returns a dict: ``explore`` (the keyword arguments of
    :func:`buurtsim.explore`), ``scheduler``, ``output`` and ``indices`` (paths or None).

    Raises :class:`buurtsim.UsageError` naming the file, key, value and rule.
    """
    spec = _Spec(path)
    try:
        text = spec.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{spec.path}: cannot read the spec: {e}") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{spec.path}: not valid TOML: {e}") from None
    _unknown(spec, table, _KEYS, "")

    scenarios = table.get("scenarios")
    if not isinstance(scenarios, list) or len(scenarios) < 2:
        raise spec.error("scenarios", "must be a list of at least two scenario names or paths (the first is the "
                         "baseline unless baseline is given)", scenarios, show="scenarios" in table)
    resolved = []
    for i, s in enumerate(scenarios):
        if not isinstance(s, str) or not s:
            raise spec.error(f"scenarios[{i}]", "must be a scenario name or path", s)
        if s.endswith(".toml") or "/" in s:
            p = spec.file(s, f"scenarios[{i}]")
            if not p.is_file():
                raise spec.error(f"scenarios[{i}]", f"no such file ({p}; paths are relative to the spec's "
                                 f"directory)", s)
            resolved.append(p)
        else:
            resolved.append(s)   # a shipped scenario's name (buurtsim.scenarios())

    params = table.get("parameters")
    if not isinstance(params, dict) or not params:
        raise spec.error("parameters", "must be a table of name = [lo, hi]", params, show="parameters" in table)
    bounds, log = _parameters(spec, params)
    if "design" not in table:
        raise spec.error("design", "is required: a table with method = morris, sobol or lhs", show=False)
    try:
        design = _design(spec, table["design"], bounds, log)
    except UsageError as e:
        if str(e).startswith(str(spec.path)):
            raise
        raise spec.error("design", str(e), show=False) from None

    overrides = table.get("set", {})
    if not isinstance(overrides, dict):
        raise spec.error("set", "must be a table of parameter overrides", overrides)
    overrides = dict(overrides)
    if "scale" in table:
        scale = table["scale"]
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 < scale <= 1:
            raise spec.error("scale", "must be a number in (0, 1] (population.scale)", scale)
        if "population.scale" in dict(flatten(overrides)):
            raise spec.error("scale", "is also given in [set] as population.scale; give it in one place", scale)
        overrides["population.scale"] = float(scale)

    outputs = table.get("outputs", "default")
    if outputs == "default":
        outputs = None
    elif not (outputs == "all" or (isinstance(outputs, list) and all(isinstance(o, str) for o in outputs))):
        raise spec.error("outputs", 'must be "default", "all" or a list of rows of buurtsim.compare', outputs)
    progress = table.get("progress", True)
    if not isinstance(progress, bool):
        raise spec.error("progress", "must be true or false", progress)
    baseline = spec.text(table, "baseline", "baseline")
    stem = spec.path.stem
    store = spec.file(spec.text(table, "store", "store", f"{stem}-store"), "store")
    output = spec.file(spec.text(table, "output", "output", f"{stem}.nc"), "output", (".nc", ".csv"))
    indices = table.get("indices")
    if indices is not None:
        indices = spec.file(spec.text(table, "indices", "indices"), "indices", (".csv", ".json"))
        if design.method == "lhs":
            raise spec.error("indices", "needs design.method morris or sobol (a Latin hypercube gives no indices)",
                             str(table["indices"]))
    scheduler = spec.text(table, "scheduler", "scheduler")
    workers = spec.integer(table, "workers", "workers", 1)
    if scheduler is not None and workers is not None:
        raise spec.error("workers", "sizes the LocalCluster; with scheduler the cluster's workers are used", workers)
    return {
        "explore": dict(scenarios=resolved, design=design, baseline=baseline,
                        replicates=spec.integer(table, "replicates", "replicates", 1, 2),
                        weeks=spec.integer(table, "weeks", "weeks", 1),
                        seed=spec.integer(table, "seed", "seed", 0),
                        weeks_from=spec.integer(table, "weeks_from", "weeks_from", 0, 0),
                        set=overrides or None, outputs=outputs, store=store, workers=workers, progress=progress),
        "scheduler": scheduler, "output": output, "indices": indices,
    }
