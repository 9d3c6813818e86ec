"""Running scenarios from Python: :func:`run`, :class:`Scenario`, :class:`Simulation`.

The simulation itself is the C++ engine (``buurtsim._core``); this module
turns scenario files, TOML text or dicts into resolved scenarios and the
engine's results into an :class:`xarray.Dataset` laid out exactly like a
result file of ``buurtsim run`` (docs/FORMAT.md).
"""

import math
import numbers
import os
import pathlib

import numpy as np
import xarray as xr

from . import _core
from .errors import ParamError, UnknownKeyError, UsageError

__all__ = ["run", "Scenario", "Simulation", "scenarios", "parameters", "data_dir", "cbs_table"]

# The policy scenarios first, then the small examples to copy; a name is looked up in that order.
SCENARIO_DIRS = (pathlib.Path(_core.source_dir) / "experiments" / "scenarios",
                 pathlib.Path(_core.source_dir) / "experiments" / "examples")

class ParamTypeError(ParamError, TypeError):
    """A parameter given a Python value of the wrong type (the message is the command line's)."""


# ---------------------------------------------------------------- parameters

def parameters():
    """The parameter table (docs/PARAMETERS.md) as a :class:`pandas.DataFrame` indexed by name.

    Columns: type, default (TOML), unit, min, max, meaning, source.

    >>> import buurtsim
    >>> buurtsim.parameters().loc["population.scale", "default"]
    '1.0'
    """
    import pandas as pd

    return pd.DataFrame(_core.param_table()).set_index("name")


_PARAMS = {row["name"]: row for row in _core.param_table()}


