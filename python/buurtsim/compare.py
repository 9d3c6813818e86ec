"""Paired comparison of scenarios (:func:`compare`), per-wijk effects and aggregation helpers.

The definitions are those of ``buurtsim compare`` (model/src/compare.cpp,
docs/FORMAT.md group ``/comparison``): for every scenario other than the
baseline, two areas (``city`` and the scenario's ``targeted`` buurten) and
each key indicator, the horizon value per replicate, the paired difference
scenario - baseline within each replicate (common random numbers), its mean
and Student-t interval, and the care cost saved per euro of intervention
cost. ``tests/python/test_python_api.py`` checks this module against the
table ``buurtsim compare`` writes.
"""

import os

import numpy as np
import pandas as pd
import xarray as xr

from . import _core
from .errors import IoError, UsageError

__all__ = ["compare", "compare_by_wijk", "aggregation", "horizon_values", "city_series", "KEY_INDICATORS",
           "t_interval"]

KEY_INDICATORS = _core.key_indicators()
SAVINGS = _core.savings_indicator  # "euro_saved_per_euro_spent"
SAVINGS_LABEL = "Care cost saved per euro of intervention cost"
SAVINGS_UNIT = "EUR/EUR"
COLUMNS = ["scenario_name", "area", "indicator", "label", "unit", "buurten", "replicates", "baseline_mean",
           "scenario_mean", "estimate", "ci_low", "ci_high", "relative_change"]

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
    if indicator in _KEY:
        return _KEY[indicator]["how"], _KEY[indicator]["weight"]
    if indicator not in _SPECS:
        raise UsageError(f'unknown indicator "{indicator}"; the indicators are listed in docs/FORMAT.md')
    unit = _SPECS[indicator]["unit"]
    if indicator == "buurtteam_wait_weeks":
        return "weighted_mean", "buurtteam_started"
    if unit == "share of residents 65+":
        return "weighted_mean", "adults_65plus"
    if unit.startswith("share") or unit in ("0-10", "ties/adult"):
        return "weighted_mean", "adults"
    if unit.endswith("/week"):
        return "flow", None
    return "stock", None


def _as_dataset(source):
    if isinstance(source, xr.Dataset):
        return source
    if isinstance(source, (str, os.PathLike)):
        from .load import load

        return load(source)
    raise TypeError(f"expected an xarray.Dataset from buurtsim.run/load or a result file path, "
                    f"got {type(source).__name__}")


