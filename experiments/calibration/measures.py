"""Model values of the targets: city-level statistics of a result, one value per replicate,
yearly drift, and the summary of replicate values (mean, percentiles, the t interval of
buurtsim.compare)."""
from __future__ import annotations

import numpy as np
import xarray as xr
from buurtsim.compare import t_interval

from targets import STATISTICS, Target

WEEKS_PER_YEAR = 52

# Extra indicators for the drift table only (not targets): name -> spec.
DRIFT_EXTRA = {
    "carers_overburdened_share": dict(label="Carers overburdened", statistic="ratio",
                                      indicator="carers_overburdened", denominator="carers",
                                      multiplier=100.0, unit="% of carers"),
    "buurtteam_waiting_per_1000": dict(label="On the buurtteam waiting list", statistic="ratio",
                                       indicator="buurtteam_waiting", denominator="residents",
                                       multiplier=1000.0, unit="per 1,000 residents"),
    "buurtteam_clients_per_1000": dict(label="Open buurtteam cases", statistic="ratio",
                                       indicator="buurtteam_clients", denominator="residents",
                                       multiplier=1000.0, unit="per 1,000 residents"),
    "unmet_open_per_1000": dict(label="Open unmet questions", statistic="ratio",
                                indicator="questions_unmet_open", denominator="residents",
                                multiplier=1000.0, unit="per 1,000 residents"),
    "escalations_per_1000": dict(label="Escalations", statistic="annual_per_capita",
                                 indicator="escalations", denominator="residents",
                                 multiplier=1000.0, unit="per 1,000 residents per year"),
    "mean_ties_in_buurt": dict(label="Ties within the own buurt", statistic="weekly_weighted_mean",
                               indicator="mean_ties_in_buurt", weight="adults",
                               multiplier=1.0, unit="ties per adult"),
}


# Reductions over buurten and weeks, per replicate. "weighted_mean" is the one of
# buurtsim.aggregation and `buurtsim compare` (over weeks and buurten together, weighted);
# "weekly_weighted_mean" is another statistic: the weighted mean over buurten of each week,
# then the plain mean of those over the weeks (every week counts the same).

def _weekly_weighted_mean(ds, x, w):
    xv, wv = ds[x].astype(float), ds[w].astype(float)
    ok = xv.notnull() & (wv > 0)
    num = (xv.where(ok, 0.0) * wv.where(ok, 0.0)).sum("buurt")
    den = wv.where(ok, 0.0).sum("buurt")
    return (num / den.where(den > 0)).mean("week", skipna=True)


def _ratio(ds, x, d):
    num = ds[x].astype(float).sum("buurt")
    den = ds[d].astype(float).sum("buurt")
    return (num / den.where(den > 0)).mean("week", skipna=True)


def _annual_per_capita(ds, x, d):
    n = ds.sizes["week"]
    total = ds[x].astype(float).sum(("week", "buurt"))
    den = ds[d].astype(float).sum("buurt").mean("week")
    return total / den.where(den > 0) * WEEKS_PER_YEAR / n


def _weighted_mean(ds, x, w):
    xv, wv = ds[x].astype(float), ds[w].astype(float)
    ok = xv.notnull() & (wv > 0)
    num = (xv.where(ok, 0.0) * wv.where(ok, 0.0)).sum(("week", "buurt"))
    den = wv.where(ok, 0.0).sum(("week", "buurt"))
    return num / den.where(den > 0)


def _ratio_of_sums(ds, x, d):
    num = ds[x].astype(float).sum(("week", "buurt"))
    den = ds[d].astype(float).sum(("week", "buurt"))
    return num / den.where(den > 0)


_STAT_FUNCS = {"weekly_weighted_mean": _weekly_weighted_mean, "ratio": _ratio,
               "annual_per_capita": _annual_per_capita, "weighted_mean": _weighted_mean,
               "ratio_of_sums": _ratio_of_sums}
assert tuple(_STAT_FUNCS) == STATISTICS


def select_weeks(ds: xr.Dataset, first: int, last: int) -> xr.Dataset:
    """Weeks first..last inclusive (by the week coordinate)."""
    w = ds["week"].values
    return ds.isel(week=np.nonzero((w >= first) & (w <= last))[0])


def statistic(ds: xr.Dataset, statistic_name: str, indicator: str, other: str, multiplier: float = 1.0) -> np.ndarray:
    """City-level statistic per replicate (array over the replicate dimension)."""
    if ds.sizes["week"] == 0:
        raise ValueError("no weeks selected")
    res = _STAT_FUNCS[statistic_name](ds, indicator, other) * multiplier
    return np.atleast_1d(np.asarray(res.transpose("replicate").values, dtype=float))


def target_statistic(ds: xr.Dataset, t: Target, first: int = 52, last: int = 10**9) -> np.ndarray:
    return statistic(select_weeks(ds, first, last), t.statistic, t.indicator, t.other, t.multiplier)


def needed_variables(targets: list[Target]) -> list[str]:
    names = {"residents", "adults", "adults_65plus"}
    for t in targets:
        names |= {t.indicator, t.other}
    for spec in DRIFT_EXTRA.values():
        names |= {spec["indicator"], spec.get("weight", spec.get("denominator"))}
    return sorted(names)


def summarize(values: np.ndarray) -> dict:
    """Mean, 2.5-97.5 percentiles of replicate values, and the 95 % t interval of the mean
    (buurtsim.compare.t_interval, the interval of the comparison tables)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return dict(n=0, mean=np.nan, p025=np.nan, p975=np.nan, ci_lo=np.nan, ci_hi=np.nan, sd=np.nan)
    _, mean, lo, hi = t_interval(v, 0.95)
    sd = float(v.std(ddof=1)) if n > 1 else 0.0
    return dict(n=n, mean=float(mean), sd=sd, p025=float(np.percentile(v, 2.5)), p975=float(np.percentile(v, 97.5)),
                ci_lo=float(lo), ci_hi=float(hi))


def yearly_drift(ds: xr.Dataset, specs: dict[str, dict], years: int) -> dict[str, list[float]]:
    """City-level yearly means (years 1..n, mean over replicates) per indicator spec."""
    out = {}
    for name, s in specs.items():
        vals = []
        for y in range(years):
            sub = select_weeks(ds, y * WEEKS_PER_YEAR, (y + 1) * WEEKS_PER_YEAR - 1)
            other = s.get("weight", s.get("denominator"))
            vals.append(float(np.nanmean(statistic(sub, s["statistic"], s["indicator"], other,
                                                   s.get("multiplier", 1.0)))))
        out[name] = vals
    return out


def drift_specs(targets: list[Target]) -> dict[str, dict]:
    specs = {t.name: dict(label=t.label, statistic=t.statistic, indicator=t.indicator,
                          weight=t.other, multiplier=t.multiplier, unit=t.unit) for t in targets}
    specs.update(DRIFT_EXTRA)
    return specs


def relative_change(a: float, b: float) -> float:
    if not (np.isfinite(a) and np.isfinite(b)) or a == 0:
        return np.nan
    return (b - a) / abs(a)
