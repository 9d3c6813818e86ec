"""Global sensitivity analysis: designs over named parameters and the estimators of their indices.

This is the layer :func:`buurtsim.explore` runs its designs from and the
sensitivity analysis of its results is computed with; it knows nothing of
the engine and works for any model ``y = f(x)``:

1. a **design** over named parameters, each with bounds ``[lo, hi]`` (optionally
   log-scaled): :func:`morris_design` (Morris trajectories, for screening many
   parameters), :func:`sobol_design` (the Saltelli scheme A, B, A_B^i on a
   scrambled Sobol sequence, for Sobol indices) or :func:`latin_hypercube` (for
   uncertainty propagation). A :class:`Design` is deterministic for its seed.
2. the model run on every design point, in design order, giving one row of
   outputs per point (one column per output);
3. an **estimator**: :func:`morris_indices` (mu, mu* and sigma of the
   elementary effects) or :func:`sobol_indices` (first-order and total Sobol
   indices), each with bootstrap intervals, returned as a
   :class:`pandas.DataFrame` with the columns :data:`COLUMNS`.

The estimators are written here in numpy; the tests check them on functions
with known indices (Ishigami, linear models) and, for the Sobol indices,
against OpenTURNS (``ot.MauntzKucherenkoSensitivityAlgorithm`` and
``ot.JansenSensitivityAlgorithm``) on the same sample.

>>> import numpy as np
>>> import buurtsim
>>> design = buurtsim.sobol_design({"a": (0, 1), "b": (0, 1)}, n=1024, seed=1)
>>> x = design.points                                  # (n * (k + 2), k) = (4096, 2)
>>> y = x[:, 0] + 2 * x[:, 1]                          # analytic: S1 = ST = (0.2, 0.8)
>>> table = buurtsim.sobol_indices(design, y, bootstrap=200)
>>> table.round(1)[["parameter", "kind", "estimate"]].values.tolist()
[['a', 'S1', 0.2], ['b', 'S1', 0.8], ['a', 'ST', 0.2], ['b', 'ST', 0.8]]
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import SensitivityError, UsageError

__all__ = ["Design", "morris_design", "sobol_design", "latin_hypercube", "morris_indices", "sobol_indices",
           "COLUMNS"]

#: The columns of every table the estimators return, in order.
COLUMNS = ["parameter", "output", "kind", "estimate", "ci_low", "ci_high", "runs"]

# A bootstrap is computed in chunks of resamples holding at most this many float64 values at once
# (about 32 MB), so many outputs or large designs do not exhaust memory.
_CHUNK_VALUES = 4_000_000


class Design:
    """Points at which to run a model: a design over named parameters, deterministic for its seed.

    Made by :func:`morris_design`, :func:`sobol_design` or
    :func:`latin_hypercube`; not meant to be built directly.

    Attributes
    ----------
    method : str
        ``"morris"``, ``"sobol"`` or ``"lhs"``.
    parameters : tuple of str
        The parameter names, in column order.
    bounds : tuple of (float, float)
        ``(lo, hi)`` of each parameter.
    log : tuple of bool
        Whether each parameter is log-scaled (uniform in ``log x``).
    unit : numpy.ndarray
        ``(runs, k)``: the points in the unit cube, 0 at ``lo`` and 1 at ``hi``
        (in ``log x`` for a log-scaled parameter). Read-only.
    points : numpy.ndarray
        ``(runs, k)``: the points in the parameters' own units. Read-only.
    seed : int
        The seed the design was drawn with.
    info : dict
        What the method needs to read the design: ``trajectories``, ``levels``
        and ``delta`` (Morris); ``n`` (Sobol, LHS).
    runs : int
        The number of design points (model runs).
    """

    def __init__(self, method, parameters, bounds, log, unit, seed, info, labels):
        self.method = method
        self.parameters = tuple(parameters)
        self.bounds = tuple(bounds)
        self.log = tuple(log)
        self.seed = seed
        self.info = dict(info)
        unit = np.array(unit, dtype=float)
        unit.setflags(write=False)
        self.unit = unit
        points = _scale(unit, self.bounds, self.log)
        points.setflags(write=False)
        self.points = points
        self._labels = labels

    @property
    def runs(self):
        return self.unit.shape[0]

    def __len__(self):
        return self.runs

    def __repr__(self):
        return (f"<buurtsim.Design {self.method}: {self.runs} runs over {len(self.parameters)} parameters "
                f"({', '.join(self.parameters)}), seed {self.seed}>")

    def to_frame(self):
        """The design as a :class:`pandas.DataFrame`: one row per point (index ``point``).

        Columns: one per parameter (in its own units), then what says where a
        point belongs: ``trajectory`` and ``changed`` (the parameter this step
        of the trajectory moved; empty at a trajectory's start) for Morris,
        ``block`` (``"A"``, ``"B"`` or ``"AB:<parameter>"``) for Sobol.
        """
        frame = pd.DataFrame(np.array(self.points), columns=list(self.parameters))
        for name, values in self._labels.items():
            frame[name] = values
        frame.index.name = "point"
        return frame


# ---------------------------------------------------------------------------------------------
# argument checks: each names the function, the argument, the rule and the value
# ---------------------------------------------------------------------------------------------

def _int_arg(func, name, value, minimum, rule=None):
    rule = rule or f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise UsageError(f"{func}: {name} must be {rule}, got {value!r}")
    return int(value)


def _seed_arg(func, seed):
    return _int_arg(func, "seed", seed, 0)


def _bounds_arg(func, bounds, log):
    if not isinstance(bounds, Mapping) or not bounds:
        raise UsageError(f"{func}: bounds must be a non-empty mapping {{name: (lo, hi)}}, got {bounds!r}")
    names, pairs = [], []
    for name, pair in bounds.items():
        if not isinstance(name, str) or not name:
            raise UsageError(f"{func}: bounds: a parameter name must be a non-empty string, got {name!r}")
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise UsageError(f"{func}: bounds[{name!r}] must be a pair of numbers (lo, hi), got {pair!r}") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise UsageError(f"{func}: bounds[{name!r}] must be finite with lo < hi, got ({lo:g}, {hi:g})")
        names.append(name)
        pairs.append((lo, hi))
    if isinstance(log, str):
        log = [log]
    try:
        log = list(log or ())
    except TypeError:
        raise UsageError(f"{func}: log must be a list of parameter names, got {log!r}") from None
    for name in log:
        if name not in bounds:
            raise UsageError(f"{func}: log names {name!r}, which is not a parameter of bounds "
                             f"({', '.join(names)})")
    flags = [name in log for name in names]
    for name, (lo, _), flag in zip(names, pairs, flags):
        if flag and lo <= 0:
            raise UsageError(f"{func}: bounds[{name!r}] must have lo > 0 to be log-scaled, got lo = {lo:g}")
    return names, pairs, flags


def _scale(unit, bounds, log):
    """Map unit-cube points to the parameters' units (uniform, or uniform in log x)."""
    out = np.empty_like(unit)
    for j, ((lo, hi), is_log) in enumerate(zip(bounds, log)):
        if is_log:
            out[:, j] = np.exp(math.log(lo) + unit[:, j] * (math.log(hi) - math.log(lo)))
        else:
            out[:, j] = lo + unit[:, j] * (hi - lo)
        np.clip(out[:, j], lo, hi, out=out[:, j])  # exp(log hi) may round past hi
    return out


def _confidence_arg(func, confidence):
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise UsageError(f"{func}: confidence must be a number in (0, 1), got {confidence!r}")
    return float(confidence)


def _design_arg(func, design, method, maker):
    if not isinstance(design, Design):
        raise UsageError(f"{func}: design must be a buurtsim.Design (from {maker}), got {type(design).__name__}")
    if design.method != method:
        raise UsageError(f"{func}: design must be a {method} design (from {maker}), got a {design.method} design")


def _outputs_arg(func, design, outputs, names):
    """outputs -> (values (runs, m) float64, output names); SensitivityError when they do not fit the design."""
    if isinstance(outputs, pd.DataFrame):
        default_names = [str(c) for c in outputs.columns]
        values = outputs.to_numpy()
    elif isinstance(outputs, pd.Series):
        default_names = [str(outputs.name) if outputs.name is not None else "y"]
        values = outputs.to_numpy()[:, None]
    elif isinstance(outputs, Mapping):
        default_names = [str(k) for k in outputs]
        columns = [np.asarray(v) for v in outputs.values()]
        for name, col in zip(default_names, columns):
            if col.ndim != 1:
                raise SensitivityError(f"{func}: outputs[{name!r}] must be 1-D (one value per design point), "
                                       f"got shape {col.shape}")
        if len({len(c) for c in columns}) > 1:
            raise SensitivityError(f"{func}: the outputs have different lengths: "
                                   + ", ".join(f"{n} {len(c)}" for n, c in zip(default_names, columns)))
        values = np.stack(columns, axis=1) if columns else np.empty((0, 0))
    else:
        values = np.asarray(outputs)
        if values.ndim == 1:
            default_names = ["y"]
            values = values[:, None]
        elif values.ndim == 2:
            default_names = [f"y{j}" for j in range(values.shape[1])]
        else:
            raise SensitivityError(f"{func}: outputs must be 1-D (one value per design point) or 2-D "
                                   f"(design points x outputs), got shape {values.shape}")
    if values.shape[1] == 0:
        raise SensitivityError(f"{func}: outputs have no columns")
    if values.dtype.kind not in "biuf":
        try:
            values = values.astype(float)
        except (TypeError, ValueError):
            raise SensitivityError(f"{func}: outputs must be numbers, got dtype {values.dtype}") from None
    values = np.asarray(values, dtype=float)
    if values.shape[0] != design.runs:
        raise SensitivityError(f"{func}: outputs have {values.shape[0]} rows but the design has {design.runs} "
                               f"points (one row per design point, in design order)")
    if names is None:
        names = default_names
    else:
        names = [str(n) for n in ([names] if isinstance(names, str) else names)]
        if len(names) != values.shape[1]:
            raise UsageError(f"{func}: output_names has {len(names)} names for {values.shape[1]} outputs")
    if len(set(names)) != len(names):
        raise UsageError(f"{func}: output names must be unique, got {names}")
    bad = ~np.isfinite(values)
    if bad.any():
        parts = []
        for j in np.flatnonzero(bad.any(axis=0)):
            rows = np.flatnonzero(bad[:, j])
            first = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
            parts.append(f"{names[j]!r} at {len(rows)} design point(s) ({first})")
        raise SensitivityError(f"{func}: outputs contain NaN or infinite values: {'; '.join(parts)}. A failed "
                               f"or missing run leaves NaN: re-run those points, or leave the output out")
    return values, names


def _table(design, names, kinds, estimate, low, high):
    """Rows (output, kind, parameter) from arrays estimate/low/high of shape (len(kinds), k, m)."""
    k, m = len(design.parameters), len(names)
    rows = {
        "parameter": np.tile(np.array(design.parameters, dtype=object), m * len(kinds)),
        "output": np.repeat(np.array(names, dtype=object), len(kinds) * k),
        "kind": np.tile(np.repeat(np.array(kinds, dtype=object), k), m),
        # (kind, k, m) -> (m, kind, k), flattened in the row order above
        "estimate": np.transpose(estimate, (2, 0, 1)).ravel(),
        "ci_low": np.transpose(low, (2, 0, 1)).ravel(),
        "ci_high": np.transpose(high, (2, 0, 1)).ravel(),
        "runs": np.full(m * len(kinds) * k, design.runs, dtype=np.int64),
    }
    return pd.DataFrame(rows, columns=COLUMNS)


def _bootstrap(statistic, n, draws, confidence, seed, values_per_draw):
    """Percentile interval of `statistic(index)` over `draws` resamples (with replacement) of range(n).

    `statistic` takes an integer array (b, n) of resamples and returns (b, ...); resamples are drawn
    in one stream from `seed`, so the intervals do not depend on the chunking or the number of outputs.
    """
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(draws, n))
    chunk = max(1, _CHUNK_VALUES // max(1, values_per_draw))
    stats = np.concatenate([statistic(index[s:s + chunk]) for s in range(0, draws, chunk)], axis=0)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(stats, [alpha, 1 - alpha], axis=0)
    return low, high


# ---------------------------------------------------------------------------------------------
# designs
# ---------------------------------------------------------------------------------------------

def morris_design(bounds, trajectories=10, levels=4, *, log=(), seed=0):
    """Morris trajectories (Morris 1991) over named parameters: a screening design.

    Each trajectory starts at a random point of a grid of ``levels`` values
    per parameter and moves one parameter at a time, in random order and
    direction, by ``delta = levels / (2 (levels - 1))`` of its range, so a
    trajectory is ``k + 1`` points and gives one elementary effect per
    parameter. The design has ``trajectories * (k + 1)`` points, trajectory
    by trajectory. Read its outputs with :func:`morris_indices`. The
    trajectories are drawn independently (not picked for spread from a larger
    set, as Campolongo et al. 2007 propose).

    Parameters
    ----------
    bounds : mapping of str to (float, float)
        ``{name: (lo, hi)}``, in the order of the design's columns.
    trajectories : int
        The number of trajectories ``r`` (>= 2); 10 to 50 is usual.
    levels : int
        The grid size ``p``, even and >= 2; 4 is usual.
    log : iterable of str
        Parameters whose grid is uniform in ``log x`` (their ``lo`` must be > 0).
    seed : int
        The seed (>= 0): the same seed gives the same design.

    Returns
    -------
    Design
        ``method == "morris"``; ``to_frame()`` has the columns ``trajectory`` and ``changed``.

    Raises
    ------
    buurtsim.UsageError
        A bad argument; the message names it, its value and the rule.

    Examples
    --------
    >>> import buurtsim
    >>> d = buurtsim.morris_design({"a": (0, 1), "b": (1, 100)}, trajectories=4, log=["b"], seed=3)
    >>> d.runs, d.info["delta"]
    (12, 0.6666666666666666)
    >>> sorted(set(d.points[:, 1].round(6)))              # the grid of b: 1, 100**(1/3), 100**(2/3), 100
    [1.0, 4.641589, 21.544347, 100.0]
    """
    func = "morris_design"
    names, pairs, flags = _bounds_arg(func, bounds, log)
    r = _int_arg(func, "trajectories", trajectories, 2)
    p = _int_arg(func, "levels", levels, 2, "an even integer >= 2")
    if p % 2:
        raise UsageError(f"{func}: levels must be an even integer >= 2 (so every step is delta = levels / "
                         f"(2 (levels - 1)) and stays on the grid), got {p}")
    seed = _seed_arg(func, seed)
    k = len(names)
    rng = np.random.default_rng(seed)
    # Work on grid indices 0..p-1 (exact); a step is p/2 grid cells. A trajectory's start is drawn from
    # the lower half of the grid, each parameter's direction is random, and so is the order of the steps
    # (Morris 1991: B* = (J x* + delta/2 ((2B - J) D* + J)) P*).
    lower = np.tril(np.ones((k + 1, k), dtype=np.int64), -1)
    half = p // 2
    unit = np.empty((r * (k + 1), k))
    changed = np.full(r * (k + 1), "", dtype=object)
    for t in range(r):
        start = rng.integers(0, half, size=k)
        direction = rng.choice([-1, 1], size=k)
        order = rng.permutation(k)
        # column j moves at step order[j] + 1: up from start (direction +1) or down from start + half (-1)
        moved = lower[:, order]
        cells = start + half * np.where(direction > 0, moved, 1 - moved)
        unit[t * (k + 1):(t + 1) * (k + 1)] = cells / (p - 1)
        for j in range(k):
            changed[t * (k + 1) + order[j] + 1] = names[j]
    labels = {"trajectory": np.repeat(np.arange(r), k + 1), "changed": changed}
    info = {"trajectories": r, "levels": p, "delta": half / (p - 1)}
    return Design("morris", names, pairs, flags, unit, seed, info, labels)


def _power_of_two(func, n):
    n = _int_arg(func, "n", n, 2, "a power of 2 >= 2")
    if n & (n - 1):
        raise UsageError(f"{func}: n must be a power of 2 >= 2 (a Sobol sequence is balanced only at powers "
                         f"of 2), got {n}")
    return n


def sobol_design(bounds, n=1024, *, log=(), seed=0):
    """The Saltelli design for Sobol indices: matrices A, B and A_B^i on a scrambled Sobol sequence.

    ``n`` points of a ``2k``-dimensional scrambled Sobol sequence
    (:class:`scipy.stats.qmc.Sobol`, seeded) give A (the first ``k``
    columns) and B (the last ``k``); A_B^i is A with column ``i`` from B
    (Saltelli et al. 2010). The design is ``[A; B; A_B^1; ...; A_B^k]``,
    ``n (k + 2)`` points: this is also the layout of OpenTURNS'
    ``SobolIndicesExperiment``. Read its outputs with :func:`sobol_indices`.

    Parameters
    ----------
    bounds : mapping of str to (float, float)
        ``{name: (lo, hi)}``; each parameter is uniform on its range.
    n : int
        Base sample size ``N``, a power of 2 (>= 2). The standard error of
        an index falls as ``1 / sqrt(N)``; 512 to 4096 is usual.
    log : iterable of str
        Parameters that are uniform in ``log x`` (their ``lo`` must be > 0).
    seed : int
        The scrambling seed (>= 0): the same seed gives the same design.

    Returns
    -------
    Design
        ``method == "sobol"``; ``to_frame()`` has the column ``block``.

    Raises
    ------
    buurtsim.UsageError
        A bad argument; the message names it, its value and the rule.

    Examples
    --------
    >>> import buurtsim
    >>> d = buurtsim.sobol_design({"a": (0, 1), "b": (10, 20)}, n=8, seed=0)
    >>> d.runs
    32
    >>> d.to_frame()["block"].unique().tolist()
    ['A', 'B', 'AB:a', 'AB:b']
    """
    func = "sobol_design"
    names, pairs, flags = _bounds_arg(func, bounds, log)
    n = _power_of_two(func, n)
    seed = _seed_arg(func, seed)
    k = len(names)
    from scipy.stats import qmc   # here, not at the top: scipy.stats is a third of `import buurtsim`

    base = qmc.Sobol(d=2 * k, scramble=True, seed=seed).random_base2(m=n.bit_length() - 1)
    a, b = base[:, :k], base[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    labels = {"block": np.repeat(np.array(["A", "B"] + [f"AB:{name}" for name in names], dtype=object), n)}
    return Design("sobol", names, pairs, flags, np.vstack(blocks), seed, {"n": n}, labels)


def latin_hypercube(bounds, n, *, log=(), seed=0):
    """A Latin hypercube sample (:class:`scipy.stats.qmc.LatinHypercube`): for propagating uncertainty.

    Each parameter's range is cut into ``n`` equal strata (in ``log x`` for a
    log-scaled one) and every stratum holds exactly one of the ``n`` points,
    at a random place within it.

    Parameters
    ----------
    bounds : mapping of str to (float, float)
        ``{name: (lo, hi)}``.
    n : int
        The number of points (>= 2).
    log : iterable of str
        Parameters that are uniform in ``log x`` (their ``lo`` must be > 0).
    seed : int
        The seed (>= 0): the same seed gives the same design.

    Returns
    -------
    Design
        ``method == "lhs"``.

    Examples
    --------
    >>> import numpy as np, buurtsim
    >>> d = buurtsim.latin_hypercube({"a": (0, 1), "b": (0, 1)}, n=5, seed=0)
    >>> np.sort(np.floor(d.points * 5), axis=0).T.tolist()   # one point per fifth of each range
    [[0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0, 4.0]]
    """
    func = "latin_hypercube"
    names, pairs, flags = _bounds_arg(func, bounds, log)
    n = _int_arg(func, "n", n, 2)
    seed = _seed_arg(func, seed)
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), seed=seed).random(n)
    return Design("lhs", names, pairs, flags, unit, seed, {"n": n}, {})


