"""Paired comparison of scenarios (:func:`compare`), per-wijk effects and aggregation helpers.

The comparison is the C++ code of ``buurtsim compare`` (model/src/compare.cpp,
docs/FORMAT.md group ``/comparison``), called through ``buurtsim._core`` on
the Dataset's arrays; this module turns its columns into a DataFrame. How an
indicator is aggregated, its label and its unit come from the indicator spec
(``_core.indicator_specs()``). ``tests/python/reference_compare.py`` is the
slow numpy reference the tests check this against.
"""

import os

import numpy as np
import pandas as pd
import xarray as xr

from . import _core
from .errors import IoError, UsageError  # noqa: F401  (IoError: raised by _core, documented here)

__all__ = ["compare", "compare_by_wijk", "aggregation", "horizon_values", "city_series", "KEY_INDICATORS",
           "t_interval", "parameters_with_priors"]

KEY_INDICATORS = _core.key_indicators()
SAVINGS = _core.savings_indicator  # "euro_saved_per_euro_spent"
SAVINGS_LABEL = _core.savings_label
SAVINGS_UNIT = _core.savings_unit
# Every savings row (both payers, the gemeente, the zorgverzekeraar), in table order.
SAVINGS_ROWS = [r["indicator"] for r in _core.savings_rows()]
COLUMNS = [s["name"] for s in _core.dataset_specs() if s["group"] == "comparison" and s["dims"] != (s["name"],)]
DIMS = ("scenario", "replicate", "week", "buurt")

_SPECS = {s["name"]: s for s in _core.indicator_specs()}
_KEY = {k["indicator"]: k for k in KEY_INDICATORS}


def aggregation(indicator):
    """How an indicator is summed over weeks and buurten: ``(how, weight)``.

    ``how`` is ``"flow"`` (this-week totals: summed over weeks and buurten),
    ``"stock"`` (end-of-week counts: summed over buurten, averaged over weeks)
    or ``"weighted_mean"`` (shares, scores, waits: averaged over weeks and
    buurten weighted by ``weight``, e.g. ``adults``). The key indicators use
    the rules of ``buurtsim compare``; the others follow their unit.

    >>> import buurtsim
    >>> buurtsim.aggregation("lonely_share")
    ('weighted_mean', 'adults')
    >>> buurtsim.aggregation("wmo_clients")
    ('stock', None)
    """
    spec = _SPECS.get(indicator)
    if spec is None:
        raise UsageError(f'unknown indicator "{indicator}"; the indicators are listed in docs/FORMAT.md')
    return spec["how"], spec["weight"]


def _as_dataset(source):
    if isinstance(source, xr.Dataset):
        return source
    if isinstance(source, (str, os.PathLike)):
        from .load import load

        return load(source)
    raise TypeError(f"expected an xarray.Dataset from buurtsim.run/load or a result file path, "
                    f"got {type(source).__name__}")


def _arrays(ds, names):
    """{name: array (scenario, replicate, week, buurt)} of those of `names` the Dataset has (the C++ code
    says which one is missing); float64 arrays are passed on without a copy."""
    return {n: ds[n].transpose(*DIMS).values for n in dict.fromkeys(names) if n is not None and n in ds}


def _shape(ds):
    return tuple(int(ds.sizes[d]) for d in DIMS)


def _weeks_from(weeks_from):
    weeks_from = int(weeks_from)
    if weeks_from < 0:
        raise UsageError(f"weeks_from must be >= 0, got {weeks_from}")
    return weeks_from


def horizon_values(ds, indicator, area=None, weeks_from=0):
    """The horizon value of an indicator per scenario and replicate, as ``buurtsim compare`` defines it.

    Parameters
    ----------
    ds : xarray.Dataset
    indicator : str
    area : boolean array over ``buurt``, or (scenario, buurt), optional
        Buurten to include (default: all).
    weeks_from : int
        First week of the horizon; it ends at the last week.

    Returns
    -------
    numpy.ndarray (scenario, replicate)
    """
    _, weight = aggregation(indicator)
    n_scen, n_buurt = ds.sizes["scenario"], ds.sizes["buurt"]
    mask = np.ones((n_scen, n_buurt), dtype=bool) if area is None else np.asarray(area, dtype=bool)
    mask = np.broadcast_to(mask, (n_scen, n_buurt)).astype(np.uint8)
    return _core.horizon_values(_arrays(ds, [indicator, weight]), _shape(ds), indicator, mask,
                                _weeks_from(weeks_from))


