"""Plotting helpers (matplotlib): time series with replicate bands, per-wijk bars, a forest plot.

Each function draws into ``ax`` (a new figure if not given) and returns the
axes. They work with any matplotlib backend; :func:`buurtsim.report` draws
with the non-interactive Agg canvas.

>>> import buurtsim
>>> ds = buurtsim.run(["baseline", "facilitator-every-wijk"], replicates=3, weeks=26,
...                   population__scale=0.05, population__wijken=["WK034403"])    # doctest: +SKIP
>>> buurtsim.plot.timeseries(ds, "lonely_share")                                 # doctest: +SKIP
>>> buurtsim.plot.wijk_bars(ds, "questions_unmet_open", baseline="baseline")     # doctest: +SKIP
>>> buurtsim.plot.forest(buurtsim.compare(ds))                                   # doctest: +SKIP
"""

import numpy as np

from .compare import KEY_INDICATORS, SAVINGS, SAVINGS_ROWS, _SPECS, city_series, compare_by_wijk
from .errors import UsageError

__all__ = ["timeseries", "wijk_bars", "forest", "label_of", "area_mask"]

_LABELS = {k["indicator"]: k["label"] for k in KEY_INDICATORS}
_UNITS = {k["indicator"]: k["unit"] for k in KEY_INDICATORS}


# Short labels of indicators that are not in the comparison table.
_SHORT = {
    "residents": "Residents", "adults": "Adults", "adults_65plus": "Residents 65+",
    "questions_new": "New support questions", "questions_solved_network": "Solved by the own network",
    "questions_solved_community": "Solved by the community", "questions_brokered": "Brokered by a buurtondersteuner",
    "questions_solved_professional": "Solved by the buurtteam", "questions_dropped": "Questions given up",
    "buurtteam_referrals": "Referrals to the buurtteam", "buurtteam_started": "Buurtteam cases started",
    "buurtteam_clients": "Buurtteam clients", "buurtteam_waiting": "Waiting for the buurtteam",
    "wmo_new": "New Wmo clients", "volunteers": "Volunteers", "carers": "Mantelzorgers",
    "carers_overburdened": "Overburdened mantelzorgers", "carers_withdrawn": "Mantelzorgers who stopped",
    "care_recipients": "Receiving mantelzorg", "meeting_visits": "Visits to meeting places",
    "severely_lonely_share_65plus": "Severely lonely residents 65+", "mean_ties_in_buurt": "Ties within the buurt",
    "share_knowing_5_in_buurt": "Adults knowing 5+ people in the buurt",
    "questions_light_help": "Light help by a buurtondersteuner", "questions_carer_found": "Mantelzorger found by a buurtondersteuner",
    "carers_supported": "Mantelzorgers supported by a buurtondersteuner",
    "questions_unmet": "Unmet questions (open, waiting, given up)", "crises": "Crises",
    "crises_waiting": "Crises while waiting for the buurtteam", "buurtteam_left_list": "Left the buurtteam list",
    "buurtteam_hours_needed": "Buurtteam hours needed", "buurtteam_capacity_hours": "Buurtteam hours budgeted",
    "buurtteam_idle_hours": "Buurtteam hours idle", "wmo_assessed": "Wmo assessments",
    "wmo_met_by_network": "Wmo needs met by the network", "wmo_met_by_general": "Wmo needs met by an algemene voorziening",
    "wmo_new_loket": "New Wmo clients via the loket", "wmo_clients_year": "Wmo clients during the year",
}
# Labels per week, where the comparison's label describes an average over the horizon.
_WEEKLY = {
    "questions_unmet_open": "Unmet open questions", "wmo_clients": "Wmo clients",
    "buurtteam_wait_weeks": "Wait for the buurtteam (cases started this week)",
}


def label_of(indicator):
    """A short plain-language label of an indicator."""
    if indicator in _LABELS:
        return _LABELS[indicator]
    if indicator in _SHORT:
        return _SHORT[indicator]
    meaning = _SPECS.get(indicator, {}).get("meaning", indicator)
    return meaning.split(";")[0].rstrip(".")