# ---------------------------------------------------------------------------------------------
# estimators
# ---------------------------------------------------------------------------------------------

def morris_indices(design, outputs, *, output_names=None, bootstrap=1000, confidence=0.95, seed=0):
    """Morris screening: mean (mu), mean absolute (mu*) and spread (sigma) of the elementary effects.

    A trajectory of a :func:`morris_design` gives each parameter one
    elementary effect, ``EE = (y(x + delta e_i) - y(x)) / delta``, with
    ``delta`` a fraction of the parameter's range (of ``log x`` when
    log-scaled): an effect is the output change per *whole range* of the
    parameter, so effects of parameters with different units compare. Over
    the ``r`` trajectories: ``mu`` is their mean, ``mu_star`` the mean of
    their absolute values (Campolongo, Cariboni and Saltelli 2007: it does not
    let effects of opposite sign cancel; rank parameters by it), ``sigma``
    their standard deviation (``ddof=1``; large for a parameter that acts
    nonlinearly or in interaction with others). A parameter with
    ``mu_star`` near 0 is inert over its range.

    Intervals are percentile bootstrap intervals over trajectories
    (resampled with replacement). They cover the design's sampling error;
    noise in a stochastic model's outputs is in the effects, so average
    replicates first if it should not be.

    Parameters
    ----------
    design : Design
        From :func:`morris_design`.
    outputs : array_like, pandas.DataFrame, pandas.Series or mapping
        One row per design point, in design order: shape ``(runs,)`` for one
        output or ``(runs, m)`` for ``m`` outputs; a DataFrame's columns and a
        mapping's keys name the outputs.
    output_names : list of str, optional
        Names of the outputs (default: the DataFrame's columns, ``"y"`` for
        1-D, ``"y0", "y1", ...`` for 2-D).
    bootstrap : int
        Number of bootstrap resamples (>= 0; 0 gives no intervals: NaN).
    confidence : float
        Level of the intervals, in (0, 1).
    seed : int
        Seed of the bootstrap resampling (>= 0).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``parameter``, ``output``, ``kind`` (``"mu"``,
        ``"mu_star"``, ``"sigma"``), ``estimate``, ``ci_low``, ``ci_high``,
        ``runs`` (design points used). ``attrs`` records the method, the
        trajectories, the bootstrap and the confidence.

    Raises
    ------
    buurtsim.SensitivityError
        The outputs hold NaN or inf, or do not have one row per design point.
    buurtsim.UsageError
        A bad argument.

    Examples
    --------
    With ``levels=4`` the effects of ``b ** 2`` are 2/3 or 4/3 (mu* = 1 in expectation), of ``3 a`` on
    [0, 2] exactly 6 (sigma = 0), of ``c`` 0:

    >>> import buurtsim
    >>> d = buurtsim.morris_design({"a": (0, 2), "b": (0, 1), "c": (0, 1)}, trajectories=20, seed=1)
    >>> x = d.points
    >>> y = 3 * x[:, 0] + x[:, 1] ** 2                  # c is inert, b acts nonlinearly
    >>> t = buurtsim.morris_indices(d, y, bootstrap=200)
    >>> t.pivot(index="parameter", columns="kind", values="estimate").round(2)  # doctest: +NORMALIZE_WHITESPACE
    kind         mu  mu_star  sigma
    parameter
    a          6.00     6.00   0.00
    b          1.07     1.07   0.34
    c          0.00     0.00   0.00
    """
    func = "morris_indices"
    _design_arg(func, design, "morris", "morris_design")
    values, names = _outputs_arg(func, design, outputs, output_names)
    draws = _int_arg(func, "bootstrap", bootstrap, 0)
    confidence = _confidence_arg(func, confidence)
    seed = _seed_arg(func, seed)
    r, k, m = design.info["trajectories"], len(design.parameters), values.shape[1]
    if design.runs != r * (k + 1):
        raise UsageError(f"{func}: the design is not a set of {r} Morris trajectories over {k} parameters")
    # Elementary effects (r, k, m): each step of a trajectory moves one parameter, in unit-cube units.
    unit = design.unit.reshape(r, k + 1, k)
    step = np.diff(unit, axis=1)                                    # (r, k, k): step s, parameter j
    moved = np.abs(step) > 0
    if not (moved.sum(axis=2) == 1).all() or not (moved.sum(axis=1) == 1).all():
        raise UsageError(f"{func}: the design's trajectories do not move one parameter per step")
    which = moved.argmax(axis=2)                                    # (r, k): parameter moved at step s
    dx = np.take_along_axis(step, which[:, :, None], axis=2)[:, :, 0]
    dy = np.diff(values.reshape(r, k + 1, m), axis=1)               # (r, k, m)
    effects = np.empty((r, k, m))
    np.put_along_axis(effects, which[:, :, None], dy / dx[:, :, None], axis=1)

    def stats(ee):  # (..., r, k, m) -> (..., 3, k, m)
        return np.stack([ee.mean(axis=-3), np.abs(ee).mean(axis=-3), ee.std(axis=-3, ddof=1)], axis=-3)

    estimate = stats(effects)
    if draws:
        low, high = _bootstrap(lambda idx: stats(effects[idx]), r, draws, confidence, seed, r * k * m)
    else:
        low = high = np.full_like(estimate, np.nan)
    table = _table(design, names, ["mu", "mu_star", "sigma"], estimate, low, high)
    table.attrs.update(method="morris", trajectories=r, levels=design.info["levels"], runs=design.runs,
                       bootstrap=draws, confidence=confidence, design_seed=design.seed, bootstrap_seed=seed)
    return table