def t_interval(x, level=0.95):
    """Mean and two-sided Student-t interval of the finite values of ``x``: ``(n, mean, low, high)``.

    NaN mean for n = 0, NaN interval for n < 2; equal values give a zero-width interval.
    """
    return _core.t_interval(np.asarray(x, dtype=np.float64).ravel().tolist(), level)


def _names(ds):
    return [str(n) for n in ds["scenario_name"].values]


def _default_baseline(names, baseline):
    if baseline is not None:
        return baseline
    return "baseline" if "baseline" in names else names[0]


def compare(source, baseline=None, *, weeks_from=0, confidence=0.95):
    """Paired differences of every scenario from a baseline, with intervals and cost-benefit.

    The same table as ``buurtsim compare OUT.h5 --baseline NAME`` (and its
    ``/comparison`` group): for each scenario other than the baseline, the
    areas ``city`` (every buurt) and ``targeted`` (the buurten the
    scenario's interventions target), and each key indicator, one row with

    - ``baseline_mean``, ``scenario_mean``: the horizon value (weeks
      ``weeks_from`` to the last) averaged over replicates;
    - ``estimate``: the mean over replicates of scenario minus baseline
      within the same replicate (common random numbers), with the
      ``confidence`` Student-t interval ``ci_low``, ``ci_high``;
    - ``relative_change``: estimate / baseline_mean;
    - with priors (the Dataset has ``parameter_values``: each replicate drew its own parameter
      values, the same in both scenarios of a pair), ``ui_low``, ``ui_high``: the 2.5 and 97.5 %
      quantiles (at ``confidence`` 0.95) of the pairs' own differences, where the effect lies given
      the uncertain parameters and chance together (total uncertainty); NaN without priors. The
      t interval ``ci_low``, ``ci_high`` is then the Monte Carlo error of the mean, not how sure the
      effect is (docs/FORMAT.md, "Parameter uncertainty").

    The last rows of each block (``SAVINGS_ROWS``) are the mean and interval
    of the per-replicate ratio (baseline care cost - scenario care cost) /
    scenario intervention cost: care cost saved per euro spent (NaN without
    intervention cost), for both payers (``euro_saved_per_euro_spent``, care
    cost = total cost - intervention cost), the gemeente
    (``..._gemeente``: gemeente cost - intervention cost) and the
    zorgverzekeraar (``..._zorgverzekeraar``: its huisarts, POH-GGZ and
    acute-care cost). Every euro indicator has a payer
    (``_core.indicator_specs()``, key ``payer``). Their column
    ``p_saving_exceeds_cost`` is the share of pairs with a ratio above 1: the
    probability that the payer's care cost saved exceeds the intervention cost
    (over parameters and chance with priors, over chance only without).

    Parameters
    ----------
    source : xarray.Dataset or path
        From :func:`buurtsim.run` or :func:`buurtsim.load`, or a result file.
    baseline : str, optional
        Name of the baseline scenario; default ``"baseline"`` if there is
        one, else the first scenario.
    weeks_from : int
        First week of the horizon (e.g. skip weeks before interventions start).
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns scenario_name, area, indicator, label, unit, buurten,
        replicates, baseline_mean, scenario_mean, estimate, ci_low, ci_high,
        relative_change, ui_low, ui_high, p_saving_exceeds_cost; ``attrs`` holds
        baseline, weeks_from, weeks_to, replicate_ids, confidence and
        parameters_with_priors (newline-joined names; empty without priors).

    Examples
    --------
    >>> import buurtsim
    >>> ds = buurtsim.run(["baseline", "facilitator-every-wijk"], replicates=3, weeks=26,
    ...                   population__scale=0.05, population__wijken=["WK034403"])   # doctest: +SKIP
    >>> t = buurtsim.compare(ds, baseline="baseline")                                # doctest: +SKIP
    >>> t[(t.area == "city")][["label", "estimate", "ci_low", "ci_high"]]            # doctest: +SKIP
    """
    ds = _as_dataset(source)
    names = _names(ds)
    baseline = _default_baseline(names, baseline)
    weeks_from = _weeks_from(weeks_from)
    shape = _shape(ds)
    targeted = (np.asarray(ds["targeted"].transpose("scenario", "buurt").values) != 0
                if "targeted" in ds else np.zeros((shape[0], shape[3]), dtype=bool))
    replicate_ids = np.asarray(ds["replicate"].values, dtype=np.int32)
    parameters = parameters_with_priors(ds)
    columns = _core.compare(_arrays(ds, _core.comparison_inputs()), shape, names, replicate_ids.tolist(),
                            targeted.astype(np.uint8), baseline, weeks_from, float(confidence), parameters)
    table = pd.DataFrame(columns, columns=COLUMNS)
    table["buurten"] = table["buurten"].astype(np.int32)
    table["replicates"] = table["replicates"].astype(np.int32)
    table.attrs.update(baseline=baseline, weeks_from=weeks_from, weeks_to=shape[2] - 1,
                       replicate_ids=replicate_ids, confidence=confidence,
                       parameters_with_priors="\n".join(parameters))
    return table