def _toml_value(key, value):
    """A Python value as a TOML value literal; TypeError for types TOML cannot hold."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(value, str):
        out = ['"']
        for ch in value:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ord(ch) < 0x20 or ch == "\x7f":
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
        return "".join(out) + '"'
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(key, v) for v in value) + "]"
    raise TypeError(f"parameter {key}: a value must be a bool, int, float, str or a list of them, "
                    f"got {type(value).__name__} {value!r}")


def _type_fits(kind, value):
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if kind == "integer":
        return is_int
    if kind == "real":
        return is_int or (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)))
    if kind == "boolean":
        return isinstance(value, (bool, np.bool_))
    if kind == "text":
        return isinstance(value, str)
    if kind in ("text_list", "integer_list"):
        if not isinstance(value, (list, tuple, np.ndarray)):
            return False
        return all(_type_fits("text" if kind == "text_list" else "integer", v) for v in value)
    return True


def _flatten(d, prefix=""):
    """{"population": {"scale": 0.1}} and {"population.scale": 0.1} both -> [("population.scale", 0.1)]."""
    out = []
    for key, value in d.items():
        if not isinstance(key, str):
            raise TypeError(f"parameter names must be str, got {type(key).__name__} {key!r}")
        full = prefix + key
        if isinstance(value, dict):
            out.extend(_flatten(value, full + "."))
        else:
            out.append((full, value))
    return out


def _override_strings(pairs):
    """("key", value) pairs -> "key=value" strings as for `buurtsim run --set`.

    Raises UnknownKeyError for an unknown key and ParamTypeError for a value of the wrong
    Python type, each with the message of the command line.
    """
    out = []
    for key, value in pairs:
        text = f"{key}={_toml_value(key, value)}"
        row = _PARAMS.get(key)
        if row is None or not _type_fits(row["type"], value):
            try:
                _core.Scenario.parse("", "<overrides>", [text])
            except ParamError as e:
                raise (UnknownKeyError if row is None else ParamTypeError)(str(e)) from None
        out.append(text)
    return out


def _keyword_overrides(kwargs):
    """Keyword arguments population__scale=0.1 -> ("population.scale", 0.1)."""
    return [(key.replace("__", "."), value) for key, value in kwargs.items()]


# ---------------------------------------------------------------- scenarios

def scenarios():
    """The shipped scenario files (experiments/scenarios and experiments/examples), as {name: path}.

    Any of these names can be given to :func:`run`, e.g. ``buurtsim.run("quick")``.

    >>> import buurtsim
    >>> "baseline" in buurtsim.scenarios()
    True
    """
    found = {}
    for d in reversed(SCENARIO_DIRS):   # the first directory wins a name clash
        found.update({p.stem: p for p in sorted(d.glob("*.toml"))} if d.is_dir() else {})
    return dict(sorted(found.items()))


def _looks_like_toml(text):
    return "\n" in text or "=" in text


def _base_dir(text):
    """Where `extends` of TOML text is resolved: the current directory, or the shipped scenarios
    if the file named is only there (so ``extends = "baseline.toml"`` works anywhere)."""
    import tomllib

    cwd = os.getcwd()
    try:
        extends = tomllib.loads(text).get("extends")
    except tomllib.TOMLDecodeError:
        return cwd  # the engine reports the syntax error with its line
    if isinstance(extends, str) and not os.path.exists(os.path.join(cwd, extends)):
        for d in SCENARIO_DIRS:
            if (d / extends).exists():
                return str(d)
    return cwd


class Scenario:
    """A scenario to run: a file, TOML text, a dict of parameters, or a shipped scenario's name.

    Parameters
    ----------
    source : str, os.PathLike, dict or Scenario
        A path to a scenario file; the name of a shipped scenario (``"quick"``,
        ``"baseline"``, see :func:`scenarios`); TOML text (anything containing
        a newline or ``=``; ``extends`` is relative to the current directory,
        or names a shipped scenario); or a dict of parameters on top of the defaults,
        dotted (``{"population.scale": 0.1}``) or nested
        (``{"population": {"scale": 0.1}}``).
    set : dict, optional
        Overrides, as ``buurtsim run --set key=value``.
    **overrides
        More overrides with ``__`` for the dot: ``population__scale=0.1``.

    Every value is checked as the command line checks it; errors raise
    :class:`buurtsim.ParamError` (a ``ValueError``) with the command line's
    message, :class:`buurtsim.UnknownKeyError` (also a ``KeyError``) for
    unknown names, and ``TypeError`` for values of the wrong type.

    Examples
    --------
    >>> import buurtsim
    >>> s = buurtsim.Scenario("quick", run__weeks=10)
    >>> s.name, s["run.weeks"], s["population.wijken"]
    ('quick', 10, ['WK034403'])
    >>> buurtsim.Scenario({"name": "mine", "population.scale": 0.05})["population.scale"]
    0.05
    >>> print(buurtsim.Scenario('name = "t"\\n[run]\\nweeks = 4').get("run.weeks"))
    4
    """

    def __init__(self, source, *, set=None, **overrides):
        if isinstance(source, Scenario):
            self._source, self._label = source._source, source._label
            pairs = list(source._pairs)
        else:
            self._source, self._label = self._normalise(source)
            pairs = []
        if set is not None:
            if not isinstance(set, dict):
                raise TypeError(f"set must be a dict of parameter overrides, got {type(set).__name__}")
            pairs += _flatten(set)
        pairs += _keyword_overrides(overrides)
        self._pairs = tuple(pairs)
        self._core = self._resolve([])

    @classmethod
    def _unresolved(cls, source):
        """A Scenario not yet checked: run() resolves it once, with its own overrides (a file that is
        only valid with them, e.g. a longer run.weeks, must not fail first)."""
        if isinstance(source, Scenario):
            return source
        self = cls.__new__(cls)
        self._source, self._label = cls._normalise(source)
        self._pairs = ()
        return self

    @staticmethod
    def _normalise(source):
        """(kind, value) and the label that names the scenario in messages."""
        if isinstance(source, _core.Scenario):
            return ("toml", source.toml), source.name
        if isinstance(source, dict):
            return ("dict", _flatten(source)), "<dict>"
        if isinstance(source, os.PathLike):
            return ("file", os.fspath(source)), os.fspath(source)
        if isinstance(source, str):
            if _looks_like_toml(source):
                return ("toml", source), "<string>"
            shipped = scenarios()
            if not os.path.exists(source) and source in shipped:
                return ("file", str(shipped[source])), str(shipped[source])
            return ("file", source), source
        raise TypeError("a scenario must be a path, a shipped scenario name, TOML text, a dict of parameters "
                        f"or a buurtsim.Scenario, got {type(source).__name__}")

    def _resolve(self, extra):
        """The _core.Scenario with this scenario's overrides, then `extra` ("key=value" strings)."""
        kind, value = self._source
        overrides = _override_strings(self._pairs) + list(extra)
        if kind == "file":
            return _core.Scenario.load(value, overrides)
        if kind == "toml":
            return _core.Scenario.parse(value, self._label, overrides, _base_dir(value))
        return _core.Scenario.parse("", "<dict>", _override_strings(value) + overrides)

    @property
    def name(self):
        """The scenario's name (``name = ...``; the label in comparisons)."""
        return self._core.name

    @property
    def description(self):
        return self._core.description

    @property
    def toml(self):
        """Every parameter as TOML, defaults included (what a result file stores)."""
        return self._core.toml

    @property
    def files(self):
        """Scenario files read, base first."""
        return self._core.files

    @property
    def label(self):
        """How messages name this scenario: the path as given, ``<string>`` or ``<dict>``."""
        return self._label

    def get(self, key):
        """The value of one parameter, e.g. ``get("population.scale")``."""
        try:
            return self._core.get(key)
        except ParamError as e:
            raise UnknownKeyError(str(e)) from None

    __getitem__ = get

    def __repr__(self):
        return f"<buurtsim.Scenario {self.name!r} from {self._label}>"


