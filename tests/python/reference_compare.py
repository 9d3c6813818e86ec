"""A slow, plain reference of the paired comparison (STYLE 22), in numpy and scipy.

``buurtsim compare`` and :func:`buurtsim.compare` run the C++ code of
model/src/compare.cpp. This module recomputes the same table from the rules
in words (docs/FORMAT.md, "Comparison group"), with its own table of how each
indicator is aggregated, so that tests can check the fast code against it:
tests/python/test_compare.py (the CLI) and tests/python/test_python_api.py
(the Python API). Only labels and units are taken from the package; every
number is computed here.
"""
import math

import numpy as np
import pandas as pd
from scipy import stats

# How each key indicator becomes one value per replicate over the horizon and an area:
# "flow" (sum over weeks and buurten), "stock" (mean over weeks of the sum over buurten)
# or the name of the weight of a weighted mean over weeks and buurten. Table order.
KEY = {
    "buurtteam_hours": "flow",
    "buurtteam_hours_needed": "flow",
    "buurtteam_wait_weeks": "buurtteam_started",
    "wmo_clients": "stock",
    "wmo_clients_year": "stock",
    "crises": "flow",
    "questions_unmet": "stock",
    "questions_unmet_open": "stock",
    "gp_contacts": "flow",
    "acute_care_contacts": "flow",
    "lonely_share": "adults",
    "severely_lonely_share": "adults",
    "cohesion_score": "adults",
    "informal_care_hours": "flow",
    "volunteer_hours": "flow",
    "buurtteam_cost_eur": "flow",
    "wmo_cost_eur": "flow",
    "general_provision_cost_eur": "flow",
    "intervention_cost_eur": "flow",
    "gemeente_cost_eur": "flow",
    "gp_cost_eur": "flow",
    "poh_ggz_cost_eur": "flow",
    "acute_care_cost_eur": "flow",
    "zorgverzekeraar_cost_eur": "flow",
    "total_cost_eur": "flow",
}
SAVINGS = "euro_saved_per_euro_spent"
# The savings rows after the key indicators: name -> (the payer's cost sum, whether it includes the
# intervention cost, which the gemeente pays).
SAVINGS_ROWS = {
    SAVINGS: ("total_cost_eur", True),
    "euro_saved_per_euro_spent_gemeente": ("gemeente_cost_eur", True),
    "euro_saved_per_euro_spent_zorgverzekeraar": ("zorgverzekeraar_cost_eur", False),
}
COLUMNS = ["scenario_name", "area", "indicator", "label", "unit", "buurten", "replicates", "baseline_mean",
           "scenario_mean", "estimate", "ci_low", "ci_high", "relative_change", "ui_low", "ui_high",
           "p_saving_exceeds_cost"]
NAN_TAIL = dict(ui_low=math.nan, ui_high=math.nan, p_saving_exceeds_cost=math.nan)


def rule(name, unit):
    """The aggregation of any indicator from its unit, as docs/FORMAT.md words it."""
    if name in KEY:
        return KEY[name]
    if unit == "share of residents 65+":
        return "adults_65plus"
    if unit.startswith("share") or unit in ("0-10", "ties/adult"):
        return "adults"
    return "flow" if unit.endswith("/week") else "stock"