def _axes(ax, figsize=(7, 3.6)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def area_mask(ds, area):
    """Buurten selected by ``area``: None (all), a wijk or buurt code or name, a list of them, or a mask."""
    if area is None:
        return None
    if isinstance(area, np.ndarray) and area.dtype == bool:
        return area
    items = [area] if isinstance(area, str) else list(area)
    mask = np.zeros(ds.sizes["buurt"], dtype=bool)
    columns = [np.asarray(ds[c].values).astype(str) for c in ("wijk_code", "buurt_code", "wijk_name", "buurt_name")]
    for item in items:
        hit = np.zeros_like(mask)
        for col in columns:
            hit |= col == item
        if not hit.any():
            raise UsageError(f'"{item}" is not a wijk or buurt (code or name) of this result')
        mask |= hit
    return mask


def _scenario_list(ds, scenarios):
    names = [str(n) for n in ds["scenario_name"].values]
    if scenarios is None:
        return list(enumerate(names))
    out = []
    for s in [scenarios] if isinstance(scenarios, (str, int)) else scenarios:
        if isinstance(s, str):
            if s not in names:
                raise UsageError(f'scenario "{s}" is not in this result; its scenarios are '
                                 + ", ".join(f'"{n}"' for n in names))
            out.append((names.index(s), s))
        else:
            out.append((int(s), names[int(s)]))
    return out


def timeseries(ds, indicator, *, scenarios=None, area=None, band=True, ax=None, title=None):
    """An indicator over the weeks, one line per scenario (mean over replicates), band = replicate range.

    Counts, hours and euro are summed over the buurten of ``area``; shares and
    scores are means weighted by adults (see :func:`buurtsim.aggregation`).

    Parameters
    ----------
    ds : xarray.Dataset
    indicator : str
    scenarios : name, position or list, optional
    area : wijk/buurt code or name, list of them, or boolean mask over buurt, optional
    band : bool
        Shade the range between the lowest and highest replicate.
    """
    ax = _axes(ax)
    series = city_series(ds, indicator, area_mask(ds, area))
    weeks = np.asarray(ds["week"].values)
    for s, name in _scenario_list(ds, scenarios):
        v = np.asarray(series.isel(scenario=s).transpose("replicate", "week").values)
        line = ax.plot(weeks, np.nanmean(v, axis=0), label=name, lw=1.6)[0]
        if band and v.shape[0] > 1:
            ax.fill_between(weeks, np.nanmin(v, axis=0), np.nanmax(v, axis=0), color=line.get_color(), alpha=0.2,
                            lw=0)
    unit = _SPECS.get(indicator, {}).get("unit", "")
    ax.set_xlabel("week")
    ax.set_ylabel(unit)
    where = "" if area is None else f" ({area if isinstance(area, str) else 'selected buurten'})"
    ax.set_title(title or _WEEKLY.get(indicator, label_of(indicator)) + where, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return ax


def wijk_bars(ds, indicator, *, baseline=None, weeks_from=0, relative=False, ax=None, title=None):
    """Per-wijk bars: the paired difference from the baseline with its 95 % interval (several
    scenarios), or the horizon value with the replicate range (one scenario).

    ``relative=True`` shows differences as percent of the baseline.
    """
    from .compare import horizon_values

    ax = _axes(ax, figsize=(8, 3.8))
    names = [str(n) for n in ds["scenario_name"].values]
    codes = np.asarray(ds["wijk_code"].values).astype(str)
    wnames = np.asarray(ds["wijk_name"].values).astype(str)
    order = list(dict.fromkeys(codes))
    labels = [wnames[codes == c][0] for c in order]
    x = np.arange(len(order))
    unit = _UNITS.get(indicator, _SPECS.get(indicator, {}).get("unit", ""))
    if len(names) == 1:
        vals = np.array([horizon_values(ds, indicator, codes == c, weeks_from)[0] for c in order])  # (wijk, rep)
        mean = np.nanmean(vals, axis=1)
        err = np.vstack([mean - np.nanmin(vals, axis=1), np.nanmax(vals, axis=1) - mean])
        ax.bar(x, mean, yerr=err if vals.shape[1] > 1 else None, color="#4c78a8", capsize=3)
        ax.set_ylabel(unit)
        ax.set_title(title or f"{label_of(indicator)} per wijk ({names[0]})", fontsize=10)
    else:
        table = compare_by_wijk(ds, indicator, baseline, weeks_from=weeks_from)
        others = list(dict.fromkeys(table["scenario_name"]))
        width = 0.8 / len(others)
        for i, name in enumerate(others):
            t = table[table.scenario_name == name].set_index("area").loc[order]
            est, lo, hi = (t[c].to_numpy(dtype=float) for c in ("estimate", "ci_low", "ci_high"))
            if relative:
                base = t["baseline_mean"].to_numpy(dtype=float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    est, lo, hi = (100 * v / np.where(base != 0, base, np.nan) for v in (est, lo, hi))
            err = np.vstack([est - lo, hi - est])
            err = np.where(np.isfinite(err), err, 0)
            ax.bar(x + (i - (len(others) - 1) / 2) * width, est, width, yerr=err, capsize=2, label=name)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_ylabel("% of baseline" if relative else f"difference ({unit})")
        base_name = table.attrs.get("baseline") or baseline or ("baseline" if "baseline" in names else names[0])
        ax.set_title(title or f"{label_of(indicator)}: scenario minus {base_name}, per wijk", fontsize=10)
        ax.legend(fontsize=8, frameon=False)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return ax


def forest(table, *, area="city", indicators=None, ax=None, title=None):
    """Forest plot of a :func:`buurtsim.compare` table: each scenario's change per indicator, in percent
    of the baseline, with its 95 % interval. Intervals that cross 0 are drawn lighter. With priors
    (``ui_low``, ``ui_high`` finite) a thin line with end ticks shows the uncertainty interval too.

    Parameters
    ----------
    table : pandas.DataFrame from :func:`buurtsim.compare`
    area : "city" or "targeted"
    indicators : list of indicator names, optional (default: every key indicator)
    """
    t = table[(table.area == area) & ~table.indicator.isin(SAVINGS_ROWS)]
    if indicators is not None:
        t = t[t.indicator.isin(indicators)]
    t = t[np.isfinite(t.baseline_mean.astype(float)) & (t.baseline_mean.astype(float) != 0)]
    order = list(dict.fromkeys(t.indicator))
    scen = list(dict.fromkeys(t.scenario_name))
    ax = _axes(ax, figsize=(7.5, 0.42 * max(len(order), 1) * max(len(scen), 1) ** 0.5 + 1.2))
    if t.empty:
        ax.text(0.5, 0.5, "nothing to compare in this area", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    colors = [f"C{i}" for i in range(len(scen))]
    step = 0.8 / len(scen)
    for i, name in enumerate(scen):
        rows = t[t.scenario_name == name].set_index("indicator")
        for j, ind in enumerate(order):
            if ind not in rows.index:
                continue
            r = rows.loc[ind]
            base = float(r.baseline_mean)
            est, lo, hi = (100 * float(r[c]) / base for c in ("estimate", "ci_low", "ci_high"))
            lo, hi = min(lo, hi), max(lo, hi)  # a negative baseline would swap them
            y = j + (i - (len(scen) - 1) / 2) * step
            clear = np.isfinite(lo) and (lo > 0 or hi < 0)
            if "ui_low" in r.index and np.isfinite(float(r.ui_low)):
                # With priors: the thin line is where one pair's change lies (parameters and chance).
                ulo, uhi = sorted(100 * float(r[c]) / base for c in ("ui_low", "ui_high"))
                ax.plot([ulo, uhi], [y, y], color=colors[i], lw=0.8, alpha=0.8)
                ax.plot([ulo, uhi], [y, y], "|", color=colors[i], ms=6, alpha=0.8)
            if np.isfinite(lo):
                ax.plot([lo, hi], [y, y], color=colors[i], lw=2, alpha=1 if clear else 0.45)
            ax.plot([est], [y], "o", color=colors[i], ms=5, alpha=1 if clear else 0.6,
                    label=name if j == 0 or ind == order[0] else None)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([label_of(i) for i in order], fontsize=8)
    ax.invert_yaxis()
    priors = "ui_low" in t and np.isfinite(t.ui_low.astype(float)).any()
    ax.set_xlabel("change from baseline, %: mean, 95 % interval of the mean (thick) and 95 % uncertainty "
                  "interval with the parameters' priors (thin)" if priors else
                  "change from baseline, % (mean and 95 % interval over paired replicates)", fontsize=8 if priors else None)
    where = "whole area" if area == "city" else "targeted buurten"
    ax.set_title(title or f"Effects of each scenario, {where}", fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    seen = dict(zip(labels, handles))
    ax.legend(seen.values(), seen.keys(), fontsize=8, frameon=False, loc="best")
    ax.grid(axis="x", alpha=0.3)
    return ax

