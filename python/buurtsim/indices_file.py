"""Sensitivity indices as a file with provenance: :func:`write_indices` and :func:`read_indices`.

The table of :func:`buurtsim.sensitivity` (Morris mu, mu*, sigma or Sobol S1,
ST per scenario, area, parameter and output) is written with what it was
computed from, so that ``python3 -m buurtsim report RESULT --drivers FILE``
can say where its "What drives the answer" comes from and refuse a file that
is not one. The format (docs/FORMAT.md, "Sensitivity indices file"):

- **CSV** (``.csv``): the first line ``# buurtsim-indices 1``, then one line
  ``# key: value`` per provenance key (the value as JSON), then the table with
  a header row, columns :data:`COLUMNS`;
- **JSON** (``.json``): ``{"format": "buurtsim-indices 1", "provenance": {...},
  "indices": [{"scenario": ..., ...}, ...]}`` (NaN as ``null``).

Provenance keys: :data:`REQUIRED` (``method``, ``baseline``, ``scenarios``,
``scale``, ``replicates``, ``design_points``, ``model_runs``, ``created``,
``buurtsim_version``) and optionally ``git_commit``, ``weeks``, ``weeks_from``,
``seed``, ``bootstrap``, ``confidence``, ``bounds`` (``{parameter: [lo, hi]}``, the
design's ranges), ``source``, ``note``.

>>> res = buurtsim.explore(["baseline", "buurtondersteuners-targeted"], design, ...)   # doctest: +SKIP
>>> buurtsim.write_indices(buurtsim.sensitivity(res), "indices.csv", res)              # doctest: +SKIP
"""

import datetime
import difflib
import io
import json
import math
import numbers
import pathlib

import numpy as np
import pandas as pd

from . import _core
from .errors import DataError, IoError, UsageError
from .output_files import write_text

__all__ = ["write_indices", "read_indices", "check_indices", "FORMAT", "COLUMNS", "REQUIRED", "KINDS"]

#: The first line of a CSV file, the ``format`` of a JSON file; another is refused.
FORMAT = "buurtsim-indices 1"
#: The table's columns, in order (those of :func:`buurtsim.sensitivity`).
COLUMNS = ["scenario", "area", "parameter", "output", "kind", "estimate", "ci_low", "ci_high", "runs"]
#: Provenance keys every file has.
REQUIRED = ["method", "baseline", "scenarios", "scale", "replicates", "design_points", "model_runs", "created",
            "buurtsim_version"]
_OPTIONAL = ["git_commit", "weeks", "weeks_from", "seed", "bootstrap", "confidence", "bounds", "source", "note"]
#: The index kinds of each method.
KINDS = {"morris": ("mu", "mu_star", "sigma"), "sobol": ("S1", "ST")}
_AREAS = ("city", "targeted")


def _parameter_names():
    return [r["name"] for r in _core.param_table()]


# ---------------------------------------------------------------- writing

def _scale_of(exploration):
    """population.scale of an exploration: its --set override (attrs["set"], "key=value" strings), else None."""
    try:
        extra = json.loads(exploration.attrs.get("set", "[]"))
    except (TypeError, ValueError):
        return None
    for item in extra if isinstance(extra, list) else []:
        key, _, value = str(item).partition("=")
        if key.strip() == "population.scale":
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _method_of(indices):
    kinds = set(indices["kind"]) if "kind" in indices else set()
    return next((m for m, k in KINDS.items() if kinds and kinds <= set(k)), None)


def _runs_of(indices):
    runs = set(pd.to_numeric(indices["runs"], errors="coerce").dropna().astype(int)) if "runs" in indices else set()
    return runs.pop() if len(runs) == 1 else None


