"""Sensitivity indices of an exploration: :func:`sensitivity` (Morris or Sobol) per scenario, area and output."""

import numpy as np
import pandas as pd

from .errors import SensitivityError, UsageError
from .explore_result import _result_arg, design_of
from .sensitivity import morris_indices, sobol_indices

__all__ = ["sensitivity"]


def _selection(func, result, dim, chosen):
    have = [str(v) for v in result[dim].values]
    if chosen is None:
        return have
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    for c in chosen:
        if c not in have:
            raise UsageError(f"{func}: {dim} {c!r} is not in the exploration ({', '.join(have)})")
    return chosen


def sensitivity(result, method=None, *, scenario=None, area=None, outputs=None, bootstrap=1000, confidence=0.95,
                seed=0):
    """Sensitivity indices of every output of an exploration: Morris mu, mu*, sigma or Sobol S1, ST.

    Calls :func:`buurtsim.morris_indices` or :func:`buurtsim.sobol_indices`
    on the exploration's design and ``difference`` (the paired difference,
    mean over replicates), for every scenario, area and output.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`buurtsim.explore` of a :func:`buurtsim.morris_design` or :func:`buurtsim.sobol_design`.
    method : "morris" or "sobol", optional
        Default: the design's method (each design has one estimator).
    scenario, area, outputs : str or list of str, optional
        Restrict the table (default: all of the exploration's).
    bootstrap, confidence, seed
        As for the estimators.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario``, ``area``, then those of the estimators
        (``parameter, output, kind, estimate, ci_low, ci_high, runs``).
        ``attrs["left_out"]`` lists (scenario, area, output, reason) of outputs
        without indices: undefined at every point (NaN, e.g. euro saved per
        euro spent without intervention cost), or for Sobol constant over the
        design; ``attrs`` also holds the estimator's attributes.

    Raises
    ------
    buurtsim.UsageError
        A bad argument, a Latin hypercube or table exploration (no indices),
        or a method that is not the design's.
    buurtsim.SensitivityError
        An output is NaN at some design points but not all.
    """
    func = "sensitivity"
    _result_arg(func, result)
    design_method = result.attrs.get("design_method")
    if design_method not in ("morris", "sobol", "lhs"):
        design_of(result)   # raises: a table of points has no design to read indices from
    if method is None:
        method = design_method
    if method not in ("morris", "sobol"):
        raise UsageError(f"{func}: method must be 'morris' or 'sobol', got {method!r}"
                         + (" (a Latin hypercube exploration propagates uncertainty; it gives no indices)"
                            if method == "lhs" else ""))
    if design_method != method:
        raise UsageError(f"{func}: method {method!r} needs a {method} design, but the exploration ran a "
                         f"{design_method} design")
    design = design_of(result)
    estimator = morris_indices if method == "morris" else sobol_indices
    scenarios = _selection(func, result, "scenario", scenario)
    areas = _selection(func, result, "area", area)
    chosen = _selection(func, result, "output", outputs)
    tables, left_out, attrs = [], [], {}
    n = design.info.get("n")
    for s in scenarios:
        for a in areas:
            frame = result["difference"].sel(scenario=s, area=a, output=chosen).transpose("point", "output").to_pandas()
            keep = []
            for o in chosen:
                col = frame[o].to_numpy(dtype=float)
                if np.isnan(col).all():
                    left_out.append((s, a, o, "undefined (NaN) at every design point"))
                elif method == "sobol" and np.isfinite(col).all() and np.ptp(col[:2 * n]) == 0:
                    left_out.append((s, a, o, "does not vary over the design's A and B points"))
                else:
                    keep.append(o)
            if not keep:
                continue
            try:
                table = estimator(design, frame[keep], bootstrap=bootstrap, confidence=confidence, seed=seed)
            except SensitivityError as e:
                raise SensitivityError(f"{func}: scenario {s}, area {a}: {e}") from None
            table.insert(0, "area", a)
            table.insert(0, "scenario", s)
            tables.append(table)
            attrs = dict(table.attrs)
    columns = ["scenario", "area", "parameter", "output", "kind", "estimate", "ci_low", "ci_high", "runs"]
    out = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    out.attrs.update(attrs)
    out.attrs.update(method=method, left_out=left_out, replicates=int(result.attrs.get("replicates", 0)))
    return out
