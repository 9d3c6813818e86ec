"""The result file's datasets as the engine defines them (model/include/buurtsim/datasets.hpp).

One table, read from ``buurtsim._core``: name, group, dtype, dims, units,
long name and CF flags of every dimension, coordinate, scenario variable,
data variable (indicator), snapshot variable and comparison column.
:func:`buurtsim.run` lays its Dataset out by it and :mod:`buurtsim.load`
reads snapshots by it, so they agree with the files ``buurtsim run`` writes.
"""

import numpy as np

from . import _core

__all__ = ["DATASETS", "dataset", "datasets", "attrs", "TIE_TYPES"]

DATASETS = tuple(_core.dataset_specs())


def datasets(group):
    """The dataset specs of one group (``"dimension"``, ``"coordinate"``, ``"scenario_variable"``,
    ``"data_variable"``, ``"parameter"``, ``"snapshot"``, ``"comparison"``), in file order."""
    return [s for s in DATASETS if s["group"] == group]


def dataset(group, name):
    """The spec of dataset `name` of `group`; KeyError if there is none."""
    for s in datasets(group):
        if s["name"] == name:
            return s
    raise KeyError(f"no dataset {name!r} in group {group!r}")


def attrs(spec):
    """The attributes of a dataset as xarray shows them after reading a file (``coordinates`` becomes
    coordinates, so it is not among them): units, long_name, flags in the variable's dtype."""
    out = {}
    if spec["units"]:
        out["units"] = spec["units"]
    out["long_name"] = spec["long_name"]
    if spec["flags"]:
        out[spec["flags"]] = np.array(spec["flag_values"], dtype=spec["dtype"])
        out["flag_meanings"] = spec["flag_meanings"]
    return out


#: Names of the snapshot tie_type codes 0, 1, ... (household, neighbour, friend, weak, met).
TIE_TYPES = tuple(dataset("snapshot", "tie_type")["flag_meanings"].split())