def horizon(ds, name, mask, weeks_from=0):
    """Horizon value (scenario, replicate) of indicator `name` over the buurten of `mask` (buurt or scenario x buurt)."""
    v = ds[name].transpose("scenario", "replicate", "week", "buurt").values[:, :, weeks_from:, :].astype(float)
    m = np.broadcast_to(np.asarray(mask, dtype=bool), (v.shape[0], v.shape[3]))[:, None, None, :]
    how = rule(name, ds[name].attrs.get("units", ""))
    if how == "flow":
        return np.where(m, v, 0.0).sum(axis=(2, 3))
    if how == "stock":
        weeks = v.shape[2]
        return np.where(m, v, 0.0).sum(axis=3).sum(axis=2) / weeks if weeks else np.full(v.shape[:2], np.nan)
    w = ds[how].transpose("scenario", "replicate", "week", "buurt").values[:, :, weeks_from:, :].astype(float)
    use = m & (w > 0) & ~np.isnan(v)
    num = np.where(use, v * w, 0).sum(axis=(2, 3))
    den = np.where(use, w, 0).sum(axis=(2, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def t_summary(x, level=0.95):
    """(n, mean, low, high) of the finite values of x: Student-t interval of the mean."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return 0, math.nan, math.nan, math.nan
    m = x.mean()
    if len(x) < 2:
        return len(x), m, math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return len(x), m, m - half, m + half


def spread(x, level, priors):
    """With priors, the uncertainty interval of one pair: numpy's quantiles of the finite values."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if not priors or len(x) == 0:
        return dict(ui_low=math.nan, ui_high=math.nan)
    return dict(ui_low=np.quantile(x, (1 - level) / 2), ui_high=np.quantile(x, (1 + level) / 2))


def pair_row(base, scen, level=0.95, priors=False):
    ok = np.isfinite(base) & np.isfinite(scen)
    n, mean, low, high = t_summary(scen[ok] - base[ok], level)
    b = base[ok].mean() if n else math.nan
    s = scen[ok].mean() if n else math.nan
    rel = mean / b if np.isfinite(b) and b != 0 else math.nan
    return dict(replicates=n, baseline_mean=b, scenario_mean=s, estimate=mean, ci_low=low, ci_high=high,
                relative_change=rel, **spread(scen[ok] - base[ok], level, priors))


def compare(ds, baseline, weeks_from=0, confidence=0.95, labels=None):
    """The table of buurtsim.compare. `labels`: {indicator: (label, unit)}, with the SAVINGS_ROWS."""
    names = [str(n) for n in ds["scenario_name"].values]
    b = names.index(baseline)
    n_buurt = ds.sizes["buurt"]
    targeted = np.asarray(ds["targeted"].transpose("scenario", "buurt").values) != 0
    priors = "parameter_values" in ds
    rows = []
    for s, name in enumerate(names):
        if s == b:
            continue
        for area_name, area in (("city", np.ones(n_buurt, dtype=bool)), ("targeted", targeted[s])):
            head = dict(scenario_name=name, area=area_name, buurten=int(area.sum()))
            h = {k: horizon(ds, k, area, weeks_from) for k in KEY} if area.any() else None
            for k in [*KEY, *SAVINGS_ROWS]:
                label, unit = labels[k]
                row = {**head, "indicator": k, "label": label, "unit": unit}
                if h is None:
                    row.update(replicates=0, baseline_mean=math.nan, scenario_mean=math.nan, estimate=math.nan,
                               ci_low=math.nan, ci_high=math.nan, relative_change=math.nan, **NAN_TAIL)
                elif k not in SAVINGS_ROWS:
                    row.update(pair_row(h[k][b], h[k][s], confidence, priors), p_saving_exceeds_cost=math.nan)
                else:
                    cost, pays = SAVINGS_ROWS[k]
                    care = {p: horizon(ds, cost, area, weeks_from)[p] - (h["intervention_cost_eur"][p] if pays else 0)
                            for p in (b, s)}
                    spent = h["intervention_cost_eur"][s]
                    with np.errstate(invalid="ignore", divide="ignore"):
                        ratio = np.where(spent > 0, (care[b] - care[s]) / np.where(spent > 0, spent, 1), np.nan)
                    n, mean, low, high = t_summary(ratio, confidence)
                    finite = ratio[np.isfinite(ratio)]
                    row.update(replicates=n, baseline_mean=math.nan, scenario_mean=math.nan, estimate=mean,
                               ci_low=low, ci_high=high, relative_change=math.nan,
                               **spread(ratio, confidence, priors),
                               p_saving_exceeds_cost=(finite > 1).mean() if n else math.nan)
                rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["buurten"] = table["buurten"].astype(np.int32)
    table["replicates"] = table["replicates"].astype(np.int32)
    return table