def write_indices(indices, path, exploration=None, *, baseline=None, scenarios=None, scale=None, replicates=None,
                  design_points=None, note=None):
    """Write sensitivity indices with their provenance to ``path`` (``.csv`` or ``.json``); return the path.

    Parameters
    ----------
    indices : pandas.DataFrame
        From :func:`buurtsim.sensitivity` (columns :data:`COLUMNS`).
    path : path
        ``.csv`` or ``.json``; written whole or not at all.
    exploration : xarray.Dataset, optional
        The :func:`buurtsim.explore` result the indices were computed from: it
        gives the baseline, scenarios, ``population.scale`` (from its ``set``),
        replicates, weeks, seed, design points, design bounds and build.
        Without it, give ``baseline``, ``scenarios``, ``scale`` and
        ``replicates`` (``design_points`` defaults to the table's ``runs``).
    baseline, scenarios, scale, replicates, design_points : optional
        Override or supply those provenance keys.
    note : str, optional
        Free text kept in the provenance.

    Raises
    ------
    buurtsim.UsageError
        Provenance that cannot be known (no exploration and no ``baseline`` /
        ``scenarios`` / ``scale``), a suffix other than .csv/.json, or a table
        that :func:`read_indices` would refuse (the same rules, checked first).
    """
    path = pathlib.Path(path)
    if path.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"write_indices: {path} must end in .csv or .json")
    if not isinstance(indices, pd.DataFrame):
        raise UsageError(f"write_indices: indices must be the DataFrame of buurtsim.sensitivity, "
                         f"got {type(indices).__name__}")
    a = dict(exploration.attrs) if exploration is not None else {}
    meta = dict(indices.attrs)
    prov = {
        "method": meta.get("method") or a.get("design_method") or _method_of(indices),
        "baseline": baseline if baseline is not None else a.get("baseline"),
        "scenarios": list(scenarios) if scenarios is not None else (json.loads(a["scenarios"]) if "scenarios" in a
                                                                     else None),
        "scale": scale if scale is not None else (_scale_of(exploration) if exploration is not None else None),
        "replicates": replicates if replicates is not None else (
            int(a.get("replicates", meta.get("replicates", 0)) or 0) or None),
        "design_points": design_points if design_points is not None else (
            int(a["tasks"]) if "tasks" in a else meta.get("runs") or _runs_of(indices)),
        "model_runs": int(a["runs"]) if "runs" in a else None,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "buurtsim_version": a.get("buurtsim_version", _core.version),
        "git_commit": a.get("git_commit", _core.git_commit),
    }
    if exploration is not None:
        prov.update(weeks=int(a["weeks"]), weeks_from=int(a["weeks_from"]), seed=int(a["seed"]),
                    source=str(a.get("store") or "buurtsim.explore (temporary store)"))
        if a.get("design_bounds"):
            names = [str(p) for p in exploration["parameter"].values]
            prov["bounds"] = {n: [float(lo), float(hi)] for n, (lo, hi) in zip(names, json.loads(a["design_bounds"]))}
    if prov["model_runs"] is None and prov["design_points"] and prov["scenarios"] and prov["replicates"]:
        prov["model_runs"] = int(prov["design_points"]) * len(prov["scenarios"]) * int(prov["replicates"])
    for key in ("bootstrap", "confidence"):
        if key in meta:
            prov[key] = meta[key]
    if note is not None:
        prov["note"] = str(note)
    missing = [k for k in REQUIRED if prov.get(k) is None]
    if "model_runs" in missing and {"design_points", "scenarios", "replicates"} & set(missing):
        missing.remove("model_runs")   # follows from them
    if missing:
        raise UsageError(f"write_indices: the provenance lacks {', '.join(missing)}: pass the exploration the "
                         f"indices come from (write_indices(table, path, result)), or "
                         + ", ".join(f"{k}=" for k in missing))
    if isinstance(prov["scale"], numbers.Real):
        prov["scale"] = float(prov["scale"])
    table = indices.reset_index(drop=True)
    missing_cols = [c for c in COLUMNS if c not in table.columns]
    if missing_cols:
        raise UsageError(f"write_indices: the table lacks the columns {', '.join(missing_cols)} "
                         f"(expected those of buurtsim.sensitivity: {', '.join(COLUMNS)})")
    table = table[COLUMNS]
    check_indices(table, prov, where="write_indices")
    if path.suffix.lower() == ".csv":
        head = [f"# {FORMAT}"] + [f"# {k}: {json.dumps(v)}" for k, v in prov.items()]
        text = "\n".join(head) + "\n" + table.to_csv(index=False, lineterminator="\n")
    else:
        rows = [{c: (None if isinstance(v, float) and math.isnan(v) else v) for c, v in row.items()}
                for row in json.loads(table.to_json(orient="records", double_precision=15))]
        text = json.dumps({"format": FORMAT, "provenance": prov, "indices": rows}, indent=1) + "\n"
    return write_text(path, text)


# ---------------------------------------------------------------- reading and checking