# ---------------------------------------------------------------- data

def data_dir():
    """The directory holding ``cbs/``: ``$BUURTSIM_DATA_DIR``, else the source tree's ``data/`` (as the CLI)."""
    env = os.environ.get("BUURTSIM_DATA_DIR")
    return pathlib.Path(env) if env else pathlib.Path(_core.source_dir) / "data"


_TABLES = {}


def cbs_table(year, directory=None):
    """The CBS table of an edition year (read once per file version, then cached)."""
    path = pathlib.Path(directory or data_dir()) / "cbs" / f"cbs-kwb-utrecht-{int(year)}.csv"
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is None or key not in _TABLES:
        table = _core.CbsTable.read_csv(path)  # DataError with the CLI's message if missing
        if key is not None:
            _TABLES[key] = table
        return table
    return _TABLES[key]


# ---------------------------------------------------------------- run

def _check_paired(labels, resolved):
    """The checks of `buurtsim run` for several scenarios (the engine's, with its messages)."""
    _core.check_paired([str(label) for label in labels], resolved)


def _positive_int(name, value, minimum):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def run(scenarios, *, replicates=None, seed=None, weeks=None, threads=0, set=None, data_dir=None,
        output=None, **overrides):
    """Run one or more scenarios and return the results as an :class:`xarray.Dataset`.

    The Dataset has the variables, dimensions, coordinates and attributes of
    a result file of ``buurtsim run`` (docs/FORMAT.md): one variable per
    indicator with dims ``(scenario, replicate, week, buurt)``, coordinates
    ``scenario_name``, ``buurt_code``, ``buurt_name``, ``wijk_code``,
    ``wijk_name``, and the variables ``scenario_toml``, ``scenario_files`` and
    ``targeted``. The provenance (``/provenance`` in a file) is in the
    attributes ``provenance_*``.

    Several scenarios run with common random numbers: replicate ``k`` of
    every scenario is keyed by ``(run.seed, k)``, the same synthetic city and
    random streams, so :func:`buurtsim.compare` can pair them. The values are
    bit-identical to ``buurtsim run`` with the same scenario files and
    options, for any number of threads.

    Parameters
    ----------
    scenarios : scenario or list of scenarios
        Each a path, a shipped scenario name (``"quick"``), TOML text, a dict
        of parameters or a :class:`Scenario`.
    replicates, seed, weeks : int, optional
        Override ``run.replicates``, ``run.seed``, ``run.weeks`` in every scenario.
    threads : int
        Worker threads; 0 uses every core. Results do not depend on it.
    set : dict, optional
        Overrides for every scenario, ``{"population.scale": 0.1}`` (as ``--set``).
    data_dir : path, optional
        Directory holding ``cbs/`` (default: :func:`buurtsim.data_dir`).
    output : path, optional
        Also write the result file ``buurtsim run -o`` would write (snapshots included).
    **overrides
        Overrides with ``__`` for the dot: ``population__scale=0.1``.

    Returns
    -------
    xarray.Dataset

    Examples
    --------
    >>> import buurtsim
    >>> ds = buurtsim.run("quick", weeks=8, population__scale=0.05, replicates=2, seed=7)
    >>> ds.questions_new.dims
    ('scenario', 'replicate', 'week', 'buurt')
    >>> city = ds.questions_new.sum("buurt").mean("replicate")   # per scenario and week

    Two scenarios, paired per replicate:

    >>> ds = buurtsim.run(["baseline", "buurtondersteuners-targeted"], replicates=3, weeks=26,
    ...                   set={"population.scale": 0.05, "population.wijken": ["WK034403"]})
    >>> table = buurtsim.compare(ds, baseline="baseline")
    """
    specs = scenarios if isinstance(scenarios, (list, tuple)) else [scenarios]
    if not specs:
        raise UsageError("run needs at least one scenario")
    replicates = _positive_int("replicates", replicates, 1)
    seed = _positive_int("seed", seed, 0)
    weeks = _positive_int("weeks", weeks, 1)
    threads = _positive_int("threads", threads, 0) or 0

    if set is not None and not isinstance(set, dict):
        raise TypeError(f"set must be a dict of parameter overrides, got {type(set).__name__}")
    pairs = _flatten(set) if set is not None else []
    pairs += _keyword_overrides(overrides)
    extra = _override_strings(pairs)  # as --set, then --seed, --replicates (the CLI's order)
    if weeks is not None:
        extra.append(f"run.weeks={weeks}")
    if seed is not None:
        extra.append(f"run.seed={seed}")
    if replicates is not None:
        extra.append(f"run.replicates={replicates}")

    wrapped = [Scenario._unresolved(s) for s in specs]
    resolved = [w._resolve(extra) for w in wrapped]
    labels = [w.label for w in wrapped]
    _check_paired(labels, resolved)

    first = resolved[0]
    table = cbs_table(first.get("population.year"), data_dir)
    ids = list(range(first.get("run.replicates")))
    call = _describe_call(labels, replicates, seed, weeks, threads, pairs)
    batch = _core.run_batch(resolved, table, ids, threads, call)
    if output is not None:
        batch.write(os.fspath(output))
    return dataset_from_batch(batch)


