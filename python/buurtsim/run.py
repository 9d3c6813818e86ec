"""Running scenarios from Python: :func:`run`.

The simulation itself is the C++ engine (``buurtsim._core``, one batch runner
shared with ``buurtsim run``); scenarios are resolved by :mod:`buurtsim.scenario`,
the results turned into an :class:`xarray.Dataset` by :mod:`buurtsim.dataset`.
"""

import os

from . import _core
from .data import cbs_table
from .dataset import dataset_from_batch
from .errors import UsageError
from .output_files import check_target, warn_partials
from .params import flatten, keyword_overrides, override_strings, positive_int
from .scenario import Scenario, overlay_paths

__all__ = ["run"]


def _check_paired(labels, resolved):
    """The checks of `buurtsim run` for several scenarios (the engine's, with its messages)."""
    _core.check_paired([str(label) for label in labels], resolved)


def run(scenarios, *, replicates=None, seed=None, weeks=None, threads=0, set=None, overlay=None, data_dir=None,
        output=None, **overrides):
    """Run one or more scenarios and return the results as an :class:`xarray.Dataset`.

    The Dataset has the variables, dimensions, coordinates and attributes of
    a result file of ``buurtsim run`` (docs/FORMAT.md): one variable per
    indicator with dims ``(scenario, replicate, week, buurt)``, coordinates
    ``scenario_name``, ``buurt_code``, ``buurt_name``, ``wijk_code``,
    ``wijk_name``, and the variables ``scenario_toml``, ``scenario_files`` and
    ``targeted``; with priors also ``parameter_values(scenario, replicate, parameter)``,
    the values each replicate drew (coordinate ``parameter``: the dotted names). The provenance (``/provenance`` in a file) is in the
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
        Overrides for every scenario, ``{"population.scale": 0.1}`` (as ``--set``). A value may be a
        prior (:func:`buurtsim.prior`): each replicate then draws its own value, the same in every
        scenario (common random numbers), recorded in ``parameter_values``.
    overlay : path or list of paths, optional
        Scenario fragments applied to every scenario before ``set`` (as ``--overlay``), e.g.
        ``data/params/utrecht-2023-uncertainty.toml``, the priors of the influential assumptions.
    data_dir : path, optional
        Directory holding ``cbs/`` (default: :func:`buurtsim.data_dir`).
    output : path, optional
        Also write the result file ``buurtsim run -o`` would write (snapshots included), by its rules:
        a new name or a regular file that is not an input of the run, else :class:`buurtsim.IoError`.
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
    replicates = positive_int("replicates", replicates, 1)
    seed = positive_int("seed", seed, 0)
    weeks = positive_int("weeks", weeks, 1)
    threads = positive_int("threads", threads, 0) or 0

    if set is not None and not isinstance(set, dict):
        raise TypeError(f"set must be a dict of parameter overrides, got {type(set).__name__}")
    pairs = flatten(set) if set is not None else []
    pairs += keyword_overrides(overrides)
    extra = override_strings(pairs)  # as --set, then --seed, --replicates (the CLI's order)
    if weeks is not None:
        extra.append(f"run.weeks={weeks}")
    if seed is not None:
        extra.append(f"run.seed={seed}")
    if replicates is not None:
        extra.append(f"run.replicates={replicates}")

    overlays = overlay_paths(overlay)
    wrapped = [Scenario._unresolved(s) for s in specs]
    resolved = [w._resolve(extra, overlays) for w in wrapped]
    labels = [w.label for w in wrapped]
    _check_paired(labels, resolved)

    if output is not None:
        # Before the run (the write checks again, also against the scenario and data files): a refusal
        # must not cost the run.
        check_target(output)
        warn_partials(output)
    first = resolved[0]
    table = cbs_table(first.get("population.year"), data_dir)
    ids = list(range(first.get("run.replicates")))
    call = _describe_call(labels, replicates, seed, weeks, threads, pairs, overlays)
    batch = _core.run_batch(resolved, table, ids, threads, call)
    if output is not None:
        batch.write(os.fspath(output))
    return dataset_from_batch(batch)


def _describe_call(labels, replicates, seed, weeks, threads, pairs, overlays=()):
    args = [repr(labels if len(labels) > 1 else labels[0])]
    if overlays:
        args.append("overlay=" + repr(list(overlays)))
    for name, value in (("replicates", replicates), ("seed", seed), ("weeks", weeks)):
        if value is not None:
            args.append(f"{name}={value}")
    if threads:
        args.append(f"threads={threads}")
    if pairs:
        args.append("set=" + repr(dict(pairs)))
    return "python: buurtsim.run(" + ", ".join(args) + ")"
