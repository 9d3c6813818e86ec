"""Explorations of the parameter space on dask.distributed: :func:`explore`, and their indices: :func:`sensitivity`.

An exploration runs a **design** (:func:`buurtsim.morris_design`,
:func:`buurtsim.sobol_design`, :func:`buurtsim.latin_hypercube`, or any table
of parameter values) as paired ensembles: at every design point, every
scenario on the same replicates (common random numbers), through the one
batch runner of :func:`buurtsim.run`. One design point is one **task**, run
in a dask worker on one thread; the worker computes the horizon values and
the paired differences of :func:`buurtsim.compare` and writes them as a small
JSON file into the **store**, so a re-run with the same store skips finished
tasks. Every design point uses the same ``seed``: replicate ``k`` is the same
synthetic city and random streams at every point and in every scenario, so
differences between points are the parameters' doing, not noise between
seeds.

The store (a directory)::

    STORE/manifest.json            the spec: everything a result depends on, and its sha256
    STORE/tasks/<name>.json        one finished design point; <name> = sha256("<spec sha256>:<point>")[:32]

The spec holds the resolved scenarios (TOML, every parameter), baseline,
replicates, weeks, seed, ``weeks_from``, outputs, the design's points, the
buurtsim version and git commit and the CBS data's sha256. A store whose
spec differs is refused (:class:`buurtsim.ExploreError`). A task file is
written under a temporary name and renamed (``os.replace``), so a kill leaves
either the whole file or none. Task files are plain JSON (NaN as ``null``).

The code is split by what it holds: explore_args.py (arguments -> spec), explore_store.py (the store),
explore_task.py (one task in a worker), explore_dask.py (running the tasks), explore_result.py (the Dataset,
design_of, write_result), explore_indices.py (sensitivity). This module is the entry point and re-exports
their public names.
"""

import tempfile
import time

from .errors import UsageError
from .explore_args import ALL_OUTPUTS, AREAS, DEFAULT_OUTPUTS, _prepare
from .explore_dask import _check_main_guard, _client_arg, _run_tasks
from .explore_indices import sensitivity
# write_result: imported from here by __main__ and the tests (buurtsim.explore.write_result)
from .explore_result import _assemble, design_of, write_result  # noqa: F401
from .explore_store import STORE_FORMAT, _open_store, spec_digest
from .params import positive_int

__all__ = ["explore", "sensitivity", "design_of", "DEFAULT_OUTPUTS", "ALL_OUTPUTS", "AREAS", "STORE_FORMAT"]