def parameters_with_priors(ds):
    """The names of the parameters that had priors in a Dataset (its ``parameter`` coordinate), or []."""
    if "parameter_values" not in ds:
        return []
    return [str(n) for n in ds["parameter"].values]


def compare_by_wijk(source, indicator, baseline=None, *, weeks_from=0, confidence=0.95):
    """Where effects land: the paired difference of one indicator per wijk.

    One row per (scenario other than the baseline, wijk) with the same
    columns as :func:`compare` (``area`` is the wijk code; ``wijk_name`` is
    added). Horizon values follow :func:`aggregation`.

    >>> import buurtsim
    >>> w = buurtsim.compare_by_wijk(ds, "questions_unmet_open")        # doctest: +SKIP
    """
    ds = _as_dataset(source)
    names = _names(ds)
    baseline = _default_baseline(names, baseline)
    weeks_from = _weeks_from(weeks_from)
    _core.check_baseline(names, baseline, weeks_from, ds.sizes["week"])
    aggregation(indicator)  # UsageError for an unknown name
    b = names.index(baseline)
    priors = bool(parameters_with_priors(ds))
    codes = np.asarray(ds["wijk_code"].values).astype(str)
    wijk_names = np.asarray(ds["wijk_name"].values).astype(str)
    spec = _SPECS[indicator]
    label = spec["label"] or spec["meaning"]
    unit = _KEY[indicator]["unit"] if indicator in _KEY else spec["unit"]
    rows = []
    for code in dict.fromkeys(codes):
        area = codes == code
        h = horizon_values(ds, indicator, area, weeks_from)
        for s, name in enumerate(names):
            if s == b:
                continue
            rows.append(dict(scenario_name=name, area=code, wijk_name=wijk_names[area][0], indicator=indicator,
                             label=label, unit=unit, buurten=int(area.sum()),
                             **_core.paired_difference(h[b].tolist(), h[s].tolist(), confidence, priors)))
    return pd.DataFrame(rows)


def city_series(ds, indicator, area=None):
    """An indicator per scenario, replicate and week for the whole area: sums for counts, hours and
    euro; means weighted as in :func:`aggregation` for shares and scores.

    Returns an :class:`xarray.DataArray` (scenario, replicate, week).
    """
    how, weight = aggregation(indicator)
    v = ds[indicator].astype(np.float64)
    if area is not None:
        keep = xr.DataArray(np.asarray(area, dtype=bool), dims="buurt")
        v = v.where(keep)
    if how in ("flow", "stock"):
        return v.sum("buurt", skipna=True)
    w = ds[weight].astype(np.float64)
    ok = (w > 0) & v.notnull()
    if area is not None:
        ok = ok & keep
    num = (v.fillna(0) * w).where(ok, 0).sum("buurt")
    den = w.where(ok, 0).sum("buurt")
    return (num / den).where(den > 0)
