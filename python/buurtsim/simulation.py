"""One replicate of one scenario, step by step: :class:`Simulation`."""

import numbers

import numpy as np
import pandas as pd
import xarray as xr

from . import _core
from .datasets import attrs as dataset_attrs, datasets
from .data import cbs_table
from .dataset import _strings
from .errors import UsageError
from .params import ParamTypeError, positive_int
from .scenario import Scenario

__all__ = ["Simulation"]


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
            raise ParamTypeError(f"replicate must be an int, got {type(replicate).__name__} {replicate!r}")
        if replicate < 0:
            raise UsageError(f"replicate must be an index >= 0, got {replicate}")
        seed = positive_int("seed", seed, 0)
        weeks = positive_int("weeks", weeks, 1)
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
        weeks = positive_int("weeks", weeks, 1)
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
        for spec in datasets("data_variable"):
            data[spec["name"]] = xr.Variable(("week", "buurt"), views[spec["name"]][:done], attrs=dataset_attrs(spec))
        coords = {"week": np.arange(done, dtype=np.int32), "buurt": np.arange(len(geo["buurt_code"]), dtype=np.int32)}
        for key in ("buurt_code", "buurt_name", "wijk_code", "wijk_name"):
            coords[key] = ("buurt", _strings(geo[key]))
        return xr.Dataset(data, coords=coords, attrs={"scenario_name": self.scenario.name,
                                                       "replicate": self.replicate})

    def phase_times(self):
        """Where the time went: a :class:`pandas.DataFrame` with one row per phase of the weekly schedule, in
        schedule order, columns ``seconds`` (wall clock so far, burn-in included) and ``share`` (of the total).

        >>> sim = buurtsim.Simulation("quick", weeks=4, population__scale=0.05)   # doctest: +SKIP
        >>> sim.run(); sim.phase_times().sort_values("seconds").tail(3)           # doctest: +SKIP
        """
        seconds = np.asarray(self.core.phase_seconds(), dtype=float)
        total = seconds.sum()
        return pd.DataFrame({"seconds": seconds, "share": seconds / total if total > 0 else np.zeros_like(seconds)},
                            index=pd.Index(list(_core.Simulation.phase_names), name="phase"))

    def snapshots(self):
        """Snapshots taken so far (``output.snapshot_weeks``), as a list of dicts of read-only numpy arrays."""
        return self.core.snapshots()

    def __repr__(self):
        return f"<buurtsim.Simulation {self.scenario.name!r} replicate {self.replicate}, week {self.week}>"
