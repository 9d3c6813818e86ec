"""Reading result files: :func:`load`, :func:`read_comparison`, snapshots and networks."""

import os
import pathlib

import h5py
import numpy as np
import xarray as xr

from . import _core
from .datasets import TIE_TYPES, datasets
from .errors import IoError, UsageError

__all__ = ["load", "read_comparison", "snapshot_names", "snapshot", "snapshot_graph", "TIE_TYPES"]

# Node attributes of a snapshot graph: the per-resident variables (not the resident dimension itself).
NODE_VARIABLES = tuple(s["name"] for s in datasets("snapshot") if s["dims"] == ("resident",) and s["name"] != "resident")


def load(path):
    """Read a result file of ``buurtsim run`` (or :func:`buurtsim.run` with ``output=``) into memory.

    Returns the :class:`xarray.Dataset` of the file's root group (dims
    ``scenario, replicate, week, buurt``; see docs/FORMAT.md) with the
    ``/provenance`` attributes added as ``provenance_*`` attributes, the
    same layout :func:`buurtsim.run` returns. Raises
    :class:`buurtsim.IoError` (an ``OSError``) with the command line's
    message for a missing file, a file that is not a buurtsim result, or a
    file of another format major version.

    Examples
    --------
    >>> import buurtsim
    >>> ds = buurtsim.load("results/compare.h5")                       # doctest: +SKIP
    >>> ds.swap_dims(scenario="scenario_name").lonely_share.sel(scenario_name="baseline")  # doctest: +SKIP
    """
    path = os.fspath(path)
    _core.check_result_file(path)
    with xr.open_dataset(path, engine="h5netcdf") as f:
        ds = f.load()
    with xr.open_dataset(path, engine="h5netcdf", group="provenance") as p:
        ds.attrs.update({f"provenance_{k}": v for k, v in p.attrs.items()})
    ds.encoding["source"] = str(pathlib.Path(path).resolve())
    return ds


def _path_of(source):
    if isinstance(source, xr.Dataset):
        path = source.encoding.get("source")
        if not path:
            raise UsageError("this Dataset was not read from a file (run it with buurtsim.run(..., output=PATH) "
                             "and load(PATH) to keep snapshots)")
        return path
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    raise TypeError(f"expected a result file path or a Dataset from buurtsim.load, got {type(source).__name__}")


def read_comparison(source):
    """The ``/comparison`` table a ``buurtsim compare`` stored in a file, as a :class:`pandas.DataFrame`.

    Columns as :func:`buurtsim.compare` returns them; the group's attributes
    (baseline, weeks_from, ...) are in ``DataFrame.attrs``. Raises IoError if
    the file has no comparison.
    """
    path = _path_of(source)
    with h5py.File(path, "r") as f:
        if "comparison" not in f:
            raise IoError(f"'{path}' has no /comparison group (run: buurtsim compare {path} --baseline NAME)")
    with xr.open_dataset(path, engine="h5netcdf", group="comparison") as c:
        table = c.load().to_dataframe().reset_index(drop=True)
        attrs = dict(c.attrs)
    for col in table.columns:
        if table[col].dtype == object:
            table[col] = table[col].astype(str)
    table.attrs.update(attrs)
    return table


def snapshot_names(source):
    """Names of the snapshot groups of a result file, e.g. ``["s0_r0_w0052"]`` (empty if none)."""
    with h5py.File(_path_of(source), "r") as f:
        return sorted(f["snapshots"]) if "snapshots" in f else []


def _scenario_position(path, scenario):
    if isinstance(scenario, str):
        with h5py.File(path, "r") as f:
            names = [n.decode() if isinstance(n, bytes) else n for n in f["scenario_name"][()]]
        if scenario not in names:
            raise UsageError(f'scenario "{scenario}" is not in {path}; its scenarios are '
                             + ", ".join(f'"{n}"' for n in names))
        return names.index(scenario)
    return int(scenario)


def snapshot(source, scenario=0, replicate=0, week=None):
    """One snapshot of a result file (residents and ties at the end of a week) as an :class:`xarray.Dataset`.

    Parameters
    ----------
    source : path or Dataset from :func:`load`
    scenario : int or str
        Scenario position or name.
    replicate : int
        Replicate index ``k``.
    week : int, optional
        Snapshot week; default the last one of that scenario and replicate.

    Snapshots exist only for the weeks in ``output.snapshot_weeks``, e.g.
    ``buurtsim.run("quick", output="q.h5", output__snapshot_weeks=[51])``.
    """
    path = _path_of(source)
    s = _scenario_position(path, scenario)
    prefix = f"s{s}_r{int(replicate)}_w"
    names = [n for n in snapshot_names(path) if n.startswith(prefix)]
    if week is not None:
        names = [n for n in names if n == f"{prefix}{int(week):04d}"]
    if not names:
        have = ", ".join(snapshot_names(path)) or "none"
        raise UsageError(f"{path} has no snapshot for scenario {scenario}, replicate {replicate}"
                         + (f", week {week}" if week is not None else "")
                         + f" (snapshots: {have}; set output.snapshot_weeks when running)")
    with xr.open_dataset(path, engine="h5netcdf", group=f"snapshots/{names[-1]}") as g:
        return g.load()


def snapshot_graph(source, scenario=0, replicate=0, week=None):
    """A snapshot as a :class:`networkx.Graph`: residents are nodes, ties are edges.

    Node attributes: buurt, age, age_band, household, household_type,
    vulnerability, loneliness, roles, self_reliance. Edge attributes:
    tie_type (0 household, 1 neighbour, 2 friend, 3 weak, 4 met; names in
    ``buurtsim.TIE_TYPES``) and strength (0-255). ``source`` is a result
    file (with ``scenario``, ``replicate``, ``week`` as in :func:`snapshot`),
    a snapshot Dataset, or one dict of ``Simulation.snapshots()``.

    >>> import buurtsim
    >>> G = buurtsim.snapshot_graph("q.h5", week=51)                   # doctest: +SKIP
    >>> G.number_of_nodes(), G.number_of_edges()                       # doctest: +SKIP
    """
    import networkx as nx

    if isinstance(source, dict):
        snap = source
    elif isinstance(source, xr.Dataset) and "tie_type" in source:
        snap = {k: source[k].values for k in source.data_vars}
    else:
        ds = snapshot(source, scenario, replicate, week)
        snap = {k: ds[k].values for k in ds.data_vars}
    node_keys = [k for k in NODE_VARIABLES if k in snap]
    n = len(snap["age"])
    columns = {k: np.asarray(snap[k]).tolist() for k in node_keys}
    G = nx.Graph()
    G.add_nodes_from((i, {k: columns[k][i] for k in node_keys}) for i in range(n))
    src = np.asarray(snap["source"]).tolist()
    dst = np.asarray(snap["target"]).tolist()
    types = np.asarray(snap["tie_type"]).tolist()
    strength = np.asarray(snap["strength"]).tolist()
    G.add_edges_from((a, b, {"tie_type": t, "strength": w}) for a, b, t, w in zip(src, dst, types, strength))
    return G