def _read_csv(path, text):
    lines = text.splitlines()
    if not lines or lines[0].strip() != f"# {FORMAT}":
        first = lines[0][:60] if lines else "(empty file)"
        raise IoError(f"{path}: not a buurtsim indices file: line 1 must be '# {FORMAT}', got {first!r} (write "
                      f"the table of buurtsim.sensitivity with buurtsim.write_indices(table, path, exploration))")
    prov, n = {}, 1
    while n < len(lines) and lines[n].startswith("#"):
        key, sep, value = lines[n][1:].partition(":")
        if not sep:
            raise DataError(f"{path}:{n + 1}: a provenance line must read '# key: value', got {lines[n]!r}")
        try:
            prov[key.strip()] = json.loads(value)
        except ValueError:
            raise DataError(f"{path}:{n + 1}: provenance {key.strip()}: the value must be JSON, "
                            f"got {value.strip()!r}") from None
        n += 1
    try:
        table = pd.read_csv(io.StringIO("\n".join(lines[n:])), dtype={c: str for c in COLUMNS[:5]},
                            keep_default_na=False, na_values={c: ["", "NaN", "nan"] for c in COLUMNS[5:]})
    except (ValueError, pd.errors.ParserError) as e:
        raise DataError(f"{path}:{n + 1}: the table cannot be read as CSV: {e}") from None
    return prov, table, lambda i: f"{path}:{n + 2 + i}"


def _read_json(path, text):
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise IoError(f"{path}: not a buurtsim indices file: not JSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        got = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise IoError(f"{path}: not a buurtsim indices file: format must be {FORMAT!r}, got {got!r}")
    for key, kind in (("provenance", dict), ("indices", list)):
        if not isinstance(doc.get(key), kind):
            raise DataError(f"{path}: {key} must be a JSON {'object' if kind is dict else 'array'}")
    rows = doc["indices"]
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise DataError(f"{path}: indices[{i}] must be an object with the keys {', '.join(COLUMNS)}")
    keys = {k for r in rows for k in r} if rows else set(COLUMNS)
    table = pd.DataFrame(rows, columns=sorted(keys, key=lambda k: (k not in COLUMNS, k)))
    return doc["provenance"], table, lambda i: f"{path}: indices[{i}]"


def read_indices(path):
    """Read a file of :func:`write_indices`; a DataFrame with ``attrs["provenance"]`` (a dict) and ``attrs["path"]``.

    Raises
    ------
    buurtsim.IoError
        The file cannot be read or is not a buurtsim indices file (another format).
    buurtsim.DataError
        A broken rule; the message names the file, the line (CSV) or row (JSON), the column and the rule.
    """
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise IoError(f"cannot read indices file '{path}': {getattr(e, 'strerror', None) or e}") from None
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and text.lstrip().startswith("{")):
        prov, table, where = _read_json(path, text)
    else:
        prov, table, where = _read_csv(path, text)
    table = check_indices(table, prov, where=str(path), row_name=where)
    table.attrs.update(provenance=prov, path=str(path.resolve()), method=prov["method"])
    return table


def _rule(where, row_name, i, column, message):
    at = row_name(i) if row_name is not None and i is not None else where
    return DataError(f"{at}: column {column}: {message}")


def _check_provenance(prov, where):
    missing = [k for k in REQUIRED if k not in prov]
    if missing:
        raise DataError(f"{where}: provenance lacks {', '.join(missing)} (every indices file has "
                        f"{', '.join(REQUIRED)}; buurtsim.write_indices writes them)")
    unknown = [k for k in prov if k not in REQUIRED + _OPTIONAL]
    if unknown:
        k = unknown[0]
        close = difflib.get_close_matches(k, REQUIRED + _OPTIONAL, n=1)
        raise DataError(f"{where}: unknown provenance key {k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    if prov["method"] not in KINDS:
        raise DataError(f"{where}: provenance method must be 'morris' or 'sobol', got {prov['method']!r}")
    if not isinstance(prov["baseline"], str) or not prov["baseline"]:
        raise DataError(f"{where}: provenance baseline must be a scenario name, got {prov['baseline']!r}")
    sc = prov["scenarios"]
    if not isinstance(sc, list) or len(sc) < 2 or not all(isinstance(s, str) and s for s in sc) \
            or prov["baseline"] not in sc:
        raise DataError(f"{where}: provenance scenarios must list two or more scenario names, the baseline "
                        f"{prov['baseline']!r} among them, got {sc!r}")
    scale = prov["scale"]
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 < scale <= 1:
        raise DataError(f"{where}: provenance scale must be the population.scale, a number in (0, 1], got {scale!r}")
    for key in ("replicates", "design_points", "model_runs"):
        v = prov[key]
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
            raise DataError(f"{where}: provenance {key} must be a whole number >= 1, got {v!r}")
    bounds = prov.get("bounds", {})
    if not isinstance(bounds, dict) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, numbers.Real) and not isinstance(x, bool)
                                                        for x in v) and v[0] <= v[1] for v in bounds.values()):
        raise DataError(f"{where}: provenance bounds must map parameter names to [lo, hi] with lo <= hi, got "
                        f"{str(bounds)[:80]!r}")
    try:
        datetime.datetime.fromisoformat(str(prov["created"]).replace("Z", "+00:00"))
    except ValueError:
        raise DataError(f"{where}: provenance created must be an ISO 8601 time, got {prov['created']!r}") from None


