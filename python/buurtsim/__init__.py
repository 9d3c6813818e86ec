"""buurtsim: agent-based simulation of neighbourhood support in Utrecht, from Python.

The C++ engine is one import away; results arrive as xarray, pandas and numpy.

>>> import buurtsim
>>> ds = buurtsim.run("quick", weeks=8, population__scale=0.05)        # an xarray.Dataset
>>> ds.questions_new.sum("buurt").mean("replicate")                    # doctest: +SKIP
>>> ds = buurtsim.run(["baseline", "facilitator-every-wijk"], replicates=3, weeks=26,
...                   set={"population.scale": 0.05, "population.wijken": ["WK034403"]})   # doctest: +SKIP
>>> buurtsim.compare(ds, baseline="baseline")                          # doctest: +SKIP
>>> buurtsim.report(ds, "report.html")                                 # doctest: +SKIP

Main functions: :func:`run`, :func:`load`, :func:`compare`,
:func:`compare_by_wijk`, :func:`report`; plots in :mod:`buurtsim.plot`;
sensitivity analysis (designs and estimators): :func:`morris_design`,
:func:`sobol_design`, :func:`latin_hypercube`, :func:`morris_indices`,
:func:`sobol_indices`; explorations of a design on dask.distributed and their
indices: :func:`explore`, :func:`sensitivity`, written with their provenance by
:func:`write_indices` (for ``report(..., drivers=)``) and read by :func:`read_indices`;
snapshots and networks: :func:`snapshot`, :func:`snapshot_graph`;
step-by-step runs: :class:`Simulation`. Errors derive from
:class:`buurtsim.Error`. Documentation: README.md, docs/ODD.md,
docs/PARAMETERS.md, docs/FORMAT.md in the source tree.
"""

from . import _core
from .errors import (DataError, Error, ExploreError, InternalError, IoError, ParamError, SensitivityError,
                     UnknownKeyError, UsageError)
from .params import ParamTypeError, parameters, plausible_ranges, prior
from .scenario import Scenario, scenarios
from .data import cbs_table, data_dir
from .run import run
from .simulation import Simulation
from .load import TIE_TYPES, load, read_comparison, snapshot, snapshot_graph, snapshot_names
from .compare import aggregation, city_series, compare, compare_by_wijk, horizon_values
from .report import report
from .sensitivity import Design, latin_hypercube, morris_design, morris_indices, sobol_design, sobol_indices
from . import plot
# Last: the functions explore and sensitivity take the names of their modules as attributes of the package
# (as compare and report do); `import buurtsim.sensitivity` and `from buurtsim.sensitivity import ...` still
# reach the modules.
from .explore import design_of, explore, sensitivity
from .indices_file import read_indices, write_indices

__version__ = _core.version
git_commit = _core.git_commit
format_version = _core.format_version

__all__ = [
    "run", "load", "compare", "compare_by_wijk", "report", "plot", "Scenario", "Simulation", "scenarios",
    "parameters", "plausible_ranges", "prior", "data_dir", "cbs_table", "read_comparison", "snapshot", "snapshot_names", "snapshot_graph",
    "aggregation", "horizon_values", "city_series", "TIE_TYPES", "Error", "ParamError", "ParamTypeError",
    "UnknownKeyError", "DataError", "IoError", "UsageError", "SensitivityError", "InternalError", "__version__",
    "Design", "morris_design", "sobol_design", "latin_hypercube", "morris_indices", "sobol_indices",
    "explore", "sensitivity", "design_of", "ExploreError", "write_indices", "read_indices",
]