def _sobol(ya, yb, yab):
    """First-order and total indices from yA, yB (..., N, m) and yAB (k, ..., N, m): (2, k, ..., m).

    Outputs are centred on the mean of the whole design first (as OpenTURNS does), which leaves the
    Jansen total unchanged and keeps the first-order estimator from losing precision to a large mean.
    """
    mean = (ya.sum(axis=-2, keepdims=True) + yb.sum(axis=-2, keepdims=True)
            + yab.sum(axis=(0, -2), keepdims=True)[0]) / (ya.shape[-2] * (2 + yab.shape[0]))
    ya, yb, yab = ya - mean, yb - mean, yab - mean
    variance = np.concatenate([ya, yb], axis=-2).var(axis=-2, ddof=1)
    # Saltelli et al. 2010, table 2 (b) (also Sobol 2007): V_i = E[f(B) (f(A_B^i) - f(A))]
    first = (yb * (yab - ya)).mean(axis=-2) / variance
    # Jansen 1999 (Saltelli et al. 2010, table 2 (f)): VT_i = E[(f(A) - f(A_B^i))^2] / 2
    total = 0.5 * ((ya - yab) ** 2).mean(axis=-2) / variance
    return np.stack([first, total])


def sobol_indices(design, outputs, *, output_names=None, bootstrap=1000, confidence=0.95, seed=0):
    """First-order and total Sobol indices from the outputs of a :func:`sobol_design`.

    The first-order index ``S1`` of a parameter is the share of the output's
    variance its own variation explains; the total index ``ST`` adds every
    interaction it takes part in, so ``ST - S1`` measures interactions and
    ``ST`` near 0 means the parameter can be fixed anywhere in its range.
    Estimators (Saltelli et al. 2010, table 2): ``S1`` by (b),
    ``V_i = mean(f(B) (f(A_B^i) - f(A)))``; ``ST`` by Jansen's (f),
    ``VT_i = mean((f(A) - f(A_B^i))^2) / 2``; both divided by the variance
    of ``f(A)`` and ``f(B)`` together (``ddof=1``), on outputs centred on
    the design's mean. Estimates may fall slightly outside [0, 1] by
    sampling error.

    Intervals are percentile bootstrap intervals: the ``N`` rows of A, B and
    every A_B^i are resampled together, with replacement. They cover the
    design's sampling error; noise in a stochastic model's outputs adds to
    the variance, so average replicates first if it should not count. On a
    scrambled Sobol design they are conservative, since the bootstrap treats
    the rows as independent draws (in the tests, 95 % intervals held the
    Ishigami values in about 99 % of designs).

    Parameters
    ----------
    design : Design
        From :func:`sobol_design`.
    outputs : array_like, pandas.DataFrame, pandas.Series or mapping
        One row per design point, in design order: shape ``(runs,)`` or
        ``(runs, m)``; a DataFrame's columns and a mapping's keys name the outputs.
    output_names : list of str, optional
        Names of the outputs (default as in :func:`morris_indices`).
    bootstrap : int
        Number of bootstrap resamples (>= 0; 0 gives no intervals: NaN).
    confidence : float
        Level of the intervals, in (0, 1).
    seed : int
        Seed of the bootstrap resampling (>= 0).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, ``kind`` ``"S1"`` or ``"ST"``; ``runs`` is
        the design's ``N (k + 2)``. ``attrs`` records the method, ``n``,
        the bootstrap and the confidence.

    Raises
    ------
    buurtsim.SensitivityError
        The outputs hold NaN or inf, do not have one row per design point, or
        an output does not vary over the design (its indices are undefined).
    buurtsim.UsageError
        A bad argument.

    Examples
    --------
    The Ishigami function (a = 7, b = 0.1), whose indices are known:
    S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244).

    >>> import numpy as np, buurtsim
    >>> d = buurtsim.sobol_design({"x1": (-np.pi, np.pi), "x2": (-np.pi, np.pi), "x3": (-np.pi, np.pi)},
    ...                           n=4096, seed=0)
    >>> x = d.points
    >>> y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])   # Ishigami
    >>> t = buurtsim.sobol_indices(d, {"ishigami": y}, bootstrap=200)
    >>> t.pivot(index="parameter", columns="kind", values="estimate").round(2)  # doctest: +NORMALIZE_WHITESPACE
    kind         S1    ST
    parameter
    x1         0.32  0.56
    x2         0.44  0.44
    x3         0.00  0.24
    """
    func = "sobol_indices"
    _design_arg(func, design, "sobol", "sobol_design")
    values, names = _outputs_arg(func, design, outputs, output_names)
    draws = _int_arg(func, "bootstrap", bootstrap, 0)
    confidence = _confidence_arg(func, confidence)
    seed = _seed_arg(func, seed)
    n, k, m = design.info["n"], len(design.parameters), values.shape[1]
    if design.runs != n * (k + 2):
        raise UsageError(f"{func}: the design is not a Saltelli design of {n} base points over {k} parameters")
    blocks = values.reshape(k + 2, n, m)
    ya, yb, yab = blocks[0], blocks[1], blocks[2:]
    constant = [names[j] for j in range(m) if np.ptp(np.concatenate([ya[:, j], yb[:, j]])) == 0]
    if constant:
        raise SensitivityError(f"{func}: output(s) {', '.join(map(repr, constant))} do not vary over the design's "
                               f"A and B points, so their Sobol indices are undefined: leave them out")
    estimate = _sobol(ya, yb, yab)                                  # (2, k, m)
    if draws:
        low, high = _bootstrap(lambda idx: np.moveaxis(_sobol(ya[idx], yb[idx], yab[:, idx]), 2, 0),
                               n, draws, confidence, seed, (k + 2) * n * m * 2)
    else:
        low = high = np.full_like(estimate, np.nan)
    table = _table(design, names, ["S1", "ST"], estimate, low, high)
    table.attrs.update(method="sobol", n=n, runs=design.runs, bootstrap=draws, confidence=confidence,
                       design_seed=design.seed, bootstrap_seed=seed,
                       estimators="S1: Saltelli et al. 2010 (b); ST: Jansen 1999")
    return table