def _values(ds, name):
    if name not in ds:
        raise IoError(f"the result file has no indicator {name}, which the comparison needs "
                      "(written by an older buurtsim?)")
    return np.asarray(ds[name].transpose("scenario", "replicate", "week", "buurt").values, dtype=np.float64)


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
    how, weight = aggregation(indicator)
    v = _values(ds, indicator)[:, :, weeks_from:, :]
    n_scen, _, n_weeks, n_buurt = v.shape
    mask = np.ones((n_scen, n_buurt), dtype=bool) if area is None else np.asarray(area, dtype=bool)
    if mask.ndim == 1:
        mask = np.broadcast_to(mask, (n_scen, n_buurt))
    m = mask[:, None, None, :]
    if how in ("flow", "stock"):
        total = np.where(m, v, 0.0).sum(axis=(2, 3))
        return total if how == "flow" else (total / n_weeks if n_weeks > 0 else np.full_like(total, np.nan))
    w = _values(ds, weight)[:, :, weeks_from:, :]
    ok = m & (w > 0) & ~np.isnan(v)  # a share is NaN exactly where its weight is 0: skip, not NaN * 0
    num = np.where(ok, w * np.where(ok, v, 0.0), 0.0).sum(axis=(2, 3))
    den = np.where(ok, w, 0.0).sum(axis=(2, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def t_interval(x, level=0.95):
    """Mean and two-sided Student-t interval of the finite values of ``x``: ``(n, mean, low, high)``.

    NaN mean for n = 0, NaN interval for n < 2; equal values give a zero-width interval.
    """
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return 0, np.nan, np.nan, np.nan
    mean = x.sum() / n
    if n < 2:
        return n, mean, np.nan, np.nan
    se = np.sqrt(((x - mean) ** 2).sum() / (n - 1) / n)
    t = stats.t.ppf(0.5 + level / 2, n - 1)
    return n, mean, mean - t * se, mean + t * se


def _names(ds):
    return [str(n) for n in ds["scenario_name"].values]


def _default_baseline(names, baseline):
    if baseline is not None:
        return baseline
    return "baseline" if "baseline" in names else names[0]


def _check_baseline(names, baseline, weeks, weeks_from):
    if baseline not in names:
        raise UsageError(f'baseline "{baseline}" is not a scenario of the file; its scenarios are '
                         + ", ".join(f'"{n}"' for n in names))
    if len(names) < 2:
        raise UsageError(f'the file holds only the scenario "{baseline}": nothing to compare it with (run several '
                         "scenarios into one file: buurtsim run A.toml B.toml -o OUT.h5)")
    if not 0 <= weeks_from < weeks:
        raise UsageError(f"the horizon must start before the last week: weeks_from = {weeks_from} but the file has "
                         f"{weeks} weeks (0-{weeks - 1})")


def _pair_row(b_vals, s_vals, level):
    ok = np.isfinite(b_vals) & np.isfinite(s_vals)
    n, mean, low, high = t_interval(s_vals[ok] - b_vals[ok], level)
    base = t_interval(b_vals[ok], level)[1]
    scen = t_interval(s_vals[ok], level)[1]
    rel = mean / base if np.isfinite(base) and base != 0 else np.nan
    return dict(replicates=n, baseline_mean=base, scenario_mean=scen, estimate=mean, ci_low=low, ci_high=high,
                relative_change=rel)


def _savings(b_total, b_int, s_total, s_int):
    """Care cost saved per euro of intervention cost, per replicate pair (NaN without intervention cost)."""
    b_care = b_total - b_int
    s_care = s_total - s_int
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s_int > 0, (b_care - s_care) / np.where(s_int > 0, s_int, 1.0), np.nan)


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
    - ``relative_change``: estimate / baseline_mean.

    The last row of each block, ``euro_saved_per_euro_spent``, is the mean
    and interval of the per-replicate ratio (baseline care cost - scenario
    care cost) / scenario intervention cost, care cost = total cost -
    intervention cost: care cost saved per euro spent (NaN without
    intervention cost).

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
        relative_change; ``attrs`` holds baseline, weeks_from, weeks_to,
        replicate_ids and confidence.

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
    weeks = ds.sizes["week"]
    _check_baseline(names, baseline, weeks, int(weeks_from))
    weeks_from = int(weeks_from)
    b = names.index(baseline)
    n_buurt = ds.sizes["buurt"]
    targeted = (np.asarray(ds["targeted"].transpose("scenario", "buurt").values) != 0
                if "targeted" in ds else np.zeros((len(names), n_buurt), dtype=bool))
    city = np.ones(n_buurt, dtype=bool)

    rows = []
    for s, name in enumerate(names):
        if s == b:
            continue
        for area_name, area in (("city", city), ("targeted", targeted[s])):
            n_area = int(area.sum())
            head = dict(scenario_name=name, area=area_name, buurten=n_area)
            if n_area == 0:
                empty = dict(replicates=0, baseline_mean=np.nan, scenario_mean=np.nan, estimate=np.nan,
                             ci_low=np.nan, ci_high=np.nan, relative_change=np.nan)
                for k in KEY_INDICATORS:
                    rows.append({**head, "indicator": k["indicator"], "label": k["label"], "unit": k["unit"], **empty})
                rows.append({**head, "indicator": SAVINGS, "label": SAVINGS_LABEL, "unit": SAVINGS_UNIT, **empty})
                continue
            values = {}
            for k in KEY_INDICATORS:
                h = horizon_values(ds, k["indicator"], area, weeks_from)
                values[k["indicator"]] = h
                rows.append({**head, "indicator": k["indicator"], "label": k["label"], "unit": k["unit"],
                             **_pair_row(h[b], h[s], confidence)})
            tot, inv = values["total_cost_eur"], values["intervention_cost_eur"]
            n, mean, low, high = t_interval(_savings(tot[b], inv[b], tot[s], inv[s]), confidence)
            rows.append({**head, "indicator": SAVINGS, "label": SAVINGS_LABEL, "unit": SAVINGS_UNIT,
                         "replicates": n, "baseline_mean": np.nan, "scenario_mean": np.nan, "estimate": mean,
                         "ci_low": low, "ci_high": high, "relative_change": np.nan})
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["buurten"] = table["buurten"].astype(np.int32)
    table["replicates"] = table["replicates"].astype(np.int32)
    table.attrs.update(baseline=baseline, weeks_from=weeks_from, weeks_to=weeks - 1,
                       replicate_ids=np.asarray(ds["replicate"].values, dtype=np.int32), confidence=confidence)
    return table


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
    _check_baseline(names, baseline, ds.sizes["week"], int(weeks_from))
    b = names.index(baseline)
    codes = np.asarray(ds["wijk_code"].values).astype(str)
    wijk_names = np.asarray(ds["wijk_name"].values).astype(str)
    order = list(dict.fromkeys(codes))
    spec = _SPECS.get(indicator, {})
    label = _KEY[indicator]["label"] if indicator in _KEY else spec.get("meaning", indicator)
    rows = []
    for code in order:
        area = codes == code
        h = horizon_values(ds, indicator, area, int(weeks_from))
        for s, name in enumerate(names):
            if s == b:
                continue
            rows.append(dict(scenario_name=name, area=code, wijk_name=wijk_names[area][0], indicator=indicator,
                             label=label, unit=_KEY[indicator]["unit"] if indicator in _KEY else spec.get("unit"),
                             buurten=int(area.sum()), **_pair_row(h[b], h[s], confidence)))
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