def _describe_call(labels, replicates, seed, weeks, threads, pairs):
    args = [repr(labels if len(labels) > 1 else labels[0])]
    for name, value in (("replicates", replicates), ("seed", seed), ("weeks", weeks)):
        if value is not None:
            args.append(f"{name}={value}")
    if threads:
        args.append(f"threads={threads}")
    if pairs:
        args.append("set=" + repr(dict(pairs)))
    return "python: buurtsim.run(" + ", ".join(args) + ")"


# ---------------------------------------------------------------- results -> xarray

# Attributes of the coordinates and scenario variables, as the file writer
# (model/src/io_hdf5.cpp) stores them; tests/python/test_python_api.py checks
# they agree with a CLI result file.
COORD_ATTRS = {
    "scenario": {"long_name": "scenario index; names in scenario_name"},
    "replicate": {"long_name": "replicate index k: random streams keyed by (seed, k), shared by every scenario"},
    "week": {"units": "week", "long_name": "weeks since the start of the simulation"},
    "buurt": {"long_name": "buurt index in the order of buurt_code"},
    "buurt_code": {"long_name": "CBS buurt code"},
    "buurt_name": {"long_name": "CBS buurt name"},
    "wijk_code": {"long_name": "CBS code of the wijk containing the buurt"},
    "wijk_name": {"long_name": "CBS name of the wijk containing the buurt"},
    "scenario_name": {"long_name": "scenario name (unique in the file)"},
    "scenario_toml": {"long_name": "the fully resolved scenario as TOML"},
    "scenario_files": {"long_name": "scenario files read, base first, one path per line"},
    "targeted": {"long_name": "1 if an intervention of the scenario targets the buurt, else 0",
                 "flag_values": np.array([0, 1], dtype=np.int8), "flag_meanings": "not_targeted targeted"},
}