def explore(scenarios, design, *, baseline=None, replicates=2, weeks=None, seed=None, set=None, weeks_from=0,
            outputs=None, store=None, client=None, workers=None, progress=True):
    """Run a design over parameters as paired ensembles on dask.distributed; one Dataset of paired differences.

    Every design point is one task: every scenario on the same ``replicates``
    (common random numbers, the same ``seed`` at every point), run by
    :func:`buurtsim.run` on one thread in a dask worker, which computes the
    comparison of :func:`buurtsim.compare` and writes it into ``store``. A
    re-run with the same store skips finished tasks: after a kill or a lost
    worker it resumes, with results identical to an uninterrupted run.

    Parameters
    ----------
    scenarios : list of scenarios
        Two or more, each as for :func:`buurtsim.run` (a path, a shipped
        scenario's name, TOML text, a dict, a :class:`buurtsim.Scenario`).
        They are resolved here, in the client: workers get the resolved TOML,
        so only the CBS data must be on every machine.
    design : Design or pandas.DataFrame
        From :func:`buurtsim.morris_design`, :func:`buurtsim.sobol_design` or
        :func:`buurtsim.latin_hypercube` over parameter names of
        docs/PARAMETERS.md (real or integer ones; integers are rounded), or a
        DataFrame with one column per parameter and one row per point
        (columns ``trajectory``, ``changed``, ``block`` of
        :meth:`Design.to_frame` are carried as labels). Only a Design can be
        read by :func:`sensitivity`. A design parameter is set in every
        scenario, the baseline included; one that the scenarios set
        differently (an intervention's own lever) is refused.
    baseline : str, optional
        The scenario the others are compared with (default: the first).
    replicates, weeks, seed : int, optional
        Replicates per scenario and point (default 2), ``run.weeks`` and
        ``run.seed`` (default: the scenarios').
    set : dict, optional
        Overrides for every scenario and point, ``{"population.scale": 0.05}``.
    weeks_from : int
        First week of the comparison's horizon.
    outputs : list of str or "all", optional
        Rows of the comparison to keep (default :data:`DEFAULT_OUTPUTS`:
        total, gemeente and zorgverzekeraar cost, euro saved per euro spent per
        payer, Wmo clients, buurtteam wait and hours needed, questions unmet,
        lonely share); ``"all"`` keeps every row (:data:`ALL_OUTPUTS`).
    store : path, optional
        The store directory (created if missing; see the module's doc). Default: a temporary
        directory removed afterwards (no resume).
    client : dask.distributed.Client, optional
        Where the tasks run: any cluster (``Client("tcp://host:8786")``).
        Default: a :class:`distributed.LocalCluster` of ``workers`` worker
        processes with one thread each, closed afterwards.
    workers : int, optional
        Size of that LocalCluster (default: the number of cores).
    progress : bool
        A tqdm progress bar over finished tasks (on stderr).

    Returns
    -------
    xarray.Dataset
        Dims ``point``, ``scenario`` (the scenarios compared with the
        baseline), ``area`` (``city``, ``targeted``), ``output``,
        ``replicate``, ``parameter``. Variables: ``difference`` (point,
        scenario, area, output), the paired difference's mean over replicates
        (for the savings rows, the mean per-replicate ratio), as the
        ``estimate`` of :func:`buurtsim.compare`, with ``ci_low``/``ci_high``
        (its 95 % interval over replicates: simulation noise only);
        ``difference_replicate``, ``baseline_value`` and ``scenario_value``
        (point, scenario, area, output, replicate): per replicate, the
        difference and the two horizon values; ``parameter_values`` (point,
        parameter) and one coordinate on ``point`` per parameter;
        ``design_unit`` (the design's unit-cube points, for a Design);
        ``task_seconds``, ``task_cpu_seconds`` and ``task_worker`` (point). Attributes: the spec's
        scalars, ``tasks``, ``tasks_run``, ``tasks_skipped``, ``runs`` (one
        scenario on one replicate at one point), ``runs_run``, ``workers``,
        ``elapsed_seconds``, ``resident_weeks`` (burn-in included),
        ``runs_per_hour`` and ``resident_weeks_per_second`` (of this call's
        tasks over its elapsed time), ``spec_sha256``, ``store``.

    Raises
    ------
    buurtsim.ExploreError
        A task failed (the message names the design point and its values; the
        other tasks finish and are stored first), or ``store`` holds another
        exploration.
    buurtsim.UsageError, buurtsim.ParamError, buurtsim.UnknownKeyError
        A bad argument or parameter value, before anything runs.

    Examples
    --------
    >>> import buurtsim
    >>> d = buurtsim.morris_design({"buurtondersteuner.reach_max": (0.2, 0.8),
    ...                             "help.willingness_neighbour": (0.2, 0.6)}, trajectories=4, seed=1)
    >>> res = buurtsim.explore(["baseline", "buurtondersteuners-targeted"], d, replicates=2, weeks=52,
    ...                        set={"population.scale": 0.05}, store="explore-store")   # doctest: +SKIP
    >>> res.difference.sel(scenario="buurtondersteuners-targeted", area="targeted", output="total_cost_eur")
    ... # doctest: +SKIP
    >>> buurtsim.sensitivity(res)                                         # Morris mu*, sigma  # doctest: +SKIP
    """
    started = time.perf_counter()
    if not isinstance(progress, bool):
        raise UsageError(f"explore: progress must be True or False, got {progress!r}")
    if workers is not None:
        workers = positive_int("workers", workers, 1)
    _client_arg(client, workers)
    if client is None:
        _check_main_guard()
    spec, extra = _prepare(scenarios, design, baseline, replicates, weeks, seed, set, weeks_from, outputs)
    digest = spec_digest(spec)
    temporary = None
    if store is None:
        temporary = tempfile.TemporaryDirectory(prefix="buurtsim-explore-")
        store = temporary.name
    try:
        path = _open_store(store, spec, digest)
        records, stats = _run_tasks(spec, digest, path, client, workers, progress)
    finally:
        if temporary is not None:
            temporary.cleanup()
    stats["elapsed_seconds"] = time.perf_counter() - started
    return _assemble(spec, digest, records, stats, None if temporary is not None else path, extra)

