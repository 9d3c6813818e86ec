"""The engine's results as an :class:`xarray.Dataset` laid out like a result file of
``buurtsim run`` (docs/FORMAT.md): :func:`dataset_from_batch`."""

import numpy as np
import xarray as xr

from . import _core
from .datasets import attrs as dataset_attrs, datasets

__all__ = ["dataset_from_batch", "COORD_ATTRS"]

# Attributes of the coordinates and scenario variables, from the dataset spec the
# file writer uses (buurtsim.datasets); tests/python/test_python_api.py checks
# they agree with a CLI result file.
COORD_ATTRS = {s["name"]: dataset_attrs(s) for group in ("dimension", "coordinate", "scenario_variable")
               for s in datasets(group)}
PARAMETER_ATTRS = {s["name"]: dataset_attrs(s) for s in datasets("parameter")}


def _strings(values):
    return np.array(list(values), dtype=object)


def dataset_from_batch(batch):
    """The :class:`xarray.Dataset` of a ``_core.Batch``: the layout of a ``buurtsim run`` file.

    The engine's arrays are views of its memory; here they are gathered into
    one ``(scenario, replicate, week, buurt)`` array per indicator (int32 for
    counts, float64 otherwise, as the dataset spec says).
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
    for spec in datasets("data_variable"):
        name = spec["name"]
        out = np.empty((len(names), len(ids), n_week, n_buurt), dtype=spec["dtype"])
        for s in range(len(names)):
            for j in range(len(ids)):
                out[s, j] = views[s][j][name]
        data[name] = xr.Variable(spec["dims"], out, attrs=dataset_attrs(spec))

    if batch.parameters:  # priors: what each replicate drew (absent without priors, as in a file)
        spec = next(s for s in datasets("parameter") if s["name"] == "parameter_values")
        values = np.array([batch.parameter_values(s) for s in range(len(names))], dtype=np.float64)
        coords["parameter"] = xr.Variable("parameter", _strings(batch.parameters),
                                          attrs=dict(PARAMETER_ATTRS["parameter"]))
        data["parameter_values"] = xr.Variable(spec["dims"], values, attrs=dataset_attrs(spec))

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
    # one merge for all variables: assigning them one by one re-aligns the Dataset each time (~4x slower)
    return ds.assign(data)