def _strings(values):
    return np.array(list(values), dtype=object)


def dataset_from_batch(batch):
    """The :class:`xarray.Dataset` of a ``_core.Batch``: the layout of a ``buurtsim run`` file.

    The engine's arrays are views of its memory; here they are gathered into
    one ``(scenario, replicate, week, buurt)`` array per indicator (int32 for
    counts, float64 otherwise, as in files).
    """
    names = batch.scenario_names
    ids = batch.replicate_ids
    views = [[batch.indicators(s, j) for j in range(len(ids))] for s in range(len(names))]
    geo = batch.geography
    n_buurt = len(geo["buurt_code"])
    n_week = next(iter(views[0][0].values())).shape[0]

    coords = {
        "scenario": ("scenario", np.arange(len(names), dtype=np.int32)),
        "replicate": ("replicate", np.asarray(ids, dtype=np.int32)),
        "week": ("week", np.arange(n_week, dtype=np.int32)),
        "buurt": ("buurt", np.arange(n_buurt, dtype=np.int32)),
        "buurt_code": ("buurt", _strings(geo["buurt_code"])),
        "buurt_name": ("buurt", _strings(geo["buurt_name"])),
        "wijk_code": ("buurt", _strings(geo["wijk_code"])),
        "wijk_name": ("buurt", _strings(geo["wijk_name"])),
        "scenario_name": ("scenario", _strings(names)),
    }
    coords = {k: xr.Variable(dims, values, attrs=dict(COORD_ATTRS[k])) for k, (dims, values) in coords.items()}

    targeted = np.zeros((len(names), n_buurt), dtype=np.int8)
    for s in range(len(names)):
        t = batch.targeted(s)
        if t.size:
            targeted[s] = t
    data = {
        "scenario_toml": xr.Variable("scenario", _strings(batch.scenario_toml(s) for s in range(len(names))),
                                     attrs=dict(COORD_ATTRS["scenario_toml"])),
        "scenario_files": xr.Variable("scenario",
                                      _strings("\n".join(batch.scenario_files(s)) for s in range(len(names))),
                                      attrs=dict(COORD_ATTRS["scenario_files"])),
        "targeted": xr.Variable(("scenario", "buurt"), targeted, attrs=dict(COORD_ATTRS["targeted"])),
    }
    dims = ("scenario", "replicate", "week", "buurt")
    for spec in _core.indicator_specs():
        name = spec["name"]
        out = np.empty((len(names), len(ids), n_week, n_buurt), dtype=np.int32 if spec["integer"] else np.float64)
        for s in range(len(names)):
            for j in range(len(ids)):
                out[s, j] = views[s][j][name]
        data[name] = xr.Variable(dims, out, attrs={"units": spec["unit"], "long_name": spec["meaning"]})

    prov = batch.provenance
    attrs = {
        "title": "buurtsim results",
        "format_version": _core.format_version,
        "buurtsim_version": prov["version"],
        "git_commit": prov["git_commit"],
        "seed": np.uint64(prov["seed"]),
    }
    attrs.update({f"provenance_{k}": v for k, v in prov.items()})
    ds = xr.Dataset(coords=coords, attrs=attrs)  # coordinates first: dims in file order
    for name, var in data.items():
        ds[name] = var
    return ds