def check_indices(table, prov, *, where="indices", row_name=None):
    """Check a table of indices and its provenance against the rules of the format; the table with numeric columns.

    Raises :class:`buurtsim.DataError` naming ``where`` (and the row, through ``row_name(i)``), the column
    and the rule.
    """
    _check_provenance(prov, where)
    extra = [c for c in table.columns if c not in COLUMNS]
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing or extra:
        raise DataError(f"{where}: the columns must be {', '.join(COLUMNS)}"
                        + (f"; missing {', '.join(map(str, missing))}" if missing else "")
                        + (f"; unknown {', '.join(map(str, extra))}" if extra else ""))
    if table.empty:
        raise DataError(f"{where}: the table holds no indices")
    table = table[COLUMNS].reset_index(drop=True).copy()
    method, baseline = prov["method"], prov["baseline"]
    others = [s for s in prov["scenarios"] if s != baseline]
    params = set(_parameter_names())
    for i, row in enumerate(table.itertuples(index=False)):
        for col in COLUMNS[:5]:
            v = getattr(row, col)
            if not isinstance(v, str) or not v:
                raise _rule(where, row_name, i, col, f"must be a non-empty text, got {v!r}")
        if row.scenario not in others:
            raise _rule(where, row_name, i, "scenario", f"{row.scenario!r} is not one of the scenarios compared with "
                        f"the baseline in the provenance ({', '.join(others)})")
        if row.area not in _AREAS:
            raise _rule(where, row_name, i, "area", f"must be 'city' or 'targeted', got {row.area!r}")
        if row.parameter not in params:
            close = difflib.get_close_matches(row.parameter, sorted(params), n=1)
            raise _rule(where, row_name, i, "parameter", f"{row.parameter!r} is not a buurtsim parameter "
                        f"(docs/PARAMETERS.md)" + (f"; did you mean {close[0]!r}?" if close else ""))
        if row.kind not in KINDS[method]:
            raise _rule(where, row_name, i, "kind", f"{row.kind!r} is not an index of the {method} method "
                        f"({', '.join(KINDS[method])})")
    for col in COLUMNS[5:]:
        values = pd.to_numeric(table[col], errors="coerce")
        bad = values.isna() & table[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise _rule(where, row_name, i, col, f"must be a number, got {table[col].iloc[i]!r}")
        table[col] = values.astype(float)
    est, lo, hi, runs = (table[c].to_numpy() for c in COLUMNS[5:])
    checks = [
        ("estimate", ~np.isfinite(est), "must be a finite number (an output without indices is left out, not NaN)"),
        ("estimate", np.isin(table["kind"], ["mu_star", "sigma"]) & (est < 0), "mu_star and sigma are >= 0"),
        ("ci_low", np.isinf(lo) | (np.isnan(lo) != np.isnan(hi)), "must be finite, or NaN together with ci_high"),
        ("ci_high", np.isinf(hi), "must be finite or NaN"),
        ("ci_high", np.isfinite(lo) & np.isfinite(hi) & (lo > hi), "must be >= ci_low"),
        ("runs", ~np.isfinite(runs) | (runs < 1) | (np.mod(runs, 1) != 0), "must be a whole number >= 1"),
    ]
    for col, bad, rule in checks:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _rule(where, row_name, i, col, f"{rule}, got {table[col].iloc[i]!r}")
    table["runs"] = table["runs"].astype(np.int64)
    key = ["scenario", "area", "parameter", "output", "kind"]
    dup = table.duplicated(key, keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise _rule(where, row_name, i, "kind", "this (scenario, area, parameter, output, kind) appears twice")
    # Every (scenario, area, output) has every kind of the method for the same parameters.
    for (s, a, o), g in table.groupby(["scenario", "area", "output"], sort=False):
        counts = g.groupby("kind").size()
        params_of = {k: set(g[g.kind == k].parameter) for k in KINDS[method]}
        first = params_of[KINDS[method][0]]
        if len(counts) != len(KINDS[method]) or any(p != first for p in params_of.values()):
            i = int(g.index[0])
            raise _rule(where, row_name, i, "kind", f"scenario {s}, area {a}, output {o}: every parameter needs "
                        f"each of {', '.join(KINDS[method])}")
    return table