# ---------------------------------------------------------------- step by step

class Simulation:
    """One replicate of one scenario, step by step (for looking inside the model).

    Parameters are those of :class:`Scenario`, plus ``replicate`` (the
    replicate index ``k``: the same city and random streams as replicate
    ``k`` of :func:`run`), ``seed`` and ``weeks`` (as in :func:`run`) and
    ``data_dir``.

    Examples
    --------
    >>> import buurtsim
    >>> sim = buurtsim.Simulation("quick", weeks=4, population__scale=0.05)
    >>> sim.step(); sim.week
    1
    >>> sim.run(); sim.week
    4
    >>> ds = sim.indicators()        # xarray.Dataset (week, buurt) of the weeks done
    """

    def __init__(self, scenario, replicate=0, *, seed=None, weeks=None, data_dir=None, set=None, **overrides):
        if isinstance(replicate, bool) or not isinstance(replicate, numbers.Integral):
            raise TypeError(f"replicate must be an int, got {type(replicate).__name__} {replicate!r}")
        if replicate < 0:
            raise ValueError(f"replicate must be an index >= 0, got {replicate}")
        seed = _positive_int("seed", seed, 0)
        weeks = _positive_int("weeks", weeks, 1)
        if weeks is not None:
            overrides["run__weeks"] = weeks
        if seed is not None:
            overrides["run__seed"] = seed
        self.scenario = Scenario(scenario, set=set, **overrides)
        table = cbs_table(self.scenario["population.year"], data_dir)
        self.core = _core.Simulation(self.scenario._core, table, int(replicate))
        self.replicate = int(replicate)

    def step(self, weeks=1):
        """Simulate ``weeks`` more recorded weeks (the first call runs the burn-in weeks first)."""
        weeks = _positive_int("weeks", weeks, 1)
        target = self.core.week + weeks
        if target > self.core.weeks:
            raise UsageError(f"cannot step {weeks} week(s) from week {self.core.week}: the horizon is "
                             f"run.weeks = {self.core.weeks}")
        while self.core.week < target:
            self.core.step()

    def run(self):
        """Simulate to the horizon (``run.weeks``); Ctrl-C stops between weeks."""
        self.core.run()

    @property
    def week(self):
        """Recorded weeks done."""
        return self.core.week

    @property
    def residents(self):
        return self.core.residents

    def indicators(self):
        """The indicators of the weeks done, as an :class:`xarray.Dataset` (week, buurt) viewing the engine's memory."""
        geo = self.core.geography
        done = self.core.week
        views = self.core.indicators()
        data = {}
        for spec in _core.indicator_specs():
            data[spec["name"]] = xr.Variable(("week", "buurt"), views[spec["name"]][:done],
                                             attrs={"units": spec["unit"], "long_name": spec["meaning"]})
        coords = {"week": np.arange(done, dtype=np.int32), "buurt": np.arange(len(geo["buurt_code"]), dtype=np.int32)}
        for key in ("buurt_code", "buurt_name", "wijk_code", "wijk_name"):
            coords[key] = ("buurt", _strings(geo[key]))
        return xr.Dataset(data, coords=coords, attrs={"scenario_name": self.scenario.name,
                                                       "replicate": self.replicate})

    def snapshots(self):
        """Snapshots taken so far (``output.snapshot_weeks``), as a list of dicts of read-only numpy arrays."""
        return self.core.snapshots()

    def __repr__(self):
        return f"<buurtsim.Simulation {self.scenario.name!r} replicate {self.replicate}, week {self.week}>"
